"""The checks matmul makes before it multiplies, each raising the error torch raises,
and how its backward treats a vector: as a one-row or one-column matrix.

Off the reading path: linalg.py calls _check_operands, _as_matrix_shape and _shaped,
and reads as the math.
"""

from __future__ import annotations

from typing import Any

from teachgrad.ops.broadcast import check_same_device
from teachgrad.ops.broadcast_shapes import broadcast_shapes
from teachgrad.tensor import Tensor


def _check_operands(x: Any, y: Any) -> None:
    """Raise torch's error when two arrays cannot be matrix-multiplied."""
    if (x.__class__ is y.__class__ and x.ndim == 2 and y.ndim == 2 and x.dtype is y.dtype
            and x.shape[1] == y.shape[0] and x.dtype.kind != "b"):
        return  # two matrices that fit, the common case, answered first
    check_same_device(x, y)
    if x.ndim == 0 or y.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {x.ndim}D and "
            f"{y.ndim}D"
        )
    if x.dtype != y.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_c_name(x.dtype)} != "
            f"{_c_name(y.dtype)}. Convert one of them, e.g. b.to(a.dtype)."
        )
    inner_x = x.shape[-1]
    inner_y = y.shape[0] if y.ndim == 1 else y.shape[-2]
    if inner_x != inner_y:
        if x.ndim >= 2 and y.ndim == 1:
            raise RuntimeError(
                f"size mismatch, got input ({_rows(x)}), mat ({_rows(x)}x{inner_x}), vec "
                f"({inner_y})"
            )
        if x.ndim == 1 and y.ndim == 1:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{x.shape[0]}] and src "
                f"[{y.shape[0]}] to have the same number of elements, but got {x.shape[0]} "
                f"and {y.shape[0]} elements respectively"
            )
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_rows(x)}x{inner_x} and "
            f"{inner_y}x{y.shape[-1] if y.ndim > 1 else 1})"
        )
    if x.ndim > 2 or y.ndim > 2:  # the batch dims (all but the last two) must broadcast
        broadcast_shapes(x.shape[:-2], y.shape[:-2] if y.ndim > 1 else ())
    if x.dtype.kind == "b":
        _check_bool(x, y, inner_x)


def _check_bool(x: Any, y: Any, inner: int) -> None:
    """torch has no bool kernel for products, but answers an empty product (no element
    out, or none summed: all False) without calling one; a dot product always calls it."""
    kernel = "dot" if x.ndim == 1 and y.ndim == 1 else "addmm_impl_cpu_"
    if kernel == "addmm_impl_cpu_" and (inner == 0 or 0 in x.shape[:-1] or (
            y.ndim > 1 and 0 in y.shape[:-2] + y.shape[-1:])):
        return
    raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool': multiply bool tensors "
                              "after converting them, e.g. a.float() @ b.float()")


def _rows(x: Any) -> int:
    rows = 1
    for size in x.shape[:-1]:
        rows *= size
    return rows


def _c_name(numpy_dtype: Any) -> str:
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int"}.get(numpy_dtype.name, numpy_dtype.name)


def _as_matrix_shape(shape: tuple, left: bool) -> tuple:
    """A vector's shape as a matrix's: a row on the left of @, a column on the right."""
    if len(shape) > 1:
        return shape
    return (1,) + shape if left else shape + (1,)


def _shaped(grad: Tensor, shape: tuple) -> Tensor:
    # Only vectors need reshaping back; skipping a no-op reshape saves a graph node.
    return grad if grad._array.shape == shape else grad.reshape(shape)
