"""Diagonals: diagonal (a view), diag (vector to matrix and back), diag_embed,
fill_diagonal_ and trace.

x.diagonal(offset, dim1, dim2) sees the elements x[..i.., ..i + offset..] of two dims
as one new last dim, without copying: its strides step along both dims at once.
diag_embed does the reverse, a last dim laid out on the diagonal of two new dims of
zeros. Each is the other's backward.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.renamed import renamed
from teachgrad.ops.torch_edges import TorchEdges
from teachgrad.ops.views import view_of
from teachgrad.tensor import Tensor, _wrap_dim


def _diagonal_dims(ndim: int, dim1: int, dim2: int) -> tuple[int, int]:
    first, second = (_wrap_dim(dim, ndim) % max(ndim, 1) for dim in (dim1, dim2))
    if first == second:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return first, second


def diagonal_view(array: Any, offset: int, first: int, second: int) -> Any:
    """A writable view of array's diagonal (NumPy's own is read-only): the other dims
    in order, then the diagonal."""
    shape, strides = array.shape, array.strides
    start = [0] * array.ndim
    if offset >= 0:
        start[second] = min(offset, shape[second])
    else:
        start[first] = min(-offset, shape[first])
    length = max(min(shape[first] - start[first], shape[second] - start[second]), 0)
    shifted = array[tuple(slice(begin, None) for begin in start)]
    others = [d for d in range(array.ndim) if d not in (first, second)]
    new_shape = tuple(shape[d] for d in others) + (length,)
    new_strides = tuple(strides[d] for d in others) + (strides[first] + strides[second],)
    return array_module(array).lib.stride_tricks.as_strided(shifted, new_shape, new_strides)


class Diagonal(TorchEdges):
    """x.diagonal(offset, dim1, dim2): a view of one diagonal, as a new last dim."""

    node_name = "DiagonalBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, offset: int, dim1: int, dim2: int) -> Any:
        array = x._array
        first, second = _diagonal_dims(array.ndim, dim1, dim2)
        ctx.shape, ctx.dims = array.shape, (int(offset), first, second)
        picked = diagonal_view(array, int(offset), first, second)
        if ctx._function is Diagonal:
            return view_of(x, picked)
        return picked.copy()  # diag() of a matrix copies, as in torch

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return DiagonalGradient.apply(grad, ctx.shape, *ctx.dims), None, None, None


DiagonalCopy = renamed(Diagonal, "DiagonalBackward0_copy")


class DiagonalGradient(TorchEdges):
    """Zeros of a shape with grad written along one diagonal: the backward of diagonal."""

    node_name = "DiagonalBackwardBackward0"

    @staticmethod
    def forward(ctx: Node, grad: Tensor, shape: tuple, offset: int, first: int,
                second: int) -> Any:
        ctx.dims = (offset, first, second)
        full = array_module(grad._array).zeros(shape, grad._array.dtype)
        diagonal_view(full, offset, first, second)[...] = grad._array
        return full

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return Diagonal.apply(grad, *ctx.dims), None, None, None, None


class DiagEmbed(TorchEdges):
    """diag_embed(x, offset, dim1, dim2): x's last dim on a diagonal of two new dims."""

    node_name = "DiagEmbedBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, offset: int, dim1: int, dim2: int) -> Any:
        array = x._array
        first, second = _diagonal_dims(array.ndim + 1, dim1, dim2)  # (a number fails here)
        size = array.shape[-1] + abs(offset)
        rest = iter(array.shape[:-1])
        shape = tuple(size if d in (first, second) else next(rest)
                      for d in range(array.ndim + 1))
        ctx.dims = (int(offset), first, second)
        full = array_module(array).zeros(shape, array.dtype)
        diagonal_view(full, int(offset), first, second)[...] = array
        return full

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return DiagonalCopy.apply(grad, *ctx.dims), None, None, None


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    return Diagonal.apply(input, offset, dim1, dim2)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    return DiagEmbed.apply(input, offset, dim1, dim2)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A vector becomes a square matrix with it on a diagonal; a matrix gives that
    diagonal (a copy)."""
    ndim = input._array.ndim
    if ndim == 1:
        return DiagEmbed.apply(input, diagonal, 0, 1)
    if ndim == 2:
        return DiagonalCopy.apply(input, diagonal, 0, 1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {ndim}D. For a batch of "
                       "matrices use x.diagonal(dim1=-2, dim2=-1) or torch.diag_embed.")


class FillDiagonal(TorchEdges):
    """The out-of-place twin of x.fill_diagonal_(value, wrap): the main diagonal set.

    torch writes through a view, so its node is CopySlices; the old diagonal values
    get no gradient.
    """

    node_name = "CopySlices"

    @staticmethod
    def forward(ctx: Node, x: Tensor, value: Any, wrap: bool) -> Any:
        array = x._array
        if array.ndim < 2:
            raise RuntimeError("dimensions must larger than 1")
        if array.ndim > 2 and len(set(array.shape)) != 1:
            raise RuntimeError("all dimensions of input must be of equal length")
        out = array.copy()
        ctx.positions = _diagonal_positions(array.shape, wrap)
        out.reshape(-1)[ctx.positions] = value  # out is contiguous: reshape is a view
        return out

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        kept = array_module(grad._array).ones(grad._array.size, dtype=bool)
        kept[ctx.positions] = False
        return grad * Tensor._make(kept.reshape(grad._array.shape)), None, None


def _diagonal_positions(shape: tuple, wrap: bool) -> slice:
    """Where the main diagonal lies in the flattened array (NumPy's fill_diagonal rule:
    a tall matrix with wrap=True starts again after a gap row)."""
    rows, columns = shape[0], shape[-1]
    if len(shape) == 2:
        step = columns + 1
        end = None if wrap else min(rows, columns) * columns
    else:
        step = sum(columns ** power for power in range(len(shape)))
        end = None
    return slice(None, end, step)


def fill_diagonal_(input: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
    from teachgrad.ops.inplace import apply_inplace

    return apply_inplace(input, FillDiagonal.apply, fill_value, wrap)


class Trace(Function):
    """x.trace(): the sum of a matrix's main diagonal (integers summed as int64)."""

    node_name = "TraceBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        array = x._array
        if array.ndim != 2:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with dim "
                               f"{array.ndim}")
        if array.dtype.kind == "b":
            raise NotImplementedError("\"trace\" not implemented for 'Bool'")
        ctx.shape = array.shape
        total = diagonal_view(array, 0, 0, 1).sum()
        return total.astype("int64" if array.dtype.kind in "iu" else array.dtype)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        length = min(ctx.shape)
        return DiagonalGradient.apply(grad.expand(length), ctx.shape, 0, 0, 1)


def trace(input: Tensor) -> Tensor:
    return Trace.apply(input)
