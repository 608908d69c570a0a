"""Sorting: sort, argsort, topk.

Sorting only moves values around, so its backward moves each gradient back to where
its value came from: the indices the sort returns say where, and ScatterAdd (gather's
backward, in indexing.py) puts the gradients there, zeros everywhere else.

Every sort here is stable (equal values keep their order), which is a valid answer
for torch's stable=False too. NaN counts as larger than every number, as in torch.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.dims import axis_or_none
from teachgrad.ops.extrema import values_and_indices
from teachgrad.ops.indexing import ScatterAdd
from teachgrad.ops.renamed import renamed
from teachgrad.ops.return_types import return_type
from teachgrad.tensor import Tensor, _wrap_dim

SortResult = return_type("sort", ["values", "indices"])
TopkResult = return_type("topk", ["values", "indices"])


def sorting_order(array: Any, axis: int, descending: bool) -> Any:
    """The indices that sort `array` along `axis`, stably, in either direction."""
    xp = array_module(array)
    if not descending:
        return xp.argsort(array, axis=axis, kind="stable")
    # Reversing an ascending sort would also reverse the order of ties. Instead, sort
    # the reversed array and reverse that: ties come out in their original order (and
    # NaN first, as torch puts it for a descending sort).
    reversed_order = xp.argsort(xp.flip(array, axis=axis), axis=axis, kind="stable")
    return (array.shape[axis] - 1) - xp.flip(reversed_order, axis=axis)


class Sort(Function):
    node_name = "SortBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, descending: bool) -> tuple:
        array = x._array
        xp = array_module(array)
        ctx.input_shape = array.shape
        if array.ndim == 0:
            ctx.axis = axis_or_none(dim, 0)  # None, after torch's check of dim
            values, order = array.copy(), xp.zeros((), dtype=dtypes.int64.numpy_dtype)
        else:
            ctx.axis = _wrap_dim(dim, array.ndim)
            order = sorting_order(array, ctx.axis, descending)
            values = xp.take_along_axis(array, order, axis=ctx.axis)
        return values_and_indices(ctx, values, order)

    @staticmethod
    def backward(ctx: Node, grad: Tensor, grad_indices: Any) -> tuple:
        (indices,) = ctx.saved_tensors
        if ctx.axis is None:
            return grad, None, None
        return ScatterAdd.apply(grad, ctx.axis, indices, ctx.input_shape), None, None


# sort(..., stable=...): torch records the `stable` overload under its own name.
SortStable = renamed(Sort, "SortBackward1")


class Topk(Function):
    """The k largest (or smallest) values along a dim, in order, and their indices."""

    node_name = "TopkBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, k: int, dim: int, largest: bool) -> tuple:
        array = x._array
        if array.dtype.kind == "b":
            raise RuntimeError("topk does not support bool dtypes on CPU. Convert first, "
                               "e.g. mask.int().topk(k).")
        xp = array_module(array)
        axis = axis_or_none(dim, array.ndim)
        size = array.shape[axis] if axis is not None else 1
        if not 0 <= k <= size:
            raise RuntimeError(f"selected index k out of range: k={k} for a dim of size "
                               f"{size}")
        ctx.axis, ctx.input_shape = axis, array.shape
        if axis is None:
            values, order = array.copy(), xp.zeros((), dtype=dtypes.int64.numpy_dtype)
        else:
            order = sorting_order(array, axis, descending=largest)
            order = order[(slice(None),) * axis + (slice(0, k),)]
            values = xp.take_along_axis(array, order, axis=axis)
        return values_and_indices(ctx, values, order)

    @staticmethod
    def backward(ctx: Node, grad: Tensor, grad_indices: Any) -> tuple:
        (indices,) = ctx.saved_tensors
        if ctx.axis is None:
            return grad, None, None, None
        return ScatterAdd.apply(grad, ctx.axis, indices, ctx.input_shape), None, None, None


def sort(input: Tensor, dim: int = -1, descending: bool = False, *,
         stable: bool | None = None) -> SortResult:
    """(values, indices) sorted along dim; values[i] = input[indices[i]] along that dim."""
    kind = Sort if stable is None else SortStable
    return SortResult(*kind.apply(input, dim, bool(descending)))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, *,
            stable: bool = False) -> Tensor:
    """The indices that sort input along dim (an int64 tensor; no gradient)."""
    array = input._array
    xp = array_module(array)
    axis = _wrap_dim(dim, array.ndim)  # a 0-d tensor takes dim 0 or -1 only, as in torch
    if array.ndim == 0:
        return Tensor._make(xp.zeros((), dtype=dtypes.int64.numpy_dtype))
    order = sorting_order(array, axis, bool(descending))
    return Tensor._make(order.astype(dtypes.int64.numpy_dtype, copy=False))


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True) -> TopkResult:
    """The k largest (smallest with largest=False) values along dim, and their indices.

    The values always come out sorted, which torch's sorted=False also allows.
    """
    return TopkResult(*Topk.apply(input, int(k), dim, bool(largest)))
