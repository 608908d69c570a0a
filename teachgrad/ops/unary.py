"""Math functions of one tensor, element by element: exp, log, sqrt, abs, and the
activations tanh, sigmoid and relu (sin, cos and the rest of trigonometry are in
trigonometry.py).

Each op is a Function: forward computes on arrays, backward computes on tensors (so
that, with create_graph=True, the backward pass is itself recorded and can be
differentiated again). Integer and bool inputs give the default float dtype.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.tensor import Tensor


def _floating(array: Any) -> Any:
    """Math functions give floats; integer and bool inputs become the default float dtype."""
    if array.dtype.kind == "f":
        return array
    return array.astype(dtypes.get_default_dtype().numpy_dtype)


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


class Log(Function):
    node_name = "LogBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return array_module(x._array).log(_floating(x._array))  # log(0) = -inf, silently

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Function):
    node_name = "SqrtBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        result = Tensor._make(array_module(x._array).sqrt(_floating(x._array)))
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (result,) = ctx.saved_tensors
        return grad / (2 * result)


class Abs(Function):
    node_name = "AbsBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        # Not the builtin abs: this module's own abs() (below) shadows it.
        return array_module(x._array).abs(x._array)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * x.sign()


class Tanh(Function):
    node_name = "TanhBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        result = Tensor._make(array_module(x._array).tanh(_floating(x._array)))
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (result,) = ctx.saved_tensors
        return grad * (1 - result * result)


class Sigmoid(Function):
    node_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        values = _floating(x._array)
        # 1/(1+e^-x) overflows e^-x for large negative x; the tanh form never does.
        result = Tensor._make(array_module(values).tanh(values * 0.5) * 0.5 + 0.5)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (result,) = ctx.saved_tensors
        return grad * result * (1 - result)


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

    It selects, it does not multiply: grad * (result > 0) would turn an infinite
    gradient into 0 * inf = NaN where the ReLU was off. A NaN result (from a NaN
    input) lets the gradient through, as in torch: only result <= 0 blocks it.

    An op of its own rather than a tensor expression, so that the gradient stays
    connected to the result: differentiated again (create_graph=True) it gives zeros
    for the result, as in torch, instead of an error that the result was not used.
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


# ---------------------------------------------------------------- public functions


def exp(input: Tensor) -> Tensor:
    return Exp.apply(input)


def log(input: Tensor) -> Tensor:
    return Log.apply(input)


def sqrt(input: Tensor) -> Tensor:
    return Sqrt.apply(input)


def abs(input: Tensor) -> Tensor:
    if input._array.dtype.kind == "b":
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
    return Abs.apply(input)


def tanh(input: Tensor) -> Tensor:
    return Tanh.apply(input)


def sigmoid(input: Tensor) -> Tensor:
    return Sigmoid.apply(input)


def relu(input: Tensor) -> Tensor:
    if input._array.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    return Relu.apply(input)
