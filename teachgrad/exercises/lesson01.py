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


# ------------------------------------------------------------------ exercise 4


def _leaky_network_gradients(x: np.ndarray, y: np.ndarray, w1: np.ndarray, w2: np.ndarray,
                             slope: float, backward_slope: float | None = None
                             ) -> tuple[np.ndarray, np.ndarray]:
    """The two gradients; backward_slope, when given, replaces slope in the backward pass
    only (0: the typical mistake of masking as for a ReLU)."""
    h = x @ w1
    h_act = np.where(h > 0, h, slope * h)
    grad_y_pred = 2.0 * (h_act @ w2 - y)
    local = np.where(h > 0, 1.0, slope if backward_slope is None else backward_slope)
    grad_h = (grad_y_pred @ w2.T) * local
    return x.T @ grad_h, h_act.T @ grad_y_pred


@exercise
def check_leaky_backward(fn: Callable) -> str:
    """fn(x, y, w1, w2, slope) -> (grad_w1, grad_w2) for lesson 01's network with a leaky
    ReLU, h_act = where(h > 0, h, slope * h), and loss = sum((h_act @ w2 - y) ** 2)."""
    rng = np.random.default_rng(104)
    x, y = rng.standard_normal((8, 5)), rng.standard_normal((8, 3))
    w1, w2 = rng.standard_normal((5, 4)), rng.standard_normal((4, 3))
    for slope in (0.1, 0.0, 1.0):
        result = fn(x.copy(), y.copy(), w1.copy(), w2.copy(), slope)
        if not isinstance(result, tuple) or len(result) != 2:
            raise AssertionError("leaky_backward must return a tuple (grad_w1, grad_w2)")
        expected_w1, expected_w2 = _leaky_network_gradients(x, y, w1, w2, slope)
        _compare(result[1], expected_w2, f"grad_w2 (slope {slope})",
                 "grad_w2 = h_act.T @ grad_y_pred, with h_act the leaky ReLU's output "
                 "(slope * h where h < 0, not 0).")
        relu_like = _leaky_network_gradients(x, y, w1, w2, slope, backward_slope=0.0)[0]
        hint = "Where h < 0 the leaky ReLU's slope is `slope`, so the gradient is multiplied " \
               "by slope there, not zeroed."
        if slope and np.shape(result[0]) == relu_like.shape and \
                np.allclose(_as_array(result[0], "grad_w1"), relu_like):
            hint = "You zero the gradient where h < 0, as for a ReLU: multiply it by slope."
        _compare(result[0], expected_w1, f"grad_w1 (slope {slope})", hint)
    return ("Correct: leaky_backward gives both gradients for slopes 0.1, 0 (a ReLU) and 1 "
            "(no bend at all).")
