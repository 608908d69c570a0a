"""Reductions: sum, mean, max/min, amax/amin, prod, var/std, argmax/argmin, any/all.

A reduction's backward spreads the gradient of each result back over the elements
that produced it: equally for a sum, divided by the count for a mean, to the winner
for a max. The helper `_expand_back` undoes the reduction's change of shape first.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.autograd.grad_mode import _GradState
from teachgrad.device import array_module
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor, _wrap_dim


def _axes(dim: Any, ndim: int) -> tuple[int, ...] | None:
    """Normalise dim (None, an int, or a sequence of ints) to sorted non-negative axes."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return None  # torch treats dim=() and dim=[] as "all dims" for sum and mean
        axes = tuple(sorted(_wrap_dim(d, ndim) for d in dim))
        if len(set(axes)) != len(axes):
            raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
        return axes
    return (_wrap_dim(dim, ndim),) if ndim else ()


def _kept_shape(input_shape: tuple, axes: tuple | None, keepdim: bool) -> tuple | None:
    """The result's shape had the reduced dims been kept (None: it broadcasts as it is)."""
    if axes is None or keepdim:  # a 0-d result, or one that kept its dims
        return None
    return tuple(1 if d in axes else size for d, size in enumerate(input_shape))


def _expand_back(grad: Tensor, input_shape: tuple, axes: tuple | None, keepdim: bool) -> Tensor:
    """Reshape a reduced gradient so it broadcasts over the input, then broadcast it."""
    kept_shape = _kept_shape(input_shape, axes, keepdim)
    if kept_shape is not None:
        grad = grad.reshape(kept_shape)
    return grad.expand(input_shape)


class Sum(Function):
    node_name = "SumBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Any, keepdim: bool, dtype: Any = None) -> Any:
        array = x._array
        ctx.input_shape = array.shape
        ctx.axes = None if dim is None else _axes(dim, array.ndim)
        ctx.keepdim = keepdim
        if dtype is not None:
            array = array.astype(dtypes.to_dtype(dtype).numpy_dtype, copy=False)
        elif array.dtype.kind in "biu":
            array = array.astype(dtypes.int64.numpy_dtype, copy=False)  # torch sums ints in int64
        # dtype= keeps what was asked for: NumPy alone would widen an int32 sum to int64.
        return array.sum(axis=ctx.axes, keepdims=keepdim, dtype=array.dtype)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return _expand_back(grad, ctx.input_shape, ctx.axes, ctx.keepdim), None, None, None


SumDim = renamed(Sum, "SumBackward1")


class Mean(Function):
    node_name = "MeanBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Any, keepdim: bool) -> Any:
        array = x._array
        if array.dtype.kind != "f":
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a floating "
                f"point or complex dtype. Got: {dtypes.legacy_name(x.dtype)}. Convert first with "
                ".float()."
            )
        ctx.input_shape = array.shape
        ctx.axes = _axes(dim, array.ndim)
        ctx.keepdim = keepdim
        ctx.count = array.size if ctx.axes is None else _product(array.shape[a] for a in ctx.axes)
        return array.mean(axis=ctx.axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        spread = _expand_back(grad, ctx.input_shape, ctx.axes, ctx.keepdim)
        return spread / ctx.count, None, None


MeanDim = renamed(Mean, "MeanBackward1")


def _product(values: Any) -> int:
    result = 1
    for value in values:
        result *= value
    return result


class Prod(Function):
    node_name = "ProdBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: Any, keepdim: bool) -> Any:
        array = x._array
        ctx.axis = None if dim is None else _wrap_dim(dim, array.ndim)
        ctx.keepdim = keepdim
        if array.dtype.kind in "biu":
            array = array.astype(dtypes.int64.numpy_dtype)
        result = Tensor._make(array.prod(axis=ctx.axis, keepdims=keepdim))
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, result = ctx.saved_tensors
        axes = None if ctx.axis is None else (ctx.axis,)
        spread = _expand_back(grad, x.shape, axes, ctx.keepdim)
        if not bool((x == 0).any()):
            # d(prod)/dx_i is the product of the others: prod / x_i when no x is zero.
            return spread * _expand_back(result, x.shape, axes, ctx.keepdim) / x, None, None
        if _GradState.enabled:
            # backward(create_graph=True): this gradient will be differentiated again,
            # so build it from recorded ops (the array shortcut below is invisible).
            return spread * _product_of_others_recorded(x, ctx.axis), None, None
        return spread * _product_of_others(x, ctx.axis), None, None


ProdDim = renamed(Prod, "ProdBackward1")


def _product_of_others_recorded(x: Tensor, axis: int | None) -> Tensor:
    """_product_of_others from differentiable ops, for create_graph=True.

    Row i of an n x n grid holds every element along the axis, with a 1 in place of
    the i-th; each row's product is then the product of the others. It costs n^2
    memory along the axis, which only double backward through zeros ever pays.
    """
    from teachgrad.ops.where import where

    values = x.reshape(-1) if axis is None else x.transpose(axis, -1)
    count = values.shape[-1]
    own_place = Tensor._make(array_module(x._array).eye(count, dtype=bool))
    grid = values.unsqueeze(-2).expand(*values.shape[:-1], count, count)
    others = where(own_place, 1.0, grid).prod(-1)
    return others.reshape(x.shape) if axis is None else others.transpose(axis, -1)


def _product_of_others(x: Tensor, axis: int | None) -> Tensor:
    """Product of all other elements along axis, exact even where x has zeros."""
    array = x._array
    xp = array_module(array)
    flat = axis is None
    values = array.reshape(-1) if flat else array
    along = 0 if flat else axis
    ones_shape = list(values.shape)
    ones_shape[along] = 1
    ones = xp.ones(ones_shape, values.dtype)
    # exclusive cumulative products from the left and from the right, multiplied
    left = xp.concatenate([ones, xp.cumprod(values, axis=along)], axis=along)
    left = xp.take(left, xp.arange(values.shape[along]), axis=along)
    flipped = xp.flip(values, axis=along)
    right = xp.concatenate([ones, xp.cumprod(flipped, axis=along)], axis=along)
    right = xp.flip(xp.take(right, xp.arange(values.shape[along]), axis=along), axis=along)
    others = left * right
    return Tensor._make(others.reshape(array.shape))


def _float_input(x: Tensor, name: str) -> Any:
    if x._array.dtype.kind != "f":
        raise RuntimeError(
            f"{name}(): input dtype should be either floating point or complex dtypes. Got "
            f"{dtypes.legacy_name(x.dtype)} instead. Convert first with .float()."
        )
    return x._array


# ---------------------------------------------------------------- public functions


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None
        ) -> Tensor:
    if dim is None or dim == () or dim == []:
        return Sum.apply(input, None, keepdim, dtype)
    return SumDim.apply(input, dim, keepdim, dtype)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    if dim is None or dim == () or dim == []:
        return Mean.apply(input, None, keepdim)
    return MeanDim.apply(input, dim, keepdim)


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return Prod.apply(input, None, False)
    return ProdDim.apply(input, dim, keepdim)


