"""The no-copy gradient hand-over: a leaf's first .grad is the engine's tensor itself.

The reference engine (teachgrad/autograd/engine.py, _first_gradient) stores a copy of
the first gradient that reaches a leaf, because the same tensor might also be flowing
to another leaf (both inputs of an add get one tensor) or be the caller's `gradient=`.
When nothing else can see the tensor, that copy is wasted: one array copy per
parameter per step. torch decides the same way, by the tensor's use count.

Here the count is CPython's reference count, compared with a baseline measured at
import through the same calls, so a Python whose getrefcount counts differently still
gets a safe answer (a copy). The engine's loop is written as small functions so that
no local variable of the loop keeps a gradient alive by the time it reaches here.
"""

from __future__ import annotations

import sys
from typing import Any


def first_gradient_without_copy(grad_value: Any, create_graph: bool) -> Any:
    """engine._first_gradient, without the copy when nothing else holds the gradient."""
    if create_graph or _is_sole_owner(grad_value):
        return grad_value
    return grad_value.detach().clone()


def _is_sole_owner(grad_value: Any) -> bool:
    """No other reference to the tensor, and an array that is not a view of another."""
    array = grad_value._array
    return (
        array.base is None
        and sys.getrefcount(grad_value) <= _SOLE_OWNER_COUNTS[0]
        and sys.getrefcount(array) <= _SOLE_OWNER_COUNTS[1]
    )


class _Probe:
    __slots__ = ("_array",)


def _baseline_counts() -> tuple[int, int]:
    # The same chain of calls as the engine's: _accumulate pops the gradient from the
    # holder list, then _first_gradient -> _is_sole_owner count it.
    def like_accumulate(holder: list) -> tuple[int, int]:
        grad_value = holder.pop()
        return like_first_gradient(grad_value)

    def like_first_gradient(grad_value: Any) -> tuple[int, int]:
        return like_is_sole_owner(grad_value)

    def like_is_sole_owner(grad_value: Any) -> tuple[int, int]:
        array = grad_value._array
        return sys.getrefcount(grad_value), sys.getrefcount(array)

    probe = _Probe()
    probe._array = object()
    return like_accumulate([probe])


_SOLE_OWNER_COUNTS = _baseline_counts()
