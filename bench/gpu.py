"""Benchmark 4: training steps on the GPU, against teachgrad's CPU path and torch CUDA.

Two steps, each timed three ways in one run:
- the two-layer net of lesson 01 at a size where a GPU should win: N = D_in = H = 4096,
  D_out = 10, float32; loss = sum of squared errors, backward, update under no_grad;
- LeNet-5 on a batch of 256 1x32x32 images: conv(6,5x5) relu maxpool, conv(16,5x5)
  relu maxpool, linear 400-120-84-10 with relu, cross-entropy, backward, SGD step.

The three: teachgrad on the CPU (NumPy, one BLAS thread as in every benchmark here,
and only a few repeats: a 4096-wide step takes seconds there), teachgrad on the GPU
(CuPy), torch on CUDA. Every timed step ends with a synchronize (teachgrad.cuda's or
torch.cuda's), so a sample is the step's real duration, not the time to queue it.
It prints medians and the ratios that the goals are about:

    teachgrad GPU / torch CUDA     goal: at most 1.3 on the MLP step
    teachgrad CPU / teachgrad GPU  goal: at least 10 at this size

Both libraries multiply in plain float32 (torch's TF32 matmuls are off by default, as
are CuPy's unless CUPY_TF32=1); the header says which setting was in force.

    python bench/gpu.py [--size 4096] [--batch 256] [--repeats 20] [--cpu-repeats 3]

On a machine without a CUDA GPU (or without CuPy) it prints one line and exits 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any

import _setup  # first: pins BLAS threads before NumPy loads
import numpy as np

import teachgrad

D_OUT = 10
LEARNING_RATE = 1e-7
LENET_LEARNING_RATE = 0.01


# ---------------------------------------------------------------- the two steps


def mlp_data(size: int) -> list[np.ndarray]:
    """x, y, w1, w2 of the two-layer net; weights scaled so the step stays finite."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((size, size), dtype=np.float32)
    y = rng.standard_normal((size, D_OUT), dtype=np.float32)
    w1 = rng.standard_normal((size, size), dtype=np.float32) / np.float32(np.sqrt(size))
    w2 = rng.standard_normal((size, D_OUT), dtype=np.float32) / np.float32(np.sqrt(size))
    return [x, y, w1, w2]


def mlp_step(lib: Any, x: Any, y: Any, w1: Any, w2: Any) -> None:
    """Lesson 01's step with autograd, written once for teachgrad and torch."""
    loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
    loss.backward()
    with lib.no_grad():
        w1 -= LEARNING_RATE * w1.grad
        w2 -= LEARNING_RATE * w2.grad
        w1.grad = None
        w2.grad = None


def make_mlp(lib: Any, data: list[np.ndarray], device: str) -> Callable[[], None]:
    x, y, w1, w2 = (lib.tensor(array, device=device) for array in data)
    w1.requires_grad_()
    w2.requires_grad_()
    return lambda: mlp_step(lib, x, y, w1, w2)


def lenet(lib: Any) -> Any:
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def make_lenet(lib: Any, batch: int, device: str) -> Callable[[], None]:
    rng = np.random.default_rng(1)
    images = lib.tensor(rng.standard_normal((batch, 1, 32, 32), dtype=np.float32),
                        device=device)
    labels = lib.tensor(rng.integers(0, 10, batch), device=device)
    lib.manual_seed(0)
    model = lenet(lib).to(device)
    optimizer = lib.optim.SGD(model.parameters(), lr=LENET_LEARNING_RATE, momentum=0.9)

    def step() -> None:
        optimizer.zero_grad()
        loss = lib.nn.functional.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()

    return step


# ---------------------------------------------------------------- timing


def synchronized(step: Callable[[], None], sync: Callable[[], None]) -> Callable[[], None]:
    """The step, then a wait until the GPU has finished it."""

    def run() -> None:
        step()
        sync()

    return run


def measure(steps: dict[str, tuple[Callable[[], None], Callable[[], None], int]]
            ) -> dict[str, float]:
    """Median seconds per step; each entry is (step, synchronize, repeats)."""
    medians = {}
    for name, (step, sync, repeats) in steps.items():
        sync()
        medians[name] = _setup.median_seconds(synchronized(step, sync), repeats=repeats,
                                              warmup=2 if repeats > 3 else 1)
        print(f"  measured {name}: {_setup.format_time(medians[name]).strip()}", flush=True)
    return medians


def goal_line(what: str, ratio: float | None, goal: str | None, met: bool | None) -> str:
    if ratio is None:
        return f"  {what}: not measured"
    if goal is None:
        return f"  {what} = {ratio:.2f}x"
    return f"  {what} = {ratio:.2f}x  (goal {goal}: {'met' if met else 'NOT met'})"


def run_benchmark(title: str, make: Callable[[Any, str], Callable[[], None]], torch: Any,
                  repeats: int, cpu_repeats: int, goals: bool) -> dict[str, float]:
    print(f"\n{title}", flush=True)
    no_sync: Callable[[], None] = lambda: None  # noqa: E731
    steps = {
        "teachgrad GPU (CuPy)": (make(teachgrad, "cuda"), teachgrad.cuda.synchronize, repeats),
    }
    if torch is not None:
        steps["torch CUDA"] = (make(torch, "cuda"), torch.cuda.synchronize, repeats)
    steps["teachgrad CPU (1 thread)"] = (make(teachgrad, "cpu"), no_sync, cpu_repeats)
    medians = measure(steps)
    _setup.report("median per step:", medians,
                  {"torch CUDA": "torch CUDA", "teachgrad GPU": "teachgrad GPU (CuPy)"})
    gpu, cpu = medians["teachgrad GPU (CuPy)"], medians["teachgrad CPU (1 thread)"]
    against_torch = gpu / medians["torch CUDA"] if "torch CUDA" in medians else None
    print(goal_line("teachgrad GPU / torch CUDA", against_torch, "<= 1.3" if goals else None,
                    against_torch is not None and against_torch <= 1.3))
    print(goal_line("teachgrad CPU / teachgrad GPU", cpu / gpu, ">= 10" if goals else None,
                    cpu / gpu >= 10))
    return medians


def load_torch_cuda() -> Any:
    torch = _setup.load_torch()
    if torch is None or not torch.cuda.is_available():
        print("torch CUDA: not available (install a CUDA build of torch to compare); "
              "teachgrad's GPU and CPU are still measured")
        return None
    return torch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=4096, help="N = D_in = H of the MLP")
    parser.add_argument("--batch", type=int, default=256, help="LeNet batch size")
    parser.add_argument("--repeats", type=int, default=20, help="timed GPU steps")
    parser.add_argument("--cpu-repeats", type=int, default=3, help="timed CPU steps")
    args = parser.parse_args(argv)

    if not teachgrad.cuda.is_available():
        print("bench/gpu.py: no CUDA GPU (CuPy) on this machine, nothing to measure; "
              'install CuPy (pip install "teachgrad[gpu]") on a machine with an NVIDIA GPU.')
        return 0
    torch = load_torch_cuda()
    cupy = teachgrad.cuda.cupy_module()
    name = cupy.cuda.runtime.getDeviceProperties(0)["name"]
    name = name.decode() if isinstance(name, bytes) else name
    tf32 = "" if torch is None else \
        f", torch allow_tf32={torch.backends.cuda.matmul.allow_tf32}"
    print(f"GPU: {name}; CuPy {cupy.__version__}, CUPY_TF32={os.environ.get('CUPY_TF32', '0')}"
          f"{tf32}; CPU: {_setup.describe_threads()}")

    size, goals = args.size, args.size >= 4096
    data = mlp_data(size)
    run_benchmark(f"two-layer net step, N=D_in=H={size}, D_out={D_OUT}, float32",
                  lambda lib, device: make_mlp(lib, data, device), torch, args.repeats,
                  args.cpu_repeats, goals)
    run_benchmark(f"LeNet-5 step, batch {args.batch} of 1x32x32, cross-entropy, SGD momentum",
                  lambda lib, device: make_lenet(lib, args.batch, device), torch,
                  args.repeats, args.cpu_repeats, goals=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
