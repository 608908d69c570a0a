"""Checks for the exercises of lesson 01 (backpropagation by hand, in NumPy).

Each check calls the learner's function on fixed random inputs, raises
AssertionError with a hint on the first wrong answer, and returns a confirmation when
everything is right. The expected answers are computed here in plain NumPy.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from teachgrad.exercises.verdict import exercise


def _as_array(value: object, what: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{what} returned {type(value).__name__}, not an array") from None


def _compare(got: object, expected: np.ndarray, what: str, hint: str = "",
             rtol: float = 1e-7, atol: float = 1e-9) -> None:
    got = _as_array(got, what)
    if got.shape != expected.shape:
        raise AssertionError(
            f"{what} has shape {got.shape}, expected {expected.shape}: a gradient always has "
            f"the shape of the thing it is the gradient of. {hint}".rstrip()
        )
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        worst = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape)
        raise AssertionError(
            f"{what} is wrong: at index {tuple(int(i) for i in worst)} you return "
            f"{got[worst]:.6g}, expected {expected[worst]:.6g}. {hint}".rstrip()
        )


# ------------------------------------------------------------------ exercise 1


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@exercise
def check_sigmoid_backward(fn: Callable) -> str:
    """fn(x, grad_out) -> grad_x, where out = sigmoid(x) elementwise."""
    rng = np.random.default_rng(101)
    for shape in [(5,), (4, 3)]:
        x = rng.standard_normal(shape) * 3
        grad_out = rng.standard_normal(shape)
        s = _sigmoid(x)
        got = fn(x.copy(), grad_out.copy())
        hint = "Chain rule: grad_x = grad_out * (local derivative of sigmoid at x)."
        missing_upstream = np.allclose(_as_array(got, "sigmoid_backward"), s * (1 - s)) \
            if np.shape(got) == shape else False
        if missing_upstream:
            hint = "You return the local derivative only: multiply it by grad_out."
        _compare(got, grad_out * s * (1 - s), f"sigmoid_backward(x of shape {shape})", hint)
    return "Correct: sigmoid_backward matches d sigmoid(x)/dx = s * (1 - s), times grad_out."


# ------------------------------------------------------------------ exercise 2


@exercise
def check_linear_backward(fn: Callable) -> str:
    """fn(x, w, b, grad_out) -> (grad_x, grad_w, grad_b), where out = x @ w + b."""
    rng = np.random.default_rng(102)
    batch, n_in, n_out = 6, 4, 3
    x = rng.standard_normal((batch, n_in))
    w = rng.standard_normal((n_in, n_out))
    b = rng.standard_normal(n_out)
    grad_out = rng.standard_normal((batch, n_out))
    result = fn(x.copy(), w.copy(), b.copy(), grad_out.copy())
    if not isinstance(result, tuple) or len(result) != 3:
        raise AssertionError("linear_backward must return a tuple (grad_x, grad_w, grad_b)")
    grad_x, grad_w, grad_b = result
    _compare(grad_x, grad_out @ w.T, "grad_x",
             "out[n, k] = sum_j x[n, j] w[j, k], so grad_x = grad_out @ w.T.")
    _compare(grad_w, x.T @ grad_out, "grad_w",
             "Each w[j, k] is used once per example: grad_w = x.T @ grad_out.")
    _compare(grad_b, grad_out.sum(axis=0), "grad_b",
             "b is added to every row (every example), so its gradient sums grad_out over "
             "the batch axis: grad_out.sum(axis=0).")
    return "Correct: all three gradients of the linear layer have the right shapes and values."


# ------------------------------------------------------------------ exercise 3


@exercise
def check_numerical_gradient(fn: Callable) -> str:
    """fn(f, x, eps=1e-6) -> array like x with the central differences of f at x."""
    rng = np.random.default_rng(103)
    mix = rng.standard_normal((3, 4))
    cases = [
        ("f(x) = sum(x**3)", lambda x: float(np.sum(x**3)), lambda x: 3 * x**2),
        ("f(x) = sum(x)**2", lambda x: float(np.sum(x)) ** 2,
         lambda x: np.full_like(x, 2 * np.sum(x))),
        ("f(x) = sum(mix * tanh(x))", lambda x: float(np.sum(mix * np.tanh(x))),
         lambda x: mix * (1 - np.tanh(x) ** 2)),
    ]
    for name, f, gradient in cases:
        x = rng.standard_normal((3, 4))
        before = x.copy()
        got = fn(f, x)
        if not np.array_equal(x, before):
            raise AssertionError(
                f"numerical_gradient changed x for {name}: put every element back to its "
                "old value after evaluating f at x + eps and x - eps"
            )
        _compare(got, gradient(before), f"numerical_gradient for {name}",
                 "Use the central difference (f(x + eps) - f(x - eps)) / (2 * eps), nudging "
                 "one element at a time; a one-sided difference is not accurate enough.",
                 rtol=1e-7, atol=1e-7)
    return (f"Correct: numerical_gradient agrees with the exact gradient on {len(cases)} "
            "functions.")
