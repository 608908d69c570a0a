"""Running sums and products along a dim: cumsum and cumprod.

out[i] depends on x[0], ..., x[i], so the gradient of x[j] collects the gradients of
every out[i] with i >= j: a running sum taken from the end.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.tensor import Tensor, _wrap_dim


def _scan_input(ctx: Node, x: Tensor, dim: int, dtype: Any) -> tuple[Any, int | None]:
    """The array to scan (ints and bools become int64, as torch does) and its axis."""
    array = x._array
    if dtype is not None:  # (an integer dtype= is refused if x needs a gradient)
        dtype = dtypes.accumulation_dtype(dtype, ctx.needs_input_grad[0])
        array = array.astype(dtype.numpy_dtype, copy=False)
    elif array.dtype.kind in "biu":
        array = array.astype(dtypes.int64.numpy_dtype, copy=False)
    axis = _wrap_dim(dim, array.ndim)
    return array, (axis if array.ndim else None)


#: the dtype torch's CPU scans accumulate a float dtype in (the rest: their own)
_ACCUMULATE_IN = {2: "float32", 4: "float64"}


def _scanned(array: Any, axis: int, name: str) -> Any:
    """array.cumsum or array.cumprod along axis, in array's dtype. float32 is accumulated
    in float64, as torch does: a running product that passes float32's largest value
    can come back (3e38 * 2 * 0.1 is 6e37, not inf)."""
    wider = _ACCUMULATE_IN.get(array.dtype.itemsize) if array.dtype.kind == "f" else None
    if wider is None:
        return getattr(array, name)(axis=axis, dtype=array.dtype)  # NumPy would widen int32
    return getattr(array, name)(axis=axis, dtype=wider).astype(array.dtype)


def _reverse_cumsum(values: Tensor, axis: int) -> Tensor:
    """out[i] = values[i] + values[i+1] + ... along axis: the adjoint of cumsum."""
    return values.flip(axis).cumsum(axis).flip(axis)


class Cumsum(Function):
    """out[i] = x[0] + ... + x[i] along dim. Each x[j] feeds every out[i] with i >= j,
    so its gradient is the sum of the gradients from j to the end."""

    node_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, dtype: Any) -> Any:
        array, ctx.axis = _scan_input(ctx, x, dim, dtype)
        if ctx.axis is None:
            return array.copy()
        return _scanned(array, ctx.axis, "cumsum")

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        if ctx.axis is None:
            return grad, None, None
        return _reverse_cumsum(grad, ctx.axis), None, None


class Cumprod(Function):
    """out[i] = x[0] * ... * x[i] along dim; d out[i] / d x[j] = out[i] / x[j] for i >= j
    (computed without dividing where some x is zero)."""

    node_name = "CumprodBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, dtype: Any) -> Any:
        array, ctx.axis = _scan_input(ctx, x, dim, dtype)
        result = Tensor._make(array.copy() if ctx.axis is None
                              else _scanned(array, ctx.axis, "cumprod"))
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, result = ctx.saved_tensors
        if ctx.axis is None or x.shape[ctx.axis] == 1:  # out is x: d out / dx is 1, even
            return grad, None, None  # where x is inf (out / x would be nan), as in torch
        if not bool((x == 0).any()):
            return _reverse_cumsum(grad * result, ctx.axis) / x, None, None
        return _cumprod_grad_through_zeros(x, grad, ctx.axis), None, None


def _cumprod_grad_through_zeros(x: Tensor, grad: Tensor, axis: int) -> Tensor:
    """sum over i >= j of grad[i] * (product of x[0..i] without x[j]), for every j.

    Row j of an n x n grid is x with a 1 in place of x[j]; its running product is the
    product of x[0..i] without x[j]. Built from recorded ops, so it stays differentiable
    (create_graph); it costs n^2 memory along the dim, paid only when some x is zero.
    """
    from teachgrad.ops.where import where

    values = x.transpose(axis, -1)
    count = values.shape[-1]
    xp = array_module(x._array)
    positions = xp.arange(count)
    own_place = Tensor._make(positions[:, None] == positions[None, :])
    later = Tensor._make(positions[:, None] <= positions[None, :])  # [j, i]: i >= j
    grid = values.unsqueeze(-2).expand(*values.shape[:-1], count, count)
    without_own = where(own_place, 1.0, grid).cumprod(-1)  # [..., j, i]
    upstream = grad.transpose(axis, -1).unsqueeze(-2)  # [..., 1, i]
    summed = where(later, upstream * without_own, 0.0).sum(-1)
    return summed.transpose(axis, -1)


def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    return Cumsum.apply(input, dim, dtype)


def cumprod(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    return Cumprod.apply(input, dim, dtype)
