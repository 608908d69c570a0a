"""Benchmark 3: LeNet forward + backward on the CPU, teachgrad against torch.

A batch of 32 images of 1x32x32 through two Conv2d + max_pool2d and three Linear
layers (the LeNet-5 of bench/gpu.py, same weights in both libraries), cross-entropy,
backward. Median per step, one BLAS thread.

    python bench/lenet.py
"""

from __future__ import annotations

import _setup
import numpy as np
from gpu import lenet

import teachgrad

BATCH = 32


def make_step(lib, model, images, labels):
    def step() -> None:
        model.zero_grad()
        lib.nn.functional.cross_entropy(model(images), labels).backward()

    return step


def main(rounds: int = 30) -> dict[str, float]:
    rng = np.random.default_rng(1)
    images = rng.standard_normal((BATCH, 1, 32, 32), dtype=np.float32)
    labels = rng.integers(0, 10, BATCH)
    teachgrad.manual_seed(0)
    tg_model = lenet(teachgrad)
    steps = {"teachgrad LeNet fwd+bwd": make_step(
        teachgrad, tg_model, teachgrad.tensor(images), teachgrad.tensor(labels))}
    torch = _setup.load_torch()
    if torch is not None:
        th_model = lenet(torch)
        with torch.no_grad():  # the same starting weights in both
            for th_param, tg_param in zip(th_model.parameters(), tg_model.parameters()):
                th_param.copy_(torch.from_numpy(tg_param.detach().numpy()))
        steps["torch LeNet fwd+bwd"] = make_step(
            torch, th_model, torch.from_numpy(images), torch.from_numpy(labels))
    print(f"LeNet-5 forward+backward, batch {BATCH}x1x32x32, float32; "
          f"{_setup.describe_threads()}")
    return _setup.compare("median per step:", steps, {"torch": "torch LeNet fwd+bwd"},
                          rounds=rounds, inner=3)


if __name__ == "__main__":
    main()
