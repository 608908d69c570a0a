"""Spread: var and std, with torch's correction (Bessel's by default).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.reduction_dtypes import _float_input
from teachgrad.ops.reductions import _axes, _expand_back
from teachgrad.ops.where import where
from teachgrad.tensor import Tensor


def _spread_setup(ctx: Node, x: Tensor, name: str, dim: Any, correction: float,
                  keepdim: bool) -> Any:
    """What var and std both record: the axes, how many values each result spans."""
    array = _float_input(x, name)
    ctx.axes = _axes(dim, array.ndim)
    ctx.keepdim, ctx.correction = keepdim, correction
    ctx.count = array.size if ctx.axes is None else math.prod(array.shape[a] for a in ctx.axes)
    if ctx.count <= correction or array.size == 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly "
                      "less than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=4)
    return array


def _variance(array: Any, ctx: Node) -> Any:
    """The variance along ctx.axes, with ctx.correction taken off the count."""
    if ctx.count > ctx.correction:
        return array.var(axis=ctx.axes, ddof=ctx.correction, keepdims=ctx.keepdim)
    # No degree of freedom left: the squared deviations over 0, inf (nan where they sum to
    # 0), as torch gives. NumPy would give the same, with a RuntimeWarning.
    if ctx.count == 0:
        return array.sum(axis=ctx.axes, keepdims=ctx.keepdim) / 0
    centred = array - array.mean(axis=ctx.axes, keepdims=True)
    return (centred * centred).sum(axis=ctx.axes, keepdims=ctx.keepdim) / 0


class Var(Function):
    node_name = "VarBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Any, correction: float, keepdim: bool) -> Any:
        array = _spread_setup(ctx, x, "var", dim, correction, keepdim)
        ctx.save_for_backward(x)
        return _variance(array, ctx)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (x,) = ctx.saved_tensors
        spread = _expand_back(grad, x.shape, ctx.axes, ctx.keepdim)
        return _through_deviations(spread, x, 2.0, ctx), None, None, None


class Std(Function):
    node_name = "StdBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Any, correction: float, keepdim: bool) -> Any:
        array = _spread_setup(ctx, x, "std", dim, correction, keepdim)
        xp = array_module(array)
        result = Tensor._make(array.std(axis=ctx.axes, ddof=correction, keepdims=keepdim)
                              if ctx.count > correction else xp.sqrt(_variance(array, ctx)))
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, result = ctx.saved_tensors
        # d std = d var / (2 std); where std is 0 (all values equal) torch takes it as 0
        share = where(result == 0, 0.0, grad / result)
        scale = _expand_back(share, x.shape, ctx.axes, ctx.keepdim)
        return _through_deviations(scale, x, 1.0, ctx), None, None, None


def _through_deviations(scale: Tensor, x: Tensor, value: float, ctx: Node) -> Tensor:
    """scale * value * (x - mean) / (count - correction): the chain rule through the sum
    of squared deviations, whose gradient is 2 (x - mean)."""
    if ctx.count <= ctx.correction and not ctx.axes:
        # torch's rule for a whole-tensor reduction with no degree of freedom left: the
        # gradient is inf, or nan where an element equals the mean (inf * 0)
        return scale * where(x == x.mean(), math.nan, math.inf)
    return scale * (x - x.mean(ctx.axes, keepdim=True)) * _over_degrees(value, ctx)


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
    from teachgrad.ops.mean import mean

    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim=keepdim))


def std_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> tuple[Tensor, Tensor]:
    """(std, mean) in one call, as torch.std_mean returns them."""
    from teachgrad.ops.mean import mean

    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim=keepdim))
