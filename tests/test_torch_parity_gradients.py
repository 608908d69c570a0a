"""Gradients torch defines where teachgrad gave NaN (issue 15): each case runs in both
libraries and compares the value and every input's gradient.

- std at zero spread: torch takes d std = d var / (2 std) as 0 where std is 0;
- var of one element (correction 1): nan in torch, not a ZeroDivisionError;
- max/min of all with NaN inputs: the NaNs won, they share the gradient; maximum and
  minimum give both inputs the whole gradient where a NaN is compared;
- nll_loss/cross_entropy with a -inf logit on a class other than the target: the loss
  is finite (another class's -inf is not picked);
- powers at 0: 0 ** x and x ** 0, x ** y with y == 0, as torch defines them.
"""

from __future__ import annotations

import pytest
from oracle import assert_same, torch

import teachgrad
import teachgrad.nn.functional as teachgrad_F

FUNCTIONAL = {teachgrad: teachgrad_F, torch: torch.nn.functional}
NAN, INF = float("nan"), float("inf")


def gradients(fn, *values, dtype="float32"):
    """A function of a library: run fn on leaves made from values; (output, *grads)."""
    def run(m):
        leaves = [m.tensor(value, dtype=getattr(m, dtype), requires_grad=True)
                  for value in values]
        out = fn(m, *leaves)
        out.backward(m.ones_like(out))
        return (out.detach(), *(leaf.grad for leaf in leaves))
    return run


CASES = {
    "std of equal values": gradients(lambda m, x: x.std(), [2.0, 2.0]),
    "std along a dim, one row equal": gradients(lambda m, x: x.std(1),
                                                [[2.0, 2.0], [1.0, 3.0]]),
    "std keepdim, correction 0": gradients(lambda m, x: x.std(0, keepdim=True, correction=0),
                                           [[5.0, 1.0], [5.0, 4.0]], dtype="float64"),
    "var of one element": gradients(lambda m, x: x.var(), [2.0]),
    "max with a NaN": gradients(lambda m, x: x.max(), [1.0, NAN]),
    "min with two NaNs": gradients(lambda m, x: x.min(), [NAN, 1.0, NAN]),
    "maximum with NaNs": gradients(lambda m, x, y: m.maximum(x, y),
                                   [1.0, NAN, NAN, 2.0, 0.0], [NAN, 1.0, NAN, 2.0, 3.0]),
    "minimum with NaNs": gradients(lambda m, x, y: m.minimum(x, y),
                                   [1.0, NAN, NAN, 2.0, 0.0], [NAN, 1.0, NAN, 2.0, 3.0]),
    "cross_entropy, -inf on another class": gradients(
        lambda m, x: FUNCTIONAL[m].cross_entropy(x, m.tensor([0])), [[0.0, -INF, 1.0]]),
    "cross_entropy, sum, two rows": gradients(
        lambda m, x: FUNCTIONAL[m].cross_entropy(x, m.tensor([0, 2]), reduction="sum"),
        [[0.0, -INF, 1.0], [-INF, 2.0, 0.0]]),
    "cross_entropy, ignored row with -inf": gradients(
        lambda m, x: FUNCTIONAL[m].cross_entropy(x, m.tensor([0, 1]), ignore_index=1),
        [[0.0, -INF, 1.0], [-INF, 2.0, 0.0]]),
    "cross_entropy, class weights, none": gradients(
        lambda m, x: FUNCTIONAL[m].cross_entropy(x, m.tensor([2]), reduction="none",
                                                 weight=m.tensor([1.0, 2.0, 3.0])),
        [[0.0, -INF, 1.0]]),
    "nll_loss of log_softmax, 3-d": gradients(
        lambda m, x: FUNCTIONAL[m].nll_loss(FUNCTIONAL[m].log_softmax(x, 1),
                                            m.tensor([[0, 1]])),
        [[[0.0, -INF], [-INF, 1.0]]]),
    "0 ** x": gradients(lambda m, x: 0 ** x, [0.0, 1.0, -1.0]),
    "0.0 ** x": gradients(lambda m, x: 0.0 ** x, [0.0, 2.0]),
    "x ** y at y == 0": gradients(lambda m, x, y: x ** y, [0.0, 0.0, 2.0], [0.0, 1.0, 0.0]),
}

# Already as torch before issue 15's fixes; kept so they stay so.
KEPT = {
    "x ** 0": gradients(lambda m, x: x ** 0, [0.0, 1.0, -1.0]),
    "x ** 0.0": gradients(lambda m, x: x ** 0.0, [0.0, 1.0]),
    "var of equal values": gradients(lambda m, x: x.var(), [2.0, 2.0]),
    "max along a dim with a NaN": gradients(lambda m, x: x.max(1)[0],
                                            [[1.0, NAN], [3.0, 3.0]]),
    "amax with a NaN": gradients(lambda m, x: x.amax(1), [[1.0, NAN], [3.0, 3.0]]),
    "log_softmax with -inf": gradients(lambda m, x: FUNCTIONAL[m].log_softmax(x, 1)[:, 0],
                                       [[0.0, -INF, 1.0]]),
    "cross_entropy, target's logit -inf": gradients(
        lambda m, x: FUNCTIONAL[m].cross_entropy(x, m.tensor([1])), [[0.0, -INF, 1.0]]),
}


@pytest.mark.filterwarnings("ignore")  # both warn about degrees of freedom <= 0
@pytest.mark.parametrize("name", [*CASES, *KEPT])
def test_gradient_as_torch_defines_it(name):
    case = {**CASES, **KEPT}[name]
    ours, theirs = case(teachgrad), case(torch)
    for mine, other in zip(ours, theirs):
        assert_same(mine, other)


def test_the_loss_of_the_issue():
    logits = teachgrad.tensor([[0.0, -INF, 1.0]])
    loss = teachgrad_F.cross_entropy(logits, teachgrad.tensor([0]))
    assert abs(loss.item() - 1.3133) < 1e-4
