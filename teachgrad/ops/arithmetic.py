"""Arithmetic: + - * / and negation.

Each op is a Function: forward computes on arrays, backward computes on tensors (so
that, with create_graph=True, the backward pass is itself recorded and can be
differentiated again). Binary ops sum their gradients back to each input's shape,
because broadcasting reused the smaller input along the stretched dimensions.
"""

from __future__ import annotations

import operator
from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.ops.broadcast import (
    binary_arrays,
    broadcasting,
    sum_to_shape,
)
from teachgrad.ops.broadcast_shapes import float_operands, times_alpha
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
        _note_shapes(ctx, a, b)
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)
        # Integers divide as true division in torch, in the default float dtype: each
        # is cast to it first (NumPy would divide them into float64).
        x, y = binary_arrays(*float_operands(a, b))
        return broadcasting(operator.truediv, x, y)  # x / 0 is inf, silently (numerics.py)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        grad_a = sum_to_shape(grad / b, ctx.shapes[0]) if ctx.needs_input_grad[0] else None
        # -a / b**2, computed as torch does, (a / b) / b: b * b would overflow sooner.
        grad_b = (
            sum_to_shape(-grad * (a / b / b), ctx.shapes[1]) if ctx.needs_input_grad[1] else None
        )
        return grad_a, grad_b


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


# ---------------------------------------------------------------- public functions


def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    if type(alpha) is not int or alpha != 1:  # other * alpha, as torch computes it
        other = times_alpha(input, other, alpha)
    # torch records a Python number as the second input, on whichever side it stood
    return Add.apply(input, other) if isinstance(input, Tensor) else Add.apply(other, input)


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    if type(alpha) is not int or alpha != 1:
        _refuse_bool_subtraction(input, other)  # before alpha turns a bool into a number
        other = times_alpha(input, other, alpha)
    return Sub.apply(input, other)


def rsub(input: Any, other: Any) -> Tensor:
    """other - input, as torch.rsub (teachgrad/ops/reflected.py: torch's graph for it)."""
    from teachgrad.ops.reflected import rsub  # reflected.py imports this module

    return rsub(input, other)


def mul(input: Any, other: Any) -> Tensor:
    return Mul.apply(input, other) if isinstance(input, Tensor) else Mul.apply(other, input)


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """input / other; rounding_mode "floor" or "trunc" rounds the quotient (no gradient)."""
    if rounding_mode is not None:
        from teachgrad.ops.rounding import DivRounded  # rounding.py imports this module

        return DivRounded.apply(input, other, rounding_mode)
    if not isinstance(input, Tensor):
        return mul(reciprocal(other), input)  # number / x: as torch computes it
    return Div.apply(input, other)


def reciprocal(input: Tensor) -> Tensor:
    from teachgrad.ops.reflected import Reciprocal  # reflected.py imports this module

    return Reciprocal.apply(input)


def neg(input: Tensor) -> Tensor:
    return Neg.apply(input)
