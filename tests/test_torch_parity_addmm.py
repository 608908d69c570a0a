"""torch.addmm and Tensor.addmm(_): beta * input + alpha * (mat1 @ mat2), one AddmmBackward0
node, against torch (values, gradients, node names, errors) and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import assert_same, assert_same_error, torch

import teachgrad
from teachgrad.autograd import gradcheck

BIAS_SHAPES = [(3,), (2, 3), (1, 3), (2, 1), ()]
CALLS = {
    "addmm(b, m1, m2)": lambda lib, b, m1, m2: lib.addmm(b, m1, m2),
    "addmm(beta=0.5, alpha=2)": lambda lib, b, m1, m2: lib.addmm(b, m1, m2, beta=0.5, alpha=2),
    "addmm(input=, mat1=, mat2=, beta=0)": lambda lib, b, m1, m2: lib.addmm(
        input=b, mat1=m1, mat2=m2, beta=0),
    "b.addmm(m1, m2, alpha=-1)": lambda lib, b, m1, m2: b.addmm(m1, m2, alpha=-1),
}


def leaves(lib, bias_shape: tuple, dtype: str = "float32") -> tuple:
    rng = np.random.default_rng(len(bias_shape))
    arrays = [rng.standard_normal(shape).astype(dtype)
              for shape in (bias_shape, (2, 4), (4, 3))]
    return tuple(lib.tensor(array, requires_grad=True) for array in arrays)


@pytest.mark.parametrize("bias_shape", BIAS_SHAPES)
@pytest.mark.parametrize("name", CALLS)
def test_addmm_as_torch(name: str, bias_shape: tuple) -> None:
    ours, theirs = leaves(teachgrad, bias_shape), leaves(torch, bias_shape)
    out, expected = CALLS[name](teachgrad, *ours), CALLS[name](torch, *theirs)
    assert_same(out, expected, rtol=1e-5, atol=1e-6)
    assert out.grad_fn.name() == expected.grad_fn.name() == "AddmmBackward0"
    upstream = np.arange(6, dtype=np.float32).reshape(2, 3)
    out.backward(teachgrad.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    for mine, torchs in zip(ours, theirs):
        assert_same(mine.grad, torchs.grad, rtol=1e-5, atol=1e-6)


def test_beta_zero_ignores_nan_in_input_as_torch() -> None:
    for lib in (teachgrad, torch):
        out = lib.addmm(lib.full((3,), float("nan")), lib.ones(2, 4), lib.ones(4, 3), beta=0)
        assert out.isnan().sum().item() == 0


def test_in_place_form_and_integers_as_torch() -> None:
    ours = teachgrad.ones(2, 3).addmm_(teachgrad.ones(2, 4), teachgrad.ones(4, 3), beta=2)
    theirs = torch.ones(2, 3).addmm_(torch.ones(2, 4), torch.ones(4, 3), beta=2)
    assert_same(ours, theirs)
    # integers: torch truncates a float alpha (0.5 * product counts as 0)
    ints = [lib.addmm(lib.ones(2, 3, dtype=lib.int64), lib.ones(2, 4, dtype=lib.int64),
                      lib.ones(4, 3, dtype=lib.int64), alpha=0.5) for lib in (teachgrad, torch)]
    assert_same(*ints)


ERRORS = {
    "bias that does not broadcast": lambda lib: lib.addmm(lib.ones(4), lib.ones(2, 4),
                                                          lib.ones(4, 3)),
    "inner sizes differ": lambda lib: lib.addmm(lib.ones(2, 3), lib.ones(2, 5),
                                                lib.ones(4, 3)),
    "mat1 not a matrix": lambda lib: lib.addmm(lib.ones(3), lib.ones(4), lib.ones(4, 3)),
    "bias of another dtype": lambda lib: lib.addmm(lib.ones(2, 3, dtype=lib.float64),
                                                   lib.ones(2, 4), lib.ones(4, 3)),
}


@pytest.mark.parametrize("name", ERRORS)
def test_addmm_errors_as_torch(name: str) -> None:
    ours, theirs = assert_same_error(lambda: ERRORS[name](teachgrad),
                                     lambda: ERRORS[name](torch))
    assert str(ours) == str(theirs)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(BIAS_SHAPES), st.sampled_from([1, 0.5, -2.0]),
       st.sampled_from([1, 3.0, -0.25]))
def test_addmm_gradients_match_finite_differences(bias_shape: tuple, beta: float,
                                                  alpha: float) -> None:
    inputs = leaves(teachgrad, bias_shape, dtype="float64")
    assert gradcheck(lambda b, m1, m2: teachgrad.addmm(b, m1, m2, beta=beta, alpha=alpha),
                     inputs)
