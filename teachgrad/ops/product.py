"""prod: the product of elements, and its gradient, exact even where some are zero.

d(prod)/dx_i is the product of all the other elements. With no zeros that is
prod / x_i; with zeros the division would give nan, so the products of the others
are built from exclusive cumulative products instead.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.autograd.grad_mode import _GradState
from teachgrad.device import array_module
from teachgrad.ops.reductions import _expand_back
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor, _wrap_dim


class Prod(Function):
    node_name = "ProdBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Any, keepdim: bool) -> Any:
        array = x._array
        ctx.axis = None if dim is None else _wrap_dim(dim, array.ndim)
        ctx.keepdim = keepdim
        if array.dtype.kind in "biu":
            array = array.astype(dtypes.int64.numpy_dtype)
        result = Tensor._make(array.prod(axis=ctx.axis, keepdims=keepdim))
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, result = ctx.saved_tensors
        axes = None if ctx.axis is None else (ctx.axis,)
        spread = _expand_back(grad, x.shape, axes, ctx.keepdim)
        if not bool((x == 0).any()):
            # d(prod)/dx_i is the product of the others: prod / x_i when no x is zero.
            return spread * _expand_back(result, x.shape, axes, ctx.keepdim) / x, None, None
        if _GradState.enabled:
            # backward(create_graph=True): this gradient will be differentiated again,
            # so build it from recorded ops (the array shortcut below is invisible).
            return spread * _product_of_others_recorded(x, ctx.axis), None, None
        return spread * _product_of_others(x, ctx.axis), None, None


ProdDim = renamed(Prod, "ProdBackward1")


def _product_of_others_recorded(x: Tensor, axis: int | None) -> Tensor:
    """_product_of_others from differentiable ops, for create_graph=True.

    Row i of an n x n grid holds every element along the axis, with a 1 in place of
    the i-th; each row's product is then the product of the others. It costs n^2
    memory along the axis, which only double backward through zeros ever pays.
    """
    from teachgrad.ops.where import where

    values = x.reshape(-1) if axis is None else x.transpose(axis, -1)
    count = values.shape[-1]
    own_place = Tensor._make(array_module(x._array).eye(count, dtype=bool))
    grid = values.unsqueeze(-2).expand(*values.shape[:-1], count, count)
    others = where(own_place, 1.0, grid).prod(-1)
    return others.reshape(x.shape) if axis is None else others.transpose(axis, -1)


def _product_of_others(x: Tensor, axis: int | None) -> Tensor:
    """Product of all other elements along axis, exact even where x has zeros."""
    array = x._array
    xp = array_module(array)
    flat = axis is None
    values = array.reshape(-1) if flat else array
    along = 0 if flat else axis
    ones_shape = list(values.shape)
    ones_shape[along] = 1
    ones = xp.ones(ones_shape, values.dtype)
    # exclusive cumulative products from the left and from the right, multiplied
    left = xp.concatenate([ones, xp.cumprod(values, axis=along)], axis=along)
    left = xp.take(left, xp.arange(values.shape[along]), axis=along)
    flipped = xp.flip(values, axis=along)
    right = xp.concatenate([ones, xp.cumprod(flipped, axis=along)], axis=along)
    right = xp.flip(xp.take(right, xp.arange(values.shape[along]), axis=along), axis=along)
    others = left * right
    return Tensor._make(others.reshape(array.shape))


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return Prod.apply(input, None, False)
    return ProdDim.apply(input, dim, keepdim)


