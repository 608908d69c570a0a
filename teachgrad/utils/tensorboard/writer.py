"""SummaryWriter (torch.utils.tensorboard.SummaryWriter): log scalars, histograms, text
and hyperparameters during training, for TensorBoard to plot.

Everything goes to event files under `log_dir`, one directory per run: point
`tensorboard --logdir runs` at the parent to compare runs. Each add_* call builds a
Summary (summaries.py, hparams.py) and appends it, with its step and wall time, to a
FileWriter (file_writer.py). Values may be teachgrad tensors (on any device), NumPy
arrays or Python numbers.
"""

from __future__ import annotations

import os
import socket
import time
from datetime import datetime
from typing import Any

from tensorboard.compat.proto.event_pb2 import Event, SessionLog

from teachgrad.utils.tensorboard import summaries
from teachgrad.utils.tensorboard.file_writer import FileWriter
from teachgrad.utils.tensorboard.hparams import hparams

__all__ = ["SummaryWriter"]


def default_log_dir(comment: str = "") -> str:
    """runs/<month><day>_<hh-mm-ss>_<host><comment>, a new directory for each run."""
    stamp = datetime.now().strftime("%b%d_%H-%M-%S")
    return os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")


class SummaryWriter:
    """Writes summaries to event files in `log_dir` (default: runs/<date>_<host><comment>).

    `purge_step`: after a crash at step T + X, restart at step T with purge_step=T and
    the same log_dir, and TensorBoard hides the old events from step T on. `max_queue`
    and `flush_secs` say how often pending events reach the disk (flush() forces it).

    >>> with SummaryWriter(comment="_lr0.1") as writer:      # doctest: +SKIP
    ...     writer.add_scalar("loss/train", 0.25, global_step=10)
    """

    def __init__(self, log_dir: str | os.PathLike | None = None, comment: str = "",
                 purge_step: int | None = None, max_queue: int = 10, flush_secs: int = 120,
                 filename_suffix: str = "") -> None:
        self.log_dir = log_dir or default_log_dir(comment)  # comment only names a default
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        # all_writers: log_dir -> FileWriter; add_scalars adds one per curve.
        self.file_writer: FileWriter | None = None
        self.all_writers: dict[str, FileWriter] | None = None
        self._get_file_writer()

    def _new_file_writer(self, log_dir: str | os.PathLike) -> FileWriter:
        return FileWriter(log_dir, self.max_queue, self.flush_secs, self.filename_suffix)

    def _get_file_writer(self) -> FileWriter:
        """The main FileWriter; after close() a new one (and a new event file) is opened."""
        if self.file_writer is None or self.all_writers is None:
            self.file_writer = self._new_file_writer(self.log_dir)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            if self.purge_step is not None:
                # A restart marker: TensorBoard drops older events from this step on.
                self.file_writer.add_event(Event(step=self.purge_step,
                                                 file_version="brain.Event:2"))
                self.file_writer.add_event(Event(step=self.purge_step,
                                                 session_log=SessionLog(status=SessionLog.START)))
                self.purge_step = None
        return self.file_writer

    def get_logdir(self) -> str | os.PathLike:
        """The directory the event files go to."""
        return self.log_dir

    def add_scalar(self, tag: str, scalar_value: Any, global_step: int | None = None,
                   walltime: float | None = None, new_style: bool = False,
                   double_precision: bool = False) -> None:
        """Log one number (a one-element tensor, an array or a Python number) under `tag`."""
        summary = summaries.scalar(tag, scalar_value, new_style, double_precision)
        self._get_file_writer().add_summary(summary, global_step, walltime)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict[str, Any],
                    global_step: int | None = None, walltime: float | None = None) -> None:
        """Log several numbers as curves of one chart, `main_tag`: each curve is its own
        run, in the subdirectory <log_dir>/<main_tag>_<tag> ("/" in main_tag becomes "_")."""
        walltime = time.time() if walltime is None else walltime  # the same for every curve
        parent = self._get_file_writer().get_logdir()
        for tag, value in tag_scalar_dict.items():
            log_dir = parent + "/" + main_tag.replace("/", "_") + "_" + tag
            if log_dir not in self.all_writers:
                self.all_writers[log_dir] = self._new_file_writer(log_dir)
            self.all_writers[log_dir].add_summary(summaries.scalar(main_tag, value),
                                                  global_step, walltime)

    def add_histogram(self, tag: str, values: Any, global_step: int | None = None,
                      bins: Any = "tensorflow", walltime: float | None = None,
                      max_bins: int | None = None) -> None:
        """Log the distribution of `values` (e.g. a layer's weights or gradients).

        `bins`: "tensorflow" (TensorFlow's fixed edges, fine near 0), or anything
        np.histogram takes ("auto", "fd", a number of bins, the edges)."""
        if isinstance(bins, str) and bins == "tensorflow":
            bins = summaries.default_bins()
        summary = summaries.histogram(tag, values, bins, max_bins)
        self._get_file_writer().add_summary(summary, global_step, walltime)

    def add_histogram_raw(self, tag: str, min: float, max: float, num: int,
                          sum: float, sum_squares: float, bucket_limits: Any,
                          bucket_counts: Any, global_step: int | None = None,
                          walltime: float | None = None) -> None:
        """Log a histogram already counted: statistics, bucket right edges and counts."""
        if len(bucket_limits) != len(bucket_counts):
            raise ValueError(f"add_histogram_raw: {len(bucket_limits)} bucket_limits but "
                             f"{len(bucket_counts)} bucket_counts; give one limit per bucket")
        summary = summaries.histogram_raw(tag, min, max, num, sum, sum_squares,
                                          bucket_limits, bucket_counts)
        self._get_file_writer().add_summary(summary, global_step, walltime)

    def add_text(self, tag: str, text_string: str, global_step: int | None = None,
                 walltime: float | None = None) -> None:
        """Log a string (TensorBoard renders it as Markdown) under `tag`."""
        summary = summaries.text(tag, text_string)
        self._get_file_writer().add_summary(summary, global_step, walltime)

    def add_hparams(self, hparam_dict: dict[str, Any], metric_dict: dict[str, Any],
                    hparam_domain_discrete: dict[str, list] | None = None,
                    run_name: str | None = None, global_step: int | None = None) -> None:
        """Log one run's hyperparameters and final metrics for the HPARAMS tab, in the
        subdirectory <log_dir>/<run_name> (default: the current time)."""
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("add_hparams takes two dicts: hparam_dict {name: value} and "
                            "metric_dict {metric name: value}")
        experiment, start, end = hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        log_dir = os.path.join(self._get_file_writer().get_logdir(), run_name or str(time.time()))
        with SummaryWriter(log_dir=log_dir) as run:
            for summary in (experiment, start, end):
                run.file_writer.add_summary(summary, global_step)
            for name, value in metric_dict.items():
                run.add_scalar(name, value, global_step)

    def flush(self) -> None:
        """Write every pending event to disk now."""
        for writer in (self.all_writers or {}).values():
            writer.flush()

    def close(self) -> None:
        """Flush and close the event files; a later add_* call opens new ones."""
        if self.all_writers is None:
            return  # already closed
        for writer in self.all_writers.values():
            writer.flush()
            writer.close()
        self.file_writer = self.all_writers = None

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
