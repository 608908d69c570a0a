"""The softmax family along a dim: softmax, log_softmax and logsumexp.

Each subtracts the largest value before taking exp, so that large inputs do not
overflow (exp(1000.) is inf), and keeps its result for the backward pass.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.dims import axis_or_none
from teachgrad.ops.reductions import _axes, _expand_back
from teachgrad.tensor import Tensor


class LogSumExp(Function):
    node_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Any, keepdim: bool) -> Any:
        array = x._array if x._array.dtype.kind == "f" else \
            x._array.astype(dtypes.get_default_dtype().numpy_dtype)
        xp = array_module(array)
        ctx.axes = _axes(dim, array.ndim)
        ctx.keepdim = keepdim
        # Subtract the max before exp so that large inputs do not overflow.
        peak = _peak(array, ctx.axes)
        peak = xp.where(xp.isfinite(peak), peak, 0)
        summed = xp.exp(array - peak).sum(axis=ctx.axes, keepdims=True)
        result = xp.log(summed) + peak
        if not keepdim:
            result = result.squeeze(ctx.axes) if ctx.axes is not None else result.reshape(())
        result = Tensor._make(result)
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, result = ctx.saved_tensors
        spread = _expand_back(grad, x.shape, ctx.axes, ctx.keepdim)
        weights = (x - _expand_back(result, x.shape, ctx.axes, ctx.keepdim)).exp()
        return spread * weights, None, None


def _peak(array: Any, axis: Any) -> Any:
    """The max along axis, kept as a dim to subtract; 0 where the dim is empty (torch
    returns an empty softmax, and -inf for the logsumexp of nothing)."""
    if array.size == 0:
        return array_module(array).zeros_like(array.sum(axis=axis, keepdims=True))
    return array.max(axis=axis, keepdims=True)


def _softmax_input(x: Tensor, name: str, axis: int | None) -> Any:
    """x's array, refused as torch refuses it when it is not floating (and not empty)."""
    array = x._array
    if array.dtype.kind != "f" and array.size:
        kernel = "lastdim_kernel_impl" if axis is None or axis == array.ndim - 1 else "kernel_impl"
        raise NotImplementedError(
            f'"{name}_{kernel}" not implemented for \'{dtypes.legacy_name(x.dtype)}\': '
            f"{name} needs a floating tensor; convert first with .float()")
    return array


class Softmax(Function):
    node_name = "SoftmaxBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int) -> Any:
        axis = axis_or_none(dim, x._array.ndim)
        array = _softmax_input(x, "softmax", axis)
        if array.dtype.kind != "f":  # an empty integer tensor, which torch returns as it is
            return array.copy()
        xp = array_module(array)
        shifted = xp.exp(array - _peak(array, axis))
        result = Tensor._make(shifted / shifted.sum(axis=axis, keepdims=True))
        ctx.axis = axis
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (result,) = ctx.saved_tensors
        axes = None if ctx.axis is None else (ctx.axis,)
        return result * (grad - (grad * result).sum(axes, keepdim=True)), None


class LogSoftmax(Function):
    node_name = "LogSoftmaxBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int) -> Any:
        axis = axis_or_none(dim, x._array.ndim)
        array = _softmax_input(x, "log_softmax", axis)
        if array.dtype.kind != "f":  # an empty integer tensor, which torch returns as it is
            return array.copy()
        xp = array_module(array)
        shifted = array - _peak(array, axis)
        result = Tensor._make(shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True)))
        ctx.axis = axis
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (result,) = ctx.saved_tensors
        axes = None if ctx.axis is None else (ctx.axis,)
        return grad - result.exp() * grad.sum(axes, keepdim=True), None


# ---------------------------------------------------------------- public functions


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    return LogSumExp.apply(input, dim, keepdim)


def softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    return Softmax.apply(input, dim)


def log_softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    return LogSoftmax.apply(input, dim)
