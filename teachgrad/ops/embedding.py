"""embedding: look up rows of a weight matrix by integer index.

Forward is plain indexing, weight[indices]. Backward adds each output row's gradient
to the row it came from; a row looked up twice gets both gradients. The row at
padding_idx gets none, so a padding token keeps its vector fixed.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.ops.broadcast import check_same_device
from teachgrad.ops.indexing import IndexGradient
from teachgrad.tensor import Tensor


class Embedding(Function):
    node_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx: Node, weight: Tensor, indices: Tensor, padding_idx: int | None) -> Any:
        check_same_device(weight._array, indices._array)
        rows = weight._array.shape[0]
        index = indices._array
        if index.size and bool(((index < 0) | (index >= rows)).any()):
            raise IndexError(
                f"index out of range in self: embedding indices must lie in [0, {rows - 1}] "
                f"for a table of {rows} rows (got {int(index.min())}..{int(index.max())})."
            )
        ctx.weight_shape, ctx.index, ctx.padding_idx = weight._array.shape, index, padding_idx
        return weight._array[index]

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        if ctx.padding_idx is not None:
            grad = grad * Tensor._make(ctx.index != ctx.padding_idx).unsqueeze(-1)
        return IndexGradient.apply(grad, ctx.index, ctx.weight_shape, True), None, None


def embedding(weight: Tensor, indices: Tensor, padding_idx: int | None = None) -> Tensor:
    return Embedding.apply(weight, indices, padding_idx)
