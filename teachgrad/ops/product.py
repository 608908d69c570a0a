"""prod: the product of elements, and its gradient, exact even where some are zero.

d(prod)/dx_i is the product of all the other elements. With no zeros that is
prod / x_i; with zeros the division would give nan, so the products of the others
are built from exclusive cumulative products instead.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.ops.dims import axis_or_none
from teachgrad.ops.joining import cat
from teachgrad.ops.reductions import _expand_back
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


class Prod(Function):
    node_name = "ProdBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Any, keepdim: bool) -> Any:
        array = x._array
        ctx.axis = None if dim is None else axis_or_none(dim, array.ndim)  # 0-d: None
        ctx.keepdim = keepdim
        if array.dtype.kind in "biu":
            array = array.astype(dtypes.int64.numpy_dtype)
        result = Tensor._make(array.prod(axis=ctx.axis, keepdims=keepdim))
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, result = ctx.saved_tensors
        if x._array.ndim == 0:  # the product is x itself (even inf, where result / x is nan)
            return grad, None, None
        axes = None if ctx.axis is None else (ctx.axis,)
        spread = _expand_back(grad, x.shape, axes, ctx.keepdim)
        if not bool((x == 0).any()):
            # d(prod)/dx_i is the product of the others: prod / x_i when no x is zero,
            # divided first (as torch) so that a huge prod times the gradient cannot overflow
            return spread * (_expand_back(result, x.shape, axes, ctx.keepdim) / x), None, None
        return spread * _product_of_others(x, ctx.axis), None, None


ProdDim = renamed(Prod, "ProdBackward1")


def _product_of_others(x: Tensor, axis: int | None) -> Tensor:
    """Product of all other elements along axis, exact even where x has zeros: the
    product of the elements before each one times the product of those after it.

    Written with recorded ops (cumprod, flip, cat), so that backward(create_graph=True)
    can differentiate it again.
    """
    values = x.reshape(-1) if axis is None else x
    along = 0 if axis is None else axis
    count = values.shape[along]
    if count == 0:
        return x.new_zeros(x.shape)
    ones_shape = list(values.shape)
    ones_shape[along] = 1
    ones = values.new_ones(ones_shape)
    before = cat([ones, values.narrow(along, 0, count - 1)], along).cumprod(along)
    flipped = values.flip(along)
    after = cat([ones, flipped.narrow(along, 0, count - 1)], along).cumprod(along).flip(along)
    return (before * after).reshape(x.shape)


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return Prod.apply(input, None, False)
    return ProdDim.apply(input, dim, keepdim)


