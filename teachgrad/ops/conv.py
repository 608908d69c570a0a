"""Convolution and pooling on images, as one matrix product over windows (im2col).

A 2-D convolution slides a small kernel over every position of an image. Instead
of looping over positions, `unfold` lays every window of the whole batch out at
once, as the columns of one matrix: for an input of shape (N, C, H, W) it returns
(C, kh, kw, OH, OW, N), where [c, i, j, y, x, n] is the pixel of channel c that
kernel position (i, j) sees when the window sits at output (y, x) of image n. Read
as a matrix, row (c, i, j) is one pixel of the window and column (y, x, n) is one
window. It is built from a strided *view* (no copying to find the windows: the
strides say how to walk the padded image), then copied once.

The batch axis comes last, in the columns and in the images that fold builds, so
that neighbouring windows of the whole batch sit side by side in memory: each of the
kh*kw slice-adds below then walks runs of OW*N numbers instead of OW (LeNet's second
convolution folds its input gradient in 338 us instead of 790). After that:

- convolution is one matrix product for the whole batch: the weights
  (O, C*kh*kw) times the windows (C*kh*kw, OH*OW*N);
- max pooling is a running maximum over the kh*kw kernel positions, each a strided
  view of the image; average pooling a running sum.

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


def output_length(size: int, kernel: int, stride: int, pad_total: int, dilation: int) -> int:
    """How many windows of a convolution fit along one axis (0: the kernel is longer)."""
    span = dilation * (kernel - 1) + 1  # the kernel's reach, counting the holes dilation makes
    room = size + pad_total - span
    return room // stride + 1 if room >= 0 else 0


def pool_output_length(size: int, kernel: int, stride: int, pad: int, dilation: int,
                       ceil_mode: bool) -> int:
    """torch's pooling_output_shape. In ceil mode a window may start inside the input and
    reach past its end, even when the kernel is longer than the input; a result below 1
    is torch's "Output size is too small", which shows the number as it comes."""
    reach = size + 2 * pad - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)
    count = reach // stride + 1
    if ceil_mode and (count - 1) * stride >= size + pad:
        count -= 1  # the last window must start inside the input or its left padding
    return count


def unfold_array(array: Any, windows: Windows, pad_value: float = 0.0) -> Any:
    """The (C, kh, kw, OH, OW, N) windows of an (N, C, H, W) array, as a fresh array."""
    xp = array_module(array)
    (kh, kw), (sh, sw), (dh, dw) = windows.kernel, windows.stride, windows.dilation
    oh, ow = windows.output_size
    padded = pad_array(array, windows, pad_value)
    n, c = padded.shape[:2]
    batch_last = xp.ascontiguousarray(padded.transpose(1, 2, 3, 0))  # (C, H, W, N)
    step_c, step_h, step_w, step_n = batch_last.strides
    # Moving one kernel row down is `dilation` pixel rows; one output row is `stride` rows.
    # The copy below is already the (C*kh*kw, OH*OW*N) matrix that the whole batch's
    # convolution multiplies.
    view = xp.lib.stride_tricks.as_strided(
        batch_last, shape=(c, kh, kw, oh, ow, n),
        strides=(step_c, step_h * dh, step_w * dw, step_h * sh, step_w * sw, step_n),
    )
    return xp.ascontiguousarray(view)


def kernel_offsets(windows: Windows) -> list[tuple[int, int, slice, slice]]:
    """For each kernel position (i, j): the rows and columns of the padded image it sees.

    Sliced with these on its height and width axes, the padded image gives an
    (N, C, OH, OW) view: the pixel under kernel position (i, j) for every window at once.
    """
    (kh, kw), (sh, sw), (dh, dw) = windows.kernel, windows.stride, windows.dilation
    oh, ow = windows.output_size
    return [(i, j, slice(i * dh, i * dh + (oh - 1) * sh + 1, sh),
             slice(j * dw, j * dw + (ow - 1) * sw + 1, sw))
            for i in range(kh) for j in range(kw)]


def fold_array(columns: Any, windows: Windows) -> Any:
    """The adjoint of unfold: add each window's values back onto the (N, C, H, W) pixels."""
    xp = array_module(columns)
    c, kh, kw, oh, ow, n = columns.shape
    top, _, left, _ = windows.padding
    (sh, sw), (dh, dw) = windows.stride, windows.dilation
    height, width = windows.input_size
    padded_h = max(top + height, (oh - 1) * sh + (kh - 1) * dh + 1)
    padded_w = max(left + width, (ow - 1) * sw + (kw - 1) * dw + 1)
    # Laid out (C, H, W, N) like the columns, so each add below walks both in step.
    image = xp.zeros((c, padded_h, padded_w, n), dtype=columns.dtype)
    # One vectorised add per kernel position (kh*kw of them, e.g. 9), each covering every
    # image in the batch and every output position: windows that overlap add up.
    for i, j, rows, cols in kernel_offsets(windows):
        image[:, rows, cols] += columns[:, i, j]
    cropped = image[:, top:top + height, left:left + width]
    return xp.ascontiguousarray(cropped.transpose(3, 0, 1, 2))


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
        xp = array_module(x._array)
        n = x._array.shape[0]
        out_channels = weight._array.shape[0]
        oh, ow = windows.output_size
        # Split channels into groups: each group's filters see only its own channels.
        columns = unfold_array(x._array, windows).reshape(groups, -1, oh * ow * n)  # (G, K, LN)
        kernels = weight._array.reshape(groups, out_channels // groups, -1)     # (G, O/G, K)
        out = (kernels @ columns).reshape(out_channels, oh, ow, n)  # one product per group
        if bias is not None:
            out += bias._array.reshape(-1, 1, 1, 1)
        ctx.windows, ctx.groups = windows, groups
        # The weight's gradient needs these windows again: keeping them (kh*kw times the
        # input's size) saves unfolding the input a second time in backward.
        kept_columns = Tensor._make(columns) if ctx.needs_input_grad[1] else None
        ctx.save_for_backward(x, weight, kept_columns)
        return xp.ascontiguousarray(out.transpose(3, 0, 1, 2))  # (N, O, OH, OW), as torch

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, weight, kept_columns = ctx.saved_tensors
        windows, groups = ctx.windows, ctx.groups
        n, channels = x.shape[0], x.shape[1]
        out_channels = weight.shape[0]
        oh, ow = windows.output_size
        kh, kw = windows.kernel
        # The output gradient as the (O, OH*OW*N) matrix the forward product made, per group.
        grad_out = grad.permute(1, 2, 3, 0).reshape(groups, out_channels // groups, -1)
        kernels = weight.reshape(groups, out_channels // groups, -1)
        grad_x = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            # Each window's gradient is the filters weighted by the output gradient...
            grad_columns = kernels.transpose(-1, -2) @ grad_out
            # ...and each pixel collects it from every window that covered it.
            grad_x = Fold.apply(grad_columns.reshape(channels, kh, kw, oh, ow, n), windows)
        if ctx.needs_input_grad[1]:
            # Under create_graph the windows must be recorded as a function of x; otherwise
            # the ones forward kept are the same numbers.
            columns = Unfold.apply(x, windows).reshape(groups, -1, oh * ow * n) \
                if is_grad_enabled() else kept_columns
            # grad_out @ columns^T, computed as its transpose: with the long axis (OH*OW*N)
            # inside, OpenBLAS ran LeNet's two weight gradients 2x and 1.5x faster.
            grad_weight = (columns @ grad_out.transpose(-1, -2)).transpose(-1, -2)
            grad_weight = grad_weight.reshape(weight.shape)
        if ctx.needs_input_grad[2]:
            grad_bias = grad.sum((0, 2, 3))
        return grad_x, grad_weight, grad_bias, None, None


# ---------------------------------------------------------------- pooling


def _lowest(array: Any) -> Any:
    """What padding holds in a max pool: a value no element can lose to (-inf, or an
    integer dtype's minimum, which ties at worst; the real element wins a tie)."""
    if array.dtype.kind == "f":
        return -math.inf
    return array_module(array).iinfo(array.dtype).min


class MaxPool2d(Function):
    """The largest value in each window; the gradient goes to the pixel that held it."""

    node_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, windows: Windows, with_indices: bool) -> Any:
        xp = array_module(x._array)
        # Padding is -inf, so a padded cell never wins. One pass per kernel position (4 for
        # a 2x2 pool), each over every window at once. np.maximum lets a NaN through, as
        # torch's pools do.
        views = _position_views(pad_array(x._array, windows, _lowest(x._array)), windows)
        maxima = views[0].copy()
        for view in views[1:]:
            xp.maximum(maxima, view, out=maxima)
        # Backward finds the winners again from the input and these maxima; it keeps its
        # own copy because the caller may change the output in place (relu_, say).
        ctx.save_for_backward(x)
        ctx.windows, ctx.maxima = windows, maxima
        if not with_indices:  # flat indices cost a few passes; only return_indices wants them
            return maxima.copy()
        winner = xp.zeros(maxima.shape, dtype="int64")
        for position, wins in enumerate(_winner_masks(views, maxima)):
            winner[wins] = position
        indices = Tensor._make(_flat_indices(winner, windows))
        ctx.mark_non_differentiable(indices)
        return maxima.copy(), indices

    @staticmethod
    def backward(ctx: Node, grad: Tensor, grad_indices: Any = None) -> tuple:
        (x,) = ctx.saved_tensors
        windows = ctx.windows
        kh, kw = windows.kernel
        views = _position_views(pad_array(x._array, windows, _lowest(x._array)), windows)
        # chosen[p] is 1 where kernel position p held its window's (first) maximum.
        chosen = array_module(grad._array).zeros((kh * kw, *ctx.maxima.shape), grad._array.dtype)
        for position, wins in enumerate(_winner_masks(views, ctx.maxima)):
            chosen[position] = wins
        n, c, oh, ow = ctx.maxima.shape
        grad_columns = (grad.unsqueeze(0) * Tensor._make(chosen)).reshape(kh, kw, n, c, oh, ow)
        # As the (C, kh, kw, OH, OW, N) columns Fold takes: a view, Fold reads it in place.
        return Fold.apply(grad_columns.permute(3, 0, 1, 4, 5, 2), windows), None, None


def _position_views(padded: Any, windows: Windows) -> list:
    """For each kernel position, the (N, C, OH, OW) view of the pixels it sees."""
    return [padded[:, :, rows, cols] for _, _, rows, cols in kernel_offsets(windows)]


def _winner_masks(views: list, maxima: Any) -> list:
    """One mask per kernel position: where that position is its window's winner.

    torch's rules: of equal maxima the first wins (after a relu, whole windows of zeros
    are common), and in a window whose maximum is NaN, the last NaN wins.
    """
    masks = _first_true([view == maxima for view in views])
    if bool((maxima != maxima).any()):
        # `==` is never true in a NaN window, so these masks cannot collide with the above.
        last_nans = _first_true([view != view for view in reversed(views)])[::-1]
        masks = [mask | nans for mask, nans in zip(masks, last_nans)]
    return masks


def _first_true(masks: list) -> list:
    """Keep each True only where no earlier mask in the list was True at that place."""
    taken = masks[0].copy()
    kept = [masks[0]]
    for mask in masks[1:]:
        first = mask > taken  # bools: True only where mask is and taken is not
        taken |= first
        kept.append(first)
    return kept


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
        views = _position_views(pad_array(x._array, windows, 0.0), windows)
        total = views[0].copy()
        for view in views[1:]:
            total += view
        ctx.windows, ctx.divisor = windows, divisor
        return total / divisor

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        windows = ctx.windows
        kh, kw = windows.kernel
        n, c, oh, ow = grad.shape
        # Every pixel of a window gets the window's gradient over its divisor; laid out as
        # the (C, kh, kw, OH, OW, N) columns that Fold adds back onto the image.
        share = (grad / Tensor._make(ctx.divisor)).permute(1, 2, 3, 0).reshape(c, 1, 1, oh, ow, n)
        return Fold.apply(share.expand(c, kh, kw, oh, ow, n), windows), None, None, None


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
