"""Switching gradient recording off and on: no_grad, enable_grad, set_grad_enabled.

Each of them works both as a context manager and as a decorator, like torch's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


class _GradFlag:
    # One plain object rather than a threading.local: every op reads this flag, and a
    # plain attribute read is the cheapest thing Python offers (teachgrad runs in one
    # thread). An instance, not class attributes: writing a class attribute makes
    # Python drop what it cached about the class, and apply writes this flag twice.
    __slots__ = ("enabled",)

    def __init__(self) -> None:
        self.enabled = True


_GradState = _GradFlag()


def is_grad_enabled() -> bool:
    """True when new operations record a graph for backward."""
    return _GradState.enabled


class _GradModeContext:
    """Base for the three switches: sets the flag on entry and restores it on exit."""

    mode: bool

    def __enter__(self) -> None:
        self._previous = _GradState.enabled
        _GradState.enabled = self.mode

    def __exit__(self, *exc_info: Any) -> None:
        _GradState.enabled = self._previous

    def __call__(self, func: Callable) -> Callable:
        mode = self.mode

        @functools.wraps(func)
        def with_mode(*args: Any, **kwargs: Any) -> Any:
            previous = _GradState.enabled
            _GradState.enabled = mode
            try:
                return func(*args, **kwargs)
            finally:
                _GradState.enabled = previous

        return with_mode


class no_grad(_GradModeContext):
    """Inside this block (or decorated function) no op records a graph."""

    mode = False


class enable_grad(_GradModeContext):
    """Turns recording back on inside a no_grad block."""

    mode = True


class set_grad_enabled(_GradModeContext):
    """set_grad_enabled(False) acts like no_grad, set_grad_enabled(True) like enable_grad.

    Called on its own (not in a with), it switches the mode right away, as torch's does.
    """

    def __init__(self, mode: bool) -> None:
        self._previous = _GradState.enabled
        self.mode = bool(mode)
        _GradState.enabled = self.mode

    def __enter__(self) -> None:
        # The switch already happened in __init__; keep the value from before it.
        pass

    def __call__(self, func: Callable) -> Callable:
        # Used as a decorator, the immediate switch made by __init__ must be undone.
        _GradState.enabled = self._previous
        return super().__call__(func)

    def __exit__(self, *exc_info: Any) -> None:
        _GradState.enabled = self._previous
