"""The dtype a reduction computes in, and torch's error for one it refuses.

- sum adds integers and bools up in int64 (torch's rule), or in the dtype= asked for;
- mean, var and std take floating inputs only.

Off the reading path: reductions.py's Sum and Mean call these and read as the math.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.tensor import Tensor


def summed_array(array: Any, dtype: Any, needs_grad: bool) -> Any:
    """The array, in the dtype its sum is computed in."""
    if dtype is not None:  # (an integer dtype= is refused if x needs a gradient)
        dtype = dtypes.accumulation_dtype(dtype, needs_grad)
        return array.astype(dtype.numpy_dtype, copy=False)
    if array.dtype.kind in "biu":
        return array.astype(dtypes.int64.numpy_dtype, copy=False)  # torch sums ints in int64
    return array


def mean_input(x: Tensor) -> Any:
    """x's array, or torch's error if mean cannot average its dtype."""
    if x._array.dtype.kind != "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {dtypes.legacy_name(x.dtype)}. Convert first with "
            ".float()."
        )
    return x._array


def _float_input(x: Tensor, name: str) -> Any:
    if x._array.dtype.kind != "f":
        raise RuntimeError(
            f"{name}(): input dtype should be either floating point or complex dtypes. Got "
            f"{dtypes.legacy_name(x.dtype)} instead. Convert first with .float()."
        )
    return x._array
