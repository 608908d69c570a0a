"""addmm: bias + input @ weight^T in one op, the affine map behind nn.Linear.

Fusing the add into the product saves one pass over the output, and gives the node
torch records for a linear layer (AddmmBackward0).
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.ops.broadcast import check_same_device, sum_to_shape
from teachgrad.ops.matmul_checks import _check_operands
from teachgrad.tensor import Tensor


class Addmm(Function):
    """bias + mat1 @ mat2 for matrices; bias broadcasts over the rows."""

    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx: Node, bias: Tensor, mat1: Tensor, mat2: Tensor) -> Any:
        _check_operands(mat1._array, mat2._array)
        check_same_device(mat1._array, bias._array)
        ctx.bias_shape = bias._array.shape
        _, needs_mat1, needs_mat2 = ctx.needs_input_grad
        ctx.save_for_backward(mat1 if needs_mat2 else None, mat2 if needs_mat1 else None)
        return mat1._array @ mat2._array + bias._array

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        mat1, mat2 = ctx.saved_tensors
        grad_bias = sum_to_shape(grad, ctx.bias_shape) if ctx.needs_input_grad[0] else None
        grad_mat1 = grad @ mat2.t() if ctx.needs_input_grad[1] else None
        grad_mat2 = mat1.t() @ grad if ctx.needs_input_grad[2] else None
        return grad_bias, grad_mat1, grad_mat2


def addmm(bias: Tensor, mat1: Tensor, mat2: Tensor) -> Tensor:
    return Addmm.apply(bias, mat1, mat2)
