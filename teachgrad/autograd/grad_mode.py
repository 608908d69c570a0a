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
    """True when new operations record a graph for backward (the default), else False.

    Examples::

        >>> import teachgrad
        >>> teachgrad.is_grad_enabled()
        True
        >>> with teachgrad.no_grad():
        ...     print(teachgrad.is_grad_enabled())
        False
        >>> teachgrad.is_grad_enabled()
        True
    """
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


class _BareDecorator(_GradModeContext):
    """A switch that also works as a bare decorator, @no_grad without (), as torch's."""

    def __new__(cls, func: Callable | None = None) -> Any:
        switch = super().__new__(cls)
        return switch if func is None else switch(func)


class no_grad(_BareDecorator):
    """Inside this block (or decorated function) no op records a graph.

    Results computed there have requires_grad=False and no grad_fn, even from inputs that
    require grad: nothing is kept for backward. Use it to evaluate a model, or to change
    parameters in place (an optimizer's step). The previous mode comes back on exit, also
    when an exception leaves the block.

    Examples::

        >>> import teachgrad
        >>> x = teachgrad.tensor([1.0, 2.0], requires_grad=True)
        >>> with teachgrad.no_grad():
        ...     y = x * 2
        >>> y
        tensor([2., 4.])
        >>> y.requires_grad
        False
        >>> @teachgrad.no_grad()
        ... def double(t):
        ...     return t * 2
        >>> double(x).requires_grad
        False
        >>> x * 2                           # outside, recording is back on
        tensor([2., 4.], grad_fn=<MulBackward0>)
    """

    mode = False


class enable_grad(_BareDecorator):
    """Turns recording back on inside a no_grad block (or for a decorated function).

    Examples::

        >>> import teachgrad
        >>> x = teachgrad.tensor([1.0], requires_grad=True)
        >>> with teachgrad.no_grad():
        ...     with teachgrad.enable_grad():
        ...         y = x * 2
        >>> y
        tensor([2.], grad_fn=<MulBackward0>)
        >>> @teachgrad.enable_grad()
        ... def double(t):
        ...     return t * 2
        >>> with teachgrad.no_grad():
        ...     z = double(x)
        >>> z.requires_grad
        True
    """

    mode = True


class set_grad_enabled(_GradModeContext):
    """set_grad_enabled(False) acts like no_grad, set_grad_enabled(True) like enable_grad.

    The mode can come from a variable (e.g. grad on while training, off while evaluating).
    Called on its own (not in a with), it switches the mode right away, as torch's does.

    Examples::

        >>> import teachgrad
        >>> x = teachgrad.tensor([1.0], requires_grad=True)
        >>> training = False
        >>> with teachgrad.set_grad_enabled(training):
        ...     y = x * 2
        >>> y.requires_grad
        False
        >>> @teachgrad.set_grad_enabled(False)
        ... def double(t):
        ...     return t * 2
        >>> double(x).requires_grad
        False
        >>> _ = teachgrad.set_grad_enabled(False)      # on its own: off from here on
        >>> (x * 2).requires_grad
        False
        >>> _ = teachgrad.set_grad_enabled(True)
        >>> (x * 2).requires_grad
        True
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
