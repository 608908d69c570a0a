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
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx: Node, x: Tensor, low: Any, high: Any) -> Any:
        if low is None and high is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        ctx.save_for_backward(x if ctx.needs_input_grad[0] else None)
        ctx.low, ctx.high = low, high
        values = x._array
        if values.dtype.kind != "f" or isinstance(low, Tensor) or isinstance(high, Tensor):
            # The bounds take part in type promotion, as an operand of add would: a bool
            # tensor clamped with min=1 gives int64, an int tensor with max=1.5 float32.
            # (A float tensor with number bounds, the common case, keeps its dtype.)
            target = dtypes.result_type(x, *(v for v in (low, high) if v is not None))
            values = values.astype(target.numpy_dtype, copy=False)
        xp = array_module(values)
        result = values
        if low is not None:
            result = xp.maximum(result, low)
        if high is not None:
            result = xp.minimum(result, high)
        return result.astype(values.dtype, copy=False)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (x,) = ctx.saved_tensors
        # The gradient passes where the input was inside [min, max], ends included.
        inside = _inside(x._array, ctx.low, ctx.high)
        return grad * Tensor._make(inside), None, None


def _inside(values: Any, low: Any, high: Any) -> Any:
    # A comparison has no gradient: the mask is made from the arrays, outside the graph.
    above = values >= _value(low) if low is not None else None
    below = values <= _value(high) if high is not None else None
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
    # that did not lose takes all of it: where a NaN is compared, both do (torch).
    half = tie * -0.5
    grad_a = sum_to_shape(grad * (~a_loses + half), ctx.shapes[0]) \
        if ctx.needs_input_grad[0] else None
    grad_b = sum_to_shape(grad * (~b_loses + half), ctx.shapes[1]) \
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
    return Clamp.apply(input, min, max)


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
    return Where.apply(condition, input, other)


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    if isinstance(value, Tensor):
        return MaskedFillTensor.apply(input, mask, value)
    return MaskedFill.apply(input, mask, value)
