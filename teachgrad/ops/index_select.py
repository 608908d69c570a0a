"""index_select, index_add, index_fill, index_copy (and take_along_dim): whole slices
along one dim, picked, added, filled or written by a vector of positions.

x.index_select(0, idx) is x[idx] for rows (any dim); x.index_add(0, idx, s) adds row i
of s into row idx[i] of x (a row named twice collects both). Each is the other's
backward: the gradient of a picked slice is added back where it came from, and the
gradient of an added slice is picked from where it went.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast import check_same_device
from teachgrad.ops.indexing import along_dim_index
from teachgrad.ops.inplace import apply_inplace
from teachgrad.ops.renamed import renamed
from teachgrad.ops.scatter import reduce_into
from teachgrad.ops.torch_edges import TorchEdges
from teachgrad.tensor import Tensor, _wrap_dim


def _positions(name: str, index: Tensor, size: int | None) -> Any:
    """index as a 1-D int64 array after torch's checks (a 0-d index counts as one);
    its range is checked against size unless that is None (see _check_range)."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not "
                        f"{type(index).__name__}")
    picks = index._array
    if picks.dtype.kind not in "iu" or picks.dtype.itemsize not in (4, 8):
        if name == "index_select":
            raise RuntimeError("index_select(): Expected dtype int32 or int64 for index. "
                               "Convert it with index.long().")
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index but got: "
                           f"{dtypes.legacy_name(picks.dtype)}. Convert it with index.long().")
    if picks.ndim > 1:
        if name == "index_select":
            raise IndexError("index_select(): Index is supposed to be a vector. Flatten it "
                             "with index.reshape(-1).")
        raise IndexError(f"{name}(): Index is supposed to be a vector, but got dim: "
                         f"{picks.ndim} with type: {dtypes.legacy_name(picks.dtype)} and size: "
                         f"{list(picks.shape)}")
    picks = picks.reshape(-1).astype("int64", copy=False)
    if size is not None:
        _check_range(picks, size)
    return picks


def _check_select_range(picks: Any, shape: tuple, axis: int) -> None:
    """index_select's range check, with the error torch's CPU kernels give: a matrix
    read along dim 1 has its own kernel and message, an empty dim another."""
    size = shape[axis]
    if len(shape) >= 2 and picks.size and size == 0:
        raise RuntimeError("index_select(): self indexing axis dim should be positive (the "
                           f"dim {axis} has size 0, so no position is valid)")
    outside = (picks < 0) | (picks >= size)
    empty = any(length == 0 for length in shape)
    if len(shape) >= 2 and (axis == 1 or empty) and picks.size and bool(outside.any()):
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(picks[outside][0])} "
                           f"axis_dim={size}")
    _check_range(picks, size)


def _check_range(picks: Any, size: int) -> None:
    if picks.size and bool(((picks < 0) | (picks >= size)).any()):
        raise IndexError(f"index out of range in self (the dim has size {size}; positions "
                         f"must be in [0, {size - 1}])")


class IndexSelect(TorchEdges):
    """x.index_select(dim, index): the slices of x along dim at the given positions."""

    node_name = "IndexSelectBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, index: Tensor) -> Any:
        array = x._array
        axis = _wrap_dim(dim, array.ndim)
        check_same_device(array, index._array)
        if array.ndim == 0:
            if index._array.size != 1:
                raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, "
                                   f"got {index._array.size} value(s)")
            _positions("index_select", index, 1)
            ctx.axis, ctx.shape = 0, array.shape
            ctx.save_for_backward(index)
            return array.copy()  # a number stays a number (torch)
        picks = _positions("index_select", index, None)
        _check_select_range(picks, array.shape, axis)
        ctx.axis, ctx.shape = axis, array.shape
        ctx.save_for_backward(index)
        return array_module(array).take(array, picks, axis=axis)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (index,) = ctx.saved_tensors
        if not ctx.shape:
            return grad.reshape(()), None, None
        return IndexAdd.apply(grad.new_zeros(ctx.shape), ctx.axis, index, grad, 1), None, None


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    return IndexSelect.apply(input, dim, index)


class IndexAdd(TorchEdges):
    """x.index_add(dim, index, source, alpha=1): source's slices added at the positions."""

    node_name = "IndexAddBackward0"
    _edges = (0, 3)  # torch's edges: the differentiable tensors

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, index: Tensor, source: Tensor,
                alpha: Any) -> Any:
        array, values = x._array, source._array
        check_same_device(array, values)
        axis = _wrap_dim(dim, array.ndim)
        shape = array.shape or (1,)
        picks = _positions("index_add_", index, None)
        if values.dtype != array.dtype:
            raise RuntimeError(
                f"index_add_(): self ({dtypes.legacy_name(array.dtype)}) and source "
                f"({dtypes.legacy_name(values.dtype)}) must have the same scalar type")
        source_shape = values.shape or (1,)
        if (values.ndim != array.ndim and array.ndim) or any(
                have != want for d, (have, want) in enumerate(zip(source_shape, shape))
                if d != axis):
            raise RuntimeError(
                "source tensor shape must match self tensor shape, excluding the specified "
                f"dimension. Got self.shape = {list(array.shape)} source.shape = "
                f"{list(values.shape)}")
        if picks.size != source_shape[axis]:
            raise RuntimeError(
                f"index_add_(): Number of indices ({picks.size}) should be equal to "
                f"source.size(dim): ({source_shape[axis]}), for dim: {axis}")
        if array.ndim >= 2 and index._array.dtype.itemsize == 8:
            # torch's kernel for this case names the bad index (its others do not)
            outside = (picks < 0) | (picks >= shape[axis])
            if bool(outside.any()):
                raise RuntimeError(f"index {int(picks[outside][0])} is out of bounds for "
                                   f"dimension {axis} with size {shape[axis]}")
        _check_range(picks, shape[axis])
        ctx.axis, ctx.alpha, ctx.source_shape = axis, alpha, values.shape
        ctx.save_for_backward(index)
        xp = array_module(array)
        # index_add(dim, idx, s) is scatter_add(dim, idx stretched to s's shape, s)
        along = [1] * len(shape)
        along[axis] = picks.size
        spread = xp.broadcast_to(picks.reshape(along), source_shape)
        scaled = values if alpha == 1 else (values * alpha).astype(values.dtype, copy=False)
        out = reduce_into(array.reshape(shape), along_dim_index(spread, axis),
                          scaled.reshape(source_shape), "sum", True)
        return out.reshape(array.shape)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (index,) = ctx.saved_tensors
        grad_source = None
        if ctx.needs_input_grad[3]:
            picked = index_select(grad.reshape(grad.shape or (1,)), ctx.axis, index)
            grad_source = (picked if ctx.alpha == 1 else picked * ctx.alpha).reshape(
                ctx.source_shape)
        return grad, None, None, grad_source, None


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *,
              alpha: Any = 1) -> Tensor:
    return IndexAdd.apply(input, dim, index, source, alpha)


def index_add_(input: Tensor, dim: int, index: Tensor, source: Tensor, *,
               alpha: Any = 1) -> Tensor:
    return apply_inplace(input, _index_add_positional, dim, index, source, alpha)


def _index_add_positional(x: Tensor, dim: int, index: Tensor, source: Tensor,
                          alpha: Any) -> Tensor:
    return index_add(x, dim, index, source, alpha=alpha)


# ---------------------------------------------------------------- index_fill, index_copy


def _slices_at(axis: int, picks: Any) -> tuple:
    """The NumPy index of the whole slices at these positions along axis."""
    return (slice(None),) * axis + (picks,)


class IndexFill(TorchEdges):
    """x.index_fill(dim, index, value): whole slices set to one value."""

    node_name = "IndexFillBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, index: Tensor, value: Any) -> Any:
        array = x._array
        axis = _wrap_dim(dim, array.ndim)
        if index._array.dtype != "int64":
            raise IndexError("index_fill_(): Expected dtype int64 for index. Convert it with "
                             "index.long().")
        if index._array.ndim > 1:
            raise RuntimeError("Index has to be a vector/scalar")
        if isinstance(value, Tensor):
            if value._array.ndim:
                raise RuntimeError(
                    "index_fill_ only supports a 0-dimensional value tensor, but got tensor "
                    f"with {value._array.ndim} dimension(s).")
            value = value.to(x.device)._array  # a 0-d CPU value may fill a GPU tensor
        size = array.shape[axis] if array.ndim else 1
        picks = index._array.reshape(-1)
        outside = (picks < -size) | (picks >= size)
        if picks.size and bool(outside.any()):
            raise IndexError(f"index {int(picks[outside][0])} is out of bounds for dimension "
                             f"{axis} with size {size}")
        picks = picks % size if size else picks  # a negative position counts from the end
        ctx.axis = axis
        ctx.save_for_backward(Tensor._make(picks))
        out = array.copy()
        if array.ndim == 0:
            return out if not picks.size else array_module(array).asarray(value, array.dtype)
        out[_slices_at(axis, picks)] = value
        return out

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (index,) = ctx.saved_tensors
        grad_x = IndexFill.apply(grad, ctx.axis, index, 0)
        # the value's gradient: everything the filled slices got (each slice once, even
        # when index names it twice), that is all of grad less what x kept
        grad_value = (grad.sum() - grad_x.sum()) if ctx.needs_input_grad[3] else None
        if not ctx.needs_input_grad[0]:
            grad_x = None
        return grad_x, None, None, grad_value


IndexFillTensor = renamed(IndexFill, "IndexFillBackward1", _edges=(0, 3))


def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    kind = IndexFillTensor if isinstance(value, Tensor) else IndexFill
    return kind.apply(input, dim, index, value)


def index_fill_(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    return apply_inplace(input, index_fill, dim, index, value)


class IndexCopy(TorchEdges):
    """x.index_copy(dim, index, source): source's slices written at the positions."""

    node_name = "IndexCopyBackward0"
    _edges = (0, 3)  # torch's edges: the differentiable tensors

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, index: Tensor, source: Tensor) -> Any:
        array, values = x._array, source._array
        check_same_device(array, values)
        axis = _wrap_dim(dim, array.ndim)
        picks = index._array
        if picks.dtype != "int64":
            raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got "
                               f"{dtypes.legacy_name(picks.dtype)}")
        if values.dtype != array.dtype:
            raise RuntimeError(
                "index_copy_(): self and source expected to have the same dtype, but got "
                f"(self) {dtypes.legacy_name(array.dtype)} and (source) "
                f"{dtypes.legacy_name(values.dtype)}")
        picks = picks.reshape(-1)
        shape, source_shape = array.shape or (1,), values.shape or (1,)
        if len(source_shape) != len(shape) or any(
                have != want for d, (have, want) in enumerate(zip(source_shape, shape))
                if d != axis):
            raise RuntimeError(
                "index_copy_(): Source/destination tensor must have same slice shapes. "
                f"Destination shape: {list(array.shape)}, source shape: {list(values.shape)}, "
                f"apart from dimension {axis}.")
        if picks.size != source_shape[axis]:
            raise IndexError(f"index_copy_(): Number of indices ({picks.size}) should be equal "
                             f"to source.size(dim) ({source_shape[axis]})")
        outside = (picks < 0) | (picks >= shape[axis])
        if picks.size and bool(outside.any()):
            raise IndexError(f"index_copy_(): index {int(picks[outside][0])} is out of bounds "
                             f"for dimension {axis} with size {shape[axis]}")
        ctx.axis, ctx.source_shape = axis, values.shape
        ctx.save_for_backward(index)
        out = array.reshape(shape).copy()
        out[_slices_at(axis, picks)] = values.reshape(source_shape)
        return out.reshape(array.shape)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (index,) = ctx.saved_tensors
        grad_x = index_fill(grad, ctx.axis, index, 0) if ctx.needs_input_grad[0] else None
        grad_source = index_select(grad.reshape(grad.shape or (1,)), ctx.axis, index).reshape(
            ctx.source_shape) if ctx.needs_input_grad[3] else None
        return grad_x, None, None, grad_source


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    return IndexCopy.apply(input, dim, index, source)


def index_copy_(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    return apply_inplace(input, index_copy, dim, index, source)


# ---------------------------------------------------------------- take_along_dim


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """gather with broadcasting: indices and input are broadcast against each other
    except along dim (without dim, both are flattened). Negative positions count from
    the end."""
    from teachgrad.ops.broadcast import broadcast_shapes
    from teachgrad.ops.indexing import gather
    from teachgrad.ops.views import expand, reshape

    if indices._array.dtype != "int64":
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{dtypes.legacy_name(indices._array.dtype)}")
    if dim is None:
        input, indices, dim = reshape(input, (-1,)), reshape(indices, (-1,)), 0
    elif not input._array.ndim:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions; leave "
                         "dim out (None) to pick from the flattened tensor.")
    elif input._array.ndim != indices._array.ndim:
        raise RuntimeError(
            f"torch.take_along_dim(): input and indices should have the same number of "
            f"dimensions, but got {input._array.ndim} dimensions for input, and "
            f"{indices._array.ndim} dimensions for indices")
    axis = _wrap_dim(dim, input._array.ndim)
    size = input._array.shape[axis] if input._array.ndim else 1
    picks = indices._array
    if picks.size and bool((picks < 0).any()):
        indices = Tensor._make(array_module(picks).where(picks < 0, picks + size, picks))
    if input._array.ndim:
        shape = list(broadcast_shapes(_without(input.shape, axis), _without(indices.shape, axis)))
        input = expand(input, shape[:axis] + [input.shape[axis]] + shape[axis + 1:])
        indices = expand(indices, shape[:axis] + [indices.shape[axis]] + shape[axis + 1:])
    return gather(input, axis, indices)


def _without(shape: Any, axis: int) -> tuple:
    return tuple(size if d != axis else 1 for d, size in enumerate(shape))


class Take(TorchEdges):
    """torch.take(x, index): elements of the flattened x, in index's shape."""

    node_name = "TakeBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, index: Tensor) -> Any:
        array, picks = x._array, index._array
        if picks.dtype != "int64":
            raise RuntimeError(f"take(): Expected a long tensor for index, but got "
                               f"{dtypes.legacy_name(picks.dtype)}")
        size = array.size
        outside = (picks < -size) | (picks >= size)
        if picks.size and bool(outside.any()):
            raise IndexError(f"out of range: tried to access index {int(picks[outside][0])} on "
                             f"a tensor of {size} elements.")
        ctx.shape = array.shape
        ctx.save_for_backward(index)
        return array.reshape(-1)[picks % max(size, 1)]

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (index,) = ctx.saved_tensors
        size = 1
        for length in ctx.shape:
            size *= length
        flat_index = index.reshape(-1) % max(size, 1)
        flat = IndexAdd.apply(grad.new_zeros((size,)), 0, flat_index, grad.reshape(-1), 1)
        return flat.reshape(ctx.shape), None


def take(input: Tensor, index: Tensor) -> Tensor:
    return Take.apply(input, index)
