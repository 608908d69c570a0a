"""F.max_unpool1d/2d/3d and nn.MaxUnpool1d/2d/3d: undo a max pool, zeros where it dropped.

The output size is the pool's input size (torch's formula from kernel_size, stride and
padding), or output_size when the pool's input size is ambiguous (odd sizes, ceil_mode).
The work is teachgrad/ops/unpooling.py's; the 1-d version runs as a 2-d one, as torch's.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.nn.module import Module
from teachgrad.ops.unpooling import max_unpool
from teachgrad.tensor import Tensor


def _tuple(value: Any, dims: int) -> tuple[int, ...]:
    return (value,) * dims if isinstance(value, int) else tuple(value)


def unpool_output_size(input: Tensor, kernel: tuple, stride: tuple, padding: tuple,
                       output_size: Any) -> list[int]:
    """torch's _unpool_output_size: the default size, or a checked output_size."""
    dims = len(kernel)
    spatial = input.shape[input.dim() - dims:]
    default = [(spatial[d] - 1) * stride[d] + kernel[d] - 2 * padding[d] for d in range(dims)]
    if output_size is None:
        return default
    output_size = list(output_size)
    if len(output_size) == dims + 2:
        output_size = output_size[2:]
    if len(output_size) != dims:
        raise ValueError(f"output_size should be a sequence containing {dims} or {dims + 2} "
                         f"elements, but it has a length of '{len(output_size)}'")
    for d in range(dims):
        low, high = default[d] - stride[d], default[d] + stride[d]
        if not low < output_size[d] < high:
            raise ValueError(f'invalid output_size "{tuple(output_size)}" (dim {d} must be '
                             f"between {low} and {high})")
    return output_size


def _check(input: Tensor, indices: Tensor, dims: int) -> None:
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(f"Input to max_unpooling{dims}d should be a {dims + 1}d or "
                           f"{dims + 2}d Tensor, but got a tensor with {input.dim()} "
                           "dimensions.")
    if indices.dtype != dtypes.int64:
        raise RuntimeError(f"elements in indices should be type int64 but got: "
                           f"{dtypes.legacy_name(indices.dtype)}. Use the indices max "
                           "pooling returned, or convert with .long().")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: "
                           f"{list(indices.shape)}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"max_unpool{dims}d\" not implemented for "
                                  f"'{dtypes.legacy_name(input.dtype)}': convert first, e.g. "
                                  "x.float()")


def _unpool(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any, padding: Any,
            output_size: Any, dims: int) -> Tensor:
    kernel = _tuple(kernel_size, dims)
    stride = kernel if stride is None else _tuple(stride, dims)
    padding = _tuple(padding, dims)
    size = unpool_output_size(input, kernel, stride, padding, output_size)
    _check(input, indices, dims)
    return max_unpool(input, indices, tuple(size))


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> Tensor:
    """Put max_pool2d's values back at its indices in a zero image (N, C, H, W)."""
    return _unpool(input, indices, kernel_size, stride, padding, output_size, 2)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> Tensor:
    return _unpool(input, indices, kernel_size, stride, padding, output_size, 3)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> Tensor:
    kernel = _tuple(kernel_size, 1)
    stride = kernel if stride is None else _tuple(stride, 1)
    (length,) = unpool_output_size(input, kernel, stride, _tuple(padding, 1), output_size)
    if input.dim() not in (2, 3):
        _check(input, indices, 1)
    # As torch: a 2-d unpool over a height of one, then the height squeezed away.
    _check(input.unsqueeze(-1), indices.unsqueeze(-1), 2)
    return max_unpool(input.unsqueeze(-1), indices.unsqueeze(-1), (length, 1)).squeeze(-1)


class _MaxUnpoolNd(Module):
    dims = 2

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size = _tuple(kernel_size, self.dims)
        self.stride = _tuple(stride if stride is not None else kernel_size, self.dims)
        self.padding = _tuple(padding, self.dims)

    def forward(self, input: Tensor, indices: Tensor, output_size: Any = None) -> Tensor:
        function = {1: max_unpool1d, 2: max_unpool2d, 3: max_unpool3d}[self.dims]
        return function(input, indices, self.kernel_size, self.stride, self.padding,
                        output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


def _layer(dims: int) -> type:
    name = f"MaxUnpool{dims}d"
    return type(name, (_MaxUnpoolNd,), {"dims": dims, "__module__": __name__,
                                        "__qualname__": name,
                                        "__doc__": f"F.max_unpool{dims}d as a layer."})


FUNCTIONS = {"max_unpool1d": max_unpool1d, "max_unpool2d": max_unpool2d,
             "max_unpool3d": max_unpool3d}
LAYERS = {f"MaxUnpool{d}d": _layer(d) for d in (1, 2, 3)}
