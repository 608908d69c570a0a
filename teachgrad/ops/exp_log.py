"""Logarithms and powers: log, sqrt, and the powers of 2 and 10 and their logarithms, and
the forms that stay accurate near zero: exp2, log2, log10, rsqrt, log1p, expm1, logaddexp,
logaddexp2 (exp is on the reading path, in unary.py).

log1p(x) = log(1 + x) and expm1(x) = exp(x) - 1 exist because, for tiny x, 1 + x
rounds away x's digits: log(1 + 1e-10) computed that way has 7 wrong digits, log1p
none. logaddexp(a, b) = log(exp(a) + exp(b)) without overflowing exp.

Forward works on arrays, backward on tensors (differentiable again); integer and bool
inputs give the default float dtype, except for logaddexp, which torch refuses on them.
"""

from __future__ import annotations

import math
from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast import binary_arrays, broadcasting, sum_to_shape
from teachgrad.ops.broadcast_shapes import check_broadcastable
from teachgrad.ops.floating import _floating
from teachgrad.ops.inplace import _unary_inplace
from teachgrad.tensor import Tensor

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


def _math(x: Tensor, name: str) -> Any:
    return getattr(array_module(x._array), name)(_floating(x._array))


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


class Exp2(Function):
    node_name = "Exp2Backward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        result = Tensor._make(_math(x, "exp2"))
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (result,) = ctx.saved_tensors
        return grad * (result * _LN2)  # d 2^x = 2^x ln 2


class Log2(Function):
    node_name = "Log2Backward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return _math(x, "log2")

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (x * _LN2)


class Log10(Function):
    node_name = "Log10Backward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return _math(x, "log10")

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (x * _LN10)


class Rsqrt(Function):
    """1 / sqrt(x): the scale of normalisations (layer norm divides by it)."""

    node_name = "RsqrtBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        values = _floating(x._array)
        result = Tensor._make(1 / array_module(values).sqrt(values))
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (result,) = ctx.saved_tensors
        return grad * (result * result * result * -0.5)  # d x^(-1/2) = -x^(-3/2) / 2


class Log1p(Function):
    node_name = "Log1PBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return _math(x, "log1p")

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (x + 1)


class Expm1(Function):
    node_name = "Expm1Backward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        result = Tensor._make(_math(x, "expm1"))
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (result,) = ctx.saved_tensors
        return grad * (result + 1)  # d (e^x - 1) = e^x


class Logaddexp(Function):
    """log(exp(a) + exp(b)): the larger one plus log1p(exp(-|a - b|)) (NumPy's logaddexp)."""

    node_name = "LogaddexpBackward0"
    ufunc = "logaddexp"
    base = 1.0  # e: d/da = exp(a) / (exp(a) + exp(b))

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Tensor) -> Any:
        x, y = binary_arrays(a, b)
        ctx.shapes = (a._array.shape, b._array.shape)
        ctx.save_for_backward(a, b)
        function = getattr(array_module(x), ctx._function.ufunc)
        return broadcasting(function, x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        base = ctx._function.base
        # torch's form, 1 / (1 + base^(b - a)): one exp, and exactly 1 where a = inf > b
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = sum_to_shape(grad / (1 + ((b - a) * base).exp()), ctx.shapes[0])
        if ctx.needs_input_grad[1]:
            grad_b = sum_to_shape(grad / (1 + ((a - b) * base).exp()), ctx.shapes[1])
        return grad_a, grad_b


class Logaddexp2(Logaddexp):
    """log2(2^a + 2^b)."""

    node_name = "Logaddexp2Backward0"
    ufunc = "logaddexp2"
    base = _LN2  # 2^(b - a) = exp((b - a) ln 2)


def _check_floating(input: Any, other: Any, name: str) -> None:
    for value in (input, other):
        if not isinstance(value, Tensor):  # torch takes no Python number here
            raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not "
                            f"{type(value).__name__}")
    check_broadcastable(input, other)
    result = dtypes.result_type(input, other)
    if not result.is_floating_point:
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for "
                                  f"'{dtypes.legacy_name(result)}': convert to floats "
                                  "first, e.g. x.float()")


# ---------------------------------------------------------------- public functions


def log(input: Tensor) -> Tensor:
    return Log.apply(input)


def sqrt(input: Tensor) -> Tensor:
    return Sqrt.apply(input)


def exp2(input: Tensor) -> Tensor:
    return Exp2.apply(input)


def log2(input: Tensor) -> Tensor:
    return Log2.apply(input)


def log10(input: Tensor) -> Tensor:
    return Log10.apply(input)


def rsqrt(input: Tensor) -> Tensor:
    return Rsqrt.apply(input)


def log1p(input: Tensor) -> Tensor:
    return Log1p.apply(input)


def expm1(input: Tensor) -> Tensor:
    return Expm1.apply(input)


def logaddexp(input: Tensor, other: Tensor) -> Tensor:
    _check_floating(input, other, "logaddexp")
    return Logaddexp.apply(input, other)


def logaddexp2(input: Tensor, other: Tensor) -> Tensor:
    _check_floating(input, other, "logaddexp2")
    return Logaddexp2.apply(input, other)


log_ = _unary_inplace(log)
sqrt_ = _unary_inplace(sqrt)
exp2_ = _unary_inplace(exp2)
log2_ = _unary_inplace(log2)
log10_ = _unary_inplace(log10)
rsqrt_ = _unary_inplace(rsqrt)
log1p_ = _unary_inplace(log1p)
expm1_ = _unary_inplace(expm1)
