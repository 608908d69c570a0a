"""Arithmetic: + - * / ** and negation, and division rounded to a whole number.

Each op is a Function: forward computes on arrays, backward computes on tensors (so
that, with create_graph=True, the backward pass is itself recorded and can be
differentiated again). Binary ops sum their gradients back to each input's shape,
because broadcasting reused the smaller input along the stretched dimensions.
"""

from __future__ import annotations

import operator
from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast import (
    binary_arrays,
    broadcasting,
    shape_of,
    sum_to_shape,
)
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


def _note_shapes(ctx: Node, a: Any, b: Any) -> None:
    """Keep both operands' shapes for backward's sum_to_shape, if backward will run."""
    needs_a, needs_b = ctx.needs_input_grad
    if needs_a or needs_b:
        # shape_of, inlined: these four ops are the most common of all.
        ctx.shapes = (a._array.shape if isinstance(a, Tensor) else (),
                      b._array.shape if isinstance(b, Tensor) else ())


def _reduced(grad: Tensor, ctx: Node, index: int) -> Tensor | None:
    """The gradient for input `index`, summed to its shape, or None if not needed."""
    if not ctx.needs_input_grad[index]:
        return None
    return sum_to_shape(grad, ctx.shapes[index])


class Add(Function):
    node_name = "AddBackward0"

    @staticmethod
    def forward(ctx: Node, a: Any, b: Any) -> Any:
        x, y = binary_arrays(a, b)
        _note_shapes(ctx, a, b)
        return broadcasting(operator.add, x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return _reduced(grad, ctx, 0), _reduced(grad, ctx, 1)


class Sub(Function):
    node_name = "SubBackward0"

    @staticmethod
    def forward(ctx: Node, a: Any, b: Any) -> Any:
        _refuse_bool_subtraction(a, b)
        x, y = binary_arrays(a, b)
        _note_shapes(ctx, a, b)
        return broadcasting(operator.sub, x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        grad_b = _reduced(grad, ctx, 1)
        return _reduced(grad, ctx, 0), (-grad_b if grad_b is not None else None)


def _refuse_bool_subtraction(a: Any, b: Any) -> None:
    # A bool minus anything has no sensible meaning (True - True?); torch refuses it
    # and points to the operator that was probably meant. (bool cannot be subclassed,
    # so a class check answers for Python bools, cheaper than isinstance.)
    a_is_bool = a.__class__ is bool or (isinstance(a, Tensor) and a._array.dtype.kind == "b")
    b_is_bool = b.__class__ is bool or (isinstance(b, Tensor) and b._array.dtype.kind == "b")
    if a_is_bool and b_is_bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if a_is_bool or b_is_bool:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")


# number - tensor: torch records it as its own node.
Rsub = renamed(Sub, "RsubBackward1")


class Mul(Function):
    node_name = "MulBackward0"

    @staticmethod
    def forward(ctx: Node, a: Any, b: Any) -> Any:
        x, y = binary_arrays(a, b)
        needs_a, needs_b = ctx.needs_input_grad
        if needs_a or needs_b:  # (not under no_grad: `lr * p.grad` in every update)
            _note_shapes(ctx, a, b)
            # d(a*b)/da needs b and d(a*b)/db needs a: keep only what will be used.
            ctx.save_for_backward(a if needs_b else None, b if needs_a else None)
        return broadcasting(operator.mul, x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        grad_a = sum_to_shape(grad * b, ctx.shapes[0]) if ctx.needs_input_grad[0] else None
        grad_b = sum_to_shape(grad * a, ctx.shapes[1]) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class Div(Function):
    node_name = "DivBackward0"

    @staticmethod
    def forward(ctx: Node, a: Any, b: Any) -> Any:
        x, y = binary_arrays(a, b)
        _note_shapes(ctx, a, b)
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)
        quotient = broadcasting(operator.truediv, x, y)  # x / 0 is inf, silently (numerics.py)
        # Integers divide as true division in torch, giving the default float dtype.
        # NumPy divides integers into float64; cast to the default dtype as torch does.
        # With a float operand (a bool tensor / a float64 one, say) NumPy's type is right.
        if _is_float(x) or _is_float(y):
            return quotient
        return quotient.astype(dtypes.get_default_dtype().numpy_dtype)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        grad_a = sum_to_shape(grad / b, ctx.shapes[0]) if ctx.needs_input_grad[0] else None
        grad_b = (
            sum_to_shape(-grad * a / (b * b), ctx.shapes[1]) if ctx.needs_input_grad[1] else None
        )
        return grad_a, grad_b


def _is_float(operand: Any) -> bool:
    return operand.dtype.kind == "f" if hasattr(operand, "dtype") else isinstance(operand, float)


# number / tensor: torch computes it as reciprocal(tensor) * number, hence the name.
RDiv = renamed(Div, "MulBackward0")
Reciprocal = renamed(Div, "ReciprocalBackward0")


class Neg(Function):
    node_name = "NegBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        if x._array.dtype.kind == "b":
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                "trying to invert a mask, use the `~` or `logical_not()` operator instead."
            )
        return -x._array

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        return -grad


# ---------------------------------------------------------------- division, rounded


def _module_of(x: Any, y: Any) -> Any:
    """The array module of whichever operand is an array (the other may be a number)."""
    return array_module(x if hasattr(x, "shape") else y)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", "") == "b"


def _is_integral(value: Any) -> bool:
    """An integer or bool array, or a Python int (bool included)."""
    if hasattr(value, "dtype"):
        return value.dtype.kind in "iub"
    return isinstance(value, int)


def _division_operands(a: Any, b: Any, kernel: str) -> tuple:
    """a and b as arrays in torch's result dtype, refusing what torch refuses.

    Bools have no division. Integers have no inf to return for a division by zero, so
    torch raises there (floats give inf or nan, silently).
    """
    x, y = binary_arrays(a, b)
    if _is_bool(x) and _is_bool(y):
        raise NotImplementedError(
            f"\"{kernel}_cpu\" not implemented for 'Bool': there is no division of bools. "
            "Convert first, e.g. mask.int()."
        )
    if _is_integral(x) and _is_integral(y) and (
            bool((y == 0).any()) if hasattr(y, "shape") else y == 0):
        raise RuntimeError(
            "ZeroDivisionError: integer division or remainder by zero. An integer tensor "
            "has no inf or nan to hold the result; divide float tensors instead, e.g. "
            "x.float() // y."
        )
    return x, y


class DivRounded(Function):
    """div(a, b, rounding_mode="floor" | "trunc"): the quotient rounded down, or towards
    zero. Unlike floor_divide, torch records a zero gradient for it (a step function)."""

    node_name = "DivBackward2"

    @staticmethod
    def forward(ctx: Node, a: Any, b: Any, rounding_mode: str) -> Any:
        if rounding_mode not in ("floor", "trunc"):
            raise RuntimeError(
                "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                f"'{rounding_mode}'"
            )
        x, y = _division_operands(a, b, f"div_{rounding_mode}")
        ctx.shapes = (shape_of(a), shape_of(b))
        xp = _module_of(x, y)
        if rounding_mode == "floor":
            return broadcasting(xp.floor_divide, x, y)
        if not _is_integral(x) or not _is_integral(y):
            # as torch: divide, then truncate
            return xp.trunc(broadcasting(operator.truediv, x, y))
        # Integers: floor division is one below truncation where the exact quotient is
        # negative and not whole (-7 / 2 = -3.5: floor -4, trunc -3).
        quotient = broadcasting(xp.floor_divide, x, y)
        inexact = (quotient * y != x) & ((x < 0) != (y < 0))
        return quotient + inexact

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        zeros = [grad.new_zeros(shape) if needed else None
                 for shape, needed in zip(ctx.shapes, ctx.needs_input_grad)]
        return zeros[0], zeros[1], None


# ---------------------------------------------------------------- public functions


def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    return Add.apply(input, other if alpha == 1 else other * alpha)


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    return Sub.apply(input, other if alpha == 1 else other * alpha)


def rsub(input: Any, other: Any) -> Tensor:
    """other - input, as torch.rsub."""
    return Rsub.apply(other, input)


def mul(input: Any, other: Any) -> Tensor:
    return Mul.apply(input, other)


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """input / other; rounding_mode "floor" or "trunc" rounds the quotient (no gradient)."""
    if rounding_mode is not None:
        return DivRounded.apply(input, other, rounding_mode)
    if not isinstance(input, Tensor):
        return RDiv.apply(input, other)
    return Div.apply(input, other)


def reciprocal(input: Tensor) -> Tensor:
    return Reciprocal.apply(1.0, input)


def neg(input: Tensor) -> Tensor:
    return Neg.apply(input)
