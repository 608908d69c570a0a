"""Overflow, division by zero and invalid values: silent inside teachgrad, as in torch.

NumPy warns (RuntimeWarning: overflow encountered in multiply) when a float result
overflows to inf or becomes nan; torch returns the same inf or nan without a word.
A learner who picks too large a learning rate should see what torch users see: a
loss of inf or nan, not a page of warnings from deep inside teachgrad's ops.

So every op's forward (Function.apply) and every backward pass (the engine) run with
NumPy's floating-point errors ignored, and restore the caller's setting afterwards:
the user's own NumPy code still warns as before. CuPy never warns, so GPU arrays are
unaffected either way.

It happens once, at the outermost level: inside a backward pass, or inside an op's
forward, the ops that run there find the errors already ignored and skip the switch.
Usage, as apply and the engine do it:

    token = silence()
    try:
        ...  # NumPy math that may overflow
    finally:
        restore(token)

The switch itself is NumPy's public np.seterr (about 3 us). teachgrad/fast/ swaps in a
faster one (teachgrad/fast/float_errors.py) unless the reference mode is on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np


def _ignore_float_errors() -> Any:
    return np.seterr(all="ignore")


def _restore_float_errors(token: Any) -> None:
    np.seterr(**token)


class _SilencedFlag:
    # A plain object, like autograd's _GradState: every op reads it, and teachgrad runs
    # in one thread.
    __slots__ = ("now",)

    def __init__(self) -> None:
        self.now = False


Silenced = _SilencedFlag()


def silence() -> Any:
    """Ignore NumPy's float errors until restore(token); nothing to do if already ignored."""
    if Silenced.now:
        return None
    Silenced.now = True
    return _ignore_float_errors()


def restore(token: Any) -> None:
    """Undo the silence() that returned token (None: an outer silence is still on)."""
    if token is not None:
        _restore_float_errors(token)
        Silenced.now = False


@contextmanager
def float_errors_ignored() -> Iterator[None]:
    """silence() and restore() as a with block."""
    token = silence()
    try:
        yield
    finally:
        restore(token)
