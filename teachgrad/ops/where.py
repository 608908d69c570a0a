"""Ops that choose, element by element, between values: where, masked_fill, clamp,
maximum and minimum.

Their backward sends each gradient to the value that was chosen (a tie between
maximum's inputs splits it in half); the choice itself, a comparison, has none.
"""

from __future__ import annotations

import warnings
from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast import (
    binary_arrays,
    broadcast_error,
    broadcast_shapes,
    broadcasting,
    check_same_device,
    shape_of,
    sum_to_shape,
)
from teachgrad.ops.broadcast_shapes import fill_value_checked
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


class Clamp(Function):
    """clamp(x, min, max): max(x, min), then min(that, max). Number bounds keep x's shape;
    tensor bounds broadcast with x and take a gradient where they were chosen."""

    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx: Node, x: Tensor, low: Any, high: Any) -> Any:
        if low is None and high is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        values = x._array
        if values.dtype.kind != "f" or isinstance(low, Tensor) or isinstance(high, Tensor):
            # The bounds take part in type promotion, as an operand of add would: a bool
            # tensor clamped with min=1 gives int64, an int tensor with max=1.5 float32.
            # (A float tensor with number bounds, the common case, keeps its dtype.)
            target = dtypes.result_type(x, *(v for v in (low, high) if v is not None))
            values = values.astype(target.numpy_dtype, copy=False)
            broadcast_shapes(values.shape, shape_of(low), shape_of(high))  # torch's error
            _refuse_bool(values.dtype, low, high)
        xp = array_module(values)
        result = values
        if low is not None:
            result = xp.maximum(result, _value(low))
        if high is not None:
            result = xp.minimum(result, _value(high))
        return result.astype(values.dtype, copy=False)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (x,) = ctx.saved_tensors
        low, high = _value(ctx.low), _value(ctx.high)
        # Each gradient goes where its operand was chosen, by selection (not times a 0/1
        # mask, which makes 0 * inf = NaN): x where it was inside [min, max], ends
        # included; min where x was below it (and min < max); max where x was above it
        # (or max < min: then max wins everywhere).
        both = low is not None and high is not None
        needs_x, needs_low, needs_high = ctx.needs_input_grad
        grad_x = grad_low = grad_high = None
        if needs_x:
            _check_combinable(x._array, low, high, both)
            grad_x = _chosen(grad, _inside(x._array, low, high), x.shape)
        if needs_low:
            _check_combinable(x._array, low, high, both)
            below = (x._array < low) & (low < high) if both else x._array < low
            grad_low = _chosen(grad, below, ctx.low.shape)
        if needs_high:
            _check_combinable(x._array, high, low, both)
            above = (x._array > high) | (high < low) if both else x._array > high
            grad_high = _chosen(grad, above, ctx.high.shape)
        return grad_x, grad_low, grad_high


ClampTensor = renamed(Clamp, "ClampBackward0")  # tensor bounds: torch's clamp.Tensor


def _chosen(grad: Tensor, mask: Any, shape: tuple) -> Tensor:
    """grad where mask, else 0, summed back to an operand's shape (it may have broadcast)."""
    return sum_to_shape(where(Tensor._make(mask), grad, 0), shape)


def _check_combinable(values: Any, bound: Any, other: Any, both: bool) -> None:
    """torch's clamp backward ANDs (ORs) its two comparisons in place into the first one,
    x against `bound`: if the other comparison broadcasts to more than that, it raises."""
    if not both:
        return
    first = broadcast_shapes(values.shape, getattr(bound, "shape", ()))
    wanted = broadcast_shapes(first, getattr(other, "shape", ()))
    if first != wanted:
        raise RuntimeError(f"output with shape {list(first)} doesn't match the broadcast shape "
                           f"{list(wanted)} (torch's clamp backward, with tensor bounds that "
                           "broadcast beyond x; expand x to the result's shape first)")


def _refuse_bool(dtype: Any, low: Any, high: Any) -> None:
    """torch's clamp kernels take no bools; a single tensor bound (a maximum or minimum
    underneath) does."""
    tensors = isinstance(low, Tensor) or isinstance(high, Tensor)
    if dtype.kind != "b" or (tensors and (low is None or high is None)):
        return
    kernel = "clamp" if low is not None and high is not None else \
        "clamp_min" if low is not None else "clamp_max"
    raise NotImplementedError(f"\"{kernel}{'' if tensors else '_scalar'}_cpu\" not implemented "
                              f"for 'Bool': clamp needs numbers; convert first, e.g. x.int()")


def _inside(values: Any, low: Any, high: Any) -> Any:
    # A comparison has no gradient: the mask is made from the arrays, outside the graph.
    above = values >= low if low is not None else None
    below = values <= high if high is not None else None
    if above is None or below is None:
        return below if above is None else above
    return above & below


def _value(bound: Any) -> Any:
    return bound._array if isinstance(bound, Tensor) else bound


class Maximum(Function):
    node_name = "MaximumBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Tensor) -> Any:
        x, y = binary_arrays(a, b)
        ctx.shapes = (a._array.shape, b._array.shape)
        ctx.save_for_backward(a, b)
        return broadcasting(array_module(x).maximum, x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        return _split_by_winner(grad, a < b, a > b, a == b, ctx)


class Minimum(Function):
    node_name = "MinimumBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Tensor) -> Any:
        x, y = binary_arrays(a, b)
        ctx.shapes = (a._array.shape, b._array.shape)
        ctx.save_for_backward(a, b)
        return broadcasting(array_module(x).minimum, x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        return _split_by_winner(grad, a > b, a < b, a == b, ctx)


def _split_by_winner(grad: Tensor, a_loses: Tensor, b_loses: Tensor, tie: Tensor,
                     ctx: Node) -> tuple:
    # The winner takes the gradient; a tie splits it in half, as torch does. An input
    # that did not lose takes all of it: where a NaN is compared, both do (torch). The
    # loser's 0 is selected, not a product: an infinite grad does not make it NaN.
    shared = where(tie, grad / 2, grad)
    grad_a = sum_to_shape(shared.masked_fill(a_loses, 0), ctx.shapes[0]) \
        if ctx.needs_input_grad[0] else None
    grad_b = sum_to_shape(shared.masked_fill(b_loses, 0), ctx.shapes[1]) \
        if ctx.needs_input_grad[1] else None
    return grad_a, grad_b


class Where(Function):
    node_name = "WhereBackward0"

    @staticmethod
    def forward(ctx: Node, condition: Tensor, a: Any, b: Any) -> Any:
        if condition._array.dtype == "uint8":  # torch still takes it, with a warning
            warnings.warn("where received a uint8 condition tensor. This behavior is deprecated "
                          "and will be removed in a future version of PyTorch. Use a boolean "
                          "condition instead.", UserWarning, stacklevel=4)
            condition = Tensor._make(condition._array.astype(bool))
        if condition._array.dtype.kind != "b":
            raise RuntimeError(
                f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                f"{condition.dtype}. Compare first, e.g. where(x > 0, a, b)."
            )
        xp = array_module(condition._array)
        if isinstance(a, Tensor) or isinstance(b, Tensor):
            x, y = binary_arrays(a, b)
        else:  # where(mask, 1.0, 0.0): two numbers, typed as torch types numbers
            target = dtypes.result_type(a, b).numpy_dtype
            x, y = xp.asarray(a, dtype=target), xp.asarray(b, dtype=target)
        for operand in (x, y):
            if hasattr(operand, "shape"):
                check_same_device(condition._array, operand)
        ctx.shapes = (condition._array.shape, shape_of(a), shape_of(b))
        ctx.save_for_backward(condition)
        try:
            return xp.where(condition._array, x, y)
        except ValueError:
            # torch broadcasts condition, input, other in turn and names the first clash.
            broadcast_shapes(condition._array.shape, shape_of(a), shape_of(b))
            raise  # not reached: the shapes above cannot all broadcast

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (condition,) = ctx.saved_tensors
        zero = grad.new_zeros(())
        grad_a = sum_to_shape(where(condition, grad, zero), ctx.shapes[1]) \
            if ctx.needs_input_grad[1] else None
        grad_b = sum_to_shape(where(condition, zero, grad), ctx.shapes[2]) \
            if ctx.needs_input_grad[2] else None
        return None, grad_a, grad_b


class MaskedFill(Function):
    """x.masked_fill(mask, value): value where mask is True, x elsewhere.

    The mask broadcasts against x. value is a number (MaskedFillBackward0) or a 0-d
    tensor (MaskedFillBackward1), cast to x's dtype (2.7 into an int tensor gives 2);
    a 0-d value tensor collects the gradient of every position it filled.
    """

    node_name = "MaskedFillBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, mask: Tensor, value: Any) -> Any:
        array = x._array
        if not isinstance(mask, Tensor) or mask._array.dtype.kind != "b":
            got = dtypes.legacy_name(mask._array.dtype) if isinstance(mask, Tensor) \
                else type(mask).__name__
            raise RuntimeError(
                f"masked_fill_ only supports boolean masks, but got mask with dtype {got}. "
                "Compare first, e.g. x.masked_fill(x < 0, 0.0)."
            )
        check_same_device(array, mask._array)
        xp = array_module(array)
        if isinstance(value, Tensor):
            if value._array.ndim != 0:
                raise RuntimeError(
                    "masked_fill_ only supports a 0-dimensional value tensor, but got tensor "
                    f"with {value._array.ndim} dimension(s)."
                )
            fill = value.to(x.device)._array  # a 0-d CPU tensor may fill a GPU tensor
        else:
            fill = fill_value_checked(value, array.dtype)  # 300 into uint8 is an error
        fill = xp.asarray(fill).astype(array.dtype)
        ctx.shapes = (array.shape, mask._array.shape)
        ctx.save_for_backward(mask)
        try:
            return xp.where(mask._array, fill, array)
        except ValueError:
            raise broadcast_error(array.shape, mask._array.shape) from None

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (mask,) = ctx.saved_tensors
        zero = grad.new_zeros(())
        grad_x = sum_to_shape(where(mask, zero, grad), ctx.shapes[0]) \
            if ctx.needs_input_grad[0] else None
        grad_value = where(mask, grad, zero).sum() if ctx.needs_input_grad[2] else None
        return grad_x, None, grad_value


MaskedFillTensor = renamed(MaskedFill, "MaskedFillBackward1")


# ---------------------------------------------------------------- public functions


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        min, max = clamp_bounds(min, max)  # (a 0-d bound beside a number becomes a number)
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            return ClampTensor.apply(input, min, max)
    return Clamp.apply(input, _number_in_dtype(min, input), _number_in_dtype(max, input))


_FLOAT32_MAX = 3.4028234663852886e38


def _number_in_dtype(number: Any, tensor: Any) -> Any:
    """A Python number beside a tensor, checked against the dtype they make together as
    torch checks it: an int wraps into an integer dtype (-1 is 255 for uint8); out of
    range (300 for uint8, 1e300 for float32) is torch's overflow error."""
    kind = type(number)
    if (kind is not int and kind is not float) or not isinstance(tensor, Tensor):
        return number
    dtype = tensor._array.dtype
    if dtype.kind == "f" and (kind is int or dtype.itemsize == 8 or (
            dtype.itemsize == 4 and not abs(number) > _FLOAT32_MAX)):
        return number  # the common case, clamp(min=0) on floats: nothing to check
    target = dtypes.result_type(tensor, number).numpy_dtype
    checked = fill_value_checked(number, target)
    return int(checked) if type(number) is int and target.kind in "iu" else number


def clamp_bounds(min: Any, max: Any, name: str = "clamp") -> tuple:
    """The bounds as torch's two forms take them: both tensors (or None), or both numbers.

    A tensor beside a number counts as a number if it can be one (0-d, not requiring
    grad); otherwise the mix is refused (TypeError), before anything runs.
    """
    if not (isinstance(min, Tensor) or isinstance(max, Tensor)) or min is None or max is None \
            or (isinstance(min, Tensor) and isinstance(max, Tensor)):
        return min, max
    bounds = []
    for bound in (min, max):
        if isinstance(bound, Tensor):
            if bound.ndim != 0 or bound.requires_grad:
                got = ", ".join(type(value).__name__ for value in (min, max))
                raise TypeError(
                    f"{name}() received an invalid combination of arguments - got ({got}), but "
                    "expected one of: (Tensor min = None, Tensor max = None) or (Number min = "
                    "None, Number max = None). Give both bounds as tensors or both as numbers.")
            bound = bound.item()
        bounds.append(bound)
    return tuple(bounds)


clip = clamp


def maximum(input: Tensor, other: Tensor) -> Tensor:
    _both_tensors("maximum", input, other)
    return Maximum.apply(input, other)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    _both_tensors("minimum", input, other)
    return Minimum.apply(input, other)


def _both_tensors(name: str, input: Any, other: Any) -> None:
    """torch's maximum/minimum take two tensors; clamp takes a number."""
    for position, (argument, value) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(value, Tensor):
            raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be "
                            f"Tensor, not {type(value).__name__}")


def where(condition: Tensor, input: Any, other: Any) -> Tensor:
    return Where.apply(condition, _number_in_dtype(input, other), _number_in_dtype(other, input))


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    if isinstance(value, Tensor):
        return MaskedFillTensor.apply(input, mask, value)
    return MaskedFill.apply(input, mask, value)
