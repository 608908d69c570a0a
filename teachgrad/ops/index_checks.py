"""The checks torch makes of x[index] and x[index] = value before NumPy reads them, where
NumPy would answer otherwise: slices that step backwards, masks whose shape does not fit
the dims they cover, and values of another dtype written through an index tensor.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachgrad import dtypes
from teachgrad.tensor import Tensor


def check_index(shape: tuple, index: Any, ints: bool = False) -> None:
    """torch's checks of an index, in its order, before NumPy reads it: slices step
    forward (torch has no negative strides: flip(dims) reverses, with a copy), and each
    mask (a bool or uint8 index of one or more dims) has the sizes of the dims it covers,
    in the tensor that the ints, slices and Nones leave (NumPy would read an empty mask
    as an empty list of positions). ints: check the ints' range here too (x[i] = v checks
    them before it checks that x may be written)."""
    parts = index if isinstance(index, tuple) else (index,)
    if isinstance(index, list) and any(isinstance(part, Tensor) for part in index):
        parts = tuple(index)  # torch reads a list holding tensors as a tuple
    if not any(isinstance(part, (Tensor, list, np.ndarray)) or (ints and _int(part)) or (
            isinstance(part, slice) and part.step is not None and part.step <= 0)
            for part in parts):
        return  # the common case: ints and forward slices, which NumPy checks as torch
    masks = [_mask_shape(part) for part in parts]
    adds_dim = [part is None or (mask is None and _one_bool(part))
                for part, mask in zip(parts, masks)]
    specified = sum(len(mask) if mask is not None else int(not (new or part is Ellipsis))
                    for part, mask, new in zip(parts, masks, adds_dim))
    if any(masks) and specified > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    sliced, dim, wrong = list(shape), 0, None
    for position, (part, mask, new) in enumerate(zip(parts, masks, adds_dim)):
        if new:
            sliced.insert(dim, 1)
        elif part is Ellipsis:
            dim += len(shape) - specified - 1
        elif mask is not None:
            if wrong is None and list(mask) != sliced[dim:dim + len(mask)]:
                at = next(j for j, size in enumerate(mask) if size != sliced[dim + j])
                wrong = (f"The shape of the mask {list(mask)} at index {at} does not match "
                         f"the shape of the indexed tensor {sliced} at index {dim + at}")
            dim += len(mask) - 1
        elif isinstance(part, slice) and part.step is not None and part.step <= 0:
            raise ValueError("slice step cannot be zero" if part.step == 0
                             else "step must be greater than zero")
        elif dim >= len(sliced):
            return  # too many indices: the indexing raises that first
        elif _int(part) and not -sliced[dim] <= part < sliced[dim]:
            if ints:
                raise IndexError(f"index {part} is out of bounds for dimension {position} with "
                                 f"size {sliced[dim]}")
            return  # the indexing raises that first
        elif _int(part):
            del sliced[dim]
            continue
        elif isinstance(part, slice):
            sliced[dim] = len(range(*part.indices(sliced[dim])))
        dim += 1
    if wrong is not None:
        raise IndexError(wrong)


def _mask_shape(part: Any) -> tuple | None:
    """The shape of a mask of one or more dims (a uint8 tensor is one), else None."""
    array = getattr(part, "_array", part)
    if isinstance(part, list):
        try:
            array = np.asarray(part)
        except (TypeError, ValueError):
            return None
    kind = getattr(getattr(array, "dtype", None), "kind", None)
    if kind == "b" or (kind == "u" and array.itemsize == 1 and isinstance(part, Tensor)):
        return tuple(array.shape) if array.ndim else None
    return None


def _one_bool(part: Any) -> bool:
    """True, False, or a 0-d bool or uint8 tensor: torch adds a dim of size 1 for it."""
    array = getattr(part, "_array", part)
    return _scalar_bool(array) or (isinstance(part, Tensor) and array.ndim == 0
                                   and array.dtype == np.uint8)


def _int(part: Any) -> bool:
    return isinstance(part, (int, np.integer)) and not isinstance(part, (bool, np.bool_))


def _scalar_bool(part: Any) -> bool:
    return isinstance(part, (bool, np.bool_)) or (
        getattr(part, "ndim", None) == 0 and part.dtype.kind == "b")


def check_put_dtype(x: Tensor, index: Any, value: Any) -> None:
    """x[index] = value through an index tensor (torch's index_put_) takes a value of x's
    dtype only. torch makes one exception: one value written under a single mask, which
    it does with masked_fill_ (that casts). Its shape checks come first."""
    if not isinstance(value, Tensor) or value._array.dtype == x._array.dtype:
        return
    parts = index if isinstance(index, tuple) else (index,)
    if isinstance(index, list) and any(isinstance(part, Tensor) for part in index):
        parts = tuple(index)
    picks = [part for part in parts if _index_tensor(part, isinstance(index, tuple))]
    if not picks or (value._array.size == 1 and len(picks) == 1 and _mask_shape(picks[0])):
        return
    from teachgrad.device import array_module
    from teachgrad.ops import indexing  # (indexing imports this module)

    xp = array_module(x._array)
    try:  # the shape the index picks, read from a stand-in that holds no memory
        picked = indexing.read(xp.broadcast_to(xp.zeros((), x._array.dtype), x._array.shape),
                               indexing.to_array_index(index, x)).shape
        shape = value._array.shape
        while shape and shape[0] == 1 and len(shape) > len(picked):
            shape = shape[1:]  # torch drops a value's leading 1s
        fits = np.broadcast_shapes(shape, picked) == tuple(picked)
    except (IndexError, TypeError):
        fits = True  # an index out of range: torch finds it after the dtypes
    except ValueError:
        fits = False
    if fits:
        raise RuntimeError(
            f"Index put requires the source and destination dtypes match, got "
            f"{dtypes.legacy_name(x._array.dtype)} for the destination and "
            f"{dtypes.legacy_name(value._array.dtype)} for the source. Convert the value "
            "first, e.g. x[index] = value.to(x.dtype).")


def _index_tensor(part: Any, in_tuple: bool) -> bool:
    """A part of the index that torch turns into an index tensor for index_put_."""
    if isinstance(part, (bool, np.bool_)):
        return in_tuple  # a lone True is x.unsqueeze(0), a copy
    if not isinstance(part, (list, np.ndarray, Tensor)):
        return False
    if getattr(getattr(part, "_array", part), "ndim", 1) == 0:
        return _one_bool(part)  # a 0-d integer tensor selects, as an int does
    return True
