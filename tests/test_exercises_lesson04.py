"""The checks of lesson 04's exercises pass the reference solutions and catch wrong ones."""

from __future__ import annotations

import pytest
from exercise_verdicts import assert_wrong

import teachgrad
from teachgrad.exercises.lesson04 import (
    check_gradients_by_hand,
    check_jacobian,
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
