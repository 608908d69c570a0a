"""Shared pytest setup for tests/."""

import sys
from pathlib import Path

# The oracle helpers (tests/oracle.py) are imported as `from oracle import ...`; make
# that work under every pytest import mode, not only the default "prepend".
sys.path.insert(0, str(Path(__file__).parent))

# `device` (cpu, the real GPU, the fake GPU) and `gpu_device` (the two GPUs): any test
# that takes one runs once per device; see tests/fake_cupy.py.
from fake_cupy import device, gpu_device  # noqa: F401
