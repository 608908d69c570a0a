"""The ops added after the core set, run in teachgrad and in torch on the same inputs.

// and %, fmod, rounding, cumsum/cumprod, flip/repeat/tile/roll, masked_fill, gather,
norms, sort/argsort/topk. Each case goes through the core suite's runner (values,
dtype, shape, requires_grad, grad_fn name, and the gradients of (out * w).sum()), and
again under create_graph (second derivatives) and on the (fake) GPU. Floor division
and number % tensor have no derivative in torch; their own tests check that backward
raises in both libraries. Edge cases (negative numbers, zeros, ties, NaN, empty dims,
integer dtypes) and errors are compared with torch too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from oracle import assert_same, assert_same_error, grad_fn_name, torch
from test_devices_ops import check_case
from test_oracle_ops import Const, _pairs, assert_same_second_order, run

import teachgrad

RNG = np.random.default_rng(20250714)
INF = float("inf")


def randn(*shape: int, dtype: Any = np.float64) -> np.ndarray:
    return RNG.standard_normal(shape).astype(dtype)


def positive(*shape: int, dtype: Any = np.float64) -> np.ndarray:
    return RNG.uniform(0.5, 2.0, shape).astype(dtype)


def away_from_integers(*shape: int, scale: float = 3.0) -> np.ndarray:
    """Values whose fractional part stays in [0.15, 0.85]: no rounding jump nearby."""
    whole = RNG.integers(-4, 4, shape)
    return (whole + RNG.uniform(0.15, 0.85, shape) * np.sign(RNG.standard_normal(shape))
            ) * scale / 3.0


def distinct(*shape: int) -> np.ndarray:
    count = int(np.prod(shape))
    return (RNG.permutation(count).reshape(shape) * 0.37 - count * 0.15).astype(np.float64)


def ints(*shape: int, low: int = -9, high: int = 10) -> np.ndarray:
    return RNG.integers(low, high, shape)


def nonzero_ints(*shape: int) -> np.ndarray:
    values = ints(*shape, low=-5, high=6)
    return np.where(values == 0, 3, values)


CASES: list = []


def case(name: str, fn: Callable, *args: Any, **options: Any) -> None:
    CASES.append(pytest.param(fn, args, options, id=name))


_signed = np.array([[-7.0, -3.5, -2.0, 0.0], [2.0, 3.5, 7.0, -0.25]])

# --------------------------------------------------------------------------- remainder, fmod

for _number in [2, -2, 2.5, -0.75, 3]:
    case(f"mod-number-{_number}", lambda m, a, s: a % s, _signed, _number)
    case(f"remainder-fn-{_number}", lambda m, a, s: m.remainder(a, s), randn(2, 3) * 4, _number)
    case(f"fmod-number-{_number}", lambda m, a, s: m.fmod(a, s), _signed, _number)
    case(f"mod-int-tensor-{_number}", lambda m, a, s: a % s, ints(2, 5), _number)
case("mod-tensor", lambda m, a, b: a % b, randn(2, 3) * 5, positive(2, 3) * np.array([1, -1, 1]))
case("mod-tensor-broadcast", lambda m, a, b: a % b, randn(4, 3) * 5, np.array([1.5, -2.0, 0.7]))
case("mod-tensor-broadcast-other", lambda m, a, b: m.remainder(a, b), np.array([5.5, -5.5]),
     positive(3, 1) + 0.3)
case("fmod-tensor", lambda m, a, b: m.fmod(a, b), randn(2, 3) * 5,
     positive(2, 3) * np.array([1, -1, 1]))
case("fmod-method-tensor", lambda m, a, b: a.fmod(b), randn(4, 3) * 5, np.array([1.5, -2.0, 0.7]))
case("mod-int-tensors", lambda m, a, b: a % b, ints(3, 4), nonzero_ints(3, 4))
case("mod-int-negative-divisor", lambda m, a, b: a % b, ints(6), np.array([-3, -2, -5, 3, 2, 7]))
case("fmod-int-tensors", lambda m, a, b: m.fmod(a, b), ints(3, 4), nonzero_ints(4))
case("mod-int-by-float-tensor", lambda m, a, b: a % b, ints(4), np.array([1.5, -2.5, 0.75, 3.0]))
case("mod-float32", lambda m, a: a % 0.3, randn(3, 4, dtype=np.float32))
case("mod-exact-multiples-signed-zero", lambda m, a: a % 2, np.array([-4.0, 4.0, -0.0, 6.0]))
case("mod-exact-negative-divisor", lambda m, a: a % -2, np.array([-4.0, 4.0, 0.0, -6.0]))
case("mod-by-zero-float", lambda m, a, b: a % b, np.array([1.0, -1.0, 0.0]), np.zeros(3))
case("mod-by-inf", lambda m, a: a % INF, np.array([1.5, -1.5, 0.0]))
case("mod-method", lambda m, a: a.remainder(1.5), randn(5) * 3)
case("mod-bool-int", lambda m, a: a % 2, np.array([True, False]))
for _mode in ["floor", "trunc"]:
    case(f"div-{_mode}", lambda m, a, b, r=_mode: m.div(a, b, rounding_mode=r), _signed,
         np.array([2.0, -2.0, 0.1, 3.0]))
    case(f"div-{_mode}-number", lambda m, a, r=_mode: a.div(-2.5, rounding_mode=r), _signed)
    case(f"div-{_mode}-ints", lambda m, a, b, r=_mode: m.div(a, b, rounding_mode=r), ints(3, 4),
         nonzero_ints(3, 4))
    case(f"div-{_mode}-int-by-float", lambda m, a, r=_mode: m.div(a, 2.5, rounding_mode=r),
         ints(6))
    case(f"div-{_mode}-by-zero", lambda m, a, b, r=_mode: m.div(a, b, rounding_mode=r),
         np.array([1.0, -1.0, 0.0]), np.zeros(3))

# --------------------------------------------------------------------------- rounding

_halves = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.49, 0.51, 0.0, -0.0, 3.7, -3.7])
for _name in ["round", "floor", "ceil", "trunc", "frac", "fix"]:
    case(f"{_name}-halves", lambda m, a, n=_name: getattr(m, n)(a), _halves)
    case(f"{_name}-method", lambda m, a, n=_name: getattr(a, n)(), away_from_integers(3, 4))
    case(f"{_name}-float32", lambda m, a, n=_name: getattr(a, n)(),
         away_from_integers(5).astype(np.float32))
    if _name != "frac":
        case(f"{_name}-int", lambda m, a, n=_name: getattr(m, n)(a), ints(2, 3))
    case(f"{_name}-0d", lambda m, a, n=_name: getattr(a, n)(), np.array(-1.25))
for _decimals in [0, 1, 2, -1, -2]:
    case(f"round-decimals-{_decimals}", lambda m, a, d=_decimals: m.round(a, decimals=d),
         np.array([1.25, 1.35, 12345.5, -0.125, 1234.5, -0.05, 149.0, 151.0]))
    case(f"round-decimals-float32-{_decimals}", lambda m, a, d=_decimals: a.round(decimals=d),
         randn(6, dtype=np.float32) * 300)
case("frac-inf-nan", lambda m, a: a.frac(), np.array([INF, -INF, np.nan, 2.25]))

# --------------------------------------------------------------------------- cumsum, cumprod

_x3 = (2, 3, 4)
for _dim in [0, 1, 2, -1, -3]:
    case(f"cumsum-{_dim}", lambda m, a, d=_dim: a.cumsum(d), randn(*_x3))
    case(f"cumsum-fn-{_dim}", lambda m, a, d=_dim: m.cumsum(a, dim=d), randn(*_x3))
    case(f"cumprod-{_dim}", lambda m, a, d=_dim: a.cumprod(d), positive(*_x3))
    case(f"cumprod-signed-{_dim}", lambda m, a, d=_dim: m.cumprod(a, d), randn(*_x3))
case("cumsum-dtype", lambda m, a: a.cumsum(0, dtype=m.float64), randn(4, 3, dtype=np.float32))
case("cumsum-int", lambda m, a: a.cumsum(1), ints(3, 4))
case("cumsum-int32", lambda m, a: a.cumsum(0), ints(5).astype(np.int32))
case("cumsum-bool", lambda m, a: a.cumsum(0), RNG.random(6) > 0.5)
case("cumsum-0d", lambda m, a: a.cumsum(0), np.array(2.5))
case("cumsum-float32", lambda m, a: a.cumsum(-1), randn(3, 7, dtype=np.float32))
case("cumprod-int", lambda m, a: a.cumprod(0), ints(5, low=-3, high=4))
case("cumprod-0d", lambda m, a: a.cumprod(-1), np.array(-1.5))
case("cumprod-one-zero", lambda m, a: a.cumprod(0), np.array([2.0, 0.0, 3.0, -1.5, 4.0]))
case("cumprod-two-zeros", lambda m, a: a.cumprod(0), np.array([2.0, 0.0, 3.0, 0.0, 4.0]))
case("cumprod-zero-first-and-last", lambda m, a: a.cumprod(0), np.array([0.0, 2.0, -3.0, 0.0]))
case("cumprod-zeros-2d", lambda m, a: a.cumprod(1),
     np.array([[2.0, 0.0, 3.0], [0.0, 1.5, 0.0], [1.0, 2.0, -3.0]]))
case("cumprod-zeros-dim0", lambda m, a: a.cumprod(0),
     np.array([[2.0, 0.0, 3.0], [0.0, 1.5, 0.0], [1.0, 2.0, -3.0]]))
case("cumprod-float32", lambda m, a: a.cumprod(1), positive(3, 5, dtype=np.float32))

# --------------------------------------------------------------------------- flip, repeat, roll

for _dims in [(0,), (1,), (-1,), (0, 2), (2, 0, 1), ()]:
    case(f"flip-{_dims}", lambda m, a, d=_dims: m.flip(a, d), randn(*_x3))
case("flip-method-varargs", lambda m, a: a.flip(0, 1), randn(3, 4))
case("flip-method-list", lambda m, a: a.flip([1]), randn(3, 4))
case("flip-0d", lambda m, a: a.flip(0), np.array(1.5))
case("flip-int", lambda m, a: a.flip(0), ints(4))
case("fliplr", lambda m, a: m.fliplr(a), randn(3, 4))
case("flipud", lambda m, a: a.flipud(), randn(3, 4))
for _repeats in [(2, 1), (1, 3), (2, 3), (2, 1, 3), (3, 2, 2, 1), (0, 2), (1, 1)]:
    case(f"repeat-{_repeats}", lambda m, a, r=_repeats: a.repeat(*r), randn(2, 3))
case("repeat-tuple", lambda m, a: a.repeat((2, 2)), randn(2, 3))
case("repeat-1d", lambda m, a: a.repeat(3), randn(4))
case("repeat-0d", lambda m, a: a.repeat(2, 3), np.array(0.5))
case("repeat-0d-empty", lambda m, a: a.repeat(()), np.array(0.5))
case("repeat-int", lambda m, a: a.repeat(2, 2), ints(2, 2))
for _dims in [(2,), (2, 1), (1, 2, 2), (3, 1, 1, 2)]:
    case(f"tile-{_dims}", lambda m, a, d=_dims: m.tile(a, d), randn(2, 3))
    case(f"tile-method-{_dims}", lambda m, a, d=_dims: a.tile(d), randn(3))
for _shifts, _dims in [(1, None), (-2, None), (7, None), (1, 0), (-1, 1), ((1, 2), (0, 1)),
                       ((1, -1), (-1, 0)), (5, 2), ([2], [1])]:
    case(f"roll-{_shifts}-{_dims}", lambda m, a, s=_shifts, d=_dims: m.roll(a, s, d),
         randn(*_x3))
case("roll-method", lambda m, a: a.roll(1, 0), randn(3, 2))
case("roll-0d", lambda m, a: a.roll(1), np.array(3.0))
case("roll-int", lambda m, a: a.roll(-1), ints(2, 3))

# --------------------------------------------------------------------------- masked_fill, gather

_mask = np.array([[True, False, True, False], [False, False, True, True],
                  [True, True, False, False]])
case("masked_fill", lambda m, a, k: a.masked_fill(k, 0.0), randn(3, 4), _mask)
case("masked_fill-fn", lambda m, a, k: m.masked_fill(a, k, -1.5), randn(3, 4), _mask)
case("masked_fill-inf", lambda m, a, k: a.masked_fill(k, -INF).softmax(-1), randn(3, 4), _mask)
case("masked_fill-broadcast-mask", lambda m, a, k: a.masked_fill(k, 2.0), randn(3, 4),
     np.array([True, False, False, True]))
case("masked_fill-mask-broadcasts-input", lambda m, a, k: a.masked_fill(k, 0.0), randn(4),
     _mask)
case("masked_fill-from-comparison", lambda m, a: a.masked_fill(a < 0, 0.0), randn(3, 4))
case("masked_fill-tensor-value", lambda m, a, k, v: a.masked_fill(k, v), randn(3, 4), _mask,
     np.array(2.5))
case("masked_fill-tensor-value-broadcast", lambda m, a, k, v: a.masked_fill(k, v), randn(2, 1),
     np.array([[True, False, True]]), np.array(-1.0))
case("masked_fill-int-with-float", lambda m, a, k: a.masked_fill(k, 2.7), ints(3, 4), _mask)
case("masked_fill-bool", lambda m, a, k: a.masked_fill(k, True), RNG.random((3, 4)) > 0.5,
     _mask)
case("masked_fill-all-false", lambda m, a, k: a.masked_fill(k, 9.0), randn(3, 4),
     np.zeros((3, 4), bool))
case("masked_fill-float32", lambda m, a, k: a.masked_fill(k, 0.1), randn(3, 4,
                                                                         dtype=np.float32), _mask)

_gather_index = np.array([[0, 0, 3], [1, 2, 1], [3, 3, 3]])
case("gather-dim1", lambda m, a, i: a.gather(1, i), randn(3, 4), _gather_index)
case("gather-dim0", lambda m, a, i: m.gather(a, 0, i), randn(4, 3), _gather_index)
case("gather-smaller-index", lambda m, a, i: a.gather(1, i), randn(3, 4),
     np.array([[2], [0]]))
case("gather-neg-dim", lambda m, a, i: a.gather(-1, i), randn(2, 3, 4),
     RNG.integers(0, 4, (2, 3, 2)))
case("gather-repeated", lambda m, a, i: a.gather(0, i), randn(3), np.array([1, 1, 1, 0]))

# --------------------------------------------------------------------------- norms

_rows = np.array([[3.0, -4.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0], [-2.0, 2.0, 1.0, -0.5]])
for _p in [2, 1, INF, -INF, 3, 1.5, 0.5, 0]:
    case(f"norm-p{_p}", lambda m, a, p=_p: a.norm(p=p), randn(3, 4))
    case(f"norm-p{_p}-dim", lambda m, a, p=_p: m.norm(a, p, 1), _rows)
    case(f"norm-p{_p}-dim-keepdim", lambda m, a, p=_p: a.norm(p, dim=0, keepdim=True),
         randn(3, 4))
    case(f"vector_norm-{_p}-dims", lambda m, a, p=_p: m.linalg.vector_norm(a, p, dim=(0, 2)),
         randn(2, 3, 4))
case("norm-default", lambda m, a: a.norm(), randn(2, 3, 4))
case("norm-fn-default", lambda m, a: m.norm(a), randn(5))
case("norm-fro", lambda m, a: m.norm(a, p="fro"), randn(3, 4))
case("norm-fro-dim", lambda m, a: a.norm(p="fro", dim=1), randn(3, 4))
case("norm-dim-tuple", lambda m, a: a.norm(dim=(0, 1)), randn(3, 4))
case("norm-zero-vector", lambda m, a: a.norm(), np.zeros(4))
case("norm-p1-zero-vector", lambda m, a: a.norm(p=1), np.zeros(3))
case("norm-inf-ties", lambda m, a: a.norm(p=INF), np.array([3.0, -3.0, 1.0, 3.0]))
case("norm-inf-ties-dim", lambda m, a: a.norm(INF, 1), np.array([[3.0, -3.0], [1.0, 2.0]]))
case("norm-float32", lambda m, a: a.norm(dim=-1), randn(4, 5, dtype=np.float32))
case("norm-dtype", lambda m, a: a.norm(dtype=m.float64), randn(4, dtype=np.float32))
case("norm-overflow-float32", lambda m, a: a.norm(),
     np.array([1e20, 1e20], dtype=np.float32))
case("vector_norm-default", lambda m, a: m.linalg.vector_norm(a), randn(3, 4))
case("vector_norm-keepdim", lambda m, a: m.linalg.vector_norm(a, ord=1, dim=-1, keepdim=True),
     randn(3, 4))
case("linalg-norm", lambda m, a: m.linalg.norm(a), randn(3, 4))
case("linalg-norm-dim", lambda m, a: m.linalg.norm(a, 1, dim=1), randn(3, 4))
case("linalg-norm-vector", lambda m, a: m.linalg.norm(a, INF), randn(5))

# --------------------------------------------------------------------------- sort, argsort, topk

_ties = np.array([[3.0, 1.0, 2.0, 1.0, 3.0], [0.0, -1.0, 5.0, 5.0, -1.0]])
_nans = np.array([np.nan, 1.0, -1.0, np.nan, 0.5])
for _dim in [0, 1, -1]:
    for _descending in [False, True]:
        case(f"sort-{_dim}-{_descending}",
             lambda m, a, d=_dim, s=_descending: a.sort(d, s), distinct(3, 4, 2)[..., 0])
        case(f"sort-fn-3d-{_dim}-{_descending}",
             lambda m, a, d=_dim, s=_descending: m.sort(a, dim=d, descending=s), distinct(*_x3))
        case(f"sort-stable-ties-{_dim}-{_descending}", lambda m, a, d=_dim, s=_descending:
             m.sort(a, dim=d, descending=s, stable=True), _ties)
        case(f"argsort-stable-ties-{_dim}-{_descending}", lambda m, a, d=_dim, s=_descending:
             m.argsort(a, dim=d, descending=s, stable=True), _ties)
        case(f"argsort-{_dim}-{_descending}",
             lambda m, a, d=_dim, s=_descending: a.argsort(dim=d, descending=s), distinct(3, 4))
case("sort-default", lambda m, a: a.sort(), distinct(3, 5))
case("sort-values", lambda m, a: a.sort(descending=True).values * 2, distinct(6))
case("sort-indices", lambda m, a: m.sort(a, 0)[1], distinct(4, 2))
case("sort-stable-false", lambda m, a: a.sort(stable=False), distinct(4))
case("sort-int", lambda m, a: a.sort(), ints(3, 6))
case("sort-int-descending-stable", lambda m, a: a.sort(descending=True, stable=True), ints(20))
case("sort-bool", lambda m, a: a.sort(stable=True), RNG.random(7) > 0.5)
case("sort-nan", lambda m, a: a.sort(stable=True), _nans)
case("sort-nan-descending", lambda m, a: a.sort(descending=True, stable=True), _nans)
case("sort-0d", lambda m, a: a.sort(), np.array(1.5))
case("sort-float32", lambda m, a: a.sort(0), randn(5, 3, dtype=np.float32))
case("sort-empty-dim", lambda m, a: a.sort(1), np.zeros((3, 0)))
case("argsort-fn", lambda m, a: m.argsort(a), distinct(2, 5))
case("argsort-0d", lambda m, a: a.argsort(), np.array(1.5))
for _k in [1, 2, 4]:
    case(f"topk-{_k}", lambda m, a, k=_k: a.topk(k), distinct(3, 4))
    case(f"topk-smallest-{_k}", lambda m, a, k=_k: m.topk(a, k, largest=False), distinct(3, 4))
    case(f"topk-dim0-{_k}", lambda m, a, k=_k: a.topk(k, dim=0), distinct(4, 3))
case("topk-3d-dim1", lambda m, a: a.topk(2, 1), distinct(*_x3))
case("topk-values-only", lambda m, a: a.topk(3).values.sum(-1), distinct(2, 5))
case("topk-sorted-false", lambda m, a: m.topk(a, 2, sorted=False), distinct(3, 4))
# torch does not say which of tied entries topk picks (nor so where the gradient goes):
# compare the values only
case("topk-ties", lambda m, a: a.topk(2).values, Const(_ties))
case("topk-ties-smallest", lambda m, a: a.topk(3, largest=False).values, Const(_ties))
case("topk-k0", lambda m, a: a.topk(0), distinct(3, 4))
case("topk-int", lambda m, a: a.topk(2), np.array([3, 9, -1, 4]))
case("topk-0d", lambda m, a: a.topk(1), np.array(2.0))


@pytest.mark.parametrize(("fn", "args", "options"), CASES)
def test_op_matches_torch(fn: Callable, args: tuple, options: dict) -> None:
    run(fn, *args, **options)


#: at a zero norm torch's second derivative is nan (0/0 inside its formula); ours is 0
ZERO_NORM = {"norm-zero-vector"} | {f"norm-p{p}-dim" for p in [2, 1.5, 3]}


@pytest.mark.parametrize(("fn", "args", "options"), CASES)
def test_second_order_matches_torch(fn: Callable, args: tuple, options: dict,
                                    request: pytest.FixtureRequest) -> None:
    case_id = request.node.callspec.id.split("-", 1)[1]  # after the autograd mode's id
    if case_id in ZERO_NORM:
        pytest.skip("torch's second derivative at a zero norm is nan; teachgrad's is 0")
    assert_same_second_order(fn, args)


@pytest.mark.parametrize(("fn", "args", "options"), CASES)
def test_op_on_gpu_matches_cpu(fn: Callable, args: tuple, options: dict,
                               gpu_device: str) -> None:
    check_case(fn, args, gpu_device, options.get("rtol"), options.get("atol"))


def test_every_new_op_has_a_case() -> None:
    names = {param.id.split("-")[0] for param in CASES}
    expected = {"mod", "remainder", "fmod", "round", "floor", "ceil", "trunc", "frac", "fix",
                "cumsum", "cumprod", "flip", "fliplr", "flipud", "repeat", "tile", "roll",
                "masked_fill", "gather", "norm", "vector_norm", "linalg", "sort", "argsort",
                "topk"}
    assert expected - names == set()


# --------------------------------------------------------------------------- no derivative

NO_DERIVATIVE = {
    "floordiv-number": (lambda m, a: a // 2, _signed),
    "floordiv-negative-number": (lambda m, a: a // -2.5, _signed),
    "floordiv-tensor": (lambda m, a, b: a // b, randn(3, 4) * 5, randn(4) * 2),
    "floor_divide-fn": (lambda m, a, b: m.floor_divide(a, b), randn(2, 3) * 5, positive(2, 3)),
    "floor_divide-method": (lambda m, a: a.floor_divide(0.75), randn(5) * 3),
    "rfloordiv": (lambda m, a: 7 // a, np.array([2.0, -2.0, 0.5, -3.0])),
    "rfloordiv-float": (lambda m, a: 7.5 // a, np.array([2.0, -2.0, 0.5, -3.0])),
    "rmod": (lambda m, a: 5 % a, np.array([2.0, -2.0, 3.5, -3.0])),
    "floordiv-by-zero-float": (lambda m, a, b: a // b, np.array([1.0, -1.0, 0.0]), np.zeros(3)),
    "floordiv-exact-signed-zero": (lambda m, a: a // 3, np.array([-0.0, 0.0, -1.0, 1.0])),
    "floordiv-float32": (lambda m, a: a // 0.1, randn(3, 4, dtype=np.float32)),
}


@pytest.mark.parametrize("name", list(NO_DERIVATIVE))
def test_no_derivative_ops_match_torch_and_refuse_backward(name: str) -> None:
    fn, *arrays = NO_DERIVATIVE[name]
    ours_in, theirs_in = _pairs(tuple(arrays))
    ours, theirs = fn(teachgrad, *ours_in), fn(torch, *theirs_in)
    assert_same(ours, theirs)
    assert grad_fn_name(ours) == grad_fn_name(theirs) == "NotImplemented"
    assert "grad_fn=<NotImplemented>" in repr(ours)
    _, error = assert_same_error(lambda: ours.sum().backward(), lambda: theirs.sum().backward())
    assert "derivative for aten::" in str(error)


INTEGER_DIVISION = {
    "floordiv-ints": lambda m, a, b: a // b,
    "floordiv-int-number": lambda m, a, b: a // 3,
    "floordiv-int-negative-number": lambda m, a, b: a // -4,
    "floordiv-int-by-float": lambda m, a, b: a // 2.5,
    "rfloordiv-int": lambda m, a, b: 17 // b,
    "mod-ints": lambda m, a, b: a % b,
    "rmod-int": lambda m, a, b: -17 % b,
    "floordiv-int32": lambda m, a, b: a.int() // b.int(),
    "floordiv-bool-by-int": lambda m, a, b: (a > 0) // b,
    "floordiv-int-by-bool": lambda m, a, b: a // (b != 0),
}


@pytest.mark.parametrize("name", list(INTEGER_DIVISION))
def test_integer_division_matches_torch(name: str) -> None:
    a_values, b_values = ints(4, 5), nonzero_ints(4, 5)
    ours = INTEGER_DIVISION[name](teachgrad, teachgrad.tensor(a_values), teachgrad.tensor(b_values))
    theirs = INTEGER_DIVISION[name](torch, torch.tensor(a_values), torch.tensor(b_values))
    assert_same(ours, theirs)


ERRORS = {
    "floordiv-int-by-zero": lambda m: m.tensor([4, -3]) // 0,
    "floordiv-int-by-zero-tensor": lambda m: m.tensor([4, -3]) // m.tensor([1, 0]),
    "mod-int-by-zero": lambda m: m.tensor([4, -3]) % 0,
    "rmod-int-by-zero": lambda m: 5 % m.tensor([2, 0]),
    "fmod-int-by-zero": lambda m: m.fmod(m.tensor([4, -3]), 0),
    "floordiv-bools": lambda m: m.tensor([True, False]) // m.tensor([True, True]),
    "mod-bools": lambda m: m.tensor([True, False]) % True,
    "frac-int": lambda m: m.tensor([1, 2]).frac(),
    "round-decimals-int": lambda m: m.round(m.tensor([1, 2]), decimals=1),
    "floor-bool": lambda m: m.tensor([True]).floor(),
    "round-bool": lambda m: m.tensor([True]).round(),
    "cumsum-bad-dim": lambda m: m.ones(2, 3).cumsum(2),
    "cumprod-bad-dim": lambda m: m.ones(2, 3).cumprod(-3),
    "flip-duplicate-dims": lambda m: m.ones(2, 3).flip(0, -2),
    "flip-bad-dim": lambda m: m.ones(2, 3).flip(2),
    "fliplr-1d": lambda m: m.fliplr(m.ones(3)),
    "repeat-too-few": lambda m: m.ones(2, 3).repeat(2),
    "repeat-negative": lambda m: m.ones(2, 3).repeat(-1, 2),
    "roll-misaligned": lambda m: m.ones(2, 3).roll((1, 2), 0),
    "roll-two-shifts-no-dims": lambda m: m.ones(2, 3).roll((1, 2)),
    "roll-bad-dim": lambda m: m.ones(2, 3).roll(1, 3),
    "masked_fill-int-mask": lambda m: m.ones(2).masked_fill(m.tensor([1, 0]), 0.0),
    "masked_fill-float-mask": lambda m: m.ones(2).masked_fill(m.tensor([1.0, 0.0]), 0.0),
    "masked_fill-1d-value": lambda m: m.ones(2).masked_fill(m.tensor([True, False]),
                                                            m.tensor([1.0, 2.0])),
    "masked_fill-shapes": lambda m: m.ones(2, 3).masked_fill(m.tensor([True, False]), 0.0),
    "masked_fill_-mask-bigger": lambda m: m.ones(2).masked_fill_(m.ones(3, 2).bool(), 0.0),
    "gather-float-index": lambda m: m.ones(2, 3).gather(1, m.tensor([[0.0]])),
    "gather-ndim": lambda m: m.ones(2, 3).gather(1, m.tensor([0, 1])),
    "gather-out-of-range": lambda m: m.ones(2, 3).gather(1, m.tensor([[0], [3]])),
    "gather-negative": lambda m: m.ones(2, 3).gather(1, m.tensor([[0], [-1]])),
    "gather-index-too-big": lambda m: m.ones(2, 3).gather(1, m.zeros(3, 1, dtype=m.int64)),
    "norm-int": lambda m: m.tensor([3, 4]).norm(),
    "vector_norm-int": lambda m: m.linalg.vector_norm(m.tensor([3, 4])),
    "norm-bad-dim": lambda m: m.ones(2, 3).norm(dim=2),
    "sort-bad-dim": lambda m: m.ones(2, 3).sort(2),
    "argsort-bad-dim": lambda m: m.ones(2, 3).argsort(-3),
    "topk-k-too-big": lambda m: m.ones(2, 3).topk(4),
    "topk-negative-k": lambda m: m.ones(2, 3).topk(-1),
    "topk-bool": lambda m: m.tensor([True, False]).topk(1),
    "floordiv-leaf-inplace": lambda m: m.ones(2, requires_grad=True).__ifloordiv__(2),
    "mod-inplace-int-by-float": lambda m: m.tensor([3, 4]).remainder_(1.5),
    "floordiv-inplace-int-by-float": lambda m: m.tensor([3, 4]).__ifloordiv__(2.5),
    "masked_fill_-leaf": lambda m: m.ones(2, requires_grad=True).masked_fill_(
        m.tensor([True, False]), 0.0),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name: str) -> None:
    assert_same_error(lambda: ERRORS[name](teachgrad), lambda: ERRORS[name](torch))


# --------------------------------------------------------------------------- in place

INPLACE = {
    "ifloordiv": lambda y, o: y.__ifloordiv__(o),
    "imod": lambda y, o: y.__imod__(o),
    "floor_divide_": lambda y, o: y.floor_divide_(o),
    "remainder_": lambda y, o: y.remainder_(o),
    "masked_fill_": lambda y, o: y.masked_fill_(o > 0, -1.0),
    "masked_fill_-tensor": lambda y, o: y.masked_fill_(o > 0, o[0, 0] * 2),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_matches_torch(name: str) -> None:
    x_values, o_values = randn(2, 3) * 4, positive(2, 3) * np.array([[1, -1, 1]])
    results = []
    for module in (teachgrad, torch):
        x, other = (module.tensor(v.copy(), requires_grad=True) for v in (x_values, o_values))
        y = x * 1.5
        before = y._version
        assert INPLACE[name](y, other) is y
        results.append((module, x, other, y, y._version - before))
    (_, x_ours, o_ours, y_ours, bump_ours), (_, x_theirs, o_theirs, y_theirs, bump_theirs) = results
    assert_same(y_ours, y_theirs)
    assert grad_fn_name(y_ours) == grad_fn_name(y_theirs)
    assert bump_ours == bump_theirs == 1
    if grad_fn_name(y_theirs) == "NotImplemented":
        assert_same_error(lambda: y_ours.sum().backward(), lambda: y_theirs.sum().backward())
        return
    (y_ours * y_ours).sum().backward()
    (y_theirs * y_theirs).sum().backward()
    assert_same(x_ours.grad, x_theirs.grad, check_requires_grad=False)
    if o_theirs.grad is None:
        assert o_ours.grad is None
    else:
        assert_same(o_ours.grad, o_theirs.grad, check_requires_grad=False)


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_without_grad_matches_torch(name: str) -> None:
    x_values, o_values = randn(2, 3) * 4, positive(2, 3)
    x_ours, x_theirs = teachgrad.tensor(x_values.copy()), torch.tensor(x_values.copy())
    with teachgrad.no_grad():
        INPLACE[name](x_ours, teachgrad.tensor(o_values))
    with torch.no_grad():
        INPLACE[name](x_theirs, torch.tensor(o_values))
    assert_same(x_ours, x_theirs)
    assert x_ours._version == x_theirs._version == 1


def _divide_in_place(module: Any) -> tuple:
    y, z = module.tensor([-7, 7, 9]), module.tensor([-7, 7, 9])
    y //= 2
    z %= -4
    return y, z


def test_integer_inplace_division_matches_torch() -> None:
    for ours, theirs in zip(_divide_in_place(teachgrad), _divide_in_place(torch)):
        assert_same(ours, theirs)


# --------------------------------------------------------------------------- results, reprs


def test_sort_and_topk_results_print_and_unpack_like_torch() -> None:
    values = distinct(2, 3)
    for call in (lambda x: x.sort(descending=True), lambda x: x.topk(2)):
        ours = call(teachgrad.tensor(values, requires_grad=True))
        theirs = call(torch.tensor(values, requires_grad=True))
        assert repr(ours).replace("teachgrad.", "torch.") == repr(theirs)
        values_ours, indices_ours = ours
        assert values_ours is ours.values and indices_ours is ours[1]
        assert not ours.indices.requires_grad


def test_results_are_copies_not_views() -> None:
    x = teachgrad.tensor([[1.0, 2.0], [3.0, 4.0]])
    for out in (x.flip(0), x.repeat(1, 1), x.roll(1), x.cumsum(0), x.masked_fill(x > 9, 0.0),
                x.sort().values, x.round()):
        out[0, 0] = 100.0
        assert x[0, 0].item() == 1.0


def test_floor_divide_of_integers_stays_exact_for_large_values() -> None:
    big = 2**53 + 1
    ours = teachgrad.tensor([big, -big]) // 3
    theirs = torch.tensor([big, -big]) // 3
    assert ours.tolist() == theirs.tolist() == [big // 3, -big // 3]


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.norm(x[0], p="nuc"),
    lambda lib, x: lib.norm(x, p="nuc", dim=(1, 2), keepdim=True),
    lambda lib, x: x.norm(p="nuc", dim=(0, 2)),
    lambda lib, x: lib.linalg.norm(x[1], ord=2),
    lambda lib, x: lib.linalg.norm(x, ord=-1, dim=(0, 1)),
])
def test_nuclear_and_matrix_norms_as_torch(call) -> None:
    array = np.random.default_rng(3).standard_normal((2, 3, 4))
    x = teachgrad.tensor(array, requires_grad=True)
    t = torch.tensor(array, requires_grad=True)
    ours, theirs = call(teachgrad, x), call(torch, t)
    assert_same(ours, theirs)
    ours.sum().backward()
    theirs.sum().backward()
    assert_same(x.grad, t.grad)


@pytest.mark.parametrize("call", [lambda lib: lib.norm(lib.ones(2, 3, 4), p="nuc"),
                                  lambda lib: lib.norm(lib.ones(2, 3), p="bad")])
def test_norm_refuses_what_torch_refuses(call) -> None:
    ours, theirs = assert_same_error(lambda: call(teachgrad), lambda: call(torch))
    assert str(ours) == str(theirs)


def test_norm_p0_has_no_gradient_like_torch() -> None:
    ours = teachgrad.tensor([1.0, 0.0, -2.0], requires_grad=True)
    theirs = torch.tensor([1.0, 0.0, -2.0], requires_grad=True)
    ours.norm(p=0).backward()
    theirs.norm(p=0).backward()
    assert ours.grad is None and theirs.grad is None
