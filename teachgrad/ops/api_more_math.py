"""Elementwise and along-a-dim math torch has and teachgrad lacked: logspace, diff,
heaviside, fmax/fmin, float_power, sinc and the trapezoid rule.

All but heaviside are compositions of recorded teachgrad ops, so their gradients are
those of the parts; heaviside is a Function whose backward raises, as torch's has no
derivative (registered through api_more.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import teachgrad
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.tensor import Tensor


def logspace(start: float, end: float, steps: int, base: float = 10.0, *, dtype: Any = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:
    """base ** linspace(start, end, steps), computed in float64 and cast to dtype."""
    dtype = teachgrad.get_default_dtype() if dtype is None else dtype
    exponents = teachgrad.linspace(start, end, steps, dtype=teachgrad.float64, device=device)
    values = teachgrad.pow(float(base), exponents)
    if not dtype.is_floating_point:
        values = teachgrad.round(values)  # 10 ** 2 may land a hair under 100 in float64
    return values.to(dtype).requires_grad_(requires_grad)


def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,
         append: Tensor | None = None) -> Tensor:
    """The n-th forward difference along dim (x[i+1] - x[i]; != for bool tensors)."""
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    parts = [part for part in (prepend, input, append) if part is not None]
    if any(part.ndim != input.ndim for part in parts):
        raise RuntimeError(f"diff expects prepend or append to be the same dimension as "
                           f"input ({input.ndim}-D); reshape them to {input.ndim}-D")
    values = teachgrad.cat(parts, dim=dim) if len(parts) > 1 else input
    for _ in range(n):
        length = values.shape[dim]
        if length == 0:
            break
        later, earlier = values.narrow(dim, 1, length - 1), values.narrow(dim, 0, length - 1)
        values = later != earlier if values.dtype == teachgrad.bool else later - earlier
    return values


def heaviside(input: Tensor, values: Tensor) -> Tensor:
    """0 where input < 0, values where input == 0, 1 where input > 0 (a step: no gradient)."""
    _both_tensors("heaviside", input, values)
    if input.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different "
                           "dtypes; cast values to input's dtype")
    teachgrad.broadcast_shapes(input.shape, values.shape)  # RuntimeError if they do not
    return Heaviside.apply(input, values)


class Heaviside(Function):
    """torch records heaviside but has no derivative for it: backward raises."""

    node_name = "NotImplemented"

    @staticmethod
    def forward(ctx: Node, input: Tensor, values: Tensor) -> Any:
        x = input._array
        xp = array_module(x)
        step = (x > 0).astype(x.dtype)
        return xp.where(x == 0, values._array, step).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        raise RuntimeError("the derivative for 'heaviside' is not implemented; compute it "
                           "on detached tensors")


def _both_tensors(name: str, input: Any, other: Any) -> None:
    for position, (which, value) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(value, Tensor):
            raise TypeError(f"{name}(): argument '{which}' (position {position}) must be "
                            f"Tensor, not {type(value).__name__}")


def fmax(input: Tensor, other: Tensor) -> Tensor:
    """maximum that ignores NaN (NaN only where both are); ties send the gradient to input."""
    _both_tensors("fmax", input, other)
    keep_input = (input >= other) | teachgrad.isnan(other)
    return teachgrad.where(keep_input, input, other)


def fmin(input: Tensor, other: Tensor) -> Tensor:
    """minimum that ignores NaN (NaN only where both are); ties send the gradient to input."""
    _both_tensors("fmin", input, other)
    keep_input = (input <= other) | teachgrad.isnan(other)
    return teachgrad.where(keep_input, input, other)


def float_power(input: Any, exponent: Any) -> Tensor:
    """pow computed in float64 whatever the dtypes (the gradient comes back in each's own)."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError("float_power() needs input or exponent to be a Tensor")
    base = input.double() if isinstance(input, Tensor) else float(input)
    power = exponent.double() if isinstance(exponent, Tensor) else float(exponent)
    return teachgrad.pow(base, power)


def sinc(input: Tensor) -> Tensor:
    """sin(pi x) / (pi x), and 1 at x == 0 (where its gradient is 0, not NaN)."""
    if not input.dtype.is_floating_point:
        input = input.to(teachgrad.get_default_dtype())
    zero = input == 0
    # divide by a safe value at zero: the unused branch's gradient must not be 0 * inf
    angle = teachgrad.where(zero, 1.0, input) * math.pi
    return teachgrad.where(zero, 1.0, teachgrad.sin(angle) / angle)


def _ends(y: Tensor, dim: int) -> tuple[Tensor, Tensor]:
    length = y.shape[dim]
    if length == 0:
        return y, y
    return y.narrow(dim, 1, length - 1), y.narrow(dim, 0, length - 1)


def _spacing(y: Tensor, x: Tensor, dim: int) -> Tensor:
    """x's differences along dim, shaped to meet y's (a 1-D x runs along dim)."""
    if x.ndim == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError(f"trapezoid: There must be one `x` value for each sample point "
                               f"(got {x.shape[0]} x values and {y.shape[dim]} samples)")
        shape = [1] * y.ndim
        shape[dim] = x.shape[0]
        x = x.reshape(shape)
    return diff(x, dim=dim)


def _check_spacing(name: str, y: Tensor, x: Any, dx: Any) -> None:
    if x is not None and dx is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments: "
                        f"pass x or dx, not both")
    if y.ndim == 0:
        raise IndexError(f"{name}: Dimension out of range (y is 0-d; expected at least 1 dim)")


def trapezoid(y: Tensor, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The trapezoid rule along dim: sum of (y[i] + y[i+1]) / 2 times the spacing."""
    _check_spacing("trapezoid", y, x, dx)
    if y.shape[dim] == 0:  # torch returns fresh zeros, not connected to y's graph
        shape = list(y.shape)
        del shape[dim]
        return teachgrad.zeros(shape, dtype=y.dtype, device=y.device)
    if isinstance(x, Tensor):
        later, earlier = _ends(y, dim)
        return (_spacing(y, x, dim) * (later + earlier)).sum(dim) / 2.0
    step = (1 if dx is None else dx) if x is None else x
    ends = y.select(dim, 0) + y.select(dim, -1)
    return (y.sum(dim) - ends * 0.5) * step


def trapz(y: Tensor, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The running trapezoid sums along dim (one element fewer than y there)."""
    _check_spacing("cumulative_trapezoid", y, x, dx)
    later, earlier = _ends(y, dim)
    if isinstance(x, Tensor):
        step = _spacing(y, x, dim) / 2.0
    else:
        step = ((1 if dx is None else dx) if x is None else x) / 2.0
    return (step * (later + earlier)).cumsum(dim)


FUNCTIONS: dict[str, Callable] = {
    "logspace": logspace, "diff": diff, "heaviside": heaviside, "fmax": fmax, "fmin": fmin,
    "float_power": float_power, "sinc": sinc, "trapezoid": trapezoid, "trapz": trapz,
    "cumulative_trapezoid": cumulative_trapezoid,
}
TENSOR_METHODS: dict[str, Callable] = {
    name: FUNCTIONS[name] for name in ("diff", "heaviside", "fmax", "fmin", "float_power",
                                       "sinc")
}
