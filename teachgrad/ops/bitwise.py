"""Bitwise ops on the bits of integers: xor (^) and the shifts << and >>.

They work on integer and bool tensors (shifts on integers only) and have no gradient:
integers cannot require grad. Operands are promoted as for arithmetic (int32 ^ int64
is int64, a bool tensor ^ 2 is int64); when the promoted type is a float, torch has
no kernel for it and says so with NotImplementedError, as here.

Shifting by a negative amount or by at least the width of the type gives 0 (or -1
for a negative number shifted right): torch defines it so, and NumPy agrees.
(& | and ~ live in compare.py with the other logic.)
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from teachgrad import dtypes
from teachgrad.device import array_module
from teachgrad.ops.broadcast import binary_arrays, broadcasting
from teachgrad.ops.broadcast_shapes import check_broadcastable
from teachgrad.ops.inplace import apply_inplace
from teachgrad.tensor import Tensor


def _bitwise(a: Any, b: Any, operation: Callable, kernel: str, bools: bool) -> Tensor:
    check_broadcastable(a, b)
    result = dtypes.result_type(a, b)
    if result.is_floating_point or (result == dtypes.bool and not bools):
        what = "integer" if not bools else "integer or bool"
        raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for "
                                  f"'{dtypes.legacy_name(result)}': {kernel} works on "
                                  f"{what} tensors")
    x, y = binary_arrays(a, b)
    tensor = a if isinstance(a, Tensor) else b
    # 0-d operands give a NumPy scalar; asarray makes it an array on the tensor's device.
    return Tensor._make(array_module(tensor._array).asarray(broadcasting(operation, x, y)))


def _left_shift(x: Any, y: Any) -> Any:
    return array_module(x if hasattr(x, "dtype") else y).left_shift(x, y)


def _right_shift(x: Any, y: Any) -> Any:
    return array_module(x if hasattr(x, "dtype") else y).right_shift(x, y)


def bitwise_xor(input: Any, other: Any) -> Tensor:
    return _bitwise(input, other, operator.xor, "bitwise_xor", bools=True)


def bitwise_left_shift(input: Any, other: Any) -> Tensor:
    """input * 2**other for integers, the bits moved left (<<)."""
    return _bitwise(input, other, _left_shift, "lshift", bools=False)


def bitwise_right_shift(input: Any, other: Any) -> Tensor:
    """input // 2**other for integers, the bits moved right (>>, keeping the sign)."""
    return _bitwise(input, other, _right_shift, "rshift", bools=False)


def bitwise_xor_(input: Tensor, other: Any) -> Tensor:
    return apply_inplace(input, bitwise_xor, other)


def bitwise_left_shift_(input: Tensor, other: Any) -> Tensor:
    return apply_inplace(input, bitwise_left_shift, other)


def bitwise_right_shift_(input: Tensor, other: Any) -> Tensor:
    return apply_inplace(input, bitwise_right_shift, other)
