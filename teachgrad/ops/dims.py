"""A dim checked as torch checks it, for ops that treat a 0-d tensor as a single element.

A 0-d tensor takes dim 0 or -1 (torch's "range of [-1, 0]"); any other dim is torch's
IndexError. The op then has no axis to work along: None.
"""

from __future__ import annotations

from teachgrad.tensor import _wrap_dim


def axis_or_none(dim: int, ndim: int) -> int | None:
    """dim as a non-negative axis, or None for a 0-d tensor; IndexError when out of range."""
    axis = _wrap_dim(dim, ndim)
    return axis if ndim else None
