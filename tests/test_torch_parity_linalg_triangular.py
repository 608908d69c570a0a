"""linalg.solve_triangular against torch: values, dtypes, gradients (only the triangle
that is read gets one), errors, and the backward formula against finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from oracle import assert_same, assert_same_error, torch
from test_torch_parity_linalg_more import square, weighted

import teachgrad
from teachgrad.autograd import gradcheck

CALLS = {
    "lower": lambda lib, a: lib.linalg.solve_triangular(a, a[..., :2] + 1, upper=False),
    "upper": lambda lib, a: lib.linalg.solve_triangular(a, a[..., :2] + 1, upper=True),
    "upper unitriangular": lambda lib, a: lib.linalg.solve_triangular(
        a, a[..., :2] * 2, upper=True, unitriangular=True),
    "lower left=False": lambda lib, a: lib.linalg.solve_triangular(
        a, a[0, :2] * 2, upper=False, left=False),
    "upper left=False unitriangular": lambda lib, a: lib.linalg.solve_triangular(
        a, a[..., :2, :] - 1, upper=True, left=False, unitriangular=True),
    "broadcast B": lambda lib, a: lib.linalg.solve_triangular(
        a[0], a[..., :1] + 2, upper=True),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", CALLS)
def test_solve_triangular_as_torch(name: str, dtype: str) -> None:
    ours = teachgrad.tensor(square().astype(dtype), requires_grad=True)
    theirs = torch.tensor(square().astype(dtype), requires_grad=True)
    out, expected = CALLS[name](teachgrad, ours), CALLS[name](torch, theirs)
    tolerance = {"rtol": 1e-5, "atol": 1e-6} if dtype == "float32" else {}
    assert_same(out, expected, **tolerance)
    assert out.grad_fn.name() == expected.grad_fn.name()
    weighted(teachgrad, out).backward()
    weighted(torch, expected).backward()
    assert_same(ours.grad, theirs.grad, **tolerance)


@pytest.mark.parametrize("name", CALLS)
def test_solve_triangular_backward_against_finite_differences(name: str) -> None:
    leaf = teachgrad.tensor(square(), requires_grad=True)
    assert gradcheck(lambda a: weighted(teachgrad, CALLS[name](teachgrad, a)), (leaf,))


@pytest.mark.parametrize("name", CALLS)
def test_second_derivatives_as_torch(name: str) -> None:
    grads = []
    for lib in (teachgrad, torch):
        x = lib.tensor(square(), requires_grad=True)
        (grad,) = lib.autograd.grad(weighted(lib, CALLS[name](lib, x)), x, create_graph=True)
        weighted(lib, grad ** 2).backward()
        grads.append(x.grad)
    assert_same(*grads, rtol=1e-8, atol=1e-10)


def test_zero_diagonal_and_dtypes_as_torch() -> None:
    """No error for a singular triangle (inf and nan, as torch); the result has A's dtype."""
    calls = [lambda lib: lib.linalg.solve_triangular(lib.zeros(2, 2), lib.ones(2, 2),
                                                     upper=True),
             lambda lib: lib.linalg.solve_triangular(lib.eye(3), lib.ones(
                 2, 3, 2, dtype=lib.float64), upper=False),
             lambda lib: lib.linalg.solve_triangular(lib.eye(2, dtype=lib.float64),
                                                     lib.ones(2, 2), upper=True)]
    for call in calls:
        assert_same(call(teachgrad), call(torch))


ERRORS = {
    "B 1-D": lambda lib: lib.linalg.solve_triangular(lib.eye(3), lib.ones(3), upper=True),
    "shapes": lambda lib: lib.linalg.solve_triangular(lib.eye(3), lib.ones(2, 2),
                                                      upper=False),
    "shapes left=False": lambda lib: lib.linalg.solve_triangular(
        lib.eye(3), lib.ones(3, 2), upper=False, left=False),
    "A 2x3": lambda lib: lib.linalg.solve_triangular(lib.ones(2, 3), lib.ones(3, 2),
                                                     upper=True),
    "integers": lambda lib: lib.linalg.solve_triangular(
        lib.ones(2, 2, dtype=lib.int64), lib.ones(2, 2, dtype=lib.int64), upper=True),
    "upper missing": lambda lib: lib.linalg.solve_triangular(lib.eye(2), lib.ones(2, 2)),
}


@pytest.mark.parametrize("name", ERRORS)
def test_solve_triangular_errors_as_torch(name: str) -> None:
    ours, theirs = assert_same_error(lambda: ERRORS[name](teachgrad),
                                     lambda: ERRORS[name](torch))
    if name != "upper missing":  # (Python's own TypeError wording differs from torch's)
        assert str(ours) == str(theirs)


def test_reads_only_the_triangle() -> None:
    a = square((3, 3))
    noisy = a + np.tril(np.ones((3, 3)), -1) * 100  # changes below the diagonal only
    for lib in (teachgrad, torch):
        clean = lib.linalg.solve_triangular(lib.tensor(a), lib.tensor(a), upper=True)
        other = lib.linalg.solve_triangular(lib.tensor(noisy), lib.tensor(a), upper=True)
        assert bool((clean == other).all())
