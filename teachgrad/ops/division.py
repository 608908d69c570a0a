"""Division: a / b (torch.div, true division) and reciprocal, 1 / x.

Off the reading path, beside arithmetic.py's + - *: the same pattern, with the dtype
rule that integers divide into floats. Rounded division (div(rounding_mode=...)) is in
rounding.py; a number divided by a tensor is reciprocal times the number, as in torch.
"""

from __future__ import annotations

import operator
from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.ops.arithmetic import _note_shapes, mul
from teachgrad.ops.broadcast import binary_arrays, broadcasting, sum_to_shape
from teachgrad.ops.broadcast_shapes import float_operands
from teachgrad.ops.reflected import Reciprocal
from teachgrad.ops.rounding import DivRounded
from teachgrad.tensor import Tensor


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


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """input / other; rounding_mode "floor" or "trunc" rounds the quotient (no gradient)."""
    if rounding_mode is not None:
        return DivRounded.apply(input, other, rounding_mode)
    if not isinstance(input, Tensor):
        return mul(reciprocal(other), input)  # number / x: as torch computes it
    return Div.apply(input, other)


def reciprocal(input: Tensor) -> Tensor:
    return Reciprocal.apply(input)
