"""Matrix products: matmul (the @ operator), and the node mm, bmm, mv and dot record
(those four, matmul with one shape each, are in matrix_products.py).

For C = A @ B, the gradient of the loss with respect to A is dC @ B^T and with
respect to B is A^T @ dC: each input's gradient is the upstream gradient multiplied
by the other input, transposed so that the shapes fit. Batched and broadcast cases
use the same two products and then sum over the batch dimensions broadcasting added.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.ops.broadcast import sum_to_shape
from teachgrad.ops.matmul_checks import _check_operands
from teachgrad.ops.renamed import renamed
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


Mv = renamed(MatMul, "MvBackward0")
Dot = renamed(MatMul, "DotBackward0")
VecMat = renamed(MatMul, "SqueezeBackward4")
BatchedMatMul = renamed(MatMul, "UnsafeViewBackward0")
# matrix @ batch: torch computes (batch^T @ matrix^T)^T and copies it contiguous
# when the matrix requires grad, so its node is the copy's.
BatchedMatMulTransposed = renamed(MatMul, "CloneBackward0")


def _shaped(grad: Tensor, shape: tuple) -> Tensor:
    # Only vectors need reshaping back; skipping a no-op reshape saves a graph node.
    return grad if grad._array.shape == shape else grad.reshape(shape)


def _as_matrix_shape(shape: tuple, left: bool) -> tuple:
    if len(shape) > 1:
        return shape
    return (1,) + shape if left else shape + (1,)


def matmul(input: Tensor, other: Tensor) -> Tensor:
    ndim_a, ndim_b = input._array.ndim, other._array.ndim
    if ndim_a == 2 and ndim_b == 2:
        return MatMul.apply(input, other)
    if ndim_a == 1 and ndim_b == 1:
        return Dot.apply(input, other)
    if ndim_a == 2 and ndim_b == 1:
        return Mv.apply(input, other)
    if ndim_a == 1 and ndim_b == 2:
        return VecMat.apply(input, other)
    if ndim_a == 2 and input._requires_grad:
        return BatchedMatMulTransposed.apply(input, other)
    return BatchedMatMul.apply(input, other)
