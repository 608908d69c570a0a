"""Finite-difference gradient checks (float64) for the math functions and activations of
issue 15, first and second derivatives.

The same machinery as tests/test_gradcheck.py: hypothesis draws shapes and options, a
seeded NumPy generator draws values inside each function's domain and away from its
kinks (0 for elu, +-3 for the hard activations, the bounds of hardtanh), where finite
differences are no derivative. The second derivative is checked by running gradcheck
on the first one: x -> autograd.grad((f(x) * w).sum(), x, create_graph=True).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_gradcheck import SETTINGS, Draw, leaf, small_shapes

import teachgrad
import teachgrad.nn.functional as F
from teachgrad.autograd import gradcheck

#: name -> (function of tensors, how many inputs, low, high, kinks to stay away from)
UNARY: dict[str, tuple[Callable, float, float]] = {
    "tan": (teachgrad.tan, -1.2, 1.2), "asin": (teachgrad.asin, -0.9, 0.9),
    "acos": (teachgrad.acos, -0.9, 0.9), "atan": (teachgrad.atan, -3, 3),
    "sinh": (teachgrad.sinh, -2, 2), "cosh": (teachgrad.cosh, -2, 2),
    "asinh": (teachgrad.asinh, -3, 3), "acosh": (teachgrad.acosh, 1.2, 4),
    "atanh": (teachgrad.atanh, -0.9, 0.9), "rsqrt": (teachgrad.rsqrt, 0.3, 3),
    "erf": (teachgrad.erf, -2.5, 2.5), "erfc": (teachgrad.erfc, -2.5, 2.5),
    "exp2": (teachgrad.exp2, -3, 3), "log2": (teachgrad.log2, 0.2, 5),
    "log10": (teachgrad.log10, 0.2, 5), "log1p": (teachgrad.log1p, -0.8, 3),
    "expm1": (teachgrad.expm1, -2, 2),
    "silu": (F.silu, -4, 4), "mish": (F.mish, -4, 4), "softsign": (F.softsign, -4, 4),
    "logsigmoid": (F.logsigmoid, -6, 6), "softplus": (F.softplus, -5, 5),
    "softplus-beta": (lambda x: F.softplus(x, beta=2.0, threshold=4.0), -5, 5),
    "softmin": (lambda x: F.softmin(x, dim=-1), -3, 3),
}
#: piecewise activations: values kept at least 0.05 from each kink
PIECEWISE: dict[str, tuple[Callable, tuple]] = {
    "elu": (F.elu, (0.0,)), "elu-alpha": (lambda x: F.elu(x, 0.4), (0.0,)),
    "selu": (F.selu, (0.0,)), "celu": (lambda x: F.celu(x, 1.7), (0.0,)),
    "hardtanh": (F.hardtanh, (-1.0, 1.0)),
    "hardtanh-bounds": (lambda x: F.hardtanh(x, -0.5, 2.0), (-0.5, 2.0)),
    "relu6": (lambda x: F.relu6(x * 3), (0.0, 2.0)),
    "hardsigmoid": (F.hardsigmoid, (-3.0, 3.0)),
    "hardswish": (F.hardswish, (-3.0, 3.0)),
    "softplus-threshold": (lambda x: F.softplus(x, 1.0, 1.0), (1.0,)),
}
#: torch has no second derivative for hardsigmoid (teachgrad refuses it too)
NO_SECOND = {"hardsigmoid"}


def _away(draw: Draw, shape: tuple, kinks: tuple) -> np.ndarray:
    values = draw.rng.uniform(-4.5, 4.5, shape)
    for kink in kinks:
        side = np.where(values >= kink, 1.0, -1.0)
        values = np.where(np.abs(values - kink) < 0.05, kink + side * 0.1, values)
    return values


def _one_input(draw: Draw, name: str) -> tuple[Callable, list]:
    shape = draw(small_shapes, label="shape")
    if name in UNARY:
        fn, low, high = UNARY[name]
        return fn, [draw.rng.uniform(low, high, shape)]
    fn, kinks = PIECEWISE[name]
    return fn, [_away(draw, shape, kinks)]


def _binary(draw: Draw, name: str) -> tuple[Callable, list]:
    shape_a, shape_b = draw(st.sampled_from([((2, 3), (2, 3)), ((2, 3), (3,)), ((3,), (2, 1)),
                                             ((), (2,)), ((4,), ())]), label="shapes")
    a, b = draw.normal(shape_a), draw.normal(shape_b)
    if name == "atan2":
        return teachgrad.atan2, [a, draw.away(shape_b, margin=0.3)]
    if name == "logaddexp":
        return teachgrad.logaddexp, [a * 2, b * 2]
    if name == "logaddexp2":
        return teachgrad.logaddexp2, [a * 2, b * 2]
    if name == "lerp-tensor":
        shape_w = draw(st.sampled_from([(), (1,), shape_b]), label="weight shape")
        return teachgrad.lerp, [a, b, draw.rng.uniform(-0.5, 1.5, shape_w)]
    if name == "lerp-number":
        weight = draw(st.sampled_from([0.0, 0.3, 0.5, 0.8, 1.0, 1.7]), label="weight")
        return (lambda x, y: teachgrad.lerp(x, y, weight)), [a, b]
    # copysign: away from 0 in the magnitude (|a|'s kink), any sign source
    return teachgrad.copysign, [draw.away(shape_a, margin=0.2), b]


BINARY = ["atan2", "logaddexp", "logaddexp2", "lerp-tensor", "lerp-number", "copysign"]
ALL = sorted([*UNARY, *PIECEWISE, *BINARY])


def _build(draw: Draw, name: str) -> tuple[Callable, list]:
    return _binary(draw, name) if name in BINARY else _one_input(draw, name)


@pytest.mark.parametrize("name", ALL)
@SETTINGS
@given(data=st.data())
def test_gradcheck(name: str, data: st.DataObject) -> None:
    fn, arrays = _build(Draw(data), name)
    assert gradcheck(fn, [leaf(array) for array in arrays])


def _first_derivative(fn: Callable, count: int, seed: int) -> Callable:
    """inputs -> d(f(inputs) . w)/d inputs, recorded so that it can be differentiated."""

    def first(*inputs: Any) -> Any:
        # gradcheck's finite differences call this under no_grad; the inner grad needs a graph
        with teachgrad.enable_grad():
            out = fn(*inputs)
            weights = np.random.default_rng(seed).uniform(0.5, 1.5, tuple(out.shape))
            loss = (out * teachgrad.tensor(weights)).sum()
            grads = teachgrad.autograd.grad(loss, list(inputs), create_graph=True)
        return grads[0] if count == 1 else tuple(grads)

    return first


@pytest.mark.parametrize("name", [name for name in ALL if name not in NO_SECOND])
@SETTINGS
@given(data=st.data())
def test_second_derivative_gradcheck(name: str, data: st.DataObject) -> None:
    draw = Draw(data)
    fn, arrays = _build(draw, name)
    inputs = [leaf(array) for array in arrays]
    first = _first_derivative(fn, len(inputs), seed=len(name))
    outputs = first(*inputs)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    # Only first derivatives that depend on the inputs (copysign's for its sign source
    # is a constant zero; lerp's for start and end are constants) can be checked.
    keep = [index for index, output in enumerate(outputs) if output.requires_grad]
    if not keep:
        pytest.skip("a constant first derivative")

    def varying(*xs: Any) -> Any:
        results = first(*xs)
        results = results if isinstance(results, tuple) else (results,)
        return tuple(results[index] for index in keep)

    assert gradcheck(varying, inputs)


def test_gradcheck_catches_a_wrong_math_backward() -> None:
    """The check can fail: a tan whose backward forgot the square must not pass."""

    class WrongTan(teachgrad.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x.detach().tan()

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            (x,) = ctx.saved_tensors
            return grad * (1 + x.tan())

    assert not gradcheck(WrongTan.apply, [leaf(np.array([0.3, -0.7]))], raise_exception=False)
