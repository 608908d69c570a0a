"""meshgrid: coordinate grids from 1-D tensors, as views.

meshgrid(a, b) of lengths m and n gives two (m, n) tensors: the first holds a[i] in
row i, the second b[j] in column j (indexing='ij', matrix style). indexing='xy'
(Cartesian, as NumPy's default) swaps the roles of the first two dims, giving (n, m).
Each output is its input viewed with one long dim and expanded, so no values are
copied and backward (expand's) sums each gradient back onto the input it came from.
"""

from __future__ import annotations

import warnings
from typing import Any

from teachgrad.ops.views import expand, view
from teachgrad.tensor import Tensor


def _inputs(tensors: tuple) -> list:
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for tensor in tensors:
        if not isinstance(tensor, Tensor):
            raise TypeError(f"meshgrid(): expected Tensor as element, got "
                            f"{type(tensor).__name__}")
        if tensor._array.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list "
                               f"but got a {tensor._array.ndim}D tensor of shape "
                               f"{list(tensor.shape)}. Flatten it first.")
    first = tensors[0]
    if any(t.dtype != first.dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if any(t.device != first.device for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same device")
    return list(tensors)


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple:
    inputs = _inputs(tensors)
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass "
                      "the indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but '
                           f"received: {indexing}")
    dims = list(range(len(inputs)))
    if indexing == "xy" and len(inputs) >= 2:
        dims[0], dims[1] = 1, 0  # the first input runs along columns, the second rows
    sizes = [t._array.size for t in inputs]
    shape = [0] * len(inputs)
    for tensor_dim, size in zip(dims, sizes):
        shape[tensor_dim] = size
    outputs = []
    for tensor, tensor_dim in zip(inputs, dims):
        along = [1] * len(inputs)
        along[tensor_dim] = -1
        outputs.append(expand(view(tensor, along), shape))
    return tuple(outputs)
