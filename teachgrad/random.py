"""Random numbers: one NumPy generator for the CPU, one CuPy generator per GPU.

teachgrad.manual_seed(s) seeds them all, so a lesson prints the same numbers every
run. The numbers differ from torch's (torch has its own generator); the oracle tests
therefore draw values once and hand the same values to both libraries.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class Generator:
    """teachgrad.Generator: an independent stream, e.g. for a DataLoader's shuffling."""

    def __init__(self, device: Any = "cpu") -> None:
        self.device = device
        self._seed = 0
        self.numpy = np.random.default_rng(0)

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self.numpy = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        return self._seed


_cpu = Generator()
_cuda_seed = [0]
_cuda_seeded: set = set()


def manual_seed(seed: int) -> Generator:
    """Seed every device's generator; returns the CPU generator, as torch does."""
    _cpu.manual_seed(seed)
    seed_cuda(seed)
    return _cpu


def initial_seed() -> int:
    return _cpu.initial_seed()


def seed_cuda(seed: int) -> None:
    _cuda_seed[0] = int(seed)
    _cuda_seeded.clear()


def generator_for(array_module: Any, generator: Generator | None = None) -> Any:
    """A random generator object for the module that will hold the numbers."""
    if array_module is np:
        return (generator or _cpu).numpy
    device_id = array_module.cuda.Device().id
    if device_id not in _cuda_seeded:
        # CuPy keeps one generator per GPU; seed it lazily, the first time it is used
        # after manual_seed, so seeding never needs a GPU to be present.
        array_module.random.seed(_cuda_seed[0] + device_id)
        _cuda_seeded.add(device_id)
    return array_module.random
