"""Indexing: x[index], select, narrow, gather (and scatter-add, its backward), flip, roll.

Ints and slices give a view of the same memory, as in torch; tensors, lists and
masks copy. Backward puts each gradient back where its value was read from, zeros
elsewhere; a place read twice collects both gradients.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast import check_same_device
from teachgrad.ops.index_checks import check_index
from teachgrad.ops.renamed import renamed
from teachgrad.ops.views import sizes_or_keyword, view_of
from teachgrad.tensor import Tensor, _wrap_dim


class Index(Function):
    """x[index] for any index NumPy understands; the name says which kind, as torch's does."""

    node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, index: Any) -> Any:
        ctx.input_shape, ctx.index = x._array.shape, index
        advanced = ctx._function is Index
        try:
            picked = read(x._array, index) if advanced else x._array[_as_view_index(index)]
        except IndexError as error:
            raise IndexError(str(error).replace("axis", "dimension")) from None
        if advanced:
            return picked  # advanced indexing copies
        return view_of(x, picked)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        advanced = ctx._function is Index
        return IndexGradient.apply(grad, ctx.index, ctx.input_shape, advanced), None


def _as_view_index(index: Any) -> Any:
    """The same basic index, made to return a view even when every dim gets an int.

    NumPy answers x[0] on a 1-D array (or x[1, 2] on a 2-D one) with a scalar, a
    copy; torch gives a 0-d tensor that shares memory, so a[0].add_(5) changes a. A
    trailing Ellipsis selects nothing more but makes NumPy return a 0-d view.
    """
    parts = index if isinstance(index, tuple) else (index,)
    if any(part is Ellipsis for part in parts):
        return index
    return (*parts, Ellipsis)


def _int(part: Any) -> bool:
    return isinstance(part, (int, np.integer)) and not isinstance(part, (bool, np.bool_))


def _advanced(part: Any) -> bool:
    """A part that picks by position lists: a list, an index or mask array, a bool."""
    return isinstance(part, (list, bool, np.bool_)) or (
        not _int(part) and getattr(part, "ndim", None) is not None)


def _dims_read(part: Any) -> int:
    """How many dims of the indexed array a (non-int) part of an index consumes."""
    if part is None or isinstance(part, (bool, np.bool_)):
        return 0
    dtype = getattr(part, "dtype", None)
    if dtype is None and isinstance(part, list):
        try:
            as_array = np.asarray(part)
        except (TypeError, ValueError):
            return 1
        dtype, ndim = as_array.dtype, as_array.ndim
    else:
        ndim = getattr(part, "ndim", 1)
    return ndim if dtype is not None and dtype.kind == "b" else 1


def _scalar_bool(part: Any) -> bool:
    return isinstance(part, (bool, np.bool_)) or (
        getattr(part, "ndim", None) == 0 and part.dtype.kind == "b")


def _in_torch_order(array: Any, index: Any) -> tuple[Any, Any]:
    """(view, rest): array[index] in torch's dim order is view[rest].

    When ints, slices and lists (or index tensors) mix, NumPy treats each int as one
    more advanced index, and when the advanced indices are not side by side it puts
    their dims first: x[0, :, [1, 0]] of a (2, 2, 2) x has the list's dim first. torch
    applies every int as a plain select first and only then looks at the remaining
    advanced indices (their dims go where they stand if side by side, else first),
    so there the list's dim stays last. Doing the same, the ints select a view of
    the array and the rest of the index (ints removed) picks from that view; writing
    into the view writes into the array. A lone True or False is, as in torch, a new
    dim of size 1 indexed by [0] or by [].
    """
    parts = index if isinstance(index, tuple) else (index,)
    if not any(_advanced(part) for part in parts) or not any(
            _int(part) or _scalar_bool(part) or part is Ellipsis for part in parts):
        return array, index
    xp = array_module(array)
    selects: list = []
    rest: list = []
    for part in parts:
        if _int(part):
            selects.append(part)
        elif _scalar_bool(part):
            selects.append(None)
            rest.append(xp.zeros(1 if bool(part) else 0, dtype=xp.int64))
        else:
            rest.append(part)
            selects.extend([Ellipsis] if part is Ellipsis else [slice(None)] * _dims_read(part))
    view = array[_as_view_index(tuple(selects))]
    dots = [at for at, part in enumerate(rest) if part is Ellipsis]
    if dots:  # NumPy sees advanced indices on both sides of ... as apart (torch: only
        at = dots[0]  # if ... stands for some dims): spell it out as slices
        covered = view.ndim - sum(_dims_read(part) for part in rest if part is not Ellipsis)
        rest[at:at + 1] = [slice(None)] * max(covered, 0)
    return view, tuple(rest)


def read(array: Any, index: Any) -> Any:
    """array[index] with an advanced index, in torch's dim order (a copy)."""
    view, rest = _in_torch_order(array, index)
    return view[_unchecked_if_empty(view, rest)]


def write(array: Any, index: Any, value: Any) -> None:
    """array[index] = value with any index, in torch's dim order."""
    view, rest = _in_torch_order(array, index)
    rest = _unchecked_if_empty(view, rest)
    try:
        view[rest] = value
    except OverflowError:  # u8[0] = -1: torch wraps a Python int that nearly fits
        from teachgrad.ops.broadcast_shapes import fill_value_checked

        view[rest] = fill_value_checked(value, view.dtype)


def _unchecked_if_empty(view: Any, rest: tuple) -> tuple:
    """torch reads nothing from a selection with no elements, so there it checks an
    integer index only against a dim of size 0 (x[:0, [5]] is empty, not an error);
    NumPy checks each. Such indices become 0 here: the shape is the same, nothing read."""
    if not isinstance(rest, tuple):  # one part given alone (x[[1, 2]])
        return _unchecked_if_empty(view, (rest,))[0]
    sizes, dim = [], 0
    for part in rest:  # the size each part leaves of its dims, to see if none is left
        if isinstance(part, slice):
            sizes.append(len(range(*part.indices(view.shape[dim]))))
        dim += _dims_read(part)
    if view.size != 0 and 0 not in sizes:
        return rest
    xp = array_module(view)
    unchecked, dim = [], 0
    for part in rest:
        integers = isinstance(part, list) or getattr(part, "dtype", None) is not None
        if integers and xp.asarray(part).dtype.kind in "iu" and view.shape[dim] > 0:
            part = xp.zeros_like(xp.asarray(part))
        unchecked.append(part)
        dim += _dims_read(part)
    return tuple(unchecked)


Select = renamed(Index, "SelectBackward0")
Slice = renamed(Index, "SliceBackward0")
IndexAsUnsqueeze = renamed(Index, "UnsqueezeBackward0")
Alias = renamed(Index, "AliasBackward0")


class IndexGradient(Function):
    """Backward of indexing: scatter-add the gradient into zeros of the input's shape.

    It is a Function itself so that backward through indexing can be differentiated
    again; its own backward is indexing.
    """

    node_name = "IndexBackwardBackward0"

    @staticmethod
    def forward(ctx: Node, grad: Tensor, index: Any, input_shape: tuple, advanced: bool) -> Any:
        ctx.index = index
        xp = array_module(grad._array)
        full = xp.zeros(input_shape, grad._array.dtype)
        if advanced:
            # add.at sums repeated indices (x[[0, 0]] used row 0 twice); plain assignment
            # would keep only one of them.
            target, rest = _in_torch_order(full, index)
            xp.add.at(target, rest, grad._array)
        else:
            full[index] = grad._array
        return full

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return grad[ctx.index], None, None, None


def to_array_index(index: Any, indexed: Tensor | None = None) -> Any:
    """Turn tensors (and lists of them) inside an index into arrays NumPy/CuPy accept.

    A GPU tensor may be indexed with CPU index tensors (CuPy copies them over), but a
    CPU tensor not with GPU ones, as in torch.
    """
    if isinstance(index, tuple):
        return tuple(to_array_index(part, indexed) for part in index)
    if isinstance(index, Tensor):
        kind = index._array.dtype.kind
        if kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if index._array.dtype == "uint8":
            # torch still reads a uint8 (byte) index as a mask, with a warning
            warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a "
                          "dtype torch.bool instead.", UserWarning, stacklevel=4)
            return index._array.astype(bool)
        if kind in "iu" and index._array.ndim == 0:
            return int(index._array)  # a 0-d integer tensor indexes like the int it holds
        if indexed is not None and index.is_cuda and not indexed.is_cuda:
            raise RuntimeError(
                f"indices should be either on cpu or on the same device as the indexed tensor "
                f"({indexed.device}). Move the indices with .to(x.device) first."
            )
        return index._array
    if isinstance(index, list) and any(isinstance(part, Tensor) for part in index):
        return [to_array_index(part, indexed) for part in index]
    return index


def index_kind(index: Any, shape: tuple | None = None) -> type[Index]:
    """Which node torch would record for this index (of a tensor of this shape).

    torch applies the parts one by one and the last op that did something names the
    node. Inside a tuple, a slice over a whole dim (x[:, 0:4] of a 4-column x) does
    nothing and is skipped; a lone slice (x[:]) is always applied.
    """
    lone = not isinstance(index, tuple)
    parts = (index,) if lone else index
    if any(hasattr(part, "shape") or isinstance(part, (list, bool)) for part in parts):
        return Index
    # dims that the parts other than None and ... consume; ... stands for the rest
    consumed = sum(1 for part in parts if part is not None and part is not Ellipsis)
    dim, last = 0, Alias
    for part in parts:
        if part is None:
            last = IndexAsUnsqueeze
        elif part is Ellipsis:
            dim += len(shape) - consumed if shape is not None else 0
        elif isinstance(part, slice):
            # torch compares the start as written (x[:, -4:] counts as a slice) and
            # the stop after clipping it to the dim's length.
            whole = not lone and part.start in (None, 0) and part.step in (None, 1) and (
                part.stop is None or shape is None or dim >= len(shape)
                or part.stop >= shape[dim])
            if not whole:
                last = Slice
            dim += 1
        else:
            last = Select
            dim += 1
    return last


def getitem(input: Tensor, index: Any) -> Tensor:
    check_index(input._array.shape, index)
    index = to_array_index(index, input)
    return index_kind(index, input._array.shape).apply(input, index)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    axis = _wrap_dim(dim, input._array.ndim)
    return Select.apply(input, (slice(None),) * axis + (index,))


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    if input._array.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    axis = _wrap_dim(dim, input._array.ndim)
    size = input._array.shape[axis]
    # torch's checks, in torch's order; a negative start counts from the end.
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], "
                         f"but got {start})")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    start = start + size if start < 0 else start
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({size}).")
    return Slice.apply(input, (slice(None),) * axis + (slice(start, start + length),))


# ---------------------------------------------------------------- gathering along a dim


def along_dim_index(indices: Any, axis: int) -> tuple:
    """A NumPy index that picks, at every position of `indices`, the element of the dim
    `axis` that the position names, and the position's own place in every other dim.

    For 2-D indices along dim 1 it is (rows, indices) with rows = [[0], [1], ...]: so
    array[index][i][j] is array[i][indices[i][j]], the rule of torch.gather.
    """
    xp = array_module(indices)
    ndim = indices.ndim
    parts = []
    for dim, size in enumerate(indices.shape):
        if dim == axis:
            parts.append(indices)
        else:
            parts.append(xp.arange(size).reshape(tuple(-1 if d == dim else 1
                                                       for d in range(ndim))))
    return tuple(parts)


class Gather(Function):
    """gather(x, dim, index): out[i][j] = x[i][index[i][j]] (for dim=1), any number of dims."""

    node_name = "GatherBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, index: Tensor) -> Any:
        array, picks = x._array, index._array
        check_same_device(array, picks)
        axis = _wrap_dim(dim, array.ndim)
        _check_gather_index(array, picks, axis)
        ctx.axis, ctx.input_shape = axis, array.shape
        ctx.save_for_backward(index)
        if array.ndim == 0:
            return array.reshape(picks.shape).copy()  # picks is 0-d or holds one 0
        return array[_along(picks, axis)].reshape(picks.shape)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (index,) = ctx.saved_tensors
        return ScatterAdd.apply(grad, ctx.axis, index, ctx.input_shape), None, None


class ScatterAdd(Function):
    """Zeros of a shape, with each value added at its index along a dim: gather's backward
    (an index used twice collects both gradients), and sort's and topk's."""

    node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx: Node, source: Tensor, dim: int, index: Tensor, shape: tuple) -> Any:
        ctx.axis = dim
        ctx.save_for_backward(index)
        values = source._array
        xp = array_module(values)
        full = xp.zeros(shape, values.dtype)
        if full.ndim == 0:
            return values.reshape(()).copy()
        xp.add.at(full, _along(index._array, dim), values.reshape(index._array.shape or (1,)))
        return full

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (index,) = ctx.saved_tensors
        return Gather.apply(grad, ctx.axis, index), None, None, None


def _along(picks: Any, axis: int) -> tuple:
    """along_dim_index, reading a 0-d index (torch allows one on a 1-d tensor) as one place."""
    return along_dim_index(picks.reshape(1) if picks.ndim == 0 else picks, axis)


def _check_gather_index(array: Any, picks: Any, axis: int) -> None:
    if picks.dtype.kind != "i" or picks.dtype.itemsize not in (4, 8):
        raise RuntimeError("gather(): Expected dtype int32/int64 for index. Make it with "
                           "teachgrad.tensor([...]) or convert with index.long().")
    if max(picks.ndim, 1) != max(array.ndim, 1):  # torch counts a 0-d tensor as 1-d here
        raise RuntimeError("Index tensor must have the same number of dimensions as input "
                           "tensor")
    for dim, (have, want) in enumerate(zip(array.shape, picks.shape)):
        if dim != axis and want > have:
            raise RuntimeError(
                f"Size does not match at dimension {dim} expected index {list(picks.shape)} "
                f"to be smaller than self {list(array.shape)} apart from dimension {axis}"
            )
    size = array.shape[axis] if array.ndim else 1
    if picks.size and bool(((picks < 0) | (picks >= size)).any()):
        bad = int(picks[(picks < 0) | (picks >= size)].reshape(-1)[0])
        raise RuntimeError(f"index {bad} is out of bounds for dimension {axis} with size {size}")


def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    return Gather.apply(input, dim, index)


# ---------------------------------------------------------------- flip, roll


class Flip(Function):
    """Reverse the order along some dims. A copy, as in torch (NumPy would give a view)."""

    node_name = "FlipBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dims: tuple) -> Any:
        array = x._array
        axes = tuple(_wrap_dim(d, array.ndim) for d in dims)
        for position, axis in enumerate(axes):
            if axis in axes[:position]:
                raise RuntimeError(f"dim {axis} appears multiple times in the list of dims")
        ctx.dims = axes
        if array.ndim == 0 or not axes:
            return array.copy()
        return array_module(array).flip(array, axis=axes).copy()

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return Flip.apply(grad, ctx.dims), None


def flip(input: Tensor, *order: Any, dims: Any = None) -> Tensor:
    """torch.flip(x, dims) and x.flip(0, 1) (or x.flip((0, 1)), or x.flip(dims=(0, 1)))."""
    return Flip.apply(input, sizes_or_keyword(order, dims, "flip", "dims"))


def fliplr(input: Tensor) -> Tensor:
    if input._array.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return Flip.apply(input, (1,))


def flipud(input: Tensor) -> Tensor:
    if input._array.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return Flip.apply(input, (0,))


class Roll(Function):
    """Shift elements along dims, wrapping around; with no dims, over the flattened tensor."""

    node_name = "RollBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, shifts: tuple, dims: tuple) -> Any:
        array = x._array
        if not dims and len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               f"dims:{len(dims)}")
        if dims and len(shifts) != len(dims):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               f"dims:{len(dims)}")
        ctx.shifts, ctx.dims = shifts, dims
        if array.size == 0:  # nothing to move: torch returns a copy before checking dims
            return array.copy()
        if array.ndim == 0 and dims:
            raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
        axes = tuple(_wrap_dim(d, array.ndim) for d in dims)
        xp = array_module(array)
        if not axes:
            return xp.roll(array, shifts[0])  # flattened, rolled, and reshaped back
        return xp.roll(array, shifts, axis=axes)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return Roll.apply(grad, tuple(-shift for shift in ctx.shifts), ctx.dims), None, None


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
    dims = () if dims is None else tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    return Roll.apply(input, tuple(int(s) for s in shifts), tuple(int(d) for d in dims))
