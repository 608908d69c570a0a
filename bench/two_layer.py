"""Benchmark 1: one training step of the two-layer net of lesson 01.

N=64, D_in=1000, H=100, D_out=10, float32, loss = sum of squared errors, update under
no_grad. Three versions of the same step in one run: hand-written NumPy (the floor we
measure against), teachgrad autograd, and torch autograd when torch is installed.

    python bench/two_layer.py
"""

from __future__ import annotations

import _setup
import numpy as np

import teachgrad

N, D_IN, H, D_OUT = 64, 1000, 100, 10
LEARNING_RATE = 1e-6


def numpy_step(x: np.ndarray, y: np.ndarray, w1: np.ndarray, w2: np.ndarray) -> None:
    h = x @ w1
    h_relu = np.maximum(h, 0)
    y_pred = h_relu @ w2
    diff = y_pred - y
    _loss = (diff * diff).sum()
    grad_y_pred = 2.0 * diff
    grad_w2 = h_relu.T @ grad_y_pred
    grad_h = grad_y_pred @ w2.T
    grad_h[h < 0] = 0
    grad_w1 = x.T @ grad_h
    w1 -= LEARNING_RATE * grad_w1
    w2 -= LEARNING_RATE * grad_w2


def autograd_step(lib, x, y, w1, w2) -> None:
    loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
    loss.backward()
    with lib.no_grad():
        w1 -= LEARNING_RATE * w1.grad
        w2 -= LEARNING_RATE * w2.grad
        w1.grad = None
        w2.grad = None


def make_data() -> list[np.ndarray]:
    """x, y, w1, w2 from one seed, so that every version of the step starts alike."""
    rng = np.random.default_rng(0)
    return [rng.standard_normal(shape).astype(np.float32)
            for shape in ((N, D_IN), (N, D_OUT), (D_IN, H), (H, D_OUT))]


def autograd_leaves(lib, data: list[np.ndarray]) -> list:
    """x, y, w1, w2 as tensors of lib (teachgrad or torch); the two weights require grad."""
    leaves = [lib.tensor(a) for a in data]
    leaves[2].requires_grad_()
    leaves[3].requires_grad_()
    return leaves


def main(rounds: int = 200) -> dict[str, float]:
    data = make_data()
    steps = {}
    np_x, np_y, np_w1, np_w2 = (a.copy() for a in data)
    steps["numpy (by hand)"] = lambda: numpy_step(np_x, np_y, np_w1, np_w2)

    tg = autograd_leaves(teachgrad, data)
    steps["teachgrad autograd"] = lambda: autograd_step(teachgrad, *tg)

    torch = _setup.load_torch()
    if torch is not None:
        th = autograd_leaves(torch, data)
        steps["torch autograd"] = lambda: autograd_step(torch, *th)

    print(f"two-layer net step, N={N} D_in={D_IN} H={H} D_out={D_OUT} float32; "
          f"{_setup.describe_threads()}")
    return _setup.compare("median per step:", steps,
                          {"numpy": "numpy (by hand)", "torch": "torch autograd"},
                          rounds=rounds, inner=5)


if __name__ == "__main__":
    main()
