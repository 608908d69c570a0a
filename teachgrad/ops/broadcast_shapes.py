"""Shapes, dtypes, devices and numbers meeting in a binary op, off the reading path.

- broadcast_shapes: the shape that shapes broadcast to, or torch's error (broadcast_error).
- check_same_device, _same_device: torch's error for arrays on two devices, except a
  0-d CPU tensor (a number, really), which joins an op on the GPU.
- _with_number: a tensor's array cast as torch casts it before it meets a Python number.
- Python numbers a tensor's dtype cannot hold. In arithmetic and comparisons torch casts
  them into the dtype, as C does: an int wraps (uint8 + (-1) adds 255, int8 * 1000
  multiplies by -24, uint8 == 300 compares with 44), a float beyond float32's range
  becomes inf (float32 < 1e300 is True). A value written into a tensor (full, fill_,
  masked_fill, t[i] = v, hardtanh's limits) must fit, except that an unsigned dtype takes
  a negative int down to -max, and a float16 or bool one takes any float. NumPy refuses
  the ints (OverflowError) and warns for the floats.
- float_operands: integers that an op computes as floats (int / int, copysign), each cast
  to the default float on its own, as torch does.
- times_alpha: add(x, y, alpha=a) and sub, with torch's checks of alpha.

Callers: broadcast.py (which re-exports broadcast_shapes, broadcast_error and
check_same_device, for the many ops that import them from there), arithmetic.py,
compare.py, rounding.py, powers.py, mixing.py, more_activations.py, indexing.py, where.py,
inplace.py and creation.py.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from teachgrad import dtypes
from teachgrad.device import array_module, device_of, move_array
from teachgrad.tensor import Size, Tensor


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


def check_same_device(x: Any, y: Any) -> None:
    if type(x) is not type(y) and hasattr(x, "shape") and hasattr(y, "shape"):
        raise RuntimeError(
            "Expected all tensors to be on the same device, but found at least two devices, "
            f"{device_of(x)} and {device_of(y)}! Move them with .to(device) first."
        )


def _same_device(a: Tensor, b: Tensor) -> tuple[Any, Any]:
    # torch lets a 0-dim CPU tensor (a number, really) join an op on the GPU.
    if a._array.ndim == 0 and not a.is_cuda:
        return move_array(a._array, b.device), b._array
    if b._array.ndim == 0 and not b.is_cuda:
        return a._array, move_array(b._array, a.device)
    check_same_device(a._array, b._array)
    return a._array, b._array


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


def check_broadcastable(a: Any, b: Any) -> None:
    """torch's error when two operands' shapes do not broadcast (a number fits any shape).

    For ops that refuse some dtypes: torch checks the shapes first.
    """
    broadcast_shapes(getattr(a, "shape", ()), getattr(b, "shape", ()))


def python_numbers_cast(x: Any, y: Any) -> tuple[Any, Any]:
    """x and y, a Python number among them that the other's dtype cannot hold cast into
    it as torch casts (an int wrapped, a float overflowing to inf); others stay numbers."""
    return _cast_number(x, y), _cast_number(y, x)


def _cast_number(value: Any, other: Any) -> Any:
    kind = type(value)
    if kind is not int and kind is not float:  # (checked first: comparisons are common)
        return value
    dtype = getattr(other, "dtype", None)
    lowest, highest = _RANGES.get(dtype, (None, None))
    if lowest is None or lowest <= value <= highest or (kind is int) != (dtype.kind in "iu"):
        return value  # it fits (or NaN, or inf), or NumPy promotes as torch does
    if kind is int:
        bits = 8 * dtype.itemsize  # C's cast keeps the low bits: value modulo 2**bits
        low = value % (1 << bits)
        return array_module(other).asarray(low - (1 << bits) if low > highest else low,
                                           dtype=dtype)
    with np.errstate(over="ignore"):  # rounds to inf, or to max within half an ulp
        return array_module(other).asarray(value).astype(dtype)


#: (lowest, highest) of each integer and float dtype, as Python numbers
_RANGES = {np.dtype(name): (int(np.iinfo(name).min), int(np.iinfo(name).max))
           for name in ("uint8", "int8", "int16", "int32", "int64")}
_RANGES.update({np.dtype(name): (-float(np.finfo(name).max), float(np.finfo(name).max))
                for name in ("float16", "float32", "float64")})


def float_operands(a: Any, b: Any) -> tuple[Any, Any]:
    """The operands of an op that computes integers as floats (true division, copysign).

    With a float among them, as they are. Without, each one cast to the default float
    dtype directly, as torch does: not first to their common integer dtype, where a 0-d
    int64 tensor would wrap into an int32 tensor's dtype (2**63 - 1 becoming -1).
    """
    if _is_float(a) or _is_float(b):
        return a, b
    target = dtypes.get_default_dtype()
    return tuple(Tensor._make(value._array.astype(target.numpy_dtype))
                 if isinstance(value, Tensor) else float(value) for value in (a, b))


def _is_float(value: Any) -> bool:
    return value._array.dtype.kind == "f" if isinstance(value, Tensor) \
        else type(value) is float


def times_alpha(input: Any, other: Any, alpha: Any) -> Any:
    """other * alpha for add(..., alpha=) and sub, as torch computes it: in the dtype of
    input and other (alpha takes no part in promotion), an alpha that fits it only."""
    result = dtypes.result_type(input, other)
    if type(alpha) is bool and result is not dtypes.bool:
        raise RuntimeError("Boolean alpha only supported for Boolean results. Pass a number, "
                           "e.g. alpha=1.")
    if isinstance(alpha, float) and not result.is_floating_point:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           f"point number. The result is {result.name}: pass an int alpha, or "
                           "convert first, e.g. x.float().")
    if result is dtypes.bool:  # bools: other and alpha, then or-ed into input
        return other & bool(alpha) if isinstance(other, Tensor) else bool(other) and bool(alpha)
    fill_value_checked(alpha, result.numpy_dtype)  # a float alpha beyond float32 is refused
    if isinstance(other, Tensor):
        other = other.to(result)  # uint8 * -1 is computed as float32 if input is float32
    return other * alpha


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
            "int64": "int64_t", "float32": "float", "float64": "double"}


def fill_value_checked(value: Any, numpy_dtype: Any) -> Any:
    """A Python number to write into a dtype: torch's range check; an int is wrapped."""
    if type(value) is float:
        if not _float_fits(value, numpy_dtype):
            raise _overflow(value, numpy_dtype)
        return value
    if type(value) is not int or numpy_dtype.kind not in "iu":
        return value
    info = np.iinfo(numpy_dtype)
    lowest = -int(info.max) if numpy_dtype.kind == "u" else int(info.min)
    if not lowest <= value <= int(info.max):
        raise _overflow(value, numpy_dtype)
    return np.asarray(value).astype(numpy_dtype)


def _float_fits(value: float, numpy_dtype: Any) -> bool:
    """torch's check of a float written into a dtype: within the dtype's range (no NaN or
    inf into an integer); float16 and bool take anything (inf, or True)."""
    if numpy_dtype.kind in "iu":
        info = np.iinfo(numpy_dtype)
        return float(info.min) <= value <= float(info.max)  # False for NaN
    if numpy_dtype.kind == "f" and numpy_dtype.itemsize > 2:
        return not math.isfinite(value) or abs(value) <= float(np.finfo(numpy_dtype).max)
    return True


def _overflow(value: Any, numpy_dtype: Any) -> RuntimeError:
    return RuntimeError(f"value cannot be converted to type {_C_NAMES[numpy_dtype.name]} "
                        f"without overflow: {value} does not fit in {numpy_dtype.name}")
