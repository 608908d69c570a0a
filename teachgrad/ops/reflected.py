"""A Python number on the left: number - tensor, number / tensor, reciprocal, rsub.

torch's graph holds edges to tensors only. `1 - b` records RsubBackward1 with one
entry in next_functions (b's), `b.reciprocal()` ReciprocalBackward0 with one, and
`2 / b` is computed as `b.reciprocal() * 2`: a MulBackward0 whose first edge leads to
the ReciprocalBackward0 and whose second (the number's) is (None, 0). The ops here
give the same graphs. (2 * b and 2 + b need nothing new: arithmetic.py records the
number second, as torch does; 2 ** b is powers.RPow.)
"""

from __future__ import annotations

import operator
from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.ops.broadcast import binary_arrays, broadcasting, shape_of, sum_to_shape
from teachgrad.ops.broadcast_shapes import times_alpha
from teachgrad.ops.signs import _refuse_bool_subtraction
from teachgrad.tensor import Tensor


class TensorOnlyFunction(Function):
    """A Function of one tensor and some Python numbers whose node has the tensor's edge
    only, as torch's nodes have: forward(ctx, x, *numbers), backward returns one grad."""

    @classmethod
    def apply(cls, x: Any, *numbers: Any) -> Any:
        result = super().apply(x, *numbers)
        node = result.grad_fn
        if node is not None and node._function is cls and numbers:
            node.next_functions = node.next_functions[:1]
            node.needs_input_grad = node.needs_input_grad[:1]
        return result


class NumberMinus(TensorOnlyFunction):
    """number - x (x.__rsub__, torch.rsub(x, number))."""

    node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx: Node, x: Tensor, number: Any) -> Any:
        _refuse_bool_subtraction(number, x)
        left, right = binary_arrays(number, x)
        return broadcasting(operator.sub, left, right)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        return -grad


class RsubTensors(Function):
    """torch.rsub(x, y) = y - x, with x's edge first."""

    node_name = "RsubBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, y: Tensor) -> Any:
        _refuse_bool_subtraction(y, x)
        ctx.shapes = (shape_of(x), shape_of(y))
        right, left = binary_arrays(x, y)
        return broadcasting(operator.sub, left, right)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        grad_x = sum_to_shape(-grad, ctx.shapes[0]) if ctx.needs_input_grad[0] else None
        grad_y = sum_to_shape(grad, ctx.shapes[1]) if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


def rsub(input: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """other - alpha * input (torch.rsub; x.__rsub__ is other - x)."""
    if type(alpha) is not int or alpha != 1:
        input = times_alpha(other, input, alpha)  # input * alpha, torch's checks of alpha
    if isinstance(other, Tensor):
        return RsubTensors.apply(input, other)
    return NumberMinus.apply(input, other)


class Reciprocal(Function):
    """1 / x; integers give the default float dtype. d/dx = -1/x^2 = -result^2."""

    node_name = "ReciprocalBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        array = x._array
        result = 1.0 / array
        if array.dtype.kind != "f":
            result = result.astype(dtypes.get_default_dtype().numpy_dtype)
        result = Tensor._make(result)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (result,) = ctx.saved_tensors
        return -grad * (result * result)
