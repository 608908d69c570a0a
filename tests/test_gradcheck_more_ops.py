"""Gradient checks (float64 central differences) for the ops of test_oracle_more_ops.py.

The same machinery as tests/test_gradcheck.py: hypothesis draws the shapes, dims and
options; a seeded NumPy generator draws values, kept away from the places where an op
jumps (multiples of the divisor for %, integers and halves for rounding), ties (sort,
topk, the inf-norm) and zeros (the 1-norm), where finite differences are no derivative.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_gradcheck import SETTINGS, Draw, leaf, nonempty_dims, small_shapes

import teachgrad
from teachgrad.autograd import gradcheck

OPS: dict[str, Callable[[Draw], tuple[Callable, list]]] = {}


def op(name: str) -> Callable:
    def register(builder: Callable) -> Callable:
        OPS[name] = builder
        return builder

    return register


def _fractions(draw: Draw, shape: tuple, low: float = 0.15, high: float = 0.85) -> np.ndarray:
    """k + u with k a small integer and u in [low, high]: away from every integer."""
    return draw.rng.integers(-3, 4, shape) + draw.rng.uniform(low, high, shape)


def _away_from_halves(draw: Draw, shape: tuple) -> np.ndarray:
    """Away from integers and from halves too (where round jumps)."""
    offsets = np.where(draw.rng.random(shape) < 0.5, draw.rng.uniform(0.1, 0.4, shape),
                       draw.rng.uniform(0.6, 0.9, shape))
    return draw.rng.integers(-3, 4, shape) + offsets


# ------------------------------------------------------------------ remainders, rounding


@op("remainder-number")
def _remainder_number(draw: Draw) -> tuple:
    divisor = draw(st.sampled_from([2, -1.5, 0.75, 3]), label="divisor")
    shape = draw(small_shapes, label="shape")
    return (lambda x: x % divisor), [_fractions(draw, shape) * divisor]


def _quotient_pair(draw: Draw) -> tuple[np.ndarray, np.ndarray]:
    shape_a, shape_b = draw(st.sampled_from([((2, 3), (2, 3)), ((2, 3), (3,)), ((3,), (2, 1)),
                                             ((), (2,)), ((4,), ())]), label="shapes")
    b = draw.away(shape_b, margin=0.4)
    a = _fractions(draw, np.broadcast_shapes(shape_a, shape_b)) * b
    return a.reshape(np.broadcast_shapes(shape_a, shape_b)), b


def _binary(fn: Callable) -> Callable:
    def build(draw: Draw) -> tuple:
        a, b = _quotient_pair(draw)
        return fn, [a, b]

    return build


OPS["remainder-tensor"] = _binary(lambda a, b: a % b)
OPS["fmod-tensor"] = _binary(teachgrad.fmod)
OPS["fmod-number"] = lambda draw: ((lambda x: teachgrad.fmod(x, -1.5)),
                                   [_fractions(draw, draw(small_shapes)) * 1.5])
OPS["div-floor"] = _binary(lambda a, b: teachgrad.div(a, b, rounding_mode="floor"))
OPS["div-trunc"] = _binary(lambda a, b: teachgrad.div(a, b, rounding_mode="trunc"))

for _name in ["round", "floor", "ceil", "trunc", "frac"]:
    OPS[_name] = lambda draw, n=_name: (getattr(teachgrad, n),
                                        [_away_from_halves(draw, draw(small_shapes))])
OPS["round-decimals"] = lambda draw: ((lambda x: x.round(decimals=1)),
                                      [_away_from_halves(draw, draw(small_shapes)) / 10])


# ------------------------------------------------------------------ scans


def _scan(method: str, values: str = "normal") -> Callable:
    def build(draw: Draw) -> tuple:
        shape = draw(small_shapes, label="shape")
        dim = draw.dim(len(shape))
        array = getattr(draw, values)(shape)
        return (lambda x: getattr(x, method)(dim)), [array]

    return build


OPS["cumsum"] = _scan("cumsum")
OPS["cumprod"] = _scan("cumprod")
OPS["cumprod-positive"] = _scan("cumprod", "positive")


@op("cumprod-with-zeros")
def _cumprod_zeros(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    dim = draw.dim(len(shape))
    array = draw.normal(shape)
    array[draw.rng.random(shape) < 0.3] = 0.0
    return (lambda x: x.cumprod(dim)), [array]


# ------------------------------------------------------------------ moving values around


def _dims_subset(draw: Draw, ndim: int) -> tuple:
    dims = draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim), label="dims")
    return tuple(d - ndim if draw(st.booleans(), label="negative") else d for d in dims)


@op("flip")
def _flip(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    dims = _dims_subset(draw, len(shape))
    return (lambda x: x.flip(dims)), [draw.normal(shape)]


@op("repeat")
def _repeat(draw: Draw) -> tuple:
    shape = draw(small_shapes, label="shape")
    extra = draw(st.integers(0, 2), label="extra dims")
    repeats = draw(st.lists(st.integers(1, 3), min_size=len(shape) + extra,
                            max_size=len(shape) + extra), label="repeats")
    return (lambda x: x.repeat(*repeats) if repeats else x.repeat(())), [draw.normal(shape)]


@op("tile")
def _tile(draw: Draw) -> tuple:
    shape = draw(small_shapes, label="shape")
    dims = tuple(draw(st.lists(st.integers(1, 3), max_size=4), label="dims"))
    return (lambda x: teachgrad.tile(x, dims)), [draw.normal(shape)]


@op("roll")
def _roll(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    if draw(st.booleans(), label="flat"):
        shift = draw(st.integers(-5, 5), label="shift")
        return (lambda x: x.roll(shift)), [draw.normal(shape)]
    dims = _dims_subset(draw, len(shape)) or (0,)
    shifts = tuple(draw(st.integers(-4, 4), label="shift") for _ in dims)
    return (lambda x: teachgrad.roll(x, shifts, dims)), [draw.normal(shape)]


@op("masked_fill")
def _masked_fill(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    mask = teachgrad.tensor(draw.rng.random(shape[-1:]) < 0.5)  # broadcasts over x
    return (lambda x: x.masked_fill(mask, -0.5)), [draw.normal(shape)]


@op("masked_fill-tensor-value")
def _masked_fill_value(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    mask = teachgrad.tensor(draw.rng.random(shape) < 0.5)
    return (lambda x, v: x.masked_fill(mask, v) * x), [draw.normal(shape), draw.normal(())]


@op("gather")
def _gather(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    dim = draw.dim(len(shape))
    axis = dim % len(shape)
    index_shape = tuple(draw(st.integers(1, 4)) if d == axis else draw(st.integers(1, size))
                        for d, size in enumerate(shape))
    index = teachgrad.tensor(draw.rng.integers(0, shape[axis], index_shape))
    return (lambda x: x.gather(dim, index)), [draw.normal(shape)]


# ------------------------------------------------------------------ norms


def _norm(p: float, values: str) -> Callable:
    def build(draw: Draw) -> tuple:
        shape = draw(nonempty_dims, label="shape")
        keepdim = draw(st.booleans(), label="keepdim")
        kind = draw(st.sampled_from(["all", "one", "tuple"]), label="dims")
        dim = None if kind == "all" else draw.dim(len(shape)) if kind == "one" else \
            _dims_subset(draw, len(shape)) or None
        array = getattr(draw, values)(shape)
        return (lambda x: x.norm(p, dim, keepdim)), [array]

    return build


OPS["norm-2"] = _norm(2, "normal")
OPS["norm-1"] = _norm(1, "nonzero")
OPS["norm-inf"] = _norm(float("inf"), "spread")
OPS["norm-neg-inf"] = _norm(float("-inf"), "spread")
OPS["norm-3"] = _norm(3, "normal")
OPS["norm-1.5"] = _norm(1.5, "nonzero")
OPS["norm-0.5"] = _norm(0.5, "nonzero")
OPS["vector_norm"] = lambda draw: (teachgrad.linalg.vector_norm, [draw.normal(draw(small_shapes))])


@op("norm-with-zero-rows")
def _norm_zero_rows(draw: Draw) -> tuple:
    # A zero row sits at the kink of |x|; its entries stay out of the checked inputs.
    rows = draw(st.integers(1, 3), label="rows")
    values = draw.normal((rows, 3))
    zero = teachgrad.zeros(1, 3, dtype=teachgrad.float64)
    return (lambda x: teachgrad.cat([x, zero]).norm(dim=1)), [values]


# ------------------------------------------------------------------ sorting


@op("sort")
def _sort(draw: Draw) -> tuple:
    shape = draw(small_shapes, label="shape")
    dim = draw.dim(len(shape))
    descending = draw(st.booleans(), label="descending")
    return (lambda x: x.sort(dim, descending).values), [draw.spread(shape)]


@op("topk")
def _topk(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    dim = draw.dim(len(shape))
    k = draw(st.integers(0, shape[dim]), label="k")
    largest = draw(st.booleans(), label="largest")
    return (lambda x: teachgrad.topk(x, k, dim, largest).values), [draw.spread(shape)]


@pytest.mark.parametrize("name", sorted(OPS))
@SETTINGS
@given(data=st.data())
def test_gradcheck(name: str, data: st.DataObject) -> None:
    draw = Draw(data)
    fn, arrays = OPS[name](draw)
    inputs = [leaf(array) for array in arrays]
    assert gradcheck(fn, inputs)


def test_every_new_differentiable_op_is_checked() -> None:
    families = ["remainder-number", "remainder-tensor", "fmod-tensor", "div-floor", "round",
                "floor", "ceil", "trunc", "frac", "cumsum", "cumprod", "cumprod-with-zeros",
                "flip", "repeat", "tile", "roll", "masked_fill", "masked_fill-tensor-value",
                "gather", "norm-2", "norm-1", "norm-inf", "norm-3", "vector_norm", "sort",
                "topk"]
    assert [family for family in families if family not in OPS] == []


def test_gradcheck_notices_a_wrong_norm_gradient() -> None:
    """The checks above can fail: a 2-norm whose gradient lacks the 1/norm is caught."""

    class WrongNorm(teachgrad.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: teachgrad.Tensor) -> teachgrad.Tensor:
            ctx.save_for_backward(x)
            return x.norm()

        @staticmethod
        def backward(ctx: Any, grad: teachgrad.Tensor) -> teachgrad.Tensor:
            (x,) = ctx.saved_tensors
            return grad * x

    x = leaf(np.array([3.0, -4.0]))
    assert gradcheck(lambda v: v.norm(), [x])
    assert not gradcheck(WrongNorm.apply, [x], raise_exception=False)
