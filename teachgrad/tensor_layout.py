"""Tensor methods about memory layout, and torch's other names for dim() and numel().

A tensor's values lie in one block of memory; `stride()` says how many elements to
step over to move one place along each dim (lesson 03, views and strides).
teachgrad/methods.py attaches each function here to Tensor under torch's name.
"""

from __future__ import annotations

from teachgrad.tensor import Tensor, _wrap_dim


def stride(x: Tensor, dim: int | None = None) -> tuple[int, ...] | int:
    strides = tuple(step // x._array.itemsize for step in x._array.strides)
    return strides if dim is None else strides[_wrap_dim(dim, x._array.ndim)]


def is_contiguous(x: Tensor) -> bool:
    return bool(x._array.flags.c_contiguous)


def element_size(x: Tensor) -> int:
    """Bytes per element: 4 for float32."""
    return x._array.itemsize


def data_ptr(x: Tensor) -> int:
    """The address of the first element: equal for a tensor and a view that starts there."""
    return x._array.data.ptr if x.is_cuda else x._array.ctypes.data


def ndimension(x: Tensor) -> int:
    return x._array.ndim


def nelement(x: Tensor) -> int:
    return x._array.size
