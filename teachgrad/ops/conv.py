"""Convolution and pooling on images, as one matrix product over windows (im2col).

A 2-D convolution slides a small kernel over every position of an image. Instead
of looping over positions, `unfold` lays every window out at once: for an input of
shape (N, C, H, W) it returns (N, C, kh, kw, OH, OW), where [n, c, i, j, y, x] is
the pixel that kernel position (i, j) sees when the window sits at output (y, x).
It is built from a strided *view* (no copying to find the windows: the strides say
how to walk the padded image), then copied once. After that:

- convolution is one matmul: weights (O, C*kh*kw) times windows (C*kh*kw, OH*OW);
- max pooling is an argmax over the kh*kw axis; average pooling a mean over it.

Backward runs the same picture in reverse. `fold` (col2im) adds every window's
gradient back onto the pixels the window covered; pixels seen by several windows
get the sum. Both directions are Functions (Unfold and Fold, each the other's
backward), so the gradients of conv2d and the pools are themselves differentiable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.autograd.grad_mode import is_grad_enabled
from teachgrad.device import array_module
from teachgrad.tensor import Tensor


@dataclass(frozen=True)
class Windows:
    """Where the windows of a conv or pool sit on an (H, W) image.

    padding is (top, bottom, left, right): 'same' convolutions and pools in ceil mode
    pad the bottom/right edge more than the top/left one.
    """

    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int, int, int]
    dilation: tuple[int, int]
    input_size: tuple[int, int]
    output_size: tuple[int, int]


def output_length(size: int, kernel: int, stride: int, pad_total: int, dilation: int,
                  ceil_mode: bool = False, pad_before: int = 0) -> int:
    """How many windows fit along one axis (torch's formula, ceil_mode included)."""
    span = dilation * (kernel - 1) + 1  # the kernel's reach, counting the holes dilation makes
    room = size + pad_total - span
    if room < 0:
        return 0
    count = (-(-room // stride) if ceil_mode else room // stride) + 1
    # In ceil mode the last window must still start inside the image or its left padding.
    if ceil_mode and (count - 1) * stride >= size + pad_before:
        count -= 1
    return count


def unfold_array(array: Any, windows: Windows, pad_value: float = 0.0) -> Any:
    """The (N, C, kh, kw, OH, OW) windows of an (N, C, H, W) array, as a fresh array."""
    xp = array_module(array)
    (kh, kw), (sh, sw), (dh, dw) = windows.kernel, windows.stride, windows.dilation
    oh, ow = windows.output_size
    array = pad_array(array, windows, pad_value)
    n, c = array.shape[:2]
    step_n, step_c, step_h, step_w = array.strides
    # Moving one kernel row down is `dilation` pixel rows; one output row is `stride` rows.
    view = xp.lib.stride_tricks.as_strided(
        array, shape=(n, c, kh, kw, oh, ow),
        strides=(step_n, step_c, step_h * dh, step_w * dw, step_h * sh, step_w * sw),
    )
    return xp.ascontiguousarray(view)


def kernel_offsets(windows: Windows) -> list[tuple[int, int, slice, slice]]:
    """For each kernel position (i, j): the rows and columns of the padded image it sees.

    Sliced with these, the padded image gives an (N, C, OH, OW) view: the pixel under
    kernel position (i, j) for every window at once.
    """
    (kh, kw), (sh, sw), (dh, dw) = windows.kernel, windows.stride, windows.dilation
    oh, ow = windows.output_size
    return [(i, j, slice(i * dh, i * dh + (oh - 1) * sh + 1, sh),
             slice(j * dw, j * dw + (ow - 1) * sw + 1, sw))
            for i in range(kh) for j in range(kw)]


def fold_array(columns: Any, windows: Windows) -> Any:
    """The adjoint of unfold: add each window's values back onto the (N, C, H, W) pixels."""
    xp = array_module(columns)
    n, c, kh, kw, oh, ow = columns.shape
    top, _, left, _ = windows.padding
    (sh, sw), (dh, dw) = windows.stride, windows.dilation
    height, width = windows.input_size
    padded_h = max(top + height, (oh - 1) * sh + (kh - 1) * dh + 1)
    padded_w = max(left + width, (ow - 1) * sw + (kw - 1) * dw + 1)
    image = xp.zeros((n, c, padded_h, padded_w), dtype=columns.dtype)
    # One vectorised add per kernel position (kh*kw of them, e.g. 9), each covering every
    # image in the batch and every output position: windows that overlap add up.
    for i, j, rows, cols in kernel_offsets(windows):
        image[:, :, rows, cols] += columns[:, :, i, j]
    return image[:, :, top:top + height, left:left + width]


def pad_array(array: Any, windows: Windows, pad_value: float) -> Any:
    """The (N, C, H, W) array with the windows' padding (and ceil-mode overhang) added."""
    top, bottom, left, right = windows.padding
    (kh, kw), (sh, sw), (dh, dw) = windows.kernel, windows.stride, windows.dilation
    oh, ow = windows.output_size
    # Extra bottom/right padding so that ceil-mode windows never read past the array.
    bottom = max(bottom, (oh - 1) * sh + (kh - 1) * dh + 1 - top - array.shape[2])
    right = max(right, (ow - 1) * sw + (kw - 1) * dw + 1 - left - array.shape[3])
    if not (top or bottom or left or right):
        return array
    return array_module(array).pad(array, ((0, 0), (0, 0), (top, bottom), (left, right)),
                                   constant_values=pad_value)


class Unfold(Function):
    """im2col as a differentiable op: its backward is Fold."""

    node_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, windows: Windows) -> Any:
        ctx.windows = windows
        return unfold_array(x._array, windows)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return Fold.apply(grad, ctx.windows), None


class Fold(Function):
    """col2im as a differentiable op: its backward is Unfold."""

    node_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx: Node, columns: Tensor, windows: Windows) -> Any:
        ctx.windows = windows
        return fold_array(columns._array, windows)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return Unfold.apply(grad, ctx.windows), None


# ---------------------------------------------------------------- convolution


class Conv2d(Function):
    """out[n, o] = bias[o] + sum over c, i, j of weight[o, c, i, j] * window[n, c, i, j]."""

    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, weight: Tensor, bias: Tensor | None, windows: Windows,
                groups: int) -> Any:
        n = x._array.shape[0]
        out_channels = weight._array.shape[0]
        oh, ow = windows.output_size
        columns = unfold_array(x._array, windows)
        # Split channels into groups: each group's filters see only its own channels.
        columns = columns.reshape(n, groups, -1, oh * ow)                   # (N, G, K, L)
        kernels = weight._array.reshape(groups, out_channels // groups, -1)  # (G, O/G, K)
        out = (kernels @ columns).reshape(n, out_channels, oh, ow)
        if bias is not None:
            out += bias._array.reshape(1, -1, 1, 1)
        ctx.windows, ctx.groups = windows, groups
        # The weight's gradient needs these windows again: keeping them (kh*kw times the
        # input's size) saves unfolding the input a second time in backward.
        kept_columns = Tensor._make(columns) if ctx.needs_input_grad[1] else None
        ctx.save_for_backward(x, weight, kept_columns)
        return out

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, weight, kept_columns = ctx.saved_tensors
        windows, groups = ctx.windows, ctx.groups
        n, channels = x.shape[0], x.shape[1]
        out_channels = weight.shape[0]
        oh, ow = windows.output_size
        kh, kw = windows.kernel
        grad_out = grad.reshape(n, groups, out_channels // groups, oh * ow)
        kernels = weight.reshape(groups, out_channels // groups, -1)
        grad_x = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            # Each window's gradient is the filters weighted by the output gradient...
            grad_columns = (kernels.transpose(-1, -2) @ grad_out)
            # ...and each pixel collects it from every window that covered it.
            grad_x = Fold.apply(grad_columns.reshape(n, channels, kh, kw, oh, ow), windows)
        if ctx.needs_input_grad[1]:
            # Under create_graph the windows must be recorded as a function of x; otherwise
            # the ones forward kept are the same numbers.
            columns = Unfold.apply(x, windows).reshape(n, groups, -1, oh * ow) \
                if is_grad_enabled() else kept_columns
            grad_weight = (grad_out @ columns.transpose(-1, -2)).sum(0).reshape(weight.shape)
        if ctx.needs_input_grad[2]:
            grad_bias = grad.sum((0, 2, 3))
        return grad_x, grad_weight, grad_bias, None, None


# ---------------------------------------------------------------- pooling


class MaxPool2d(Function):
    """The largest value in each window; the gradient goes to the pixel that held it."""

    node_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, windows: Windows, with_indices: bool) -> Any:
        n, c = x._array.shape[:2]
        xp = array_module(x._array)
        # Padding is -inf, so a padded cell never wins. One pass per kernel position
        # (4 for a 2x2 pool), each over every window at once: a running maximum and
        # the kernel position it came from. Only a strictly larger value (or a NaN,
        # which torch lets win) takes over, so the first maximum wins ties, as in torch.
        padded = pad_array(x._array, windows, -math.inf)
        values = winner = None
        for position, (_, _, rows, cols) in enumerate(kernel_offsets(windows)):
            candidate = padded[:, :, rows, cols]
            if values is None:
                values = candidate.copy()
                winner = xp.zeros(values.shape, dtype="int64")
                continue
            takes_over = (candidate > values) | xp.isnan(candidate)
            values = xp.where(takes_over, candidate, values)
            winner = xp.where(takes_over, position, winner)
        winner = winner[:, :, None]
        ctx.windows, ctx.winner, ctx.channels = windows, winner, (n, c)
        if not with_indices:  # flat indices cost a few passes; only return_indices wants them
            return values
        indices = Tensor._make(_flat_indices(winner[:, :, 0], windows))
        ctx.mark_non_differentiable(indices)
        return values, indices

    @staticmethod
    def backward(ctx: Node, grad: Tensor, grad_indices: Any = None) -> tuple:
        windows = ctx.windows
        kh, kw = windows.kernel
        oh, ow = windows.output_size
        xp = array_module(grad._array)
        positions = xp.arange(kh * kw).reshape(1, 1, -1, 1, 1)
        chosen = Tensor._make((positions == ctx.winner).astype(grad._array.dtype))
        grad_columns = (grad.unsqueeze(2) * chosen).reshape(*ctx.channels, kh, kw, oh, ow)
        return Fold.apply(grad_columns, windows), None, None


def _flat_indices(winner: Any, windows: Windows) -> Any:
    """torch's return_indices: each winner's position as row * W + column in the input."""
    xp = array_module(winner)
    kw = windows.kernel[1]
    (sh, sw), (dh, dw) = windows.stride, windows.dilation
    top, _, left, _ = windows.padding
    oh, ow = windows.output_size
    rows = xp.arange(oh).reshape(-1, 1) * sh - top + (winner // kw) * dh
    cols = xp.arange(ow).reshape(1, -1) * sw - left + (winner % kw) * dw
    return (rows * windows.input_size[1] + cols).astype("int64")


class AvgPool2d(Function):
    """The mean of each window; each pixel gets its share of the window's gradient."""

    node_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, windows: Windows, count_include_pad: bool,
                divisor_override: int | None) -> Any:
        xp = array_module(x._array)
        divisor = _divisors(windows, count_include_pad, divisor_override, xp)
        divisor = divisor.astype(x._array.dtype)
        columns = unfold_array(x._array, windows)
        ctx.windows, ctx.divisor = windows, divisor
        return columns.sum(axis=(2, 3)) / divisor

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        windows = ctx.windows
        kh, kw = windows.kernel
        share = (grad / Tensor._make(ctx.divisor)).unsqueeze(2).unsqueeze(3)
        n, c, oh, ow = grad.shape
        return Fold.apply(share.expand(n, c, kh, kw, oh, ow), windows), None, None, None


def _divisors(windows: Windows, count_include_pad: bool, divisor_override: int | None,
              xp: Any) -> Any:
    """What each window's sum is divided by: (OH, OW), torch's rules for the edges."""
    if divisor_override:
        return xp.full(windows.output_size, divisor_override)
    top, bottom, left, right = windows.padding
    rows = _counts(windows.output_size[0], windows.kernel[0], windows.stride[0], top, bottom,
                   windows.input_size[0], count_include_pad, xp)
    cols = _counts(windows.output_size[1], windows.kernel[1], windows.stride[1], left, right,
                   windows.input_size[1], count_include_pad, xp)
    return rows.reshape(-1, 1) * cols.reshape(1, -1)


def _counts(out: int, kernel: int, stride: int, before: int, after: int, size: int,
            include_pad: bool, xp: Any) -> Any:
    # A window counts the padding it covers (or not), but never the overhang that
    # ceil_mode adds past the padding.
    start = xp.arange(out) * stride - before
    end = xp.minimum(start + kernel, size + after)
    if include_pad:
        return end - start
    return xp.minimum(end, size) - xp.maximum(start, 0)


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None, windows: Windows,
           groups: int) -> Tensor:
    return Conv2d.apply(x, weight, bias, windows, groups)


def max_pool2d(x: Tensor, windows: Windows, with_indices: bool = False) -> Any:
    """The pooled values, or (values, indices) with_indices."""
    return MaxPool2d.apply(x, windows, with_indices)


def avg_pool2d(x: Tensor, windows: Windows, count_include_pad: bool,
               divisor_override: int | None) -> Tensor:
    return AvgPool2d.apply(x, windows, count_include_pad, divisor_override)
