"""Functions of one tensor, element by element: exp and relu. (log and sqrt are in
exp_log.py, abs in signs.py, tanh and sigmoid in activation.py, sin in trigonometry.py.)
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.floating import _floating
from teachgrad.tensor import Tensor


class Exp(Function):
    node_name = "ExpBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        result = Tensor._make(array_module(x._array).exp(_floating(x._array)))
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (result,) = ctx.saved_tensors
        return grad * result


class Relu(Function):
    node_name = "ReluBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        result = Tensor._make(array_module(x._array).maximum(x._array, 0).astype(x._array.dtype,
                                                                                   copy=False))
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (result,) = ctx.saved_tensors
        return ReluGradient.apply(grad, result)  # grad where result > 0, else 0


class ReluGradient(Function):
    """grad where result > 0, else 0: ReLU's backward, as one op (torch's threshold_backward).

    A select, not grad * (result > 0), which gives 0 * inf = NaN where the ReLU was off;
    an op of its own, so that differentiated again (create_graph=True) it gives zeros
    for the result, as in torch, not an error that the result was not used.
    """

    node_name = "ThresholdBackwardBackward0"

    @staticmethod
    def forward(ctx: Node, grad: Tensor, result: Tensor) -> Any:
        ctx.off = result._array <= 0  # where the ReLU was off (its output is 0)
        xp = array_module(grad._array)  # NumPy (CuPy for a tensor on a GPU)
        return xp.where(ctx.off, 0, grad._array)  # 0 where off, grad elsewhere

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        zeros = array_module(ctx.off).zeros(ctx.off.shape, grad._array.dtype)
        return grad.masked_fill(Tensor._make(ctx.off), 0), Tensor._make(zeros)


def exp(input: Tensor) -> Tensor:
    return Exp.apply(input)


def relu(input: Tensor) -> Tensor:
    if input._array.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    return Relu.apply(input)
