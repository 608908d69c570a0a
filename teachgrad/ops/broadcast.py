"""Broadcasting: summing gradients back, and the arrays a binary op computes on.

When an op broadcasts an input of shape (3,) against (2, 3), every element of the
input was used twice, so its gradient is the sum over the broadcast dimension.
sum_to_shape does that summing for every binary op's backward.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.ops.broadcast_shapes import (  # the errors and edge cases, off the path
    _same_device,
    _with_number,
    broadcast_error,
    broadcast_shapes,  # noqa: F401 - other modules import it from here
    check_same_device,  # noqa: F401 - other modules import it from here
    python_ints_wrapped,
)
from teachgrad.tensor import Tensor


def broadcasting(operation: Any, x: Any, y: Any) -> Any:
    """operation(x, y), with torch's message when the shapes do not broadcast.

    operation is one of Python's operator functions (operator.mul is x * y, written
    in C): the arrays' own operators then pick NumPy or CuPy.
    """
    try:
        return operation(x, y)
    except ValueError:
        raise broadcast_error(getattr(x, "shape", ()), getattr(y, "shape", ())) from None
    except OverflowError:  # uint8 + (-1): torch wraps the Python int into the dtype
        return operation(*python_ints_wrapped(x, y))


def sum_to_shape(grad: Tensor, shape: tuple) -> Tensor:
    """Sum `grad` over the dimensions that broadcasting added or stretched from size 1."""
    grad_shape = grad._array.shape
    if grad_shape == shape:
        return grad
    leading = len(grad_shape) - len(shape)
    stretched = tuple(
        leading + dim for dim, size in enumerate(shape)
        if size == 1 and grad_shape[leading + dim] != 1
    )
    summed = grad.sum(tuple(range(leading)) + stretched, keepdim=True) if leading or stretched \
        else grad
    return summed.reshape(shape) if summed._array.shape != shape else summed


def shape_of(value: Any) -> tuple:
    return value._array.shape if isinstance(value, Tensor) else ()


def binary_arrays(a: Any, b: Any) -> tuple[Any, Any]:
    """The arrays (or Python numbers) for `a op b`, already in torch's result dtype. The
    common cases (one dtype; a float tensor and a number) are checked first, at no cost."""
    a_is_tensor = isinstance(a, Tensor)
    b_is_tensor = isinstance(b, Tensor)
    if a_is_tensor and b_is_tensor:
        x, y = a._array, b._array
        if type(x) is not type(y):
            x, y = _same_device(a, b)
        if x.dtype is y.dtype or x.dtype == y.dtype:  # `is` answers the common case fast
            return x, y
        # A bool operand never changes the result dtype (grad * mask is the common case),
        # and NumPy agrees with torch there: no cast needed.
        if y.dtype.kind == "b" or x.dtype.kind == "b":
            return x, y
        target = dtypes.result_type(a, b).numpy_dtype
        return x.astype(target, copy=False), y.astype(target, copy=False)
    if a_is_tensor:
        return _with_number(a._array, b), b
    if b_is_tensor:
        return a, _with_number(b._array, a)
    raise TypeError("at least one operand must be a Tensor")
