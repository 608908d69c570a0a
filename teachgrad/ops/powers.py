"""Powers: tensor ** number, tensor ** tensor and number ** tensor, and their derivatives."""

from __future__ import annotations

import math
import operator
from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast import (
    binary_arrays,
    broadcasting,
    shape_of,
    sum_to_shape,
)
from teachgrad.ops.broadcast_shapes import python_numbers_cast
from teachgrad.ops.reflected import TensorOnlyFunction
from teachgrad.ops.where import where
from teachgrad.tensor import Tensor


def _power(base: Any, exponent: Any) -> Any:
    """base ** exponent; for integers with negative exponents, what C's integer power
    gives and torch returns (1 for 1, +-1 for -1, 0 otherwise), where NumPy refuses."""
    base_is_int = base.dtype.kind in "iu" if hasattr(base, "dtype") else type(base) is int
    if not (base_is_int and hasattr(exponent, "dtype") and exponent.dtype.kind in "iu"
            and (exponent < 0).any()):
        return operator.pow(base, exponent)
    xp = array_module(exponent)
    negative = exponent < 0
    result = operator.pow(base, xp.where(negative, 0, exponent))
    odd = (exponent % 2).astype(bool)
    at_negative = xp.where(base == 1, 1, xp.where(base == -1, xp.where(odd, -1, 1), 0))
    return xp.where(negative, at_negative, result).astype(result.dtype)


class Pow(TensorOnlyFunction):
    """tensor ** number: torch's node has the tensor's edge only."""

    node_name = "PowBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, exponent: Any) -> Any:
        base, exponent_value = binary_arrays(x, exponent)
        if isinstance(exponent_value, int) and exponent_value < 0 and base.dtype.kind in "iu":
            # 2 ** -1 is not an integer; torch refuses rather than round (NumPy: ValueError)
            raise RuntimeError("Integers to negative integer powers are not allowed. Use a "
                               "float tensor, e.g. x.float() ** -1.")
        ctx.save_for_backward(x, exponent)
        if base.dtype.kind == "b" and isinstance(exponent, bool):
            # a bool to a bool power stays bool in torch: x ** True is x, x ** False True
            return base.copy() if exponent else array_module(base).ones_like(base)
        if exponent_value == -0.5 and base.dtype.kind == "f":
            return 1 / array_module(base).sqrt(base)  # torch's rsqrt: NaN at -inf (C pow: 0)
        return base ** exponent_value

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, exponent = ctx.saved_tensors
        if exponent == 0:
            return grad.new_zeros(grad.shape)  # (grad * 0 would turn an inf into NaN)
        return grad * exponent * x ** (exponent - 1)


class PowTensor(Function):
    """tensor ** tensor."""

    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Tensor) -> Any:
        _refuse_bools(a, b)
        x, y = binary_arrays(a, b)
        ctx.shapes = (shape_of(a), shape_of(b))
        result = Tensor._make(broadcasting(_power, x, y))
        ctx.save_for_backward(a, b, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b, result = ctx.saved_tensors
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            # b a^(b-1); torch defines it as 0 where b == 0 (0^-1 would make it nan)
            grad_a = sum_to_shape(grad * where(b == 0, 0.0, b * a ** (b - 1)), ctx.shapes[0])
        if ctx.needs_input_grad[1]:
            # d(a^b)/db = a^b log a; torch defines it as 0 where a == 0 and b >= 0. The
            # log is taken in the result's dtype (float32 ** float64: float64, as torch).
            log_a = where((a == 0) & (b >= 0), 0.0, a.to(result.dtype).log())
            grad_b = sum_to_shape(grad * result * log_a, ctx.shapes[1])
        return grad_a, grad_b


class RPow(TensorOnlyFunction):
    """number ** tensor; the node has the tensor's edge only, as torch's."""

    node_name = "PowBackward2"

    @staticmethod
    def forward(ctx: Node, x: Tensor, base: Any) -> Any:
        _refuse_bools(base, x)
        # an int base the tensor's dtype cannot hold is wrapped into it, as torch casts it
        base_value, exponent = python_numbers_cast(*binary_arrays(base, x))
        result = Tensor._make(_power(base_value, exponent))
        ctx.log_base = math.log(base) if base > 0 else -math.inf if base == 0 else math.nan
        ctx.save_for_backward(x if base == 0 else None, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, result = ctx.saved_tensors
        if x is not None:  # 0 ** x: torch takes d/dx as 0 where x >= 0 (0 * log 0)
            return grad * where(x >= 0, 0.0, result * ctx.log_base)
        return grad * result * ctx.log_base


def _refuse_bools(base: Any, exponent: Any) -> None:
    """torch has no pow kernel for bool ** bool, except a bool tensor ** a Python bool."""
    if all(value.__class__ is bool or (isinstance(value, Tensor) and value._array.dtype.kind == "b")
           for value in (base, exponent)):
        raise NotImplementedError("\"pow\" not implemented for 'Bool': there is no power of "
                                  "bools. Convert first, e.g. x.int() ** y.int().")


def pow(input: Any, exponent: Any) -> Tensor:
    if not isinstance(input, Tensor):
        return RPow.apply(exponent, input)
    if isinstance(exponent, Tensor):
        return PowTensor.apply(input, exponent)
    return Pow.apply(input, exponent)
