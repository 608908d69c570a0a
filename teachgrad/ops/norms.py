"""Vector norms: teachgrad.linalg.vector_norm, and teachgrad.norm / x.norm().

The p-norm (sum |x|^p)^(1/p) over some dims; its backward is written per p, with
torch's choices where the derivative is undefined (a zero norm, tied maxima).
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.reductions import _axes, _expand_back
from teachgrad.tensor import Tensor


class VectorNorm(Function):
    """(sum |x|^p)^(1/p) over some dims: p=2 the length, p=1 the sum of |x|, p=inf the
    largest |x|, p=0 the count of nonzero entries.

    At a zero norm the gradient is 0 (not 0/0), as torch defines it; for p=inf, tied
    largest entries share the gradient evenly.
    """

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, p: float, dim: Any, keepdim: bool) -> Any:
        array = x._array
        if array.dtype.kind != "f":
            raise RuntimeError(
                "linalg.vector_norm: Expected a floating point or complex tensor as input. "
                f"Got {dtypes.legacy_name(x.dtype)}. Convert first, e.g. x.float()."
            )
        xp = array_module(array)
        axes = _axes(dim, array.ndim)
        if axes == ():
            axes = None
        if (p < 0 or p == float("inf")) and array.size == 0:
            _refuse_empty(array.shape, p, dim if axes is not None else None)
        ctx.p, ctx.axes, ctx.keepdim = p, axes, keepdim
        magnitude = xp.abs(array)
        if p == float("inf"):
            norm = magnitude.max(axis=axes, keepdims=keepdim)
        elif p == float("-inf"):
            norm = magnitude.min(axis=axes, keepdims=keepdim)
        elif p == 0:
            norm = (array != 0).sum(axis=axes, keepdims=keepdim).astype(array.dtype)
        elif p == 1:
            norm = magnitude.sum(axis=axes, keepdims=keepdim)
        elif p == 2:
            norm = xp.sqrt((array * array).sum(axis=axes, keepdims=keepdim))
        else:
            norm = (magnitude ** p).sum(axis=axes, keepdims=keepdim) ** (1.0 / p)
        result = Tensor._make(xp.asarray(norm, dtype=array.dtype))
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        from teachgrad.ops.where import where

        x, result = ctx.saved_tensors
        p = ctx.p
        if p == 0:
            return None, None, None, None  # a count: torch defines no gradient
        spread = _expand_back(grad, x.shape, ctx.axes, ctx.keepdim)
        norm = _expand_back(result, x.shape, ctx.axes, ctx.keepdim)
        if p == 1:
            return x.sign() * spread, None, None, None
        if p in (float("inf"), float("-inf")):
            magnitude = x.abs()
            winners = (magnitude == norm) | magnitude.isnan()
            count = winners.sum(ctx.axes, keepdim=True) if ctx.axes is not None \
                else winners.sum()
            return x.sign() * (spread / count) * winners, None, None, None
        zero_norm = norm == 0
        if p == 2:
            return x * where(zero_norm, 0.0, spread / norm), None, None, None
        if p < 1:
            scaled = x.sign() * where(x == 0, 0.0, x.abs() ** (p - 1))
            return scaled * spread * norm ** (1 - p), None, None, None
        scale = where(zero_norm, 0.0, spread / norm ** (p - 1))
        if p < 2:
            return x.sign() * x.abs() ** (p - 1) * scale, None, None, None
        return x * x.abs() ** (p - 2) * scale, None, None, None


def _refuse_empty(shape: tuple, p: float, dim: Any) -> None:
    """The inf norm is a max and a negative p one sums 1/|x|^|p|: over no element, neither
    has a value (no identity), so torch refuses the empty dims they would reduce."""
    for item in (dim if isinstance(dim, (tuple, list)) else (dim,)):
        if item is None or shape[item] == 0:
            where = "an empty tensor" if item is None else f"the dimension {item}"
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the {p:g} norm on {where} because "
                f"{'this dimension is empty and ' if item is not None else ''}the operation "
                "does not have an identity. Use p=2 (or any p >= 0), or leave the empty "
                "dim out."
            )


def vector_norm(x: Tensor, ord: Any = 2, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """teachgrad.linalg.vector_norm: the p-norm (p = ord) of x over dim (all dims)."""
    if dtype is not None:
        x = x.to(dtypes.to_dtype(dtype))
    return VectorNorm.apply(x, float(ord), dim, keepdim)


def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False,
         dtype: Any = None) -> Tensor:
    """torch.norm / x.norm(): a vector norm over dim (all elements by default).

    p is a number (2, 1, float('inf'), ...) or 'fro' (the 2-norm of all the entries);
    'nuc', the sum of singular values, is a matrix norm over the two dims of dim.
    """
    if p is None or p == "fro":
        p = 2
    elif isinstance(p, str):  # 'nuc', or a word torch refuses: linalg.matrix_norm's errors
        from teachgrad.ops.linalg_pinv import matrix_norm  # (it imports this module)

        dims = tuple(range(input.ndim)) if dim is None else dim
        return matrix_norm(input, p, dims, keepdim, dtype=dtype)
    return vector_norm(input, p, dim, keepdim, dtype=dtype)
