"""Shapes and numbers meeting in a binary op, off the reading path: broadcast_shapes, and
Python ints that do not fit a small integer dtype.

In arithmetic torch wraps such an int into the dtype, as C does: uint8 + (-1) adds 255,
int8 * 1000 multiplies by -24. A value written into a tensor (full, fill_, masked_fill,
t[i] = v) must fit, except that an unsigned dtype takes a negative value down to -max.
NumPy refuses both (OverflowError); broadcast.py, indexing.py and inplace.py call here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachgrad.device import array_module
from teachgrad.ops.broadcast import broadcast_error
from teachgrad.tensor import Size


def broadcast_shapes(*shapes: Any) -> Any:
    """teachgrad.broadcast_shapes: the shape that all of these broadcast to."""
    result: tuple = ()
    for shape in shapes:
        shape = tuple(shape)
        ndim = max(len(result), len(shape))
        padded_r = (1,) * (ndim - len(result)) + result
        padded_s = (1,) * (ndim - len(shape)) + shape
        merged = []
        for size_r, size_s in zip(padded_r, padded_s):
            if size_r != size_s and size_r != 1 and size_s != 1:
                raise broadcast_error(result, shape)
            merged.append(size_s if size_r == 1 else size_r)
        result = tuple(merged)
    return Size(result)


def python_ints_wrapped(x: Any, y: Any) -> tuple[Any, Any]:
    """x and y, a Python int among them turned into the other's integer dtype, wrapped."""
    def wrapped(value: Any, other: Any) -> Any:
        if type(value) is int and getattr(other, "dtype", None) is not None \
                and other.dtype.kind in "iu":
            return array_module(other).asarray(value).astype(other.dtype)
        return value

    return wrapped(x, y), wrapped(y, x)


# torch's names for the C types in its overflow message
_C_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
            "int64": "int64_t"}


def fill_value_checked(value: Any, numpy_dtype: Any) -> Any:
    """A Python int to write into an integer dtype: torch's range check, then wrapped."""
    if type(value) is not int or numpy_dtype.kind not in "iu":
        return value
    info = np.iinfo(numpy_dtype)
    lowest = -int(info.max) if numpy_dtype.kind == "u" else int(info.min)
    if not lowest <= value <= int(info.max):
        raise RuntimeError(f"value cannot be converted to type {_C_NAMES[numpy_dtype.name]} "
                           f"without overflow: {value} does not fit")
    return np.asarray(value).astype(numpy_dtype)
