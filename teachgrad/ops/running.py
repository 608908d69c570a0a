"""Running maxima, minima and log-sum-exp along a dim: cummax, cummin, logcumsumexp.

Like cumsum (scans.py), out[i] depends on x[0..i]. cummax and cummin also say where
each running extreme was found; the gradient of out[i] goes to that one element.
logcumsumexp is log(cumsum(exp(x))) computed without overflow, one logaddexp per step.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.dims import axis_or_none
from teachgrad.ops.return_types import return_type
from teachgrad.tensor import Tensor, _wrap_dim

CummaxResult = return_type("cummax", ["values", "indices"])
CumminResult = return_type("cummin", ["values", "indices"])


def _running_extreme(array: Any, axis: int, is_max: bool) -> tuple[Any, Any]:
    """Values and indices of the running max (or min) along axis. A tie or a NaN moves
    the index to the newer element, and a NaN, once met, stays: torch's rules."""
    xp = array_module(array)
    moved = xp.moveaxis(array, axis, 0)
    values, indices = moved.copy(), xp.zeros(moved.shape, dtype=xp.int64)
    for i in range(1, moved.shape[0]):
        new, best = moved[i], values[i - 1]
        better = (new >= best) if is_max else (new <= best)
        if moved.dtype.kind == "f":
            better = (better & ~xp.isnan(best)) | xp.isnan(new)
        values[i] = xp.where(better, new, best)
        indices[i] = xp.where(better, i, indices[i - 1])
    return xp.moveaxis(values, 0, axis), xp.moveaxis(indices, 0, axis)


def _gather_back(grad: Tensor, indices: Tensor, axis: int, length: int) -> Tensor:
    """grad_x[j] = the sum of grad[i] over the i whose extreme was x[j], from recorded ops
    (so it is differentiable again): a one-hot of the indices, length x length per row."""
    xp = array_module(indices._array)
    grad_last, index_last = grad.transpose(axis, -1), indices._array.swapaxes(axis, -1)
    elsewhere = index_last[..., None, :] != xp.arange(length)[:, None]  # [..., j, i]
    # grad[i] where x[j] was the extreme, selected (0 * inf would be NaN), then summed
    spread = grad_last.unsqueeze(-2).expand(elsewhere.shape)
    return spread.masked_fill(Tensor._make(elsewhere), 0).sum(-1).transpose(axis, -1)


class RunningExtreme(Function):
    """cummax/cummin: each out[i] is one x[j], so its gradient goes back to that x[j]."""

    node_name = "CummaxBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, is_max: bool) -> Any:
        ctx.axis = axis_or_none(dim, x.ndim)
        ctx.length = x.shape[ctx.axis] if x.ndim else 1
        if ctx.axis is None:
            xp = array_module(x._array)
            values, indices = x._array.copy(), xp.zeros((), dtype=xp.int64)
        else:
            values, indices = _running_extreme(x._array, ctx.axis, is_max)
        ctx.indices = Tensor._make(indices)
        ctx.mark_non_differentiable(ctx.indices)
        return values, ctx.indices

    @staticmethod
    def backward(ctx: Node, grad: Tensor, _grad_indices: Any) -> tuple:
        if ctx.axis is None:
            return grad, None, None
        return _gather_back(grad, ctx.indices, ctx.axis, ctx.length), None, None


class RunningMinimum(RunningExtreme):
    node_name = "CumminBackward0"


def cummax(input: Tensor, dim: int) -> CummaxResult:
    return CummaxResult(*RunningExtreme.apply(input, _checked_dim(input, dim), True))


def cummin(input: Tensor, dim: int) -> CumminResult:
    return CumminResult(*RunningMinimum.apply(input, _checked_dim(input, dim), False))


def _checked_dim(input: Tensor, dim: int) -> int:
    # torch returns an empty tensor's (empty) result before it looks at dim at all
    if input.numel() == 0:
        return 0
    _wrap_dim(dim, input.ndim)
    return dim


class Logcumsumexp(Function):
    """out[i] = log(exp(x[0]) + ... + exp(x[i])); d out[i] / d x[j] = exp(x[j] - out[i])
    for i >= j. The backward keeps that stable by working in logs, positive and
    negative parts of the incoming gradient apart (a log needs a positive number)."""

    node_name = "LogcumsumexpBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int) -> Any:
        if not x.dtype.is_floating_point:
            raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for "
                                      f"'{dtypes.legacy_name(x.dtype)}': use a float tensor")
        ctx.axis = axis_or_none(dim, x.ndim)
        array = x._array
        if ctx.axis is None:
            result = array.copy()
        else:
            xp = array_module(array)
            result = xp.moveaxis(array, ctx.axis, 0).copy()
            for i in range(1, result.shape[0]):
                result[i] = xp.logaddexp(result[i - 1], result[i])
            result = xp.moveaxis(result, 0, ctx.axis)
        output = Tensor._make(result)
        ctx.save_for_backward(x, output)
        return output

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, out = ctx.saved_tensors
        if ctx.axis is None:
            return grad, None
        from teachgrad.ops.where import where

        # The log of a zero part is the lowest finite number, not -inf: -inf - out would be
        # NaN where out is -inf too, and the NaN would reach second derivatives (torch's way).
        lowest = float(array_module(x._array).finfo(x._array.dtype).min)

        def from_the_end(part: Tensor) -> Tensor:  # log of sum over i >= j of part[i]/e^out[i]
            positive = part > 0  # log(1), not log(0), where the part is 0: no 0 * inf later
            logs = where(positive, where(positive, part, 1.0).log(), lowest) - out
            return logcumsumexp(logs.flip(ctx.axis), ctx.axis).flip(ctx.axis)

        positive, negative = grad.clamp(min=0), (-grad).clamp(min=0)
        return (x + from_the_end(positive)).exp() - (x + from_the_end(negative)).exp(), None


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    return Logcumsumexp.apply(input, dim)
