"""Adaptive average and max pooling (1-d, 2-d, 3-d) and their layers.

Ask for the output size; teachgrad/ops/adaptive_pooling.py picks the windows. A None in
output_size keeps that dim's input size. The 1-d versions run as 2-d ones over a height
of one, as torch's do.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.nn.module import Module
from teachgrad.ops import adaptive_pooling as _ops
from teachgrad.tensor import Tensor


def _output_size(input: Tensor, output_size: Any, dims: int, op: str) -> tuple[int, ...]:
    if input.dim() < dims + 1:
        raise ValueError(f"Input dimension should be at least {dims + 1}: {op} takes (N, C, "
                         f"...) or (C, ...) with {dims} spatial dims, got shape "
                         f"{list(input.shape)}")
    if input.dim() > dims + 2:
        raise RuntimeError(f"{op}(): Expected {dims + 1}D or {dims + 2}D tensor, but got "
                           f"{list(input.shape)}")
    if isinstance(output_size, int):
        output_size = (output_size,) * dims
    elif output_size is None:
        raise TypeError(f"{op}(): argument 'output_size' must be tuple of ints, not NoneType")
    output_size = tuple(output_size)
    if len(output_size) == 1 and dims > 1:
        output_size = output_size * dims
    if len(output_size) != dims:
        raise RuntimeError(f"{op}: output_size must be {dims}, got {list(output_size)}")
    sizes = input.shape[input.dim() - dims:]
    output_size = tuple(size if out is None else int(out)
                        for out, size in zip(output_size, sizes))
    if min(output_size) < 0:
        raise RuntimeError(f"{op}: elements of output_size must be greater than or equal to 0 "
                           f"but received {{{', '.join(map(str, output_size))}}}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"{op}\" not implemented for "
                                  f"'{dtypes.legacy_name(input.dtype)}': convert first, e.g. "
                                  "x.float()")
    batched = input.dim() == dims + 2
    if any(size == 0 for size in input.shape[1 if batched else 0:]) and "max" in op:
        raise RuntimeError(f"{op}(): Expected input to have non-zero size for non-batch "
                           f"dimensions, but input has sizes {list(input.shape)}")
    return output_size


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """The mean of each of output_size windows that tile (N, C, H, W) input."""
    return _ops.adaptive_avg_pool(input, _output_size(input, output_size, 2,
                                                      "adaptive_avg_pool2d"))


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    return _ops.adaptive_avg_pool(input, _output_size(input, output_size, 3,
                                                      "adaptive_avg_pool3d"))


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    (length,) = _output_size(input, output_size, 1, "adaptive_avg_pool1d")
    return _ops.adaptive_avg_pool(input.unsqueeze(-2), (1, length)).squeeze(-2)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """The maximum of each window (and, with return_indices, its flat index in H*W)."""
    values, indices = _ops.adaptive_max_pool(input, _output_size(input, output_size, 2,
                                                                 "adaptive_max_pool2d"))
    return (values, indices) if return_indices else values


def adaptive_max_pool3d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    values, indices = _ops.adaptive_max_pool(input, _output_size(input, output_size, 3,
                                                                 "adaptive_max_pool3d"))
    return (values, indices) if return_indices else values


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    (length,) = _output_size(input, output_size, 1, "adaptive_max_pool1d")
    values, indices = _ops.adaptive_max_pool(input.unsqueeze(-2), (1, length))
    values, indices = values.squeeze(-2), indices.squeeze(-2)
    return (values, indices) if return_indices else values


# ---------------------------------------------------------------- layers


class _AdaptiveAvgPoolNd(Module):
    function = staticmethod(adaptive_avg_pool2d)

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return type(self).function(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class _AdaptiveMaxPoolNd(_AdaptiveAvgPoolNd):
    function = staticmethod(adaptive_max_pool2d)

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        return type(self).function(input, self.output_size, self.return_indices)


def _layer(name: str, base: type, function: Any) -> type:
    doc = f"torch.nn.{name}: F.{function.__name__} as a layer."
    return type(name, (base,), {"function": staticmethod(function), "__module__": __name__,
                                "__qualname__": name, "__doc__": doc})


FUNCTIONS = {function.__name__: function for function in (
    adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d,
    adaptive_max_pool1d, adaptive_max_pool2d, adaptive_max_pool3d)}
LAYERS = {f"Adaptive{kind.capitalize()}Pool{d}d": _layer(
    f"Adaptive{kind.capitalize()}Pool{d}d",
    _AdaptiveAvgPoolNd if kind == "avg" else _AdaptiveMaxPoolNd,
    FUNCTIONS[f"adaptive_{kind}_pool{d}d"]) for kind in ("avg", "max") for d in (1, 2, 3)}
