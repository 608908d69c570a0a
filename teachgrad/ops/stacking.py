"""NumPy-style stacking and splitting: atleast_1d/2d/3d, hstack, vstack (row_stack),
dstack, column_stack, tensor_split, hsplit, vsplit, dsplit.

Each is a few recorded views, cat or narrow, as torch builds them, so their graphs
and gradients are those ops' (CatBackward0, SliceBackward0, ...). They decide only
which dim to join or split along, after lifting inputs to enough dims: a vector is a
row for vstack, a column for column_stack, and a (1, n, 1) block for dstack.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from teachgrad.ops.indexing import narrow
from teachgrad.ops.joining import cat
from teachgrad.ops.views import reshape, unsqueeze
from teachgrad.tensor import Tensor, _wrap_dim


def _one_or_many(tensors: tuple, lift: Any) -> Any:
    """torch's atleast_*d: one tensor gives a tensor; several (or a list) a tuple."""
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return lift(tensors[0])
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    return tuple(lift(tensor) for tensor in tensors)


def _at_least_1d(x: Tensor) -> Tensor:
    return reshape(x, (1,)) if x._array.ndim == 0 else x


def _at_least_2d(x: Tensor) -> Tensor:
    ndim = x._array.ndim
    return reshape(x, (1, 1)) if ndim == 0 else unsqueeze(x, 0) if ndim == 1 else x


def _at_least_3d(x: Tensor) -> Tensor:
    ndim = x._array.ndim
    if ndim == 0:
        return reshape(x, (1, 1, 1))
    if ndim == 1:
        return unsqueeze(unsqueeze(x, 0), -1)
    return unsqueeze(x, -1) if ndim == 2 else x


def atleast_1d(*tensors: Any) -> Any:
    return _one_or_many(tensors, _at_least_1d)


def atleast_2d(*tensors: Any) -> Any:
    return _one_or_many(tensors, _at_least_2d)


def atleast_3d(*tensors: Any) -> Any:
    return _one_or_many(tensors, _at_least_3d)


def _nonempty(tensors: Sequence[Tensor], name: str) -> list:
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return list(tensors)


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Side by side: along dim 0 for vectors, dim 1 otherwise."""
    lifted = [_at_least_1d(t) for t in _nonempty(tensors, "hstack")]
    return cat(lifted, 0 if lifted[0]._array.ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """One above the other: vectors become rows."""
    return cat([_at_least_2d(t) for t in _nonempty(tensors, "vstack")], 0)


row_stack = vstack


def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """Along the third dim (depth)."""
    return cat([_at_least_3d(t) for t in _nonempty(tensors, "dstack")], 2)


def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """Vectors (and numbers) become columns; matrices join side by side."""
    columns = [reshape(t, (t._array.size, 1)) if t._array.ndim <= 1 else t
               for t in _nonempty(tensors, "column_stack")]
    return cat(columns, 1)


def _split_given(split: Any, keywords: dict[str, Any], name: str) -> Any:
    """The split passed positionally or by one of torch's names for it (sections=, indices=)."""
    given = {key: value for key, value in keywords.items() if value is not None}
    if len(given) + (split is not None) != 1:
        raise TypeError(f"{name}() takes the sections or indices once: positionally, or as "
                        f"one of {', '.join(key + '=' for key in keywords)}")
    return split if split is not None else next(iter(given.values()))


def tensor_split(input: Tensor, indices_or_sections: Any = None, dim: int = 0, *,
                 sections: Any = None, indices: Any = None,
                 tensor_indices_or_sections: Any = None) -> tuple:
    """Split into n nearly equal pieces (the first ones one longer), or at the given
    positions (clamped to the dim, so pieces may be empty)."""
    indices_or_sections = _split_given(indices_or_sections, {
        "sections": sections, "indices": indices,
        "tensor_indices_or_sections": tensor_indices_or_sections}, "tensor_split")
    if input._array.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    axis = _wrap_dim(dim, input._array.ndim)
    size = input._array.shape[axis]
    split = indices_or_sections
    if isinstance(split, Tensor):
        if split._array.ndim > 1:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                f"one-dimensional tensor, but got a tensor with {split._array.ndim} dims")
        split = int(split.item()) if split._array.ndim == 0 else split.tolist()
    if isinstance(split, bool) or not isinstance(split, (int, list, tuple)):
        raise TypeError(f"tensor_split(): argument 'indices_or_sections' must be int, tuple of "
                        f"ints or Tensor, not {type(split).__name__}")
    if isinstance(split, int):
        if split <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {split}")
        base, extra = divmod(size, split)
        bounds, start = [], 0
        for piece in range(split):
            start += base + (1 if piece < extra else 0)
            bounds.append(start)
        points = bounds[:-1]
    else:
        points = [int(point) for point in split]
    starts = [0] + points
    ends = points + [size]
    pieces = []
    for start, end in zip(starts, ends):
        start = min(max(start + size if start < 0 else start, 0), size)
        end = min(max(end + size if end < 0 else end, 0), size)
        pieces.append(narrow(input, axis, start, max(end - start, 0)))
    return tuple(pieces)


def _split_along(name: str, input: Tensor, split: Any, axis: int, needed: int) -> tuple:
    ndim = input._array.ndim
    if ndim < needed:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {needed} dimension, "
                           f"but got a tensor with {ndim} dimensions!")
    if isinstance(split, int) and not isinstance(split, bool):
        size = input._array.shape[axis]
        if split == 0 or size % split:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {axis}, but "
                               f"the size of the dimension {size} is not divisible by the "
                               f"split_size {split}!")
    return tensor_split(input, split, axis)


def hsplit(input: Tensor, indices_or_sections: Any = None, *, sections: Any = None,
           indices: Any = None) -> tuple:
    indices_or_sections = _split_given(indices_or_sections,
                                       {"sections": sections, "indices": indices}, "hsplit")
    axis = 0 if input._array.ndim == 1 else 1
    return _split_along("hsplit", input, indices_or_sections, axis, 1)


def vsplit(input: Tensor, indices_or_sections: Any = None, *, sections: Any = None,
           indices: Any = None) -> tuple:
    indices_or_sections = _split_given(indices_or_sections,
                                       {"sections": sections, "indices": indices}, "vsplit")
    return _split_along("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input: Tensor, indices_or_sections: Any = None, *, sections: Any = None,
           indices: Any = None) -> tuple:
    indices_or_sections = _split_given(indices_or_sections,
                                       {"sections": sections, "indices": indices}, "dsplit")
    return _split_along("dsplit", input, indices_or_sections, 2, 3)
