"""Overflow and invalid values are silent inside teachgrad, as in torch, and only there.

NumPy warns (RuntimeWarning) on overflow, division by zero and invalid operations;
torch returns inf or nan without a word. teachgrad ops must be as quiet as torch's,
while the user's own NumPy code keeps NumPy's (and the user's) error settings.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import teachgrad
import teachgrad.nn.functional as F


def _record(fn: Callable[[], Any]) -> tuple[Any, list]:
    """Run fn and return its result and every warning it emitted (none filtered out)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, [str(w.message) for w in caught]


def _train(optimizer_name: str, loss_name: str, lr: float, steps: int = 30) -> float:
    teachgrad.manual_seed(0)
    model = teachgrad.nn.Sequential(teachgrad.nn.Linear(4, 16), teachgrad.nn.Tanh(),
                                    teachgrad.nn.Linear(16, 16), teachgrad.nn.ReLU(),
                                    teachgrad.nn.Linear(16, 3))
    x = teachgrad.randn(32, 4)
    regression, labels = teachgrad.randn(32, 3), teachgrad.randint(0, 3, (32,))
    optimizer = getattr(teachgrad.optim, optimizer_name)(model.parameters(), lr=lr)
    loss = None
    for _ in range(steps):
        out = model(x)
        loss = F.mse_loss(out, regression) if loss_name == "mse" else F.cross_entropy(out,
                                                                                       labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


@pytest.mark.parametrize("optimizer_name", ["SGD", "Adam", "RMSprop", "Adagrad"])
@pytest.mark.parametrize("loss_name", ["mse", "cross_entropy"])
def test_training_with_a_huge_learning_rate_is_silent(optimizer_name: str,
                                                      loss_name: str) -> None:
    final_loss, messages = _record(lambda: _train(optimizer_name, loss_name, lr=1e12))
    assert messages == []
    if optimizer_name == "SGD":  # the run really did blow up (Adam's steps are bounded)
        assert not np.isfinite(final_loss)


def test_user_numpy_code_still_warns_after_teachgrad_ops() -> None:
    before = np.geterr()
    _train("SGD", "mse", lr=1e12, steps=5)
    x = teachgrad.tensor([0.0, 1.0, -1.0])
    (x.log() + x.sqrt() + 1 / x).exp()
    assert np.geterr() == before
    _, messages = _record(lambda: np.float64(1) / 0)
    assert any("divide by zero" in message for message in messages)
    _, messages = _record(lambda: np.exp(np.array([1000.0])))
    assert any("overflow" in message for message in messages)


def test_user_error_settings_are_restored_even_when_an_op_raises() -> None:
    with np.errstate(divide="raise"):
        with pytest.raises(RuntimeError, match="size of tensor a"):
            teachgrad.ones(2) + teachgrad.ones(3)
        teachgrad.tensor([1.0]) / 0  # silent inside the op...
        with pytest.raises(FloatingPointError):
            np.float64(1) / 0  # ...and the user's "raise" holds outside it
    assert np.geterr()["divide"] == "warn"


def test_a_backward_that_raises_leaves_warnings_as_they_were() -> None:
    class Fails(teachgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            raise ValueError("broken backward")

    x = teachgrad.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="broken backward"):
        Fails.apply(x).sum().backward()
    _, messages = _record(lambda: np.float64(1) / 0)  # the user's NumPy warns again...
    assert any("divide by zero" in message for message in messages)
    _, messages = _record(lambda: teachgrad.tensor([1.0]) / 0)  # ...and ops stay silent
    assert messages == []


SILENT_CASES = {
    "log-of-zero": lambda m: m.log(m.tensor([0.0, -1.0, 1.0])),
    "divide-by-zero": lambda m: m.tensor([1.0, -1.0, 0.0]) / 0,
    "divide-by-zero-tensor": lambda m: m.tensor([1.0, 0.0]) / m.tensor([0.0, 0.0]),
    "sqrt-of-negative": lambda m: m.sqrt(m.tensor([-1.0, 4.0])),
    "exp-overflow": lambda m: m.exp(m.tensor([1000.0, 1.0])),
    "mul-overflow": lambda m: m.tensor([3e38]) * m.tensor([10.0]),
    "add-overflow": lambda m: m.tensor([3e38]) + m.tensor([3e38]),
    "pow-overflow": lambda m: m.tensor([1e30]) ** 3,
    "matmul-overflow": lambda m: m.full((2, 2), 1e30) @ m.full((2, 2), 1e30),
    "inf-minus-inf": lambda m: m.tensor([float("inf")]) - m.tensor([float("inf")]),
    "sum-overflow": lambda m: m.full((4,), 2e38).sum(),
    "mean-overflow": lambda m: m.full((4,), 2e38).mean(),
    "var-overflow": lambda m: m.tensor([3e38, -3e38]).var(),
    "softmax-of-inf": lambda m: m.softmax(m.tensor([float("inf"), 1.0]), 0),
    "mse-overflow": lambda m: F.mse_loss(m.tensor([3e38]), m.tensor([-3e38]))
    if m is teachgrad else m.nn.functional.mse_loss(m.tensor([3e38]), m.tensor([-3e38])),
}


@pytest.mark.parametrize("name", sorted(SILENT_CASES))
def test_overflowing_ops_are_silent_and_give_torchs_values(name: str) -> None:
    torch = pytest.importorskip("torch", reason="torch is the oracle")
    result, messages = _record(lambda: SILENT_CASES[name](teachgrad))
    assert messages == []
    expected = SILENT_CASES[name](torch)
    np.testing.assert_allclose(result.numpy(), expected.numpy(), rtol=1e-6)


def test_backward_through_overflow_is_silent() -> None:
    def run() -> Any:
        x = teachgrad.tensor([1e20, 0.0, -1e30], requires_grad=True)
        y = ((x * x * x).exp() + x.abs().sqrt() + (x * 1e30).sigmoid()).sum()
        y.backward()
        z = (x * 1e30).sum()
        z.backward()  # accumulates into the existing x.grad: inf + finite
        return x.grad

    grad, messages = _record(run)
    assert messages == []
    assert not np.isfinite(grad.numpy()).all()


def test_optimizer_update_overflow_is_silent() -> None:
    def run() -> Any:
        parameter = teachgrad.nn.Parameter(teachgrad.full((3,), 3e38))
        parameter.grad = teachgrad.full((3,), -3e38)
        teachgrad.optim.SGD([parameter], lr=1.0, momentum=0.9).step()
        with teachgrad.no_grad():
            parameter *= 10
            parameter += parameter
        return parameter

    parameter, messages = _record(run)
    assert messages == []
    assert np.isinf(parameter.detach().numpy()).all()
