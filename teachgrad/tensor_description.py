"""What a tensor says about itself: shape, size(), dtype, device, dims, and its repr.

Tensor (teachgrad/tensor.py) inherits these; each reads the array it wraps.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from teachgrad import dtypes
from teachgrad.device import device_of


class Size(tuple):
    """A tensor's shape: a tuple that prints as teachgrad.Size([3, 4])."""

    def __repr__(self) -> str:
        return f"teachgrad.Size({list(self)})"

    def numel(self) -> int:
        return math.prod(self)


class TensorDescription:
    __slots__ = ()  # Tensor keeps its own fields in slots
    _array: Any
    _requires_grad: bool
    grad_fn: Any

    @property
    def shape(self) -> Size:
        return Size(self._array.shape)

    def size(self, dim: int | None = None) -> Size | int:
        if dim is None:
            return Size(self._array.shape)
        return self._array.shape[_wrap_dim(dim, self._array.ndim)]

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes.from_numpy_dtype(self._array.dtype)

    @property
    def device(self) -> Any:
        return device_of(self._array)

    @property
    def is_cuda(self) -> bool:
        return type(self._array) is not np.ndarray

    @property
    def ndim(self) -> int:
        return self._array.ndim

    def dim(self) -> int:
        return self._array.ndim

    def numel(self) -> int:
        return self._array.size

    def __repr__(self) -> str:
        from teachgrad.printing import tensor_repr  # printing imports tensor.py

        values = self._array if type(self._array) is np.ndarray else self._array.get()
        grad_fn_name = self.grad_fn.name() if self.grad_fn is not None else None
        return tensor_repr(values, dtype_name=self.dtype.name, device=str(self.device),
                           requires_grad=self._requires_grad, grad_fn_name=grad_fn_name)

    __hash__ = object.__hash__


def _wrap_dim(dim: int, ndim: int) -> int:
    """A dim that may be negative, checked against the tensor's number of dims."""
    low, high = -max(ndim, 1), max(ndim, 1) - 1
    if not low <= dim <= high:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})"
        )
    return dim + ndim if dim < 0 and ndim else dim
