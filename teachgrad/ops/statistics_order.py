"""Order statistics along a dim: median, nanmedian, kthvalue, mode (values and indices).

Each picks one element per slice, so one Function serves them all: its forward asks a
picker (array code) for the index of the chosen element along the dim, and its backward
sends the gradient to that index, as max(dim) does. The pickers sort stably, with NaN
after every number (as torch counts NaN), so ties resolve as torch resolves them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.dims import axis_or_none
from teachgrad.ops.extrema import MaxAll, picked, picked_grad
from teachgrad.ops.renamed import renamed
from teachgrad.ops.return_types import return_type
from teachgrad.ops.sort import sorting_order
from teachgrad.tensor import Tensor

MedianResult = return_type("median", ["values", "indices"])
NanmedianResult = return_type("nanmedian", ["values", "indices"])
ModeResult = return_type("mode", ["values", "indices"])
KthvalueResult = return_type("kthvalue", ["values", "indices"])


def _position_in_order(array: Any, axis: int, positions: Any) -> Any:
    """The original index (keepdims) of the element at `positions` of the sorted slice."""
    xp = array_module(array)
    order = sorting_order(array, axis, descending=False)
    return xp.take_along_axis(order, positions, axis=axis)


def _median_picker(skip_nan: bool) -> Callable[[Any, int], Any]:
    def pick(array: Any, axis: int) -> Any:
        xp = array_module(array)
        size = array.shape[axis]
        if array.dtype.kind == "f":
            numbers = size - xp.isnan(array).sum(axis=axis, keepdims=True)
        else:
            numbers = xp.full(array.shape[:axis] + (1,) + array.shape[axis + 1:], size)
        if skip_nan:  # the lower median of the numbers; all NaN: the first NaN
            positions = xp.maximum(numbers - 1, 0) // 2
        else:  # a NaN anywhere makes the median NaN: the first NaN (sorted after numbers)
            positions = xp.where(numbers < size, numbers, (size - 1) // 2)
        return _position_in_order(array, axis, positions)
    return pick


def _kth_picker(k: int) -> Callable[[Any, int], Any]:
    def pick(array: Any, axis: int) -> Any:
        xp = array_module(array)
        shape = array.shape[:axis] + (1,) + array.shape[axis + 1:]
        return _position_in_order(array, axis, xp.full(shape, k - 1))
    return pick


def _mode_index(array: Any, axis: int) -> Any:
    """The most frequent value's last index; among equally frequent values, the smallest."""
    xp = array_module(array)
    moved = xp.moveaxis(array, axis, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    order = sorting_order(rows, 1, descending=False)
    ranked = xp.take_along_axis(rows, order, axis=1)
    starts = xp.ones(ranked.shape, dtype=bool)
    starts[:, 1:] = ranked[:, 1:] != ranked[:, :-1]
    run_ids = xp.cumsum(starts.reshape(-1)) - 1  # runs of equal values, numbered across rows
    lengths = xp.bincount(run_ids)[run_ids].reshape(ranked.shape)
    first = xp.argmax(lengths, axis=1)[:, None]  # the start of the first longest run
    last = first + xp.take_along_axis(lengths, first, axis=1) - 1  # stable: its last index
    index = xp.take_along_axis(order, last, axis=1)
    return xp.moveaxis(index.reshape(moved.shape[:-1] + (1,)), -1, axis)


class PickDim(Function):
    """One element per slice along dim, chosen by a picker; the gradient goes to it."""

    node_name = "MedianBackward1"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, keepdim: bool, name: str,
                picker: Callable) -> tuple:
        array = x._array
        axis = axis_or_none(dim, array.ndim)
        if axis is not None and array.shape[axis] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")
        return picked(ctx, array, axis, keepdim, picker)

    @staticmethod
    def backward(ctx: Node, grad: Tensor, grad_indices: Any) -> tuple:
        return picked_grad(ctx, grad), None, None, None, None


NanmedianDim = renamed(PickDim, "NanmedianBackward1")
KthvalueDim = renamed(PickDim, "KthvalueBackward0")
ModeDim = renamed(PickDim, "ModeBackward0")


class MedianAll(MaxAll):
    """median() of every element; ties (and NaNs) share the gradient evenly, as max()."""

    node_name = "MedianBackward0"
    _skip_nan = False

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        flat = x._array.reshape(-1)
        if flat.size == 0:  # torch: the median of nothing is NaN
            result = Tensor._make(array_module(flat).full((), float("nan"), dtype=flat.dtype))
        else:
            index = _median_picker(ctx._function._skip_nan)(flat, 0)
            result = Tensor._make(flat[index].reshape(()))
        ctx.save_for_backward(x, result)
        return result


NanmedianAll = renamed(MedianAll, "NanmedianBackward0", _skip_nan=True)


def _refuse_bool(input: Tensor, kernel: str) -> None:
    if input.dtype.name == "bool":
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'. Convert '
                                  "first, e.g. mask.int().")


def median(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """The lower median (of all elements, or (values, indices) along dim); NaN if any."""
    _refuse_bool(input, "median_cpu" if dim is None else "median_out")
    if dim is None:
        return MedianAll.apply(input)
    return MedianResult(*PickDim.apply(input, dim, keepdim, "median", _median_picker(False)))


def nanmedian(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """median, leaving NaNs out (NaN only where a slice holds nothing else)."""
    _refuse_bool(input, "median_cpu" if dim is None else "median_out")
    if dim is None:
        return NanmedianAll.apply(input)
    return NanmedianResult(*NanmedianDim.apply(input, dim, keepdim, "nanmedian",
                                               _median_picker(True)))


def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> ModeResult:
    """The most frequent value along dim (the smallest of a tie) and its last index."""
    return ModeResult(*ModeDim.apply(input, dim, keepdim, "mode", _mode_index))


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> KthvalueResult:
    """The k-th smallest value along dim (k counts from 1) and its index."""
    _refuse_bool(input, "kthvalue_cpu")
    axis = axis_or_none(dim, input.ndim)
    size = 1 if axis is None else input.shape[axis]
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension "
                           f"{axis or 0}: k={k} must be in [1, {size}]")
    return KthvalueResult(*KthvalueDim.apply(input, dim, keepdim, "kthvalue",
                                             _kth_picker(int(k))))
