"""Lesson 01's problem, which every later lesson brings back.

Lesson 01 fits a two-layer ReLU network to random data with NumPy. Lessons 03, 04,
05, 06 and 08 write the same network again with more and more of teachgrad, from the
same data and starting weights (`problem()`), with the same learning rate and number
of steps, and draw their loss curve over the one of the lesson before. `curve(NN)`
re-runs lesson NN's version, written here as that lesson writes it, so a lesson can
draw the earlier curve without the earlier notebook. In float64 every version takes
the same steps, so the curves agree to rounding.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import teachgrad
from teachgrad import nn

N, D_IN, H, D_OUT = 64, 100, 50, 10
LEARNING_RATE = 1e-3
STEPS = 300


def problem() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Lesson 01's data and starting weights, `x, y, w1, w2`, as float64 NumPy arrays."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, D_IN))
    y = rng.standard_normal((N, D_OUT))
    w1 = rng.standard_normal((D_IN, H)) / np.sqrt(D_IN)
    w2 = rng.standard_normal((H, D_OUT)) / np.sqrt(H)
    return x, y, w1, w2


def _numpy_backprop() -> list[float]:
    x, y, w1, w2 = problem()
    losses = []
    for _ in range(STEPS):
        h = x @ w1
        h_relu = np.maximum(h, 0)
        y_pred = h_relu @ w2
        losses.append(float(np.sum((y_pred - y) ** 2)))
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.T @ grad_y_pred
        grad_h = (grad_y_pred @ w2.T) * (h > 0)
        grad_w1 = x.T @ grad_h
        w1 -= LEARNING_RATE * grad_w1
        w2 -= LEARNING_RATE * grad_w2
    return losses


def _tensors() -> list[float]:
    x, y, w1, w2 = (teachgrad.from_numpy(array) for array in problem())
    losses = []
    for _ in range(STEPS):
        h = x.mm(w1)
        h_relu = h.clamp(min=0)
        y_pred = h_relu.mm(w2)
        losses.append((y_pred - y).pow(2).sum().item())
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.t().mm(grad_y_pred)
        grad_h = grad_y_pred.mm(w2.t())
        grad_h[h < 0] = 0
        grad_w1 = x.t().mm(grad_h)
        w1 -= LEARNING_RATE * grad_w1
        w2 -= LEARNING_RATE * grad_w2
    return losses


def _descend(forward: Callable, weights: list[teachgrad.Tensor]) -> list[float]:
    """Autograd's loop, shared by lessons 04 and 05: only the forward pass differs."""
    _, y, _, _ = problem()
    y = teachgrad.from_numpy(y)
    losses = []
    for _ in range(STEPS):
        loss = (forward() - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with teachgrad.no_grad():
            for weight in weights:
                weight -= LEARNING_RATE * weight.grad
                weight.grad.zero_()
    return losses


def _autograd() -> list[float]:
    x, _, w1, w2 = (teachgrad.from_numpy(array) for array in problem())
    w1.requires_grad_()
    w2.requires_grad_()
    return _descend(lambda: x.mm(w1).clamp(min=0).mm(w2), [w1, w2])


class _MyReLU(teachgrad.autograd.Function):
    """Lesson 05's ReLU: forward keeps the positive part, backward masks the gradient."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


def _custom_functions() -> list[float]:
    x, _, w1, w2 = (teachgrad.from_numpy(array) for array in problem())
    w1.requires_grad_()
    w2.requires_grad_()
    return _descend(lambda: _MyReLU.apply(x.mm(w1)).mm(w2), [w1, w2])


def two_layer_model() -> nn.Sequential:
    """Lesson 01's network as `nn.Sequential`, float64, starting from lesson 01's weights
    (a Linear stores its weight as (out, in), the transpose of lesson 01's `w`)."""
    _, _, w1, w2 = problem()
    model = nn.Sequential(nn.Linear(D_IN, H, bias=False), nn.ReLU(),
                          nn.Linear(H, D_OUT, bias=False)).double()
    with teachgrad.no_grad():
        model[0].weight.copy_(teachgrad.from_numpy(w1.T.copy()))
        model[2].weight.copy_(teachgrad.from_numpy(w2.T.copy()))
    return model


def _modules() -> list[float]:
    x, y, _, _ = (teachgrad.from_numpy(array) for array in problem())
    model = two_layer_model()
    loss_fn = nn.MSELoss(reduction="sum")
    losses = []
    for _ in range(STEPS):
        loss = loss_fn(model(x), y)
        losses.append(loss.item())
        model.zero_grad()
        loss.backward()
        with teachgrad.no_grad():
            for param in model.parameters():
                param -= LEARNING_RATE * param.grad
    return losses


_VERSIONS = {"01": _numpy_backprop, "03": _tensors, "04": _autograd,
             "05": _custom_functions, "06": _modules}


def curve(lesson: str) -> list[float]:
    """The loss at each of the 300 steps of lesson `lesson`'s version of the network.

    >>> before, now = curve("01"), curve("04")
    >>> max(abs(a - b) / a for a, b in zip(before, now)) < 1e-9
    True
    """
    if lesson not in _VERSIONS:
        raise ValueError(f"lesson {lesson!r} has no version of the two-layer network; "
                         f"the lessons that do are {', '.join(_VERSIONS)}")
    return _VERSIONS[lesson]()
