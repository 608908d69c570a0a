"""addmm: bias + input @ weight^T in one op, the affine map behind nn.Linear.

Fusing the add into the product saves one pass over the output, and gives the node
torch records for a linear layer (AddmmBackward0).
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.dtypes import legacy_name
from teachgrad.ops.broadcast import check_same_device, sum_to_shape
from teachgrad.ops.matmul_checks import _check_operands
from teachgrad.tensor import Tensor


class Addmm(Function):
    """beta * bias + alpha * (mat1 @ mat2) for matrices; bias broadcasts to the result."""

    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx: Node, bias: Tensor, mat1: Tensor, mat2: Tensor, beta: Any = 1,
                alpha: Any = 1) -> Any:
        _check_operands(mat1._array, mat2._array)
        check_same_device(mat1._array, bias._array)
        _check_bias(bias._array, mat1._array, mat2._array)
        ctx.bias_shape, ctx.beta, ctx.alpha = bias._array.shape, beta, alpha
        _, needs_mat1, needs_mat2 = ctx.needs_input_grad[:3]
        ctx.save_for_backward(mat1 if needs_mat2 else None, mat2 if needs_mat1 else None)
        product = mat1._array @ mat2._array
        if alpha != 1:
            product = _scaled(product, alpha)
        if beta == 0:  # torch ignores bias then, NaN and inf included
            return product
        return product + (bias._array if beta == 1 else _scaled(bias._array, beta))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        mat1, mat2 = ctx.saved_tensors
        beta, alpha = ctx.beta, ctx.alpha
        needs_bias, needs_mat1, needs_mat2 = ctx.needs_input_grad[:3]
        grad_bias = sum_to_shape(grad if beta == 1 else grad * beta, ctx.bias_shape) \
            if needs_bias else None
        scaled = grad if alpha == 1 else grad * alpha
        grad_mat1 = scaled @ mat2.t() if needs_mat1 else None
        grad_mat2 = mat1.t() @ scaled if needs_mat2 else None
        extra = (None,) * (len(ctx.needs_input_grad) - 3)  # beta and alpha, when given
        return (grad_bias, grad_mat1, grad_mat2, *extra)


def _scaled(array: Any, factor: Any) -> Any:
    """array * factor in array's dtype (torch truncates a float factor for integers)."""
    if array.dtype.kind in "iu" and isinstance(factor, float):
        factor = int(factor)
    return (array * factor).astype(array.dtype, copy=False)


def _check_bias(bias: Any, mat1: Any, mat2: Any) -> None:
    """torch's errors for a bias of another dtype, or one that does not broadcast."""
    if bias.dtype is mat2.dtype and bias.shape == mat2.shape[1:]:
        return  # nn.Linear's bias, checked on every forward: nothing more to look at
    if bias.dtype != mat2.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{legacy_name(bias.dtype)} and {legacy_name(mat2.dtype)}")
    target = [mat1.shape[0], mat2.shape[1]]
    if bias.ndim > 2:
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(bias.shape)}}}, size={target}): "
                           "the number of sizes provided (2) must be greater or equal to the "
                           f"number of dimensions in the tensor ({bias.ndim})")
    for index in range(1, bias.ndim + 1):
        size = bias.shape[-index]
        if size != 1 and size != target[-index]:
            raise RuntimeError(
                f"The expanded size of the tensor ({target[-index]}) must match the existing "
                f"size ({size}) at non-singleton dimension {2 - index}.  Target sizes: "
                f"{target}.  Tensor sizes: {list(bias.shape)}")


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1
          ) -> Tensor:
    """torch.addmm: beta * input + alpha * (mat1 @ mat2), one node (AddmmBackward0)."""
    for name, matrix in (("mat1", mat1), ("mat2", mat2)):
        if matrix._array.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {matrix._array.ndim}-D tensor")
    if beta == 1 and alpha == 1:
        return Addmm.apply(input, mat1, mat2)
    return Addmm.apply(input, mat1, mat2, beta, alpha)
