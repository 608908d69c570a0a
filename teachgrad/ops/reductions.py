"""Reductions: sum. Backward spreads each result's gradient back, unchanged, over the
elements that produced it. (mean is in mean.py, max and min in extrema.py, prod in
product.py, var and std in variance.py.)
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.ops.dims import _axes, _kept_shape
from teachgrad.ops.reduction_dtypes import summed_array
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


def _expand_back(grad: Tensor, input_shape: tuple, axes: tuple | None, keepdim: bool) -> Tensor:
    """Reshape a reduced gradient so it broadcasts over the input, then broadcast it."""
    kept_shape = _kept_shape(input_shape, axes, keepdim)
    if kept_shape is not None:
        grad = grad.reshape(kept_shape)
    return grad.expand(input_shape)


class Sum(Function):
    node_name = "SumBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Any, keepdim: bool, dtype: Any = None) -> Any:
        ctx.input_shape = x._array.shape
        ctx.axes = None if dim is None else _axes(dim, x._array.ndim)
        ctx.keepdim = keepdim
        array = summed_array(x._array, dtype, ctx.needs_input_grad[0])  # ints add up in int64
        # dtype= keeps what was asked for: NumPy alone would widen an int32 sum to int64.
        return array.sum(axis=ctx.axes, keepdims=keepdim, dtype=array.dtype)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return _expand_back(grad, ctx.input_shape, ctx.axes, ctx.keepdim), None, None, None


SumDim = renamed(Sum, "SumBackward1")


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    if dim is None or dim == () or dim == []:
        return Sum.apply(input, None, keepdim, dtype)
    return SumDim.apply(input, dim, keepdim, dtype)
