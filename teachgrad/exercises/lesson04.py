"""Checks for the exercises of lesson 04 (autograd).

Each check calls the learner's function on fixed inputs, raises AssertionError with a
hint on the first wrong answer, and returns a confirmation when everything is right. The
expected answers come from formulas worked out by hand, computed here in NumPy.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import teachgrad
from teachgrad.exercises.verdict import exercise


def _values(value: object, what: str) -> np.ndarray:
    """A tensor's or an array's values as float64 NumPy (detached, on the CPU)."""
    if isinstance(value, teachgrad.Tensor):
        return np.array(value.detach().cpu().numpy(), dtype=np.float64)
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{what} is {type(value).__name__}, not a tensor") from None


def _compare(got: object, expected: np.ndarray, what: str, hint: str) -> None:
    got = _values(got, what)
    if got.shape != expected.shape:
        raise AssertionError(f"{what} has shape {got.shape}, expected {expected.shape}. {hint}")
    if not np.allclose(got, expected, rtol=1e-5, atol=1e-6):
        worst = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape)
        raise AssertionError(
            f"{what} is wrong: at index {tuple(int(i) for i in worst)} you give "
            f"{got[worst]:.6g}, expected {expected[worst]:.6g}. {hint}"
        )


# ------------------------------------------------------------------ exercise 1


@exercise
def check_gradients_by_hand(fn: Callable) -> str:
    """fn(x, y) -> (grad_x, grad_y) for f(x, y) = (x**2 * y + y.exp()).sum()."""
    rng = np.random.default_rng(301)
    for _ in range(3):
        x_values, y_values = rng.standard_normal(4), rng.standard_normal(4)
        x = teachgrad.tensor(x_values)
        y = teachgrad.tensor(y_values)
        result = fn(x, y)
        if not isinstance(result, tuple) or len(result) != 2:
            raise AssertionError("return a tuple (grad_x, grad_y)")
        grad_x, grad_y = result
        _compare(grad_x, 2 * x_values * y_values, "grad_x",
                 "x appears only in x**2 * y; treat y as a constant and differentiate.")
        _compare(grad_y, x_values**2 + np.exp(y_values), "grad_y",
                 "y appears in two terms; their derivatives add up.")
    return "Correct: your formulas match autograd for f = sum(x**2 * y + exp(y))."


# ------------------------------------------------------------------ exercise 2


def _jacobian_cases() -> list:
    weights = np.array([[1.0, 2.0, 0.0, -1.0], [0.0, 1.0, 3.0, 1.0], [2.0, -2.0, 0.5, 1.0]])
    w = teachgrad.tensor(weights, dtype=teachgrad.float32)
    return [
        ("f(x) = x**2", lambda x: x**2, lambda v: np.diag(2 * v)),
        ("f(x) = W @ x", lambda x: w @ x, lambda v: weights),
        ("f(x) = x * x.sum()", lambda x: x * x.sum(),
         lambda v: np.eye(len(v)) * v.sum() + v[:, None]),
    ]


@exercise
def check_jacobian(fn: Callable) -> str:
    """fn(f, x) -> the Jacobian of f at x, shape (outputs, inputs); row i = grad of y[i]."""
    x_values = np.array([0.5, -1.0, 2.0, 1.5])
    for name, f, expected in _jacobian_cases():
        x = teachgrad.tensor(x_values, dtype=teachgrad.float32, requires_grad=True)
        got = fn(f, x)
        _compare(got, expected(x_values), f"jacobian for {name}",
                 "Row i is x.grad after y.backward(gradient=e_i), e_i being 1 at i and 0 "
                 "elsewhere. Reset x.grad before each backward: gradients accumulate.")
    return f"Correct: your Jacobians are right for all {len(_jacobian_cases())} functions."


# ------------------------------------------------------------------ exercise 3


def _sgd_reference(w0: np.ndarray, batches: list, lr: float,
                   accumulate: bool = False) -> tuple[np.ndarray, list]:
    """SGD on mean squared error; accumulate=True mimics a loop that never zeroes .grad."""
    w, losses, grad = w0.copy(), [], np.zeros_like(w0)
    for x, y in batches:
        error = x @ w - y
        losses.append(float(np.mean(error**2)))
        grad = (grad if accumulate else 0) + 2 * x.T @ error / len(y)
        w = w - lr * grad
    return w, losses


@exercise
def check_training_loop(fn: Callable) -> str:
    """fn(w, batches, lr) -> losses; one SGD step per (x, y) batch on mean((x @ w - y)**2)."""
    rng = np.random.default_rng(303)
    true_w = np.array([2.0, -1.0, 0.5])
    batches = []
    for _ in range(6):
        x = rng.standard_normal((8, 3))
        batches.append((x, x @ true_w + 0.1 * rng.standard_normal(8)))
    lr = 0.1
    expected_w, expected_losses = _sgd_reference(np.zeros(3), batches, lr)

    w = teachgrad.zeros(3, dtype=teachgrad.float64, requires_grad=True)
    tensors = [(teachgrad.tensor(x), teachgrad.tensor(y)) for x, y in batches]
    losses = fn(w, tensors, lr)
    if not (w.is_leaf and w.requires_grad):
        raise AssertionError(
            "w is no longer a leaf that requires grad: update it in place inside "
            "`with teachgrad.no_grad():` (w -= lr * w.grad) instead of writing w = w - ..."
        )
    if np.allclose(_values(w, "w"), _sgd_reference(np.zeros(3), batches, lr, True)[0]):
        raise AssertionError(
            "Gradients accumulate in w.grad: zero it (w.grad.zero_() or w.grad = None) after "
            "every update, or each step also applies all the earlier gradients again."
        )
    if losses is None or len(losses) != len(batches):
        raise AssertionError(f"return the list of the {len(batches)} losses, one per batch")
    _compare([float(loss) for loss in losses], np.array(expected_losses), "the losses",
             "Record loss.item() for each batch, before updating w.")
    _compare(w, expected_w, "w after training",
             "One step per batch: w -= lr * w.grad, with the gradient of the mean loss.")
    return "Correct: every step used only its own batch's gradient."


# ------------------------------------------------------------------ exercise 4


def _newton_cases() -> list:
    """(name, f on tensors, f' and f'' in NumPy, start, where the minimum is)."""

    def sigmoid(v: float) -> float:
        return 1 / (1 + np.exp(-v))

    return [
        ("exp(x) - 2 * x", lambda x: x.exp() - 2 * x,
         lambda v: np.exp(v) - 2, np.exp, 2.0, np.log(2.0)),
        ("(x - 3)**2 + 1", lambda x: (x - 3) ** 2 + 1,
         lambda v: 2 * (v - 3), lambda v: 2.0, -4.0, 3.0),
        ("x**4 + x**2 - x", lambda x: x**4 + x**2 - x,
         lambda v: 4 * v**3 + 2 * v - 1, lambda v: 12 * v**2 + 2, 1.5, None),
        ("log(1 + exp(x)) - 0.3 * x", lambda x: (1 + x.exp()).log() - 0.3 * x,
         lambda v: sigmoid(v) - 0.3, lambda v: sigmoid(v) * (1 - sigmoid(v)), 1.0,
         np.log(0.3 / 0.7)),
    ]


def _newton_hint(got: float, x: float, slope: float, curvature: float) -> str:
    if np.isclose(got, x + slope / curvature, rtol=1e-9, atol=1e-12):
        return "that moves uphill: subtract f'(x) / f''(x) from x instead of adding it"
    if np.isclose(got, x - slope, rtol=1e-9, atol=1e-12):
        return "that is a gradient-descent step; divide f'(x) by f''(x)"
    if np.isclose(got, x - curvature / slope, rtol=1e-9, atol=1e-12):
        return "f'(x) and f''(x) are swapped: the step is f'(x) / f''(x)"
    return ("compute f'(x) with autograd.grad(f(x), x, create_graph=True), then f''(x) "
            "with autograd.grad(f'(x), x), and return x - f'(x) / f''(x)")


@exercise
def check_newton_step(fn: Callable) -> str:
    """fn(f, x) -> x - f'(x) / f''(x) as a tensor, for x a float64 scalar requiring grad."""
    for name, f, slope_of, curvature_of, start, minimum in _newton_cases():
        value = start
        for _ in range(6):
            x = teachgrad.tensor(value, dtype=teachgrad.float64, requires_grad=True)
            try:
                result = fn(f, x)
            except NotImplementedError:
                raise
            except RuntimeError as error:
                if "does not require grad" in str(error) or "grad_fn" in str(error):
                    raise AssertionError(
                        f"on f(x) = {name}, f'(x) could not be differentiated again: pass "
                        "create_graph=True to the first autograd.grad, so that f'(x) is "
                        "recorded") from error
                raise
            if not isinstance(result, teachgrad.Tensor):
                raise AssertionError(f"newton_step returned {type(result).__name__}: return "
                                     "a tensor")
            if result.requires_grad:
                raise AssertionError("the new x still requires grad and drags the graph of "
                                     "f along: return it .detach()ed")
            if result.numel() != 1:
                raise AssertionError(f"the new x has shape {tuple(result.shape)}: it should "
                                     "have one element, like x")
            got = float(result.item())
            expected = value - slope_of(value) / curvature_of(value)
            if not np.isclose(got, expected, rtol=1e-10, atol=1e-12):
                hint = _newton_hint(got, value, slope_of(value), curvature_of(value))
                raise AssertionError(f"on f(x) = {name} at x = {value:.6g} you step to "
                                     f"{got:.10g}, expected {expected:.10g}: {hint}")
            value = got
        if minimum is not None and not np.isclose(value, minimum, atol=1e-9):
            raise AssertionError(f"six steps on f(x) = {name} end at {value:.6g}, not at the "
                                 f"minimum {minimum:.6g}")
    return (f"Correct: six Newton steps from x = 2 reach the minimum of exp(x) - 2 * x at "
            f"{np.log(2.0):.6f} (ln 2), and your step is right on all "
            f"{len(_newton_cases())} curves.")
