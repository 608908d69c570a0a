"""Noting that optimizer.step() ran, for the learning-rate schedulers.

Optimizer inherits StepHooks: the step() of each optimizer class (SGD, Adam, ...) is
wrapped so that it sets optimizer._step_called, and an LR scheduler whose step() comes
first can warn, as torch's does (lr_scheduler.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


class StepHooks:
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Optimizer, which derives from StepHooks directly, only states step's contract;
        # the classes below it define the updates.
        if "step" in cls.__dict__ and StepHooks not in cls.__bases__:
            cls.step = _noting_calls(cls.__dict__["step"])


def _noting_calls(step: Callable) -> Callable:
    @functools.wraps(step)
    def step_and_note(self: Any, *args: Any, **kwargs: Any) -> Any:
        self._step_called = True
        return step(self, *args, **kwargs)

    return step_and_note
