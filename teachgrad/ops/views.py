"""Views: view and reshape, transpose and permute, squeeze and unsqueeze, expand, flatten.

These return views (same memory, new shape), as torch does; a view shares its base's
version counter, so writing through either one is seen by autograd. Their backward
passes only move the gradient back to where each value came from.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast import sum_to_shape
from teachgrad.ops.renamed import renamed
from teachgrad.size_arguments import size_given
from teachgrad.tensor import Size, Tensor, _wrap_dim


def view_of(x: Tensor, array: Any) -> Tensor:
    """A tensor over `array`, a view of x's memory: it shares x's version counter, and
    its `_base` is the tensor that owns the memory (x's own base when x is a view)."""
    out = Tensor._make(array)
    box = out._version_box = x._version_counter()
    base = out._base = x._base if x._base is not None else x
    # A recorded write to the base changes where this view's values come from: remember
    # the view, so that the write can give it a new history (inplace_views.refresh_views).
    # A leaf that requires grad is never written with a record (torch refuses), so its
    # views are left out: a model's `w.t()` costs nothing more.
    if base.grad_fn is not None or not base._requires_grad:
        views = box.views
        if views is None:
            views = box.views = []
        views.append(weakref.ref(out))
        count = len(views)
        if count >= 16 and not count & (count - 1):  # at powers of two: O(1) per view
            views[:] = [ref for ref in views if ref() is not None]
    return out


def live_views(base: Tensor) -> list[Tensor]:
    """The views of `base` still alive, as view_of remembered them on its version counter
    (which a detached alias shares too: hence the check of each view's base)."""
    box = base._version_box
    if box is None or box.views is None:
        return []
    return [view for view in (ref() for ref in list(box.views))
            if view is not None and view._base is base]


def _sizes(args: tuple) -> tuple:
    """Accept both f(2, 3) and f((2, 3)), as torch does for shapes."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        return tuple(args[0])
    return tuple(args)


def sizes_or_keyword(args: tuple, keyword: Any, name: str, keyword_name: str) -> tuple:
    """f(2, 3), f((2, 3)) or f(keyword_name=(2, 3)): torch takes a shape all three ways."""
    return _sizes(size_given(args, keyword, name, keyword_name))


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


def view(input: Tensor, *shape: Any, size: Any = None) -> Tensor:
    if len(shape) == 1 and isinstance(shape[0], dtypes.dtype):
        raise NotImplementedError("view(dtype) reinterprets memory; teachgrad does not offer it")
    return View.apply(input, sizes_or_keyword(shape, size, "view", "size"))


def reshape(input: Tensor, *sizes: Any, shape: Any = None) -> Tensor:
    shape = sizes_or_keyword(sizes, shape, "reshape", "shape")
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
    if not shape:  # a 0-d tensor takes dims 0 and -1 only
        _wrap_dim(start_dim, 0), _wrap_dim(end_dim, 0)
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
        dims = (_wrap_dim(dim0, ndim), _wrap_dim(dim1, ndim))  # checked, 0-d too
        ctx.dims = dims if ndim else (0, 0)
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


def permute(input: Tensor, *order: Any, dims: Any = None) -> Tensor:
    return Permute.apply(input, sizes_or_keyword(order, dims, "permute", "dims"))


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


def matrix_transpose(input: Tensor) -> Tensor:
    """x.mT: the last two dims swapped, for a matrix or a batch of them."""
    ndim = input._array.ndim
    if ndim == 0:  # torch keeps this old identity case, with a warning
        warnings.warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity "
                      "in these cases.", UserWarning, stacklevel=3)
        return input
    if ndim == 1:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           "Got 1-D tensor. Use x.unsqueeze(0) for a 1xN matrix.")
    return Transpose.apply(input, -2, -1)


class Squeeze(Function):
    node_name = "SqueezeBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, dims: Any) -> Tensor:
        shape = x._array.shape
        ctx.input_shape = shape
        if dims is None:
            axes = tuple(d for d, size in enumerate(shape) if size == 1)
        else:
            wrapped = [_wrap_dim(d, len(shape)) for d in dims]
            if len(set(wrapped)) != len(wrapped):
                repeated = next(d for d in wrapped if wrapped.count(d) > 1)
                raise RuntimeError(f"dim {repeated} appears multiple times in the list of dims")
            axes = tuple(d for d in wrapped if shape and shape[d] == 1)
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
        return view_of(x, _expanded_view(x._array, target))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return sum_to_shape(grad, ctx.input_shape), None


def _expanded_view(array: Any, target: tuple) -> Any:
    """The view expand returns: read-only where elements repeat (in-place ops refuse
    it, as in torch), writable where none does (no element, or only new dims of size 1)."""
    view = broadcast_view(array, target)
    lead = len(target) - array.ndim
    if 0 in target:
        if isinstance(array, np.ndarray) and array.flags.writeable:
            return np.lib.stride_tricks.as_strided(array, target, view.strides)
        return view
    if any(size > 1 and (axis < lead or array.shape[axis - lead] == 1)
           for axis, size in enumerate(target)):
        return view
    # only new dims of size 1: indexing keeps it writable (the `...` keeps a 0-d array
    # an array: x[()] would be a NumPy scalar, a copy)
    return array[(None,) * lead + (Ellipsis,)]


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


def expand(input: Tensor, *sizes: Any, size: Any = None) -> Tensor:
    return Expand.apply(input, sizes_or_keyword(sizes, size, "expand", "size"))


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return Expand.apply(input, tuple(other.shape))
