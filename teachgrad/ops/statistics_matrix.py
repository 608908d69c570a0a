"""cov (a covariance matrix of rows of observations) and renorm (cap each slice's norm),
both composed of recorded ops, so their gradients are those of the parts.
"""

from __future__ import annotations

import warnings

from teachgrad.ops.norms import vector_norm
from teachgrad.ops.where import where
from teachgrad.tensor import Tensor, _wrap_dim


def _check_weights(weights: Tensor | None, name: str, observations: int,
                   integral: bool) -> None:
    if weights is None:
        return
    if weights.ndim > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got "
                           f"{name} with {weights.ndim} dimensions")
    if weights.numel() != observations:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                           f"observations in the input but got {weights.numel()} != "
                           f"{observations}")
    kind = "integral" if integral else "floating point"
    if weights.dtype.is_floating_point == integral:
        raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} with "
                           f"{weights.dtype.name.capitalize()} dtype")
    if bool((weights._array < 0).any()):
        raise RuntimeError(f"cov(): {name} cannot be negative")


def cov(input: Tensor, *, correction: int = 1, fweights: Tensor | None = None,
        aweights: Tensor | None = None) -> Tensor:
    """The covariance of the variables in input's rows (observations in its columns),
    weighted by frequency (fweights) and importance (aweights) weights."""
    if input.ndim > 2:
        raise RuntimeError("cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.ndim} dimensions")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    if not x.dtype.is_floating_point:
        x = x.float()
    observations = x.shape[1]
    _check_weights(fweights, "fweights", observations, integral=True)
    _check_weights(aweights, "aweights", observations, integral=False)
    weights = fweights
    if aweights is not None:
        weights = aweights if weights is None else weights * aweights
    if weights is None:
        total = observations
        mean = x.mean(1, keepdim=True)
        scale = total - correction
    else:
        total = weights.sum()
        mean = (x * weights).sum(1, keepdim=True) / total
        if aweights is None or correction == 0:
            scale = total - correction
        else:
            scale = total - correction * (weights * aweights).sum() / total
    if float(scale) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", stacklevel=2)
        scale = scale * 0 if isinstance(scale, Tensor) else 0
    centred = x - mean
    weighted = centred if weights is None else centred * weights
    return (weighted.matmul(centred.t()) / scale).squeeze()


def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """Each slice input.select(dim, i) whose p-norm exceeds maxnorm, scaled down to it."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"renorm: expected a floating point input, got "
                           f"{input.dtype.name.capitalize()}. Convert with .float() first.")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")
    if input.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} "
                           "dimensions")
    axis = _wrap_dim(dim, input.ndim)
    others = tuple(d for d in range(input.ndim) if d != axis)
    norms = vector_norm(input, p, others, keepdim=True)
    # torch's factor: maxnorm / (norm + 1e-7) where the norm is too large, 1 elsewhere
    factor = where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)
    return input * factor
