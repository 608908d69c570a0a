"""Adaptive pooling: choose the output size, and the windows follow.

Output element i of n, along an input dim of size L, summarises the input elements
floor(i * L / n) up to ceil((i + 1) * L / n): windows of nearly equal size that cover the
input, overlapping by one where L is not a multiple of n. (A (7, 7) output from any image
is how torchvision's classifiers take images of any size.)

The average is separable (the window is a box and its count a product), so it is a mean
over each window's elements, one dim at a time: axis_maps.py. The maximum is taken window
by window (one pass per output element, each over the whole batch); its backward sends
each window's gradient to the element that won, as pooling_nd.py's max pooling does.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.axis_maps import Taps, map_axes
from teachgrad.ops.indexing import ScatterAdd
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


def window_bounds(size: int, out: int) -> list[tuple[int, int]]:
    """[(start, end), ...]: the input elements output element i summarises (torch's rule)."""
    return [((i * size) // out, -((-(i + 1) * size) // out)) for i in range(out)]


def window_taps(size: int, out: int, xp: Any) -> Taps:
    """Window i's elements as taps, each weighted 1 / its length (shorter windows marked)."""
    bounds = window_bounds(size, out)
    width = max((end - start for start, end in bounds), default=1)
    starts = xp.asarray([start for start, _ in bounds], dtype="int64").reshape(-1, 1)
    lengths = xp.asarray([end - start for start, end in bounds], dtype="int64").reshape(-1, 1)
    steps = xp.arange(width).reshape(1, -1)
    return Taps(index=starts + xp.minimum(steps, lengths - 1),
                weight=xp.broadcast_to(1.0 / lengths, (out, width)), valid=steps < lengths)


def adaptive_avg_pool(x: Tensor, output_size: tuple) -> Tensor:
    """The mean of each adaptive window over x's last len(output_size) dims."""
    dims = len(output_size)
    sizes = x.shape[x.dim() - dims:]
    if all(out == 1 for out in output_size):
        return x.mean(tuple(range(-dims, 0)), keepdim=True)  # torch records a mean too
    xp = array_module(x._array)
    maps = tuple(window_taps(size, out, xp) for size, out in zip(sizes, output_size))
    return map_axes(x, maps, f"AdaptiveAvgPool{dims}DBackward0")


def _winner(region: Any) -> Any:
    """Flat position of each region's maximum, by torch's rule: the first of equal maxima,
    the last NaN when there is one. region: (..., count)."""
    xp = array_module(region)
    first_max = xp.argmax(region, axis=-1)
    nans = region != region
    last_nan = region.shape[-1] - 1 - xp.argmax(nans[..., ::-1], axis=-1)
    return xp.where(nans.any(axis=-1), last_nan, first_max)


class AdaptiveMaxPool(Function):
    """The largest element of each adaptive window, and its flat index in the input."""

    node_name = "AdaptiveMaxPoolBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, output_size: tuple) -> Any:
        array = x._array
        xp = array_module(array)
        dims = len(output_size)
        lead, sizes = array.shape[:array.ndim - dims], array.shape[array.ndim - dims:]
        values = xp.empty((*lead, *output_size), dtype=array.dtype)
        indices = xp.empty((*lead, *output_size), dtype="int64")
        bounds = [window_bounds(size, out) for size, out in zip(sizes, output_size)]
        for cell in itertools.product(*(range(out) for out in output_size)):
            spans = [bounds[axis][i] for axis, i in enumerate(cell)]
            region = array[(..., *(slice(start, end) for start, end in spans))]
            local = _winner(region.reshape(*lead, -1))
            values[(..., *cell)] = xp.take_along_axis(
                region.reshape(*lead, -1), local[..., None], axis=-1)[..., 0]
            # The winner's coordinates in the region, then its flat index in the input.
            flat, step = 0, 1
            for axis in reversed(range(dims)):
                start, end = spans[axis]
                flat = flat + (start + local % (end - start)) * step
                local = local // (end - start)
                step *= sizes[axis]
            indices[(..., *cell)] = flat
        indices = Tensor._make(indices)
        ctx.mark_non_differentiable(indices)
        ctx.input_shape, ctx.dims, ctx.cells = array.shape, dims, math.prod(output_size)
        ctx.save_for_backward(indices)
        return values, indices

    @staticmethod
    def backward(ctx: Node, grad: Tensor, grad_indices: Any = None) -> tuple:
        (indices,) = ctx.saved_tensors
        lead = ctx.input_shape[:len(ctx.input_shape) - ctx.dims]
        rows = math.prod(lead)
        cells = ctx.cells
        full = ScatterAdd.apply(grad.reshape(rows, cells), 1, indices.reshape(rows, cells),
                                (rows, math.prod(ctx.input_shape[len(lead):])))
        return full.reshape(ctx.input_shape), None


_MAX = {dims: renamed(AdaptiveMaxPool, f"AdaptiveMaxPool{dims}DBackward0") for dims in (2, 3)}


def adaptive_max_pool(x: Tensor, output_size: tuple) -> tuple[Tensor, Tensor]:
    """(values, indices) of the adaptive windows over x's last len(output_size) dims."""
    return _MAX.get(len(output_size), AdaptiveMaxPool).apply(x, tuple(output_size))
