"""Gradients at special values, as torch gives them (issue 15, point 5, and the fuzzer's
known differences they closed).

- Masking backwards select, they do not multiply: where relu, clamp, hardtanh, relu6,
  hardsigmoid, hardswish, max/min, cummax/cummin, maximum/minimum send no gradient,
  an infinite or NaN upstream gradient still gives 0 there (0 * inf would be NaN).
- At a NaN input: relu and hardtanh pass the gradient (torch's test is x <= 0), elu
  takes the positive side's slope, softplus gives NaN.
- atan2: 0 where a^2 + b^2 is exactly 0; integer and bool inputs in torch's dtype rules.
- clamp with tensor bounds: they broadcast, take a gradient where chosen, and fail
  where torch fails.

Each case runs the same call in teachgrad and torch; the changed backwards are also
checked against finite differences in float64 (teachgrad.autograd.gradcheck).
"""

from __future__ import annotations

import numpy as np
import pytest
from oracle import assert_same, assert_same_error, grad_fn_name, torch

import teachgrad
from teachgrad.autograd import gradcheck
from teachgrad.fast import reference_mode

NAN, INF = float("nan"), float("inf")
#: upstream gradients that a later op (rsqrt at 0, log at 0, exp overflow) sends back
UPSTREAM = (INF, -INF, NAN, 1.0, 2.5, -INF, INF, NAN)


def functional(m):
    return m.nn.functional


def upstream_like(m, out):
    values = np.resize(np.array(UPSTREAM), out.shape).astype(str(out.dtype).split(".")[-1])
    return m.tensor(values)


def run(fn, *values, dtype="float32", upstream=True):
    """fn on fresh leaves in library m; (output, *grads), backward from UPSTREAM or ones."""
    def call(m):
        leaves = [m.tensor(value, dtype=getattr(m, dtype), requires_grad=True)
                  for value in values]
        out = fn(m, *leaves)
        out.backward(upstream_like(m, out) if upstream else m.ones_like(out))
        return (out.detach(), *(leaf.grad for leaf in leaves))
    return call


ROW = [-2.0, 0.0, 0.5, 3.0, -4.0, 1.0, 7.0, -0.5]
TIES = [3.0, 1.0, 3.0, NAN, 2.0, 2.0, -1.0, 5.0]

SELECTING = {
    "relu": run(lambda m, x: x.relu(), ROW),
    "relu_": run(lambda m, x: x.clone().relu_(), ROW),
    "F.relu, float64": run(lambda m, x: functional(m).relu(x), ROW, dtype="float64"),
    "hardtanh": run(lambda m, x: functional(m).hardtanh(x), ROW),
    "hardtanh(range)": run(lambda m, x: functional(m).hardtanh(x, -0.5, 2.0), ROW),
    "relu6": run(lambda m, x: functional(m).relu6(x), ROW),
    "hardsigmoid": run(lambda m, x: functional(m).hardsigmoid(x), ROW),
    "hardswish": run(lambda m, x: functional(m).hardswish(x), [-3.0, -9.0, 3.0, -1.0]),
    "clamp": run(lambda m, x: x.clamp(-1.0, 2.0), ROW),
    "clamp(min)": run(lambda m, x: x.clamp(min=0.5), ROW, dtype="float64"),
    "clamp_": run(lambda m, x: x.clone().clamp_(max=0.5), ROW),
    "max": run(lambda m, x: x.max(), [1.0, 3.0, 3.0, 2.0]),
    "min with a NaN": run(lambda m, x: x.min(), [1.0, NAN, 3.0]),
    "max(dim)": run(lambda m, x: x.max(dim=1).values, [ROW[:4], TIES[:4]]),
    "min(dim, keepdim)": run(lambda m, x: x.min(0, keepdim=True)[0], [ROW[:4], TIES[:4]]),
    "cummax": run(lambda m, x: x.cummax(0).values, TIES),
    "cummin, 2-d": run(lambda m, x: x.cummin(1)[0], [ROW[:4], TIES[:4]]),
    "maximum": run(lambda m, x, y: m.maximum(x, y), ROW, TIES),
    "minimum, broadcast": run(lambda m, x, y: m.minimum(x, y), [ROW[:4], TIES[:4]],
                              [0.5, NAN, 2.0, 3.0]),
}

AT_NAN = [NAN, -1.0, 0.0, 2.0, 30.0, -INF, INF]
NAN_INPUTS = {
    name: run(fn, AT_NAN, dtype=dtype, upstream=False)
    for dtype in ("float32", "float64")
    for name, fn in {
        f"relu {dtype}": lambda m, x: functional(m).relu(x),
        f"hardtanh {dtype}": lambda m, x: functional(m).hardtanh(x),
        f"relu6 {dtype}": lambda m, x: functional(m).relu6(x),
        f"hardsigmoid {dtype}": lambda m, x: functional(m).hardsigmoid(x),
        f"hardswish {dtype}": lambda m, x: functional(m).hardswish(x),
        f"elu {dtype}": lambda m, x: functional(m).elu(x),
        f"elu(alpha) {dtype}": lambda m, x: functional(m).elu(x, alpha=0.5),
        f"selu {dtype}": lambda m, x: functional(m).selu(x),
        f"celu {dtype}": lambda m, x: functional(m).celu(x, alpha=2.0),
        f"softplus {dtype}": lambda m, x: functional(m).softplus(x),
        f"softplus(beta) {dtype}": lambda m, x: functional(m).softplus(x, beta=2.0,
                                                                       threshold=5.0),
        f"leaky_relu {dtype}": lambda m, x: functional(m).leaky_relu(x, 0.2),
    }.items()
}


@pytest.mark.parametrize("name", [*SELECTING, *NAN_INPUTS])
def test_gradient_at_special_values_as_torch(name):
    case = {**SELECTING, **NAN_INPUTS}[name]
    ours, theirs = case(teachgrad), case(torch)
    for mine, other in zip(ours, theirs):
        assert_same(mine, other)


def test_the_reproducer_of_issue_15_point_5():
    """relu then rsqrt at -1: rsqrt(0) sends back -inf, which the relu stops (torch: 0)."""
    grads = []
    for m in (teachgrad, torch):
        x = m.tensor(-1.0, requires_grad=True)
        functional(m).relu(x).rsqrt().backward()
        grads.append(x.grad)
    assert_same(*grads)
    assert grads[0].item() == 0.0


@pytest.mark.parametrize("name", ["relu", "relu_", "hardtanh", "clamp", "clamp(min)"])
def test_fast_and_reference_modes_agree_to_the_bit(name):
    fast = SELECTING[name](teachgrad)
    with reference_mode():
        reference = SELECTING[name](teachgrad)
    for mine, other in zip(fast, reference):
        np.testing.assert_array_equal(mine.numpy(), other.numpy())
        assert np.array_equal(np.signbit(mine.numpy()), np.signbit(other.numpy()))


def test_relu_second_derivative_as_torch():
    """ReluGradient still differentiates: zeros for the result, the mask for the grad."""
    outs = []
    for m in (teachgrad, torch):
        x = m.tensor([-1.0, 0.0, 2.0, NAN], requires_grad=True)
        up = m.tensor([INF, 1.0, 3.0, 2.0], requires_grad=True)
        (g,) = m.autograd.grad(x.relu(), x, up, create_graph=True)
        (g * m.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
        outs.append((g.detach(), up.grad, grad_fn_name(g)))
    assert_same(outs[0][0], outs[1][0])
    assert_same(outs[0][1], outs[1][1])
    assert outs[0][2] == outs[1][2] == "ThresholdBackwardBackward0"


# ------------------------------------------------------------------------------- atan2

ATAN2_EDGES = [0.0, -0.0, 1e-30, 3e-20, 1e-19, 2e19, 3e38, INF, -INF, NAN, 1.0, -2.5]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_atan2_gradient_at_the_edges(dtype):
    a, b = np.meshgrid(ATAN2_EDGES, ATAN2_EDGES)
    case = run(lambda m, x, y: m.atan2(x, y), a.ravel().tolist(), b.ravel().tolist(),
               dtype=dtype, upstream=False)
    for mine, other in zip(case(teachgrad), case(torch)):
        assert_same(mine, other)


@pytest.mark.parametrize("dtype, value", [("uint8", 6), ("uint8", 200), ("int8", -128),
                                          ("int64", 5), ("int32", -3)])
@pytest.mark.parametrize("integer_first", [True, False])
def test_atan2_with_an_integer_tensor(dtype, value, integer_first):
    """torch's backward computes a * a and -a in the integer dtype (they wrap)."""
    grads = []
    for m in (teachgrad, torch):
        number = m.tensor([value, 1], dtype=getattr(m, dtype))
        x = m.tensor([2.0, -3.0], requires_grad=True)
        out = m.atan2(number, x) if integer_first else m.atan2(x, number)
        out.backward(m.ones_like(out))
        grads.append((out.detach(), x.grad))
    for mine, other in zip(*grads):
        assert_same(mine, other)


def test_atan2_of_a_bool_tensor_cannot_negate_it():
    def backward(m):
        x = m.tensor([2.0], requires_grad=True)
        m.atan2(m.tensor([True]), x).backward(m.ones(1))
    assert_same_error(lambda: backward(teachgrad), lambda: backward(torch))


# ---------------------------------------------------------------- clamp, tensor bounds

BOUND_CASES = {
    "min broadcast": ([1.0, 2.0, 3.0], [1.5], None),
    "both, broadcast": ([[1.0, 2.0, 3.0], [0.0, 5.0, -1.0]], [0.5, 1.5, 0.0], [[2.5], [1.0]]),
    "max only, 0-d": ([1.0, 2.0, 3.0], None, 2.0),
    "min above max": ([1.0, 2.0, 3.0], [2.5], [1.5]),
    "NaN in x and in a bound": ([1.0, NAN, 3.0, 0.0], [2.0, 2.0, 2.0, NAN], [2.5]),
    "x broadcast by one bound only": ([1.0, 2.0, 3.0], [[1.5], [0.5]], None),
}


def clamp_with_bounds(x, low, high, needs=(True, True, True), dtype="float32"):
    def call(m):
        kind = getattr(m, dtype)
        leaves = [None if v is None else m.tensor(v, dtype=kind, requires_grad=r)
                  for v, r in zip((x, low, high), needs)]
        out = leaves[0].clamp(leaves[1], leaves[2])
        if out.requires_grad:  # (max only, and only min requires grad: nothing does)
            out.backward(upstream_like(m, out))
        return out, grad_fn_name(out), [None if t is None else t.grad for t in leaves]
    return call


@pytest.mark.parametrize("name", BOUND_CASES)
@pytest.mark.parametrize("needs", [(True, True, True), (False, True, False),
                                   (True, False, False)])
def test_clamp_with_tensor_bounds_as_torch(name, needs):
    call = clamp_with_bounds(*BOUND_CASES[name], needs=needs)
    (out, node, grads), (out_t, node_t, grads_t) = call(teachgrad), call(torch)
    assert_same(out.detach(), out_t.detach())
    assert node == node_t == ("ClampBackward0" if out_t.requires_grad else None)
    for mine, other in zip(grads, grads_t):
        assert (mine is None) == (other is None)
        if other is not None:
            assert_same(mine, other)


@pytest.mark.parametrize("x, low, high", [
    ([1.0, 2.0, 3.0], [[1.5], [0.5]], [2.5]),  # torch's in-place AND of the comparisons
    ([[1.0, 2.0, 3.0]], [[0.0], [2.0]], [[2.0, 2.0, 1.0]]),
])
def test_clamp_bounds_broadcast_beyond_x_fail_in_backward_as_in_torch(x, low, high):
    ours, theirs = assert_same_error(lambda: clamp_with_bounds(x, low, high)(teachgrad),
                                     lambda: clamp_with_bounds(x, low, high)(torch))
    assert str(theirs) in str(ours)


def test_clamp_bounds_that_do_not_broadcast_raise_as_torch():
    def call(m):
        return m.zeros(0, requires_grad=True).clamp(None, m.tensor([0.5, -0.5]))
    assert_same_error(lambda: call(teachgrad), lambda: call(torch))


@pytest.mark.parametrize("low, high", [("multi", 2), (0, "multi"), ("grad0d", 2.0)])
def test_clamp_mixing_a_tensor_and_a_number_is_refused(low, high):
    def call(m):
        def bound(spec):
            if spec == "multi":
                return m.tensor([2.0])
            return m.tensor(1.0, requires_grad=True) if spec == "grad0d" else spec
        return m.tensor([1.0, 2.0, 3.0]).clamp(bound(low), bound(high))
    assert_same_error(lambda: call(teachgrad), lambda: call(torch))


def test_clamp_takes_a_plain_0d_tensor_beside_a_number_as_a_number():
    outs = [m.tensor([1, 5, 9]).clamp(m.tensor(2), 7.5) for m in (teachgrad, torch)]
    assert_same(*outs)
    x = [m.tensor([1.0, 5.0], requires_grad=True) for m in (teachgrad, torch)]
    nodes = [grad_fn_name(t.clamp(m.tensor(2.0), 3)) for t, m in zip(x, (teachgrad, torch))]
    assert nodes[0] == nodes[1] == "ClampBackward1"


def test_clamp_tensor_bounds_promote_and_cast_gradients_back():
    def call(m):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        low = m.tensor([1.5], dtype=m.float64, requires_grad=True)
        out = x.clamp(low)
        out.backward(m.ones_like(out))
        return out.detach(), x.grad, low.grad
    for mine, other in zip(call(teachgrad), call(torch)):
        assert_same(mine, other)


# ------------------------------------------------- the changed backwards, float64 gradcheck

def leaf(values):
    return teachgrad.tensor(values, dtype=teachgrad.float64, requires_grad=True)


X = [-2.1, -0.7, 0.3, 1.2, 2.9, -3.4]
GRADCHECKS = {
    "relu": (lambda x: x.relu(), [X]),
    "hardtanh": (lambda x: teachgrad.nn.functional.hardtanh(x, -0.5, 2.0), [X]),
    "hardsigmoid": (lambda x: teachgrad.nn.functional.hardsigmoid(x), [X]),
    "hardswish": (lambda x: teachgrad.nn.functional.hardswish(x), [X]),
    "elu": (lambda x: teachgrad.nn.functional.elu(x, alpha=0.5), [X]),
    "softplus": (lambda x: teachgrad.nn.functional.softplus(x, beta=2.0, threshold=3.0), [X]),
    "max": (lambda x: x.max(), [X]),
    "max(dim)": (lambda x: x.reshape(2, 3).max(1).values, [X]),
    "cummax": (lambda x: x.cummax(0).values, [X]),
    "cummin": (lambda x: x.reshape(2, 3).cummin(1).values, [X]),
    "maximum": (lambda x, y: teachgrad.maximum(x, y), [X, [0.1, 0.2, -0.4, 1.9, 1.0, 0.0]]),
    "minimum, broadcast": (lambda x, y: teachgrad.minimum(x.reshape(2, 3), y),
                           [X, [0.1, -1.5, 2.0]]),
    "atan2": (lambda x, y: teachgrad.atan2(x, y), [X, [0.5, -1.3, 2.2, -0.1, 0.7, -4.0]]),
    "clamp, tensor bounds": (lambda x, lo, hi: x.reshape(2, 3).clamp(lo, hi),
                             [X, [-1.0, 0.1, 1.0], [[2.0], [-3.0]]]),
    "clamp, min above max": (lambda x, lo, hi: x.clamp(lo, hi), [X, [1.5], [0.5]]),
    "clamp, tensor min": (lambda x, lo: x.clamp(lo), [X, [0.0, 0.5, 1.0, 1.5, 2.0, -3.0]]),
    "clamp, tensor max": (lambda x, hi: x.reshape(3, 2).clamp(max=hi), [X, [[0.0], [1.0], [2.5]]]),
}


@pytest.mark.parametrize("name", GRADCHECKS)
def test_changed_backwards_match_finite_differences(name):
    fn, values = GRADCHECKS[name]
    assert gradcheck(fn, [leaf(v) for v in values])


@pytest.mark.parametrize("low, high", [(True, None), (True, True), (None, True),
                                       ("tensor", "tensor"), (None, "tensor"), ("tensor", None)])
def test_clamp_of_bools_as_torch(low, high):
    """torch's clamp kernels refuse bools; a single tensor bound (maximum underneath) not."""
    def call(m):
        def bound(spec):
            return m.tensor([True, False]) if spec == "tensor" else spec
        return m.tensor([False, True]).clamp(bound(low), bound(high))
    try:
        theirs = call(torch)
    except NotImplementedError:
        ours, _ = assert_same_error(lambda: call(teachgrad), lambda: call(torch))
        assert "Bool" in str(ours)
        return
    assert_same(call(teachgrad), theirs)


@pytest.mark.parametrize("shape, dim", [((0,), 1), ((0,), -3), ((0, 2), 5), ((2, 0), 1)])
@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_cummax_of_an_empty_tensor_checks_no_dim(shape, dim, name):
    outs = [getattr(m.zeros(shape, requires_grad=True), name)(dim) for m in (teachgrad, torch)]
    for mine, other in zip(*outs):
        assert_same(mine, other)
    assert grad_fn_name(outs[0][0]) == grad_fn_name(outs[1][0])


ZERO_GRADIENTS = {
    "sign": lambda lib, x: x.sign(),
    "sgn": lambda lib, x: x.sgn(),
    "x ** 0": lambda lib, x: x ** 0,
    "copy_ over x": lambda lib, x: x.clone().copy_(lib.ones(3)),
    "floor": lambda lib, x: x.floor(),
}


@pytest.mark.parametrize("name", ZERO_GRADIENTS)
def test_zero_gradients_stay_zero_under_inf_and_nan(name):
    # torch's formula for these is zeros_like(grad), not grad * 0 (inf * 0 is NaN)
    grads = []
    for lib in (teachgrad, torch):
        x = lib.tensor([0.25, 0.0, -1.0], requires_grad=True)
        ZERO_GRADIENTS[name](lib, x).backward(lib.tensor([float("inf"), float("nan"), 1.0]))
        grads.append(lib.zeros(3) + x.grad)  # (torch's sgn gives a ZeroTensor: no .numpy())
    assert_same(*grads)
