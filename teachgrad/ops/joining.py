"""Joining and splitting: cat, stack, split, chunk, unbind; repeat and tile.

A join's backward splits the gradient into the pieces that were joined, and a
split's backward joins the pieces' gradients. repeat lays copies of a tensor side by
side, so each element's gradient is the sum over its copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast import check_same_device
from teachgrad.ops.indexing import select
from teachgrad.ops.renamed import renamed
from teachgrad.ops.views import sizes_or_keyword, view_of
from teachgrad.tensor import Size, Tensor, _wrap_dim


class Cat(Function):
    node_name = "CatBackward0"

    @staticmethod
    def forward(ctx: Node, dim: int, *tensors: Tensor) -> Any:
        arrays = _joinable(tensors, "cat")
        for position, array in enumerate(arrays):
            if array.ndim == 0:
                raise RuntimeError(
                    f"zero-dimensional tensor (at position {position}) cannot be concatenated; "
                    "use stack, or reshape it to one dimension first"
                )
        # torch's legacy rule: a 1-d empty tensor joins anything (cat([tensor([]), x])), so
        # the start-empty idiom `out = cat([out, piece], dim)` works from out = tensor([])
        ctx.skipped = [i for i, a in enumerate(arrays) if a.ndim == 1 and a.size == 0]
        if len(ctx.skipped) == len(arrays):  # nothing but such tensors: dim goes unchecked
            ctx.skipped, ctx.axis, ctx.lengths = [], 0, [0] * len(arrays)
            return array_module(arrays[0]).concatenate(arrays)
        arrays = [a for i, a in enumerate(arrays) if i not in ctx.skipped]
        ndim = arrays[0].ndim
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
        grads = list(split(grad, ctx.lengths, ctx.axis))
        for position in ctx.skipped:
            grads.insert(position, grad.new_zeros((0,)))
        return (None, *grads)


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


def _needs_a_dim(tensor: Tensor, name: str) -> None:
    if tensor._array.ndim == 0:
        raise RuntimeError(f"{name} expects at least a 1-dimensional tensor")


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    _needs_a_dim(tensor, "split")
    size = tensor._array.shape[_wrap_dim(dim, tensor._array.ndim)]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0 and size:
            raise RuntimeError(f"split expects split_size be non-negative, but got {step}")
        lengths = tuple(min(step, size - start) for start in range(0, size, step)) or (0,)
        return Split.apply(tensor, lengths, dim)
    sizes = tuple(split_size_or_sections)
    if any(length < 0 for length in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative "
                           f"entries, but got split_sizes={list(sizes)}")
    return SplitWithSizes.apply(tensor, sizes, dim)


def split_method(input: Tensor, split_size: Any, dim: int = 0) -> tuple:
    """Tensor.split: torch.split under the name torch's method gives its argument."""
    return split(input, split_size, dim)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    _needs_a_dim(input, "chunk")
    size = input._array.shape[_wrap_dim(dim, input._array.ndim)]
    if size == 0:  # as torch: `chunks` empty pieces, not the one a split by size gives
        return SplitWithSizes.apply(input, (0,) * chunks, dim)
    return split(input, -(-size // chunks), dim)


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
    if input._array.ndim == 0:  # torch's message, once dim is in range: no dim to split
        _wrap_dim(dim, 0)
        raise IndexError("Dimension specified as 0 but tensor has no dimensions; a 0-d tensor "
                         "holds one value: read it with .item()")
    return Unbind.apply(input, dim)


# ---------------------------------------------------------------- repeat, tile


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


def repeat(input: Tensor, *sizes: Any, repeats: Any = None) -> Tensor:
    counts = sizes_or_keyword(sizes, repeats, "repeat", "repeats")
    return Repeat.apply(input, tuple(int(r) for r in counts))


def tile(input: Tensor, dims: Any) -> Tensor:
    """repeat, with dims padded by leading 1s when there are fewer than the tensor's dims."""
    dims = tuple(int(d) for d in (dims if isinstance(dims, (tuple, list, Size)) else (dims,)))
    missing = input._array.ndim - len(dims)
    return Repeat.apply(input, (1,) * missing + dims if missing > 0 else dims)
