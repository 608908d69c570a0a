"""A small profiler: where the time goes, op by op, printed as torch's table.

    with teachgrad.profiler.profile() as prof:
        loss = model(x).sum()
        loss.backward()
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=10))

While a profile is open, every op's forward (each Function.apply, named
teachgrad::<op>) and every backward formula (named by its node, as in torch:
MulBackward0) is timed, as are blocks marked with record_function("name"). An op
that runs other ops inside it is their parent: its "CPU total" includes them, its
"Self CPU" does not. teachgrad.autograd.profiler offers the same profile under
torch.autograd.profiler's name.

It works by replacing Function.apply and each Function's backward with timed
wrappers on entry, and putting the originals back on exit, so code outside a profile
runs exactly as before.
"""

from __future__ import annotations

import enum
import json
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from teachgrad.autograd.function import Function


class ProfilerActivity(enum.Enum):
    CPU = "cpu"
    CUDA = "cuda"


@dataclass
class _Event:
    name: str
    start_ns: int
    end_ns: int = 0
    children_ns: int = 0

    @property
    def total_ns(self) -> int:
        return self.end_ns - self.start_ns


@dataclass
class FunctionEventAvg:
    """All events of one name: what a row of the table shows."""

    key: str
    count: int = 0
    cpu_time_total: float = 0.0  # microseconds, as torch reports them
    self_cpu_time_total: float = 0.0

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total / self.count if self.count else 0.0


@dataclass
class EventList:
    """key_averages()'s result: one FunctionEventAvg per name."""

    averages: list[FunctionEventAvg] = field(default_factory=list)

    def __iter__(self) -> Iterator[FunctionEventAvg]:
        return iter(self.averages)

    def __len__(self) -> int:
        return len(self.averages)

    def __getitem__(self, index: int) -> FunctionEventAvg:
        return self.averages[index]

    def table(self, sort_by: str | None = None, row_limit: int = 100,
              max_name_column_width: int = 55, **unused: Any) -> str:
        rows = list(self.averages)
        if sort_by is not None:
            if not hasattr(FunctionEventAvg(""), sort_by):
                raise AttributeError(f"'FunctionEventAvg' object has no attribute '{sort_by}'")
            rows.sort(key=lambda row: getattr(row, sort_by), reverse=True)
        if row_limit is not None and row_limit >= 0:
            rows = rows[:row_limit]
        return _format_table(rows, sum(row.self_cpu_time_total for row in self.averages),
                             max_name_column_width)


class profile:  # torch's lower-case name
    """Record the time of every op run inside the `with` block."""

    def __init__(self, activities: Any = None, *, enabled: bool = True, record_shapes: bool = False,
                 **unused: Any) -> None:
        self.enabled = enabled
        self.events: list[_Event] = []
        self._stack: list[_Event] = []
        self._saved: list[tuple[type, str, Any]] = []

    def __enter__(self) -> profile:
        global _active
        if self.enabled and _active is not None:
            # As torch: a profile opened inside another records nothing of its own.
            warnings.warn("a profiler is already recording; this inner profile records "
                          "nothing (its ops are in the outer one)", stacklevel=2)
            self.enabled = False
        if self.enabled:
            _active = self
            self._patch()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        global _active
        if self.enabled and _active is self:
            for owner, name, original in reversed(self._saved):
                setattr(owner, name, original)
            self._saved.clear()
            _active = None

    # ----- recording
    def _begin(self, name: str) -> _Event:
        event = _Event(name, time.perf_counter_ns())
        self._stack.append(event)
        return event

    def _end(self, event: _Event) -> None:
        event.end_ns = time.perf_counter_ns()
        self._stack.pop()
        if self._stack:
            self._stack[-1].children_ns += event.total_ns
        self.events.append(event)

    def _patch(self) -> None:
        original_apply = Function.__dict__["apply"]
        self._saved.append((Function, "apply", original_apply))
        Function.apply = classmethod(_timed_apply(original_apply.__func__))
        for function in _all_functions(Function):
            if "backward" in function.__dict__:
                original = function.__dict__["backward"]
                self._saved.append((function, "backward", original))
                function.backward = staticmethod(_timed_backward(original.__func__))
        # The default mode runs some backward formulas on plain arrays instead (fast/):
        # time those too, under the same node names.
        from teachgrad.fast.array_backward import ARRAY_FORMULAS

        for function, formula in list(ARRAY_FORMULAS.items()):
            self._saved.append((_DictEntry(ARRAY_FORMULAS, function), "value", formula))
            ARRAY_FORMULAS[function] = _timed_backward(formula, keep_none=False)

    # ----- reading
    def key_averages(self) -> EventList:
        averages: dict[str, FunctionEventAvg] = {}
        for event in self.events:
            row = averages.setdefault(event.name, FunctionEventAvg(event.name))
            row.count += 1
            row.cpu_time_total += event.total_ns / 1000
            row.self_cpu_time_total += (event.total_ns - event.children_ns) / 1000
        return EventList(list(averages.values()))

    def table(self, **kwargs: Any) -> str:
        return self.key_averages().table(**kwargs)

    def export_chrome_trace(self, path: str) -> None:
        """Write the events for chrome://tracing or Perfetto: one bar per op over time."""
        origin = min((event.start_ns for event in self.events), default=0)
        trace = [{"name": event.name, "ph": "X", "cat": "cpu_op", "pid": 0, "tid": 0,
                  "ts": (event.start_ns - origin) / 1000, "dur": event.total_ns / 1000}
                 for event in self.events]
        with open(path, "w") as file:
            json.dump({"traceEvents": trace}, file)


class record_function:  # torch's lower-case name
    """Mark a block of code as one event named `name` in the open profile (if any)."""

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name = name
        self._event: _Event | None = None

    def __enter__(self) -> record_function:
        if _active is not None:
            self._event = _active._begin(self.name)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self._event is not None and _active is not None:
            _active._end(self._event)
        self._event = None


_active: profile | None = None


class _DictEntry:
    """dict[key] as an attribute, so that __exit__ restores it like the others."""

    def __init__(self, mapping: dict, key: Any) -> None:
        self.mapping, self.key = mapping, key

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "value":
            self.mapping[self.key] = value
        else:
            object.__setattr__(self, name, value)


def _timed_apply(apply: Callable) -> Callable:
    def timed(cls: type, *args: Any) -> Any:
        profiler = _active
        if profiler is None:
            return apply(cls, *args)
        event = profiler._begin("teachgrad::" + cls.__name__.split("_")[0].lower())
        try:
            return apply(cls, *args)
        finally:
            profiler._end(event)

    return timed


def _timed_backward(backward: Callable, keep_none: bool = True) -> Callable:
    """backward, timed under its node's name. keep_none=False: an array formula that
    returns None declined the case, and the node's backward runs next, timed itself."""
    def timed(ctx: Any, *grads: Any) -> Any:
        profiler = _active
        if profiler is None:
            return backward(ctx, *grads)
        event = profiler._begin(type(ctx).__name__)
        result = None
        try:
            result = backward(ctx, *grads)
            return result
        finally:
            if result is None and not keep_none:
                profiler._stack.pop()  # not an event: the reference backward follows
            else:
                profiler._end(event)

    return timed


def _all_functions(base: type) -> list[type]:
    found, pending = [], [base]
    while pending:
        for subclass in pending.pop().__subclasses__():
            found.append(subclass)
            pending.append(subclass)
    return found


def _time_text(microseconds: float) -> str:
    # torch's units: us below a millisecond, ms below a second, then s
    if microseconds >= 1e6:
        return f"{microseconds / 1e6:.3f}s"
    if microseconds >= 1e3:
        return f"{microseconds / 1e3:.3f}ms"
    return f"{microseconds:.3f}us"


def _format_table(rows: list[FunctionEventAvg], self_total: float, name_width: int) -> str:
    width = max([len("Name")] + [min(len(row.key), name_width) for row in rows]) + 2
    headers = ["Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
               "# of Calls"]
    rule = "-" * width + "  " + "  ".join("-" * 12 for _ in headers) + "  "
    lines = [rule, "Name".rjust(width) + "  " + "  ".join(h.rjust(12) for h in headers) + "  ",
             rule]
    for row in rows:
        share = (lambda value: f"{100 * value / self_total:.2f}%") if self_total else \
            (lambda value: "0.00%")
        cells = [share(row.self_cpu_time_total), _time_text(row.self_cpu_time_total),
                 share(row.cpu_time_total), _time_text(row.cpu_time_total),
                 _time_text(row.cpu_time), str(row.count)]
        lines.append(row.key[:name_width].rjust(width) + "  "
                     + "  ".join(cell.rjust(12) for cell in cells) + "  ")
    lines += [rule, f"Self CPU time total: {_time_text(self_total)}", ""]
    return "\n".join(lines)
