"""Broadcasting: torch's error for shapes that do not fit, and summing gradients back.

When an op broadcasts an input of shape (3,) against (2, 3), every element of the
input was used twice, so its gradient is the sum over the broadcast dimension.
sum_to_shape does that summing for every binary op's backward.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.tensor import Tensor


def broadcast_error(shape_a: tuple, shape_b: tuple) -> RuntimeError:
    """torch's message for two shapes that cannot broadcast, naming the offending dim."""
    ndim = max(len(shape_a), len(shape_b))
    padded_a = (1,) * (ndim - len(shape_a)) + tuple(shape_a)
    padded_b = (1,) * (ndim - len(shape_b)) + tuple(shape_b)
    for dim in reversed(range(ndim)):
        size_a, size_b = padded_a[dim], padded_b[dim]
        if size_a != size_b and size_a != 1 and size_b != 1:
            return RuntimeError(
                f"The size of tensor a ({size_a}) must match the size of tensor b ({size_b}) "
                f"at non-singleton dimension {dim}"
            )
    return RuntimeError(f"shapes {list(shape_a)} and {list(shape_b)} cannot be broadcast")


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


def check_same_device(x: Any, y: Any) -> None:
    if type(x) is not type(y) and hasattr(x, "shape") and hasattr(y, "shape"):
        from teachgrad.device import device_of

        raise RuntimeError(
            "Expected all tensors to be on the same device, but found at least two devices, "
            f"{device_of(x)} and {device_of(y)}! Move them with .to(device) first."
        )


def binary_arrays(a: Any, b: Any) -> tuple[Any, Any]:
    """The arrays (or Python numbers) for `a op b`, already in torch's result dtype.

    The common cases (two tensors of one dtype; a float tensor and a number) are
    checked first and cost nothing; only mixed dtypes go through result_type.
    """
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


def _with_number(x: Any, number: Any) -> Any:
    """Cast a tensor's array as torch does before it meets a Python number."""
    kind = x.dtype.kind
    if kind == "f" or isinstance(number, bool):
        return x
    if isinstance(number, int) or hasattr(number, "__index__"):
        return x.astype(dtypes.int64.numpy_dtype) if kind == "b" else x
    if isinstance(number, complex):
        raise TypeError("teachgrad has no complex dtypes")
    return x.astype(dtypes.get_default_dtype().numpy_dtype)


def _same_device(a: Tensor, b: Tensor) -> tuple[Any, Any]:
    # torch lets a 0-dim CPU tensor (a number, really) join an op on the GPU.
    from teachgrad.device import move_array

    if a._array.ndim == 0 and not a.is_cuda:
        return move_array(a._array, b.device), b._array
    if b._array.ndim == 0 and not b.is_cuda:
        return a._array, move_array(b._array, a.device)
    check_same_device(a._array, b._array)
    return a._array, b._array


# Off the reading path, imported here for the modules that look for them in this one.
from teachgrad.ops.broadcast_shapes import broadcast_shapes, python_ints_wrapped  # noqa: E402, F401
