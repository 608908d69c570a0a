"""quantile, nanquantile and aminmax, composed of recorded ops (sort, gather, lerp, amin,
amax), so their gradients are those of the parts: each quantile's gradient goes to the
one or two sorted elements it interpolates between, as torch's does.
"""

from __future__ import annotations

from typing import Any

from teachgrad.device import array_module
from teachgrad.ops.dims import axis_or_none
from teachgrad.ops.extrema import amax, amin
from teachgrad.ops.return_types import return_type
from teachgrad.tensor import Tensor

INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _check(input: Tensor, q: Any, interpolation: str, name: str) -> None:
    """torch's checks, all made before any work."""
    if input.dtype.name not in ("float32", "float64"):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if input.numel() == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.dtype != input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        values = q._array
    else:
        values = array_module(input._array).asarray([float(q)])
    if bool(((values < 0) | (values > 1)).any()):
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    if interpolation not in INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest. Got {interpolation}")


def _ranks(ranked: Tensor, q: Any, skip_nan: bool) -> Any:
    """Where each quantile sits in each sorted slice (fractional, shape (B..., Q))."""
    array = ranked._array
    xp = array_module(array)
    size = array.shape[-1]
    nans = xp.isnan(array).sum(axis=-1, keepdims=True)
    qs = (q._array if isinstance(q, Tensor) else xp.asarray([q])).astype(array.dtype)
    if skip_nan:  # the numbers only; a slice of only NaN takes rank 0 (a NaN)
        return xp.maximum(qs.reshape(-1) * (size - nans - 1).astype(array.dtype), 0)
    ranks = qs.reshape(-1) * xp.asarray(size - 1, dtype=array.dtype)
    # A NaN anywhere makes the quantile NaN: point at the last sorted value, a NaN.
    return xp.where(nans > 0, xp.asarray(size - 1, dtype=array.dtype), ranks)


def _at(ranked: Tensor, positions: Any) -> Tensor:
    xp = array_module(positions)
    index = Tensor._make(xp.broadcast_to(positions, ranked.shape[:-1] + positions.shape[-1:])
                         .astype(xp.int64))
    return ranked.gather(-1, index)


def _quantile(input: Tensor, q: Any, dim: Any, keepdim: bool, interpolation: str,
              skip_nan: bool, name: str) -> Tensor:
    _check(input, q, interpolation, name)
    x = input.reshape(-1) if dim is None or input.ndim == 0 else input
    # a 0-d input takes dim 0 or -1 (axis None), as torch's; it is one element at axis 0
    axis = 0 if dim is None else axis_or_none(dim, input.ndim) or 0
    ranked = x.sort(axis).values.movedim(axis, -1)
    ranks = _ranks(ranked, q, skip_nan)
    xp = array_module(ranks)
    below, above = xp.floor(ranks), xp.ceil(ranks)
    if interpolation in ("lower", "higher", "nearest"):
        chosen = {"lower": below, "higher": above, "nearest": xp.round(ranks)}[interpolation]
        result = _at(ranked, chosen)
    else:
        weight = ranks - below if interpolation == "linear" else xp.full_like(ranks, 0.5)
        result = _at(ranked, below).lerp(_at(ranked, above), Tensor._make(weight))
    result = result.movedim(-1, 0)  # the quantiles' dim first, as torch puts it
    if keepdim and input.ndim:
        result = (result.reshape((result.shape[0],) + (1,) * input.ndim) if dim is None
                  else result.unsqueeze(axis + 1))
    return result.squeeze(0) if not isinstance(q, Tensor) or q.ndim == 0 else result


def quantile(input: Tensor, q: Any, dim: Any = None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Tensor:
    """The q-th quantiles of input (flattened, or along dim); NaN where a slice has NaN."""
    return _quantile(input, q, dim, keepdim, interpolation, False, "quantile")


def nanquantile(input: Tensor, q: Any, dim: Any = None, keepdim: bool = False, *,
                interpolation: str = "linear") -> Tensor:
    """quantile, leaving NaNs out of each slice."""
    return _quantile(input, q, dim, keepdim, interpolation, True, "nanquantile")


AminmaxResult = return_type("aminmax", ["min", "max"])


def aminmax(input: Tensor, *, dim: int | None = None, keepdim: bool = False) -> Any:
    """(min, max) over every element or along one dim; ties share the gradient."""
    if input.numel() == 0 and dim is None:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    return AminmaxResult(amin(input, dim, keepdim), amax(input, dim, keepdim))
