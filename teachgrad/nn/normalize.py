"""F.normalize: scale vectors to unit length (in the p-norm) along a dim.

x / max(||x||_p, eps): eps keeps a zero vector zero instead of 0/0. Composed as torch
composes it (norm, clamp, expand, divide), so its gradient and grad_fn (DivBackward0)
are torch's.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.grad_mode import no_grad
from teachgrad.tensor import Tensor


def normalize(input: Tensor, p: float = 2.0, dim: Any = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:
    """input / input.norm(p, dim, keepdim=True).clamp(min=eps)."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {dtypes.legacy_name(input.dtype)}: convert first, e.g. "
                           "x.float()")
    rank = max(input.dim(), 1)  # a 0-d tensor has one dim to name, as in torch
    for d in (dim,) if isinstance(dim, int) else tuple(dim):
        if not -rank <= d < rank:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-rank}, "
                             f"{rank - 1}], but got {d}): F.normalize's dim names the axis "
                             "that holds each vector.")
    denominator = input.norm(p, dim, keepdim=True).clamp(min=eps).expand_as(input)
    if out is None:
        return input / denominator
    if input.requires_grad or out.requires_grad:
        raise RuntimeError("div(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad. Call it "
                           "without out= (or under no_grad()).")
    with no_grad():
        out.copy_(input / denominator)
    return out


FUNCTIONS = {"normalize": normalize}
