"""repeat_interleave: each element (or slice along a dim) repeated in place.

[a, b].repeat_interleave(2) is [a, a, b, b] (repeat, by contrast, gives [a, b, a, b]).
It is built from recorded ops, as torch builds it, so the gradient comes for free:
  - the same count for every element: unsqueeze, expand, clone, view;
  - a count per element: the positions [0, 0, 1, 2, 2, ...] picked with index_select.
torch.repeat_interleave(counts) alone gives those positions.
"""

from __future__ import annotations

from typing import Any

from teachgrad.device import array_module
from teachgrad.ops.convert import clone
from teachgrad.ops.index_select import index_select
from teachgrad.ops.views import expand, flatten, unsqueeze, view
from teachgrad.tensor import Tensor, _wrap_dim


def _positions(repeats: Tensor) -> Tensor:
    """[0]*r0 + [1]*r1 + ...: where each output slice comes from."""
    counts = repeats._array
    if counts.ndim != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    _check_counts(counts)
    # Built from cumsum (CuPy's repeat takes no array of counts): a marker at the start
    # of each non-empty run says how far its position is from the previous run's.
    xp = array_module(counts)
    ends = xp.cumsum(counts)
    total = int(ends[-1]) if counts.size else 0
    marks = xp.zeros(total, dtype=counts.dtype)
    filled = counts > 0
    runs = xp.arange(counts.size, dtype=counts.dtype)[filled]
    if runs.size:
        marks[(ends - counts)[filled]] = runs - xp.concatenate([runs[:1] * 0, runs[:-1]])
    return Tensor._make(xp.cumsum(marks).astype(counts.dtype, copy=False))


def _check_counts(counts: Any) -> None:
    if counts.dtype.kind not in "iu":
        from teachgrad import dtypes

        raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for '
                                  f"'{dtypes.legacy_name(counts.dtype)}'. Repeat counts "
                                  "must be integers: use repeats.long().")
    if counts.size and bool((counts < 0).any()):
        raise RuntimeError("repeats can not be negative")


def _check_output_size(output_size: int | None, expected: int) -> None:
    if output_size is not None and output_size != expected:
        raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {expected} but "
                           f"got {output_size}")


def repeat_interleave(input: Tensor, repeats: Any = None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    if repeats is None:  # torch.repeat_interleave(counts)
        _check_counts(input._array)
        return _positions(input)
    if dim is None:
        input, dim = flatten(input), 0
    elif not input._array.ndim:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions; leave "
                         "dim out (None) to repeat a number.")
    axis = _wrap_dim(dim, input._array.ndim)
    shape = input._array.shape or (1,)
    if isinstance(repeats, Tensor):
        counts = repeats._array
        if counts.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        _check_counts(counts)
        if counts.size == 1:
            counts = array_module(counts).broadcast_to(counts.reshape(1), (shape[axis],))
        if counts.size != shape[axis]:
            raise RuntimeError(
                f"repeats must have the same size as input along dim, but got "
                f"repeats.size(0) = {counts.size} and input.size({axis}) = {shape[axis]}")
        positions = _positions(Tensor._make(counts))
        _check_output_size(output_size, positions._array.size)
        return index_select(input, axis, positions)
    count = int(repeats)
    if count < 0:
        raise RuntimeError("repeats can not be negative")
    _check_output_size(output_size, shape[axis] * count)
    stretched = list(input._array.shape)
    stretched.insert(axis + 1, count)
    merged = list(input._array.shape)
    merged[axis] *= count
    return view(clone(expand(unsqueeze(input, axis + 1), stretched)), merged)
