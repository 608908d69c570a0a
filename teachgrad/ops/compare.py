"""Comparisons and logic: ==, <, &, ~ ... They give bool tensors and have no gradient
(a step function's derivative is zero almost everywhere), so they record nothing.
(^, << and >> are in bitwise.py.)
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.device import array_module
from teachgrad.ops.broadcast import binary_arrays, broadcasting, shape_of
from teachgrad.ops.broadcast_shapes import broadcast_shapes, python_numbers_cast
from teachgrad.tensor import Tensor


def _compare(a: Any, b: Any, operation: Any) -> Tensor:
    x, y = binary_arrays(a, b)
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
        # A number meets the tensor in its dtype, as torch casts it: uint8 == 300 compares
        # with 44, float32 < 1e300 with inf (NumPy would compare exactly, or warn).
        x, y = python_numbers_cast(x, y)
    result = broadcasting(operation, x, y)
    # Ask a tensor operand for the module: comparing 0-d arrays gives a NumPy scalar
    # (np.bool_), not an array, and the scalar's type says nothing about the device.
    tensor = a if isinstance(a, Tensor) else b
    return Tensor._make(array_module(tensor._array).asarray(result))


def eq(input: Any, other: Any) -> Tensor:
    return _compare(input, other, lambda x, y: x == y)


def ne(input: Any, other: Any) -> Tensor:
    return _compare(input, other, lambda x, y: x != y)


def lt(input: Any, other: Any) -> Tensor:
    return _compare(input, other, lambda x, y: x < y)


def le(input: Any, other: Any) -> Tensor:
    return _compare(input, other, lambda x, y: x <= y)


def gt(input: Any, other: Any) -> Tensor:
    return _compare(input, other, lambda x, y: x > y)


def ge(input: Any, other: Any) -> Tensor:
    return _compare(input, other, lambda x, y: x >= y)


def logical_and(input: Tensor, other: Tensor) -> Tensor:
    _tensors_only("logical_and", input, other)
    return _compare(input, other, lambda x, y: array_module(x).logical_and(x, y))


def logical_or(input: Tensor, other: Tensor) -> Tensor:
    _tensors_only("logical_or", input, other)
    return _compare(input, other, lambda x, y: array_module(x).logical_or(x, y))


def logical_xor(input: Tensor, other: Tensor) -> Tensor:
    _tensors_only("logical_xor", input, other)
    return _compare(input, other, lambda x, y: array_module(x).logical_xor(x, y))


def logical_not(input: Tensor) -> Tensor:
    return Tensor._make(array_module(input._array).logical_not(input._array))


def _bitwise(a: Any, b: Any, operation: Any, name: str) -> Tensor:
    # torch checks the shapes first, then finds no kernel for a float result (a float
    # tensor, or a Python float: x & 1.5).
    broadcast_shapes(shape_of(a), shape_of(b))
    result = dtypes.result_type(a, b)
    if result.is_floating_point:
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for "
                                  f"'{dtypes.legacy_name(result)}': & | ^ ~ work on bool or "
                                  "integer tensors; convert first, e.g. x.int()")
    return _compare(a, b, operation)


def bitwise_and(input: Any, other: Any) -> Tensor:
    return _bitwise(input, other, lambda x, y: x & y, "bitwise_and")


def bitwise_or(input: Any, other: Any) -> Tensor:
    return _bitwise(input, other, lambda x, y: x | y, "bitwise_or")


def bitwise_not(input: Tensor) -> Tensor:
    if input._array.dtype.kind == "f":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return Tensor._make(~input._array)


def isnan(input: Tensor) -> Tensor:
    return Tensor._make(array_module(input._array).isnan(input._array))


def isfinite(input: Tensor) -> Tensor:
    return Tensor._make(array_module(input._array).isfinite(input._array))


def isinf(input: Tensor) -> Tensor:
    return Tensor._make(array_module(input._array).isinf(input._array))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-5, atol: float = 1e-8,
             equal_nan: bool = False) -> bool:
    x, y = _close_operands("allclose", input, other)
    return bool(array_module(x).allclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-5, atol: float = 1e-8,
            equal_nan: bool = False) -> Tensor:
    x, y = _close_operands("isclose", input, other)
    return Tensor._make(array_module(x).isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan))


def _tensors_only(name: str, input: Any, other: Any) -> None:
    """torch's logical ops and closeness tests take two tensors, where == takes a number:
    its argument parser refuses anything else (TypeError)."""
    for role, position, value in (("input", 1, input), ("other", 2, other)):
        if not isinstance(value, Tensor):
            raise TypeError(f"{name}(): argument '{role}' (position {position}) must be Tensor, "
                            f"not {type(value).__name__}. Make it one first, e.g. "
                            f"teachgrad.tensor({value!r}).")


def _close_operands(name: str, input: Any, other: Any) -> tuple[Any, Any]:
    """isclose/allclose: two tensors of one dtype, whose shapes broadcast (torch's errors
    for each, checked before NumPy sees them)."""
    _tensors_only(name, input, other)
    # torch compares like with like and refuses to promote here, unlike arithmetic.
    if input.dtype != other.dtype:
        raise RuntimeError(f"{dtypes.legacy_name(input.dtype)} did not match "
                           f"{dtypes.legacy_name(other.dtype)}. Convert one first, e.g. "
                           "b.to(a.dtype).")
    broadcast_shapes(input._array.shape, other._array.shape)
    return binary_arrays(input, other)


def equal(input: Tensor, other: Tensor) -> bool:
    _tensors_only("equal", input, other)
    return input.shape == other.shape and bool((input == other).all())
