"""max_unpool: put each pooled value back where max pooling found it, zeros elsewhere.

Given max pooling's values and its flat indices (return_indices=True), unpooling writes
value k at position indices[k] of an empty (zero) image: a partial inverse of the pool
(what the pool dropped is gone). Its backward reads the gradient at those same
positions: a gather, as max pooling's forward is.
"""

from __future__ import annotations

import math
from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.indexing import Gather
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


class MaxUnpool(Function):
    """out.flat[indices[k]] = x[k] within each (batch, channel) image; zeros elsewhere."""

    node_name = "MaxUnpoolBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, indices: Tensor, output_size: tuple) -> Any:
        array, index = x._array, indices._array
        xp = array_module(array)
        dims = len(output_size)
        lead = array.shape[:array.ndim - dims]
        rows, cells = math.prod(lead), math.prod(output_size)
        flat_index = index.reshape(rows, -1) if rows else index.reshape(0, 0)
        bad = (flat_index < 0) | (flat_index >= cells)
        if bool(bad.any()):
            raise RuntimeError(
                f"Found an invalid max index: {int(flat_index[bad][0])} (output volumes are of "
                f"size {'x'.join(map(str, output_size))}): the indices must come from the max "
                "pool this unpools, with the same kernel_size, stride and padding."
            )
        out = xp.zeros((rows, cells), dtype=array.dtype)
        out[xp.arange(rows).reshape(-1, 1), flat_index] = array.reshape(flat_index.shape)
        ctx.save_for_backward(indices)
        ctx.input_shape, ctx.rows, ctx.cells = array.shape, rows, cells
        return out.reshape(*lead, *output_size)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (indices,) = ctx.saved_tensors
        rows = ctx.rows
        picked = Gather.apply(grad.reshape(rows, ctx.cells), 1,
                              indices.reshape(rows, indices.numel() // max(rows, 1)))
        return picked.reshape(ctx.input_shape), None, None


_NAMED = {dims: renamed(MaxUnpool, f"MaxUnpool{dims}DBackward0") for dims in (2, 3)}


def max_unpool(x: Tensor, indices: Tensor, output_size: tuple) -> Tensor:
    """Unpool x's last len(output_size) dims into an image of output_size."""
    return _NAMED.get(len(output_size), MaxUnpool).apply(x, indices, tuple(output_size))
