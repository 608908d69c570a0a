"""teachgrad.malloc: freed arrays are reused instead of page-faulted in again."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
    reason="only glibc's malloc has the thresholds teachgrad.malloc sets")

# Three 4 MiB arrays freed together leave 12 MiB free at the top of the heap: more than
# glibc's default trim threshold, so by default it returns them to the kernel each time.
FAULTS_PER_STEP = """
import resource
import sys
import numpy as np
import teachgrad
if sys.argv[1] == "opt-in":
    teachgrad.malloc.keep_freed_memory()

def step():
    arrays = [np.ones(2**20, np.float32) for _ in range(3)]
    del arrays

for _ in range(3):
    step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    step()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 10)
"""


def faults_per_step(mode: str) -> float:
    result = subprocess.run([sys.executable, "-c", FAULTS_PER_STEP, mode],
                            capture_output=True, text=True, check=True)
    return float(result.stdout)


def test_keep_freed_memory_reuses_freed_arrays() -> None:
    assert faults_per_step("opt-in") < 50


def test_importing_teachgrad_leaves_malloc_as_it_was() -> None:
    # 12 MiB of fresh pages is about 3,000 faults; allow for huge pages and the like.
    assert faults_per_step("import only") > 500
