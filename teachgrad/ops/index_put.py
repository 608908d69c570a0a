"""index_put and index_put_: x[indices] = values as a call, or x[indices] += values
with accumulate=True (a place named twice then gets both values).

Without accumulate it is item assignment (inplace.IndexPut, IndexPutBackward0). With
it, the places are first turned into flat positions (by indexing an arange the shape
of x with the same index, so every kind of index torch takes works), then the values
are added there. Backward: x's gradient passes unchanged (nothing was overwritten);
each value gets the gradient of the place it was added to.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Node
from teachgrad.device import array_module
from teachgrad.ops import indexing
from teachgrad.ops.broadcast import check_same_device, sum_to_shape
from teachgrad.ops.inplace import IndexPut, apply_inplace
from teachgrad.ops.scatter import ufunc_at
from teachgrad.ops.torch_edges import TorchEdges
from teachgrad.tensor import Tensor


class IndexPutAccumulate(TorchEdges):
    node_name = "IndexPutBackward0"
    _edges = (0, 2)  # torch's edges: the differentiable tensors

    @staticmethod
    def forward(ctx: Node, x: Tensor, index: Any, values: Tensor) -> Any:
        array = x._array
        check_same_device(array, values._array)
        xp = array_module(array)
        try:
            places = indexing.read(xp.arange(array.size).reshape(array.shape), index)
        except IndexError as error:
            raise IndexError(str(error).replace("axis", "dimension")) from None
        try:
            spread = xp.broadcast_to(values._array, places.shape)
        except ValueError:
            raise RuntimeError(
                f"shape mismatch: value tensor of shape {list(values.shape)} cannot be "
                f"broadcast to indexing result of shape {list(places.shape)}") from None
        ctx.values_shape = values.shape
        ctx.save_for_backward(Tensor._make(places))
        out = array.copy()
        ufunc_at("add", out.reshape(-1), (places.reshape(-1),), spread.reshape(-1))
        return out

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (places,) = ctx.saved_tensors
        grad_values = sum_to_shape(grad.reshape(-1)[places], tuple(ctx.values_shape)) \
            if ctx.needs_input_grad[2] else None
        return grad, None, grad_values


def _checked_index(indices: Any, values: Any, x: Tensor) -> Any:
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): argument 'indices' (position 1) must be tuple of "
                        f"Tensors, not {type(indices).__name__}")
    for part in indices:
        if not isinstance(part, Tensor):
            raise TypeError(f"index_put(): argument 'indices' (position 1) must be tuple of "
                            f"Tensors, not {type(part).__name__}")
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' (position 2) must be Tensor, not "
                        f"{type(values).__name__}")
    if values._array.dtype != x._array.dtype:
        raise RuntimeError(
            f"Index put requires the source and destination dtypes match, got "
            f"{dtypes.legacy_name(x._array.dtype)} for the destination and "
            f"{dtypes.legacy_name(values._array.dtype)} for the source.")
    return indexing.to_array_index(tuple(indices), x)


def index_put(input: Tensor, indices: Any, values: Tensor, accumulate: bool = False
              ) -> Tensor:
    index = _checked_index(indices, values, input)
    if accumulate:
        return IndexPutAccumulate.apply(input, index, values)
    return IndexPut.apply(input, index, values)


def index_put_(input: Tensor, indices: Any, values: Tensor, accumulate: bool = False
               ) -> Tensor:
    _checked_index(indices, values, input)  # before anything is written
    return apply_inplace(input, index_put, indices, values, accumulate)
