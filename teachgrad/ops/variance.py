"""Spread: var and std, with torch's correction (Bessel's by default).
"""

from __future__ import annotations

import math
from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.ops.reductions import _axes, _expand_back, _float_input, _product
from teachgrad.ops.where import where
from teachgrad.tensor import Tensor


def _spread_setup(ctx: Node, x: Tensor, name: str, dim: Any, correction: float,
                  keepdim: bool) -> Any:
    """What var and std both record: the axes, how many values each result spans."""
    array = _float_input(x, name)
    ctx.axes = _axes(dim, array.ndim)
    ctx.keepdim, ctx.correction = keepdim, correction
    ctx.count = array.size if ctx.axes is None else _product(array.shape[a] for a in ctx.axes)
    return array


class Var(Function):
    node_name = "VarBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Any, correction: float, keepdim: bool) -> Any:
        array = _spread_setup(ctx, x, "var", dim, correction, keepdim)
        ctx.save_for_backward(x)
        return array.var(axis=ctx.axes, ddof=correction, keepdims=keepdim)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (x,) = ctx.saved_tensors
        centred = x - x.mean(ctx.axes, keepdim=True)
        spread = _expand_back(grad, x.shape, ctx.axes, ctx.keepdim)
        return spread * centred * _over_degrees(2.0, ctx), None, None, None


class Std(Function):
    node_name = "StdBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Any, correction: float, keepdim: bool) -> Any:
        array = _spread_setup(ctx, x, "std", dim, correction, keepdim)
        result = Tensor._make(array.std(axis=ctx.axes, ddof=correction, keepdims=keepdim))
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, result = ctx.saved_tensors
        centred = x - x.mean(ctx.axes, keepdim=True)
        # d std = d var / (2 std); where std is 0 (all values equal) torch takes it as 0
        share = where(result == 0, 0.0, grad / result)
        scale = _expand_back(share, x.shape, ctx.axes, ctx.keepdim)
        return scale * centred * _over_degrees(1.0, ctx), None, None, None


def _over_degrees(value: float, ctx: Node) -> float:
    """value / (count - correction), as a C double divides: x / 0 is inf (torch's nan
    gradient for the var of one element), not Python's ZeroDivisionError."""
    degrees = ctx.count - ctx.correction
    return value / degrees if degrees else math.copysign(math.inf, value)


def _correction(unbiased: Any, correction: Any) -> float:
    if correction is not None:
        return correction
    return 1 if unbiased in (None, True) else 0


def var(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None) -> Tensor:
    if isinstance(dim, bool):  # var(False): torch's old positional `unbiased`
        dim, unbiased = None, dim
    return Var.apply(input, dim, _correction(unbiased, correction), keepdim)


def std(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None) -> Tensor:
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return Std.apply(input, dim, _correction(unbiased, correction), keepdim)


def var_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> tuple[Tensor, Tensor]:
    """(var, mean) in one call, as torch.var_mean returns them."""
    from teachgrad.ops.reductions import mean

    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim=keepdim))


def std_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> tuple[Tensor, Tensor]:
    """(std, mean) in one call, as torch.std_mean returns them."""
    from teachgrad.ops.reductions import mean

    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim=keepdim))
