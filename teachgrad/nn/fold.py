"""F.unfold / F.fold and nn.Unfold / nn.Fold: im2col and col2im themselves, in torch's layout.

F.unfold returns every sliding window of an (N, C, H, W) image as a column of an
(N, C * kh * kw, L) tensor (L windows); F.fold adds such columns back onto an image,
summing where windows overlap. They are the two halves of convolution (see
teachgrad/ops/conv_nd.py), exposed so that a convolution can be written by hand:

    out = (weight.view(O, -1) @ F.unfold(x, k)).view(N, O, OH, OW)
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.nn.module import Module
from teachgrad.ops.conv_nd import WindowsNd, fold_array, unfold_array
from teachgrad.tensor import Tensor


def _to_columns(columns: Any) -> Any:
    """conv_nd's (C, kh, kw, OH, OW, N) windows as torch's (N, C*kh*kw, OH*OW)."""
    c, kh, kw, oh, ow, n = columns.shape
    out = columns.reshape(c * kh * kw, oh * ow, n).transpose(2, 0, 1)
    return array_module(columns).ascontiguousarray(out)


def _from_columns(array: Any, windows: WindowsNd) -> Any:
    """torch's (N, C*kh*kw, L) columns as conv_nd's (C, kh, kw, OH, OW, N)."""
    n = array.shape[0]
    return array.transpose(1, 2, 0).reshape(-1, *windows.kernel, *windows.output_size, n)


class Im2Col(Function):
    """F.unfold's op; its backward is Col2Im."""

    node_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, windows: WindowsNd) -> Any:
        ctx.windows = windows
        array = x._array
        if array.ndim == 3:  # one (C, H, W) image: torch takes it as it is
            return _to_columns(unfold_array(array[None], windows))[0]
        return _to_columns(unfold_array(array, windows))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return Col2Im.apply(grad, ctx.windows), None


class Col2Im(Function):
    """F.fold's op; its backward is Im2Col."""

    node_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx: Node, columns: Tensor, windows: WindowsNd) -> Any:
        ctx.windows = windows
        array = columns._array
        if array.ndim == 2:  # the columns of one image
            return fold_array(_from_columns(array[None], windows), windows)[0]
        return fold_array(_from_columns(array, windows), windows)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return Im2Col.apply(grad, ctx.windows), None


def _pair(value: Any, name: str) -> tuple[int, int]:
    if isinstance(value, int):
        return (value, value)
    value = tuple(value)
    if len(value) != 2:
        raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(value)}")
    return value


def _windows(image: tuple, kernel_size: Any, dilation: Any, padding: Any,
             stride: Any) -> WindowsNd:
    kernel, dilation = _pair(kernel_size, "kernel_size"), _pair(dilation, "dilation")
    padding, stride = _pair(padding, "padding"), _pair(stride, "stride")
    for name, values, low in (("kernel", kernel, 1), ("stride", stride, 1),
                              ("dilation", dilation, 1), ("padding", padding, 0)):
        if min(values) < low:
            bound = "greater than zero" if low else "non-negative"
            raise RuntimeError(f"{name} should be {bound}, but got {name}_height: {values[0]} "
                               f"{name}_width: {values[1]}")
    blocks = tuple((size + 2 * p - d * (k - 1) - 1) // s + 1
                   for size, k, s, p, d in zip(image, kernel, stride, padding, dilation))
    if min(blocks) < 1:
        raise RuntimeError(
            f"Given input with spatial size {tuple(image)}, kernel_size={kernel}, dilation="
            f"{dilation}, padding={padding}, calculated shape of the array of sliding blocks as "
            f"{blocks}, but its components must be at least one."
        )
    return WindowsNd(kernel=kernel, stride=stride, padding=tuple((p, p) for p in padding),
                     dilation=dilation, input_size=tuple(image), output_size=blocks)


def _check_float(input: Tensor, kernel: str) -> None:
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{dtypes.legacy_name(input.dtype)}': convert first, e.g. "
                                  "x.float()")


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> Tensor:
    """Every kernel_size window of (N, C, H, W) input as a column: (N, C*kh*kw, L)."""
    if input.dim() not in (3, 4):
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-input.dim()}, {input.dim() - 1}], but got {input.dim()}): "
                         "F.unfold takes (N, C, H, W) or (C, H, W) images")
    windows = _windows(tuple(input.shape[-2:]), kernel_size, dilation, padding, stride)
    _check_float(input, "im2col_out_cpu")
    return Im2Col.apply(input, windows)


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1,
         padding: Any = 0, stride: Any = 1) -> Tensor:
    """Columns (N, C*kh*kw, L) added back onto (N, C, *output_size) images."""
    if input.dim() not in (2, 3) or any(size == 0 for size in input.shape[input.dim() - 2:]):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 "
                           f"batch size and non-zero dimensions for input, but got: "
                           f"{list(input.shape)}")
    columns = input.unsqueeze(0) if input.dim() == 2 else input
    windows = _windows(_pair(output_size, "output_size"), kernel_size, dilation, padding, stride)
    kernel = windows.kernel
    if columns.shape[1] % (kernel[0] * kernel[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={columns.shape[1]} and "
                           f"kernel_size={kernel}.")
    blocks = windows.output_size
    if columns.shape[2] != blocks[0] * blocks[1]:
        raise RuntimeError(
            f"Given output_size={windows.input_size}, kernel_size={kernel}, dilation="
            f"{windows.dilation}, padding={tuple(p for p, _ in windows.padding)}, stride="
            f"{windows.stride}, expected size of input's dimension 2 to match the calculated "
            f"number of sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but "
            f"got input.size(2)={columns.shape[2]}."
        )
    _check_float(input, "col2im_out_cpu")
    return Col2Im.apply(input, windows)


class Unfold(Module):
    """F.unfold as a layer."""

    def __init__(self, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:
        super().__init__()
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Fold(Unfold):
    """F.fold as a layer."""

    def __init__(self, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:
        super().__init__(kernel_size, dilation, padding, stride)
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                    self.stride)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}, " + super().extra_repr()


FUNCTIONS = {"unfold": unfold, "fold": fold}
LAYERS = {"Unfold": Unfold, "Fold": Fold}
