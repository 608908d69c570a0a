"""Extremes: max and min (of all, or along a dim, with indices), amax/amin, argmax/argmin, any/all.

A max passes the gradient back to the element (or elements) that won; each backward
says how ties are treated, as torch treats them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.dims import axis_or_none
from teachgrad.ops.reductions import _axes, _expand_back
from teachgrad.ops.renamed import renamed
from teachgrad.ops.return_types import return_type
from teachgrad.tensor import Tensor


class MaxAll(Function):
    """max() over every element; ties share the gradient evenly, as in torch.

    A NaN wins a max (and a min): the gradient goes to the NaNs, shared evenly.
    """

    node_name = "MaxBackward1"
    _pick = "max"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        _require_elements(x, ctx._function._pick)
        result = Tensor._make(getattr(x._array, ctx._function._pick)())
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        x, result = ctx.saved_tensors
        winners = x.isnan() if bool(result.isnan()) else x == result
        # Selected, not grad * winners: an infinite grad leaves the losers at 0, not NaN.
        return (grad / winners.sum()).expand(x.shape).masked_fill(~winners, 0)


MinAll = renamed(MaxAll, "MinBackward1", _pick="min")


class Amax(Function):
    """amax(dims): the largest values over some dims (all by default); no indices.

    Unlike max(dim), which sends the gradient to the one index it returns, amax shares
    it evenly between tied maxima, as torch does.
    """

    node_name = "AmaxBackward0"
    _pick = "max"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Any, keepdim: bool) -> Any:
        array = x._array
        ctx.axes, ctx.keepdim = _axes(dim, array.ndim), keepdim
        _require_elements(x, "a" + ctx._function._pick, ctx.axes)
        result = Tensor._make(getattr(array, ctx._function._pick)(axis=ctx.axes,
                                                                  keepdims=keepdim))
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, result = ctx.saved_tensors
        winners = x == _expand_back(result, x.shape, ctx.axes, ctx.keepdim)
        spread = _expand_back(grad, x.shape, ctx.axes, ctx.keepdim)
        return spread * winners / winners.sum(ctx.axes, keepdim=True), None, None


Amin = renamed(Amax, "AminBackward0", _pick="min")


class MaxDim(Function):
    """max(dim): the values and their indices; the gradient goes to the index taken."""

    node_name = "MaxBackward0"
    _pick = "argmax"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, keepdim: bool) -> tuple:
        array = x._array
        axis = axis_or_none(dim, array.ndim)
        _require_elements(x, "max" if ctx._function._pick == "argmax" else "min",
                          () if axis is None else (axis,))
        name = ctx._function._pick
        return picked(ctx, array, axis, keepdim,
                      lambda values, along: getattr(values, name)(axis=along, keepdims=True))

    @staticmethod
    def backward(ctx: Node, grad: Tensor, grad_indices: Any) -> tuple:
        return picked_grad(ctx, grad), None, None


def picked(ctx: Node, array: Any, axis: int | None, keepdim: bool, pick: Callable) -> tuple:
    """The element pick(array, axis) chooses in each slice (its indices, keepdims), and
    those indices; the whole of a 0-d tensor (index 0) when axis is None."""
    xp = array_module(array)
    if axis is None:
        indices, values = xp.zeros((), dtype=dtypes.int64.numpy_dtype), array.copy()
    else:
        indices = pick(array, axis)
        values = xp.take_along_axis(array, indices, axis=axis)
        if not keepdim:
            values, indices = values.squeeze(axis), indices.squeeze(axis)
    ctx.axis, ctx.keepdim, ctx.input_shape = axis, keepdim, array.shape
    return values_and_indices(ctx, values, indices)


def picked_grad(ctx: Node, grad: Tensor) -> Tensor:
    """picked's backward: the gradient goes to the element each slice picked."""
    (indices,) = ctx.saved_tensors
    if ctx.axis is None:
        return grad
    return grad_at_indices(grad, indices, ctx.axis, ctx.keepdim, ctx.input_shape)


MinDim = renamed(MaxDim, "MinBackward0", _pick="argmin")


def values_and_indices(ctx: Node, values: Any, indices: Any) -> tuple:
    """The (values, int64 indices) pair that max(dim), sort and topk return.

    The indices are saved for backward (which routes each gradient to its index) and
    carry no gradient themselves.
    """
    index_tensor = Tensor._make(indices.astype(dtypes.int64.numpy_dtype, copy=False))
    ctx.save_for_backward(index_tensor)
    ctx.mark_non_differentiable(index_tensor)
    return values, index_tensor


def grad_at_indices(grad: Tensor, indices: Tensor, axis: int, keepdim: bool,
                    input_shape: tuple) -> Tensor:
    """Place each gradient at its index along `axis`; zeros elsewhere (differentiable)."""
    if not keepdim:
        grad, indices = grad.unsqueeze(axis), indices.unsqueeze(axis)
    xp = array_module(indices._array)
    positions = xp.arange(input_shape[axis]).reshape(
        tuple(-1 if d == axis else 1 for d in range(len(input_shape)))
    )
    not_chosen = Tensor._make(positions != indices._array)
    # Selected, not grad * chosen: an infinite (or NaN) grad stays out of the zeros.
    return grad.expand(not_chosen.shape).masked_fill(not_chosen, 0)


def _require_elements(x: Tensor, name: str, axes: tuple | None = None,
                      error: type = RuntimeError) -> None:
    """torch's errors for a max or min over nothing: over every dim of an empty tensor
    (RuntimeError; IndexError for argmax), or over a dim of size 0 (IndexError). Over
    other dims of an empty tensor the result is simply empty."""
    if axes is None and x._array.size == 0:
        raise error(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument."
        )
    for axis in axes or ():
        if x._array.shape[axis] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")


# What max(dim)/min(dim) return: named (values, indices) pairs that print as torch's.
MaxResult = return_type("max", ["values", "indices"])
MinResult = return_type("min", ["values", "indices"])


def max(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None) -> Any:
    if isinstance(dim, Tensor) or other is not None:  # max(x, y) and max(x, other=y)
        from teachgrad.ops.where import maximum

        if other is not None and dim is not None:
            raise TypeError("max() takes a dim or another tensor, not both: "
                            "max(x, dim) reduces, max(x, other) compares")
        return maximum(input, dim if other is None else other)
    if dim is None:
        return MaxAll.apply(input)
    return MaxResult(*MaxDim.apply(input, dim, keepdim))


def min(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None) -> Any:
    if isinstance(dim, Tensor) or other is not None:  # min(x, y) and min(x, other=y)
        from teachgrad.ops.where import minimum

        if other is not None and dim is not None:
            raise TypeError("min() takes a dim or another tensor, not both: "
                            "min(x, dim) reduces, min(x, other) compares")
        return minimum(input, dim if other is None else other)
    if dim is None:
        return MinAll.apply(input)
    return MinResult(*MinDim.apply(input, dim, keepdim))


def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    return Amax.apply(input, dim, keepdim)


def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    return Amin.apply(input, dim, keepdim)


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _arg(input, dim, keepdim, "argmax")


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _arg(input, dim, keepdim, "argmin")


def _arg(input: Tensor, dim: int | None, keepdim: bool, pick: str) -> Tensor:
    axis = None if dim is None else axis_or_none(dim, input._array.ndim)
    if input._array.dtype.kind == "b":  # checked before emptiness, as torch does
        raise RuntimeError(f"{pick}(): does not support bool input. Convert it first, e.g. "
                           f"mask.int().{pick}().")
    _require_elements(input, pick, None if dim is None else (() if axis is None else (axis,)),
                      IndexError)
    array = input._array
    if dim is None:
        index = getattr(array.reshape(-1), pick)()
        result = index.reshape((1,) * array.ndim) if keepdim else index
    else:
        result = getattr(array, pick)(axis=axis, keepdims=keepdim)
    return Tensor._make(array_module(array).asarray(result, dtype=dtypes.int64.numpy_dtype))


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    axes = _axes(dim, input._array.ndim)
    return _truth(input, input._array.any(axis=axes, keepdims=keepdim))


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    axes = _axes(dim, input._array.ndim)
    return _truth(input, input._array.all(axis=axes, keepdims=keepdim))


def _truth(input: Tensor, answer: Any) -> Tensor:
    """all/any's answer as a tensor: bool, except for a uint8 input, which gets 0 or 1 in
    uint8 (torch keeps the byte masks of its older versions working)."""
    array = array_module(input._array).asarray(answer)
    return Tensor._make(array.astype(input._array.dtype) if input._array.dtype.kind == "u"
                        else array)
