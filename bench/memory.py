"""Benchmark 5: does memory grow with training steps? It must not.

Trains the two-layer net of lesson 01 for 200 steps in one fresh process and for
2000 steps in another, and prints each process's peak resident memory (ru_maxrss).
With no reference kept from one step to the next, both peaks are the same.

    python bench/memory.py
"""

from __future__ import annotations

import subprocess
import sys

import _setup

CHILD = """
import resource, sys
sys.path.insert(0, {bench!r})
import _setup  # one BLAS thread, as in the other benchmarks
import teachgrad
from two_layer import autograd_leaves, autograd_step, make_data
x, y, w1, w2 = autograd_leaves(teachgrad, make_data())
for _ in range({steps}):
    autograd_step(teachgrad, x, y, w1, w2)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_kib(steps: int) -> int:
    bench_dir = sys.path[0]
    result = subprocess.run([sys.executable, "-c", CHILD.format(bench=bench_dir, steps=steps)],
                            capture_output=True, text=True, check=True)
    return int(result.stdout.strip())


def main() -> dict[str, int]:
    print(f"peak resident memory of a fresh process training the two-layer net; "
          f"{_setup.describe_threads()}")
    peaks = {steps: peak_kib(steps) for steps in (200, 2000)}
    for steps, kib in peaks.items():
        print(f"  {steps:>5} steps: {kib / 1024:8.1f} MiB")
    growth = (peaks[2000] - peaks[200]) / 1024
    print(f"  growth from 200 to 2000 steps: {growth:+.1f} MiB")
    return {"peak_200_kib": peaks[200], "peak_2000_kib": peaks[2000]}


if __name__ == "__main__":
    main()
