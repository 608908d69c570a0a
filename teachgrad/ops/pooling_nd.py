"""Max and average pooling over any number of spatial dims (the 1-d and 3-d pools).

The windows are conv_nd.py's: for each kernel position, slicing the padded input gives
the value under that position for every window at once. Max pooling keeps a running
maximum over those views and remembers which position won; average pooling a running
sum, then divides by each window's count.

Max pooling's backward sends each window's gradient to the input element that won,
found again from the flat indices that forward computed anyway (torch's
return_indices): a scatter-add over the flattened spatial dims, whose own backward is
a gather. Average pooling's backward spreads each window's share over the window and
folds it back onto the input (col2im), as conv_nd.py's backward does.
"""

from __future__ import annotations

import math
from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.conv_nd import FoldNd, WindowsNd, kernel_positions, pad_spatial
from teachgrad.ops.indexing import ScatterAdd
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


def _lowest(array: Any) -> Any:
    """What padding holds for a max: -inf, or the smallest integer of an integer dtype."""
    xp = array_module(array)
    return -math.inf if array.dtype.kind == "f" else xp.iinfo(array.dtype).min


def _batched(array: Any, windows: WindowsNd) -> Any:
    """(C, *S) input as a batch of one (torch's 3-d pools take it directly)."""
    return array[None] if array.ndim == len(windows.kernel) + 1 else array


def _first_inside(starts: Any, step: int, xp: Any) -> Any:
    """The first of starts, starts + step, ... that is not in the left padding (>= 0)."""
    behind = xp.maximum(-starts, 0)
    return starts + -(-behind // step) * step


def _flat(windows: WindowsNd, coordinate: Any, xp: Any) -> Any:
    """The flat input index (d * H * W + h * W + w for 3 dims) of each window's element
    at coordinate(axis, starts) along every axis: an array over the output positions."""
    dims = len(windows.kernel)
    flat, inner = 0, 1
    for axis in reversed(range(dims)):
        shape = [1] * dims
        shape[axis] = windows.output_size[axis]
        starts = xp.arange(windows.output_size[axis]).reshape(shape) * windows.stride[axis] \
            - windows.padding[axis][0]
        flat = flat + coordinate(axis, starts) * inner
        inner *= windows.input_size[axis]
    return flat


class MaxPoolNd(Function):
    """The largest value of each window, and where it was."""

    node_name = "MaxPoolNdWithIndicesBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, windows: WindowsNd, with_indices: bool) -> Any:
        xp = array_module(x._array)
        array = _batched(x._array, windows)
        lowest = _lowest(array)
        padded = pad_spatial(array, windows, lowest)
        # torch's loop, window by window: the index starts at the window's first element
        # that is not left padding, the value at -inf; then each position, in order, takes
        # over if it is larger (so the first of equal maxima stays) or NaN (the last NaN
        # wins). A window of padding only keeps -inf and that first index, as torch's.
        dilation = windows.dilation
        winner = _flat(windows, lambda axis, starts: _first_inside(starts, dilation[axis], xp),
                       xp)
        winner = xp.broadcast_to(winner, padded.shape[:2] + tuple(windows.output_size))
        best = xp.full(winner.shape, lowest, dtype=array.dtype)
        for position, slices in kernel_positions(windows):
            view = padded[(slice(None), slice(None), *slices)]
            takes = (view > best) | (view != view)
            best = xp.where(takes, view, best)
            here = _flat(windows, lambda axis, starts, p=position:
                         starts + p[axis] * dilation[axis], xp)
            winner = xp.where(takes, here, winner)
        winner = winner.astype("int64")
        if array is not x._array:  # unbatched: drop the batch of one again
            best, winner = best[0], winner[0]
        indices = Tensor._make(xp.ascontiguousarray(winner))
        ctx.input_shape, ctx.dims = x._array.shape, len(windows.kernel)
        ctx.save_for_backward(indices)
        if not with_indices:
            return best
        ctx.mark_non_differentiable(indices)
        return best, indices

    @staticmethod
    def backward(ctx: Node, grad: Tensor, grad_indices: Any = None) -> tuple:
        (indices,) = ctx.saved_tensors
        dims = ctx.dims
        n, c = (1, 1, *ctx.input_shape)[-dims - 2:-dims]
        spatial = math.prod(ctx.input_shape[-dims:])
        outside = (indices._array < 0) | (indices._array >= spatial)
        if bool(outside.any()):
            # A window of padding only points past the input (as torch's): it has no
            # element to send its gradient to.
            grad = grad * Tensor._make(~outside)
            indices = Tensor._make(indices._array.clip(0, max(spatial - 1, 0)))
        # Each window's gradient goes to its winner; an element that won several
        # overlapping windows collects them all.
        full = ScatterAdd.apply(grad.reshape(n, c, -1), 2, indices.reshape(n, c, -1),
                                (n, c, spatial))
        return full.reshape(ctx.input_shape), None, None


def window_counts(windows: WindowsNd, count_include_pad: bool, xp: Any) -> Any:
    """How many elements each window averages over (shape *out), torch's edge rules: a
    window counts the padding it covers (or not), never ceil mode's overhang past it."""
    total = None
    for axis, out in enumerate(windows.output_size):
        before, after = windows.padding[axis]
        size = windows.input_size[axis]
        start = xp.arange(out) * windows.stride[axis] - before
        end = xp.minimum(start + windows.kernel[axis], size + after)
        count = end - start if count_include_pad else \
            xp.minimum(end, size) - xp.maximum(start, 0)
        shape = [1] * len(windows.output_size)
        shape[axis] = out
        count = count.reshape(shape)
        total = count if total is None else total * count
    return total


class AvgPoolNd(Function):
    """The mean of each window."""

    node_name = "AvgPoolNdBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, windows: WindowsNd, count_include_pad: bool,
                divisor_override: int | None) -> Any:
        xp = array_module(x._array)
        array = _batched(x._array, windows)
        if divisor_override:
            divisor = xp.full(windows.output_size, divisor_override, dtype="int64")
        else:
            divisor = window_counts(windows, count_include_pad, xp)
        padded = pad_spatial(array, windows, 0)
        total = None
        for _, slices in kernel_positions(windows):
            view = padded[(slice(None), slice(None), *slices)]
            total = view.copy() if total is None else total + view
        ctx.windows, ctx.divisor, ctx.input_shape = windows, divisor, x._array.shape
        if array is not x._array:
            total = total[0]
        if array.dtype.kind != "f":  # integers: torch divides and truncates toward zero
            quotient = xp.abs(total) // divisor
            return (xp.where(total < 0, -quotient, quotient)).astype(array.dtype)
        return total / divisor.astype(array.dtype)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        windows = ctx.windows
        dims = len(windows.kernel)
        if grad.dim() == dims + 1:
            grad = grad.unsqueeze(0)
        share = grad / Tensor._make(ctx.divisor.astype(grad._array.dtype))
        # As the (C, *kernel, *out, N) columns FoldNd adds back onto the input: every
        # element of a window gets the window's share.
        columns = share.permute(1, *range(2, dims + 2), 0).unsqueeze(1)
        for _ in range(dims - 1):
            columns = columns.unsqueeze(1)
        columns = columns.expand(grad.shape[1], *windows.kernel, *windows.output_size,
                                 grad.shape[0])
        return FoldNd.apply(columns, windows).reshape(ctx.input_shape), None, None, None


_MAX = {2: renamed(MaxPoolNd, "MaxPool2DWithIndicesBackward0"),
        3: renamed(MaxPoolNd, "MaxPool3DWithIndicesBackward0")}
_AVG = {2: renamed(AvgPoolNd, "AvgPool2DBackward0"), 3: renamed(AvgPoolNd, "AvgPool3DBackward0")}


def max_pool(x: Tensor, windows: WindowsNd, with_indices: bool = False) -> Any:
    """The pooled values, or (values, indices) with_indices."""
    return _MAX.get(len(windows.kernel), MaxPoolNd).apply(x, windows, with_indices)


def avg_pool(x: Tensor, windows: WindowsNd, count_include_pad: bool,
             divisor_override: int | None) -> Tensor:
    return _AVG.get(len(windows.kernel), AvgPoolNd).apply(x, windows, count_include_pad,
                                                          divisor_override)
