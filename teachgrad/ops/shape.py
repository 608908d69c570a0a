"""Ops that move values around without changing them: views, indexing, joining, splitting.

Most of these return views (same memory, new shape), as torch does; a view shares
its base's version counter, so writing through either one is seen by autograd. Their
backward passes only move the gradient back to where each value came from.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast import check_same_device, sum_to_shape
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Size, Tensor, _wrap_dim


def view_of(x: Tensor, array: Any) -> Tensor:
    """A tensor over `array`, a view of x's memory: it shares x's version counter."""
    out = Tensor._make(array)
    out._version_box = x._version_counter()
    if x._requires_grad:
        out._base = x._base if x._base is not None else x
    return out


def _sizes(args: tuple) -> tuple:
    """Accept both f(2, 3) and f((2, 3)), as torch does for shapes."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        return tuple(args[0])
    return tuple(args)


def infer_shape(shape: Sequence[int], numel: int) -> tuple[int, ...]:
    """Resolve one -1 in a requested shape and check the element count, as torch does."""
    shape = tuple(int(size) for size in shape)
    unknown = [i for i, size in enumerate(shape) if size == -1]
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for size in shape:
        if size != -1:
            if size < 0:
                raise RuntimeError(f"invalid shape dimension {size}")
            known *= size
    if unknown:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[: unknown[0]] + (numel // known,) + shape[unknown[0] + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def view_array(array: Any, shape: tuple) -> Any | None:
    """The array reshaped without copying, or None when its strides make that impossible."""
    try:
        return array.reshape(shape, copy=False)  # NumPy >= 2.1
    except TypeError:  # older NumPy and CuPy have no copy=; setting .shape never copies
        viewed = array.view()
        try:
            viewed.shape = shape
        except AttributeError:
            return None
        return viewed
    except ValueError:
        return None


class View(Function):
    node_name = "ViewBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, shape: tuple) -> Tensor:
        ctx.input_shape = x._array.shape
        viewed = view_array(x._array, infer_shape(shape, x._array.size))
        if viewed is None:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
            )
        return view_of(x, viewed)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return grad.reshape(ctx.input_shape), None


class ReshapeCopy(Function):
    """reshape of a tensor whose memory layout forbids a view: it copies."""

    node_name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, shape: tuple) -> Any:
        ctx.input_shape = x._array.shape
        return x._array.reshape(infer_shape(shape, x._array.size))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return grad.reshape(ctx.input_shape), None


def view(input: Tensor, *shape: Any) -> Tensor:
    if len(shape) == 1 and isinstance(shape[0], dtypes.dtype):
        raise NotImplementedError("view(dtype) reinterprets memory; teachgrad does not offer it")
    return View.apply(input, _sizes(shape))


def reshape(input: Tensor, *shape: Any) -> Tensor:
    shape = _sizes(shape)
    if input._array.flags.c_contiguous or view_array(input._array, infer_shape(
            shape, input._array.size)) is not None:
        return View.apply(input, shape)
    return ReshapeCopy.apply(input, shape)


def view_as(input: Tensor, other: Tensor) -> Tensor:
    return view(input, other.shape)


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, other.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    shape = input._array.shape
    if not shape:
        return reshape(input, (1,))
    start, end = _wrap_dim(start_dim, len(shape)), _wrap_dim(end_dim, len(shape))
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    merged = 1
    for size in shape[start: end + 1]:
        merged *= size
    return reshape(input, shape[:start] + (merged,) + shape[end + 1:])


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    shape = input._array.shape
    axis = _wrap_dim(dim, len(shape))
    sizes = infer_shape(sizes, shape[axis])
    return view(input, shape[:axis] + tuple(sizes) + shape[axis + 1:])


class Transpose(Function):
    node_name = "TransposeBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim0: int, dim1: int) -> Tensor:
        ndim = x._array.ndim
        ctx.dims = (_wrap_dim(dim0, ndim), _wrap_dim(dim1, ndim)) if ndim else (0, 0)
        return view_of(x, x._array.swapaxes(*ctx.dims) if ndim else x._array)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return grad.transpose(*ctx.dims), None, None


T = renamed(Transpose, "TBackward0")


class Permute(Function):
    node_name = "PermuteBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dims: tuple) -> Tensor:
        ndim = x._array.ndim
        if len(dims) != ndim:
            raise RuntimeError(
                f"permute(sparse_coo): number of dimensions in the tensor input does not match "
                f"the length of the desired ordering of dimensions i.e. input.dim() = {ndim} is "
                f"not equal to len(dims) = {len(dims)}"
            )
        ctx.dims = tuple(_wrap_dim(d, ndim) for d in dims)
        if len(set(ctx.dims)) != ndim:
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        return view_of(x, x._array.transpose(ctx.dims))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        inverse = [0] * len(ctx.dims)
        for position, dim in enumerate(ctx.dims):
            inverse[dim] = position
        return grad.permute(*inverse), None


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    return Transpose.apply(input, dim0, dim1)


swapaxes = transpose


def permute(input: Tensor, *dims: Any) -> Tensor:
    return Permute.apply(input, _sizes(dims))


def t(input: Tensor) -> Tensor:
    if input._array.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {input._array.ndim}D. "
            "Use transpose(dim0, dim1) or permute(...) for more dimensions."
        )
    return T.apply(input, 0, -1) if input._array.ndim == 2 else T.apply(input, 0, 0)


def reversed_dims(input: Tensor) -> Tensor:
    """x.T: all dimensions reversed."""
    ndim = input._array.ndim
    if ndim not in (0, 2):
        warnings.warn(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
            "deprecated and it will throw an error in a future release. Consider `x.mT` to "
            "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` "
            "to reverse the dimensions of a tensor.",
            UserWarning,
            stacklevel=3,
        )
    return Permute.apply(input, tuple(range(ndim - 1, -1, -1)))


class Squeeze(Function):
    node_name = "SqueezeBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dims: Any) -> Tensor:
        shape = x._array.shape
        ctx.input_shape = shape
        if dims is None:
            axes = tuple(d for d, size in enumerate(shape) if size == 1)
        else:
            axes = tuple(d for d in (_wrap_dim(d, len(shape)) for d in dims) if shape[d] == 1)
        return view_of(x, x._array.squeeze(axes) if axes else x._array.view())

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return grad.reshape(ctx.input_shape), None


SqueezeDim = renamed(Squeeze, "SqueezeBackward1")
SqueezeDims = renamed(Squeeze, "SqueezeBackward2")


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    if dim is None:
        return Squeeze.apply(input, None)
    if isinstance(dim, (tuple, list)):
        return SqueezeDims.apply(input, tuple(dim))
    return SqueezeDim.apply(input, (dim,))


class Unsqueeze(Function):
    node_name = "UnsqueezeBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int) -> Tensor:
        ndim = x._array.ndim
        axis = _wrap_dim(dim, ndim + 1)
        ctx.input_shape = x._array.shape
        shape = x._array.shape
        return view_of(x, x._array.reshape(shape[:axis] + (1,) + shape[axis:]))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return grad.reshape(ctx.input_shape), None


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    return Unsqueeze.apply(input, dim)


class Expand(Function):
    node_name = "ExpandBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, sizes: tuple) -> Tensor:
        shape = x._array.shape
        ctx.input_shape = shape
        target = _expanded_shape(shape, sizes, x._array.dtype)
        return view_of(x, broadcast_view(x._array, target))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return sum_to_shape(grad, ctx.input_shape), None


def broadcast_view(array: Any, shape: tuple) -> Any:
    """The array broadcast to shape: a read-only view, as xp.broadcast_to returns it.

    Every sum's and mean's backward expands a gradient, so this is hot. np.broadcast_to
    is Python code around an iterator (about 5 us even for 3 numbers); for a contiguous
    NumPy array the same view can be built straight from its memory, with stride 0
    along each stretched dimension, in a fraction of that.
    """
    if array.__class__ is not np.ndarray:
        return array_module(array).broadcast_to(array, shape)
    if array.ndim == 0:  # the gradient of a full sum or mean: one number everywhere
        strides = (0,) * len(shape)
    elif array.flags.c_contiguous:
        lead = len(shape) - array.ndim
        strides = [0] * lead  # new leading dimensions repeat the whole array
        for size, stride in zip(array.shape, array.strides):
            strides.append(0 if size == 1 else stride)
        strides = tuple(strides)
    else:
        return np.broadcast_to(array, shape)
    view = np.ndarray(shape, array.dtype, array, 0, strides)
    view.setflags(write=False)  # (cheaper than view.flags.writeable = False)
    return view


def _expanded_shape(shape: tuple, sizes: tuple, dtype: Any) -> tuple:
    """The shape expand gives a tensor of this shape and dtype (NumPy's or teachgrad's)."""
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand(torch.{dtypes.legacy_type_name(dtype)}{{{list(shape)}}}, "
            f"size={list(sizes)}): the number of sizes "
            f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in "
            f"the tensor ({len(shape)})"
        )
    lead = len(sizes) - len(shape)
    target = []
    for position, size in enumerate(sizes):
        existing = shape[position - lead] if position >= lead else None
        if size == -1:
            if existing is None:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                    f"non-existing dimension {position}"
                )
            size = existing
        elif existing is not None and existing != 1 and existing != size:
            raise RuntimeError(
                f"The expanded size of the tensor ({size}) must match the existing size "
                f"({existing}) at non-singleton dimension {position}.  Target sizes: "
                f"{list(sizes)}.  Tensor sizes: {list(shape)}"
            )
        target.append(size)
    return tuple(target)


def expand(input: Tensor, *sizes: Any) -> Tensor:
    return Expand.apply(input, _sizes(sizes))


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return Expand.apply(input, tuple(other.shape))


# ---------------------------------------------------------------- joining and splitting


class Cat(Function):
    node_name = "CatBackward0"

    @staticmethod
    def forward(ctx: Node, dim: int, *tensors: Tensor) -> Any:
        arrays = _joinable(tensors, "cat")
        ndim = arrays[0].ndim
        if ndim == 0:
            raise RuntimeError(
                "zero-dimensional tensor (at position 0) cannot be concatenated; use stack, or "
                "reshape it to one dimension first"
            )
        axis = _wrap_dim(dim, ndim)
        for number, array in enumerate(arrays):
            if array.ndim != ndim or any(a != b for d, (a, b) in
                                         enumerate(zip(array.shape, arrays[0].shape))
                                         if d != axis):
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {axis}. Expected "
                    f"{list(arrays[0].shape)} (but for dimension {axis}) and got "
                    f"{list(array.shape)} for tensor number {number} in the list."
                )
        ctx.axis = axis
        ctx.lengths = [array.shape[axis] for array in arrays]
        return array_module(arrays[0]).concatenate(arrays, axis=axis)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return (None, *split(grad, ctx.lengths, ctx.axis))


class Stack(Function):
    node_name = "StackBackward0"

    @staticmethod
    def forward(ctx: Node, dim: int, *tensors: Tensor) -> Any:
        arrays = _joinable(tensors, "stack")
        for number, array in enumerate(arrays):
            if array.shape != arrays[0].shape:
                raise RuntimeError(
                    f"stack expects each tensor to be equal size, but got "
                    f"{list(arrays[0].shape)} at entry 0 and {list(array.shape)} at entry "
                    f"{number}"
                )
        ctx.axis = _wrap_dim(dim, arrays[0].ndim + 1)
        return array_module(arrays[0]).stack(arrays, axis=ctx.axis)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        count = grad._array.shape[ctx.axis]
        return (None, *(select(grad, ctx.axis, i) for i in range(count)))


def _joinable(tensors: Sequence[Tensor], name: str) -> list:
    if not tensors:
        raise RuntimeError(f"{name}(): expected a non-empty list of Tensors")
    for tensor in tensors:
        if not isinstance(tensor, Tensor):
            raise TypeError(f"{name}(): expected a sequence of Tensors, got "
                            f"{type(tensor).__name__}")
        check_same_device(tensors[0]._array, tensor._array)
    target = tensors[0].dtype
    for tensor in tensors[1:]:
        target = dtypes.promote_types(target, tensor.dtype)
    return [t._array.astype(target.numpy_dtype, copy=False) for t in tensors]


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    return Cat.apply(dim, *tensors)


concat = concatenate = cat


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    return Stack.apply(dim, *tensors)


class Split(Function):
    node_name = "SplitBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, lengths: tuple, dim: int) -> tuple:
        array = x._array
        axis = _wrap_dim(dim, array.ndim)
        if sum(lengths) != array.shape[axis]:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {array.shape[axis]} "
                f"(input tensor's size at dimension {axis}), but got split_sizes={list(lengths)}"
            )
        ctx.axis, ctx.input_shape = axis, array.shape
        pieces, start = [], 0
        for length in lengths:
            index = (slice(None),) * axis + (slice(start, start + length),)
            pieces.append(view_of(x, array[index]))
            start += length
        return tuple(pieces)

    @staticmethod
    def backward(ctx: Node, *grads: Tensor) -> tuple:
        return cat(list(grads), ctx.axis), None, None


SplitWithSizes = renamed(Split, "SplitWithSizesBackward0")


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    size = tensor._array.shape[_wrap_dim(dim, tensor._array.ndim)]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0 and size:
            raise RuntimeError(f"split expects split_size be non-negative, but got {step}")
        lengths = tuple(min(step, size - start) for start in range(0, size, step)) or (0,)
        return Split.apply(tensor, lengths, dim)
    return SplitWithSizes.apply(tensor, tuple(split_size_or_sections), dim)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    size = input._array.shape[_wrap_dim(dim, input._array.ndim)]
    step = -(-size // chunks) if size else 1
    return split(input, step, dim)


class Unbind(Function):
    """unbind(dim): every slice along dim as a view; backward stacks the gradients."""

    node_name = "UnbindBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int) -> tuple:
        array = x._array
        ctx.axis = _wrap_dim(dim, array.ndim)
        lead = (slice(None),) * ctx.axis
        return tuple(view_of(x, array[lead + (i,)]) for i in range(array.shape[ctx.axis]))

    @staticmethod
    def backward(ctx: Node, *grads: Tensor) -> tuple:
        return stack(list(grads), ctx.axis), None


def unbind(input: Tensor, dim: int = 0) -> tuple:
    return Unbind.apply(input, dim)


# ---------------------------------------------------------------- indexing


class Index(Function):
    """x[index] for any index NumPy understands; the name says which kind, as torch's does."""

    node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, index: Any) -> Any:
        ctx.input_shape, ctx.index = x._array.shape, index
        try:
            picked = x._array[index]
        except IndexError as error:
            raise IndexError(str(error).replace("axis", "dimension")) from None
        if ctx._function is Index:
            return picked  # advanced indexing copies
        return view_of(x, picked)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        advanced = ctx._function is Index
        return IndexGradient.apply(grad, ctx.index, ctx.input_shape, advanced), None


Select = renamed(Index, "SelectBackward0")
Slice = renamed(Index, "SliceBackward0")
IndexAsUnsqueeze = renamed(Index, "UnsqueezeBackward0")
Alias = renamed(Index, "AliasBackward0")


class IndexGradient(Function):
    """Backward of indexing: scatter-add the gradient into zeros of the input's shape.

    It is a Function itself so that backward through indexing can be differentiated
    again; its own backward is indexing.
    """

    node_name = "IndexBackwardBackward0"

    @staticmethod
    def forward(ctx: Node, grad: Tensor, index: Any, input_shape: tuple, advanced: bool) -> Any:
        ctx.index = index
        xp = array_module(grad._array)
        full = xp.zeros(input_shape, grad._array.dtype)
        if advanced:
            # add.at sums repeated indices (x[[0, 0]] used row 0 twice); plain assignment
            # would keep only one of them.
            xp.add.at(full, index, grad._array)
        else:
            full[index] = grad._array
        return full

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return grad[ctx.index], None, None, None


def to_array_index(index: Any, indexed: Tensor | None = None) -> Any:
    """Turn tensors (and lists of them) inside an index into arrays NumPy/CuPy accept.

    A GPU tensor may be indexed with CPU index tensors (CuPy copies them over), but a
    CPU tensor not with GPU ones, as in torch.
    """
    if isinstance(index, tuple):
        return tuple(to_array_index(part, indexed) for part in index)
    if isinstance(index, Tensor):
        kind = index._array.dtype.kind
        if kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if kind in "iu" and index._array.ndim == 0:
            return int(index._array)  # a 0-d integer tensor indexes like the int it holds
        if indexed is not None and index.is_cuda and not indexed.is_cuda:
            raise RuntimeError(
                f"indices should be either on cpu or on the same device as the indexed tensor "
                f"({indexed.device}). Move the indices with .to(x.device) first."
            )
        return index._array
    if isinstance(index, list) and any(isinstance(part, Tensor) for part in index):
        return [to_array_index(part, indexed) for part in index]
    return index


def index_kind(index: Any, shape: tuple | None = None) -> type[Index]:
    """Which node torch would record for this index (of a tensor of this shape).

    torch applies the parts one by one and the last op that did something names the
    node. Inside a tuple, a slice over a whole dim (x[:, 0:4] of a 4-column x) does
    nothing and is skipped; a lone slice (x[:]) is always applied.
    """
    lone = not isinstance(index, tuple)
    parts = (index,) if lone else index
    if any(hasattr(part, "shape") or isinstance(part, (list, bool)) for part in parts):
        return Index
    # dims that the parts other than None and ... consume; ... stands for the rest
    consumed = sum(1 for part in parts if part is not None and part is not Ellipsis)
    dim, last = 0, Alias
    for part in parts:
        if part is None:
            last = IndexAsUnsqueeze
        elif part is Ellipsis:
            dim += len(shape) - consumed if shape is not None else 0
        elif isinstance(part, slice):
            # torch compares the start as written (x[:, -4:] counts as a slice) and
            # the stop after clipping it to the dim's length.
            whole = not lone and part.start in (None, 0) and part.step in (None, 1) and (
                part.stop is None or shape is None or dim >= len(shape)
                or part.stop >= shape[dim])
            if not whole:
                last = Slice
            dim += 1
        else:
            last = Select
            dim += 1
    return last


def getitem(input: Tensor, index: Any) -> Tensor:
    index = to_array_index(index, input)
    return index_kind(index, input._array.shape).apply(input, index)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    axis = _wrap_dim(dim, input._array.ndim)
    return Select.apply(input, (slice(None),) * axis + (index,))


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    axis = _wrap_dim(dim, input._array.ndim)
    return Slice.apply(input, (slice(None),) * axis + (slice(start, start + length),))


# ---------------------------------------------------------------- gathering along a dim


def along_dim_index(indices: Any, axis: int) -> tuple:
    """A NumPy index that picks, at every position of `indices`, the element of the dim
    `axis` that the position names, and the position's own place in every other dim.

    For 2-D indices along dim 1 it is (rows, indices) with rows = [[0], [1], ...]: so
    array[index][i][j] is array[i][indices[i][j]], the rule of torch.gather.
    """
    xp = array_module(indices)
    ndim = indices.ndim
    parts = []
    for dim, size in enumerate(indices.shape):
        if dim == axis:
            parts.append(indices)
        else:
            parts.append(xp.arange(size).reshape(tuple(-1 if d == dim else 1
                                                       for d in range(ndim))))
    return tuple(parts)


class Gather(Function):
    """gather(x, dim, index): out[i][j] = x[i][index[i][j]] (for dim=1), any number of dims."""

    node_name = "GatherBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dim: int, index: Tensor) -> Any:
        array, picks = x._array, index._array
        check_same_device(array, picks)
        axis = _wrap_dim(dim, array.ndim)
        _check_gather_index(array, picks, axis)
        ctx.axis, ctx.input_shape = axis, array.shape
        ctx.save_for_backward(index)
        if array.ndim == 0:
            return array.copy()
        return array[along_dim_index(picks, axis)]

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (index,) = ctx.saved_tensors
        return ScatterAdd.apply(grad, ctx.axis, index, ctx.input_shape), None, None


class ScatterAdd(Function):
    """Zeros of a shape, with each value added at its index along a dim: gather's backward
    (an index used twice collects both gradients), and sort's and topk's."""

    node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx: Node, source: Tensor, dim: int, index: Tensor, shape: tuple) -> Any:
        ctx.axis = dim
        ctx.save_for_backward(index)
        values = source._array
        xp = array_module(values)
        full = xp.zeros(shape, values.dtype)
        if full.ndim == 0:
            return values.copy()
        xp.add.at(full, along_dim_index(index._array, dim), values)
        return full

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (index,) = ctx.saved_tensors
        return Gather.apply(grad, ctx.axis, index), None, None, None


def _check_gather_index(array: Any, picks: Any, axis: int) -> None:
    if picks.dtype.kind not in "iu" or picks.dtype.itemsize != 8:
        raise RuntimeError("gather(): Expected dtype int64 for index. Make it with "
                           "teachgrad.tensor([...]) or convert with index.long().")
    if picks.ndim != array.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input "
                           "tensor")
    for dim, (have, want) in enumerate(zip(array.shape, picks.shape)):
        if dim != axis and want > have:
            raise RuntimeError(
                f"Size does not match at dimension {dim} expected index {list(picks.shape)} "
                f"to be smaller than self {list(array.shape)} apart from dimension {axis}"
            )
    size = array.shape[axis] if array.ndim else 1
    if picks.size and bool(((picks < 0) | (picks >= size)).any()):
        bad = int(picks[(picks < 0) | (picks >= size)].reshape(-1)[0])
        raise RuntimeError(f"index {bad} is out of bounds for dimension {axis} with size {size}")


def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    return Gather.apply(input, dim, index)


# ---------------------------------------------------------------- flip, repeat, roll


class Flip(Function):
    """Reverse the order along some dims. A copy, as in torch (NumPy would give a view)."""

    node_name = "FlipBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dims: tuple) -> Any:
        array = x._array
        axes = tuple(_wrap_dim(d, array.ndim) for d in dims)
        for position, axis in enumerate(axes):
            if axis in axes[:position]:
                raise RuntimeError(f"dim {axis} appears multiple times in the list of dims")
        ctx.dims = axes
        if array.ndim == 0 or not axes:
            return array.copy()
        return array_module(array).flip(array, axis=axes).copy()

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return Flip.apply(grad, ctx.dims), None


def flip(input: Tensor, *dims: Any) -> Tensor:
    """torch.flip(x, dims) and x.flip(0, 1) (or x.flip((0, 1)))."""
    return Flip.apply(input, _sizes(dims))


def fliplr(input: Tensor) -> Tensor:
    if input._array.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return Flip.apply(input, (1,))


def flipud(input: Tensor) -> Tensor:
    if input._array.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return Flip.apply(input, (0,))


class Repeat(Function):
    """x.repeat(2, 3): the whole tensor laid out 2 times along dim 0 and 3 along dim 1."""

    node_name = "RepeatBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, repeats: tuple) -> Any:
        array = x._array
        if len(repeats) < array.ndim:
            raise RuntimeError("Number of dimensions of repeat dims can not be smaller than "
                               "number of dimensions of tensor")
        # Missing leading dims count as size 1, as when broadcasting.
        padded = (1,) * (len(repeats) - array.ndim) + array.shape
        result_shape = [size * times for size, times in zip(padded, repeats)]
        if any(times < 0 for times in repeats):
            bad = next(size for size in result_shape if size < 0)
            raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: "
                               f"{result_shape}")
        ctx.padded, ctx.repeats, ctx.input_shape = padded, repeats, array.shape
        return array_module(array).tile(array.reshape(padded), repeats)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        if not ctx.repeats:
            return grad, None
        # Each output dim of size times * size holds `times` copies of the input's dim:
        # split it into (times, size) and sum over the copies.
        split_shape = []
        for times, size in zip(ctx.repeats, ctx.padded):
            split_shape += [times, size]
        copies = tuple(range(0, len(split_shape), 2))
        return grad.reshape(split_shape).sum(copies).reshape(ctx.input_shape), None


def repeat(input: Tensor, *repeats: Any) -> Tensor:
    return Repeat.apply(input, tuple(int(r) for r in _sizes(repeats)))


def tile(input: Tensor, dims: Any) -> Tensor:
    """repeat, with dims padded by leading 1s when there are fewer than the tensor's dims."""
    dims = tuple(int(d) for d in (dims if isinstance(dims, (tuple, list, Size)) else (dims,)))
    missing = input._array.ndim - len(dims)
    return Repeat.apply(input, (1,) * missing + dims if missing > 0 else dims)


class Roll(Function):
    """Shift elements along dims, wrapping around; with no dims, over the flattened tensor."""

    node_name = "RollBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, shifts: tuple, dims: tuple) -> Any:
        array = x._array
        if not dims and len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               f"dims:{len(dims)}")
        if dims and len(shifts) != len(dims):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               f"dims:{len(dims)}")
        axes = tuple(_wrap_dim(d, array.ndim) for d in dims)
        ctx.shifts, ctx.dims = shifts, dims
        xp = array_module(array)
        if not axes:
            return xp.roll(array, shifts[0])  # flattened, rolled, and reshaped back
        return xp.roll(array, shifts, axis=axes)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return Roll.apply(grad, tuple(-shift for shift in ctx.shifts), ctx.dims), None, None


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
    dims = () if dims is None else tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    return Roll.apply(input, tuple(int(s) for s in shifts), tuple(int(d) for d in dims))
