"""scatter_reduce and scatter_reduce_: src reduced into input along a dim.

Every value of src goes where index says (as in scatter) and meets the values already
there through a reduction: sum, prod, mean, amax or amin; include_self=False leaves
input's own value out wherever something arrives. The backward passes each gradient
through its reduction, with torch's formulas: a sum passes it unchanged, a mean
divides it by the count, a product multiplies it by the other factors (computed
without dividing by a zero), and a max (min) shares it evenly among the values equal
to the result.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Node
from teachgrad.ops.broadcast import check_same_device
from teachgrad.ops.indexing import gather
from teachgrad.ops.inplace import apply_inplace
from teachgrad.ops.scatter import (
    ScatterValue,
    as_long,
    check_index_dtype,
    gathered_like_src,
    reduce_into,
    scatter_add,
    scatter_positions,
    src_part,
)
from teachgrad.ops.torch_edges import TorchEdges
from teachgrad.tensor import Tensor, _wrap_dim

REDUCES = ("sum", "prod", "mean", "amax", "amin")


class ScatterReduce(TorchEdges):
    """input.scatter_reduce(dim, index, src, reduce, include_self=True)."""

    node_name = "ScatterReduceBackward0"
    _edges = (0, 3)  # torch's edges: the differentiable tensors

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str,
                include_self: bool) -> Any:
        array, values = x._array, src._array
        check_same_device(array, values)
        axis = _wrap_dim(dim, array.ndim)
        check_index_dtype("scatter_reduce", index)
        if reduce not in REDUCES and reduce not in ("max", "min"):
            raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, "
                               f"got {reduce}")
        reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)
        if values.dtype != array.dtype:
            raise RuntimeError("scatter_reduce(): Expected self.dtype to be equal to "
                               "src.dtype. Convert src with src.to(x.dtype).")
        if reduce == "mean" and array.dtype.kind == "b":
            raise NotImplementedError('"scatter_gather_tensor_cpu_reduce_mean" not '
                                      "implemented for 'Bool'")
        where = scatter_positions("scatter_reduce", array, axis, index._array, values.shape)
        result = Tensor._make(reduce_into(array, where, src_part(values, index._array.shape),
                                          reduce, include_self))
        ctx.axis, ctx.reduce, ctx.include_self = axis, reduce, include_self
        ctx.save_for_backward(x, index, src, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, index, src, result = ctx.saved_tensors
        index = as_long(index)
        if tuple(index.shape) != tuple(src.shape):
            gathered_like_src(grad, ctx.axis, index, tuple(src.shape), "ScatterReduceBackward0")
        # A 0-d index (and src) into a vector names one place; gather wants it 1-element.
        scalar = index.dim() == 0 and x.dim() == 1
        if scalar:
            index, src = index.reshape(1), src.reshape(1)
        grad_x, grad_src = _REDUCE_GRADS[ctx.reduce](grad, x, ctx.axis, index, src, result,
                                                     ctx.include_self)
        if scalar:
            grad_src = grad_src.reshape(())
        if not ctx.include_self:
            grad_x = ScatterValue.apply(grad_x, ctx.axis, index, 0)  # x took no part there
        return grad_x, None, None, grad_src, None, None


def _sum_grads(grad: Tensor, x: Tensor, axis: int, index: Tensor, src: Tensor, result: Tensor,
               include_self: bool) -> tuple:
    return grad, gather(grad, axis, index)


def _mean_grads(grad: Tensor, x: Tensor, axis: int, index: Tensor, src: Tensor,
                result: Tensor, include_self: bool) -> tuple:
    count = x.new_ones(x.shape) if include_self else x.new_zeros(x.shape)
    count = scatter_add(count, axis, index, src.new_ones(src.shape))
    count = count.masked_fill(count == 0, 1)
    return grad / count, gather(grad / count, axis, index)


def _prod_grads(grad: Tensor, x: Tensor, axis: int, index: Tensor, src: Tensor,
                result: Tensor, include_self: bool) -> tuple:
    """d(product)/d(factor) is the product of the other factors; computed without
    dividing by a zero factor (torch's formula: the zero replaced by one)."""
    from teachgrad.ops.where import where

    ones_for_zeros = x.masked_fill(x == 0, 1)
    others = scatter_reduce(ones_for_zeros, axis, index, src, "prod", include_self=include_self)
    grad_x = grad * others / ones_for_zeros
    src_zero = src == 0
    zeros_here = scatter_add(x.new_zeros(x.shape), axis, index, src_zero.to(x.dtype))
    single_zero = src_zero & (gather(zeros_here, axis, index) == 1)
    without_it = scatter_reduce(x, axis, index, src.masked_fill(single_zero, 1), "prod",
                                include_self=include_self)
    grad_src = where(single_zero, gather(grad * without_it, axis, index),
                     gather(grad * result, axis, index) / src.masked_fill(src_zero, 1))
    return grad_x, grad_src


def _extreme_grads(grad: Tensor, x: Tensor, axis: int, index: Tensor, src: Tensor,
                   result: Tensor, include_self: bool) -> tuple:
    """The gradient goes to the values equal to the max (min), shared evenly among ties."""
    value = gather(result, axis, index)
    x_wins, src_wins = x == result, src == value
    winners = scatter_add(x_wins.to(x.dtype), axis, index, src_wins.to(x.dtype))
    share = grad / winners
    return x_wins * share, src_wins * gather(share, axis, index)


_REDUCE_GRADS = {"sum": _sum_grads, "mean": _mean_grads, "prod": _prod_grads,
                 "amax": _extreme_grads, "amin": _extreme_grads}


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    return ScatterReduce.apply(input, dim, index, src, reduce, bool(include_self))


def scatter_reduce_(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                    include_self: bool = True) -> Tensor:
    return apply_inplace(input, _scatter_reduce_positional, dim, index, src, reduce,
                         include_self)


def _scatter_reduce_positional(x: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str,
                               include_self: bool) -> Tensor:
    return scatter_reduce(x, dim, index, src, reduce, include_self=include_self)
