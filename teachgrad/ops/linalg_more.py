"""Square-matrix functions: det, inverse, slogdet, logdet, matrix_power, linalg.solve.

Each works on batches (..., n, n) as torch does, with the LAPACK routines of the
inputs' array module (NumPy or CuPy). The backward formulas all come from one fact:
d(A^-1) = -A^-1 dA A^-1. From it, d det(A) = det(A) tr(A^-1 dA), so the gradient of
det is g det(A) A^-T; that of log|det A| is g A^-T; that of A^-1 is -A^-T g A^-T; and
for X = A^-1 B, dL/dB = A^-T g and dL/dA = -(dL/dB) X^T.

The factorizations (cholesky, svd, eigh, qr) live in linalg_factor.py, pinv and the
matrix norms in linalg_pinv.py; this module registers them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.dtypes import legacy_name
from teachgrad.ops.broadcast import sum_to_shape
from teachgrad.ops.linalg_checks import check_matrices, checked_inv, singular_in_solve
from teachgrad.ops.return_types import return_type
from teachgrad.tensor import Tensor

SlogdetResult = return_type("linalg_slogdet", ["sign", "logabsdet"])
SlogdetTorchResult = return_type("slogdet", ["sign", "logabsdet"])


def _matrix_transpose(x: Tensor) -> Tensor:
    return x.transpose(-1, -2)


def _with_matrix_dims(batch_values: Tensor) -> Tensor:
    """(...,) -> (..., 1, 1): a number per matrix, to scale each matrix of a batch."""
    return batch_values.unsqueeze(-1).unsqueeze(-1)


class Det(Function):
    """det(A) for each matrix; d det = det * tr(A^-1 dA), so grad = g det A^-T."""

    node_name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor) -> Any:
        check_matrices("linalg.det", a._array)
        ctx.save_for_backward(a)
        return array_module(a._array).linalg.det(a._array)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (a,) = ctx.saved_tensors
        det = _with_matrix_dims(Det.apply(a))
        # A singular matrix (det exactly 0) gets gradient 0, as in torch: its inverse is
        # taken of I instead, and multiplied by det = 0.
        singular = det == 0
        if bool(singular.any()):
            eye = Tensor._make(array_module(a._array).eye(a.shape[-1], dtype=a._array.dtype))
            a = a.masked_fill(singular, 0) + eye * singular
        return _with_matrix_dims(grad) * det * _matrix_transpose(Inverse.apply(a, "linalg.det"))


class Inverse(Function):
    """A^-1 for each matrix; d(A^-1) = -A^-1 dA A^-1, so grad = -A^-T g A^-T."""

    node_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, name: str = "linalg.inv") -> Any:
        check_matrices(name, a._array)
        ctx.save_for_backward(a)
        return checked_inv(name, array_module(a._array), a._array)

    @staticmethod
    def backward(ctx: Node, grad: Tensor, *unused: Any) -> tuple:
        (a,) = ctx.saved_tensors
        inverse_t = _matrix_transpose(Inverse.apply(a))
        return (-(inverse_t @ grad @ inverse_t), *(None,) * (len(ctx.needs_input_grad) - 1))


class Slogdet(Function):
    """(sign(det A), log|det A|); only the log has a nonzero gradient: g A^-T."""

    node_name = "LinalgSlogdetBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, name: str = "linalg.slogdet") -> Any:
        check_matrices(name, a._array)
        ctx.save_for_backward(a)
        ctx.set_materialize_grads(False)  # sign alone used: no gradient at all, as torch
        sign, logabsdet = array_module(a._array).linalg.slogdet(a._array)
        # torch records the sign as an output too (requires_grad), whose gradient is 0.
        return (sign.astype(a._array.dtype, copy=False),
                logabsdet.astype(a._array.dtype, copy=False))

    @staticmethod
    def backward(ctx: Node, grad_sign: Tensor, grad_log: Tensor, *unused: Any) -> tuple:
        (a,) = ctx.saved_tensors
        grad = None if grad_log is None else (
            _with_matrix_dims(grad_log) * _matrix_transpose(Inverse.apply(a)))
        return (grad, *(None,) * (len(ctx.needs_input_grad) - 1))


class Solve(Function):
    """X = A^-1 B for matrices B (batches broadcast): dL/dB = A^-T g, dL/dA = -dL/dB X^T."""

    node_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Tensor) -> Any:
        xp = array_module(a._array)
        batch = np.broadcast_shapes(a._array.shape[:-2], b._array.shape[:-2])
        ctx.save_for_backward(a, b)
        matrix_a = xp.broadcast_to(a._array, batch + a._array.shape[-2:])
        matrix_b = xp.broadcast_to(b._array, batch + b._array.shape[-2:])
        if matrix_a.size == 0 or matrix_b.size == 0:
            return xp.zeros(matrix_b.shape, matrix_b.dtype)
        try:
            solution = xp.linalg.solve(matrix_a, matrix_b)
        except np.linalg.LinAlgError:
            solution = None
        if solution is None or (xp is not np and not bool(xp.isfinite(solution).all())):
            raise singular_in_solve(xp, matrix_a)
        return solution

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        needs_a, needs_b = ctx.needs_input_grad
        grad_b = Solve.apply(_matrix_transpose(a), grad)  # A^-T g, at the broadcast shape
        grad_a = -(grad_b @ _matrix_transpose(Solve.apply(a, b))) if needs_a else None
        return (sum_to_shape(grad_a, a.shape) if needs_a else None,
                sum_to_shape(grad_b, b.shape) if needs_b else None)


def det(input: Tensor) -> Tensor:
    """torch.det / linalg.det: the determinant of each (..., n, n) matrix."""
    return Det.apply(input)


def inverse(input: Tensor) -> Tensor:
    """torch.inverse / linalg.inv: A^-1; a singular matrix raises linalg.LinAlgError."""
    return Inverse.apply(input)


def linalg_slogdet(A: Tensor) -> Any:  # noqa: N803 - torch's keyword names
    """linalg.slogdet: (sign, logabsdet), with det(A) = sign * exp(logabsdet)."""
    return SlogdetResult(*Slogdet.apply(A))


def slogdet(input: Tensor) -> Any:
    """torch.slogdet: linalg.slogdet under torch.return_types.slogdet."""
    return SlogdetTorchResult(*Slogdet.apply(input))


def logdet(input: Tensor) -> Tensor:
    """log(det A): nan where det A < 0 (and -inf where it is 0), as torch."""
    import teachgrad

    sign, logabsdet = Slogdet.apply(input, "logdet")
    return teachgrad.where(sign < 0, float("nan"), logabsdet)


def matrix_power(input: Tensor, n: int) -> Tensor:
    """A^n by repeated squaring of recorded matmuls (A^-1 first for n < 0); A^0 = I."""
    array = input._array
    if array.ndim < 2:
        raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 "
                           "dimensions.")
    if array.shape[-1] != array.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but "
                           f"they are {array.shape[-2]} by {array.shape[-1]} matrices")
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"matrix_power(): argument 'n' (position 2) must be int, not "
                        f"{type(n).__name__}")
    if n == 0:  # the identity, recorded as a function of A (its gradient is zero)
        xp = array_module(array)
        eye = xp.broadcast_to(xp.eye(array.shape[-1], dtype=array.dtype), array.shape)
        return input * 0 + Tensor._make(xp.ascontiguousarray(eye))
    base = inverse(input) if n < 0 else input
    result, power, exponent = None, base, abs(n)
    while exponent:
        if exponent & 1:
            result = power if result is None else result @ power
        exponent >>= 1
        if exponent:
            power = power @ power
    return result.clone() if result is input else result


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:  # noqa: N803 - torch's keyword names
    """linalg.solve: X with AX = B (XA = B for left=False); B may be a (batch of) vector."""
    a, b = A._array, B._array
    check_matrices("linalg.solve", a)
    if a.dtype != b.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found "
                           f"A of type {legacy_name(a.dtype)} and B of type "
                           f"{legacy_name(b.dtype)} instead")
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    matrix_b = B.unsqueeze(-1) if vector else B
    rows = a.shape[-2] if left else a.shape[-1]
    columns = matrix_b.shape[-2] if left else matrix_b.shape[-1]
    if rows != columns:
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{equation} ({a.shape[-2]}x{a.shape[-1]} and "
                           f"{matrix_b.shape[-2]}x{matrix_b.shape[-1]})")
    if left:
        solution = Solve.apply(A, matrix_b)
    else:  # XA = B is A^T X^T = B^T
        solution = _matrix_transpose(Solve.apply(_matrix_transpose(A),
                                                 _matrix_transpose(matrix_b)))
    return solution.squeeze(-1) if vector else solution


def multi_dot(tensors: Any) -> Tensor:
    """linalg.multi_dot: the product of a chain of matrices, the first may be a row
    vector and the last a column vector (1-D), as recorded matmuls, left to right."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for index, (tensor, where) in enumerate(zip(tensors, ("first",) + ("",) * (
            len(tensors) - 2) + ("last",))):
        ndim = tensor.dim()
        if where and ndim not in (1, 2):
            raise RuntimeError(f"multi_dot(): the {where} tensor must be 1D or 2D but got "
                               f"{ndim}D")
        if not where and ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {index} must be 2D but got {ndim}D")
        if tensor.dtype != tensors[0].dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but "
                               f"tensor 0 is {legacy_name(tensors[0].dtype).lower()} and "
                               f"tensor {index} {legacy_name(tensor.dtype).lower()}")
    for index in range(len(tensors) - 1):
        left, right = tensors[index], tensors[index + 1]
        if left.shape[-1] != right.shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {index} and {index + 1} with shapes "
                               f"{list(left.shape)} and {list(right.shape)} cannot be "
                               "multiplied")
    result = tensors[0]
    for tensor in tensors[1:]:
        result = result @ tensor
    return result


def _register() -> tuple[dict[str, Callable], dict[str, Callable]]:
    from teachgrad.ops import linalg_factor, linalg_pinv

    functions = {"det": det, "inverse": inverse, "slogdet": slogdet, "logdet": logdet,
                 "matrix_power": matrix_power}
    for module in (linalg_factor, linalg_pinv):
        functions.update(module.FUNCTIONS)
    methods = {name: function for name, function in functions.items()
               if name in _TORCH_TENSOR_METHODS}
    return functions, methods


# Names torch.Tensor has as methods (checked in the tests with hasattr(torch.Tensor, name)).
_TORCH_TENSOR_METHODS = ("det", "inverse", "slogdet", "logdet", "matrix_power", "cholesky",
                         "svd", "pinverse", "qr")

# torch.<name> functions this module adds, and the Tensor methods (x.<name>(...)).
FUNCTIONS: dict[str, Callable]
TENSOR_METHODS: dict[str, Callable]
FUNCTIONS, TENSOR_METHODS = _register()
