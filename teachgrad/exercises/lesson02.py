"""Checks for the exercises of lesson 02 (build your own autograd).

The learner's engine is the lesson's `Value` class: `Value(array)` makes an input,
an operation returns a Value with `data`, `parents` and `rules` (one function per
parent, from the gradient of the result to the gradient for that parent), and
`backward()` fills every `grad`. Each check receives that class (or, for training,
the learner's function), tries it on fixed random inputs, raises AssertionError with
a hint on the first wrong thing, and returns a confirmation when all is right. The
expected answers are computed here in plain NumPy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from teachgrad.exercises import two_layer
from teachgrad.exercises.verdict import exercise


def _compare(got: Any, expected: np.ndarray, what: str, hint: str) -> None:
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{what} is {type(got).__name__}, not an array") from None
    if got.shape != expected.shape:
        raise AssertionError(f"{what} has shape {got.shape}, expected {expected.shape}: a "
                             f"gradient has the shape of its Value. {hint}")
    if not np.allclose(got, expected, rtol=1e-7, atol=1e-9):
        worst = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape)
        raise AssertionError(f"{what} is wrong: at index {tuple(int(i) for i in worst)} it is "
                             f"{got[worst]:.6g}, expected {expected[worst]:.6g}. {hint}")


def _operator(value_class: Any, method: str, symbol: str, function: str) -> None:
    if not isinstance(value_class, type):
        raise AssertionError("pass the class itself, Value, not one of its Values or an "
                             f"instance of {type(value_class).__name__}")
    if not callable(getattr(value_class, method, None)):
        raise AssertionError(f"Value has no `{symbol}` yet: run the cell that defines "
                             f"{function} and sets Value.{method} = {function}")


def _result(out: Any, what: str, parents: tuple) -> None:
    """out must look like a Value made from `parents`, with one rule per parent."""
    if not all(hasattr(out, name) for name in ("data", "parents", "rules")):
        raise AssertionError(f"{what} returned {type(out).__name__}, not a Value: return "
                             "Value(result, (a, b), (rule_for_a, rule_for_b), op)")
    if len(out.parents) != 2 or out.parents[0] is not parents[0] or\
            out.parents[1] is not parents[1]:
        raise AssertionError(f"the parents of {what} should be (a, b), the two Values it was "
                             "computed from, in that order")
    if len(out.rules) != 2:
        raise AssertionError(f"{what} has {len(out.rules)} rules: it needs one per parent, "
                             "(rule_for_a, rule_for_b)")


def _rule(rule: Callable, grad: np.ndarray, expected: np.ndarray, what: str, hint: str) -> None:
    try:
        got = rule(grad.copy())
    except ValueError:  # NumPy's error for shapes that do not fit
        raise AssertionError(f"{what} raised ValueError: the shapes in it do not fit. "
                             f"{hint}") from None
    _compare(got, expected, what, hint)


def _end_to_end(value_class: Any, op: Callable, first: np.ndarray, second: np.ndarray,
                weights: np.ndarray, grad_a: np.ndarray, grad_b: np.ndarray, what: str) -> None:
    """loss = sum(weights * op(a, b)); backward() must give grad_a and grad_b."""
    a, b = value_class(first.copy()), value_class(second.copy())
    loss = (op(a, b) * value_class(weights.copy())).sum()
    loss.backward()
    _compare(a.grad, grad_a, f"a.grad after backward() through {what}",
             "Each rule alone is right, so look at backward().")
    _compare(b.grad, grad_b, f"b.grad after backward() through {what}",
             "Each rule alone is right, so look at backward().")


# ------------------------------------------------------------------ exercise 1


@exercise
def check_matmul(value_class: Any) -> str:
    """Value.__matmul__ = matmul: a @ b with both rules of the matrix product."""
    _operator(value_class, "__matmul__", "@", "matmul")
    rng = np.random.default_rng(201)
    first, second = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    a, b = value_class(first.copy()), value_class(second.copy())
    out = a @ b
    _result(out, "a @ b", (a, b))
    _compare(out.data, first @ second, "(a @ b).data",
             "The forward pass is the product a.data @ b.data.")
    upstream = rng.standard_normal((3, 2))
    _rule(out.rules[0], upstream, upstream @ second.T, "the rule for a",
          "For C = A @ B, grad_A = grad_C @ B.T: (3, 2) @ (2, 4) gives a's shape (3, 4).")
    _rule(out.rules[1], upstream, first.T @ upstream, "the rule for b",
          "For C = A @ B, grad_B = A.T @ grad_C: (4, 3) @ (3, 2) gives b's shape (4, 2).")
    weights = rng.standard_normal((3, 2))
    _end_to_end(value_class, lambda a, b: a @ b, first, second, weights,
                weights @ second.T, first.T @ weights, "a @ b")
    return "Correct: a @ b computes the product and sends grad @ b.T to a and a.T @ grad to b."


# ------------------------------------------------------------------ exercise 2


def _same(rule: Callable, grad: np.ndarray, formula: np.ndarray) -> bool:
    try:
        got = np.asarray(rule(grad.copy()), dtype=np.float64)
    except Exception:
        return False
    return got.shape == formula.shape and np.allclose(got, formula)


@exercise
def check_divide(value_class: Any) -> str:
    """Value.__truediv__ = divide: a / b entry by entry, with both rules."""
    _operator(value_class, "__truediv__", "/", "divide")
    rng = np.random.default_rng(202)
    first = rng.standard_normal((2, 3))
    second = rng.uniform(0.5, 2.0, (2, 3)) * rng.choice([-1.0, 1.0], (2, 3))
    a, b = value_class(first.copy()), value_class(second.copy())
    out = a / b
    _result(out, "a / b", (a, b))
    _compare(out.data, first / second, "(a / b).data", "The forward pass is a.data / b.data.")
    upstream = rng.standard_normal((2, 3))
    _rule(out.rules[0], upstream, upstream / second, "the rule for a",
          "d(a/b)/da = 1/b, so a gets g / b.data.")
    hint = "d(a/b)/db = -a / b**2, so b gets -g * a.data / b.data**2."
    if _same(out.rules[1], upstream, -upstream / second**2):
        hint = "You lost the factor a: d(a/b)/db = -a / b**2, not -1 / b**2."
    elif _same(out.rules[1], upstream, upstream * first / second**2):
        hint = "Check the sign: d(1/b)/db = -1 / b**2."
    elif _same(out.rules[1], upstream, -upstream * first / second):
        hint = "b must be squared: d(a/b)/db = -a / b**2."
    _rule(out.rules[1], upstream, -upstream * first / second**2, "the rule for b", hint)
    weights = rng.standard_normal((2, 3))
    _end_to_end(value_class, lambda a, b: a / b, first, second, weights,
                weights / second, -weights * first / second**2, "a / b")
    return "Correct: a / b sends g / b to a and -g * a / b**2 to b."


# ------------------------------------------------------------------ exercise 3


def _losses(result: Any) -> list[float]:
    if isinstance(result, np.ndarray) and result.ndim == 1:
        result = result.tolist()
    if not isinstance(result, (list, tuple)):
        raise AssertionError(f"train() returned {type(result).__name__}: return the list of "
                             "the losses, one number per step")
    if any(hasattr(loss, "data") and not isinstance(loss, (float, int, np.generic))
           for loss in result):
        raise AssertionError("train() returned Values: append float(loss.data), the number, "
                             "to the list")
    try:
        return [float(loss) for loss in result]
    except (TypeError, ValueError):
        raise AssertionError("train() must return a list of numbers, one loss per step")\
            from None


@exercise
def check_train(train: Callable) -> str:
    """train() -> the losses of lesson 01's network over STEPS steps, with the engine."""
    losses = _losses(train())
    expected = two_layer.curve("01")
    if len(losses) != len(expected):
        raise AssertionError(f"train() returned {len(losses)} losses: take "
                             f"two_layer.STEPS = {two_layer.STEPS} steps and record the loss "
                             "of each one")
    close = np.isclose(losses, expected, rtol=1e-6, atol=0)
    if not close[0]:
        raise AssertionError(
            f"your first loss is {losses[0]:.6g}, lesson 01's is {expected[0]:.6g}: start "
            "from two_layer.problem()'s weights and compute sum((relu(x @ w1) @ w2 - y)**2)")
    if not close.all():
        step = int(np.argmin(close))
        if losses[step] > losses[step - 1]:
            hint = ("the loss went up: step against the gradient, "
                    "w.data -= LEARNING_RATE * w.grad")
        else:
            hint = ("check the gradients (backward() on the loss of this step) and the "
                    "update w.data -= two_layer.LEARNING_RATE * w.grad")
        raise AssertionError(
            f"your loss matches lesson 01's until step {step}, where it is {losses[step]:.6g} "
            f"instead of {expected[step]:.6g}: {hint}")
    return (f"Correct: your engine trained lesson 01's network; all {len(losses)} losses match "
            f"lesson 01's hand-written backward pass, down to {losses[-1]:.3g}.")
