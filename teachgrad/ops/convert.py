"""Copies: clone, contiguous, and .to() between dtypes and devices.

A copy's backward passes the gradient straight through, converted back to the
input's dtype and device, so a model can be moved mid-graph and still train.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import device_of, move_array
from teachgrad.tensor import Tensor


class Clone(Function):
    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        return x._array.copy()

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        return grad


class ToCopy(Function):
    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, target_device: Any, target_dtype: Any) -> Any:
        array = x._array
        ctx.source_device, ctx.source_dtype = device_of(array), x.dtype
        if target_dtype is not None:
            array = array.astype(target_dtype.numpy_dtype)
        if target_device is not None:
            moved = move_array(array, target_device)
            array = moved.copy() if moved is x._array else moved
        return array

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return grad.to(ctx.source_device, ctx.source_dtype), None, None


def clone(input: Tensor) -> Tensor:
    return Clone.apply(input)


def contiguous(input: Tensor) -> Tensor:
    return input if input._array.flags.c_contiguous else Clone.apply(input)


def to_copy(x: Tensor, target_device: Any, target_dtype: Any, copy: bool) -> Tensor:
    """What Tensor.to does: the same tensor when nothing changes, else a recorded copy."""
    if target_dtype is not None:
        target_dtype = dtypes.to_dtype(target_dtype)
        if target_dtype.numpy_dtype == x._array.dtype:
            target_dtype = None
    if target_device is not None:
        if target_device.type == "cpu" and not x.is_cuda:
            target_device = None
        elif target_device.type == "cuda" and x.is_cuda and (
                target_device.index is None or target_device == x.device):
            target_device = None
        elif target_device.type == "cuda":
            from teachgrad.cuda import cupy_module

            cupy_module()  # raises the "what to install" error on a machine without CUDA
    if target_device is None and target_dtype is None:
        return clone(x) if copy else x
    return ToCopy.apply(x, target_device, target_dtype)
