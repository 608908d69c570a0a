"""The checks of lesson 08's exercises accept the reference answers and reject wrong ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from exercise_verdicts import assert_correct, assert_not_attempted, assert_wrong

import teachgrad
from teachgrad.exercises import lesson08

LESSON = Path(__file__).resolve().parents[1] / "notebooks" / "08_optimizers.md"

# --- exercise 1: momentum, PyTorch's way --------------------------------------------------


class MomentumSGD:
    """The reference answer (as in the notebook's hidden cell)."""

    def __init__(self, params, lr, momentum=0.9, weight_decay=0.0):
        self.params = list(params)
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self.buffers = [teachgrad.zeros_like(p) for p in self.params]

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    @teachgrad.no_grad()
    def step(self):
        for p, buf in zip(self.params, self.buffers):
            g = p.grad + self.weight_decay * p
            buf.mul_(self.momentum).add_(g)
            p -= self.lr * buf


def test_momentum_accepts_reference(capsys):
    lesson08.check_momentum_sgd(MomentumSGD)
    assert capsys.readouterr().out.startswith("Correct")


class TextbookMomentum(MomentumSGD):
    @teachgrad.no_grad()
    def step(self):
        for p, buf in zip(self.params, self.buffers):
            g = p.grad + self.weight_decay * p
            buf.mul_(self.momentum).add_((1 - self.momentum) * g)
            p -= self.lr * buf


class RebindingMomentum(MomentumSGD):
    """`buf = ...` creates a new tensor: the stored buffers stay zero."""

    @teachgrad.no_grad()
    def step(self):
        for p, buf in zip(self.params, self.buffers):
            g = p.grad + self.weight_decay * p
            buf = self.momentum * buf + g
            p -= self.lr * buf


class NoDecayMomentum(MomentumSGD):
    @teachgrad.no_grad()
    def step(self):
        for p, buf in zip(self.params, self.buffers):
            buf.mul_(self.momentum).add_(p.grad)
            p -= self.lr * buf


class NoNoGradMomentum(MomentumSGD):
    def step(self):
        for p, buf in zip(self.params, self.buffers):
            with teachgrad.no_grad():
                buf.mul_(self.momentum).add_(p.grad + self.weight_decay * p)
            p -= self.lr * buf  # in place on a leaf that requires grad: autograd refuses


class ZeroGradDoesNothing(MomentumSGD):
    def zero_grad(self):
        pass


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (TextbookMomentum, "running-average form"),
        (RebindingMomentum, "not remembered"),
        (NoDecayMomentum, "no weight decay"),
        (NoNoGradMomentum, "no_grad"),
        (ZeroGradDoesNothing, "zero_grad"),
    ],
)
def test_momentum_rejects_wrong_answers(wrong, message):
    assert_wrong(lesson08.check_momentum_sgd, wrong, match=message)


def test_momentum_stub_is_reported_as_not_done():
    class Stub:
        def __init__(self, params, lr, momentum=0.9, weight_decay=0.0):
            raise NotImplementedError("your turn")

    assert_not_attempted(lesson08.check_momentum_sgd, Stub)


# --- exercise 2: AdamW ----------------------------------------------------------------------


class HandAdamW:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 *, correct=True, coupled=False, t_start=0):
        self.params = list(params)
        self.lr, (self.beta1, self.beta2) = lr, betas
        self.eps, self.weight_decay = eps, weight_decay
        self.correct, self.coupled, self.t = correct, coupled, t_start
        self.m = [teachgrad.zeros_like(p) for p in self.params]
        self.v = [teachgrad.zeros_like(p) for p in self.params]

    @teachgrad.no_grad()
    def step(self):
        self.t += 1
        for p, m, v in zip(self.params, self.m, self.v):
            g = p.grad
            if self.coupled:
                g = g + self.weight_decay * p
            else:
                p.mul_(1 - self.lr * self.weight_decay)
            m.mul_(self.beta1).add_((1 - self.beta1) * g)
            v.mul_(self.beta2).add_((1 - self.beta2) * g**2)
            if self.correct:
                m_hat = m / (1 - self.beta1**self.t)
                v_hat = v / (1 - self.beta2**self.t)
            else:
                m_hat, v_hat = m, v
            p -= self.lr * m_hat / (v_hat.sqrt() + self.eps)


def test_adamw_accepts_reference(capsys):
    lesson08.check_adamw(HandAdamW)
    assert capsys.readouterr().out.startswith("Correct")


def _variant(**options):
    class Variant(HandAdamW):
        def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
            super().__init__(params, lr, betas, eps, weight_decay, **options)

    return Variant


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"correct": False}, "no bias correction"),
        ({"coupled": True}, "L2 penalty"),
        ({"t_start": -1}, "start at 0"),  # the first step is t = 0: divides by zero
        ({"t_start": 1}, "differs from optim.AdamW"),  # counts from 2
    ],
    ids=["no-bias-correction", "adam-l2", "t-from-zero", "t-from-two"],
)
def test_adamw_rejects_wrong_answers(options, message):
    assert_wrong(lesson08.check_adamw, _variant(**options), match=message)


# --- exercise 3: a learning rate that converges ----------------------------------------------


def pick_lr(curvatures):
    return 2 / (min(curvatures) + max(curvatures))


@pytest.mark.parametrize(
    "answer",
    [pick_lr, lambda c: 1 / max(c), lambda c: 1.5 / max(c)],
    ids=["optimal", "one-over-max", "below-limit"],
)
def test_pick_lr_accepts_good_answers(answer, capsys):
    lesson08.check_pick_lr(answer)
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda c: 0.1, "larger learning rate"),  # too slow on the gentlest bowl
        (lambda c: 1.0, "diverges"),
        (lambda c: 2 / max(c), "bounces"),
        (lambda c: 1 / min(c), "diverges"),
        (lambda c: 0.01 / max(c), "larger learning rate"),
        (lambda c: -0.1, "positive"),
        (lambda c: None, "positive"),
    ],
    ids=["constant", "constant-large", "at-the-limit", "one-over-min", "too-small", "negative",
         "none"],
)
def test_pick_lr_rejects_wrong_answers(answer, message):
    assert_wrong(lesson08.check_pick_lr, answer, match=message)


# --- exercise 4: Adagrad on lesson 01's network ----------------------------------------------


class HandAdagrad:
    """The reference answer (as folded in the lesson; the test below runs the lesson's copy)."""

    def __init__(self, params, lr=1e-2, eps=1e-10):
        self.params = list(params)
        self.lr, self.eps = lr, eps
        self.sums = [teachgrad.zeros_like(p) for p in self.params]

    @teachgrad.no_grad()
    def step(self):
        for p, s in zip(self.params, self.sums):
            s.add_(p.grad**2)
            p -= self.lr * p.grad / (s.sqrt() + self.eps)


def folded_solution(check_name: str) -> str:
    """The reference solution folded under the lesson's cell that calls check_name."""
    text = LESSON.read_text()
    call = text.index(f"lesson08.{check_name}(")
    folded = re.compile(r"<details>\n<summary>Reference solution</summary>\n\n"
                        r"```python\n(.*?)\n```", re.S).search(text, call)
    assert folded, f"no folded reference solution after {check_name}"
    return folded.group(1)


def test_adagrad_accepts_the_lessons_folded_solution():
    namespace = {"teachgrad": teachgrad}
    exec(folded_solution("check_adagrad"), namespace)
    assert_correct(lesson08.check_adagrad, namespace["HandAdagrad"])


def test_adagrad_accepts_reference(capsys):
    lesson08.check_adagrad(HandAdagrad)
    assert capsys.readouterr().out.startswith("Correct")


def _adagrad(update):
    class Variant(HandAdagrad):
        @teachgrad.no_grad()
        def step(self):
            for i, p in enumerate(self.params):
                update(self, i, p, p.grad)

    return Variant


def _running_average(self, i, p, g):
    self.sums[i].mul_(0.99).add_(0.01 * g**2)
    p -= self.lr * g / (self.sums[i].sqrt() + self.eps)


def _rebinds(self, i, p, g):
    s = self.sums[i]
    s = s + g**2  # a new tensor: the stored sum stays zero
    p -= self.lr * g / (s.sqrt() + self.eps)


def _sums_abs(self, i, p, g):
    self.sums[i].add_(g.abs())
    p -= self.lr * g / (self.sums[i].sqrt() + self.eps)


def _divides_first(self, i, p, g):
    p -= self.lr * g / (self.sums[i].sqrt() + self.eps)
    self.sums[i].add_(g**2)


def _no_sqrt(self, i, p, g):
    self.sums[i].add_(g**2)
    p -= self.lr * g / (self.sums[i] + self.eps)


def _eps_inside(self, i, p, g):
    self.sums[i].add_(g**2)
    p -= self.lr * g / (self.sums[i] + self.eps).sqrt()


def _wrong_sign(self, i, p, g):
    self.sums[i].add_(g**2)
    p += self.lr * g / (self.sums[i].sqrt() + self.eps)


@pytest.mark.parametrize(
    ("update", "message"),
    [
        (_running_average, "RMSprop"),
        (_rebinds, "not remembered"),
        (_sums_abs, r"\|g\|"),
        (_divides_first, "add g\\*\\*2 to s first"),
        (_no_sqrt, "square root"),
        (_eps_inside, "inside the square root"),
        (_wrong_sign, "optim.Adagrad it is"),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_adagrad_rejects_wrong_answers(update, message):
    assert_wrong(lesson08.check_adagrad, _adagrad(update), match=message)


def test_adagrad_stub_is_not_attempted():
    class Stub:
        def __init__(self, params, lr=1e-2, eps=1e-10):
            raise NotImplementedError("your turn")

    assert_not_attempted(lesson08.check_adagrad, Stub)
