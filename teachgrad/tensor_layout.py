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


def storage_offset(x: Tensor) -> int:
    """How many elements into its memory block x starts: 0 for a fresh tensor; for a view,
    the position of its first element in the tensor it views (x[1:] of a vector: 1)."""
    array = root = x._array
    while isinstance(root.base, type(array)):  # a view's base is the array it looks into
        root = root.base
    address = array.data.ptr if x.is_cuda else array.ctypes.data
    start = root.data.ptr if x.is_cuda else root.ctypes.data
    return (address - start) // array.itemsize


def ndimension(x: Tensor) -> int:
    return x._array.ndim


def nelement(x: Tensor) -> int:
    return x._array.size
