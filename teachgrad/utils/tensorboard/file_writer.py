"""FileWriter: one event file, to which summaries are appended as timestamped events.

An event file is a sequence of `Event` records (protocol buffers): each holds a wall
time, a step, and one payload, usually a `Summary` (a list of tagged values). The
`tensorboard` package does the file format and the writing, on a background thread that
flushes every `flush_secs` seconds or after `max_queue` pending events; this class only
stamps each event with its step and time.
"""

from __future__ import annotations

import os
import time

from tensorboard.compat.proto.event_pb2 import Event
from tensorboard.compat.proto.summary_pb2 import Summary
from tensorboard.summary.writer.event_file_writer import EventFileWriter

__all__ = ["FileWriter"]


class FileWriter:
    """Writes events to a new event file in `log_dir` (torch.utils.tensorboard.FileWriter)."""

    def __init__(self, log_dir: str | os.PathLike, max_queue: int = 10, flush_secs: int = 120,
                 filename_suffix: str = "") -> None:
        self.event_writer = EventFileWriter(str(log_dir), max_queue, flush_secs, filename_suffix)

    def get_logdir(self) -> str:
        """The directory the event file is in."""
        return self.event_writer.get_logdir()

    def add_event(self, event: Event, step: int | None = None,
                  walltime: float | None = None) -> None:
        """Append `event`, stamped with `walltime` (default: now) and `step` if given."""
        event.wall_time = time.time() if walltime is None else walltime
        if step is not None:
            # int(): a NumPy integer or a one-element tensor is welcome as a step too.
            event.step = int(step)
        self.event_writer.add_event(event)

    def add_summary(self, summary: Summary, global_step: int | None = None,
                    walltime: float | None = None) -> None:
        """Append `summary`, wrapped in an Event."""
        self.add_event(Event(summary=summary), global_step, walltime)

    def flush(self) -> None:
        """Write the pending events to disk now."""
        self.event_writer.flush()

    def close(self) -> None:
        """Flush, then close the file."""
        self.event_writer.close()
