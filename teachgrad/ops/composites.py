"""torch functions that are other names for, or short compositions of, teachgrad's ops.

Each is written with recorded ops, so its values, dtypes and gradients are those of the
ops it is made of (checked against torch in tests/test_torch_parity_inplace_forms.py).
"""

from __future__ import annotations

import math
from typing import Any

from teachgrad.device import array_module
from teachgrad.ops import compare, division, exp_log, rounding, signs, where
from teachgrad.ops.linear import addmm
from teachgrad.tensor import Tensor


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: float = 1) -> Tensor:
    """input + value * tensor1 * tensor2 (Adam-style updates write it in place)."""
    return input + value * tensor1 * tensor2


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: float = 1) -> Tensor:
    """input + value * tensor1 / tensor2."""
    if not tensor1.dtype.is_floating_point and not tensor2.dtype.is_floating_point:
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a "
                           "future release addcdiv will perform a true division of tensor1 "
                           "and tensor2. Use a float tensor1 or tensor2.")
    return input + value * tensor1 / tensor2


def clamp_min(input: Tensor, min: Any) -> Tensor:
    return where.clamp(input, min=min)


def clamp_max(input: Tensor, max: Any) -> Tensor:
    return where.clamp(input, max=max)


def deg2rad(input: Tensor) -> Tensor:
    return _as_float(input) * (math.pi / 180)


def rad2deg(input: Tensor) -> Tensor:
    return _as_float(input) * (180 / math.pi)


def hypot(input: Tensor, other: Tensor) -> Tensor:
    return exp_log.sqrt(input * input + other * other)


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given."""
    p = input if eps is None else where.clamp(input, eps, 1 - eps)
    return exp_log.log(p / (1 - p))


def xlogy(input: Any, other: Any) -> Tensor:
    """input * log(other), and 0 where input is 0 (even where log(other) is -inf or nan),
    unless other is nan."""
    product = input * exp_log.log(other)
    zero = (input == 0) & ~compare.isnan(other) if isinstance(other, Tensor) else input == 0
    return where.where(zero, 0.0, product)


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """nan, +inf and -inf replaced (by default: 0, the dtype's largest, its lowest)."""
    if not input.dtype.is_floating_point:
        return input.clone()
    info = array_module(input._array).finfo(input._array.dtype)
    posinf = float(info.max) if posinf is None else posinf
    neginf = float(info.min) if neginf is None else neginf
    result = where.where(compare.isnan(input), nan, input)
    result = where.where(result == math.inf, posinf, result)
    return where.where(result == -math.inf, neginf, result)


def _as_float(input: Tensor) -> Tensor:
    return input if input.dtype.is_floating_point else input.float()


# Other names torch gives the same functions.
ALIASES = {
    "absolute": signs.abs, "sgn": rounding.sign, "greater": compare.gt, "less": compare.lt,
    "greater_equal": compare.ge, "less_equal": compare.le, "not_equal": compare.ne,
    "true_divide": division.div, "bitwise_and": compare.bitwise_and,
    "bitwise_or": compare.bitwise_or, "bitwise_not": compare.bitwise_not,
}

FUNCTIONS = {
    "addcmul": addcmul, "addcdiv": addcdiv, "clamp_min": clamp_min, "clamp_max": clamp_max,
    "deg2rad": deg2rad, "rad2deg": rad2deg, "hypot": hypot, "logit": logit, "xlogy": xlogy,
    "nan_to_num": nan_to_num, "addmm": addmm, **ALIASES,
}
