"""The checks of lesson 04's exercises pass the reference solutions and catch wrong ones."""

from __future__ import annotations

import pytest
from exercise_verdicts import assert_correct, assert_not_attempted, assert_wrong

import teachgrad
from teachgrad.exercises.lesson04 import (
    check_gradients_by_hand,
    check_jacobian,
    check_newton_step,
    check_training_loop,
)

# ------------------------------------------------------------------ gradients by hand


def gradients_by_hand(x, y):
    return 2 * x * y, x**2 + y.exp()


def test_by_hand_reference_passes(capsys):
    check_gradients_by_hand(gradients_by_hand)
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    "wrong",
    [
        lambda x, y: (2 * x, x**2 + y.exp()),  # forgot the factor y
        lambda x, y: (2 * x * y, x**2),  # forgot the exp term
        lambda x, y: (2 * x * y, 2 * x * y + y.exp()),  # differentiated x**2 instead
        lambda x, y: [2 * x * y, x**2 + y.exp()],  # a list
    ],
    ids=["no-y-factor", "no-exp", "wrong-term", "list"],
)
def test_by_hand_wrong_answers_fail(wrong):
    assert_wrong(check_gradients_by_hand, wrong)


# ------------------------------------------------------------------ jacobian


def jacobian(f, x):
    y = f(x)
    rows = []
    for i in range(y.numel()):
        x.grad = None
        y.backward(gradient=teachgrad.eye(y.numel())[i], retain_graph=True)
        rows.append(x.grad.clone())
    return teachgrad.stack(rows)


def jacobian_without_reset(f, x):
    y = f(x)
    rows = []
    for i in range(y.numel()):
        y.backward(gradient=teachgrad.eye(y.numel())[i], retain_graph=True)
        rows.append(x.grad.clone())
    return teachgrad.stack(rows)


def jacobian_transposed(f, x):
    return jacobian(f, x).t()


def jacobian_from_sum(f, x):
    y = f(x)
    y.sum().backward()
    return teachgrad.stack([x.grad] * y.numel())  # every row the same: the sum of rows


def test_jacobian_reference_passes(capsys):
    check_jacobian(jacobian)
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("wrong", [jacobian_without_reset, jacobian_transposed, jacobian_from_sum])
def test_jacobian_wrong_answers_fail(wrong):
    assert_wrong(check_jacobian, wrong)


# ------------------------------------------------------------------ training loop


def train(w, batches, lr):
    losses = []
    for x, y in batches:
        loss = ((x @ w - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with teachgrad.no_grad():
            w -= lr * w.grad
        w.grad = None
    return losses


def train_without_zeroing(w, batches, lr):
    losses = []
    for x, y in batches:
        loss = ((x @ w - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with teachgrad.no_grad():
            w -= lr * w.grad
    return losses


def train_on_the_first_batch_only(w, batches, lr):
    losses = []
    x0, y0 = batches[0]
    for _ in batches:
        loss = ((x0 @ w - y0) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with teachgrad.no_grad():
            w -= lr * w.grad
        w.grad.zero_()
    return losses


def train_with_sum_loss(w, batches, lr):
    losses = []
    for x, y in batches:
        loss = ((x @ w - y) ** 2).sum()  # sum, not mean: steps 8 times too long
        losses.append(loss.item())
        loss.backward()
        with teachgrad.no_grad():
            w -= lr * w.grad
        w.grad.zero_()
    return losses


def test_training_loop_reference_passes(capsys):
    check_training_loop(train)
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    "wrong", [train_without_zeroing, train_on_the_first_batch_only, train_with_sum_loss]
)
def test_training_loop_wrong_answers_fail(wrong):
    assert_wrong(check_training_loop, wrong)


def test_training_loop_hint_names_accumulation():
    assert_wrong(check_training_loop, train_without_zeroing, match="Gradients accumulate")


def test_training_loop_rejects_a_rebound_w():
    def rebinds(w, batches, lr):
        # `w = w - ...` makes a new, non-leaf tensor; the caller's w never changes.
        x, y = batches[0]
        loss = ((x @ w - y) ** 2).mean()
        loss.backward()
        w = w - lr * w.grad
        return [loss.item()] * len(batches)

    assert_wrong(check_training_loop, rebinds)


# ------------------------------------------------------------------ newton step


def newton_step(f, x):
    (slope,) = teachgrad.autograd.grad(f(x), x, create_graph=True)
    (curvature,) = teachgrad.autograd.grad(slope, x)
    return (x - slope / curvature).detach()


def newton_step_with_backward(f, x):
    """Also right: backward(create_graph=True) into x.grad, then autograd.grad of it."""
    f(x).backward(create_graph=True)
    (curvature,) = teachgrad.autograd.grad(x.grad, x)
    return (x - x.grad / curvature).detach()


def newton_without_create_graph(f, x):
    (slope,) = teachgrad.autograd.grad(f(x), x)
    (curvature,) = teachgrad.autograd.grad(slope, x)
    return (x - slope / curvature).detach()


def newton_uphill(f, x):
    (slope,) = teachgrad.autograd.grad(f(x), x, create_graph=True)
    (curvature,) = teachgrad.autograd.grad(slope, x)
    return (x + slope / curvature).detach()


def gradient_descent_step(f, x):
    (slope,) = teachgrad.autograd.grad(f(x), x)
    return (x - slope).detach()


def newton_swapped(f, x):
    (slope,) = teachgrad.autograd.grad(f(x), x, create_graph=True)
    (curvature,) = teachgrad.autograd.grad(slope, x)
    return (x - curvature / slope).detach()


def newton_not_detached(f, x):
    (slope,) = teachgrad.autograd.grad(f(x), x, create_graph=True)
    (curvature,) = teachgrad.autograd.grad(slope, x, create_graph=True)
    return x - slope / curvature


def newton_by_finite_differences(f, x, h=1e-4):
    """Not autograd: central differences are off by about h**2, far more than the check allows."""
    def value(t):
        return f(teachgrad.tensor(t, dtype=teachgrad.float64)).item()

    v = x.item()
    first = (value(v + h) - value(v - h)) / (2 * h)
    second = (value(v + h) - 2 * value(v) + value(v - h)) / h**2
    return teachgrad.tensor(v - first / second, dtype=teachgrad.float64)


def test_newton_reference_passes(capsys):
    check_newton_step(newton_step)
    assert capsys.readouterr().out.startswith("Correct")


def test_newton_through_backward_passes():
    assert_correct(check_newton_step, newton_step_with_backward)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (newton_without_create_graph, "create_graph=True"),
        (newton_uphill, "uphill"),
        (gradient_descent_step, "gradient-descent step"),
        (newton_swapped, "swapped"),
        (newton_not_detached, "detach"),
        (newton_by_finite_differences, "autograd.grad"),
        (lambda f, x: (x - 0.5).detach().item(), "return a tensor"),
    ],
    ids=["no-create-graph", "uphill", "gradient-descent", "swapped", "not-detached",
         "finite-differences", "float"],
)
def test_newton_wrong_answers_fail(wrong, hint):
    assert_wrong(check_newton_step, wrong, match=hint)


def test_newton_stub_is_not_attempted():
    def stub(f, x):
        raise NotImplementedError("your turn")

    assert_not_attempted(check_newton_step, stub)
