"""Random draws shaped by tensors: multinomial, normal, bernoulli, poisson.

The numbers come from teachgrad's generators (teachgrad.random), so they differ from
torch's; shapes, dtypes, ranges and errors are torch's. torch gives normal, bernoulli
and poisson a gradient of zero for their parameters (a draw does not move smoothly with
them); `_zero_grad_from` records that, so requires_grad and .grad come out as torch's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast_shapes import broadcast_shapes
from teachgrad.ops.renamed import renamed
from teachgrad.random import Generator, generator_for
from teachgrad.tensor import Tensor


class Drawn(Function):
    """Random values drawn from the parameters; each parameter's gradient is zero."""

    node_name = "NormalBackward3"

    @staticmethod
    def forward(ctx: Node, values: Any, *parameters: Any) -> Any:
        ctx.parameters = [(p._array.shape, p._array.dtype) if isinstance(p, Tensor) else None
                          for p in parameters]
        ctx.xp = array_module(values)
        return values

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        zeros = [None if p is None else Tensor._make(ctx.xp.zeros(*p)) for p in ctx.parameters]
        return (None, *zeros)


def _zero_grad_from(values: Any, *parameters: Any, name: str = "NormalBackward3") -> Tensor:
    """values as a tensor; where a parameter requires grad, linked to it with grad 0."""
    return _DRAWN[name].apply(values, *parameters)


class NoDerivative(Drawn):
    """torch records bernoulli(input, p) with a node whose backward refuses to run."""

    node_name = "NotImplemented"

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        raise RuntimeError("the derivative for 'bernoulli_' is not implemented. Draw with "
                           "bernoulli(input) (gradient zero), or detach the input first.")


_DRAWN = {name: renamed(Drawn, name) for name in (
    "NormalBackward1", "NormalBackward2", "NormalBackward3", "BernoulliBackward0",
    "PoissonBackward0")}
_DRAWN["NotImplemented"] = NoDerivative


def _uniform(xp: Any, shape: tuple, generator: Generator | None) -> Any:
    return generator_for(xp, generator).random(shape)


def _require_float(input: Tensor, kernel: str) -> None:
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{input.dtype.name.capitalize()}'. Pass floats.")


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None) -> Tensor:
    """num_samples category indices per row of (unnormalised) probabilities."""
    if not input.dtype.is_floating_point:
        raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                           f"{input.dtype.name.capitalize().replace('Int64', 'Long')}")
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > input.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    probabilities = input._array.reshape(-1, input.shape[-1]).astype(np.float64)
    xp = array_module(probabilities)
    if not bool(xp.isfinite(probabilities).all()) or bool((probabilities < 0).any()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    totals = probabilities.sum(axis=1, keepdims=True)
    if bool((totals <= 0).any()):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rows = probabilities.shape[0]
    if replacement:  # invert the cumulative distribution at uniform points
        edges = xp.cumsum(probabilities / totals, axis=1)
        points = _uniform(xp, (rows, num_samples), generator)
        picks = xp.stack([xp.searchsorted(edges[r], points[r], side="right")
                          for r in range(rows)])
        picks = xp.minimum(picks, input.shape[-1] - 1)  # rounding in the last edge
    else:  # Gumbel top-k: ordering log(u) / p is sampling without replacement
        with np.errstate(divide="ignore"):
            keys = xp.log(_uniform(xp, probabilities.shape, generator)) / probabilities
        picks = xp.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    return Tensor._make(picks.reshape(input.shape[:-1] + (num_samples,)).astype(np.int64))


def normal(mean: Any, std: Any = 1.0, size: Any = None, *,
           generator: Generator | None = None, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Normal draws: normal(mean, std) with a tensor for either or both (broadcast), or
    normal(mean, std, size) for two numbers."""
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    if not tensors:
        if size is None:
            raise TypeError("normal() takes a tensor mean or std, or two numbers and a size: "
                            "normal(0.0, 1.0, (2, 3))")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        from teachgrad.creation import randn
        draws = randn(size, generator=generator, dtype=dtype, device=device)
        return (draws * std + mean).detach().requires_grad_(requires_grad)
    if size is not None:
        raise TypeError("normal() takes a size only with a number mean and std; a tensor "
                        "mean or std gives the shape")
    for tensor in tensors:
        _require_float(tensor, "normal_kernel_cpu")
    if isinstance(std, Tensor):
        if bool((std._array < 0).any()):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    xp = array_module(tensors[0]._array)
    mean_array = mean._array if isinstance(mean, Tensor) else mean
    std_array = std._array if isinstance(std, Tensor) else std
    shape = tuple(broadcast_shapes(*(t._array.shape for t in tensors)))
    noise = generator_for(xp, generator).standard_normal(shape)
    values = (mean_array + std_array * noise).astype(tensors[0]._array.dtype)
    # torch's node: NormalBackward1 (tensor mean), 2 (tensor std), 3 (both)
    name = "NormalBackward3" if len(tensors) == 2 else \
        "NormalBackward1" if isinstance(mean, Tensor) else "NormalBackward2"
    return _zero_grad_from(values, mean, std, name=name)


def bernoulli(input: Tensor, p: float | None = None, *,
              generator: Generator | None = None) -> Tensor:
    """1 with probability input (or p), else 0, in input's dtype and shape."""
    array = input._array
    xp = array_module(array)
    if p is not None and not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    _require_float(input, "bernoulli_tensor_cpu_p_")
    if p is None and bool(((array < 0) | (array > 1)).any()):
        raise RuntimeError("bernoulli expects each probability in input to be in [0, 1]")
    chance = array if p is None else p
    values = (_uniform(xp, array.shape, generator) < chance).astype(array.dtype)
    return _zero_grad_from(values, input,
                           name="BernoulliBackward0" if p is None else "NotImplemented")


def poisson(input: Tensor, generator: Generator | None = None) -> Tensor:
    """A Poisson draw for each rate in input, in input's dtype."""
    _require_float(input, "poisson_cpu")
    array = input._array
    if bool((array < 0).any()):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    xp = array_module(array)
    values = generator_for(xp, generator).poisson(array.astype(np.float64))
    return _zero_grad_from(values.astype(array.dtype), input, name="PoissonBackward0")
