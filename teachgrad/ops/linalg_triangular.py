"""linalg.solve_triangular: X with TX = B (or XT = B) for a triangular T, by substitution.

Only T's triangle is read (and not its diagonal when unitriangular=True, which takes it
as ones). A zero on the diagonal is not an error, as in torch: the division gives
inf or nan. For X = T^-1 B: dL/dB = T^-T g (a triangular solve with the transposed
triangle) and dL/dT = -(dL/dB) X^T, kept on T's triangle, the entries T depends on.
The result has A's dtype (B is converted), as torch gives it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.dtypes import legacy_name
from teachgrad.ops.broadcast import sum_to_shape
from teachgrad.ops.linalg_checks import check_matrices
from teachgrad.tensor import Tensor


def _t(x: Tensor) -> Tensor:
    return x.transpose(-1, -2)


def _substitute(t: Any, b: Any, upper: bool, unit: bool) -> Any:
    """Forward (lower) or back (upper) substitution, one row of X per step, every
    matrix of the batch and every column of B at once."""
    xp = array_module(t)
    x = xp.zeros(b.shape, dtype=b.dtype)
    n = t.shape[-1]
    for i in (range(n - 1, -1, -1) if upper else range(n)):
        known = slice(i + 1, n) if upper else slice(0, i)
        row = b[..., i, :] - (t[..., i:i + 1, known] @ x[..., known, :])[..., 0, :]
        x[..., i, :] = row if unit else row / t[..., i, i][..., None]
    return x


class SolveTriangular(Function):
    """X = T^-1 B (left) or B T^-1 (right) for B a batch of matrices, T triangular.

    Left: dL/dB = T^-T g, dL/dT = -(dL/dB) X^T. Right: dL/dB = g T^-T, dL/dT = -X^T dL/dB.
    T^T is triangular on the other side, so both are triangular solves again."""

    node_name = "LinalgSolveTriangularBackward0"

    @staticmethod
    def forward(ctx: Node, t: Tensor, b: Tensor, upper: bool, unit: bool, left: bool) -> Any:
        xp = array_module(t._array)
        batch = np.broadcast_shapes(t._array.shape[:-2], b._array.shape[:-2])
        ctx.save_for_backward(t, b)
        ctx.upper, ctx.unit, ctx.left = upper, unit, left
        matrix_t = xp.broadcast_to(t._array, batch + t._array.shape[-2:])
        matrix_b = xp.broadcast_to(b._array, batch + b._array.shape[-2:])
        if left:
            return _substitute(matrix_t, matrix_b, upper, unit)
        # XT = B is T^T X^T = B^T, with T^T triangular on the other side.
        flipped = _substitute(xp.swapaxes(matrix_t, -1, -2), xp.swapaxes(matrix_b, -1, -2),
                              not upper, unit)
        return xp.ascontiguousarray(xp.swapaxes(flipped, -1, -2))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        t, b = ctx.saved_tensors
        needs_t, needs_b = ctx.needs_input_grad[:2]
        upper, unit, left = ctx.upper, ctx.unit, ctx.left
        grad_b = SolveTriangular.apply(_t(t), grad, not upper, unit, left)
        grad_t = None
        if needs_t:
            x = SolveTriangular.apply(t, b, upper, unit, left)
            grad_t = -(grad_b @ _t(x)) if left else -(_t(x) @ grad_b)
            offset = 1 if unit else 0  # a unit diagonal is not read: no gradient there
            grad_t = sum_to_shape(grad_t.triu(offset) if upper else grad_t.tril(-offset),
                                  t.shape)
        return (grad_t, sum_to_shape(grad_b, b.shape) if needs_b else None, None, None, None)


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True,  # noqa: N803
                     unitriangular: bool = False) -> Tensor:
    """linalg.solve_triangular: X with AX = B (XA = B for left=False), A triangular
    (upper or lower, as `upper` says); B at least 2-D; batches broadcast."""
    name = "linalg.solve_triangular"
    if A._array.dtype.kind in "iub":
        raise NotImplementedError(f"\"triangular_solve_cpu\" not implemented for "
                                  f"'{legacy_name(A._array.dtype)}'")
    check_matrices(name, A._array)
    if B._array.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    rows = B.shape[-2] if left else B.shape[-1]
    if rows != A.shape[-1]:
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({A.shape[-2]}x{A.shape[-1]} and "
                           f"{B.shape[-2]}x{B.shape[-1]})")
    B = B.to(A.dtype)  # noqa: N806 - torch's name; torch answers in A's dtype
    return SolveTriangular.apply(A, B, upper, unitriangular, left)
