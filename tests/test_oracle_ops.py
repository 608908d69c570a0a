"""Every core op, run in teachgrad and in torch on the same values, must agree.

For each case the same NumPy arrays become a teachgrad tensor and a torch tensor
(floating arrays require grad). Both libraries run the op; the outputs must have the
same values, shape, dtype, requires_grad and grad_fn class name. Then both run
backward from `(out * w).sum()` with one fixed random `w` per output, so that every
element of the upstream gradient differs and a gradient routed to the wrong element
shows up, and the inputs' gradients must agree too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from oracle import (
    assert_same,
    assert_same_grads,
    grad_fn_name,
    make_pair,
    to_numpy,
    torch,
    torch_dtype_name,
    weights_like,
)

import teachgrad

RNG = np.random.default_rng(20240601)


# --------------------------------------------------------------------------- inputs


def randn(*shape: int, dtype: Any = np.float64) -> np.ndarray:
    return RNG.standard_normal(shape).astype(dtype)


def positive(*shape: int, dtype: Any = np.float64) -> np.ndarray:
    return RNG.uniform(0.5, 2.0, shape).astype(dtype)


def away(*shape: int, points: tuple = (0.0,), margin: float = 0.2,
         dtype: Any = np.float64) -> np.ndarray:
    """Normal values at least `margin` from every kink in `points` (ties/kinks avoided)."""
    values = RNG.standard_normal(shape) * 2
    for point in points:
        close = np.abs(values - point) < margin
        values = np.where(close, point + np.sign(values - point + 1e-12) * margin * 2, values)
    return values.astype(dtype)


def distinct(*shape: int, dtype: Any = np.float64) -> np.ndarray:
    """A random permutation of well separated values: no ties anywhere."""
    count = int(np.prod(shape))
    return (RNG.permutation(count).reshape(shape) * 0.37 - count * 0.15).astype(dtype)


class Const:
    """An array argument that becomes a tensor NOT requiring grad."""

    def __init__(self, array: np.ndarray) -> None:
        self.array = array


# --------------------------------------------------------------------------- runner


def _flatten(result: Any) -> list:
    if isinstance(result, (tuple, list)):
        return [item for part in result for item in _flatten(part)]
    return [result]


def _pairs(args: tuple) -> tuple[list, list]:
    ours, theirs = [], []
    for arg in args:
        if isinstance(arg, Const):
            pair = make_pair(arg.array, requires_grad=False)
        elif isinstance(arg, np.ndarray):
            pair = make_pair(arg, requires_grad=arg.dtype.kind == "f")
        else:
            pair = (arg, arg)
        ours.append(pair[0])
        theirs.append(pair[1])
    return ours, theirs


def run(fn: Callable, *args: Any, rtol: float | None = None, atol: float | None = None,
        check_name: bool = True) -> tuple[list, list]:
    """Run fn(module, *tensors) in both libraries; compare outputs, grad_fn names, grads."""
    ours_in, theirs_in = _pairs(args)
    ours_out = _flatten(fn(teachgrad, *ours_in))
    theirs_out = _flatten(fn(torch, *theirs_in))
    assert len(ours_out) == len(theirs_out)
    for mine, other in zip(ours_out, theirs_out):
        assert_same(mine, other, rtol, atol)
        if check_name:
            assert grad_fn_name(mine) == grad_fn_name(other)
    differentiable = [(m, o) for m, o in zip(ours_out, theirs_out) if o.requires_grad]
    if differentiable:
        loss_ours = loss_theirs = 0
        for number, (mine, other) in enumerate(differentiable):
            w = weights_like(to_numpy(other), seed=number)
            loss_ours = loss_ours + (mine * teachgrad.from_numpy(w.copy())).sum()
            loss_theirs = loss_theirs + (other * torch.from_numpy(w.copy())).sum()
        loss_ours.backward()
        loss_theirs.backward()
        assert_same_grads(ours_in, theirs_in, rtol, atol)
    return ours_out, theirs_out


CASES: list = []


def case(name: str, fn: Callable, *args: Any, **options: Any) -> None:
    CASES.append(pytest.param(fn, args, options, id=name))


# --------------------------------------------------------------------------- arithmetic

BINARY = {
    "add": lambda m, a, b: a + b,
    "sub": lambda m, a, b: a - b,
    "mul": lambda m, a, b: a * b,
    "div": lambda m, a, b: a / b,
    "add_fn": lambda m, a, b: m.add(a, b),
    "add_alpha": lambda m, a, b: m.add(a, b, alpha=2),
    "sub_fn": lambda m, a, b: m.sub(a, b),
    "mul_method": lambda m, a, b: a.mul(b),
    "div_method": lambda m, a, b: a.div(b),
    "maximum": lambda m, a, b: m.maximum(a, b),
    "minimum": lambda m, a, b: m.minimum(a, b),
}
SHAPE_PAIRS = [((2, 3), (2, 3)), ((2, 3), (3,)), ((3,), (2, 3)), ((2, 1, 3), (4, 1)),
               ((), (2, 3)), ((2, 3), ()), ((), ()), ((4, 1), (1, 5))]

for _name, _fn in BINARY.items():
    for _sa, _sb in SHAPE_PAIRS:
        _b = away(*_sb, points=(0.0,), margin=0.3) if "div" in _name else randn(*_sb)
        case(f"{_name}-{_sa}-{_sb}", _fn, distinct(*_sa) if _sa else randn(), _b)

# pow needs a positive base when the exponent is a tensor
for _sa, _sb in SHAPE_PAIRS:
    case(f"pow-{_sa}-{_sb}", lambda m, a, b: a ** b, positive(*_sa), randn(*_sb))
    case(f"pow_fn-{_sa}-{_sb}", lambda m, a, b: m.pow(a, b), positive(*_sa), randn(*_sb))

SCALARS = [2, -3, 2.5, -0.75, True]
for _scalar in SCALARS:
    case(f"add-scalar-{_scalar}", lambda m, a, s: a + s, randn(2, 3), _scalar)
    case(f"radd-scalar-{_scalar}", lambda m, a, s: s + a, randn(2, 3), _scalar)
    if _scalar is not True:  # torch refuses bools in subtraction: see the promotion tests
        case(f"sub-scalar-{_scalar}", lambda m, a, s: a - s, randn(2, 3), _scalar)
        case(f"rsub-scalar-{_scalar}", lambda m, a, s: s - a, randn(2, 3), _scalar)
    case(f"mul-scalar-{_scalar}", lambda m, a, s: a * s, randn(2, 3), _scalar)
    case(f"rmul-scalar-{_scalar}", lambda m, a, s: s * a, randn(2, 3), _scalar)
    case(f"rdiv-scalar-{_scalar}", lambda m, a, s: s / a, away(2, 3, margin=0.3), _scalar)
for _scalar in [2, -3, 2.5, -0.75]:
    case(f"div-scalar-{_scalar}", lambda m, a, s: a / s, randn(2, 3), _scalar)
for _exponent in [2, 3, 0, 1, -1, 0.5, 2.5, -1.5]:
    case(f"pow-scalar-{_exponent}", lambda m, a, s: a ** s, positive(2, 3), _exponent)
    case(f"pow-method-scalar-{_exponent}", lambda m, a, s: a.pow(s), positive(3), _exponent)
for _exponent in [2, 3, -1]:
    case(f"pow-negative-base-{_exponent}", lambda m, a, s: a ** s, away(2, 3), _exponent)
for _base in [2, 2.5, 0.5]:
    case(f"rpow-scalar-{_base}", lambda m, s, a: s ** a, _base, randn(2, 3))
    case(f"pow_fn-scalar-base-{_base}", lambda m, s, a: m.pow(s, a), _base, randn(4))
case("float32-mul", lambda m, a, b: a * b, randn(2, 3, dtype=np.float32),
     randn(3, dtype=np.float32))
case("float32-div-int-scalar", lambda m, a: a / 3, randn(4, dtype=np.float32))
case("neg-operator", lambda m, a: -a, randn(2, 3))
case("neg", lambda m, a: m.neg(a), randn(2, 3))

# --------------------------------------------------------------------------- unary math

UNARY = {
    "abs": (lambda m, a: m.abs(a), lambda: away(2, 3)),
    "abs-operator": (lambda m, a: abs(a), lambda: away(3)),
    "exp": (lambda m, a: m.exp(a), lambda: randn(2, 3)),
    "exp-method": (lambda m, a: a.exp(), lambda: randn(4)),
    "log": (lambda m, a: m.log(a), lambda: positive(2, 3)),
    "sqrt": (lambda m, a: m.sqrt(a), lambda: positive(2, 3)),
    "sin": (lambda m, a: m.sin(a), lambda: randn(2, 3)),
    "cos": (lambda m, a: m.cos(a), lambda: randn(2, 3)),
    "tanh": (lambda m, a: m.tanh(a), lambda: randn(2, 3)),
    "sigmoid": (lambda m, a: m.sigmoid(a), lambda: randn(2, 3)),
    "relu": (lambda m, a: m.relu(a), lambda: away(2, 3)),
    "relu-method": (lambda m, a: a.relu(), lambda: away(5)),
    "clamp-min": (lambda m, a: m.clamp(a, min=-0.5), lambda: away(2, 3, points=(-0.5,))),
    "clamp-max": (lambda m, a: m.clamp(a, max=0.5), lambda: away(2, 3, points=(0.5,))),
    "clamp-both": (lambda m, a: a.clamp(-0.5, 0.5), lambda: away(3, 4, points=(-0.5, 0.5))),
    "clamp-int-bounds": (lambda m, a: a.clamp(min=-1, max=1), lambda: away(4, points=(-1, 1))),
    "clip": (lambda m, a: m.clip(a, -1.0, 1.0), lambda: away(4, points=(-1, 1))),
    "0d-exp": (lambda m, a: a.exp(), lambda: randn()),
    "float32-tanh": (lambda m, a: a.tanh(), lambda: randn(3, 2, dtype=np.float32)),
    "float32-sigmoid": (lambda m, a: a.sigmoid(), lambda: randn(5, dtype=np.float32)),
    "float32-log": (lambda m, a: a.log(), lambda: positive(5, dtype=np.float32)),
}
for _name, (_fn, _make) in UNARY.items():
    case(_name, _fn, _make())

# maximum/minimum with ties: torch gives each side half of the gradient
_tied_a = np.array([[1.0, 2.0, 3.0], [4.0, -1.0, 0.5]])
_tied_b = np.array([[1.0, 0.0, 3.5], [4.0, -1.0, 0.0]])
case("maximum-ties", lambda m, a, b: m.maximum(a, b), _tied_a, _tied_b)
case("minimum-ties", lambda m, a, b: m.minimum(a, b), _tied_a, _tied_b)
case("maximum-ties-broadcast", lambda m, a, b: m.maximum(a, b), _tied_a, np.array([1.0, 2.0, 0.]))
case("max-of-two-tensors", lambda m, a, b: m.max(a, b), _tied_a, _tied_b)
case("min-of-two-tensors", lambda m, a, b: m.min(a, b), _tied_a, _tied_b)

# where
_condition = RNG.random((2, 3)) > 0.5
case("where", lambda m, c, a, b: m.where(c, a, b), _condition, randn(2, 3), randn(2, 3))
case("where-broadcast", lambda m, c, a, b: m.where(c, a, b), _condition, randn(3), randn(2, 1))
case("where-scalar-other", lambda m, c, a: m.where(c, a, 0.0), _condition, randn(2, 3))
case("where-scalar-input", lambda m, c, a: m.where(c, 1.5, a), _condition, randn(2, 3))
case("where-from-comparison", lambda m, a, b: m.where(a > 0, a, b), randn(2, 3), randn(2, 3))
case("where-two-float-numbers", lambda m, c: m.where(c, 1.0, 0.0), _condition)
case("where-two-int-numbers", lambda m, c: m.where(c, 1, 0), _condition)
case("where-int-tensor-and-float", lambda m, c, i: m.where(c, i, 0.5), _condition,
     RNG.integers(-3, 3, (2, 3)))
case("sign", lambda m, a: a.sign() * a, away(2, 3))
case("sign-fn", lambda m, a: m.sign(a), away(4))

# --------------------------------------------------------------------------- matmul

MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                 ((5, 2, 3), (5, 3, 4)), ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)),
                 ((2, 1, 2, 3), (5, 3, 4)), ((3,), (5, 3, 4)), ((5, 2, 3), (3,))]
for _sa, _sb in MATMUL_SHAPES:
    case(f"matmul-{_sa}-{_sb}", lambda m, a, b: m.matmul(a, b), randn(*_sa), randn(*_sb))
    case(f"matmul-op-{_sa}-{_sb}", lambda m, a, b: a @ b, randn(*_sa), randn(*_sb))
case("mm", lambda m, a, b: m.mm(a, b), randn(2, 3), randn(3, 4))
case("mm-method", lambda m, a, b: a.mm(b), randn(4, 3), randn(3, 2))
case("bmm", lambda m, a, b: m.bmm(a, b), randn(4, 2, 3), randn(4, 3, 5))
case("matmul-float32", lambda m, a, b: a @ b, randn(4, 6, dtype=np.float32),
     randn(6, 3, dtype=np.float32))
case("matmul-one-const", lambda m, a, b: a @ b, Const(randn(2, 3)), randn(3, 4))

# --------------------------------------------------------------------------- reductions

_x3 = (2, 3, 4)
REDUCE_DIMS = [{}, {"dim": 1}, {"dim": -1}, {"dim": (0, 2)}, {"dim": 1, "keepdim": True},
               {"dim": (-1, 0), "keepdim": True}]
for _kwargs in REDUCE_DIMS:
    _tag = "-".join(f"{k}={v}" for k, v in _kwargs.items()) or "all"
    case(f"sum-{_tag}", lambda m, a, kw=_kwargs: a.sum(**kw), randn(*_x3))
    case(f"sum_fn-{_tag}", lambda m, a, kw=_kwargs: m.sum(a, **kw), randn(*_x3))
    case(f"mean-{_tag}", lambda m, a, kw=_kwargs: a.mean(**kw), randn(*_x3))
    case(f"var-{_tag}", lambda m, a, kw=_kwargs: a.var(**kw), randn(*_x3))
    case(f"std-{_tag}", lambda m, a, kw=_kwargs: a.std(**kw), randn(*_x3))
    case(f"var-unbiased-false-{_tag}", lambda m, a, kw=_kwargs: a.var(**kw, unbiased=False),
         randn(*_x3))
    case(f"std-correction0-{_tag}", lambda m, a, kw=_kwargs: m.std(a, **kw, correction=0),
         randn(*_x3))
    case(f"var-correction2-{_tag}", lambda m, a, kw=_kwargs: m.var(a, **kw, correction=2),
         randn(*_x3))
    if "dim" in _kwargs:
        case(f"logsumexp-{_tag}", lambda m, a, kw=_kwargs: m.logsumexp(a, **kw), randn(*_x3))
for _kwargs in [{}, {"dim": 1}, {"dim": -1}, {"dim": 0, "keepdim": True}]:
    _tag = "-".join(f"{k}={v}" for k, v in _kwargs.items()) or "all"
    case(f"prod-{_tag}", lambda m, a, kw=_kwargs: a.prod(**kw), positive(*_x3))
case("prod-one-zero", lambda m, a: a.prod(), np.array([2.0, 0.0, 3.0, -1.5]))
case("prod-two-zeros", lambda m, a: a.prod(), np.array([2.0, 0.0, 3.0, 0.0]))
case("prod-dim-with-zero", lambda m, a: a.prod(1), np.array([[2.0, 0.0, 3.0], [1., 2., 4.]]))
case("sum-float32-large", lambda m, a: a.sum(), randn(50, 40, dtype=np.float32),
     rtol=1e-4, atol=1e-4)
case("mean-float32", lambda m, a: a.mean(0), randn(30, 3, dtype=np.float32))
case("sum-0d", lambda m, a: a.sum(), randn())
case("sum-int", lambda m, a: a.sum(), RNG.integers(-5, 5, (3, 4)))
case("sum-bool", lambda m, a: a.sum(1), RNG.random((3, 4)) > 0.5)
case("sum-dtype", lambda m, a: a.sum(dtype=m.float64), randn(3, 4, dtype=np.float32))

for _fn_name in ["max", "min"]:
    case(f"{_fn_name}-all", lambda m, a, f=_fn_name: getattr(a, f)(), distinct(3, 4))
    case(f"{_fn_name}-all-ties", lambda m, a, f=_fn_name: getattr(m, f)(a),
         np.array([[1.0, 5.0, 5.0], [-2.0, 5.0, -2.0]]))
    for _kwargs in [{"dim": 0}, {"dim": 1}, {"dim": -1, "keepdim": True}]:
        _tag = "-".join(f"{k}={v}" for k, v in _kwargs.items())
        case(f"{_fn_name}-{_tag}", lambda m, a, f=_fn_name, kw=_kwargs: getattr(a, f)(**kw),
             distinct(*_x3))
        case(f"{_fn_name}-{_tag}-values", lambda m, a, f=_fn_name, kw=_kwargs:
             getattr(m, f)(a, **kw).values, distinct(*_x3))
        case(f"{_fn_name}-{_tag}-indices", lambda m, a, f=_fn_name, kw=_kwargs:
             getattr(m, f)(a, **kw).indices, distinct(*_x3))
    case(f"arg{_fn_name}-all", lambda m, a, f=_fn_name: getattr(m, "arg" + f)(a), distinct(3, 4))
    case(f"arg{_fn_name}-dim", lambda m, a, f=_fn_name: getattr(a, "arg" + f)(1),
         distinct(3, 4))
    case(f"arg{_fn_name}-dim-keepdim", lambda m, a, f=_fn_name: getattr(a, "arg" + f)(
        dim=0, keepdim=True), distinct(3, 4))
    case(f"a{_fn_name}-dim", lambda m, a, f=_fn_name: getattr(m, "a" + f)(a, 1), distinct(3, 4))

case("amax-ties-all", lambda m, a: m.amax(a), np.array([[1.0, 5.0, 5.0], [-2.0, 5.0, -2.0]]))
case("amin-ties-dim", lambda m, a: a.amin(1), np.array([[1.0, 5.0, 1.0], [-2.0, 5.0, -2.0]]))
case("amax-dims-keepdim", lambda m, a: m.amax(a, (0, 2), keepdim=True), distinct(*_x3))

for _dim in [0, 1, -1]:
    case(f"softmax-{_dim}", lambda m, a, d=_dim: m.softmax(a, d), randn(3, 4))
    case(f"softmax-method-{_dim}", lambda m, a, d=_dim: a.softmax(dim=d), randn(2, 3, 4))
    case(f"log_softmax-{_dim}", lambda m, a, d=_dim: m.log_softmax(a, d), randn(3, 4))
    case(f"log_softmax-method-{_dim}", lambda m, a, d=_dim: a.log_softmax(d), randn(2, 3, 4))
case("softmax-large-values", lambda m, a: m.softmax(a, 0), np.array([1000.0, 999.0, -1000.0]))
case("log_softmax-float32", lambda m, a: a.log_softmax(-1), randn(3, 5, dtype=np.float32))
case("logsumexp-float32", lambda m, a: a.logsumexp(1), randn(3, 5, dtype=np.float32))
case("logsumexp-large", lambda m, a: m.logsumexp(a, 0), np.array([800.0, 799.0, 10.0]))

# --------------------------------------------------------------------------- shapes

case("view", lambda m, a: a.view(3, 4), randn(2, 6))
case("view-minus-one", lambda m, a: a.view(-1, 2), randn(2, 6))
case("view-tuple", lambda m, a: a.view((4, -1)), randn(2, 6))
case("view-as", lambda m, a, b: a.view_as(b), randn(2, 6), Const(randn(3, 4)))
case("reshape", lambda m, a: a.reshape(4, 3), randn(2, 6))
case("reshape-fn", lambda m, a: m.reshape(a, (-1,)), randn(2, 6))
case("reshape-non-contiguous", lambda m, a: a.t().reshape(-1), randn(3, 4))
case("reshape-non-contiguous-2", lambda m, a: a.transpose(0, 1).reshape(2, 6), randn(3, 4))
case("view-after-transpose-compatible", lambda m, a: a.transpose(0, 1).view(4, 3, 1),
     randn(3, 4))
case("transpose", lambda m, a: a.transpose(0, 2), randn(*_x3))
case("transpose-neg", lambda m, a: m.transpose(a, -1, -2), randn(*_x3))
case("permute", lambda m, a: a.permute(2, 0, 1), randn(*_x3))
case("permute-tuple", lambda m, a: m.permute(a, (1, 2, 0)), randn(*_x3))
case("t", lambda m, a: a.t(), randn(3, 4))
case("t-1d", lambda m, a: a.t(), randn(3))
case("t-fn", lambda m, a: m.t(a), randn(2, 5))
case("T", lambda m, a: a.T, randn(3, 4))
case("squeeze", lambda m, a: a.squeeze(), randn(1, 3, 1, 2))
case("squeeze-dim", lambda m, a: a.squeeze(2), randn(1, 3, 1, 2))
case("squeeze-dim-not-one", lambda m, a: a.squeeze(1), randn(1, 3, 1, 2))
case("squeeze-dims", lambda m, a: a.squeeze((0, 2)), randn(1, 3, 1, 2))
case("unsqueeze", lambda m, a: a.unsqueeze(0), randn(3, 2))
case("unsqueeze-neg", lambda m, a: m.unsqueeze(a, -1), randn(3, 2))
case("unsqueeze-middle", lambda m, a: a.unsqueeze(1), randn(3, 2))
case("expand", lambda m, a: a.expand(4, 3), randn(1, 3))
case("expand-minus-one", lambda m, a: a.expand(2, -1, 3), randn(4, 1))
case("expand-as", lambda m, a, b: a.expand_as(b), randn(3, 1), Const(randn(3, 5)))
case("flatten", lambda m, a: a.flatten(), randn(*_x3))
case("flatten-fn-start", lambda m, a: m.flatten(a, 1), randn(*_x3))
case("flatten-start-end", lambda m, a: a.flatten(0, 1), randn(*_x3))
case("flatten-non-contiguous", lambda m, a: a.permute(2, 0, 1).flatten(), randn(*_x3))
case("cat", lambda m, a, b: m.cat([a, b]), randn(2, 3), randn(4, 3))
case("cat-dim1", lambda m, a, b, c: m.cat((a, b, c), dim=1), randn(2, 3), randn(2, 1),
     randn(2, 2))
case("cat-neg-dim", lambda m, a, b: m.cat([a, b], -1), randn(2, 3), Const(randn(2, 2)))
case("stack", lambda m, a, b: m.stack([a, b]), randn(2, 3), randn(2, 3))
case("stack-dim", lambda m, a, b, c: m.stack([a, b, c], dim=2), randn(2, 3), randn(2, 3),
     randn(2, 3))
case("stack-neg-dim", lambda m, a, b: m.stack((a, b), -1), randn(4), randn(4))
case("split-int", lambda m, a: a.split(2), randn(5, 3))
case("split-int-dim", lambda m, a: m.split(a, 2, dim=1), randn(3, 5))
case("split-list", lambda m, a: a.split([1, 3, 1]), randn(5, 3))
case("split-list-dim", lambda m, a: m.split(a, [2, 3], 1), randn(3, 5))
case("split-some-used", lambda m, a: a.split(2)[1], randn(5, 3))
case("chunk", lambda m, a: a.chunk(3), randn(7, 2))
case("chunk-dim", lambda m, a: m.chunk(a, 2, dim=1), randn(2, 5))

# --------------------------------------------------------------------------- indexing

_mask = np.array([[True, False, True, False], [False, False, True, True],
                  [True, True, False, False]])
INDEXES = {
    "int": lambda m, x: x[1],
    "neg-int": lambda m, x: x[-1],
    "int-int": lambda m, x: x[1, 2],
    "slice": lambda m, x: x[1:3],
    "slice-step": lambda m, x: x[::2],
    "slice-2d-step": lambda m, x: x[:, 1::2],
    "slice-open": lambda m, x: x[:, 1:],
    "int-then-slice": lambda m, x: x[1, 1:],
    "slice-then-int": lambda m, x: x[1:, 1],
    "none": lambda m, x: x[None],
    "slice-none": lambda m, x: x[:, None],
    "ellipsis": lambda m, x: x[..., 1],
    "ellipsis-none": lambda m, x: x[..., None],
    "ellipsis-alone": lambda m, x: x[...],
    "full-slice": lambda m, x: x[:],
    "bool-mask": lambda m, x: x[m.from_numpy(_mask.copy())],
    "bool-mask-rows": lambda m, x: x[m.tensor([True, False, True])],
    "bool-mask-from-compare": lambda m, x: x[x > 0],
    "int-list": lambda m, x: x[[0, 2]],
    "int-list-repeated": lambda m, x: x[[0, 2, 0, 0]],
    "int-tensor-repeated": lambda m, x: x[m.tensor([1, 1, 0])],
    "int-tensor-2d": lambda m, x: x[m.tensor([[0, 2], [2, 2]])],
    "int-tensor-cols": lambda m, x: x[:, m.tensor([3, 0, 3])],
    "two-int-lists": lambda m, x: x[[0, 1, 1], [1, 3, 1]],
    "int-array-and-slice": lambda m, x: x[[2, 0], 1:3],
    "whole-dim-slices": lambda m, x: x[:, 0:4],
    "whole-dim-slice-then-int": lambda m, x: x[0:3, 1],
    "negative-start-slice": lambda m, x: x[:, -4:],
    "slice-past-the-end": lambda m, x: x[:, 1:100],
}
for _name, _fn in INDEXES.items():
    case(f"getitem-{_name}", _fn, randn(3, 4))
case("getitem-3d-mixed", lambda m, x: x[1:, None, ..., 0], randn(3, 4, 5))
case("getitem-0d-tensor-index", lambda m, x: x[m.tensor(1)], randn(3, 4))
case("getitem-select", lambda m, x: m.select(x, 1, 2), randn(3, 4))
case("getitem-narrow", lambda m, x: x.narrow(1, 1, 2), randn(3, 4))
case("unbind", lambda m, x: m.unbind(x, 1), randn(3, 4))

# assignment through every kind of index: gradients reach both x and the value
SETITEMS = {
    "int": (lambda m: 1, (4,)),
    "int-int": (lambda m: (1, 2), ()),
    "slice": (lambda m: slice(0, 2), (2, 4)),
    "slice-step": (lambda m: (slice(None), slice(None, None, 2)), (3, 2)),
    "slice-broadcast-value": (lambda m: slice(1, 3), (4,)),
    "none": (lambda m: (None, 1), (1, 4)),
    "ellipsis": (lambda m: (Ellipsis, 0), (3,)),
    "bool-mask": (lambda m: m.from_numpy(_mask.copy()), (6,)),
    "bool-mask-broadcast": (lambda m: m.from_numpy(_mask.copy()), ()),
    "int-list": (lambda m: [0, 2], (2, 4)),
    "int-tensor": (lambda m: m.tensor([2, 1]), (2, 4)),
    "int-tensor-cols": (lambda m: (slice(None), m.tensor([3, 0])), (3, 2)),
    "two-int-lists": (lambda m: ([0, 2], [1, 3]), (2,)),
}
for _name, (_index, _value_shape) in SETITEMS.items():
    def _assign(m: Any, x: Any, v: Any, index: Callable = _index) -> Any:
        y = x.clone()
        y[index(m)] = v
        return y
    case(f"setitem-{_name}", _assign, randn(3, 4), randn(*_value_shape))


def _assign_number(m: Any, x: Any) -> Any:
    y = x * 1
    y[1:, 2] = 7.5
    return y


def _assign_mask_number(m: Any, x: Any) -> Any:
    y = x.clone()
    y[y < 0] = 0.0
    return y


case("setitem-number", _assign_number, randn(3, 4))
case("setitem-mask-number", _assign_mask_number, randn(3, 4))

# --------------------------------------------------------------------------- comparisons, logic

COMPARE = {
    "eq": lambda m, a, b: a == b, "ne": lambda m, a, b: a != b, "lt": lambda m, a, b: a < b,
    "le": lambda m, a, b: a <= b, "gt": lambda m, a, b: a > b, "ge": lambda m, a, b: a >= b,
    "eq_fn": lambda m, a, b: m.eq(a, b), "lt_method": lambda m, a, b: a.lt(b),
    "ge_fn": lambda m, a, b: m.ge(a, b),
}
_ca = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 2.0]])
_cb = np.array([[1.0, 0.0, 4.0], [0.0, 2.0, 1.0]])
for _name, _fn in COMPARE.items():
    case(f"compare-{_name}", _fn, _ca, _cb)
    case(f"compare-{_name}-broadcast", _fn, _ca, np.array([1.0, 2.0, 2.0]))
    case(f"compare-{_name}-scalar", _fn, _ca, 2)
    case(f"compare-{_name}-float-scalar", _fn, _ca, 1.5)
    case(f"compare-{_name}-int-tensor", _fn, Const(_ca), np.array([1, 2, 3]))
_ba = RNG.random((3, 4)) > 0.5
_bb = RNG.random((3, 4)) > 0.5
case("logical_and", lambda m, a, b: m.logical_and(a, b), _ba, _bb)
case("logical_or", lambda m, a, b: m.logical_or(a, b), _ba, _bb)
case("logical_not", lambda m, a: m.logical_not(a), _ba)
case("logical_xor", lambda m, a, b: a.logical_xor(b), _ba, _bb)
case("logical_and-float", lambda m, a, b: m.logical_and(a, b), Const(_ca), Const(_cb))
case("logical_not-float", lambda m, a: a.logical_not(), Const(_ca))
case("and-operator", lambda m, a, b: a & b, _ba, _bb)
case("or-operator", lambda m, a, b: a | b, _ba, _bb)
case("invert-operator", lambda m, a: ~a, _ba)
case("and-of-comparisons", lambda m, a: (a > 0) & (a < 1), randn(3, 4))
case("any", lambda m, a: a.any(), _ba)
case("all", lambda m, a: m.all(a), _ba)
case("any-dim", lambda m, a: a.any(1), _ba)
case("all-dim-keepdim", lambda m, a: a.all(dim=0, keepdim=True), _ba)
case("any-float", lambda m, a: m.any(a), Const(_ca))
case("all-float", lambda m, a: a.all(), Const(_ca))
case("all-false", lambda m, a: a.all(), np.zeros(3, dtype=bool))


@pytest.mark.parametrize(("fn", "args", "options"), CASES)
def test_op_matches_torch(fn: Callable, args: tuple, options: dict) -> None:
    run(fn, *args, **options)


def _hessian_vector(module: Any, fn: Callable, inputs: list) -> Any:
    """d/dinputs of |d(out . w)/dinputs|^2: exercises every backward under create_graph."""
    outs = [out for out in _flatten(fn(module, *inputs)) if out.requires_grad]
    leaves = [x for x in inputs if isinstance(x, module.Tensor) and x.requires_grad]
    if not outs or not leaves:
        return "no graph"
    loss = 0
    for number, out in enumerate(outs):
        loss = loss + (out * module.from_numpy(weights_like(to_numpy(out), number))).sum()
    firsts = module.autograd.grad(loss, leaves, create_graph=True, allow_unused=True)
    total = 0
    for first in firsts:
        if first is not None and first.requires_grad:
            total = total + (first * first).sum()
    if not isinstance(total, module.Tensor):
        return "constant first derivative"
    seconds = module.autograd.grad(total, leaves, allow_unused=True)
    # torch may answer None, or a lazily-zero tensor, where the derivative is zero
    return [np.zeros(x.shape) if s is None or getattr(s, "_is_zerotensor", lambda: False)()
            else to_numpy(s) for s, x in zip(seconds, leaves)]


def assert_same_second_order(fn: Callable, args: tuple) -> None:
    """fn's second derivatives (a Hessian-vector product) agree with torch's, or both
    libraries give the same reason why there are none."""
    ours_in, theirs_in = _pairs(args)
    ours = _hessian_vector(teachgrad, fn, ours_in)
    theirs = _hessian_vector(torch, fn, theirs_in)
    if isinstance(theirs, str):
        assert ours == theirs
        return
    assert not isinstance(ours, str), ours
    for mine, other in zip(ours, theirs):
        np.testing.assert_allclose(mine, other, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(("fn", "args", "options"), CASES)
def test_second_order_matches_torch(fn: Callable, args: tuple, options: dict) -> None:
    assert_same_second_order(fn, args)


def test_oracle_runner_catches_a_wrong_gradient() -> None:
    """The runner itself must fail when teachgrad's gradient differs from torch's."""

    def sneaky(m: Any, a: Any) -> Any:
        # In teachgrad the gradient is doubled through an extra path; torch's is not.
        return a * 2 if m is teachgrad else a + a.detach()

    with pytest.raises(AssertionError):
        run(sneaky, randn(3), check_name=False)


def test_oracle_runner_catches_a_wrong_grad_fn_name() -> None:
    with pytest.raises(AssertionError):
        run(lambda m, a: a * 2 if m is teachgrad else a + a, randn(3))


# --------------------------------------------------------------------------- type promotion


def _typed_pair(values: Any, dtype_name: str) -> tuple[Any, Any]:
    array = np.asarray(values).astype(np.dtype(dtype_name))
    return teachgrad.from_numpy(array.copy()), torch.from_numpy(array.copy())


PROMOTION = [
    # (a dtype, a shape, b: dtype name with shape, or a Python scalar)
    ("int64", (3,), 2.5),
    ("int64", (3,), 2),
    ("int64", (3,), True),
    ("int32", (3,), 2),
    ("int32", (3,), 2.5),
    ("int16", (3,), 7),
    ("uint8", (3,), 3),
    ("bool", (3,), 2),
    ("bool", (3,), 2.5),
    ("bool", (3,), True),
    ("float32", (3,), 2),
    ("float64", (3,), 2.5),
    ("float16", (3,), 2.5),
    ("int64", (3,), ("float32", (3,))),
    ("int32", (3,), ("float32", (3,))),
    ("bool", (3,), ("int64", (3,))),
    ("bool", (3,), ("int32", (3,))),
    ("float32", (3,), ("float64", (3,))),
    ("float16", (3,), ("float32", (3,))),
    ("float64", (), ("float32", (3,))),
    ("int64", (), ("float32", (3,))),
    ("float64", (), ("int64", (3,))),
    ("float32", (), ("float64", ())),
    ("int64", (3,), ("int64", (3,))),
    ("int32", (3,), ("int64", (3,))),
    ("uint8", (3,), ("int8", (3,))),
    ("uint8", (3,), ("int16", (3,))),
    ("int8", (3,), ("int16", ())),
    ("bool", (3,), ("bool", (3,))),
]
PROMOTION_OPS = {
    "add": lambda a, b: a + b, "mul": lambda a, b: a * b, "sub": lambda a, b: a - b,
    "div": lambda a, b: a / b, "radd": lambda a, b: b + a, "rdiv": lambda a, b: b / a,
}


@pytest.mark.parametrize("op_name", list(PROMOTION_OPS))
@pytest.mark.parametrize(("a_dtype", "a_shape", "b_spec"), PROMOTION,
                         ids=[f"{a}{list(s)}-{b}" for a, s, b in PROMOTION])
def test_type_promotion_matches_torch(op_name: str, a_dtype: str, a_shape: tuple,
                                      b_spec: Any) -> None:
    op = PROMOTION_OPS[op_name]
    a_ours, a_theirs = _typed_pair(np.arange(1, 1 + int(np.prod(a_shape))).reshape(a_shape)
                                   % 3 + 1, a_dtype)
    if isinstance(b_spec, tuple):
        b_dtype, b_shape = b_spec
        b_ours, b_theirs = _typed_pair(np.arange(2, 2 + int(np.prod(b_shape))).reshape(b_shape)
                                       % 2 + 1, b_dtype)
    else:
        b_ours = b_theirs = b_spec
    try:
        expected = op(a_theirs, b_theirs)
    except RuntimeError as error:  # torch refuses, e.g. "-" on bools: so must we
        with pytest.raises(RuntimeError):
            op(a_ours, b_ours)
        assert str(error)
        return
    assert_same(op(a_ours, b_ours), expected)


@pytest.mark.parametrize(("a_dtype", "a_shape", "b_spec"), PROMOTION,
                         ids=[f"{a}{list(s)}-{b}" for a, s, b in PROMOTION])
def test_result_type_and_where_promotion(a_dtype: str, a_shape: tuple, b_spec: Any) -> None:
    a_ours, a_theirs = _typed_pair(np.ones(a_shape), a_dtype)
    if isinstance(b_spec, tuple):
        b_ours, b_theirs = _typed_pair(np.zeros(b_spec[1]), b_spec[0])
    else:
        b_ours = b_theirs = b_spec
    assert torch_dtype_name(teachgrad.result_type(a_ours, b_ours)) == \
        torch_dtype_name(torch.result_type(a_theirs, b_theirs))
    if isinstance(b_spec, tuple):
        cond = np.array([True, False, True])[: a_shape[0] if a_shape else 1]
        assert_same(teachgrad.where(teachgrad.tensor(cond), a_ours, b_ours),
                    torch.where(torch.tensor(cond), a_theirs, b_theirs))
        assert_same(teachgrad.maximum(a_ours, b_ours), torch.maximum(a_theirs, b_theirs))
        assert_same(a_ours == b_ours, a_theirs == b_theirs)


@pytest.mark.parametrize("dtype_name", ["int64", "int32", "bool", "uint8"])
@pytest.mark.parametrize("fn_name", ["exp", "log", "sqrt", "sin", "tanh", "sigmoid"])
def test_integer_inputs_to_float_functions(dtype_name: str, fn_name: str) -> None:
    ours, theirs = _typed_pair([1, 2, 3], dtype_name)
    assert_same(getattr(teachgrad, fn_name)(ours), getattr(torch, fn_name)(theirs))


@pytest.mark.parametrize("dtype_name", ["int64", "int32", "bool", "float32"])
def test_integer_reductions_and_unary(dtype_name: str) -> None:
    ours, theirs = _typed_pair([[1, 0, 3], [2, 2, 0]], dtype_name)
    for fn in (lambda x: x.sum(), lambda x: x.sum(0), lambda x: x.prod(),
               lambda x: x.max(), lambda x: x.argmax(), lambda x: x.any(),
               lambda x: x.clamp(min=1), lambda x: x.clamp(max=1.5)):
        try:
            expected = fn(theirs)
        except RuntimeError:
            with pytest.raises(RuntimeError):
                fn(ours)
            continue
        assert_same(fn(ours), expected)
    if dtype_name != "bool":
        assert_same(abs(-ours), abs(-theirs))
        assert_same(ours.relu(), theirs.relu())
        assert_same(ours * 2, theirs * 2)


# --------------------------------------------------------------------------- in-place ops


def _leaf_pair(array: np.ndarray) -> tuple[Any, Any]:
    return make_pair(array, requires_grad=True)


INPLACE = {
    "add_": lambda y, o: y.add_(o),
    "add_-alpha": lambda y, o: y.add_(o, alpha=-2),
    "add_-scalar": lambda y, o: y.add_(3),
    "sub_": lambda y, o: y.sub_(o),
    "sub_-scalar": lambda y, o: y.sub_(0.5),
    "mul_": lambda y, o: y.mul_(o),
    "mul_-scalar": lambda y, o: y.mul_(-2),
    "div_": lambda y, o: y.div_(o),
    "div_-scalar": lambda y, o: y.div_(4),
    "zero_": lambda y, o: y.zero_(),
    "fill_": lambda y, o: y.fill_(2.5),
    "copy_": lambda y, o: y.copy_(o),
    "clamp_": lambda y, o: y.clamp_(-0.5, 0.5),
    "clamp_-min": lambda y, o: y.clamp_(min=0.1),
}
AUGMENTED = ["+=", "-=", "*=", "/="]


def _augmented(y: Any, other: Any, operator: str) -> Any:
    if operator == "+=":
        y += other
    elif operator == "-=":
        y -= other
    elif operator == "*=":
        y *= other
    else:
        y /= other
    return y


def _inplace_on_non_leaf(module: Any, x: Any, other: Any, apply: Callable) -> tuple[Any, int]:
    y = x * 1.5  # a non-leaf: in-place ops on it are allowed and recorded
    before = y._version
    result = apply(y, other)
    assert result is y, "an in-place op returns the tensor itself"
    return (y * y).sum(), y._version - before, y


@pytest.mark.parametrize("name", list(INPLACE) + AUGMENTED)
@pytest.mark.parametrize("other_shape", [(2, 3), (3,)])
def test_inplace_on_non_leaf_matches_torch(name: str, other_shape: tuple) -> None:
    apply = INPLACE.get(name) or (lambda y, o, n=name: _augmented(y, o, n))
    x_values = away(2, 3, points=(-1 / 3, 1 / 3))  # 1.5 x stays away from the clamp kinks
    other_values = away(*other_shape, margin=0.3)
    x_ours, x_theirs = _leaf_pair(x_values)
    o_ours, o_theirs = _leaf_pair(other_values)
    loss_ours, bump_ours, y_ours = _inplace_on_non_leaf(teachgrad, x_ours, o_ours, apply)
    loss_theirs, bump_theirs, y_theirs = _inplace_on_non_leaf(torch, x_theirs, o_theirs, apply)
    assert_same(y_ours, y_theirs)
    assert grad_fn_name(y_ours) == grad_fn_name(y_theirs)
    assert bump_ours == bump_theirs >= 1
    loss_ours.backward()
    loss_theirs.backward()
    assert_same_grads([x_ours, o_ours], [x_theirs, o_theirs])


@pytest.mark.parametrize("name", list(INPLACE) + AUGMENTED)
def test_inplace_without_grad_matches_torch(name: str) -> None:
    apply = INPLACE.get(name) or (lambda y, o, n=name: _augmented(y, o, n))
    y_ours, y_theirs = make_pair(randn(2, 3))
    o_ours, o_theirs = make_pair(away(3, margin=0.3))
    alias_ours, alias_theirs = y_ours.view(6), y_theirs.view(6)
    memory = y_ours.numpy()
    before_ours, before_theirs = y_ours._version, y_theirs._version
    apply(y_ours, o_ours)
    apply(y_theirs, o_theirs)
    assert_same(y_ours, y_theirs)
    assert_same(alias_ours, alias_theirs)  # views see the change
    np.testing.assert_array_equal(memory, to_numpy(y_theirs))  # the same memory was written
    assert y_ours._version - before_ours == y_theirs._version - before_theirs >= 1
    assert alias_ours._version == y_ours._version  # views share the counter


@pytest.mark.parametrize("name", list(INPLACE) + AUGMENTED)
def test_inplace_on_leaf_under_no_grad_matches_torch(name: str) -> None:
    apply = INPLACE.get(name) or (lambda y, o, n=name: _augmented(y, o, n))
    w_ours, w_theirs = _leaf_pair(randn(2, 3))
    o_ours, o_theirs = make_pair(away(2, 3, margin=0.3))
    with teachgrad.no_grad():
        apply(w_ours, o_ours)
    with torch.no_grad():
        apply(w_theirs, o_theirs)
    assert_same(w_ours, w_theirs)
    assert w_ours.is_leaf and w_ours.grad_fn is None


def test_integer_tensor_inplace_with_float_is_refused_like_torch() -> None:
    from oracle import assert_same_error

    ours, theirs = _typed_pair([1, 2, 3], "int64")
    assert_same_error(lambda: ours.mul_(1.5), lambda: theirs.mul_(1.5))
    assert ours.tolist() == [1, 2, 3] and ours._version == 0
    ours += 2
    theirs += 2
    assert_same(ours, theirs)


def test_setitem_bumps_version_like_torch() -> None:
    y_ours, y_theirs = make_pair(randn(3, 4))
    for index in [1, (slice(None), 2), [0, 2], (Ellipsis, None, 1)]:
        before_ours, before_theirs = y_ours._version, y_theirs._version
        y_ours[index] = 1.0
        y_theirs[index] = 1.0
        assert y_ours._version - before_ours == y_theirs._version - before_theirs == 1
    assert_same(y_ours, y_theirs)


def test_setitem_on_non_leaf_chain_matches_torch() -> None:
    """In-place writes in the middle of a graph: later ops see new values, grads match."""

    def chain(m: Any, x: Any, v: Any) -> Any:
        y = x.exp()
        z = y * 2  # uses y, but MulBackward saved the scalar and y: see next line
        z[0] = v.sum()
        z[1:, 1] = z[1:, 1] * 3  # (`z[1:, 1] *= 3` writes through a view: see
        # test_torch_parity_inplace_autograd.py)
        z += 1
        return z.tanh()

    run(chain, randn(3, 2), randn(4))


def _inplace_story(m: Any) -> list:
    """In-place ops in the situations a learner meets them, printed along the way."""
    shown = []
    p = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = m.zeros(3)
    y += p  # a plain tensor becomes part of the graph
    shown += [y, y.is_leaf]
    y.sum().backward()
    z = m.zeros(3)
    z[1] = p[0] * 2
    z.sum().backward()
    w = m.zeros(2, 3)
    w[0] = p
    w[1, 1:] = p[:2] ** 2
    (w * m.arange(6.0).view(2, 3)).sum().backward()
    shown += [z, w, p.grad]
    r = p.clone()
    r.mul_(2).add_(1)
    s = p.clone()
    s.zero_()
    shown += [r, r._version, s]
    t = p.detach().clone().requires_grad_()
    t2 = t * 2
    t2.retain_grad()
    t2.add_(1)
    t2.sum().backward()
    shown += [t2, t.grad, t2.grad]
    c = m.tensor([1.0, 2.0], requires_grad=True)
    e = c.detach()
    e.mul_(2)  # detach shares memory and version with c
    shown += [c, c._version]
    h = m.ones(2, 3)
    h.t().add_(1)
    h[:, 0].mul_(5)
    k = m.arange(6.0).view(2, 3)
    row = k[0]
    row += 10
    shown += [h, k, k._version, row._version]
    k.copy_(m.tensor([1, 2, 3]))
    n = m.ones(2)
    n.fill_(m.tensor(3.0))
    n.clamp_(max=2)
    shown += [k, n]
    o = m.tensor([1.0, 2.0], requires_grad=True)
    filled = o.clone()
    filled.fill_(5.0)
    filled.sum().backward()
    shown += [filled, o.grad]
    o.grad = None
    copied = o * 1
    copied.copy_(m.tensor([7.0, 8.0]))
    copied.sum().backward()
    shown += [copied, o.grad]
    o.grad = None
    dst = m.zeros(2, 2)
    dst.copy_(o * 2)  # broadcast copy: o's gradient is summed over the copies
    (dst * m.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    shown += [dst, o.grad]
    return [repr(item).replace("torch.", "teachgrad.") for item in shown]


def test_inplace_story_prints_what_torch_prints() -> None:
    assert _inplace_story(teachgrad) == _inplace_story(torch)


def test_inplace_relu_and_chain() -> None:
    def chain(m: Any, x: Any) -> Any:
        h = x @ x.t()
        h.clamp_(min=0)
        h.mul_(0.5)
        h.sub_(h.mean())
        return h

    run(chain, away(3, 4), check_name=False)


# --------------------------------------------------------------------------- creation


TENSOR_DATA = [
    1.5, 3, True, [1.0, 2.0], [1, 2, 3], [True, False], [[1, 2], [3, 4]], [1, 2.5],
    [[1.0], [2.0]], [True, 2], [], [[], []],
    np.array([1.0, 2.0]), np.array([1, 2], dtype=np.int32), np.array([1.5], dtype=np.float32),
    np.array(2.0), np.array([True]), np.array([[1, 2]], dtype=np.uint8), np.float64(3.5),
]


@pytest.mark.parametrize("data", TENSOR_DATA, ids=[repr(d) for d in TENSOR_DATA])
def test_tensor_infers_dtype_like_torch(data: Any) -> None:
    assert_same(teachgrad.tensor(data), torch.tensor(data))


@pytest.mark.parametrize("dtype_name", ["float32", "float64", "int64", "int32", "bool",
                                        "uint8", "float16"])
def test_tensor_with_dtype(dtype_name: str) -> None:
    data = [[0, 1.5], [2, -3]]
    if dtype_name == "uint8":
        data = [[0, 1], [2, 3]]
    assert_same(teachgrad.tensor(data, dtype=getattr(teachgrad, dtype_name)),
                torch.tensor(data, dtype=getattr(torch, dtype_name)))


def test_tensor_copies_its_data() -> None:
    array = np.array([1.0, 2.0])
    ours = teachgrad.tensor(array)
    array[0] = 9.0
    assert ours[0].item() == 1.0
    source = teachgrad.tensor([1.0, 2.0])
    copy = teachgrad.tensor(source.tolist())
    source.add_(1)
    assert copy.tolist() == [1.0, 2.0]


def test_tensor_requires_grad_and_nested_tensors() -> None:
    ours = teachgrad.tensor([1.0, 2.0], requires_grad=True)
    theirs = torch.tensor([1.0, 2.0], requires_grad=True)
    assert_same(ours, theirs)
    assert ours.is_leaf and ours.grad is None
    parts_ours = teachgrad.tensor([teachgrad.tensor(1.0), teachgrad.tensor(2.0)])
    parts_theirs = torch.tensor([torch.tensor(1.0), torch.tensor(2.0)])
    assert_same(parts_ours, parts_theirs)


def test_as_tensor_shares_numpy_memory_and_tensor_identity() -> None:
    array = np.arange(4.0)
    ours = teachgrad.as_tensor(array)
    theirs = torch.as_tensor(array.copy())
    assert_same(ours, theirs)
    array[1] = 10.0
    assert ours[1].item() == 10.0
    same = teachgrad.as_tensor(ours)
    assert same is ours
    converted = teachgrad.as_tensor(array, dtype=teachgrad.float32)
    array[2] = -1.0
    assert converted[2].item() == 2.0  # a dtype change copies
    assert_same(teachgrad.as_tensor([1, 2]), torch.as_tensor([1, 2]))


def test_from_numpy_shares_memory_both_ways() -> None:
    for dtype in (np.float64, np.float32, np.int64, np.int32, np.bool_, np.uint8):
        array = np.zeros(3, dtype=dtype)
        ours = teachgrad.from_numpy(array)
        assert_same(ours, torch.from_numpy(np.zeros(3, dtype=dtype)))
        array[0] = 1
        assert ours[0].item() == 1
        ours[2] = 1
        assert array[2] == 1
    array = np.ones((2, 3))
    ours = teachgrad.from_numpy(array)
    ours.mul_(3)
    assert array[1, 2] == 3.0
    ours.numpy()[0, 0] = -1.0
    assert array[0, 0] == -1.0


def test_numpy_shares_memory() -> None:
    ours = teachgrad.zeros(2, 3)
    view = ours.numpy()
    view[1, 1] = 5.0
    assert ours[1, 1].item() == 5.0
    ours.add_(1)
    assert view[0, 0] == 1.0
    assert ours.detach().numpy() is not None
    assert np.shares_memory(teachgrad.ones(3, requires_grad=True).detach().numpy(),
                            teachgrad.ones(3).numpy()) is False


FILLED = [
    ("zeros", lambda m: m.zeros(2, 3)),
    ("zeros-tuple", lambda m: m.zeros((2, 3))),
    ("zeros-list", lambda m: m.zeros([4])),
    ("zeros-0d", lambda m: m.zeros(())),
    ("zeros-dtype", lambda m: m.zeros(2, dtype=m.int64)),
    ("zeros-python-float", lambda m: m.zeros(2, dtype=float)),
    ("ones-python-int", lambda m: m.ones(2, dtype=int)),
    ("tensor-python-bool", lambda m: m.tensor([0.0, 1.5], dtype=bool)),
    ("tensor-python-float", lambda m: m.tensor([1, 2], dtype=float)),
    ("ones", lambda m: m.ones(3, 1)),
    ("ones-float64", lambda m: m.ones(2, dtype=m.float64)),
    ("ones-bool", lambda m: m.ones(2, dtype=m.bool)),
    ("ones-requires-grad", lambda m: m.ones(2, requires_grad=True)),
    ("full-float", lambda m: m.full((2, 2), 1.5)),
    ("full-int", lambda m: m.full((2, 2), 7)),
    ("full-bool", lambda m: m.full((3,), True)),
    ("full-dtype", lambda m: m.full((2,), 3, dtype=m.float32)),
    ("arange-int", lambda m: m.arange(5)),
    ("arange-start-end", lambda m: m.arange(2, 7)),
    ("arange-step", lambda m: m.arange(1, 10, 3)),
    ("arange-neg-step", lambda m: m.arange(5, -2, -2)),
    ("arange-float", lambda m: m.arange(0.0, 1.0, 0.1)),
    ("arange-float-end", lambda m: m.arange(2.5)),
    ("arange-float-step", lambda m: m.arange(0, 2, 0.5)),
    ("arange-dtype", lambda m: m.arange(4, dtype=m.float64)),
    ("linspace", lambda m: m.linspace(0, 1, 5)),
    ("linspace-neg", lambda m: m.linspace(-2.5, 3, 7)),
    ("linspace-one", lambda m: m.linspace(3, 3, 1)),
    ("linspace-dtype", lambda m: m.linspace(0, 1, 4, dtype=m.float64)),
    ("eye", lambda m: m.eye(3)),
    ("eye-rect", lambda m: m.eye(2, 4)),
    ("eye-dtype", lambda m: m.eye(2, dtype=m.int64)),
]


@pytest.mark.parametrize(("name", "make"), FILLED, ids=[name for name, _ in FILLED])
def test_filled_creation_matches_torch(name: str, make: Callable) -> None:
    assert_same(make(teachgrad), make(torch))


@pytest.mark.parametrize("dtype_name", ["float32", "float64", "int64"])
def test_empty_shape_and_dtype(dtype_name: str) -> None:
    ours = teachgrad.empty(2, 3, dtype=getattr(teachgrad, dtype_name))
    theirs = torch.empty(2, 3, dtype=getattr(torch, dtype_name))
    assert ours.shape == theirs.shape and torch_dtype_name(ours.dtype) == str(theirs.dtype)
    assert teachgrad.empty((4,)).shape == (4,)


LIKE = [
    ("zeros_like", lambda m, x: m.zeros_like(x)),
    ("ones_like", lambda m, x: m.ones_like(x)),
    ("ones_like-dtype", lambda m, x: m.ones_like(x, dtype=m.int64)),
    ("full_like", lambda m, x: m.full_like(x, 2.5)),
    ("full_like-int", lambda m, x: m.full_like(x, 2)),
    ("zeros_like-requires-grad", lambda m, x: m.zeros_like(x, requires_grad=True)),
]


@pytest.mark.parametrize(("name", "make"), LIKE, ids=[name for name, _ in LIKE])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_like_creation_matches_torch(name: str, make: Callable, dtype: Any) -> None:
    if "requires-grad" in name and dtype is np.int64:
        return
    ours, theirs = make_pair(np.ones((2, 3), dtype=dtype))
    assert_same(make(teachgrad, ours), make(torch, theirs))
    empty_ours = teachgrad.empty_like(ours)
    assert empty_ours.shape == ours.shape and empty_ours.dtype == ours.dtype


def test_rand_properties_and_seed() -> None:
    teachgrad.manual_seed(0)
    first = teachgrad.rand(3, 4)
    assert first.shape == (3, 4) and first.dtype == teachgrad.float32 and not first.requires_grad
    values = first.numpy()
    assert (values >= 0).all() and (values < 1).all() and len(np.unique(values)) == 12
    teachgrad.manual_seed(0)
    np.testing.assert_array_equal(teachgrad.rand(3, 4).numpy(), values)
    teachgrad.manual_seed(1)
    assert not np.array_equal(teachgrad.rand(3, 4).numpy(), values)
    assert teachgrad.rand(2, dtype=teachgrad.float64).dtype == teachgrad.float64
    assert teachgrad.rand((5,), requires_grad=True).requires_grad
    assert teachgrad.rand_like(teachgrad.zeros(2, 2, dtype=teachgrad.float64)).dtype \
        == teachgrad.float64


def test_randn_properties_and_seed() -> None:
    teachgrad.manual_seed(123)
    big = teachgrad.randn(20000)
    assert big.dtype == teachgrad.float32 and big.shape == (20000,)
    assert abs(big.mean().item()) < 0.05 and abs(big.std().item() - 1) < 0.05
    teachgrad.manual_seed(123)
    np.testing.assert_array_equal(teachgrad.randn(20000).numpy(), big.numpy())
    assert teachgrad.randn(2, 3, dtype=teachgrad.float64).dtype == teachgrad.float64
    assert teachgrad.randn_like(big).shape == big.shape
    with pytest.raises(RuntimeError):
        teachgrad.randn(3, dtype=teachgrad.int64)
    with pytest.raises(RuntimeError):
        torch.randn(3, dtype=torch.int64)


def test_randint_properties_and_seed() -> None:
    teachgrad.manual_seed(7)
    draws = teachgrad.randint(3, 10, (1000,))
    theirs = torch.randint(3, 10, (1000,))
    assert draws.shape == theirs.shape and torch_dtype_name(draws.dtype) == str(theirs.dtype)
    values = draws.numpy()
    assert values.min() == 3 and values.max() == 9
    teachgrad.manual_seed(7)
    np.testing.assert_array_equal(teachgrad.randint(3, 10, (1000,)).numpy(), values)
    assert teachgrad.randint(5, (2, 2)).numpy().max() < 5
    assert teachgrad.randint(5, size=(3,)).shape == (3,)
    assert teachgrad.randint(0, 2, (4,), dtype=teachgrad.int32).dtype == teachgrad.int32
    perm = teachgrad.randperm(6)
    assert sorted(perm.tolist()) == list(range(6)) and perm.dtype == teachgrad.int64


def test_generator_is_independent_stream() -> None:
    generator = teachgrad.Generator().manual_seed(5)
    a = teachgrad.rand(4, generator=generator)
    teachgrad.manual_seed(99)
    b = teachgrad.rand(4, generator=teachgrad.Generator().manual_seed(5))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert teachgrad.manual_seed(3).initial_seed() == 3 == teachgrad.initial_seed()


# --------------------------------------------------------------------------- attributes


def test_description_attributes_match_torch() -> None:
    ours, theirs = make_pair(randn(2, 3, 4))
    assert ours.shape == theirs.shape and isinstance(ours.shape, tuple)
    assert ours.size() == theirs.size() and ours.size(1) == theirs.size(1) == 3
    assert ours.size(-1) == theirs.size(-1)
    assert ours.dim() == theirs.dim() == ours.ndim == 3
    assert ours.numel() == theirs.numel() == 24
    assert ours.shape.numel() == theirs.shape.numel()
    assert str(ours.device) == str(theirs.device) == "cpu"
    assert repr(ours.device) == repr(theirs.device)
    assert ours.device == teachgrad.device("cpu")
    assert ours.is_leaf == theirs.is_leaf
    assert ours.stride() == theirs.stride()
    assert ours.transpose(0, 2).stride() == theirs.transpose(0, 2).stride()
    assert ours.is_contiguous() and not ours.transpose(0, 1).is_contiguous()
    assert ours.is_floating_point() and not teachgrad.tensor([1]).is_floating_point()
    assert len(ours) == len(theirs) == 2
    assert ours.element_size() == theirs.element_size()


def test_item_and_tolist_match_torch() -> None:
    for data in [2.5, [3], [[True]], 7]:
        ours, theirs = teachgrad.tensor(data), torch.tensor(data)
        assert ours.item() == theirs.item() and type(ours.item()) is type(theirs.item())
    for data in [[1.0, 2.5], [[1, 2], [3, 4]], [True, False], 3.5, [[]]]:
        assert teachgrad.tensor(data).tolist() == torch.tensor(data).tolist()
    assert float(teachgrad.tensor([2.5])) == 2.5 and int(teachgrad.tensor(3)) == 3
    assert bool(teachgrad.tensor([True])) is True


CONVERSIONS = {
    "float": lambda x, m: x.float(), "double": lambda x, m: x.double(),
    "long": lambda x, m: x.long(), "int": lambda x, m: x.int(), "bool": lambda x, m: x.bool(),
    "half": lambda x, m: x.half(),
    "to-float64": lambda x, m: x.to(m.float64), "to-int32": lambda x, m: x.to(m.int32),
    "to-dtype-kw": lambda x, m: x.to(dtype=m.float64), "to-cpu": lambda x, m: x.to("cpu"),
    "to-device-dtype": lambda x, m: x.to("cpu", m.float64), "cpu": lambda x, m: x.cpu(),
    "type_as": lambda x, m: x.type_as(m.zeros(1, dtype=m.int32)),
    "type-dtype": lambda x, m: x.type(m.float64),
    "to-python-float": lambda x, m: x.to(float), "to-python-int": lambda x, m: x.to(int),
    "to-python-bool": lambda x, m: x.to(bool),
}


@pytest.mark.parametrize("name", list(CONVERSIONS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.bool_])
def test_conversions_match_torch(name: str, dtype: Any) -> None:
    values = np.array([[0.0, 1.5, -2.25], [3.0, 0.0, 1.0]]).astype(dtype)
    ours, theirs = make_pair(values, requires_grad=np.dtype(dtype).kind == "f")
    out_ours, out_theirs = CONVERSIONS[name](ours, teachgrad), CONVERSIONS[name](theirs, torch)
    assert_same(out_ours, out_theirs)
    assert grad_fn_name(out_ours) == grad_fn_name(out_theirs)
    assert (out_ours is ours) == (out_theirs is theirs)  # no copy when nothing changes
    if out_theirs.requires_grad:
        w = weights_like(to_numpy(out_theirs))
        (out_ours * teachgrad.from_numpy(w)).sum().backward()
        (out_theirs * torch.from_numpy(w)).sum().backward()
        assert_same_grads([ours], [theirs])


def test_type_string_matches_torch() -> None:
    for dtype in ("float32", "float64", "int64", "int32", "bool", "uint8"):
        ours, theirs = _typed_pair([1], dtype)
        assert ours.type() == theirs.type().replace("torch.", "teachgrad.")


def test_clone_detach_contiguous_match_torch() -> None:
    x_ours, x_theirs = _leaf_pair(randn(3, 4))
    clone_ours, clone_theirs = x_ours.clone(), x_theirs.clone()
    assert_same(clone_ours, clone_theirs)
    assert grad_fn_name(clone_ours) == grad_fn_name(clone_theirs)
    assert not np.shares_memory(clone_ours.detach().numpy(), x_ours.detach().numpy())

    detached = x_ours.detach()
    assert_same(detached, x_theirs.detach())
    assert detached.is_leaf and detached.grad_fn is None
    detached[0, 0] = 100.0  # shares memory with x
    x_theirs.detach()[0, 0] = 100.0
    assert x_ours[0, 0].item() == 100.0
    assert detached._version == x_ours._version == x_theirs._version  # and its version counter

    t_ours, t_theirs = x_ours.t(), x_theirs.t()
    c_ours, c_theirs = t_ours.contiguous(), t_theirs.contiguous()
    assert_same(c_ours, c_theirs)
    assert grad_fn_name(c_ours) == grad_fn_name(c_theirs)
    assert c_ours.is_contiguous() and c_ours.stride() == c_theirs.stride()
    assert x_ours.contiguous() is x_ours and x_theirs.contiguous() is x_theirs


def test_requires_grad_flag_handling_matches_torch() -> None:
    ours, theirs = make_pair(randn(3))
    assert ours.requires_grad_() is ours and theirs.requires_grad_() is theirs
    assert ours.requires_grad and theirs.requires_grad
    ours.requires_grad_(False)
    theirs.requires_grad_(False)
    assert not ours.requires_grad and not theirs.requires_grad
    ours.requires_grad = True
    y = ours * 2
    assert y.requires_grad and not y.is_leaf
    assert (y.detach() * 2).grad_fn is None
    assert (ours.data * 2).grad_fn is None and not ours.data.requires_grad


def test_retain_grad_matches_torch() -> None:
    x_ours, x_theirs = _leaf_pair(randn(2, 3))
    results = []
    for _, x in ((teachgrad, x_ours), (torch, x_theirs)):
        y = x.exp()
        y.retain_grad()
        z = y * 3
        out = (z * z).sum()
        out.backward()
        assert y.retains_grad and not z.retains_grad
        results.append(y.grad)
    assert_same(results[0], results[1], check_requires_grad=False)
    with pytest.warns(UserWarning, match="not a leaf"):
        assert (x_ours * 2).grad is None


def test_grad_accumulates_over_two_backwards() -> None:
    x_ours, x_theirs = _leaf_pair(randn(4))
    for x in (x_ours, x_theirs):
        (x * x).sum().backward()
        (x.sin()).sum().backward()
    assert_same_grads([x_ours], [x_theirs])
    np.testing.assert_allclose(x_ours.grad.numpy(),
                               2 * x_ours.detach().numpy() + np.cos(x_ours.detach().numpy()))
    x_ours.grad.zero_()
    x_theirs.grad.zero_()
    (x_ours ** 3).sum().backward()
    (x_theirs ** 3).sum().backward()
    assert_same_grads([x_ours], [x_theirs])
    x_ours.grad = None
    (x_ours * 5).sum().backward()
    assert x_ours.grad.tolist() == [5.0] * 4


def test_backward_with_gradient_argument() -> None:
    x_ours, x_theirs = _leaf_pair(randn(2, 3))
    v = weights_like(np.zeros((2, 3)))
    (x_ours ** 2 * 3).backward(gradient=teachgrad.from_numpy(v.copy()))
    (x_theirs ** 2 * 3).backward(gradient=torch.from_numpy(v.copy()))
    assert_same_grads([x_ours], [x_theirs])
    # the seed tutorials' Q = 3a^3 - b^2 example
    a_ours, a_theirs = make_pair(np.array([2.0, 3.0]), True)
    b_ours, b_theirs = make_pair(np.array([6.0, 4.0]), True)
    (3 * a_ours ** 3 - b_ours ** 2).backward(gradient=teachgrad.tensor([1.0, 1.0],
                                                                       dtype=teachgrad.float64))
    (3 * a_theirs ** 3 - b_theirs ** 2).backward(gradient=torch.tensor([1.0, 1.0],
                                                                       dtype=torch.float64))
    assert_same_grads([a_ours, b_ours], [a_theirs, b_theirs])


def test_retain_graph_allows_second_backward() -> None:
    x_ours, x_theirs = _leaf_pair(randn(3))
    for x in (x_ours, x_theirs):
        out = (x.exp() * x).sum()
        out.backward(retain_graph=True)
        out.backward()
    assert_same_grads([x_ours], [x_theirs])


def _second_derivative(m: Any, x: Any, f: Callable) -> tuple[Any, Any]:
    y = f(m, x).sum()
    (first,) = m.autograd.grad(y, x, create_graph=True)
    (second,) = m.autograd.grad(first.sum(), x)
    return first, second


SECOND_ORDER = {
    "cube": lambda m, x: x ** 3,
    "tanh": lambda m, x: m.tanh(x),
    "sigmoid-times-x": lambda m, x: m.sigmoid(x) * x,
    "softmax-weighted": lambda m, x: m.softmax(x, 0) * m.arange(x.shape[0], dtype=x.dtype),
    "log_softmax": lambda m, x: m.log_softmax(x * x, 0)[1],
    "exp-sin": lambda m, x: m.exp(m.sin(x)),
    "div-sqrt": lambda m, x: 1 / m.sqrt(x * x + 1),
    "logsumexp": lambda m, x: m.logsumexp(x * 2, 0),
    "matmul-quadratic": lambda m, x: x @ (x * x),
    "mean-var": lambda m, x: x.var() * x.mean(),
    "index": lambda m, x: x[[0, 0, 2]] ** 3,
    "prod": lambda m, x: x.prod(),
    "pow-tensor": lambda m, x: m.pow(x.abs() + 1, x),
    "max-dim": lambda m, x: (x ** 2).reshape(1, -1).max(1).values,
}


@pytest.mark.parametrize("name", list(SECOND_ORDER))
def test_second_derivatives_match_torch(name: str) -> None:
    x_ours, x_theirs = _leaf_pair(np.array([0.3, -1.2, 0.7, 2.0]))
    first_ours, second_ours = _second_derivative(teachgrad, x_ours, SECOND_ORDER[name])
    first_theirs, second_theirs = _second_derivative(torch, x_theirs, SECOND_ORDER[name])
    assert_same(first_ours, first_theirs)
    assert_same(second_ours, second_theirs)


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True:UserWarning")
def test_create_graph_backward_then_grad_of_grad() -> None:
    x_ours, x_theirs = _leaf_pair(np.array([0.5, -1.5, 2.0]))
    for x in (x_ours, x_theirs):
        (x ** 3).sum().backward(create_graph=True)
    assert_same(x_ours.grad, x_theirs.grad)
    assert x_ours.grad.requires_grad
    second_ours = teachgrad.autograd.grad(x_ours.grad.sum(), x_ours)[0]
    second_theirs = torch.autograd.grad(x_theirs.grad.sum(), x_theirs)[0]
    assert_same(second_ours, second_theirs)


def test_autograd_grad_matches_torch() -> None:
    x_ours, x_theirs = _leaf_pair(randn(3))
    y_ours, y_theirs = _leaf_pair(randn(3))
    results = []
    for m, x, y in ((teachgrad, x_ours, y_ours), (torch, x_theirs, y_theirs)):
        out = (x * y.exp()).sum() + (x ** 2).sum()
        grads = m.autograd.grad(out, [x, y])
        assert x.grad is None and y.grad is None  # grad() does not accumulate
        results.append(grads)
        vector = m.autograd.grad(x * y, x, grad_outputs=m.ones_like(x))[0]
        results.append((vector,))
        unused = m.autograd.grad((x * 2).sum(), [x, y], allow_unused=True)
        assert unused[1] is None
        results.append(unused[:1])
    for mine, other in zip(results[:3], results[3:]):
        for a, b in zip(mine, other):
            assert_same(a, b)


def test_backward_inputs_argument() -> None:
    x_ours, x_theirs = _leaf_pair(randn(3))
    y_ours, y_theirs = _leaf_pair(randn(3))
    (x_ours * y_ours).sum().backward(inputs=[x_ours])
    (x_theirs * y_theirs).sum().backward(inputs=[x_theirs])
    assert_same_grads([x_ours, y_ours], [x_theirs, y_theirs])


GRAD_MODES = {
    "no_grad": lambda m: m.no_grad(),
    "set_grad_enabled-false": lambda m: m.set_grad_enabled(False),
    "autograd.no_grad": lambda m: m.autograd.no_grad(),
}


@pytest.mark.parametrize("name", list(GRAD_MODES))
def test_no_grad_context_and_decorator(name: str) -> None:
    for m in (teachgrad, torch):
        x = m.ones(2, requires_grad=True)
        with GRAD_MODES[name](m):
            y = x * 2
            assert not m.is_grad_enabled()
            with m.enable_grad():
                z = x * 2
                assert m.is_grad_enabled()
        assert m.is_grad_enabled()
        assert not y.requires_grad and y.grad_fn is None
        assert z.requires_grad

        @GRAD_MODES[name](m)
        def double(t: Any) -> Any:
            return t * 2

        assert m.is_grad_enabled()
        assert not double(x).requires_grad
        assert m.is_grad_enabled()

        @m.enable_grad()
        def triple(t: Any) -> Any:
            return t * 3

        with m.no_grad():
            assert triple(x).requires_grad


def test_set_grad_enabled_as_function_and_true() -> None:
    for m in (teachgrad, torch):
        x = m.ones(2, requires_grad=True)
        m.set_grad_enabled(False)
        try:
            assert not (x * 2).requires_grad
        finally:
            m.set_grad_enabled(True)
        assert (x * 2).requires_grad
        with m.no_grad():
            with m.set_grad_enabled(True):
                assert (x * 2).requires_grad
            assert not (x * 2).requires_grad


def test_hook_handle_remove_matches_torch() -> None:
    grads = []
    for m in (teachgrad, torch):
        x = m.tensor([1.0, -1.0], requires_grad=True)
        y = x * 3
        leaf_handle = x.register_hook(lambda g: g * 2)
        inner_handle = y.register_hook(lambda g: g + 1)
        (y * y).sum().backward(retain_graph=True)
        first = x.grad.clone()
        leaf_handle.remove()
        inner_handle.remove()
        inner_handle.remove()  # removing twice is harmless
        x.grad = None
        (y * y).sum().backward()
        grads.append((first, x.grad))
    for mine, other in zip(grads[0], grads[1]):
        assert_same(mine, other)


def test_hooks_on_leaf_and_non_leaf_match_torch() -> None:
    x_ours, x_theirs = _leaf_pair(randn(3))
    seen: dict = {"ours": [], "theirs": []}
    for key, x in (("ours", x_ours), ("theirs", x_theirs)):
        y = x * 2
        x.register_hook(lambda g, key=key: seen[key].append(("leaf", to_numpy(g))))
        y.register_hook(lambda g, key=key: seen[key].append(("y", to_numpy(g))))
        y.register_hook(lambda g: g * 10)  # a hook may replace the gradient
        (y * y).sum().backward()
    assert [name for name, _ in seen["ours"]] == [name for name, _ in seen["theirs"]]
    for (_, mine), (_, other) in zip(seen["ours"], seen["theirs"]):
        np.testing.assert_allclose(mine, other)
    assert_same_grads([x_ours], [x_theirs])


# --------------------------------------------------------------------------- printing


def _repr_pair(make: Callable) -> tuple[str, str]:
    return repr(make(teachgrad)), repr(make(torch)).replace("torch.", "teachgrad.")


REPRS = {
    "float": lambda m: m.tensor([1.0, 2.0]),
    "float-fraction": lambda m: m.tensor([1.5, -0.25, 3.0]),
    "requires-grad": lambda m: m.tensor([1.0, 2.0], requires_grad=True),
    "grad-fn-mul": lambda m: m.tensor([1.0, 2.0], requires_grad=True) * 2,
    "grad-fn-sum": lambda m: (m.tensor([1.0, 2.0], requires_grad=True) * 2).sum(),
    "grad-fn-add": lambda m: m.tensor(3.0, requires_grad=True) * m.tensor(4.0) + 5,
    "rsub": lambda m: 10 - m.tensor([1.0], requires_grad=True),
    "int": lambda m: m.tensor([[1, 2], [3, 4]]),
    "bool": lambda m: m.tensor([True, False]),
    "float64": lambda m: m.tensor([1.0, 2.0], dtype=m.float64),
    "float64-grad": lambda m: m.tensor([1.5], dtype=m.float64, requires_grad=True).exp(),
    "int32": lambda m: m.tensor([1, 2], dtype=m.int32),
    "0d": lambda m: m.tensor(2.5),
    "empty": lambda m: m.zeros(0),
    "2d": lambda m: m.arange(12.0).reshape(3, 4) / 7,
    "big": lambda m: m.arange(2000.0),
    "max-dim": lambda m: m.tensor([[1.0, 3.0], [4.0, 2.0]]).max(1),
}


@pytest.mark.parametrize("name", list(REPRS))
def test_repr_matches_torch(name: str) -> None:
    ours, theirs = _repr_pair(REPRS[name])
    assert ours == theirs


def test_size_dtype_device_reprs_match_torch() -> None:
    assert repr(teachgrad.zeros(3, 4).shape) == repr(torch.zeros(3, 4).shape).replace(
        "torch.", "teachgrad.")
    assert repr(teachgrad.zeros(3, 4).size()) == "teachgrad.Size([3, 4])"
    assert repr(teachgrad.zeros(()).shape) == repr(torch.zeros(()).shape).replace("torch.",
                                                                                 "teachgrad.")
    for name in ("float32", "float64", "int64", "int32", "bool", "uint8", "float16"):
        assert repr(getattr(teachgrad, name)) == repr(getattr(torch, name)).replace(
            "torch.", "teachgrad.")
    for alias in ("float", "double", "long", "int", "half"):
        assert repr(getattr(teachgrad, alias)) == repr(getattr(torch, alias)).replace(
            "torch.", "teachgrad.")
    for spec in ("cpu", "cuda", "cuda:1"):
        assert repr(teachgrad.device(spec)) == repr(torch.device(spec))
        assert str(teachgrad.device(spec)) == str(torch.device(spec))
    assert repr(teachgrad.zeros(1).device) == repr(torch.zeros(1).device)


def test_grad_fn_repr_and_next_functions() -> None:
    x = teachgrad.ones(2, requires_grad=True)
    y = x * 2
    assert repr(y.grad_fn).startswith("<MulBackward0 object at 0x")
    assert y.grad_fn.name() == (torch.ones(2, requires_grad=True) * 2).grad_fn.name()
    (child, _), (other, _) = y.grad_fn.next_functions
    assert type(child).__name__ == "AccumulateGrad" and child.variable is x
    assert other is None


def test_sequence_numbers_order_nodes_as_torch_does() -> None:
    # Backward runs the newest node first; that order must agree with torch's numbering.
    def graph_nodes(lib: Any) -> list:
        w = lib.ones(3, 3, requires_grad=True)
        x = lib.ones(2, 3)
        hidden = x.mm(w).relu()
        loss = (hidden * hidden + hidden).sum()
        nodes, stack, seen = [], [loss.grad_fn], set()
        while stack:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            nodes.append(node)
            stack.extend(child for child, _ in node.next_functions)
        return nodes  # (the nodes keep each other, and so the whole graph, alive)

    ours = graph_nodes(teachgrad)
    theirs = graph_nodes(torch)
    assert [n.name() for n in ours] == [n.name() for n in theirs]

    def rank(nodes: list) -> list[int]:
        numbers = [node._sequence_nr() for node in nodes]
        return [sorted(numbers).index(number) for number in numbers]

    assert rank(ours) == rank(theirs)
    accumulators = [n for n in ours if n.name() == "torch::autograd::AccumulateGrad"]
    assert [n._sequence_nr() for n in accumulators] == [2**64 - 1]
