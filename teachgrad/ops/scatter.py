"""scatter, scatter_add and their in-place forms: gather run backwards.

out starts as a copy of input; then every element of src goes to out at its own
position, except along `dim`, where index says where: for dim=0,
out[index[i][j]][j] = src[i][j] (or +=, *=, max=, ... for the reducing forms).

Backward follows each value: an element of src gets the gradient of the place it
went to (gather), and input keeps the gradient only where nothing overwrote it.
The reducing forms send the gradient through their reduction (a sum passes it
unchanged, a mean divides it by the count, a max sends it to the winners; see
scatter_reduce.py). The helpers here write with repeated places for both files.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from teachgrad.autograd.function import Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast import check_same_device
from teachgrad.ops.indexing import along_dim_index, gather
from teachgrad.ops.inplace import apply_inplace
from teachgrad.ops.torch_edges import TorchEdges
from teachgrad.tensor import Tensor, _wrap_dim

_UFUNCS = {"sum": "add", "prod": "multiply", "mean": "add", "amax": "maximum",
           "amin": "minimum"}


# ---------------------------------------------------------------- checks and writing


def check_index_dtype(name: str, index: Tensor) -> None:
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index._array.dtype.kind not in "iu" or index._array.dtype.itemsize not in (4, 8):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index. Convert it with "
                           "index.long().")


def scatter_positions(name: str, array: Any, axis: int, index: Any,
                      src_shape: tuple | None) -> tuple | None:
    """The NumPy index of the places index names in array, after torch's checks.

    None when index is empty: torch then checks nothing and writes nothing.
    """
    if index.size == 0:
        return None
    ndim = max(array.ndim, 1)
    if max(index.ndim, 1) != ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as self "
                           "tensor")
    if src_shape is not None and max(len(src_shape), 1) != max(index.ndim, 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as src "
                           "tensor")
    shape, picks = array.shape or (1,), index.shape or (1,)
    src = (src_shape or (1,)) if src_shape is not None else None
    too_big = any(want > have for d, (want, have) in enumerate(zip(picks, shape)) if d != axis)
    if too_big or (src is not None and any(w > s for w, s in zip(picks, src))):
        also = f" and to be no larger size than src {list(src_shape)}" if src is not None else ""
        raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self "
                           f"{list(array.shape)} apart from dimension {axis}{also}")
    size = shape[axis]
    outside = (index < 0) | (index >= size)
    if bool(outside.any()):
        bad = int(index[outside].reshape(-1)[0])
        raise RuntimeError(f"index {bad} is out of bounds for dimension {axis} with size {size}")
    if array.ndim == 0:
        return ()
    # A 0-d index names one place, like a 1-element one: along_dim_index would read it
    # as NumPy's empty index (), every place at once.
    return along_dim_index(index.astype("int64", copy=False).reshape(picks), axis)


def src_part(src: Any, index_shape: tuple) -> Any:
    """The corner of src that index covers (src may be larger than index)."""
    if src.shape == index_shape:
        return src
    if src.ndim and not index_shape:
        index_shape = (1,) * src.ndim  # a 0-d index takes src's first value
    return src[tuple(slice(0, size) for size in index_shape)]


def ufunc_at(name: str, out: Any, where: tuple, values: Any) -> None:
    """out[where] op= values, each repeated place taking every one of its values.

    NumPy's ufunc.at does this on the CPU. CuPy has it for add, maximum and minimum
    only (and not for every dtype); elsewhere the values go in rounds, each round
    writing at most one value per place, so that plain indexing is enough.
    """
    xp = array_module(out)
    ufunc = getattr(xp, name)
    try:
        ufunc.at(out, where, values)
        return
    except (AttributeError, NotImplementedError, TypeError):
        pass
    target = out if out.flags.c_contiguous else out.copy()
    flat_out = target.reshape(-1)  # contiguous: a view, so writes reach target
    places = xp.zeros((), dtype="int64")  # each place's position in flat_out
    step = 1
    for part, size in reversed(list(zip(where, out.shape))):
        places = places + part * step
        step *= size
    places = xp.broadcast_to(places, xp.broadcast_arrays(*where)[0].shape if where else ())
    values = xp.broadcast_to(values, places.shape).reshape(-1)
    places = places.reshape(-1)
    order = xp.argsort(places)
    places, values = places[order], values[order]
    # rank: how many earlier values go to the same place (0 for the first)
    count = places.size
    starts = xp.ones(count, dtype=bool)
    starts[1:] = places[1:] != places[:-1]
    group = xp.cumsum(starts) - 1
    rank = xp.arange(count) - xp.arange(count)[starts][group]
    for round_number in range(int(rank.max()) + 1 if count else 0):
        chosen = rank == round_number
        targets = places[chosen]
        flat_out[targets] = ufunc(flat_out[targets], values[chosen])
    if target is not out:
        out[...] = target


def _identity(reduce: str, dtype: Any) -> Any:
    """The value that leaves a reduction unchanged (include_self=False starts from it)."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "b":
        return reduce == "amin"
    if dtype.kind == "f":
        return float("-inf") if reduce == "amax" else float("inf")
    info = np.iinfo(dtype)  # a fact about the dtype (CuPy's dtypes are NumPy's), no array
    return info.min if reduce == "amax" else info.max


def reduce_into(array: Any, where: tuple | None, values: Any, reduce: str,
                include_self: bool) -> Any:
    """A copy of array with values reduced into the places `where` names."""
    out = array.copy()
    if where is None:
        return out
    xp = array_module(array)
    if not include_self:
        out[where] = _identity(reduce, array.dtype)
    ufunc_at(_UFUNCS[reduce], out, where, values)
    if reduce == "mean":
        count = xp.ones(array.shape, dtype="int64") if include_self else \
            xp.zeros(array.shape, dtype="int64")
        ufunc_at("add", count, where, xp.ones(values.shape, dtype="int64"))
        count = xp.maximum(count, 1)  # places nothing went to keep their value
        if out.dtype.kind == "f":
            return (out / count).astype(out.dtype, copy=False)
        return (out // count).astype(out.dtype, copy=False)  # torch floors integer means
    return out


def _checked_source(ctx: Node, name: str, x: Tensor, dim: int, index: Tensor,
                    src: Tensor) -> tuple[Any, Any, Any]:
    """scatter's and scatter_add's shared checks, in torch's order; keeps what backward needs.
    Returns x's array, src's array and the positions src's values go to."""
    array, values = x._array, src._array
    check_same_device(array, values)
    axis = _wrap_dim(dim, array.ndim)
    check_index_dtype(name, index)
    if values.dtype != array.dtype:
        raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype. "
                           "Convert src with src.to(x.dtype).")
    where = scatter_positions(name, array, axis, index._array, values.shape)
    ctx.axis, ctx.src_shape = axis, values.shape
    ctx.save_for_backward(index)
    return array, values, where


# ---------------------------------------------------------------- scatter


class Scatter(TorchEdges):
    """input.scatter(dim, index, src): src's values written where index says."""

    node_name = "ScatterBackward0"
    _edges = (0, 3)  # torch's edges: the differentiable tensors

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, index: Tensor, src: Tensor) -> Any:
        array, values, where = _checked_source(ctx, "scatter", x, dim, index, src)
        out = array.copy()
        if where is not None:
            out[where] = src_part(values, index._array.shape)
        return out

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (index,) = ctx.saved_tensors
        grad_x = ScatterValue.apply(grad, ctx.axis, index, 0) if ctx.needs_input_grad[0] \
            else None
        grad_src = None
        if ctx.needs_input_grad[3]:
            grad_src = gathered_like_src(grad, ctx.axis, index, ctx.src_shape, "ScatterBackward0")
        return grad_x, None, None, grad_src


def gathered_like_src(grad: Tensor, axis: int, index: Tensor, src_shape: tuple,
                      node: str) -> Tensor:
    """grad gathered back to src; torch refuses when src was larger than index."""
    if tuple(index.shape) != tuple(src_shape):
        raise RuntimeError(
            f"Function {node} returned an invalid gradient at index 1 - got "
            f"{list(index.shape)} but expected shape compatible with {list(src_shape)}. "
            "(torch cannot differentiate a scatter from a src larger than its index: "
            "slice src to index's shape first.)")
    if index.dim() == 0 and grad.dim() == 1:
        # one place picked by a 0-d index (gather itself wants a 1-element index)
        return gather(grad, axis, as_long(index).reshape(1)).reshape(())
    return gather(grad, axis, as_long(index))


def as_long(index: Tensor) -> Tensor:
    """int32 indices are accepted here, as in torch; gather takes int64."""
    return index if index._array.dtype.itemsize == 8 else index.long()


class ScatterValue(TorchEdges):
    """input.scatter(dim, index, value): one number written where index says."""

    node_name = "ScatterBackward1"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, index: Tensor, value: Any) -> Any:
        array = x._array
        axis = _wrap_dim(dim, array.ndim)
        check_index_dtype("scatter", index)
        where = scatter_positions("scatter", array, axis, index._array, None)
        ctx.axis = axis
        ctx.save_for_backward(index)
        out = array.copy()
        if where is not None:
            out[where] = value
        return out

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (index,) = ctx.saved_tensors
        return ScatterValue.apply(grad, ctx.axis, index, 0), None, None, None


class ScatterWithReduce(TorchEdges):
    """scatter(..., reduce='add' | 'multiply'): deprecated in torch, with no derivative."""

    node_name = "NotImplemented"
    _edges = (0, 3)  # torch's edges: the differentiable tensors

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, index: Tensor, src: Any, reduce: str) -> Any:
        if reduce not in ("add", "multiply"):
            raise RuntimeError("reduce argument must be either add or multiply. For sum, "
                               "prod, mean, amax or amin use scatter_reduce.")
        array = x._array
        axis = _wrap_dim(dim, array.ndim)
        check_index_dtype("scatter", index)
        tensor_src = isinstance(src, Tensor)
        if tensor_src and src._array.dtype != array.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype. "
                               "Convert src with src.to(x.dtype).")
        where = scatter_positions("scatter", array, axis, index._array,
                                  src._array.shape if tensor_src else None)
        values = src_part(src._array, index._array.shape) if tensor_src else src
        return reduce_into(array, where, values, "sum" if reduce == "add" else "prod", True)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        raise RuntimeError("derivative for aten::scatter is not implemented (with reduce=). "
                           "Use scatter_add or scatter_reduce, which have derivatives.")


def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, value: Any = None, *,
            reduce: str | None = None) -> Tensor:
    """torch.scatter(input, dim, index, src) or (..., value); also Tensor.scatter."""
    source = value if src is None else src
    if source is None:
        raise TypeError("scatter() missing 1 required argument: 'src' (a tensor) or 'value' "
                        "(a number)")
    if isinstance(source, Tensor) and source._array.ndim == 0 and index._array.ndim != 0:
        source = source.item()  # a 0-d tensor is read as the value overload, as in torch
    if reduce is not None:
        if isinstance(source, Tensor):
            warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated "
                          "and will be removed in a future PyTorch release. Use "
                          "torch.scatter_reduce instead for more reduction options.",
                          UserWarning, stacklevel=2)
        return ScatterWithReduce.apply(input, dim, index, source, reduce)
    if isinstance(source, Tensor):
        return Scatter.apply(input, dim, index, source)
    return ScatterValue.apply(input, dim, index, source)


def scatter_(input: Tensor, dim: int, index: Tensor, src: Any = None, value: Any = None, *,
             reduce: str | None = None) -> Tensor:
    return apply_inplace(input, _scatter_positional, dim, index, src, value, reduce)


def _scatter_positional(x: Tensor, dim: int, index: Tensor, src: Any, value: Any,
                        reduce: str | None) -> Tensor:
    return scatter(x, dim, index, src, value, reduce=reduce)


# ---------------------------------------------------------------- scatter_add


class ScatterAddInto(TorchEdges):
    """input.scatter_add(dim, index, src): src's values added where index says."""

    node_name = "ScatterAddBackward0"
    _edges = (0, 3)  # torch's edges: the differentiable tensors

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, index: Tensor, src: Tensor) -> Any:
        array, values, where = _checked_source(ctx, "scatter_add", x, dim, index, src)
        return reduce_into(array, where, src_part(values, index._array.shape), "sum", True)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (index,) = ctx.saved_tensors
        grad_src = gathered_like_src(grad, ctx.axis, index, ctx.src_shape,
                                     "ScatterAddBackward0") if ctx.needs_input_grad[3] else None
        return grad, None, None, grad_src


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    return ScatterAddInto.apply(input, dim, index, src)


def scatter_add_(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    return apply_inplace(input, scatter_add, dim, index, src)
