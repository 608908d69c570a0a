"""mean: a sum divided by the count, and its backward, the gradient spread back equally
and divided by the same count."""

from __future__ import annotations

import math
from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.ops.dims import _axes
from teachgrad.ops.reduction_dtypes import mean_input
from teachgrad.ops.reductions import _expand_back
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


class Mean(Function):
    node_name = "MeanBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Any, keepdim: bool) -> Any:
        array = mean_input(x)  # (floats only: an int mean has no dtype in torch)
        ctx.input_shape = array.shape
        ctx.axes = _axes(dim, array.ndim)
        ctx.keepdim = keepdim
        ctx.count = array.size if ctx.axes is None else math.prod(array.shape[a] for a in ctx.axes)
        if ctx.count == 0:  # 0 / 0 is NaN, as in torch, without NumPy's 'Mean of empty slice'
            return array.sum(axis=ctx.axes, keepdims=keepdim) / 0
        return array.mean(axis=ctx.axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        spread = _expand_back(grad, ctx.input_shape, ctx.axes, ctx.keepdim)
        return spread / ctx.count, None, None


MeanDim = renamed(Mean, "MeanBackward1")


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    if dtype is not None:  # torch casts first, then takes the mean
        input = input.to(dtype)
    if dim is None or dim == () or dim == []:
        return Mean.apply(input, None, keepdim)
    return MeanDim.apply(input, dim, keepdim)
