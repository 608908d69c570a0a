"""The pseudoinverse (linalg.pinv, torch.pinverse) and the matrix norms (linalg.matrix_norm).

pinv inverts the singular values above a tolerance and zeroes the rest. Its gradient
is that of a matrix of constant rank (Golub and Pereyra): from
dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P, the adjoint is
dL/dA = -P^T g P^T + (I - A P) g^T P P^T + P^T P g^T (I - P A).

The matrix norms are compositions of recorded ops (vector_norm, svdvals, sums, amax),
so their gradients come from the parts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.dtypes import legacy_name
from teachgrad.ops.linalg_checks import check_matrices
from teachgrad.ops.linalg_factor import svdvals
from teachgrad.tensor import Tensor


def _t(x: Tensor) -> Tensor:
    return x.transpose(-1, -2)


def _tolerance_array(value: Any) -> Any:
    return value._array if isinstance(value, Tensor) else value


class Pinv(Function):
    """P = V diag(1/s where s > max(atol, rtol * s_max), else 0) U^T."""

    node_name = "LinalgPinvBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, atol: Any, rtol: Any, hermitian: bool = False) -> Any:
        array = a._array
        xp = array_module(array)
        ctx.save_for_backward(a)
        ctx.atol, ctx.rtol, ctx.hermitian = atol, rtol, hermitian
        if hermitian:  # torch reads the lower triangle only (its backward reads all of A)
            lower = xp.tril(array)
            array = lower + xp.swapaxes(xp.tril(array, -1), -1, -2)
        m, n = array.shape[-2], array.shape[-1]
        if array.size == 0:
            return xp.zeros(array.shape[:-2] + (n, m), array.dtype)
        u, s, vh = xp.linalg.svd(array, full_matrices=False)
        largest = s[..., :1]
        tolerance = xp.maximum(xp.asarray(atol, dtype=s.dtype)[..., None],
                               xp.asarray(rtol, dtype=s.dtype)[..., None] * largest)
        kept = s > tolerance
        inverse_s = xp.where(kept, 1 / xp.where(kept, s, 1), 0).astype(s.dtype)
        return (xp.swapaxes(vh, -1, -2) * inverse_s[..., None, :]) @ xp.swapaxes(u, -1, -2)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        import teachgrad

        (a,) = ctx.saved_tensors
        p = Pinv.apply(a, ctx.atol, ctx.rtol, ctx.hermitian)
        m, n = a.shape[-2], a.shape[-1]
        eye_m = teachgrad.eye(m, dtype=a.dtype, device=a.device)
        eye_n = teachgrad.eye(n, dtype=a.dtype, device=a.device)
        p_t, grad_t = _t(p), _t(grad)
        grad_a = -(p_t @ grad @ p_t)
        grad_a = grad_a + (eye_m - a @ p) @ grad_t @ (p @ p_t)
        grad_a = grad_a + (p_t @ p) @ grad_t @ (eye_n - p @ a)
        return grad_a, None, None, None


def pinv(A: Tensor, *, atol: Any = None, rtol: Any = None, hermitian: bool = False  # noqa: N803 - torch's keyword names
         ) -> Tensor:
    """linalg.pinv: the Moore-Penrose pseudoinverse; singular values at or below
    max(atol, rtol * largest) count as zero (rtol defaults to eps * max(m, n), or to 0
    when only atol > 0 is given). hermitian=True reads A's lower triangle only."""
    array = A._array
    if array.ndim < 2 or array.dtype.kind != "f":
        described = f"{legacy_name(array.dtype)}{{{list(array.shape)}}}"
        raise RuntimeError(f"linalg.pinv({described}): expected a tensor with 2 or more "
                           "dimensions of float, double, cfloat or cdouble types")
    check_matrices("linalg.eigh" if hermitian else "linalg.pinv", array, square=hermitian)
    atol, rtol = _tolerances(array, atol, rtol)
    return Pinv.apply(A, atol, rtol, hermitian)


def _tolerances(array: Any, atol: Any, rtol: Any) -> tuple[Any, Any]:
    """torch's defaults: rtol = eps * max(m, n), or 0 when only atol > 0 is given."""
    if rtol is None:
        given_atol = atol is not None and bool(np.any(np.asarray(
            atol.detach().cpu().numpy() if isinstance(atol, Tensor) else atol) > 0))
        rtol = 0.0 if given_atol else float(np.finfo(array.dtype).eps) * max(array.shape[-2:])
    return _tolerance_array(0.0 if atol is None else atol), _tolerance_array(rtol)


def matrix_rank(A: Tensor, *, atol: Any = None, rtol: Any = None,  # noqa: N803 - torch's
                hermitian: bool = False) -> Tensor:
    """linalg.matrix_rank: how many singular values (|eigenvalues| for hermitian=True) are
    above max(atol, rtol * largest), with pinv's defaults; int64, no gradient."""
    array = A._array
    if array.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at "
                           "least 2 dimensions.")
    if array.dtype.kind != "f":
        raise RuntimeError("This function doesn't handle types other than float and double")
    check_matrices("linalg.eigh" if hermitian else "linalg.svd", array, square=hermitian)
    xp = array_module(array)
    atol, rtol = _tolerances(array, atol, rtol)
    if array.size == 0:
        return Tensor._make(xp.zeros(array.shape[:-2], dtype=np.int64))
    if hermitian:
        values = xp.abs(xp.linalg.eigh(array)[0])
    else:
        values = xp.linalg.svd(array, compute_uv=False)
    tolerance = xp.maximum(xp.asarray(atol, dtype=values.dtype)[..., None],
                           xp.asarray(rtol, dtype=values.dtype)[..., None]
                           * values.max(axis=-1, keepdims=True))
    return Tensor._make((values > tolerance).sum(axis=-1).astype(np.int64))


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """torch.pinverse: pinv with singular values <= rcond * largest taken as zero."""
    return pinv(input, rtol=rcond)


_MATRIX_ORDERS = ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


def matrix_norm(A: Tensor, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False, *,  # noqa: N803 - torch's keyword names
                dtype: Any = None) -> Tensor:
    """linalg.matrix_norm over the two dims `dim`: 'fro', 'nuc' (sum of singular values),
    +-2 (largest / smallest singular value), +-1 (max / min column abs-sum), +-inf (rows)."""
    from teachgrad.ops.norms import vector_norm

    array = A._array
    if array.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    if not any(ord == known and type(ord) is not bool for known in _MATRIX_ORDERS):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    check_matrices("linalg.matrix_norm", array, square=False)  # dtype= does not admit ints
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got "
                           f"{' '.join(str(d) for d in dim)}")
    rows, columns = (d % array.ndim for d in dim)
    if rows == columns:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, "
                           f"{dim[1]})")
    x = A if dtype is None else A.to(dtype)
    if ord == "fro":
        return vector_norm(x, 2, (rows, columns), keepdim)
    if ord in ("nuc", 2, -2):
        values = svdvals(x.movedim((rows, columns), (-2, -1)))
        result = values.sum(-1) if ord == "nuc" else (
            values.amax(-1) if ord == 2 else values.amin(-1))
        if keepdim:
            for axis in sorted((rows, columns)):
                result = result.unsqueeze(axis)
        return result
    summed, picked = (rows, columns) if abs(ord) == 1 else (columns, rows)
    sums = x.abs().sum(dim=summed, keepdim=True)
    result = sums.amax(dim=picked, keepdim=True) if ord > 0 else sums.amin(dim=picked,
                                                                          keepdim=True)
    return result if keepdim else result.squeeze((rows, columns))


FUNCTIONS: dict[str, Callable] = {"pinverse": pinverse}
