"""teachgrad.linalg: the part of torch.linalg that teachgrad offers: norms, cross, and the
square-matrix functions and factorizations (det, inv, solve, cholesky, svd, eigh, qr, pinv,
solve_triangular).

The ops themselves live in teachgrad/ops (VectorNorm in norms.py, the matrix functions in
linalg_more.py, linalg_factor.py, linalg_pinv.py and linalg_triangular.py); this module
only gives them torch.linalg's names, so `torch.linalg.vector_norm(x)` runs unchanged.
"""

from __future__ import annotations

from typing import Any

from teachgrad.ops.cross import linalg_cross as cross
from teachgrad.ops.linalg_checks import LinAlgError
from teachgrad.ops.linalg_factor import eigh, eigvalsh, svdvals
from teachgrad.ops.linalg_factor import linalg_cholesky as cholesky
from teachgrad.ops.linalg_factor import linalg_qr as qr
from teachgrad.ops.linalg_factor import linalg_svd as svd
from teachgrad.ops.linalg_more import det, matrix_power, multi_dot, solve
from teachgrad.ops.linalg_more import inverse as inv
from teachgrad.ops.linalg_more import linalg_slogdet as slogdet
from teachgrad.ops.linalg_pinv import matrix_norm, matrix_rank, pinv
from teachgrad.ops.linalg_triangular import solve_triangular
from teachgrad.ops.norms import vector_norm
from teachgrad.tensor import Tensor

__all__ = ["LinAlgError", "cholesky", "cross", "det", "eigh", "eigvalsh", "inv",
           "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr",
           "slogdet", "solve", "solve_triangular", "svd", "svdvals", "vector_norm"]


def norm(input: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:
    """linalg.norm: ord=None is the 2-norm of all entries (also a matrix's Frobenius
    norm); over one dim (or of a 1-D input) a vector norm; over two dims (or of a 2-D
    input, dim=None) with an ord given, the matrix norm linalg.matrix_norm computes.
    """
    if ord is None:
        return vector_norm(input, 2, dim, keepdim, dtype=dtype)
    if dim is None and input.dim() not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must "
                           f"be 1D or 2D. Got {input.dim()}D.")
    two_dims = (dim is None and input.dim() == 2) or (
        isinstance(dim, (tuple, list)) and len(dim) == 2)
    if two_dims:
        return matrix_norm(input, ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim}")
    return vector_norm(input, ord, dim, keepdim, dtype=dtype)
