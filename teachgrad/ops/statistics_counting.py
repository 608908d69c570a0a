"""Counting and binning: bincount, histc, isin, searchsorted, bucketize, unravel_index.

Their results are counts, masks or indices, so none records a gradient (as in torch).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachgrad.device import array_module
from teachgrad.tensor import Tensor


def _integral(array: Any) -> bool:
    return array.dtype.kind in "iu"


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """How often each value 0..max(input) occurs (or the sum of its weights)."""
    array = input._array
    xp = array_module(array)
    if array.dtype.kind in "fb":
        raise NotImplementedError(f'"bincount_cpu" not implemented for '
                                  f"'{input.dtype.name.capitalize()}'. Pass integers.")
    if array.ndim != 1 or not _integral(array) or (array.size and int(array.min()) < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return Tensor._make(xp.bincount(array, minlength=minlength).astype(np.int64))
    if weights.ndim != 1 or weights.shape[0] != array.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    # torch sums float weights in float32, any other weights in float64
    dtype = np.float32 if weights.dtype.name == "float32" else np.float64
    counts = xp.bincount(array, weights=weights._array.astype(np.float64), minlength=minlength)
    return Tensor._make(counts.astype(dtype))


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """Counts in `bins` equal bins over [min, max] (the data's range when min == max);
    values outside are left out, a value equal to max goes in the last bin."""
    array = input._array
    xp = array_module(array)
    if array.dtype.kind != "f":
        raise NotImplementedError(f'"histogram_cpu" not implemented for '
                                  f"'{input.dtype.name.capitalize()}'. Pass floats.")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for "
                           "dimension 0")
    if min > max:
        raise RuntimeError("torch.histc: max must be larger than min")
    low, high = float(min), float(max)
    if low == high and array.size:
        low, high = float(array.min()), float(array.max())
    if low == high:
        low, high = low - 1, high + 1
    flat = array.reshape(-1)
    inside = flat[(flat >= low) & (flat <= high)]
    positions = ((inside - low) * bins / (high - low)).astype(np.int64)
    positions = xp.minimum(positions, bins - 1)  # the top edge belongs to the last bin
    return Tensor._make(xp.bincount(positions, minlength=bins).astype(array.dtype))


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:
    """A bool mask, shaped as elements: which of them occur in test_elements."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() takes a tensor as elements or test_elements (or both), "
                        "not two numbers")
    reference = elements if isinstance(elements, Tensor) else test_elements
    xp = array_module(reference._array)
    mine = elements._array if isinstance(elements, Tensor) else xp.asarray(elements)
    theirs = test_elements._array if isinstance(test_elements, Tensor) else \
        xp.asarray(test_elements)
    return Tensor._make(xp.isin(mine, theirs, invert=invert))


def _side(right: bool, side: str | None) -> str:
    if side is not None and side not in ("left", "right"):
        raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                           f"got {side}")
    if side == "left" and right:
        raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, "
                           "got side of left while right was True")
    return side or ("right" if right else "left")


def searchsorted(sorted_sequence: Tensor, values: Any, *, out_int32: bool = False,
                 right: bool = False, side: str | None = None,
                 sorter: Tensor | None = None) -> Tensor:
    """Where each value would go in sorted_sequence (along its last dim) to keep it sorted:
    before equal entries (side='left'), or after them (side='right' or right=True)."""
    where = _side(right, side)
    boundaries = sorted_sequence._array
    xp = array_module(boundaries)
    if sorter is not None:
        boundaries = xp.take_along_axis(boundaries, sorter._array, axis=-1)
    found = values._array if isinstance(values, Tensor) else xp.asarray(values)
    dtype = np.int32 if out_int32 else np.int64
    if boundaries.ndim == 1:
        return Tensor._make(xp.searchsorted(boundaries, found, side=where).astype(dtype))
    if found.ndim != boundaries.ndim or found.shape[:-1] != boundaries.shape[:-1]:
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
            "dimensions of boundaries tensor and input value tensor must match, but we got "
            f"boundaries tensor {list(boundaries.shape)} and input value tensor "
            f"{list(found.shape)}")
    rows, row_values = boundaries.reshape(-1, boundaries.shape[-1]), \
        found.reshape(-1, found.shape[-1])
    # one search per row: NumPy and CuPy search one sorted row at a time
    result = xp.stack([xp.searchsorted(row, vals, side=where)
                       for row, vals in zip(rows, row_values)]) if len(rows) else \
        xp.zeros(row_values.shape, dtype=dtype)
    return Tensor._make(result.reshape(found.shape).astype(dtype))


def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False,
              right: bool = False) -> Tensor:
    """Each value's bucket among 1-d sorted boundaries (searchsorted the other way round)."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def unravel_index(indices: Tensor, shape: Any) -> tuple:
    """Flat indices as one coordinate tensor per dim of `shape` (torch wraps indices out
    of range, negative ones too, modulo the number of elements)."""
    if not isinstance(indices, Tensor) or not _integral(indices._array):
        got = f"torch.{indices.dtype.name}" if isinstance(indices, Tensor) else type(indices)
        raise TypeError(f"expected 'indices' to be integer dtype, but got {got}")
    sizes = (int(shape),) if isinstance(shape, int) else tuple(int(s) for s in shape)
    if any(size < 0 for size in sizes):
        raise ValueError(f"'shape' cannot have negative values, but got {sizes}")
    remaining = indices._array.astype(np.int64)
    coordinates = []
    for size in reversed(sizes):
        coordinates.append(remaining % size)
        remaining = remaining // size
    return tuple(Tensor._make(c) for c in reversed(coordinates))
