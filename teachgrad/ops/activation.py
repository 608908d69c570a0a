"""Activations beyond relu: tanh, sigmoid, leaky_relu and gelu.

(relu, on the reading path, is in unary.py; softmax and log_softmax in softmax.py;
the rest of torch's activations in more_activations.py.) Backward passes are written
with tensor ops, so they can be differentiated again.
"""

from __future__ import annotations

import math
from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.floating import _floating
from teachgrad.ops.inplace import _unary_inplace
from teachgrad.ops.special import erfc_array
from teachgrad.tensor import Tensor


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


class LeakyRelu(Function):
    """x where x > 0, else slope * x: negative inputs keep a small gradient."""

    node_name = "LeakyReluBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, slope: float) -> Any:
        ctx.slope = slope
        ctx.save_for_backward(x)
        array = x._array
        return array_module(array).where(array > 0, array, array * slope)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (x,) = ctx.saved_tensors
        positive = (x > 0).to(grad.dtype)  # the slope in grad's precision (float64 too)
        return grad * (positive * (1 - ctx.slope) + ctx.slope), None


def normal_cdf_array(array: Any) -> Any:
    """P(Z <= x) for a standard normal Z, computed in float64.

    0.5 * erfc(-x / sqrt(2)), with erfc from special.py (float64 accuracy). Taking it
    from erfc rather than 1 + erf keeps that relative precision for very negative x,
    where the probability is tiny.
    """
    return 0.5 * erfc_array(array.astype("float64") * -_ROOT_HALF)


_ROOT_HALF = math.sqrt(0.5)


class NormalCdf(Function):
    """The standard normal CDF; its derivative is the normal density."""

    node_name = "NormalCdfBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return normal_cdf_array(x._array).astype(x._array.dtype)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * normal_pdf(x)


def normal_pdf(x: Tensor) -> Tensor:
    return (x * x * -0.5).exp() * (1 / math.sqrt(2 * math.pi))


_TANH_SCALE = math.sqrt(2 / math.pi)
_TANH_CUBIC = 0.044715


class Gelu(Function):
    """x * P(Z <= x): a smooth relu; approximate='tanh' uses the tanh formula instead."""

    node_name = "GeluBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, approximate: str) -> Any:
        ctx.approximate = approximate
        ctx.save_for_backward(x)
        array = x._array
        if approximate == "tanh":
            inner = _TANH_SCALE * (array + _TANH_CUBIC * array ** 3)
            return 0.5 * array * (1 + array_module(array).tanh(inner))
        return (array * normal_cdf_array(array)).astype(array.dtype)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (x,) = ctx.saved_tensors
        if ctx.approximate == "tanh":
            squashed = (_TANH_SCALE * (x + _TANH_CUBIC * x ** 3)).tanh()
            slope = _TANH_SCALE * (1 + 3 * _TANH_CUBIC * x * x)
            return grad * (0.5 * (1 + squashed) + 0.5 * x * (1 - squashed * squashed) * slope), None
        # d/dx [x * cdf(x)] = cdf(x) + x * pdf(x)
        return grad * (NormalCdf.apply(x) + x * normal_pdf(x)), None


def _floats_only(x: Tensor, kernel: str) -> None:
    if not x.dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{dtypes.legacy_name(x.dtype)}': convert first, e.g. x.float()")


def tanh(input: Tensor) -> Tensor:
    return Tanh.apply(input)


def sigmoid(input: Tensor) -> Tensor:
    return Sigmoid.apply(input)


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    _floats_only(x, "leaky_relu_cpu")
    return LeakyRelu.apply(x, negative_slope)


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    _floats_only(x, "GeluKernelImpl")
    return Gelu.apply(x, approximate)


tanh_ = _unary_inplace(tanh)
sigmoid_ = _unary_inplace(sigmoid)
