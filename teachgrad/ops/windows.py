"""Tensor.unfold(dimension, size, step): sliding windows along one dim, as a view.

Window i holds elements i*step ... i*step + size - 1 of the dim; the windows take the
dim's place and the elements of each window become a new last dim. No copy: the
window dim steps `step` elements at a time, the new dim one. Windows that overlap
(step < size) read an element more than once, so backward adds up its gradients.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Node
from teachgrad.device import array_module
from teachgrad.ops.torch_edges import TorchEdges
from teachgrad.ops.views import view_of
from teachgrad.tensor import Tensor, _wrap_dim


def _windows(array: Any, axis: int, size: int, step: int) -> Any:
    count = (array.shape[axis] - size) // step + 1
    shape = array.shape[:axis] + (count,) + array.shape[axis + 1:] + (size,)
    stride = array.strides[axis]
    strides = array.strides[:axis] + (stride * step,) + array.strides[axis + 1:] + (stride,)
    return array_module(array).lib.stride_tricks.as_strided(array, shape, strides)


def _check(array: Any, dimension: int, size: int, step: int) -> int:
    axis = _wrap_dim(dimension, array.ndim)
    length = array.shape[axis] if array.ndim else 1
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {axis} is {length} but size "
                           f"is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return axis


class Unfold(TorchEdges):
    node_name = "UnfoldBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dimension: int, size: int, step: int) -> Any:
        array = x._array
        axis = _check(array, dimension, size, step)
        ctx.shape, ctx.window = array.shape, (axis, size, step)
        if array.ndim == 0:  # a number is one window of its one element (torch)
            return view_of(x, array.reshape(1)[:size])
        return view_of(x, _windows(array, axis, size, step))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        if not ctx.shape:
            return grad.sum().reshape(()), None, None, None
        return UnfoldGradient.apply(grad, ctx.shape, *ctx.window), None, None, None


class UnfoldGradient(TorchEdges):
    """Each window's gradient added back onto the elements it read."""

    node_name = "UnfoldBackwardBackward0"

    @staticmethod
    def forward(ctx: Node, grad: Tensor, shape: tuple, axis: int, size: int, step: int) -> Any:
        ctx.window = (axis, size, step)
        values = grad._array
        full = array_module(values).zeros(shape, values.dtype)
        count = values.shape[axis]
        before = (slice(None),) * axis
        for offset in range(size):  # element `offset` of every window, all at once
            reads = slice(offset, offset + step * (count - 1) + 1, step)
            full[before + (reads,)] += values[..., offset]
        return full

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return Unfold.apply(grad, *ctx.window), None, None, None, None


def unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    return Unfold.apply(input, dimension, size, step)
