"""The reference mode runs only the reading path and gives bit-identical results.

teachgrad/fast/ swaps a few reference functions for faster ones. Here the same
computations run in both modes and must agree exactly: values, gradients, dtypes.
(conftest.py also runs the whole torch-oracle and gradcheck suites in both modes.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import nullcontext

import numpy as np
import pytest

import teachgrad
import teachgrad.nn.functional as F
from teachgrad import fast, nn
from teachgrad.autograd import engine
from teachgrad.autograd.function import Function


@pytest.fixture(autouse=True)
def fast_mode_on():
    """These tests start from the default mode, even in a run with TEACHGRAD_REFERENCE=1."""
    was_enabled = fast.is_enabled()
    fast.set_enabled(True)
    yield
    fast.set_enabled(was_enabled)


def two_layer_step() -> list[np.ndarray]:
    """Lesson 01's network, one step of autograd; returns loss and the four gradients."""
    teachgrad.manual_seed(0)
    x, y = teachgrad.randn(64, 100), teachgrad.randn(64, 10)
    w1 = (teachgrad.randn(100, 50) / 10).requires_grad_()
    w2 = (teachgrad.randn(50, 10) / 50**0.5).requires_grad_()
    loss = ((x @ w1).clamp(min=0) @ w2 - y).pow(2).sum()
    loss.backward()
    return [loss.detach().numpy(), w1.grad.numpy(), w2.grad.numpy()]


def convnet_step() -> list[np.ndarray]:
    teachgrad.manual_seed(1)
    net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(4 * 4 * 4, 3))
    x, target = teachgrad.randn(5, 1, 8, 8), teachgrad.tensor([0, 2, 1, 1, 0])
    loss = F.cross_entropy(net(x), target)
    loss.backward()
    return [loss.detach().numpy()] + [p.grad.numpy() for p in net.parameters()]


def second_derivative() -> list[np.ndarray]:
    x = teachgrad.tensor([0.5, -1.5, 2.0], dtype=teachgrad.float64, requires_grad=True)
    y = (x.sin() * x.exp()).sum()
    (g,) = teachgrad.autograd.grad(y, x, create_graph=True)
    (h,) = teachgrad.autograd.grad(g.sum(), x)
    return [g.detach().numpy(), h.numpy()]


@pytest.mark.parametrize("computation", [two_layer_step, convnet_step, second_derivative])
def test_both_modes_give_bit_identical_results(computation):
    fast_results = computation()
    with fast.reference_mode():
        reference_results = computation()
    for ours, reference in zip(fast_results, reference_results):
        assert ours.dtype == reference.dtype and ours.shape == reference.shape
        np.testing.assert_array_equal(ours, reference)


def test_reference_mode_swaps_every_speed_up_and_switches_back():
    assert fast.is_enabled()
    with fast.reference_mode():
        assert not fast.is_enabled()
        assert Function.__dict__["apply"].__func__.__module__ == "teachgrad.autograd.function"
        assert engine._first_gradient.__module__ == "teachgrad.autograd.engine"
    assert fast.is_enabled()
    assert Function.__dict__["apply"].__func__.__module__ == "teachgrad.fast.apply"


def test_reference_mode_copies_the_first_gradient_and_fast_mode_hands_it_over(monkeypatch):
    copies = []
    original_clone = teachgrad.Tensor.clone

    def counting_clone(self, *args, **kwargs):
        copies.append(self.shape)
        return original_clone(self, *args, **kwargs)

    monkeypatch.setattr(teachgrad.Tensor, "clone", counting_clone)

    def first_backward() -> list[float]:
        w = teachgrad.ones(3, requires_grad=True)
        (w * 2).sum().backward()
        return w.grad.tolist()

    with fast.reference_mode():
        assert first_backward() == [2.0, 2.0, 2.0]
    assert len(copies) == 1  # the reference engine stores a copy
    assert first_backward() == [2.0, 2.0, 2.0]
    assert len(copies) == 1  # no one else held the gradient: handed over without one


@pytest.mark.parametrize("mode", [fast.reference_mode, nullcontext])
def test_a_gradient_the_caller_holds_is_never_taken_without_a_copy(mode):
    with mode():
        x = teachgrad.ones(3, requires_grad=True)
        y = teachgrad.ones(3, requires_grad=True)
        given = teachgrad.tensor([1.0, 2.0, 3.0])
        x.backward(given)  # the caller's tensor goes straight to x
        (x + y).backward(given)  # add sends one tensor to both leaves
        x.grad.add_(1)  # must change neither the caller's tensor nor y.grad
        assert given.tolist() == [1.0, 2.0, 3.0]
        assert y.grad.tolist() == [1.0, 2.0, 3.0]


def test_switching_modes_inside_an_op_is_refused():
    class Switches(Function):
        @staticmethod
        def forward(ctx, x):
            fast.set_enabled(False)
            return x * 1

    with pytest.raises(RuntimeError, match="cannot switch modes inside an op"):
        Switches.apply(teachgrad.ones(2))
    assert fast.is_enabled()


def test_environment_variable_starts_in_reference_mode():
    code = "import teachgrad; print(teachgrad.fast.is_enabled())"
    env = {**os.environ, "TEACHGRAD_REFERENCE": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "False"


def test_importing_teachgrad_leaves_numpy_error_settings_alone():
    code = ("import numpy as np; before = np.geterr(); import teachgrad; "
            "x = teachgrad.tensor([1e38]) * 10; print(before == np.geterr(), x.item())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["True", "inf"]
    assert "RuntimeWarning" not in out.stderr  # overflow inside an op is silent, as in torch
