"""The checks torch.linalg makes before factoring a matrix, with torch's messages.

Shared by linalg_more.py, linalg_factor.py and linalg_pinv.py: each op calls these
first, so that a bad input is refused before anything is computed or recorded.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachgrad.dtypes import legacy_name


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: the matrix is singular, or not positive-definite."""


def check_matrices(name: str, array: Any, square: bool = True) -> None:
    """At least 2-D, floating, and (for most ops) batches of square matrices."""
    if array.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if array.dtype.kind != "f":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {legacy_name(array.dtype)}")
    if array.dtype.itemsize < 4:  # LAPACK has no half-precision routines
        raise NotImplementedError(f"{name}: not implemented for '{legacy_name(array.dtype)}' "
                                  "(LAPACK works in float32 or float64: use x.float())")
    if square and array.shape[-1] != array.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{array.shape[-2]} by {array.shape[-1]} matrices")


def _batch_prefix(array: Any, index: int) -> str:
    return f"(Batch element {index}): " if array.ndim > 2 else ""


def _first_zero_pivot(xp: Any, matrix: Any) -> int:
    """The 1-based index of the first zero diagonal entry of U in A = PLU (partial
    pivoting, as LAPACK's getrf reports it), or 0 when there is none."""
    u = matrix.astype(matrix.dtype, copy=True)
    n = u.shape[-1]
    for k in range(n):
        row = k + int(xp.argmax(xp.abs(u[k:, k])))
        if u[row, k] == 0:
            return k + 1
        if row != k:
            u[[k, row]] = u[[row, k]]
        u[k + 1:, k:] -= xp.outer(u[k + 1:, k] / u[k, k], u[k, k:])
    return 0


def singular(name: str, xp: Any, array: Any) -> LinAlgError:
    """torch's LinAlgError for the first singular matrix of a batch, naming its zero pivot
    (found again here: NumPy's LAPACK call says only that there is one)."""
    matrices = array.reshape((-1,) + array.shape[-2:])
    for index in range(matrices.shape[0]):
        pivot = _first_zero_pivot(xp, matrices[index])
        if pivot:
            break
    else:  # not exactly singular, yet LAPACK gave up: name no pivot
        index, pivot = 0, "?"
    return LinAlgError(f"{name}: {_batch_prefix(array, index)}The diagonal element {pivot} is "
                       "zero, the inversion could not be completed because the input matrix "
                       "is singular.")


def checked_inv(name: str, xp: Any, array: Any) -> Any:
    """xp.linalg.inv, with LAPACK's singular-matrix error turned into torch's."""
    if array.size == 0:  # LAPACK refuses empty matrices; their inverse is empty
        return array.copy()
    try:
        inverse = xp.linalg.inv(array)
    except np.linalg.LinAlgError:
        raise singular(name, xp, array) from None
    if xp is not np and not bool(xp.isfinite(inverse).all()):  # CuPy does not raise
        raise singular(name, xp, array)
    return inverse


def singular_in_solve(xp: Any, array: Any) -> LinAlgError:
    matrices = array.reshape((-1,) + array.shape[-2:])
    index = next((i for i in range(matrices.shape[0]) if _first_zero_pivot(xp, matrices[i])), 0)
    return LinAlgError(f"torch.linalg.solve: {_batch_prefix(array, index)}The solver failed "
                       "because the input matrix is singular.")


def not_positive_definite(xp: Any, array: Any) -> LinAlgError:
    """torch's error naming the first matrix of the batch, and its first leading minor,
    that is not positive-definite (looked for only once the factorization failed)."""
    matrices = array.reshape((-1,) + array.shape[-2:])
    for index in range(matrices.shape[0]):
        for order in range(1, array.shape[-1] + 1):
            if not _factors(xp, matrices[index, :order, :order]):
                return LinAlgError(
                    f"linalg.cholesky: {_batch_prefix(array, index)}The factorization could "
                    "not be completed because the input is not positive-definite (the "
                    f"leading minor of order {order} is not positive-definite).")
    return LinAlgError("linalg.cholesky: The factorization could not be completed because "
                       "the input is not positive-definite.")


def _factors(xp: Any, matrix: Any) -> bool:
    try:
        lower = xp.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        return False
    return xp is np or bool(xp.isfinite(lower).all())
