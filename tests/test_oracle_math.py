"""The math functions of issue 15 against torch: tan ... atanh, atan2, rsqrt, erf, erfc,
exp2, log2, log10, log1p, expm1, logaddexp(2), lerp, copysign, and the bitwise ops
^ << >>.

Each case goes through the core oracle runner (values, dtype, shape, requires_grad,
grad_fn name and the gradients of (out * w).sum()), again under create_graph (second
derivatives compared with torch's) and on the fake GPU. Special values (0, -0, +-inf,
NaN, domain edges), 0-d and empty tensors, integer inputs (promoted to the default
float), errors (type and message start) and in-place forms are compared with torch too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from oracle import assert_same, assert_same_error, grad_fn_name, torch
from test_devices_ops import check_case
from test_oracle_ops import Const, assert_same_second_order, run

import teachgrad

RNG = np.random.default_rng(20260115)
INF, NAN = float("inf"), float("nan")


def randn(*shape: int, dtype: Any = np.float64) -> np.ndarray:
    return RNG.standard_normal(shape).astype(dtype)


def uniform(low: float, high: float, *shape: int, dtype: Any = np.float64) -> np.ndarray:
    return RNG.uniform(low, high, shape).astype(dtype)


def ints(*shape: int, low: int = -9, high: int = 10) -> np.ndarray:
    return RNG.integers(low, high, shape)


CASES: list = []


def case(name: str, fn: Callable, *args: Any, **options: Any) -> None:
    CASES.append(pytest.param(fn, args, options, id=name))


#: where each function is defined and smooth (for values, gradients and second ones)
DOMAINS = {
    "tan": (-1.4, 1.4), "asin": (-0.95, 0.95), "acos": (-0.95, 0.95), "atan": (-4, 4),
    "sinh": (-3, 3), "cosh": (-3, 3), "asinh": (-5, 5), "acosh": (1.1, 6),
    "atanh": (-0.95, 0.95), "rsqrt": (0.2, 5), "erf": (-3, 3), "erfc": (-3, 3),
    "exp2": (-5, 5), "log2": (0.1, 9), "log10": (0.1, 9), "log1p": (-0.9, 5),
    "expm1": (-3, 3), "arcsin": (-0.9, 0.9), "arccos": (-0.9, 0.9), "arctan": (-3, 3),
    "arcsinh": (-3, 3), "arccosh": (1.2, 4), "arctanh": (-0.9, 0.9),
}
UNARY = list(DOMAINS)
#: special values: torch's nan, inf and signed zeros must come out the same
SPECIAL = np.array([0.0, -0.0, INF, -INF, NAN, 1.0, -1.0, 0.5, -2.0, 1e-30, 40.0, -40.0])

for _name, (_low, _high) in DOMAINS.items():
    case(f"{_name}-fn", lambda m, a, n=_name: getattr(m, n)(a), uniform(_low, _high, 3, 4))
    case(f"{_name}-method-float32", lambda m, a, n=_name: getattr(a, n)(),
         uniform(_low, _high, 5, dtype=np.float32))
    case(f"{_name}-0d", lambda m, a, n=_name: getattr(a, n)(), uniform(_low, _high))
    case(f"{_name}-empty", lambda m, a, n=_name: getattr(m, n)(a), np.zeros((0, 3)))
    case(f"{_name}-special", lambda m, a, n=_name: getattr(m, n)(a), Const(SPECIAL))
    case(f"{_name}-int", lambda m, a, n=_name: getattr(m, n)(a), Const(ints(6, low=-3, high=4)))
    case(f"{_name}-bool", lambda m, a, n=_name: getattr(m, n)(a),
         Const(np.array([True, False])))
    case(f"{_name}-int32", lambda m, a, n=_name: getattr(a.int(), n)(), Const(ints(4, low=1)))

# Domain edges: log(0) = -inf, asin(1) = pi/2 with an infinite slope, atanh(1) = inf.
case("log2-zero-grad", lambda m, a: m.log2(a), np.array([0.0, 1.0, 4.0]))
case("log1p-minus-one", lambda m, a: m.log1p(a), np.array([-1.0, -0.5, 1e-12]))
case("asin-edges", lambda m, a: m.asin(a), np.array([1.0, -1.0, 0.0]))
case("acosh-edge", lambda m, a: m.acosh(a), np.array([1.0, 2.0]))
case("atanh-edges", lambda m, a: m.atanh(a), np.array([1.0, -1.0, 0.3]))
case("rsqrt-zero-negative", lambda m, a: m.rsqrt(a), np.array([0.0, -0.0, -1.0, 4.0]))
case("expm1-tiny", lambda m, a: m.expm1(a), np.array([1e-10, -1e-12, 0.0, 50.0]))
case("erf-tails", lambda m, a: m.erf(a), np.array([-6.0, -4.0, 4.0, 6.0, 27.0]))
case("erfc-tails", lambda m, a: m.erfc(a), np.array([-6.0, 4.0, 8.5, 20.0, 26.0]))

# atan2: two tensors, broadcast, promoted; every quadrant and the axes
_quadrants = np.array([1.0, 1.0, -1.0, -1.0, 0.0, 0.0, -0.0, 0.0])
_xs = np.array([1.0, -1.0, -1.0, 1.0, 1.0, -1.0, -1.0, 0.0])
case("atan2-quadrants", lambda m, a, b: m.atan2(a, b), Const(_quadrants), Const(_xs))
case("atan2-grad", lambda m, a, b: m.atan2(a, b), randn(3, 4), randn(3, 4))
case("atan2-broadcast", lambda m, a, b: a.atan2(b), randn(4, 1), randn(3))
case("arctan2-alias", lambda m, a, b: m.arctan2(a, b), randn(5), randn(5))
case("atan2-ints", lambda m, a, b: m.atan2(a, b), Const(ints(5)), Const(ints(5)))
case("atan2-int-float64", lambda m, a, b: m.atan2(a, b), Const(ints(3)), randn(3))
case("atan2-float32-float64", lambda m, a, b: m.atan2(a, b), randn(3, dtype=np.float32),
     randn(3))
case("atan2-inf", lambda m, a, b: m.atan2(a, b), Const(np.array([INF, -INF, INF, 1.0, NAN])),
     Const(np.array([INF, INF, -INF, -INF, 1.0])))
case("atan2-0d", lambda m, a, b: m.atan2(a, b), randn(), randn(3))

# logaddexp, logaddexp2: floats only; stable for large values; infinities
for _name in ["logaddexp", "logaddexp2"]:
    case(f"{_name}-grad", lambda m, a, b, n=_name: getattr(m, n)(a, b), randn(3, 4) * 3,
         randn(3, 4) * 3)
    case(f"{_name}-broadcast", lambda m, a, b, n=_name: getattr(a, n)(b), randn(2, 1, 3),
         randn(4, 1))
    case(f"{_name}-large", lambda m, a, b, n=_name: getattr(m, n)(a, b),
         np.array([1000.0, -1000.0, 50.0]), np.array([999.0, -1000.0, -50.0]))
    case(f"{_name}-inf", lambda m, a, b, n=_name: getattr(m, n)(a, b),
         Const(np.array([INF, -INF, -INF, INF, NAN])), Const(np.array([1.0, 2.0, -INF, INF, 0.0])))
    case(f"{_name}-float32", lambda m, a, b, n=_name: getattr(m, n)(a, b),
         randn(4, dtype=np.float32), randn(4, dtype=np.float32))
    case(f"{_name}-int-and-float", lambda m, a, b, n=_name: getattr(m, n)(a, b),
         Const(ints(4)), randn(4))

# lerp: a number weight (LerpBackward0) or a tensor weight (LerpBackward1), broadcast
for _weight in [0.0, 0.25, 0.5, 0.75, 1.0, -0.5, 2.0]:
    case(f"lerp-number-{_weight}", lambda m, a, b, w=_weight: m.lerp(a, b, w), randn(2, 3),
         randn(2, 3))
case("lerp-tensor-weight", lambda m, a, b, w: m.lerp(a, b, w), randn(3, 4), randn(3, 4),
     uniform(-0.5, 1.5, 3, 4))
case("lerp-broadcast", lambda m, a, b, w: a.lerp(b, w), randn(3, 1), randn(4),
     uniform(0, 1, 2, 1, 1))
case("lerp-0d-weight", lambda m, a, b, w: m.lerp(a, b, w), randn(3), randn(3), uniform(0, 1))
case("lerp-0d-int-weight", lambda m, a, b, w: m.lerp(a, b, w), randn(3), randn(3),
     Const(np.array(1)))
case("lerp-float32", lambda m, a, b: m.lerp(a, b, 0.3), randn(4, dtype=np.float32),
     randn(4, dtype=np.float32))
case("lerp-inf", lambda m, a, b: m.lerp(a, b, 0.5), Const(np.array([INF, 1.0, NAN])),
     Const(np.array([INF, -INF, 0.0])))
case("lerp-empty", lambda m, a, b: m.lerp(a, b, 0.5), np.zeros((0, 2)), np.zeros((0, 2)))

# copysign: magnitude of one, sign (bit) of the other; -0.0 counts as negative
case("copysign-tensor", lambda m, a, b: m.copysign(a, b), randn(3, 4), randn(3, 4))
case("copysign-zeros", lambda m, a, b: m.copysign(a, b), np.array([0.0, -0.0, 1.0, -2.0, 3.0]),
     np.array([-1.0, 1.0, -0.0, 0.0, NAN]))
case("copysign-number", lambda m, a: a.copysign(-1.5), randn(2, 3))
case("copysign-number-zero", lambda m, a: m.copysign(a, -0.0), randn(4))
case("copysign-broadcast", lambda m, a, b: m.copysign(a, b), randn(3, 1), randn(4))
case("copysign-ints", lambda m, a: m.copysign(a, -1), Const(ints(4)))
case("copysign-int-bool", lambda m, a, b: m.copysign(a, b), Const(ints(2)),
     Const(np.array([True, False])))
case("copysign-0d", lambda m, a, b: m.copysign(a, b), randn(), randn(3))


@pytest.mark.parametrize(("fn", "args", "options"), CASES)
def test_op_matches_torch(fn: Callable, args: tuple, options: dict) -> None:
    run(fn, *args, **options)


@pytest.mark.parametrize(("fn", "args", "options"), CASES)
def test_second_order_matches_torch(fn: Callable, args: tuple, options: dict) -> None:
    assert_same_second_order(fn, args)


GPU_CASES = [param for param in CASES if param.id.split("-")[-1] in {"fn", "grad", "broadcast"}
             or param.id.startswith(("lerp-tensor", "copysign-number-zero"))]


@pytest.mark.parametrize(("fn", "args", "options"), GPU_CASES)
def test_op_on_gpu_matches_cpu(fn: Callable, args: tuple, options: dict,
                               gpu_device: str) -> None:
    check_case(fn, args, gpu_device, options.get("rtol"), options.get("atol"))


def test_every_name_has_a_case() -> None:
    names = {param.id.split("-")[0] for param in CASES}
    expected = set(UNARY) | {"atan2", "arctan2", "logaddexp", "logaddexp2", "lerp", "copysign"}
    assert expected - names == set()


# --------------------------------------------------------------------------- erf accuracy


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_erf_and_erfc_match_torch_to_the_last_digits(dtype: str) -> None:
    """A dense sweep: erf to ~1e-15 relative in float64, erfc too outside its underflow."""
    values = np.concatenate([np.linspace(-30, 30, 60001), RNG.standard_normal(20000) * 3,
                             np.logspace(-300, 1.4, 3000), -np.logspace(-300, 1.4, 3000)])
    values = values.astype(dtype)
    for name in ["erf", "erfc"]:
        ours = getattr(teachgrad, name)(teachgrad.tensor(values)).numpy()
        theirs = getattr(torch, name)(torch.tensor(values)).numpy()
        assert ours.dtype == theirs.dtype
        # float32: one rounding each side; float64: a few ulps. Subnormal results (erfc
        # beyond 26 in float64, beyond 9 in float32) carry fewer digits in both.
        tiny = np.finfo(dtype).tiny
        normal = np.abs(theirs) >= tiny
        rtol = 4e-15 if dtype == "float64" else 2.4e-7
        np.testing.assert_allclose(ours[normal], theirs[normal], rtol=rtol, atol=0)
        np.testing.assert_allclose(ours[~normal], theirs[~normal], rtol=0, atol=tiny)
        assert np.array_equal(np.signbit(ours[theirs == 0]), np.signbit(theirs[theirs == 0]))


# --------------------------------------------------------------------------- bitwise

_a, _b = ints(3, 4, low=-100, high=100), ints(4, low=-5, high=70)
BITWISE = {
    "xor-ints": lambda m, a, b: a ^ b[None, :].abs(),
    "xor-fn": lambda m, a, b: m.bitwise_xor(a, b),
    "xor-method": lambda m, a, b: a.bitwise_xor(7),
    "xor-number-left": lambda m, a, b: 3 ^ a,
    "xor-fn-number-first": lambda m, a, b: m.bitwise_xor(5, b),
    "xor-bools": lambda m, a, b: (a > 0) ^ (b > 0),
    "xor-bool-true": lambda m, a, b: (a > 0) ^ True,
    "xor-bool-int": lambda m, a, b: (a > 0) ^ 2,
    "xor-int32-int64": lambda m, a, b: a.int() ^ b,
    "xor-int-bool-tensor": lambda m, a, b: a ^ (b > 0),
    "lshift": lambda m, a, b: a << 2,
    "lshift-tensor": lambda m, a, b: a << b,
    "lshift-fn": lambda m, a, b: m.bitwise_left_shift(a, 3),
    "lshift-method": lambda m, a, b: a.bitwise_left_shift(b.abs() % 8),
    "lshift-number-left": lambda m, a, b: 2 << b.clamp(-2, 62),
    "lshift-fn-number-first": lambda m, a, b: m.bitwise_left_shift(3, b.clamp(0, 40)),
    "lshift-int32-overflow": lambda m, a, b: a.int() << 31,
    "lshift-uint8": lambda m, a, b: a.abs().to(m.uint8) << 7,
    "lshift-bool-by-int": lambda m, a, b: (a > 0) << 1,
    "lshift-wide-and-negative": lambda m, a, b: a << m.tensor([64, 63, -1, 100]),
    "rshift": lambda m, a, b: a >> 1,
    "rshift-tensor": lambda m, a, b: a >> b,
    "rshift-fn": lambda m, a, b: m.bitwise_right_shift(a, 2),
    "rshift-method": lambda m, a, b: a.bitwise_right_shift(b.abs() % 8),
    "rshift-number-left": lambda m, a, b: 1000 >> b.abs(),
    "rshift-wide-and-negative": lambda m, a, b: a >> m.tensor([64, 70, -1, 100]),
    "rshift-int32": lambda m, a, b: a.int() >> b.int().abs(),
    "xor-0d": lambda m, a, b: a[0, 0] ^ b,
    "lshift-empty": lambda m, a, b: a[:0] << 1,
}


@pytest.mark.parametrize("name", list(BITWISE))
def test_bitwise_matches_torch(name: str) -> None:
    ours = BITWISE[name](teachgrad, teachgrad.tensor(_a), teachgrad.tensor(_b))
    theirs = BITWISE[name](torch, torch.tensor(_a), torch.tensor(_b))
    assert_same(ours, theirs)
    assert ours.grad_fn is None


@pytest.mark.parametrize("name", ["xor-ints", "lshift-tensor", "rshift-tensor", "xor-bools"])
def test_bitwise_on_gpu_matches_cpu(name: str, gpu_device: str) -> None:
    check_case(lambda m, a, b: BITWISE[name](m, a, b), (Const(_a), Const(_b)), gpu_device)


# --------------------------------------------------------------------------- errors

ERRORS = {
    "atan2-number": lambda m: m.atan2(m.ones(2), 2.0),
    "atan2-shapes": lambda m: m.atan2(m.ones(2), m.ones(3)),
    "logaddexp-ints": lambda m: m.logaddexp(m.tensor([1, 2]), m.tensor([1, 2])),
    "logaddexp-bools": lambda m: m.logaddexp(m.tensor([True]), m.tensor([True])),
    "logaddexp-number": lambda m: m.logaddexp(m.ones(2), 1.0),
    "logaddexp2-ints": lambda m: m.logaddexp2(m.tensor([1, 2]), m.tensor([1, 2])),
    "lerp-ints": lambda m: m.lerp(m.tensor([1, 2]), m.tensor([3, 4]), 0.5),
    "lerp-ints-tensor-weight": lambda m: m.lerp(m.tensor([1, 2]), m.tensor([3, 4]),
                                                m.tensor([1, 2])),
    "lerp-bools": lambda m: m.lerp(m.tensor([True]), m.tensor([False]), 1),
    "lerp-end-dtype": lambda m: m.lerp(m.ones(2), m.ones(2, dtype=m.float64), 0.5),
    "lerp-end-int": lambda m: m.lerp(m.ones(2), m.tensor([1, 2]).int(), 0.5),
    "lerp-weight-dtype": lambda m: m.lerp(m.ones(2), m.ones(2), m.ones(2, dtype=m.float64)),
    "lerp-end-number": lambda m: m.lerp(m.ones(2), 2.0, 0.5),
    "lerp-shapes": lambda m: m.lerp(m.ones(2), m.ones(3), 0.5),
    "lerp_-broadcast-bigger": lambda m: m.ones(2).lerp_(m.ones(3, 2), 0.5),
    "xor-floats": lambda m: m.ones(2) ^ m.ones(2),
    "xor-float-number": lambda m: m.tensor([1, 2]) ^ 1.5,
    "xor-fn-floats": lambda m: m.bitwise_xor(m.ones(2), 1),
    "lshift-floats": lambda m: m.ones(2) << 1,
    "lshift-by-float": lambda m: m.tensor([1, 2]) << 1.5,
    "rshift-floats": lambda m: m.ones(2) >> 1,
    "lshift-bools": lambda m: m.tensor([True]) << m.tensor([True]),
    "rshift-fn-floats": lambda m: m.bitwise_right_shift(m.ones(2), m.ones(2)),
    "ixor-bool-by-int": lambda m: m.tensor([True]).__ixor__(1),
    "ilshift-bool-by-int": lambda m: m.tensor([True]).__ilshift__(1),
    "ixor-float": lambda m: m.ones(1).__ixor__(1),
    "tan_-int": lambda m: m.tensor([1, 2]).tan_(),
    "erf_-int": lambda m: m.tensor([1, 2]).erf_(),
    "copysign_-int": lambda m: m.tensor([1, 2]).copysign_(-1.0),
    "atan2_-int": lambda m: m.tensor([1, 2]).atan2_(m.tensor([1, 2])),
    "exp2_-leaf": lambda m: m.ones(2, requires_grad=True).exp2_(),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name: str) -> None:
    ours, theirs = assert_same_error(lambda: ERRORS[name](teachgrad), lambda: ERRORS[name](torch))
    # the start of torch's message (what went wrong); teachgrad may add a hint after it
    head = str(theirs).split("\n")[0][:40]
    if not isinstance(theirs, TypeError):  # torch's TypeErrors list every overload
        assert str(ours).startswith(head), f"{ours!r} vs torch's {theirs!r}"


# --------------------------------------------------------------------------- in place

INPLACE_UNARY = [name for name in UNARY if name not in ("erfc",)] + ["erfc"]
INPLACE = {f"{name}_": (lambda y, o, n=name: getattr(y, f"{n}_")(), DOMAINS[name])
           for name in INPLACE_UNARY}
INPLACE.update({
    "atan2_": (lambda y, o: y.atan2_(o), (-2, 2)),
    "arctan2_": (lambda y, o: y.arctan2_(o), (-2, 2)),
    "lerp_": (lambda y, o: y.lerp_(o, 0.3), (-2, 2)),
    "lerp_-tensor": (lambda y, o: y.lerp_(o, o.sigmoid()), (-2, 2)),
    "copysign_": (lambda y, o: y.copysign_(o), (-2, 2)),
    "copysign_-number": (lambda y, o: y.copysign_(-2.0), (-2, 2)),
})


#: torch records these in-place forms with nodes that have no derivative
NO_INPLACE_DERIVATIVE = {"asinh_", "acosh_", "atanh_", "arcsinh_", "arccosh_", "arctanh_"}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_matches_torch(name: str) -> None:
    apply, (low, high) = INPLACE[name]
    x_values = uniform(low, high, 2, 3) / 1.5  # y = 1.5 x lands in the domain
    o_values = randn(2, 3)
    results = []
    for module in (teachgrad, torch):
        x = module.tensor(x_values.copy(), requires_grad=True)
        other = module.tensor(o_values.copy(), requires_grad=True)
        y = x * 1.5
        before = y._version
        assert apply(y, other) is y
        results.append((x, other, y, y._version - before))
    (x_ours, o_ours, y_ours, bump_ours), (x_theirs, o_theirs, y_theirs, bump_theirs) = results
    assert_same(y_ours, y_theirs)
    assert grad_fn_name(y_ours) == grad_fn_name(y_theirs)
    assert bump_ours == bump_theirs == 1
    if name in NO_INPLACE_DERIVATIVE:  # torch has none for these: both must refuse
        _, error = assert_same_error(lambda: (y_ours * y_ours).sum().backward(),
                                     lambda: (y_theirs * y_theirs).sum().backward())
        assert "inplace version of" in str(error)
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
    apply, (low, high) = INPLACE[name]
    x_values, o_values = uniform(low, high, 2, 3), randn(2, 3)
    x_ours, x_theirs = teachgrad.tensor(x_values.copy()), torch.tensor(x_values.copy())
    apply(x_ours, teachgrad.tensor(o_values))
    apply(x_theirs, torch.tensor(o_values))
    assert_same(x_ours, x_theirs)
    assert x_ours._version == x_theirs._version == 1


INPLACE_BITWISE = {
    "ixor": lambda y, o: y.__ixor__(o),
    "ilshift": lambda y, o: y.__ilshift__(o),
    "irshift": lambda y, o: y.__irshift__(o),
    "bitwise_xor_": lambda y, o: y.bitwise_xor_(o),
    "bitwise_left_shift_": lambda y, o: y.bitwise_left_shift_(o),
    "bitwise_right_shift_": lambda y, o: y.bitwise_right_shift_(3),
}


@pytest.mark.parametrize("name", list(INPLACE_BITWISE))
def test_inplace_bitwise_matches_torch(name: str) -> None:
    shifts = np.abs(_b) % 9
    results = []
    for module in (teachgrad, torch):
        y = module.tensor(_a.copy())
        assert INPLACE_BITWISE[name](y, module.tensor(shifts)) is y
        results.append(y)
    assert_same(*results)
    assert results[0]._version == results[1]._version == 1


def test_int_tensor_operators_augmented_assignment_keep_identity() -> None:
    for module in (teachgrad, torch):
        y = module.tensor([1, 2, 3])
        alias = y
        y ^= 1
        y <<= 2
        y >>= 1
        assert y is alias
        assert y.tolist() == [0, 6, 4]
