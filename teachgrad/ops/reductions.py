"""Reductions: sum and mean (max/min, prod, var/std live in extrema.py, product.py,
variance.py).

A reduction's backward spreads the gradient of each result back over the elements
that produced it: equally for a sum, divided by the count for a mean, to the winner
for a max. The helper `_expand_back` undoes the reduction's change of shape first.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
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
    axis = _wrap_dim(dim, ndim)  # a 0-d tensor takes dim 0 or -1, and has no axes
    return (axis,) if ndim else ()


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
        if dtype is not None:  # (an integer dtype= is refused if x needs a gradient)
            dtype = dtypes.accumulation_dtype(dtype, ctx.needs_input_grad[0])
            array = array.astype(dtype.numpy_dtype, copy=False)
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
        if ctx.count == 0:  # 0 / 0 is NaN, as in torch, without NumPy's 'Mean of empty slice'
            return array.sum(axis=ctx.axes, keepdims=keepdim) / 0
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


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None
         ) -> Tensor:
    if dtype is not None:  # torch casts first, then takes the mean
        input = input.to(dtype)
    if dim is None or dim == () or dim == []:
        return Mean.apply(input, None, keepdim)
    return MeanDim.apply(input, dim, keepdim)
