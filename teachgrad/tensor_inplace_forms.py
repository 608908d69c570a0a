"""The in-place forms torch gives its Tensor methods: x.floor_(), x.unsqueeze_(0), x.normal_().

Three kinds, each made from what teachgrad already has, so nothing is written twice:

- values: `x.name_(...)` is `x.name(...)` written back into x by inplace.apply_inplace,
  with its checks (dtype casts, leaves that require grad, the version counter); the
  comparisons record their own node (compare_inplace.py), the logical ops none;
- shapes: `unsqueeze_`, `squeeze_`, `t_`, `transpose_`, ... make x itself the view the
  out-of-place method returns (same memory, new shape and strides);
- random fills: `uniform_`, `normal_`, `bernoulli_`, ... draw from teachgrad's generator
  (or the one given) and write the values into x.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from teachgrad.autograd.grad_mode import no_grad
from teachgrad.device import array_module
from teachgrad.ops import compare_inplace
from teachgrad.ops.inplace import _bump, _overwrite, apply_inplace, check_writable
from teachgrad.random import Generator, generator_for
from teachgrad.tensor import Tensor

# Methods whose in-place form is the method written back into the tensor.
VALUE_FORMS = (
    "absolute", "ceil", "floor", "round", "trunc", "frac", "fix", "reciprocal", "negative",
    "square", "sign", "sgn", "deg2rad", "rad2deg", "logit", "cumsum", "cumprod",
    "clamp_min", "clamp_max", "bitwise_and", "bitwise_or", "bitwise_not", "logical_and",
    "logical_or", "logical_not", "logical_xor", "eq", "ne", "lt", "le", "gt", "ge",
    "greater", "less", "not_equal", "greater_equal", "less_equal", "divide", "multiply",
    "subtract", "true_divide", "fmod", "remainder", "hypot", "xlogy", "nan_to_num",
    "addcmul", "addcdiv", "addmm",
)
# Value forms that torch writes without recording anything
LOGICAL = ("logical_and", "logical_or", "logical_not", "logical_xor")
# Methods that return a view with another shape; their in-place form reshapes x itself.
SHAPE_FORMS = ("unsqueeze", "squeeze", "t", "transpose", "swapaxes", "swapdims")


def _value_form(name: str, method: Callable) -> Callable:
    def in_place(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        out_of_place = functools.partial(method, **kwargs) if kwargs else method
        return apply_inplace(self, out_of_place, *args)

    in_place.__name__ = in_place.__qualname__ = f"{name}_"
    in_place.__doc__ = f"x.{name}_(...): x.{name}(...) written into x."
    return in_place


def _comparison_form(name: str) -> Callable:
    def in_place(self: Tensor, other: Any) -> Tensor:
        return apply_inplace(self, compare_inplace.twin(name), other)

    in_place.__name__ = in_place.__qualname__ = f"{name}_"
    in_place.__doc__ = f"x.{name}_(other): x.{name}(other) written into x, in x's dtype."
    return in_place


def _logical_form(name: str, method: Callable) -> Callable:
    def in_place(self: Tensor, *args: Any) -> Tensor:
        # torch neither checks nor records these: x keeps its history (and requires_grad)
        with no_grad():
            result = method(self, *args)
        _overwrite(self, result._array)
        return _bump(self)

    in_place.__name__ = in_place.__qualname__ = f"{name}_"
    in_place.__doc__ = f"x.{name}_(...): x.{name}(...) written into x; autograd records nothing."
    return in_place


def _shape_form(name: str, method: Callable) -> Callable:
    def in_place(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        check_writable(self)
        if self.requires_grad and self.grad_fn is None:
            raise RuntimeError(f"{name}_(): a leaf Variable that requires grad cannot change "
                               f"its shape in place; use {name}(...) instead")
        view = method(self, *args, **kwargs)  # recorded in a graph: x becomes this view
        self._array = view._array
        if self.requires_grad:
            self.grad_fn, self._output_nr = view.grad_fn, view._output_nr
        return self

    in_place.__name__ = in_place.__qualname__ = f"{name}_"
    in_place.__doc__ = f"x.{name}_(...): x becomes x.{name}(...), the same memory reshaped."
    return in_place


def _random_fill(draw: Callable) -> Callable:
    """x.<fill>_(..., generator=None): values drawn with NumPy's generator, written into x."""

    @functools.wraps(draw)
    def in_place(self: Tensor, *args: Any, generator: Generator | None = None,
                 **kwargs: Any) -> Tensor:
        check_writable(self)  # a leaf that requires grad: only under no_grad, as nn.init does
        values = draw(generator_for(np, generator), self._array.shape, *args, **kwargs)
        self._array[...] = array_module(self._array).asarray(
            values.astype(self._array.dtype, copy=False))
        return _bump(self)

    return in_place


def _from_to(name: str, bounds: tuple, named: dict, defaults: tuple) -> tuple:
    """(from, to) given by position or by name: `from` is a Python keyword, so torch's
    uniform_(from=, to=) and random_(from, to=) come here as **named."""
    unknown = sorted(set(named) - {"from", "to"})
    if unknown:
        raise TypeError(f"{name}() got an unexpected keyword argument '{unknown[0]}'")
    if len(bounds) > 2:
        raise TypeError(f"{name}() takes at most 2 positional arguments ({len(bounds)} given)")
    values = [*bounds, *defaults[len(bounds):]]
    for index, key in enumerate(("from", "to")):
        if key in named:
            if index < len(bounds):
                raise TypeError(f"{name}() got multiple values for argument '{key}'")
            values[index] = named[key]
    return values[0], values[1]


def _uniform(rng: Any, shape: tuple, *bounds: float, **named: float) -> np.ndarray:
    low, high = _from_to("uniform_", bounds, named, (0.0, 1.0))
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={low:g} > to={high:g}")  # (C++ prints 3.0 as 3)
    return rng.uniform(low, high, shape)


def _normal(rng: Any, shape: tuple, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
    return rng.normal(mean, std, shape)


def _bernoulli(rng: Any, shape: tuple, p: float = 0.5) -> np.ndarray:
    return rng.random(shape) < p


def _exponential(rng: Any, shape: tuple, lambd: float = 1.0) -> np.ndarray:
    return rng.exponential(1.0 / lambd, shape)


def _cauchy(rng: Any, shape: tuple, median: float = 0.0, sigma: float = 1.0) -> np.ndarray:
    return median + sigma * rng.standard_cauchy(shape)


def _log_normal(rng: Any, shape: tuple, mean: float = 1.0, std: float = 2.0) -> np.ndarray:
    return rng.lognormal(mean, std, shape)


def _geometric(rng: Any, shape: tuple, p: float) -> np.ndarray:
    return rng.geometric(p, shape)


def _random(rng: Any, shape: tuple, *bounds: int, **named: int) -> np.ndarray:
    """random_(), random_(to) or random_(from, to): integers in [from, to) (torch's three
    forms; with no bound, [0, 2**24))."""
    if not bounds and not named:
        low, high = 0, 2**24
    elif len(bounds) + len(named) == 1 and (bounds or "to" in named):
        low, high = 0, bounds[0] if bounds else named["to"]  # random_(to)
    else:
        low, high = _from_to("random_", bounds, named, (None, None))
        if high is None:
            raise TypeError("random_() received an invalid combination of arguments: give "
                            "random_(), random_(to) or random_(from, to)")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    return rng.integers(low, high, shape)


RANDOM_FILLS = {
    "uniform_": _uniform, "normal_": _normal, "bernoulli_": _bernoulli,
    "exponential_": _exponential, "cauchy_": _cauchy, "log_normal_": _log_normal,
    "geometric_": _geometric, "random_": _random,
}


def inplace_forms(tensor_class: type) -> dict[str, Callable]:
    """Every in-place form above that tensor_class does not define yet, by name."""
    forms: dict[str, Callable] = {}
    for name in VALUE_FORMS:
        if hasattr(tensor_class, name) and not hasattr(tensor_class, f"{name}_"):
            method = getattr(tensor_class, name)
            forms[f"{name}_"] = (
                _comparison_form(name) if name in compare_inplace.COMPARISONS
                else _logical_form(name, method) if name in LOGICAL
                else _value_form(name, method))
    for name in SHAPE_FORMS:
        if hasattr(tensor_class, name) and not hasattr(tensor_class, f"{name}_"):
            forms[f"{name}_"] = _shape_form(name, getattr(tensor_class, name))
    for name, draw in RANDOM_FILLS.items():
        forms.setdefault(name, _random_fill(draw))
    return forms
