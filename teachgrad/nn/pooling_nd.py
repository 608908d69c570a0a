"""The 1-d and 3-d pools (max_pool1d/3d, avg_pool1d/3d) and their layers.

The work is teachgrad/ops/pooling_nd.py's. The 1-d pools run as 2-d pools over a
height of one, as torch's do (so their grad_fn is the final squeeze, as torch's is).
The checks follow torch's, with its exception types.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.nn.module import Module
from teachgrad.ops import pooling_nd as _ops
from teachgrad.ops.conv import pool_output_length
from teachgrad.ops.conv_nd import WindowsNd
from teachgrad.tensor import Tensor


def _sizes(value: Any, dims: int, name: str, op: str) -> tuple[int, ...]:
    if isinstance(value, int):
        return (value,) * dims
    value = tuple(value)
    if len(value) == 1:
        return value * dims
    if len(value) != dims:
        if dims == 1:
            raise RuntimeError(f"{op}() {name} must be an int, list of ints or tuple of ints "
                               f"of size 1 but got size {len(value)}")
        raise RuntimeError(f"{op}: {name} must either be a single int, or a tuple of three "
                           "ints")
    return value


def _check_padding(padding: tuple, kernel: tuple, dilation: tuple, op: str) -> None:
    """At most half the kernel: every window keeps an input element. torch's 1-d max pool
    and its 3-d pools halve the kernel size; the 2-d ones (avg_pool1d runs as one) the
    kernel's reach with dilation."""
    if op == "avg_pool1d":
        for pad, k, d in zip(padding, kernel, dilation):
            if pad < 0 or pad > ((k - 1) * d + 1) // 2:
                raise RuntimeError(f"pad should be at most half of effective kernel size, but "
                                   f"got pad={pad}, kernel_size={k} and dilation={d}")
    elif op == "max_pool1d":
        if padding[0] < 0 or padding[0] > kernel[0] // 2:
            raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, "
                               f"but got padding={padding[0]} and kernel_size={kernel[0]}")
    elif any(pad < 0 or pad > k // 2 for pad, k in zip(padding, kernel)):
        raise RuntimeError(
            f"pad should be smaller than or equal to half of kernel size, but got kT: "
            f"{kernel[0]} kW: {kernel[2]} kH: {kernel[1]} padT: {padding[0]} padW: "
            f"{padding[2]} padH: {padding[1]}"
        )


def pool_windows(x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                 ceil_mode: bool, dims: int, op: str) -> WindowsNd:
    """Where a pool's windows sit on the last dims spatial dims of a batched input."""
    kernel = _sizes(kernel_size, dims, "kernel_size", op)
    empty_stride = stride is None or (not isinstance(stride, int) and len(stride) == 0)
    stride = kernel if empty_stride else _sizes(stride, dims, "stride", op)
    padding, dilation = _sizes(padding, dims, "padding", op), _sizes(dilation, dims,
                                                                      "dilation", op)
    if min(kernel) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got {list(kernel)}")
    if min(stride) <= 0:
        raise RuntimeError("stride should not be zero")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    _check_padding(padding, kernel, dilation, op)
    size = tuple(x.shape[2:])
    output_size = tuple(pool_output_length(s, k, st, p, d, ceil_mode)
                        for s, k, st, p, d in zip(size, kernel, stride, padding, dilation))
    if min(output_size) < 1:
        channels = x.shape[1]
        raise RuntimeError(
            f"Given input size: ({'x'.join(map(str, (channels, *size)))}). Calculated output "
            f"size: ({'x'.join(map(str, (channels, *output_size)))}). Output size is too small"
        )
    return WindowsNd(kernel=kernel, stride=stride, padding=tuple((p, p) for p in padding),
                     dilation=dilation, input_size=size, output_size=output_size)


def _as_batch(input: Tensor, dims: int, op: str) -> tuple[Tensor, bool]:
    """Accept an unbatched input as a batch of one; check the rank and empty dims."""
    if input.dim() not in (dims + 1, dims + 2) or any(
            size == 0 for size in input.shape[input.dim() - dims - 1:]):
        if dims == 1:
            raise RuntimeError(
                f"{op}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
                f"for input, but got:{list(input.shape)}. Sequences go in as (N, C, L)."
            )
        raise RuntimeError(f"non-empty {dims + 1}D or {dims + 2}D (batch mode) tensor expected "
                           f"for input (got shape {list(input.shape)})")
    if input.dim() == dims + 1:
        return input.unsqueeze(0), True
    return input, False


def _unbatch(result: Any, unbatched: bool, squeeze_dim: int | None = None) -> Any:
    def finish(tensor: Tensor) -> Tensor:
        if squeeze_dim is not None:
            tensor = tensor.squeeze(squeeze_dim)
        return tensor.squeeze(0) if unbatched else tensor

    return tuple(finish(t) for t in result) if isinstance(result, tuple) else finish(result)


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The maximum of each window of (N, C, L) input; return_indices adds where it was."""
    x, unbatched = _as_batch(input, 1, "max_pool1d")
    if not input.dtype.is_floating_point and not return_indices:
        raise NotImplementedError(f"\"max_pool1d_impl\" not implemented for "
                                  f"'{dtypes.legacy_name(input.dtype)}': convert first, e.g. "
                                  "x.float()")
    windows = pool_windows(x, kernel_size, stride, padding, dilation, ceil_mode, 1,
                           "max_pool1d")
    # As torch: a 2-d pool over a height of one, then the height squeezed away.
    flat = WindowsNd((1, *windows.kernel), (1, *windows.stride), ((0, 0), *windows.padding),
                     (1, *windows.dilation), (1, *windows.input_size), (1, *windows.output_size))
    pooled = _ops.max_pool(x.unsqueeze(-2), flat, return_indices)
    return _unbatch(pooled, unbatched, -2)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """The mean of each window of (N, C, L) input."""
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional "
                           "tensor for argument #1 'self' (while checking arguments for "
                           "avg_pool1d)")
    x, unbatched = _as_batch(input, 1, "avg_pool1d")
    windows = pool_windows(x, kernel_size, stride, padding, 1, ceil_mode, 1, "avg_pool1d")
    flat = WindowsNd((1, *windows.kernel), (1, *windows.stride), ((0, 0), *windows.padding),
                     (1, 1), (1, *windows.input_size), (1, *windows.output_size))
    pooled = _ops.avg_pool(x.unsqueeze(-2), flat, count_include_pad, None)
    return _unbatch(pooled, unbatched, -2)


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The maximum of each window of (N, C, D, H, W) input; indices are flat in D*H*W."""
    x, _ = _as_batch(input, 3, "max_pool3d")
    windows = pool_windows(x, kernel_size, stride, padding, dilation, ceil_mode, 3,
                           "max_pool3d")
    return _ops.max_pool(input, windows, return_indices)  # (C, D, H, W) too, as torch


def avg_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """The mean of each window of (N, C, D, H, W) input."""
    x, _ = _as_batch(input, 3, "avg_pool3d")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    windows = pool_windows(x, kernel_size, stride, padding, 1, ceil_mode, 3, "avg_pool3d")
    if any(size < k for size, k in zip(windows.input_size, windows.kernel)):
        sizes, kernel = windows.input_size, windows.kernel
        raise RuntimeError(f"input image (T: {sizes[0]} H: {sizes[1]} W: {sizes[2]}) smaller "
                           f"than kernel size (kT: {kernel[0]} kH: {kernel[1]} kW: "
                           f"{kernel[2]}): padding does not count here")
    return _ops.avg_pool(input, windows, count_include_pad, divisor_override)


# ---------------------------------------------------------------- layers


class _MaxPoolNd(Module):
    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """The largest value of each kernel_size window of (N, C, L) input."""

    def forward(self, input: Tensor) -> Any:
        return max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                          ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool3d(_MaxPoolNd):
    """The largest value of each kernel_size window of (N, C, D, H, W) input."""

    def forward(self, input: Tensor) -> Any:
        return max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                          ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class AvgPool1d(Module):
    """The mean of each kernel_size window of (N, C, L) input."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True) -> None:
        super().__init__()
        # torch keeps the 1-d layer's sizes as 1-tuples (its repr shows them so).
        self.kernel_size = _sizes(kernel_size, 1, "kernel_size", "avg_pool1d")
        self.stride = _sizes(stride if stride is not None else kernel_size, 1, "stride",
                             "avg_pool1d")
        self.padding = _sizes(padding, 1, "padding", "avg_pool1d")
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool3d(Module):
    """The mean of each kernel_size window of (N, C, D, H, W) input."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


FUNCTIONS = {"max_pool1d": max_pool1d, "avg_pool1d": avg_pool1d, "max_pool3d": max_pool3d,
             "avg_pool3d": avg_pool3d}
LAYERS = {"MaxPool1d": MaxPool1d, "AvgPool1d": AvgPool1d, "MaxPool3d": MaxPool3d,
          "AvgPool3d": AvgPool3d}
