"""The checks of lesson 01's exercises pass the reference solutions and catch wrong ones."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_verdicts import assert_wrong

from teachgrad.exercises.lesson01 import (
    check_leaky_backward,
    check_linear_backward,
    check_numerical_gradient,
    check_sigmoid_backward,
)

# ------------------------------------------------------------------ sigmoid backward


def sigmoid_backward(x, grad_out):
    s = 1 / (1 + np.exp(-x))
    return grad_out * s * (1 - s)


def test_sigmoid_reference_passes(capsys):
    check_sigmoid_backward(sigmoid_backward)
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    "wrong",
    [
        lambda x, g: (1 / (1 + np.exp(-x))) * (1 - 1 / (1 + np.exp(-x))),  # forgot grad_out
        lambda x, g: g * (1 / (1 + np.exp(-x))),  # the forward value, not its derivative
        lambda x, g: g * x * (1 - x),  # s * (1 - s) with x in place of s
        lambda x, g: (g * x).sum(),  # a number, not an array like x
    ],
    ids=["no-grad-out", "forward-value", "x-for-s", "scalar"],
)
def test_sigmoid_wrong_answers_fail(wrong):
    assert_wrong(check_sigmoid_backward, wrong)


def test_sigmoid_hint_names_the_missing_factor():
    def local_derivative_only(x, g):
        return (1 / (1 + np.exp(-x))) * (1 - 1 / (1 + np.exp(-x)))

    assert_wrong(check_sigmoid_backward, local_derivative_only, match="multiply it by grad_out")


# ------------------------------------------------------------------ linear backward


def linear_backward(x, w, b, grad_out):
    return grad_out @ w.T, x.T @ grad_out, grad_out.sum(axis=0)


def test_linear_reference_passes(capsys):
    check_linear_backward(linear_backward)
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    "wrong",
    [
        lambda x, w, b, g: (g @ w.T, x.T @ g, g),  # bias gradient not summed over the batch
        lambda x, w, b, g: (g @ w.T, x.T @ g, g.mean(axis=0)),  # averaged, not summed
        lambda x, w, b, g: (g @ w.T, (g.T @ x), g.sum(axis=0)),  # grad_w transposed
        lambda x, w, b, g: (x, x.T @ g, g.sum(axis=0)),  # grad_x is not the input itself
        lambda x, w, b, g: [g @ w.T, x.T @ g, g.sum(axis=0)],  # a list, not a tuple
    ],
    ids=["bias-not-summed", "bias-mean", "grad-w-transposed", "grad-x-is-x", "list"],
)
def test_linear_wrong_answers_fail(wrong):
    assert_wrong(check_linear_backward, wrong)


def test_linear_hint_on_bias_shape():
    assert_wrong(check_linear_backward, lambda x, w, b, g: (g @ w.T, x.T @ g, g),
                 match="sums grad_out over the batch axis")


# ------------------------------------------------------------------ numerical gradient


def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + eps
        up = f(x)
        x[index] = old - eps
        down = f(x)
        x[index] = old
        grad[index] = (up - down) / (2 * eps)
    return grad


def forward_difference(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    base = f(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + eps
        grad[index] = (f(x) - base) / eps
        x[index] = old
    return grad


def no_restore(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + eps
        up = f(x)
        x[index] = old - eps
        grad[index] = (up - f(x)) / (2 * eps)  # x is left at old - eps
    return grad


def all_at_once(f, x, eps=1e-6):
    return np.full_like(x, (f(x + eps) - f(x - eps)) / (2 * eps))


def no_half(f, x, eps=1e-6):
    return 2 * numerical_gradient(f, x, eps)


def test_numerical_gradient_reference_passes(capsys):
    check_numerical_gradient(numerical_gradient)
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("wrong", [forward_difference, no_restore, all_at_once, no_half])
def test_numerical_gradient_wrong_answers_fail(wrong):
    assert_wrong(check_numerical_gradient, wrong)


def test_numerical_gradient_hint_on_changed_input():
    assert_wrong(check_numerical_gradient, no_restore, match="put every element back")


# ------------------------------------------------------------------ leaky ReLU network


def leaky_backward(x, y, w1, w2, slope):
    h = x @ w1
    h_act = np.where(h > 0, h, slope * h)
    grad_y_pred = 2.0 * (h_act @ w2 - y)
    grad_h = (grad_y_pred @ w2.T) * np.where(h > 0, 1.0, slope)
    return x.T @ grad_h, h_act.T @ grad_y_pred


def test_leaky_reference_passes(capsys):
    check_leaky_backward(leaky_backward)
    assert capsys.readouterr().out.startswith("Correct")


def _relu_mask(x, y, w1, w2, slope):  # treats the leaky ReLU as a ReLU in backward
    h = x @ w1
    h_act = np.where(h > 0, h, slope * h)
    grad_y_pred = 2.0 * (h_act @ w2 - y)
    return x.T @ ((grad_y_pred @ w2.T) * (h > 0)), h_act.T @ grad_y_pred


def _relu_forward(x, y, w1, w2, slope):  # forgets the slope in the forward pass too
    h = x @ w1
    h_relu = np.maximum(h, 0)
    grad_y_pred = 2.0 * (h_relu @ w2 - y)
    return x.T @ ((grad_y_pred @ w2.T) * (h > 0)), h_relu.T @ grad_y_pred


def _no_two(x, y, w1, w2, slope):  # loses the 2 of the square's derivative
    grad_w1, grad_w2 = leaky_backward(x, y, w1, w2, slope)
    return grad_w1 / 2, grad_w2 / 2


def _slope_on_the_wrong_side(x, y, w1, w2, slope):
    h = x @ w1
    h_act = np.where(h > 0, h, slope * h)
    grad_y_pred = 2.0 * (h_act @ w2 - y)
    grad_h = (grad_y_pred @ w2.T) * np.where(h > 0, slope, 1.0)
    return x.T @ grad_h, h_act.T @ grad_y_pred


@pytest.mark.parametrize("wrong", [_relu_mask, _relu_forward, _no_two, _slope_on_the_wrong_side,
                                   lambda x, y, w1, w2, slope: leaky_backward(x, y, w1, w2,
                                                                              slope)[0]],
                         ids=["relu-mask", "relu-forward", "no-two", "swapped-slope", "one-grad"])
def test_leaky_wrong_answers_fail(wrong):
    assert_wrong(check_leaky_backward, wrong)


def test_leaky_hint_names_the_zeroed_negative_side():
    verdict = assert_wrong(check_leaky_backward, _relu_mask)
    assert "multiply it by slope" in verdict.message
