"""conv1d/conv3d and the transposed convolutions, as functions and as layers.

All run on teachgrad/ops/conv_nd.py's one N-d im2col. The checks follow torch's, with
its exception types; the layers print and initialise as torch's (Conv2d's
reset_parameters, teachgrad/nn/conv.py).
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.creation import empty
from teachgrad.nn.conv import Conv2d
from teachgrad.nn.module import Module
from teachgrad.nn.padding import pad as _pad
from teachgrad.nn.parameter import Parameter
from teachgrad.ops import conv_nd as _ops
from teachgrad.ops.broadcast import check_same_device
from teachgrad.ops.conv import output_length
from teachgrad.tensor import Tensor


def ntuple(value: Any, dims: int, name: str) -> tuple[int, ...]:
    """An int repeated dims times, or a sequence of dims ints (one is broadcast)."""
    if isinstance(value, int):
        return (value,) * dims
    value = tuple(value)
    if len(value) == 1:
        return value * dims
    if len(value) != dims:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {dims} values to match "
            f"the convolution dimensions, but got {name}={list(value)}"
        )
    return value


def _as_batch(input: Tensor, dims: int, op: str) -> tuple[Tensor, bool]:
    if input.dim() == dims + 1:
        return input.unsqueeze(0), True
    if input.dim() == dims + 2:
        return input, False
    raise RuntimeError(
        f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {op}, but got "
        f"input of size: {list(input.shape)}. Inputs go in as (N, C, ...) with {dims} "
        "spatial dims."
    )


def _check_common(x: Tensor, weight: Tensor, bias: Tensor | None, stride: tuple,
                  dilation: tuple, out_channels: int, transposed: bool) -> None:
    if min(stride) <= 0:
        raise RuntimeError("non-positive stride is not supported")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    if x.dtype != weight.dtype:
        raise RuntimeError(
            f"expected scalar type {dtypes.legacy_name(x.dtype)} but found "
            f"{dtypes.legacy_name(weight.dtype)}: the input and the weights must have one "
            "dtype. Convert one, e.g. x.float()."
        )
    if bias is not None and tuple(bias.shape) != (out_channels,):
        kind = "transposed=1, weight" if transposed else "weight"
        raise RuntimeError(
            f"Given {kind} of size {list(weight.shape)}, expected bias to be 1-dimensional "
            f"with {out_channels} elements, but got bias of size {list(bias.shape)} instead"
        )


def _same_padding(padding: Any, stride: tuple, dilation: tuple, kernel: tuple) -> tuple:
    """((before, after), ...) from an int, a tuple, 'valid' or 'same'."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * len(kernel)
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'. Use 'valid', 'same', an "
                               "int or a tuple of ints.")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        # Keep the size: pad d*(k-1) in total, the odd one out after.
        return tuple((d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2)
                     for d, k in zip(dilation, kernel))
    amounts = ntuple(padding, len(kernel), "padding")
    if min(amounts) < 0:
        raise RuntimeError("negative padding is not supported")
    return tuple((p, p) for p in amounts)


def conv_nd(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any,
            dilation: Any, groups: int, dims: int) -> Tensor:
    """Cross-correlation of (N, C, *S) input with (O, C/groups, *kernel) filters."""
    op = f"conv{dims}d"
    stride, dilation = ntuple(stride, dims, "stride"), ntuple(dilation, dims, "dilation")
    if weight.dim() != dims + 2:
        raise RuntimeError(f"weight should have at least three dimensions: {op} expects "
                           f"(out_channels, in_channels / groups, *kernel) with {dims} kernel "
                           f"dims, got shape {list(weight.shape)}")
    x, unbatched = _as_batch(input, dims, op)
    check_same_device(x._array, weight._array)
    out_channels, group_channels, *kernel = weight.shape
    _check_common(x, weight, bias, stride, dilation, out_channels, False)
    if x.shape[1] != group_channels * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
            f"input{list(x.shape)} to have {group_channels * groups} channels, but got "
            f"{x.shape[1]} channels instead. Check the layer's in_channels against the "
            "input's dim 1."
        )
    pads = _same_padding(padding, stride, dilation, tuple(kernel))
    size = tuple(x.shape[2:])
    padded = [s + before + after for s, (before, after) in zip(size, pads)]
    span = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    if any(p < s for p, s in zip(padded, span)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, span))}). Kernel size can't be greater than "
            "actual input size"
        )
    windows = _ops.WindowsNd(
        kernel=tuple(kernel), stride=stride, padding=pads, dilation=dilation, input_size=size,
        output_size=tuple(output_length(s, k, st, before + after, d) for s, k, st, (before, after),
                          d in zip(size, kernel, stride, pads, dilation)))
    out = _ops.convolution(x, weight, bias, windows, groups)
    return out.squeeze(0) if unbatched else out


def conv_transpose_nd(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any,
                      padding: Any, output_padding: Any, groups: int, dilation: Any,
                      dims: int) -> Tensor:
    """The adjoint of conv_nd: (N, Cin, *S) input, (Cin, Cout/groups, *kernel) weight."""
    op = f"conv_transpose{dims}d"
    if isinstance(padding, str):
        raise TypeError(f"{op}(): argument 'padding' must be tuple of ints, not str")
    stride, dilation = ntuple(stride, dims, "stride"), ntuple(dilation, dims, "dilation")
    padding = ntuple(padding, dims, "padding")
    output_padding = ntuple(output_padding, dims, "output_padding")
    if weight.dim() != dims + 2:
        raise RuntimeError(f"weight should have at least three dimensions: {op} expects "
                           f"(in_channels, out_channels / groups, *kernel), got shape "
                           f"{list(weight.shape)}")
    x, unbatched = _as_batch(input, dims, op)
    check_same_device(x._array, weight._array)
    in_channels, group_out, *kernel = weight.shape
    if groups <= 0 or in_channels % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{list(weight.shape)}] "
                           "instead")
    _check_common(x, weight, bias, stride, dilation, group_out * groups, True)
    if x.shape[1] != in_channels:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected "
            f"input{list(x.shape)} to have {in_channels} channels, but got {x.shape[1]} "
            "channels instead"
        )
    if min(padding) < 0:
        raise RuntimeError("negative padding is not supported")
    if any(op_ >= s and op_ >= d for op_, s, d in zip(output_padding, stride, dilation)) \
            or min(output_padding) < 0:
        raise RuntimeError(
            f"output padding must be smaller than either stride or dilation, but got "
            f"output_padding={list(output_padding)}, stride={list(stride)}, "
            f"dilation={list(dilation)}"
        )
    size = tuple(x.shape[2:])
    out_size = tuple((s - 1) * st - 2 * p + d * (k - 1) + o + 1 for s, st, p, d, k, o in zip(
        size, stride, padding, dilation, kernel, output_padding))
    if min(out_size) < 1:
        raise RuntimeError(f"Given input size per channel {list(size)}, the calculated output "
                           f"size {list(out_size)} is too small: reduce the padding.")
    windows = _ops.WindowsNd(kernel=tuple(kernel), stride=stride,
                                padding=tuple((p, p) for p in padding), dilation=dilation,
                                input_size=out_size, output_size=size)
    out = _ops.convolution(x, weight, bias, windows, groups, transposed=True)
    return out.squeeze(0) if unbatched else out


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    return conv_nd(input, weight, bias, stride, padding, dilation, groups, 1)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    return conv_nd(input, weight, bias, stride, padding, dilation, groups, 3)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
                     groups: int = 1, dilation: Any = 1) -> Tensor:
    return conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups,
                             dilation, 1)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
                     groups: int = 1, dilation: Any = 1) -> Tensor:
    return conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups,
                             dilation, 2)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
                     groups: int = 1, dilation: Any = 1) -> Tensor:
    return conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups,
                             dilation, 3)


# ---------------------------------------------------------------- layers


class _ConvNd(Module):
    dims = 1
    transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None,
                 output_padding: Any = 0) -> None:
        super().__init__()
        name = type(self).__name__
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode not in ("zeros", "reflect", "replicate", "circular"):
            raise ValueError(f"padding_mode must be one of ['zeros', 'reflect', 'replicate', "
                             f"'circular'], but got padding_mode='{padding_mode}'")
        if self.transposed and padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {name}')
        dims = self.dims
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = ntuple(kernel_size, dims, "kernel_size")
        self.stride = ntuple(stride, dims, "stride")
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 "{'valid', 'same'}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = ntuple(padding, dims, "padding")
        self.dilation = ntuple(dilation, dims, "dilation")
        self.output_padding = ntuple(output_padding, dims, "output_padding")
        self.groups, self.padding_mode = groups, padding_mode
        shape = (in_channels, out_channels // groups) if self.transposed \
            else (out_channels, in_channels // groups)
        self.weight = Parameter(empty((*shape, *self.kernel_size), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    # torch's default for every conv: kaiming-uniform weights, bias on +-1/sqrt(fan_in).
    reset_parameters = Conv2d.reset_parameters

    def extra_repr(self) -> str:
        dims = self.dims
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0,) * dims:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * dims:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * dims:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class _Conv(_ConvNd):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype)

    def forward(self, input: Tensor) -> Tensor:
        padding = self.padding
        if self.padding_mode != "zeros":
            # torch pads with the mode first, then convolves without padding.
            pairs = _same_padding(padding, self.stride, self.dilation, self.kernel_size)
            amounts = [amount for pair in reversed(pairs) for amount in pair]
            input, padding = _pad(input, amounts, mode=self.padding_mode), 0
        return conv_nd(input, self.weight, self.bias, self.stride, padding, self.dilation,
                       self.groups, self.dims)


class _ConvTranspose(_ConvNd):
    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, output_padding: Any = 0, groups: int = 1, bias: bool = True,
                 dilation: Any = 1, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype, output_padding)

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        output_padding = self._output_padding(input, output_size)
        return conv_transpose_nd(input, self.weight, self.bias, self.stride, self.padding,
                                 output_padding, self.groups, self.dilation, self.dims)

    def _output_padding(self, input: Tensor, output_size: Any) -> tuple:
        """The output_padding that gives output_size (torch's ConvTranspose rule)."""
        if output_size is None:
            return self.output_padding
        wanted = [int(s) for s in output_size][-self.dims:]
        spatial = input.shape[-self.dims:]
        smallest = [(s - 1) * st - 2 * p + d * (k - 1) + 1 for s, st, p, d, k in zip(
            spatial, self.stride, self.padding, self.dilation, self.kernel_size)]
        largest = [low + st - 1 for low, st in zip(smallest, self.stride)]
        if any(not low <= want <= high for want, low, high in zip(wanted, smallest, largest)):
            raise ValueError(
                f"requested an output size of {wanted}, but valid sizes range from {smallest} "
                f"to {largest} (for an input of {input.shape[-self.dims:]})"
            )
        return tuple(want - low for want, low in zip(wanted, smallest))


def _layer(name: str, base: type, dims: int) -> type:
    doc = (f"{'Transposed convolution' if base is _ConvTranspose else 'Convolution'} over "
           f"{dims} spatial dim(s): torch.nn.{name}.")
    return type(name, (base,), {"dims": dims, "__module__": __name__, "__qualname__": name,
                                "__doc__": doc})


LAYERS = {"Conv1d": _layer("Conv1d", _Conv, 1), "Conv3d": _layer("Conv3d", _Conv, 3),
          **{f"ConvTranspose{d}d": _layer(f"ConvTranspose{d}d", _ConvTranspose, d)
             for d in (1, 2, 3)}}
FUNCTIONS = {"conv1d": conv1d, "conv3d": conv3d, "conv_transpose1d": conv_transpose1d,
             "conv_transpose2d": conv_transpose2d, "conv_transpose3d": conv_transpose3d}
