"""F.interpolate and nn.Upsample: resize the spatial dims of (N, C, ...) input.

Every mode is separable, one spatial dim at a time:

- nearest / nearest-exact: each output element copies one input element, so it is an
  index map per dim (teachgrad/ops/index_maps.py), as reflect padding is;
- linear / bilinear / trilinear / bicubic: each output element is a fixed weighted sum of
  2 (or 4) neighbouring input elements along each dim: positions and weights per dim
  (teachgrad/ops/axis_maps.py);
- area: adaptive average pooling.

Where an output element samples the input (its "source index") follows torch's kernels
to the rounding: computed in the input's float precision, from the scale_factor when one
was given (and not recomputed), else from the ratio of the sizes.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np  # only for the small index and weight tables, built on the host

from teachgrad import dtypes
from teachgrad.device import array_module
from teachgrad.nn import adaptive_pooling as _adaptive
from teachgrad.nn.module import Module
from teachgrad.ops.axis_maps import Taps, map_axes
from teachgrad.ops.index_maps import take
from teachgrad.tensor import Tensor

MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")
_RANK = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}
_NAMES = {"nearest": "Nearest", "nearest-exact": "NearestExact", "linear": "Linear",
          "bilinear": "Bilinear", "bicubic": "Bicubic", "trilinear": "Trilinear"}


def _scale(size: int, out: int, scale: float | None, align_corners: bool, real: Any) -> Any:
    """torch's area_pixel_compute_scale: input steps per output step, in precision `real`."""
    if align_corners:
        return real((size - 1) / (out - 1)) if out > 1 else real(0)
    return real(1.0 / scale) if scale is not None and scale > 0 else real(size) / real(out)


def nearest_map(size: int, out: int, scale: float | None, exact: bool) -> np.ndarray:
    """The input element each output element copies (torch's nearest_idx, float maths)."""
    ratio = np.float32(1.0 / scale) if scale is not None and scale > 0 \
        else np.float32(size) / np.float32(out)
    positions = np.arange(out, dtype=np.float32)
    if exact:
        return np.minimum(np.floor((positions + np.float32(0.5)) * ratio), size - 1
                          ).astype(np.int64)
    if out == size:
        return np.arange(out)
    if out == 2 * size:
        return np.arange(out) >> 1
    return np.minimum(np.floor(positions * ratio), size - 1).astype(np.int64)


def linear_taps(size: int, out: int, scale: float | None, align_corners: bool,
                real: Any) -> tuple[np.ndarray, np.ndarray]:
    """(positions, weights), each (out, 2): the two input neighbours of each output."""
    if out == size:  # torch's shortcut: a copy, whatever align_corners says
        return np.arange(out).reshape(-1, 1), np.ones((out, 1), dtype=real)
    ratio = _scale(size, out, scale, align_corners, real)
    positions = np.zeros((out, 2), dtype=np.int64)
    weights = np.zeros((out, 2), dtype=real)
    for i in range(out):
        if align_corners:
            source = ratio * real(i)
        else:
            source = max(ratio * (real(i) + real(0.5)) - real(0.5), real(0))
        low = min(int(math.floor(source)), size - 1)
        weight = real(min(max(source - real(low), real(0)), real(1)))
        positions[i] = (low, low + 1 if low < size - 1 else low)
        weights[i] = (real(1) - weight, weight)
    return positions, weights


def cubic_taps(size: int, out: int, scale: float | None, align_corners: bool,
               real: Any) -> tuple[np.ndarray, np.ndarray]:
    """(positions, weights), each (out, 4): Keys' cubic convolution (A = -0.75) over the 4
    neighbours of each output, positions clamped to the edges."""
    a = real(-0.75)
    positions = np.zeros((out, 4), dtype=np.int64)
    weights = np.zeros((out, 4), dtype=real)
    ratio = _scale(size, out, scale, align_corners, real)
    for i in range(out):
        source = ratio * real(i) if align_corners else ratio * (real(i) + real(0.5)) - real(0.5)
        low = int(math.floor(source))
        t = real(source - real(low))
        near = [t + real(1), t, real(1) - t, real(2) - t]  # distances to the 4 taps
        weights[i] = [((a * x - real(5) * a) * x + real(8) * a) * x - real(4) * a
                      if k in (0, 3) else ((a + real(2)) * x - (a + real(3))) * x * x + real(1)
                      for k, x in enumerate(near)]
        positions[i] = [min(max(low - 1 + k, 0), size - 1) for k in range(4)]
    return positions, weights


def _sizes(input: Tensor, size: Any, scale_factor: Any,
           recompute_scale_factor: bool | None) -> tuple[tuple, tuple]:
    """(output sizes, scales handed to the kernel), torch's argument rules."""
    dims = input.dim() - 2
    spatial = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if recompute_scale_factor:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
        sizes = tuple(size) if isinstance(size, (list, tuple)) else (size,) * dims
        if len(sizes) != dims:
            raise ValueError(
                f"Input and output must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {spatial} and output size of {size}. Please "
                "provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                "(o1, o2, ...,oK) format."
            )
        if not all(isinstance(s, int) for s in sizes):
            raise TypeError(f"expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                            f"Tuple[int, int, int], but got size with types "
                            f"{[type(s) for s in sizes]}")
        return sizes, (None,) * dims
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    scales = tuple(float(s) for s in scale_factor) if isinstance(scale_factor, (list, tuple)) \
        else (float(scale_factor),) * dims
    if len(scales) != dims:
        raise ValueError(
            f"Input and scale_factor must have the same number of spatial dimensions, but got "
            f"input with spatial dimensions of {spatial} and scale_factor of shape "
            f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
            "scale_factor in (s1, s2, ...,sK) format."
        )
    sizes = tuple(math.floor(float(n) * s) for n, s in zip(spatial, scales))
    return sizes, (None,) * dims if recompute_scale_factor else scales


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None,
                mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None, antialias: bool = False) -> Tensor:
    """Resize the spatial dims of (N, C, L), (N, C, H, W) or (N, C, D, H, W) input."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    if antialias and not (mode in ("bilinear", "bicubic") and input.dim() == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos "
                         "modes and requires a 4-D tensor as input")
    if antialias:
        raise NotImplementedError("teachgrad's interpolate has no antialias: pass "
                                  "antialias=False")
    if input.dim() not in (3, 4, 5) or mode not in MODES:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for "
            f"the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
            f"nearest-exact (got {mode})"
        )
    if mode in _RANK and input.dim() != _RANK[mode]:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                                  f"{_RANK[mode]}D input")
    sizes, scales = _sizes(input, size, scale_factor, recompute_scale_factor)
    if mode == "area":
        pool = getattr(_adaptive, f"adaptive_avg_pool{input.dim() - 2}d")
        return pool(input, sizes)
    _check_input(input, sizes, mode)
    spatial = input.shape[2:]
    if mode.startswith("nearest"):
        xp = array_module(input._array)
        maps = tuple(xp.asarray(nearest_map(n, out, scale, mode == "nearest-exact"))
                     for n, out, scale in zip(spatial, sizes, scales))
        return take(input, maps, f"Upsample{_NAMES[mode]}{len(sizes)}DBackward0")
    real = np.float32 if input.dtype in (dtypes.float32, dtypes.float16) else np.float64
    build = cubic_taps if mode == "bicubic" else linear_taps
    xp = array_module(input._array)
    maps = tuple(Taps(*(xp.asarray(part) for part in build(n, out, scale, align_corners, real)))
                 for n, out, scale in zip(spatial, sizes, scales))
    return map_axes(input, maps, f"Upsample{_NAMES[mode]}{len(sizes)}DBackward0")


def _check_input(input: Tensor, sizes: tuple, mode: str) -> None:
    names = "DHW"[3 - len(sizes):]
    if min(sizes) <= 0:
        spatial = input.shape[2:]
        raise RuntimeError(
            f"Input and output sizes should be greater than 0, but got input "
            f"({', '.join(f'{n}: {s}' for n, s in zip(names, spatial))}) output "
            f"({', '.join(f'{n}: {s}' for n, s in zip(names, sizes))})"
        )
    if any(s == 0 for s in input.shape[1:]):
        raise RuntimeError(f"Non-empty {input.dim()}D data tensor expected but got a tensor "
                           f"with sizes {list(input.shape)}")
    if not input.dtype.is_floating_point and not (mode.startswith("nearest")
                                                  and input.dtype == dtypes.uint8):
        kernel = f"upsample_{mode.replace('-', '_')}{len(sizes)}d"
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{dtypes.legacy_name(input.dtype)}': convert first, e.g. "
                                  "x.float()")


# ---------------------------------------------------------------- layers


class Upsample(Module):
    """F.interpolate as a layer: to a size, or by a scale_factor."""

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: bool | None = None,
                 recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(factor) for factor in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode, self.align_corners = mode, align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Upsample with mode='nearest' (kept by torch for old code)."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Upsample with mode='bilinear' and align_corners=True (kept by torch for old code)."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


FUNCTIONS = {"interpolate": interpolate}
LAYERS = {"Upsample": Upsample, "UpsamplingNearest2d": UpsamplingNearest2d,
          "UpsamplingBilinear2d": UpsamplingBilinear2d}
