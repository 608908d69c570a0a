"""In-place ops: add_, mul_, zero_, x[i] = v, -= and friends.

An in-place op overwrites a tensor's memory, so it must answer two questions first:
- is the tensor a leaf that requires grad? Then writing to it would silently change
  what autograd will differentiate, and torch refuses (outside no_grad);
- does autograd need the old values? Nodes that saved this tensor remember its
  version, and every in-place op bumps the version, so backward can tell.

With nothing to record (no_grad, or no tensor requiring grad) the op runs straight
on the array, as NumPy's `out=` would. Otherwise the op is computed as its
out-of-place twin, its values are written into the tensor's memory, and the tensor
takes over the twin's grad_fn: it is now the output of that op.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.autograd.grad_mode import _GradState, no_grad
from teachgrad.device import array_module
from teachgrad.numerics import restore, silence
from teachgrad.ops import (
    arithmetic,
    division,
    indexing,
    inplace_views,
    powers,
    rounding,
    signs,
    unary,
    views,
    where,
)
from teachgrad.ops.broadcast import broadcast_shapes, check_same_device, sum_to_shape
from teachgrad.ops.broadcast_shapes import fill_value_checked, python_ints_wrapped
from teachgrad.ops.index_checks import check_index, check_put_dtype
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


def check_writable(x: Tensor, others: tuple = (), recorded: bool = False) -> None:
    """Refuse an in-place op that would corrupt autograd, before anything is written.

    recorded: the caller records a write through a view (apply_inplace does, see
    inplace_views.py); the other writers (random fills, shape changes) do not.
    """
    if not _GradState.enabled:
        return
    if x.grad_fn is None and x._requires_grad:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation. "
            "Wrap the update in `with teachgrad.no_grad():` (as optimizers do), or work on a "
            "copy: y = x.clone()."
        )
    base = x._base
    if base is not None and (base._requires_grad or any(
            getattr(other, "_requires_grad", False) for other in others)):
        if base.grad_fn is None and base._requires_grad:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place "
                "operation. Wrap it in `with teachgrad.no_grad():` or clone the leaf first."
            )
        node = x.grad_fn
        if node is not None and node._function is inplace_views.RefusedView:
            raise RuntimeError(node.refusal)
        if node is not None and node.name() in inplace_views.MULTI_VIEW_NODES:
            raise RuntimeError(
                f"Output {x._output_nr} of {node.name()[:-9]} is a view and is being modified "
                "inplace. This view is the output of a function that returns multiple views "
                "(split, chunk, unbind), which do not allow changing them in place. Use an "
                "out-of-place op instead, or clone() the piece first."
            )
        if not recorded:
            raise RuntimeError(
                "teachgrad does not record this in-place change made through a view of a "
                "tensor that requires grad. Write an out-of-place version instead, e.g. "
                "with teachgrad.where or teachgrad.cat, or change the base tensor itself."
            )


def check_fits(shape: tuple, other_shape: tuple) -> None:
    """An in-place op's shape check, which torch makes before its dtype check: shapes
    that cannot broadcast at all get "The size of tensor a ..." from broadcast_shapes;
    shapes that broadcast to something bigger than the tensor cannot be written into it."""
    result_shape = broadcast_shapes(shape, other_shape)
    if tuple(result_shape) != tuple(shape):
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape "
                           f"{list(result_shape)}")


def _bump(x: Tensor) -> Tensor:
    x._version_counter().value += 1
    return x


def _overwrite(x: Tensor, values: Any) -> None:
    """Write `values` into x's memory (shared with views and NumPy) after torch's checks."""
    if values.shape != x._array.shape:
        raise RuntimeError(
            f"output with shape {list(x._array.shape)} doesn't match the broadcast shape "
            f"{list(values.shape)}"
        )
    if not dtypes.can_cast(dtypes.from_numpy_dtype(values.dtype), x.dtype):
        raise RuntimeError(
            f"result type {dtypes.legacy_name(values.dtype)} can't be cast to the desired "
            f"output type {dtypes.legacy_name(x._array.dtype)}"
        )
    if _overlapping(x._array) or not getattr(x._array.flags, "writeable", True):
        raise _overlap_error()
    x._array[...] = values


def _overlapping(array: Any) -> bool:
    """Do several elements share one memory location (an expanded tensor)?

    Asked of the strides, not of NumPy's writeable flag: CuPy arrays have no such flag
    and would let the write race through the shared memory.
    """
    strides = array.strides
    return 0 in strides and array.size > 0 and any(
        stride == 0 and size > 1 for stride, size in zip(strides, array.shape))


def _overlap_error() -> RuntimeError:
    return RuntimeError(
        "unsupported operation: more than one element of the written-to tensor refers to "
        "a single memory location. Please clone() the tensor before performing the "
        "operation."
    )


def apply_inplace(x: Tensor, out_of_place: Callable, *args: Any) -> Tensor:
    """Run `out_of_place(x, *args)` and make x hold (and stand for) its result.

    Only a floating x can stand for a result that requires grad: an int or bool x
    takes the values (cast), never the graph, as in torch (i.copy_(w) leaves
    i.requires_grad False).
    """
    differentiable = x._array.dtype.kind in "fc"
    check_writable(x, args if differentiable else (), recorded=True)
    recording = _GradState.enabled and differentiable and (
        x._requires_grad or any(getattr(arg, "_requires_grad", False) for arg in args)
    )
    if not recording:
        with no_grad():
            result = out_of_place(x, *args)
        _overwrite(x, result._array)
        return _bump(x)
    if x._base is not None:  # a view: its base's history changes too
        return _write_through_view(x, out_of_place, args)
    # The op may save its input for backward (mul_ keeps x for the other operand's
    # gradient, clamp_ keeps it for its mask), and x is about to be overwritten. So,
    # as torch does, the op runs on a copy of x's current values that stands in the
    # graph exactly where x stood.
    result = out_of_place(_snapshot(x), *args)
    _overwrite(x, result._array)
    required_grad = x._requires_grad
    x.grad_fn, x._output_nr, x._requires_grad = result.grad_fn, result._output_nr, True
    inplace_views.refresh_views(x, required_grad)  # x's views now read x's new history
    return _saved_output_is(x, result)


def _write_through_view(x: Tensor, out_of_place: Callable, args: tuple) -> Tensor:
    """The op on a view x of a base: x's values are read through the base's history,
    and afterwards both x and the base have new ones (see inplace_views.py)."""
    old, index = inplace_views.old_values(x)
    result = out_of_place(old, *args)
    _overwrite(x, result._array)
    if result._requires_grad:
        required_grad = x._base._requires_grad
        inplace_views.rebase(x, index, result)
        inplace_views.refresh_views(x._base, required_grad, written=x)  # the other views
    return _saved_output_is(x, result)


def _saved_output_is(x: Tensor, result: Tensor) -> Tensor:
    """Bump x's version; an op that saved its output (exp_) now saves x, at that version."""
    inplace_views.saved_output_is(_bump(x), result)
    return x


def _snapshot(x: Tensor) -> Tensor:
    """x's values now, in new memory, with x's place in the graph (grad_fn, output_nr)."""
    copy = Tensor._make(x._array.copy())
    copy.grad_fn, copy._output_nr = x.grad_fn, x._output_nr
    copy._requires_grad = x._requires_grad
    return copy


# NumPy ufuncs that can write straight into the tensor when nothing is recorded: the
# optimizer step `p -= lr * p.grad` then costs no extra copy.
_UFUNC_NAMES = {arithmetic.add: "add", arithmetic.sub: "subtract",
                arithmetic.mul: "multiply", division.div: "true_divide"}


def arithmetic_inplace(x: Tensor, out_of_place: Callable, other: Any) -> Tensor:
    if _GradState.enabled and (x._requires_grad or getattr(other, "_requires_grad", False)):
        return apply_inplace(x, out_of_place, other)
    target = x._array
    other_is_tensor = isinstance(other, Tensor)
    operand = other._array if other_is_tensor else other
    if out_of_place is arithmetic.sub:
        signs._refuse_bool_subtraction(x, other)
    if other_is_tensor and operand.__class__ is not target.__class__:
        check_same_device(target, operand)
    if 0 in target.strides and _overlapping(target):
        raise _overlap_error()
    ufunc = getattr(array_module(target), _UFUNC_NAMES[out_of_place])
    if type(operand) is int and target.dtype.kind in "iu":  # u8.add_(-1): torch wraps -1
        operand = python_ints_wrapped(operand, target)[0]
    float_errors = silence()  # overflow is silent, as in ops (numerics.py)
    try:
        ufunc(target, operand, out=target, casting="same_kind")
    except ValueError:
        # NumPy checks shapes before writing anything: raise torch's message for them
        check_fits(target.shape, getattr(operand, "shape", ()))
        raise _overlap_error() from None  # the shapes fit: the memory is read-only
    except TypeError:
        check_fits(target.shape, getattr(operand, "shape", ()))  # torch's first check
        result = dtypes.result_type(x, other)
        if out_of_place is division.div and not result.is_floating_point:
            result = dtypes.get_default_dtype()  # true division: ints give floats
        if dtypes.can_cast(result, x.dtype):  # uint8.mul_(int64): NumPy's rule is stricter
            ufunc(target, operand, out=target, casting="unsafe")
            return _bump(x)
        raise RuntimeError(
            f"result type {dtypes.legacy_name(result)} can't be cast to the desired output "
            f"type {dtypes.legacy_name(target.dtype)}"
        ) from None
    finally:
        restore(float_errors)
    return _bump(x)


def add_(x: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    return arithmetic_inplace(x, arithmetic.add, other if alpha == 1 else other * alpha)


def sub_(x: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    return arithmetic_inplace(x, arithmetic.sub, other if alpha == 1 else other * alpha)


def mul_(x: Tensor, other: Any) -> Tensor:
    return arithmetic_inplace(x, arithmetic.mul, other)


def div_(x: Tensor, other: Any) -> Tensor:
    return arithmetic_inplace(x, division.div, other)


def pow_(x: Tensor, exponent: Any) -> Tensor:
    return apply_inplace(x, powers.pow, exponent)


def clamp_(x: Tensor, min: Any = None, max: Any = None) -> Tensor:
    min, max = where.clamp_bounds(min, max, "clamp_")  # a refused mix, before the leaf check
    return apply_inplace(x, where.clamp, min, max)


def _unary_inplace(out_of_place: Callable) -> Callable:
    def inplace(x: Tensor) -> Tensor:
        return apply_inplace(x, out_of_place)

    inplace.__name__ = out_of_place.__name__ + "_"
    inplace.__doc__ = f"In-place {out_of_place.__name__}."
    return inplace


relu_ = _unary_inplace(unary.relu)
exp_ = _unary_inplace(unary.exp)
abs_ = _unary_inplace(signs.abs)
neg_ = _unary_inplace(signs.neg)


class Fill(Function):
    """Every element set to one value: no gradient reaches the old values; a 0-d tensor
    value gets the sum of the gradient (it is every element)."""

    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx: Node, x: Tensor, value: Any) -> Any:
        fill = value._array if isinstance(value, Tensor) else value
        ctx.value_dtype = getattr(value, "dtype", None)
        fill = fill_value_checked(fill, x._array.dtype)  # fill_(-1) on uint8 wraps
        return array_module(x._array).full_like(x._array, fill)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        grad_value = grad.sum().to(ctx.value_dtype) if ctx.needs_input_grad[1] else None
        return Tensor._make(array_module(grad._array).zeros_like(grad._array)), grad_value


Zero = renamed(Fill, "ZeroBackward0")
FillTensor = renamed(Fill, "FillBackward3")  # fill_(a 0-d tensor)


def fill_(x: Tensor, value: Any) -> Tensor:
    if isinstance(value, Tensor) and value._array.ndim != 0:
        raise RuntimeError(
            f"fill_ only supports 0-dimension value tensor but got tensor with "
            f"{value._array.ndim} dimensions."
        )
    if _overlapping(x._array) and not isinstance(value, Tensor):
        return _fill_shared(x, value)
    return apply_inplace(x, (FillTensor if isinstance(value, Tensor) else Fill).apply, value)


def zero_(x: Tensor) -> Tensor:
    if _overlapping(x._array):
        return _fill_shared(x, 0)
    if not _GradState.enabled or not x._requires_grad:
        check_writable(x)
        x._array[...] = 0
        return _bump(x)
    return apply_inplace(x, Zero.apply, 0)


def _fill_shared(x: Tensor, value: Any) -> Tensor:
    """fill_/zero_ of an expanded tensor: torch writes the one value into the memory its
    elements share (which the tensor it expands sees). NumPy's broadcast view is
    read-only, so the write goes through a writable view of the same memory."""
    check_writable(x)
    array = x._array
    target = array
    if isinstance(array, np.ndarray):
        root = array
        while isinstance(root.base, np.ndarray):
            root = root.base
        if not root.flags.writeable or root.dtype != array.dtype:
            raise _overlap_error()
        start = (array.ctypes.data - root.ctypes.data) // array.itemsize
        flat = root.reshape(-1, order="A")[start:]
        target = np.lib.stride_tricks.as_strided(flat, array.shape, array.strides)
    target[...] = fill_value_checked(value, array.dtype)
    return _bump(x)


class Copy(Function):
    """x.copy_(src): x's old values get no gradient; src gets it (summed if broadcast)."""

    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx: Node, x: Tensor, src: Tensor) -> Any:
        ctx.src_shape, ctx.src_dtype, ctx.src_device = src.shape, src.dtype, src.device
        check_fits(x._array.shape, src._array.shape)
        values = src.to(x.device)._array.astype(x._array.dtype, copy=False)
        return array_module(x._array).broadcast_to(values, x._array.shape).copy()

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        grad_src = sum_to_shape(grad, tuple(ctx.src_shape)).to(ctx.src_device, ctx.src_dtype) \
            if ctx.needs_input_grad[1] else None
        return grad.new_zeros(grad.shape), grad_src  # x's old values are gone


def copy_(x: Tensor, src: Any) -> Tensor:
    if not isinstance(src, Tensor):
        from teachgrad.creation import tensor

        src = tensor(src, dtype=x.dtype, device=x.device)
    return apply_inplace(x, Copy.apply, src)


class IndexPut(Function):
    """The out-of-place twin of x[index] = value."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, index: Any, value: Any) -> Any:
        ctx.index = index
        ctx.value_shape = value._array.shape if isinstance(value, Tensor) else None
        result = x._array.copy()
        if isinstance(value, Tensor):
            check_same_device(result, value._array)
            value = value._array
        try:
            indexing.write(result, index, _without_leading_ones(value))
        except IndexError as error:
            raise IndexError(str(error).replace("axis", "dimension")) from None
        except ValueError:
            raise _assignment_error(x._array, index, value,
                                    ctx._function is IndexPut) from None
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        grad_x = grad_value = None
        if ctx.needs_input_grad[0]:
            # The overwritten positions no longer depend on the old x.
            kept = array_module(grad._array).ones(grad._array.shape, dtype=bool)
            indexing.write(kept, ctx.index, False)
            grad_x = grad * Tensor._make(kept)
        if ctx.needs_input_grad[2]:
            written_shape = ctx.value_shape[_leading_ones(ctx.value_shape):]
            grad_value = sum_to_shape(grad[ctx.index], written_shape).reshape(ctx.value_shape)
        return grad_x, None, grad_value


CopySlices = renamed(IndexPut, "CopySlices")


def _assignment_error(array: Any, index: Any, value: Any, advanced: bool) -> RuntimeError:
    """torch's error for x[index] = value when value does not fit what x[index] selects."""
    value_shape = tuple(getattr(value, "shape", ()))
    target_shape = indexing.read(array, index).shape
    if not advanced:
        # A plain index writes into a view: torch expands the value to its shape.
        try:
            views._expanded_shape(value_shape, target_shape, getattr(value, "dtype", array.dtype))
        except RuntimeError as error:
            return error
    return RuntimeError(
        f"shape mismatch: value tensor of shape {list(value_shape)} cannot be broadcast to "
        f"indexing result of shape {list(target_shape)}"
    )


def setitem(x: Tensor, index: Any, value: Any) -> None:
    if type(value) is int or type(value) is float:  # torch checks the number first
        fill_value_checked(value, x._array.dtype)  # 300 into uint8: torch's overflow error
    check_index(x._array.shape, index, ints=True)
    check_put_dtype(x, index, value)
    _refuse_byte_mask_fill(index, value)
    index = indexing.to_array_index(index, x)
    kind = IndexPut if indexing.index_kind(index) is indexing.Index else CopySlices
    if not (_GradState.enabled and (x._requires_grad or getattr(value, "_requires_grad", False))):
        check_writable(x)
        if isinstance(value, Tensor):
            check_same_device(x._array, value._array)
            value = value._array
        try:
            indexing.write(x._array, index, _without_leading_ones(value))
        except IndexError as error:
            raise IndexError(str(error).replace("axis", "dimension")) from None
        except ValueError:  # raised by NumPy before anything is written
            raise _assignment_error(x._array, index, value, kind is IndexPut) from None
        _bump(x)
        return
    if kind is CopySlices and x.grad_fn is None and x._requires_grad:
        # torch takes the view x[index] first: a bad index is an IndexError, not the
        # leaf's error that apply_inplace raises
        try:
            x._array[index]
        except IndexError as error:
            raise IndexError(str(error).replace("axis", "dimension")) from None
    apply_inplace(x, kind.apply, index, value)



def _refuse_byte_mask_fill(index: Any, value: Any) -> None:
    """x[byte_mask] = 5: torch writes one value under a lone mask with masked_fill_,
    which takes bool masks only (a byte mask works with a value of several elements)."""
    parts = index if isinstance(index, tuple) else (index,)
    advanced = [part for part in parts if isinstance(part, (list, bool)) or (
        isinstance(part, Tensor) and (part.dtype in (dtypes.uint8, dtypes.bool)
                                      or part._array.ndim))]
    one_value = (value._array.size if isinstance(value, Tensor) else np.size(value)) == 1
    if (one_value and len(advanced) == 1 and isinstance(advanced[0], Tensor)
            and advanced[0].dtype == dtypes.uint8):
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           "unsigned char. Use a bool mask: x[mask.bool()] = value.")


def _without_leading_ones(value: Any) -> Any:
    """torch lets a value carry extra leading dims of size 1 (out[i] = model(x) with a
    (1, n) result into an (n,) row); NumPy does not, so they are dropped first."""
    shape = getattr(value, "shape", ())
    leading = _leading_ones(shape)
    return value.reshape(shape[leading:]) if leading else value


def _leading_ones(shape: tuple) -> int:
    leading = 0
    while leading < len(shape) and shape[leading] == 1:
        leading += 1
    return leading


def floor_divide_(x: Tensor, other: Any) -> Tensor:
    return apply_inplace(x, rounding.floor_divide, other)


def remainder_(x: Tensor, other: Any) -> Tensor:
    return apply_inplace(x, rounding.remainder, other)


def masked_fill_(x: Tensor, mask: Tensor, value: Any) -> Tensor:
    """Write value where mask is True. The mask may broadcast to x, never x to the mask."""
    return apply_inplace(x, where.masked_fill, mask, value)
