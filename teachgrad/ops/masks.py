"""Ops driven by a boolean mask: masked_select, masked_scatter, nonzero (and argwhere).

masked_select reads the elements where the mask is True, in row-major order, into a
1-D tensor; masked_scatter writes the elements of a source, in order, into those
places. Each is the other's backward. nonzero says where the True (non-zero) places
are; it has no gradient.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast import (
    broadcast_error,
    broadcast_shapes,
    check_same_device,
    sum_to_shape,
)
from teachgrad.ops.inplace import apply_inplace
from teachgrad.ops.torch_edges import TorchEdges
from teachgrad.tensor import Tensor


def _bool_mask(name: str, mask: Any) -> Any:
    if not isinstance(mask, Tensor):
        raise TypeError(f"{name}(): argument 'mask' must be Tensor, not {type(mask).__name__}")
    if mask._array.dtype.kind != "b":
        raise RuntimeError(f"{name}: expected BoolTensor for mask. Compare first, e.g. "
                           "x > 0, or convert with mask.bool().")
    return mask._array


def _broadcast(xp: Any, array: Any, mask: Any) -> tuple[Any, Any]:
    try:
        return xp.broadcast_arrays(array, mask)
    except ValueError:
        raise broadcast_error(array.shape, mask.shape) from None


class MaskedSelect(TorchEdges):
    """x.masked_select(mask): the elements of x (broadcast with mask) where mask is True."""

    node_name = "MaskedSelectBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, mask: Tensor) -> Any:
        array, picks = x._array, _bool_mask("masked_select", mask)
        check_same_device(array, picks)
        values, picks = _broadcast(array_module(array), array, picks)
        ctx.shape = array.shape
        ctx.save_for_backward(mask)
        return values[picks]

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (mask,) = ctx.saved_tensors
        shape = tuple(broadcast_shapes(ctx.shape, tuple(mask.shape)))
        spread = MaskedScatter.apply(grad.new_zeros(shape), mask, grad)
        return sum_to_shape(spread, tuple(ctx.shape)), None


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    return MaskedSelect.apply(input, mask)


class MaskedScatter(TorchEdges):
    """x.masked_scatter(mask, source): source's first elements, in order, where mask is
    True; x elsewhere."""

    node_name = "MaskedScatterBackward0"
    _edges = (0, 2)  # torch's edges: the differentiable tensors

    @staticmethod
    def forward(ctx: Node, x: Tensor, mask: Tensor, source: Tensor) -> Any:
        array, picks = x._array, _bool_mask("masked_scatter_", mask)
        values = source._array
        check_same_device(array, picks)
        check_same_device(array, values)
        if values.dtype != array.dtype:
            raise RuntimeError(
                f"masked_scatter_: expected self and source to have same dtypes but got "
                f"{dtypes.legacy_name(array.dtype)} and {dtypes.legacy_name(values.dtype)}")
        xp = array_module(array)
        target, picks = _broadcast(xp, array, picks)
        count = int(picks.sum())
        if count > values.size:
            raise RuntimeError(f"masked_scatter: expected source to have at least {count} "
                               f"elements (the mask has {count} True places), got "
                               f"{values.size}")
        out = target.copy()
        out[picks] = values.reshape(-1)[:count]
        ctx.shape, ctx.source_shape, ctx.count = array.shape, values.shape, count
        ctx.save_for_backward(mask)
        return out

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (mask,) = ctx.saved_tensors
        grad_x = grad_source = None
        if ctx.needs_input_grad[0]:
            grad_x = sum_to_shape(grad.masked_fill(mask, 0), tuple(ctx.shape))
        if ctx.needs_input_grad[2]:
            from teachgrad.ops.joining import cat

            picked = masked_select(grad, mask)
            size = 1
            for length in ctx.source_shape:
                size *= length
            rest = grad.new_zeros((size - ctx.count,))
            grad_source = cat([picked, rest]).reshape(ctx.source_shape)
        return grad_x, None, grad_source


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    return MaskedScatter.apply(input, mask, source)


def masked_scatter_(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """In place the mask broadcasts to x, never x to the mask (checked by the write)."""
    return apply_inplace(input, masked_scatter, mask, source)


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """The positions of the non-zero elements: an (n, ndim) int64 tensor, or with
    as_tuple=True one 1-D tensor per dim (what x[...] accepts as an index)."""
    array = input._array
    xp = array_module(array)
    if array.ndim == 0:  # a number is non-zero at no position or at the empty one
        hits = int(bool(array))
        if as_tuple:
            return (Tensor._make(xp.zeros(hits, dtype="int64")),)
        return Tensor._make(xp.zeros((hits, 0), dtype="int64"))
    where = xp.nonzero(array)
    if as_tuple:
        return tuple(Tensor._make(part.astype("int64", copy=False)) for part in where)
    return Tensor._make(xp.stack(where, axis=1).astype("int64", copy=False))


def argwhere(input: Tensor) -> Tensor:
    return nonzero(input)
