"""Shared pytest setup for tests/."""

import sys
from pathlib import Path

# The oracle helpers (tests/oracle.py) are imported as `from oracle import ...`; make
# that work under every pytest import mode, not only the default "prepend".
sys.path.insert(0, str(Path(__file__).parent))

# `device` (cpu, the real GPU, the fake GPU) and `gpu_device` (the two GPUs): any test
# that takes one runs once per device; see tests/fake_cupy.py.
from contextlib import nullcontext

import pytest
from fake_cupy import device, gpu_device  # noqa: F401

from teachgrad.fast import reference_mode

# The torch-oracle and gradient-check modules run twice: with teachgrad's speed-ups
# (teachgrad/fast/) and in the reference mode, which runs only the reading path.
BOTH_MODES = ("test_oracle_ops", "test_oracle_more_ops", "test_gradcheck",
              "test_gradcheck_more_ops")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.module.__name__ in BOTH_MODES:
        metafunc.parametrize("autograd_mode", ["fast", "reference"], indirect=True,
                             scope="module")


@pytest.fixture(scope="module", autouse=True)
def autograd_mode(request: pytest.FixtureRequest):
    mode = getattr(request, "param", "fast")
    with reference_mode() if mode == "reference" else nullcontext():
        yield mode
