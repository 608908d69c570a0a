"""Shared by every benchmark: one BLAS thread, and a median timer.

Importing this module first pins NumPy's (and torch's) thread pools to one thread,
so that ratios measured on a noisy 2-core machine compare like with like, and asks
glibc's malloc to keep freed memory for reuse (teachgrad/malloc.py): a process-wide
setting, so teachgrad, torch and NumPy all run with it.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
for _name in THREAD_VARIABLES:
    os.environ[_name] = "1"

from teachgrad.malloc import keep_freed_memory  # noqa: E402 (after the thread variables)

keep_freed_memory()


def describe_threads() -> str:
    return ", ".join(f"{name}={os.environ[name]}" for name in THREAD_VARIABLES)


def load_torch():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


def median_seconds(step: Callable[[], object], repeats: int, warmup: int = 3,
                   inner: int = 1) -> float:
    """Median wall time of `inner` calls of step, over `repeats` samples, per call."""
    for _ in range(warmup):
        step()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            step()
        samples.append((time.perf_counter() - start) / inner)
    return statistics.median(samples)


def interleaved_medians(steps: dict[str, Callable[[], object]], rounds: int, inner: int
                        ) -> dict[str, float]:
    """Median per-call time of each step, sampled in turns so drift hits all alike."""
    for step in steps.values():
        for _ in range(3):
            step()
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            start = time.perf_counter()
            for _ in range(inner):
                step()
            samples[name].append((time.perf_counter() - start) / inner)
    return {name: statistics.median(values) for name, values in samples.items()}


def format_time(seconds: float) -> str:
    return f"{seconds * 1e6:9.1f} us" if seconds < 1e-2 else f"{seconds * 1e3:9.2f} ms"


def report(title: str, medians: dict[str, float], baselines: dict[str, str]) -> None:
    """Print each median and its ratio to the named baselines."""
    print(f"\n{title}")
    for name, seconds in medians.items():
        ratios = "  ".join(
            f"{seconds / medians[base]:5.2f}x {label}" for label, base in baselines.items()
            if base in medians and base != name
        )
        print(f"  {name:<28}{format_time(seconds)}   {ratios}")


def compare(title: str, steps: dict[str, Callable[[], object]], baselines: dict[str, str],
            rounds: int, inner: int) -> dict[str, float]:
    """Time the steps in turns (interleaved_medians), print them with their ratios, return them."""
    medians = interleaved_medians(steps, rounds=rounds, inner=inner)
    report(title, medians, baselines)
    return medians
