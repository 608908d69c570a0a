"""In-place forms of Tensor methods, and the functions that are compositions of ops, against torch.

x.floor_(), x.unsqueeze_(0), x.addcmul_(a, b, value=2), x.uniform_(): the same tensor
back, torch's values and dtype, the version counter bumped, gradients through a
non-leaf written in place, and torch's errors (a float result into an int tensor, a leaf
that requires grad).
"""

from __future__ import annotations

import numpy as np
import pytest
from oracle import assert_same, assert_same_error, assert_same_grads, make_pair, torch

import teachgrad
from teachgrad.tensor_inplace_forms import RANDOM_FILLS, SHAPE_FORMS, VALUE_FORMS

RNG = np.random.default_rng(16)
FLOATS = (RNG.standard_normal((3, 4)) * 3).astype(np.float32)
POSITIVE = (RNG.random((3, 4)) * 0.8 + 0.1).astype(np.float32)
INTS = RNG.integers(-5, 6, (3, 4))

# name -> (input, extra arguments built per library, keyword arguments)
CALLS = {
    "absolute": (FLOATS, lambda lib: (), {}), "ceil": (FLOATS, lambda lib: (), {}),
    "floor": (FLOATS, lambda lib: (), {}), "round": (FLOATS, lambda lib: (), {}),
    "trunc": (FLOATS, lambda lib: (), {}), "frac": (FLOATS, lambda lib: (), {}),
    "fix": (FLOATS, lambda lib: (), {}), "reciprocal": (POSITIVE, lambda lib: (), {}),
    "negative": (FLOATS, lambda lib: (), {}), "square": (FLOATS, lambda lib: (), {}),
    "sign": (FLOATS, lambda lib: (), {}), "sgn": (FLOATS, lambda lib: (), {}),
    "deg2rad": (FLOATS, lambda lib: (), {}), "rad2deg": (FLOATS, lambda lib: (), {}),
    "logit": (POSITIVE, lambda lib: (), {"eps": 1e-3}),
    "cumsum": (FLOATS, lambda lib: (1,), {}), "cumprod": (FLOATS, lambda lib: (0,), {}),
    "clamp_min": (FLOATS, lambda lib: (0.5,), {}), "clamp_max": (FLOATS, lambda lib: (-0.5,), {}),
    "bitwise_and": (INTS, lambda lib: (lib.tensor(INTS[::-1].copy()),), {}),
    "bitwise_or": (INTS, lambda lib: (3,), {}), "bitwise_not": (INTS, lambda lib: (), {}),
    "logical_and": (FLOATS, lambda lib: (lib.tensor(POSITIVE),), {}),
    "logical_not": (FLOATS, lambda lib: (), {}),
    "eq": (INTS, lambda lib: (0,), {}), "ne": (FLOATS, lambda lib: (lib.tensor(FLOATS),), {}),
    "lt": (FLOATS, lambda lib: (0.0,), {}), "greater_equal": (FLOATS, lambda lib: (1.0,), {}),
    "gt": (FLOATS, lambda lib: (0.5,), {}), "le": (INTS, lambda lib: (1,), {}),
    "ge": (FLOATS, lambda lib: (lib.tensor(POSITIVE),), {}),
    "greater": (FLOATS, lambda lib: (0.0,), {}), "less": (INTS, lambda lib: (0,), {}),
    "less_equal": (FLOATS, lambda lib: (0.2,), {}),
    "logical_or": (INTS, lambda lib: (lib.tensor(INTS[::-1].copy()),), {}),
    "logical_xor": (FLOATS, lambda lib: (lib.tensor(FLOATS),), {}),
    "nan_to_num": (np.array([np.nan, np.inf, -np.inf, 1.5], np.float32), lambda lib: (),
                   {"nan": 2.0}),
    "not_equal": (INTS, lambda lib: (2,), {}),
    "divide": (FLOATS, lambda lib: (lib.tensor(POSITIVE),), {}),
    "multiply": (FLOATS, lambda lib: (2.5,), {}), "subtract": (FLOATS, lambda lib: (1.5,), {}),
    "true_divide": (FLOATS, lambda lib: (4.0,), {}), "fmod": (FLOATS, lambda lib: (1.5,), {}),
    "remainder": (FLOATS, lambda lib: (1.5,), {}),
    "hypot": (FLOATS, lambda lib: (lib.tensor(POSITIVE),), {}),
    "xlogy": (FLOATS, lambda lib: (lib.tensor(POSITIVE),), {}),
    "addcmul": (FLOATS, lambda lib: (lib.tensor(POSITIVE), lib.tensor(FLOATS)), {"value": 2}),
    "addcdiv": (FLOATS, lambda lib: (lib.tensor(FLOATS), lib.tensor(POSITIVE)),
                {"value": -0.5}),
    "addmm": (FLOATS, lambda lib: (lib.tensor(POSITIVE[:, :2].copy()),
                                   lib.tensor(FLOATS[:2].copy())), {"beta": 0.5, "alpha": 2}),
}


def test_every_value_form_is_tested():
    assert set(CALLS) == {name for name in VALUE_FORMS if hasattr(torch.Tensor, f"{name}_")}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_value_forms_write_torchs_result_into_the_tensor(name):
    array, extra, kwargs = CALLS[name]
    x, y = make_pair(array)
    version = x._version
    ours = getattr(x, f"{name}_")(*extra(teachgrad), **kwargs)
    theirs = getattr(y, f"{name}_")(*extra(torch), **kwargs)
    assert ours is x and x._version == version + 1
    assert_same(ours, theirs)


@pytest.mark.parametrize("name", ["floor", "square", "cumsum", "clamp_min", "hypot", "addcmul",
                                  "addcdiv", "logit", "xlogy", "deg2rad"])
def test_gradients_flow_through_a_non_leaf_written_in_place(name):
    array, extra, kwargs = CALLS[name]
    x, y = make_pair(array, requires_grad=True)
    grads = []
    for source, lib in ((x, teachgrad), (y, torch)):
        written = source * 1.5
        getattr(written, f"{name}_")(*extra(lib), **kwargs)
        (written * lib.tensor(POSITIVE)).sum().backward()
        grads.append(source)
    assert_same_grads([grads[0]], [grads[1]], rtol=1e-4, atol=1e-5)


def test_value_form_errors_are_torchs():
    assert_same_error(lambda: teachgrad.tensor(INTS).true_divide_(2),
                      lambda: torch.tensor(INTS).true_divide_(2))
    assert_same_error(lambda: teachgrad.tensor(FLOATS, requires_grad=True).floor_(),
                      lambda: torch.tensor(FLOATS, requires_grad=True).floor_())


SHAPE_CALLS = {"unsqueeze": (1,), "squeeze": (), "t": (), "transpose": (0, 1),
               "swapaxes": (1, 0), "swapdims": (0, 1)}


@pytest.mark.parametrize("name", SHAPE_FORMS)
def test_shape_forms_make_the_tensor_the_view(name):
    array = FLOATS.reshape(3, 4) if name != "squeeze" else FLOATS.reshape(3, 1, 4)
    x, y = make_pair(array)
    ours, theirs = getattr(x, f"{name}_")(*SHAPE_CALLS[name]), getattr(y, f"{name}_")(
        *SHAPE_CALLS[name])
    assert ours is x
    assert_same(ours, theirs)
    assert x.stride() == y.stride()


def test_a_shape_form_of_a_non_leaf_keeps_its_gradient():
    grads = []
    for lib in (teachgrad, torch):
        leaf = lib.tensor(FLOATS, requires_grad=True)
        view = leaf * 2
        view.unsqueeze_(0).transpose_(0, 1)
        (view * lib.arange(12.0).reshape(3, 1, 4)).sum().backward()
        grads.append(leaf.grad)
    assert_same(grads[0], grads[1])


RANDOM_CHECKS = {
    "uniform_": ((-2.0, 3.0), lambda v: (-2 <= v).all() and (v < 3).all()),
    "normal_": ((5.0, 0.01), lambda v: abs(v.mean() - 5) < 0.01),
    "bernoulli_": ((0.3,), lambda v: set(np.unique(v)) <= {0.0, 1.0}),
    "exponential_": ((2.0,), lambda v: (v >= 0).all() and abs(v.mean() - 0.5) < 0.1),
    "cauchy_": ((), lambda v: np.isfinite(v).all()),
    "log_normal_": ((0.0, 0.5), lambda v: (v > 0).all()),
    "geometric_": ((0.5,), lambda v: (v >= 1).all() and (v == v.round()).all()),
    "random_": ((3, 9), lambda v: (3 <= v).all() and (v < 9).all() and (v == v.round()).all()),
}


def test_every_random_fill_is_tested():
    assert set(RANDOM_CHECKS) == set(RANDOM_FILLS)


@pytest.mark.parametrize("name", sorted(RANDOM_FILLS))
def test_random_fills_draw_the_right_values_in_place_and_repeat_with_a_seed(name):
    arguments, holds = RANDOM_CHECKS[name]
    theirs = getattr(torch.empty(400), name)(*arguments)  # torch accepts the same call
    results = []
    for _ in range(2):
        x = teachgrad.empty(400)
        version = x._version
        assert getattr(x, name)(*arguments, generator=teachgrad.Generator().manual_seed(3)) is x
        assert x._version == version + 1
        assert str(x.dtype) == str(theirs.dtype).replace("torch", "teachgrad")
        assert holds(x.numpy()), name
        results.append(x.numpy().copy())
    assert np.array_equal(*results)


def test_a_random_fill_of_a_leaf_that_requires_grad_needs_no_grad():
    leaf = teachgrad.zeros(3, requires_grad=True)
    assert_same_error(lambda: leaf.uniform_(),
                      lambda: torch.zeros(3, requires_grad=True).uniform_())
    with teachgrad.no_grad():
        leaf.normal_()
    assert leaf.requires_grad and float(leaf.abs().sum()) > 0
