"""Math functions compute in floats: exp, log, sin and the rest give the default float
dtype for an integer or bool input (teachgrad.exp(teachgrad.tensor([1])) is float32, as
in torch). Off the reading path; unary.py's Exp calls it.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes


def _floating(array: Any) -> Any:
    """Math functions give floats; integer and bool inputs become the default float dtype."""
    if array.dtype.kind == "f":
        return array
    return array.astype(dtypes.get_default_dtype().numpy_dtype)
