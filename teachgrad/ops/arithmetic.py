"""Arithmetic: + - * (negation is in signs.py, division in division.py). Forward computes
on arrays, backward on tensors (so create_graph=True records it); each gradient is summed
back to its input's shape, and a Python number is recorded second, wherever it stood.
"""

from __future__ import annotations

import operator
from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.ops.broadcast import binary_arrays, broadcasting, sum_to_shape
from teachgrad.ops.broadcast_shapes import times_alpha
from teachgrad.ops.signs import _refuse_bool_subtraction
from teachgrad.tensor import Tensor


def _note_shapes(ctx: Node, a: Any, b: Any) -> None:
    """Keep both operands' shapes (shape_of, inlined: these ops are the commonest)."""
    if any(ctx.needs_input_grad):  # backward will run and sum the gradients to them
        ctx.shapes = (a._array.shape if isinstance(a, Tensor) else (),
                      b._array.shape if isinstance(b, Tensor) else ())


def _reduced(grad: Tensor, ctx: Node, index: int) -> Tensor | None:
    """The gradient for input `index`, summed to its shape, or None if not needed."""
    return sum_to_shape(grad, ctx.shapes[index]) if ctx.needs_input_grad[index] else None


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


def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    if type(alpha) is not int or alpha != 1:  # other * alpha, as torch computes it
        other = times_alpha(input, other, alpha)
    return Add.apply(input, other) if isinstance(input, Tensor) else Add.apply(other, input)


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    if type(alpha) is not int or alpha != 1:
        _refuse_bool_subtraction(input, other)  # before alpha turns a bool into a number
        other = times_alpha(input, other, alpha)
    return Sub.apply(input, other)


def mul(input: Any, other: Any) -> Tensor:
    return Mul.apply(input, other) if isinstance(input, Tensor) else Mul.apply(other, input)
