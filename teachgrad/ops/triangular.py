"""tril and triu: the lower (upper) triangle of the last two dims, zeros elsewhere.

`diagonal` shifts the border: 0 keeps the main diagonal, 1 one more diagonal above it,
-1 one fewer. Elements kept pass their gradient; zeroed ones pass none, so backward is
the same triangle of the gradient.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Node
from teachgrad.device import array_module
from teachgrad.ops.inplace import apply_inplace
from teachgrad.ops.torch_edges import TorchEdges
from teachgrad.tensor import Tensor


class Tril(TorchEdges):
    node_name = "TrilBackward0"
    _name = "tril"

    @staticmethod
    def forward(ctx: Node, x: Tensor, diagonal: int) -> Any:
        array = x._array
        function = ctx._function
        if array.ndim < 2:
            raise RuntimeError(f"{function._name}: input tensor must have at least 2 "
                               f"dimensions (got {array.ndim}); make a matrix first, e.g. "
                               "x.unsqueeze(0).")
        ctx.diagonal = int(diagonal)
        return getattr(array_module(array), function._name)(array, ctx.diagonal)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return ctx._function.apply(grad, ctx.diagonal), None


class Triu(Tril):
    node_name = "TriuBackward0"
    _name = "triu"


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    return Tril.apply(input, diagonal)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    return Triu.apply(input, diagonal)


def tril_(input: Tensor, diagonal: int = 0) -> Tensor:
    return apply_inplace(input, tril, diagonal)


def triu_(input: Tensor, diagonal: int = 0) -> Tensor:
    return apply_inplace(input, triu, diagonal)


def _indices(lower: bool, row: int, col: int, offset: int, dtype: Any, device: Any) -> Tensor:
    from teachgrad import dtypes
    from teachgrad.device import as_device, module_for

    xp = module_for(as_device(device))
    # the places of a row x col grid on the right side of the diagonal, row by row
    above = xp.arange(col)[None, :] - xp.arange(row)[:, None]  # column - row
    rows, columns = xp.nonzero(above <= offset if lower else above >= offset)
    target = dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)
    return Tensor._make(xp.stack([rows, columns]).astype(target.numpy_dtype))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None) -> Tensor:
    """The (row, column) positions of the lower triangle of a row x col matrix, as a
    (2, n) tensor, row by row."""
    return _indices(True, row, col, offset, dtype, device)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None) -> Tensor:
    return _indices(False, row, col, offset, dtype, device)
