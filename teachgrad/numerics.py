"""Overflow, division by zero and invalid values: silent inside teachgrad, as in torch.

NumPy warns (RuntimeWarning: overflow encountered in multiply) when a float result
overflows to inf or becomes nan; torch returns the same inf or nan without a word.
A learner who picks too large a learning rate should see what torch users see: a
loss of inf or nan, not a page of warnings from deep inside teachgrad's ops.

So every op's forward (Function.apply) and every backward pass (the engine) run with
NumPy's floating-point errors ignored, and restore the caller's setting afterwards:
the user's own NumPy code still warns as before. CuPy never warns, so GPU arrays are
unaffected either way.

The switch must be cheap, because apply runs for every op. np.errstate(all="ignore")
costs about 2.5 us to build and enter (a third of an op's whole overhead); since
NumPy 2.0 the error state is a context variable, and setting that variable directly
costs about 0.3 us. NumPy 1.x has no such variable: there we fall back to np.seterr,
which is slower but just as local (restored right after).

Even that is close to a tenth of a small op, so it happens once, at the outermost level:
inside a backward pass, or inside an op's forward, the ops that run there find the
errors already ignored and skip it. Usage, as apply and the engine do it:

    token = silence()
    try:
        ...  # NumPy math that may overflow
    finally:
        restore(token)
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:  # NumPy >= 2.0
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj
except ImportError:  # NumPy 1.x (or a future NumPy that moved them)
    _extobj_contextvar = None


class _SeterrState:
    """The same set/reset interface over np.seterr, for NumPy without the context var."""

    @staticmethod
    def set(value: dict) -> dict:
        return np.seterr(**value)

    @staticmethod
    def reset(token: dict) -> None:
        np.seterr(**token)


if _extobj_contextvar is not None:
    FLOAT_ERRORS: Any = _extobj_contextvar
    IGNORE: Any = _make_extobj(all="ignore")
else:
    FLOAT_ERRORS = _SeterrState()
    IGNORE = {"all": "ignore"}


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
    return FLOAT_ERRORS.set(IGNORE)


def restore(token: Any) -> None:
    """Undo the silence() that returned token (None: an outer silence is still on)."""
    if token is not None:
        FLOAT_ERRORS.reset(token)
        Silenced.now = False
