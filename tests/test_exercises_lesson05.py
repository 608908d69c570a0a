"""The checks of lesson 05's exercises accept the reference answers and reject wrong ones."""

from __future__ import annotations

import pytest
from exercise_verdicts import assert_not_attempted, assert_wrong

import teachgrad
from teachgrad.autograd import Function
from teachgrad.exercises import lesson05

# --- exercise 1: MySigmoid ---------------------------------------------------------------


class MySigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        s = 1 / (1 + (-x).exp())
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)


class SigmoidSavingInput(Function):
    """Also right: saves the input and recomputes the output in backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return teachgrad.sigmoid(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        s = teachgrad.sigmoid(x)
        return grad_output * s * (1 - s)


class SigmoidMissingOneMinus(MySigmoid):
    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return grad_output * s


class SigmoidIgnoringGradOutput(MySigmoid):
    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return s * (1 - s)


class SigmoidWrongForward(MySigmoid):
    @staticmethod
    def forward(ctx, x):
        s = 1 / (1 + x.exp())  # sigmoid(-x)
        ctx.save_for_backward(s)
        return s


class SigmoidWrongSign(MySigmoid):
    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return -grad_output * s * (1 - s)


def plain_sigmoid(x):
    return teachgrad.sigmoid(x)


@pytest.mark.parametrize("right", [MySigmoid, SigmoidSavingInput])
def test_sigmoid_accepts(right, capsys):
    lesson05.check_sigmoid(right)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong",
    [SigmoidMissingOneMinus, SigmoidIgnoringGradOutput, SigmoidWrongForward, SigmoidWrongSign,
     plain_sigmoid],
)
def test_sigmoid_rejects(wrong):
    assert_wrong(lesson05.check_sigmoid, wrong)


def test_sigmoid_stub_fails():
    class Stub(Function):
        @staticmethod
        def forward(ctx, x):
            raise NotImplementedError("your turn")

    assert_not_attempted(lesson05.check_sigmoid, Stub)


# --- exercise 2: Hypot --------------------------------------------------------------------


class Hypot(Function):
    @staticmethod
    def forward(ctx, a, b):
        h = (a * a + b * b).sqrt()
        ctx.save_for_backward(a, b, h)
        return h

    @staticmethod
    def backward(ctx, grad_output):
        a, b, h = ctx.saved_tensors
        grad_a = grad_output * a / h if ctx.needs_input_grad[0] else None
        grad_b = grad_output * b / h if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class HypotAlwaysBoth(Hypot):
    """Also right: computes both gradients whether or not they are needed."""

    @staticmethod
    def backward(ctx, grad_output):
        a, b, h = ctx.saved_tensors
        return grad_output * a / h, grad_output * b / h


class HypotSwapped(Hypot):
    @staticmethod
    def backward(ctx, grad_output):
        a, b, h = ctx.saved_tensors
        return grad_output * b / h, grad_output * a / h


class HypotOneGradient(Hypot):
    @staticmethod
    def backward(ctx, grad_output):
        a, b, h = ctx.saved_tensors
        return grad_output * a / h


class HypotForgetsGradOutput(Hypot):
    @staticmethod
    def backward(ctx, grad_output):
        a, b, h = ctx.saved_tensors
        return a / h, b / h


class HypotWrongDerivative(Hypot):
    @staticmethod
    def backward(ctx, grad_output):
        a, b, h = ctx.saved_tensors
        return grad_output * 2 * a, grad_output * 2 * b  # d(a^2 + b^2), not d sqrt(...)


class HypotWrongForward(Hypot):
    @staticmethod
    def forward(ctx, a, b):
        h = a * a + b * b
        ctx.save_for_backward(a, b, h)
        return h


@pytest.mark.parametrize("right", [Hypot, HypotAlwaysBoth])
def test_hypot_accepts(right, capsys):
    lesson05.check_hypot(right)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong",
    [HypotSwapped, HypotOneGradient, HypotForgetsGradOutput, HypotWrongDerivative,
     HypotWrongForward, MySigmoid],
)
def test_hypot_rejects(wrong):
    assert_wrong(lesson05.check_hypot, wrong)
