"""Matrix products: matmul, the @ operator.

For C = A @ B, dL/dA = dC @ B^T and dL/dB = A^T @ dC: each input's gradient is the
upstream gradient times the other input, transposed so that the shapes fit.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.ops.broadcast import sum_to_shape
from teachgrad.ops.matmul_checks import _as_matrix_shape, _check_operands, _shaped
from teachgrad.ops.views import Transpose
from teachgrad.tensor import Tensor


class MatMul(Function):
    """Any matmul; subclasses only carry the node name torch gives each case."""

    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Tensor) -> Any:
        x, y = a._array, b._array
        _check_operands(x, y)
        needs_a, needs_b = ctx.needs_input_grad
        if needs_a or needs_b:  # only backward reads these
            ctx.save_for_backward(a if needs_b else None, b if needs_a else None)
            ctx.shapes = (x.shape, y.shape)
        return x @ y

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        shape_a, shape_b = ctx.shapes
        needs_a, needs_b = ctx.needs_input_grad
        if len(shape_a) == 2 and len(shape_b) == 2:
            # matrix @ matrix, the common case: nothing to reshape or sum back.
            return (MatMul.apply(grad, Transpose.apply(b, 0, 1)) if needs_a else None,
                    MatMul.apply(Transpose.apply(a, 0, 1), grad) if needs_b else None)
        if len(shape_a) == 1 and len(shape_b) == 1:
            # vector . vector is a number: d(a.b)/da = b and d(a.b)/db = a.
            return (grad * b if ctx.needs_input_grad[0] else None,
                    grad * a if ctx.needs_input_grad[1] else None)
        # Treat vectors as matrices (a row for the left operand, a column for the right),
        # so that one pair of formulas covers every case.
        if len(shape_a) == 1:
            grad = grad.unsqueeze(-2)
        if len(shape_b) == 1:
            grad = grad.unsqueeze(-1)
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            b_matrix = b if len(shape_b) > 1 else b.unsqueeze(-1)
            grad_a = grad @ b_matrix.transpose(-1, -2)
            grad_a = _shaped(sum_to_shape(grad_a, _as_matrix_shape(shape_a, left=True)), shape_a)
        if ctx.needs_input_grad[1]:
            a_matrix = a if len(shape_a) > 1 else a.unsqueeze(0)
            grad_b = a_matrix.transpose(-1, -2) @ grad
            grad_b = _shaped(sum_to_shape(grad_b, _as_matrix_shape(shape_b, left=False)), shape_b)
        return grad_a, grad_b


def matmul(input: Tensor, other: Tensor) -> Tensor:
    if input._array.ndim == 2 and other._array.ndim == 2:
        return MatMul.apply(input, other)
    # Other shapes run MatMul too, under the node name torch records for each.
    from teachgrad.ops.matrix_products import matmul_renamed  # it imports this module

    return matmul_renamed(input, other).apply(input, other)
