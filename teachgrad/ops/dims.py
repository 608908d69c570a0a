"""Dims checked as torch checks them: one dim for ops that treat a 0-d tensor as a single
element (axis_or_none), and the dims a reduction works along (_axes, _kept_shape).

A 0-d tensor takes dim 0 or -1 (torch's "range of [-1, 0]"); any other dim is torch's
IndexError. The op then has no axis to work along: None (or no axes, ()).
"""

from __future__ import annotations

from typing import Any

from teachgrad.tensor import _wrap_dim


def axis_or_none(dim: int, ndim: int) -> int | None:
    """dim as a non-negative axis, or None for a 0-d tensor; IndexError when out of range."""
    axis = _wrap_dim(dim, ndim)
    return axis if ndim else None


def _axes(dim: Any, ndim: int) -> tuple[int, ...] | None:
    """Normalise dim (None, an int, or a sequence of ints) to sorted non-negative axes."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return None  # torch treats dim=() and dim=[] as "all dims" for sum and mean
        axes = tuple(sorted(_wrap_dim(d, ndim) for d in dim))
        if len(set(axes)) != len(axes):
            raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
        return axes
    axis = _wrap_dim(dim, ndim)  # a 0-d tensor takes dim 0 or -1, and has no axes
    return (axis,) if ndim else ()


def _kept_shape(input_shape: tuple, axes: tuple | None, keepdim: bool) -> tuple | None:
    """The result's shape had the reduced dims been kept (None: it broadcasts as it is)."""
    if axes is None or keepdim:  # a 0-d result, or one that kept its dims
        return None
    return tuple(1 if d in axes else size for d, size in enumerate(input_shape))
