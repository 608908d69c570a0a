"""teachgrad.linalg: the part of torch.linalg that teachgrad offers, vector norms and cross.

The ops themselves live in teachgrad/ops (VectorNorm in norms.py); this module only
gives them torch.linalg's names, so `torch.linalg.vector_norm(x)` runs unchanged.
"""

from __future__ import annotations

from typing import Any

from teachgrad.ops.cross import linalg_cross as cross
from teachgrad.ops.norms import vector_norm
from teachgrad.tensor import Tensor

__all__ = ["cross", "norm", "vector_norm"]


def norm(input: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:
    """linalg.norm for what is a vector norm: ord=None (the 2-norm of all entries, which
    is also a matrix's Frobenius norm), or a number over one dim (or a 1-D input).

    For a 2-D input with a numeric ord, torch computes a matrix norm (for ord=2 the
    largest singular value); teachgrad does not, and says so rather than answer wrongly.
    """
    one_dim = isinstance(dim, int) or (dim is None and input.dim() <= 1) or (
        isinstance(dim, (tuple, list)) and len(dim) == 1)
    if ord is None or (ord == "fro" and not one_dim):
        return vector_norm(input, 2, dim, keepdim, dtype=dtype)
    if not one_dim or isinstance(ord, str):
        raise NotImplementedError(
            f"linalg.norm(ord={ord!r}) over two dims is a matrix norm, which teachgrad does "
            "not compute. For the norm of all the entries use linalg.vector_norm(x, ord)."
        )
    return vector_norm(input, ord, dim, keepdim, dtype=dtype)
