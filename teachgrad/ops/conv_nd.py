"""Convolution over any number of spatial dims, and its transpose, by one N-d im2col.

teachgrad/ops/conv.py explains im2col for images: lay every window out as a column,
and a convolution becomes one matrix product. Nothing in that picture needs two
spatial dims. Here the windows of an (N, C, *S) input are laid out as an array of
shape (C, *kernel, *out, N) (one kernel axis and one output axis per spatial dim, the
batch last as in conv.py), so conv1d, conv2d and conv3d and the 1-d/3-d pools of
pooling_nd.py are one code path.

The transposed convolution (conv_transpose2d, the "deconvolution" of decoders and
upsampling paths) is the adjoint of a convolution: where a convolution gathers each
window into one output value, its transpose spreads each input value over a window,
weighted by the kernel, and sums where windows overlap. That is fold (col2im) of the
weighted columns, so it needs nothing new; its backward is a convolution.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.autograd.grad_mode import is_grad_enabled
from teachgrad.device import array_module
from teachgrad.tensor import Tensor


@dataclass(frozen=True)
class WindowsNd:
    """Where the windows of a conv or pool sit on an image with len(kernel) spatial dims.

    padding holds a (before, after) pair per dim: the pools' ceil mode reads past the
    after edge.
    """

    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]
    input_size: tuple[int, ...]
    output_size: tuple[int, ...]

    def padded_size(self) -> tuple[int, ...]:
        """Each spatial size after padding, long enough for the last window to fit."""
        return tuple(max(before + size + after, (out - 1) * s + (k - 1) * d + 1)
                     for (before, after), size, out, s, k, d in zip(
                         self.padding, self.input_size, self.output_size, self.stride,
                         self.kernel, self.dilation))


def kernel_positions(windows: WindowsNd) -> list[tuple[tuple, tuple]]:
    """For each kernel position: its index, and the slices of the padded image it sees.

    Sliced with these on the spatial axes, the padded image gives the pixel under that
    kernel position for every window at once (shape *out).
    """
    ranges = [range(k) for k in windows.kernel]
    return [(position, tuple(slice(i * d, i * d + (o - 1) * s + 1, s) for i, d, o, s in zip(
        position, windows.dilation, windows.output_size, windows.stride)))
        for position in itertools.product(*ranges)]


def pad_spatial(array: Any, windows: WindowsNd, value: float) -> Any:
    """The (N, C, *S) array padded with value to the windows' padded size."""
    widths = [(0, 0), (0, 0)]
    for (before, _), size, total in zip(windows.padding, windows.input_size,
                                        windows.padded_size()):
        widths.append((before, total - before - size))
    if not any(before or after for before, after in widths):
        return array
    return array_module(array).pad(array, widths, constant_values=value)


def unfold_array(array: Any, windows: WindowsNd) -> Any:
    """The (C, *kernel, *out, N) windows of an (N, C, *S) array, as a fresh array."""
    xp = array_module(array)
    padded = pad_spatial(array, windows, 0.0)
    dims = padded.ndim - 2
    batch_last = xp.ascontiguousarray(padded.transpose(1, *range(2, dims + 2), 0))
    step_c, *steps, step_n = batch_last.strides
    # One kernel step along a dim moves `dilation` pixels; one output step `stride` pixels.
    view = xp.lib.stride_tricks.as_strided(
        batch_last,
        shape=(padded.shape[1], *windows.kernel, *windows.output_size, padded.shape[0]),
        strides=(step_c, *(s * d for s, d in zip(steps, windows.dilation)),
                 *(s * t for s, t in zip(steps, windows.stride)), step_n),
    )
    return xp.ascontiguousarray(view)


def fold_array(columns: Any, windows: WindowsNd) -> Any:
    """The adjoint of unfold: add each window's values back onto the (N, C, *S) pixels."""
    xp = array_module(columns)
    dims = len(windows.kernel)
    channels, batch = columns.shape[0], columns.shape[-1]
    image = xp.zeros((channels, *windows.padded_size(), batch), dtype=columns.dtype)
    # One vectorised add per kernel position; windows that overlap add up.
    for position, slices in kernel_positions(windows):
        image[(slice(None), *slices)] += columns[(slice(None), *position)]
    crop = tuple(slice(before, before + size)
                 for (before, _), size in zip(windows.padding, windows.input_size))
    cropped = image[(slice(None), *crop)]
    return xp.ascontiguousarray(cropped.transpose(dims + 1, 0, *range(1, dims + 1)))


class UnfoldNd(Function):
    """N-d im2col as a differentiable op: its backward is FoldNd."""

    node_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, windows: WindowsNd) -> Any:
        ctx.windows = windows
        return unfold_array(x._array, windows)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return FoldNd.apply(grad, ctx.windows), None


class FoldNd(Function):
    """N-d col2im as a differentiable op: its backward is UnfoldNd."""

    node_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx: Node, columns: Tensor, windows: WindowsNd) -> Any:
        ctx.windows = windows
        return fold_array(columns._array, windows)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return UnfoldNd.apply(grad, ctx.windows), None


def _batch_last(array: Any) -> Any:
    """(N, C, *S) -> (C, *S, N): the layout of the columns' output axes."""
    return array.transpose(1, *range(2, array.ndim), 0)


def _batch_first(array: Any) -> Any:
    """(C, *S, N) -> (N, C, *S)."""
    return array.transpose(array.ndim - 1, *range(array.ndim - 1))


class Convolution(Function):
    """conv (transposed=False) or conv_transpose (True) over len(windows.kernel) dims.

    For the plain convolution, windows describe the input's windows. For the transposed
    one they describe the convolution it is the adjoint of: windows.input_size is the
    output's spatial size and windows.output_size the input's.
    """

    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, weight: Tensor, bias: Tensor | None, windows: WindowsNd,
                groups: int, transposed: bool) -> Any:
        xp = array_module(x._array)
        ctx.windows, ctx.groups, ctx.transposed = windows, groups, transposed
        ctx.save_for_backward(x, weight)
        kernels = weight._array.reshape(groups, weight._array.shape[0] // groups, -1)
        if not transposed:
            # (O/G, C/G*K) filters times (C/G*K, L*N) windows, for each group.
            columns = unfold_array(x._array, windows).reshape(groups, kernels.shape[2], -1)
            out = (kernels @ columns).reshape(weight._array.shape[0], *windows.output_size,
                                              x._array.shape[0])
        else:
            # Each input value spreads over a window: (Cout/G*K, Cin/G) @ (Cin/G, L*N) ...
            inputs = xp.ascontiguousarray(_batch_last(x._array)).reshape(
                groups, kernels.shape[1], -1)
            columns = kernels.transpose(0, 2, 1) @ inputs
            out_channels = weight._array.shape[1] * groups
            columns = columns.reshape(out_channels, *windows.kernel, *windows.output_size,
                                      x._array.shape[0])
            # ... and fold sums the windows that overlap (fold returns (N, C, *S)).
            out = _batch_last(fold_array(columns, windows))
        if bias is not None:
            out = out + bias._array.reshape((-1,) + (1,) * (out.ndim - 1))
        return xp.ascontiguousarray(_batch_first(out))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, weight = ctx.saved_tensors
        windows, groups = ctx.windows, ctx.groups
        dims = len(windows.kernel)
        batch_last = (1, *range(2, dims + 2), 0)
        kernels = weight.reshape(groups, weight.shape[0] // groups, -1)
        grad_x = grad_weight = grad_bias = None
        if ctx.transposed:
            # The transpose's backward is a convolution of the output gradient.
            grad_columns = UnfoldNd.apply(grad, windows).reshape(groups, kernels.shape[2], -1)
            inputs = x.permute(*batch_last).reshape(groups, kernels.shape[1], -1)
            if ctx.needs_input_grad[0]:
                grad_x = (kernels @ grad_columns).reshape(
                    x.shape[1], *x.shape[2:], x.shape[0]).permute(dims + 1, 0, *range(1, dims + 1))
            if ctx.needs_input_grad[1]:
                grad_weight = (inputs @ grad_columns.transpose(-1, -2)).reshape(weight.shape)
        else:
            grad_out = grad.permute(*batch_last).reshape(groups, kernels.shape[1], -1)
            if ctx.needs_input_grad[0]:
                # Each window's gradient is the filters weighted by the output gradient;
                # fold adds it onto every pixel the window covered.
                grad_columns = kernels.transpose(-1, -2) @ grad_out
                grad_x = FoldNd.apply(grad_columns.reshape(
                    x.shape[1], *windows.kernel, *windows.output_size, x.shape[0]), windows)
            if ctx.needs_input_grad[1]:
                columns = UnfoldNd.apply(x if is_grad_enabled() else x.detach(), windows)
                columns = columns.reshape(groups, kernels.shape[2], -1)
                grad_weight = (grad_out @ columns.transpose(-1, -2)).reshape(weight.shape)
        if ctx.needs_input_grad[2]:
            grad_bias = grad.sum((0, *range(2, dims + 2)))
        return grad_x, grad_weight, grad_bias, None, None, None


def convolution(x: Tensor, weight: Tensor, bias: Tensor | None, windows: WindowsNd,
                groups: int, transposed: bool = False) -> Tensor:
    return Convolution.apply(x, weight, bias, windows, groups, transposed)
