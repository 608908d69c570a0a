"""Checks for the exercises of lesson 06 (modules).

Each check runs the learner's code against teachgrad's own modules (or a reference
written here), raises AssertionError with a hint on the first problem, and returns a
confirmation when everything is right.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

import teachgrad
from teachgrad import nn
from teachgrad.exercises.verdict import exercise


def _run(description: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call fn(*args, **kwargs); turn an error into an AssertionError that says where."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise  # the stub, not yet written
    except (RuntimeError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise AssertionError(f"{description} failed: {type(error).__name__}: {error}") from error


def _count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


# ------------------------------------------------------------------ exercise 1


@exercise
def check_parameter_counts(linear_count: Callable[..., int],
                           conv2d_count: Callable[..., int]) -> str:
    """linear_count(in_features, out_features, bias=True) and
    conv2d_count(in_channels, out_channels, kernel_size, bias=True): parameter counts."""
    linear_cases = [(3, 5, True), (400, 120, True), (7, 1, False), (1, 1, True)]
    for in_features, out_features, bias in linear_cases:
        expected = _count(nn.Linear(in_features, out_features, bias=bias))
        call = f"linear_count({in_features}, {out_features}, bias={bias})"
        got = _run(call, linear_count, in_features, out_features, bias=bias)
        if got != expected:
            hint = ("a Linear layer has a weight of shape (out_features, in_features)"
                    + (" and one bias per output" if bias else ", and no bias here"))
            raise AssertionError(f"{call} returned {got!r}, expected {expected}: {hint}")

    conv_cases = [(1, 6, 5, True), (6, 16, 5, True), (3, 8, (3, 5), True), (4, 2, 3, False)]
    for in_channels, out_channels, kernel_size, bias in conv_cases:
        expected = _count(nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias))
        call = f"conv2d_count({in_channels}, {out_channels}, {kernel_size}, bias={bias})"
        got = _run(call, conv2d_count, in_channels, out_channels, kernel_size, bias=bias)
        if got != expected:
            hint = ("each of the out_channels filters has in_channels * kh * kw weights"
                    + (", plus one bias per filter" if bias else "; there is no bias here"))
            if not isinstance(kernel_size, int):
                hint += ". kernel_size may be a pair (kh, kw)"
            raise AssertionError(f"{call} returned {got!r}, expected {expected}: {hint}")

    lenet = (linear_count(400, 120) + linear_count(120, 84) + linear_count(84, 10)
             + conv2d_count(1, 6, 5) + conv2d_count(6, 16, 5))
    return f"Correct: both formulas match teachgrad's layers (LeNet: {lenet:,} parameters)."


# ------------------------------------------------------------------ exercise 2

# The architecture of exercise 2, as (parameter shape) for each parameter tensor.
SMALL_CONVNET_SHAPES = [(8, 3, 3, 3), (8,), (16, 8, 3, 3), (16,), (10, 144), (10,)]
SMALL_CONVNET_COUNT = sum(math.prod(shape) for shape in SMALL_CONVNET_SHAPES)  # 2842


@exercise
def check_small_convnet(net_class: type) -> str:
    """net_class(): a Module mapping (N, 3, 16, 16) images to (N, 10) class scores."""
    if not (isinstance(net_class, type) and issubclass(net_class, nn.Module)):
        raise AssertionError(
            f"pass the class itself, a subclass of nn.Module (got {net_class!r})"
        )
    net = _run(f"{net_class.__name__}()", net_class)
    params = list(net.named_parameters())
    if not params:
        raise AssertionError(
            "the model has no parameters at all: assign the layers as attributes in "
            "__init__ (self.conv1 = nn.Conv2d(...)), after super().__init__(). Layers kept in "
            "a plain Python list are not registered"
        )
    shapes = sorted(tuple(p.shape) for _, p in params)
    if shapes != sorted(SMALL_CONVNET_SHAPES):
        listing = ", ".join(f"{name} {tuple(p.shape)}" for name, p in params)
        raise AssertionError(
            f"the parameters are [{listing}] ({_count(net):,} numbers); expected tensors of "
            f"shapes {SMALL_CONVNET_SHAPES} ({SMALL_CONVNET_COUNT:,} numbers). Check "
            "in_channels/out_channels of each layer, and the flattened size that goes into "
            "the Linear layer (follow the shapes through the network)"
        )

    generator = np.random.default_rng(5)
    for batch in (4, 1):
        x = teachgrad.tensor(generator.standard_normal((batch, 3, 16, 16)).astype(np.float32))
        out = _run(f"forward on a batch of shape {list(x.shape)}", net, x)
        if not isinstance(out, teachgrad.Tensor) or tuple(out.shape) != (batch, 10):
            got = tuple(out.shape) if isinstance(out, teachgrad.Tensor) else type(out).__name__
            raise AssertionError(
                f"for input of shape {tuple(x.shape)} forward returned {got}, expected "
                f"{(batch, 10)}: one row of 10 scores per image (flatten with x.flatten(1), "
                "which keeps the batch dimension)"
            )

    net.zero_grad()
    _run("backward", out.sum().backward)
    unused = [name for name, p in params if p.grad is None]
    if unused:
        raise AssertionError(
            f"no gradient reached {unused}: forward must use every layer"
        )

    reference = _reference_convnet(net, x)
    if not np.allclose(out.detach().numpy(), reference, rtol=1e-4, atol=1e-5):
        raise AssertionError(
            "the output shape is right but the values are not: check the order "
            "conv -> ReLU -> max-pool (2x2) for each block, the padding (1 for the first "
            "convolution, none for the second), and that there is no activation after "
            "the Linear layer"
        )
    return (f"Correct: (N, 3, 16, 16) -> (N, 10), {SMALL_CONVNET_COUNT:,} parameters, and every "
            "layer is used in the right order.")


def _reference_convnet(net: nn.Module, x: teachgrad.Tensor) -> np.ndarray:
    """The expected output, computed with the learner's own parameters found by shape."""
    F = nn.functional  # noqa: N806 - torch's name
    by_shape = {tuple(p.shape): p for p in net.parameters()}
    with teachgrad.no_grad():
        h = F.conv2d(x, by_shape[(8, 3, 3, 3)], by_shape[(8,)], padding=1)
        h = F.max_pool2d(F.relu(h), 2)
        h = F.conv2d(h, by_shape[(16, 8, 3, 3)], by_shape[(16,)])
        h = F.max_pool2d(F.relu(h), 2)
        h = F.linear(h.flatten(1), by_shape[(10, 144)], by_shape[(10,)])
    return h.numpy()


# ------------------------------------------------------------------ exercise 3


def _reference_fit(model: nn.Module, loss_fn: Callable, x: teachgrad.Tensor,
                   y: teachgrad.Tensor, lr: float, epochs: int, batch_size: int) -> list[float]:
    losses = []
    for _ in range(epochs):
        for start in range(0, x.shape[0], batch_size):
            loss = loss_fn(model(x[start:start + batch_size]), y[start:start + batch_size])
            model.zero_grad()
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
            losses.append(loss.item())
    return losses


def _toy_problem() -> tuple[nn.Module, nn.Module, teachgrad.Tensor, teachgrad.Tensor]:
    """Two identical small models (same starting values) and 10 samples of a regression."""
    generator = np.random.default_rng(11)
    x = teachgrad.tensor(generator.uniform(-1, 1, (10, 2)).astype(np.float32))
    y = teachgrad.tensor(generator.uniform(-1, 1, (10, 1)).astype(np.float32))

    def make() -> nn.Module:
        return nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))

    learner_model, reference_model = make(), make()
    with teachgrad.no_grad():
        for p, q in zip(learner_model.parameters(), reference_model.parameters()):
            values = generator.uniform(-0.8, 0.8, tuple(p.shape)).astype(np.float32)
            p.copy_(teachgrad.tensor(values))
            q.copy_(teachgrad.tensor(values))
    return learner_model, reference_model, x, y


@exercise
def check_fit(fit: Callable[..., list]) -> str:
    """fit(model, loss_fn, x, y, lr, epochs, batch_size) -> one loss (float) per step."""
    lr, epochs, batch_size = 0.2, 3, 4  # 10 samples: batches of 4, 4 and 2 per epoch
    model, reference_model, x, y = _toy_problem()
    loss_fn = nn.MSELoss()
    originals = [id(p) for p in model.parameters()]
    start_values = [p.detach().clone() for p in model.parameters()]

    losses = _run("fit(...)", fit, model, loss_fn, x, y, lr, epochs, batch_size)
    expected = _reference_fit(reference_model, loss_fn, x, y, lr, epochs, batch_size)

    if [id(p) for p in model.parameters()] != originals:
        raise AssertionError(
            "the model's Parameters were replaced by new objects: update them in place "
            "(p -= lr * p.grad inside `with teachgrad.no_grad():`)"
        )
    if all(teachgrad.equal(p.detach(), v) for p, v in zip(model.parameters(), start_values)):
        raise AssertionError(
            "the parameters did not change. `p = p - lr * p.grad` only rebinds the name p; "
            "update in place: p -= lr * p.grad (inside `with teachgrad.no_grad():`)"
        )
    if not isinstance(losses, (list, tuple)) or len(losses) != len(expected):
        count = len(losses) if isinstance(losses, (list, tuple)) else type(losses).__name__
        raise AssertionError(
            f"fit should return a list with one loss per step: {epochs} epochs of "
            f"{math.ceil(x.shape[0] / batch_size)} batches = {len(expected)} values, got "
            f"{count}. With 10 samples and batch_size=4 the last batch of each epoch has 2 "
            "samples: x[8:12] gives just those"
        )
    try:
        got = np.array([float(v) for v in losses])
    except (TypeError, ValueError):
        raise AssertionError("each entry of the returned list should be a number: use "
                             "loss.item()") from None
    if not np.allclose(got, expected, rtol=1e-4, atol=1e-6):
        step = int(np.argmax(~np.isclose(got, expected, rtol=1e-4, atol=1e-6)))
        hint = ("the first loss is already different: compute it as loss_fn(model(x_batch), "
                "y_batch), on the batches in order" if step == 0 else
                "the first steps agree but later ones do not. Forgot model.zero_grad() before "
                "backward (gradients add up)? Or the sign of the update (p -= lr * p.grad)?")
        raise AssertionError(
            f"loss at step {step} is {got[step]:.6f}, expected {expected[step]:.6f}: {hint}"
        )
    for (name, p), q in zip(model.named_parameters(), reference_model.parameters()):
        if not teachgrad.allclose(p.detach(), q.detach(), rtol=1e-4, atol=1e-6):
            raise AssertionError(
                f"the losses are right but {name} ends at different values: take the last "
                "step's update too (update after every batch, including the last)"
            )
    return (f"Correct: {len(expected)} steps of mini-batch SGD, loss {expected[0]:.4f} -> "
            f"{expected[-1]:.4f}, parameters as expected.")
