"""Comparisons and logic: ==, <, &, ~ ... They give bool tensors and have no gradient
(a step function's derivative is zero almost everywhere), so they record nothing.
(^, << and >> are in bitwise.py.)
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.device import array_module
from teachgrad.ops.broadcast import binary_arrays, broadcasting
from teachgrad.tensor import Tensor


def _compare(a: Any, b: Any, operation: Any) -> Tensor:
    x, y = binary_arrays(a, b)
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


def logical_and(input: Any, other: Any) -> Tensor:
    return _compare(input, other, lambda x, y: array_module(x).logical_and(x, y))


def logical_or(input: Any, other: Any) -> Tensor:
    return _compare(input, other, lambda x, y: array_module(x).logical_or(x, y))


def logical_xor(input: Any, other: Any) -> Tensor:
    return _compare(input, other, lambda x, y: array_module(x).logical_xor(x, y))


def logical_not(input: Tensor) -> Tensor:
    return Tensor._make(array_module(input._array).logical_not(input._array))


def _bitwise(a: Any, b: Any, operation: Any, name: str) -> Tensor:
    for value in (a, b):
        if isinstance(value, Tensor) and value._array.dtype.kind == "f":
            raise RuntimeError(f"\"{name}_cpu\" not implemented for 'Float': & | ^ ~ work on "
                               "bool or integer tensors")
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
    _same_dtype(input, other)
    x, y = binary_arrays(input, other)
    return bool(array_module(x).allclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-5, atol: float = 1e-8,
            equal_nan: bool = False) -> Tensor:
    _same_dtype(input, other)
    x, y = binary_arrays(input, other)
    return Tensor._make(array_module(x).isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan))


def _same_dtype(input: Any, other: Any) -> None:
    # torch compares like with like and refuses to promote here, unlike arithmetic.
    if isinstance(other, Tensor) and input.dtype != other.dtype:
        raise RuntimeError(f"{dtypes.legacy_name(input.dtype)} did not match "
                           f"{dtypes.legacy_name(other.dtype)}. Convert one first, e.g. "
                           "b.to(a.dtype).")


def equal(input: Tensor, other: Tensor) -> bool:
    return input.shape == other.shape and bool((input == other).all())
