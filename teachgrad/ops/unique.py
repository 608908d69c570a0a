"""unique: the distinct values of a tensor (or distinct slices along a dim), sorted;
unique_consecutive: each run of equal neighbours collapsed to one value.

With return_inverse, also where each element's value sits in the result (so that
result[inverse] rebuilds the input); with return_counts, how often each value occurs.
torch defines no derivative for either: the result requires grad when the input does,
but backward through it raises, as in torch.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Node
from teachgrad.device import array_module
from teachgrad.ops.renamed import renamed
from teachgrad.ops.torch_edges import TorchEdges
from teachgrad.tensor import Tensor, _wrap_dim


class Unique(TorchEdges):
    node_name = "Unique2Backward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int | None) -> tuple:
        array = x._array
        xp = array_module(array)
        if dim is None:
            values, inverse, counts = _unique(xp, array.reshape(-1))
            inverse = inverse.reshape(array.shape)
        else:
            if array.ndim == 0:
                raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions; "
                                 "leave dim out (None) for the unique values of a number.")
            axis = _wrap_dim(dim, array.ndim)
            if any(size == 0 for d, size in enumerate(array.shape) if d != axis):
                raise RuntimeError("There are 0 sized dimensions, and they aren't selected, "
                                   "so unique cannot be applied")
            values, inverse, counts = xp.unique(array, return_inverse=True,
                                                return_counts=True, axis=axis)
            inverse = inverse.reshape(-1)
        inverse = Tensor._make(inverse.astype("int64", copy=False))
        counts = Tensor._make(counts.astype("int64", copy=False))
        ctx.mark_non_differentiable(inverse, counts)
        return values, inverse, counts

    @staticmethod
    def backward(ctx: Node, grad: Tensor, grad_inverse: Any, grad_counts: Any) -> tuple:
        name = "_unique2" if ctx._function is Unique else "unique_dim"
        raise NotImplementedError(f"the derivative for '{name}' is not implemented. unique "
                                  "is not differentiable: detach its input, x.detach().unique().")


UniqueDim = renamed(Unique, "UniqueDimBackward0")


def _unique(xp: Any, flat: Any) -> tuple:
    """Each NaN counts as a value of its own, as in torch (NumPy merges them unless told
    otherwise; an array module without equal_nan= merges them too)."""
    try:
        return xp.unique(flat, return_inverse=True, return_counts=True, equal_nan=False)
    except TypeError:
        return xp.unique(flat, return_inverse=True, return_counts=True)


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: int | None = None) -> Any:
    """torch.unique / Tensor.unique. The values always come sorted (torch on the CPU
    sorts even with sorted=False)."""
    kind = Unique if dim is None else UniqueDim
    values, inverse, counts = kind.apply(input, dim)
    extra = ([inverse] if return_inverse else []) + ([counts] if return_counts else [])
    return (values, *extra) if extra else values


class UniqueConsecutive(TorchEdges):
    """Runs of equal neighbours collapsed to one value (NaNs never equal, as in torch)."""

    node_name = "UniqueConsecutiveBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int | None) -> tuple:
        array = x._array
        xp = array_module(array)
        if dim is None:
            rows, axis = array.reshape(-1, 1), None
        else:
            if array.ndim == 0:
                raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
            axis = _wrap_dim(dim, array.ndim)
            rest = 1
            for size in array.shape[:axis] + array.shape[axis + 1:]:
                rest *= size
            rows = xp.moveaxis(array, axis, 0).reshape(array.shape[axis], rest)
        count = rows.shape[0]
        starts = xp.ones(count, dtype=bool)  # does a new run start here?
        if count > 1:
            starts[1:] = (rows[1:] != rows[:-1]).any(axis=1)
        firsts = xp.nonzero(starts)[0]
        if axis is None:
            values = array.reshape(-1)[firsts]
            inverse = (xp.cumsum(starts) - 1).reshape(array.shape)
        else:
            values = xp.take(array, firsts, axis=axis)
            inverse = xp.cumsum(starts) - 1
        ends = xp.concatenate([firsts[1:], xp.full(1, count, dtype=firsts.dtype)])
        counts = ends - firsts
        inverse = Tensor._make(inverse.astype("int64", copy=False))
        counts = Tensor._make(counts.astype("int64", copy=False))
        ctx.mark_non_differentiable(inverse, counts)
        return values, inverse, counts

    @staticmethod
    def backward(ctx: Node, grad: Tensor, grad_inverse: Any, grad_counts: Any) -> tuple:
        raise NotImplementedError("the derivative for 'unique_consecutive' is not "
                                  "implemented. Detach its input: x.detach().unique_consecutive().")


def unique_consecutive(input: Tensor, return_inverse: bool = False,
                       return_counts: bool = False, dim: int | None = None) -> Any:
    values, inverse, counts = UniqueConsecutive.apply(input, dim)
    extra = ([inverse] if return_inverse else []) + ([counts] if return_counts else [])
    return (values, *extra) if extra else values
