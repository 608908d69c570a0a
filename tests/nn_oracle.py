"""Helpers for the nn/optim tests that run teachgrad and torch side by side.

Values are drawn once with NumPy and handed to both libraries, so any difference
comes from the code under test, never from the random numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import teachgrad

try:
    import torch
except ImportError:  # every test module that imports this skips without torch
    torch = None

FLOAT32 = {"rtol": 1.3e-6, "atol": 1e-5}  # torch.testing's defaults for float32
FLOAT64 = {"rtol": 1e-7, "atol": 1e-7}


def values(shape: Any, seed: int = 0, dtype: str = "float32", low: float | None = None,
           high: float | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if low is not None:
        return rng.uniform(low, high, size=shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def both(array: np.ndarray, requires_grad: bool = False) -> tuple:
    """The same values as a teachgrad tensor and a torch tensor (independent copies)."""
    ours = teachgrad.tensor(array.copy(), requires_grad=requires_grad)
    theirs = torch.tensor(array.copy(), requires_grad=requires_grad)
    return ours, theirs


def as_numpy(tensor: Any) -> np.ndarray:
    if isinstance(tensor, teachgrad.Tensor):
        return tensor.detach().cpu().numpy()
    return tensor.detach().cpu().numpy()


def assert_close(ours: Any, theirs: Any, **tolerance: float) -> None:
    """Same shape and values within tolerance (float32's by default)."""
    assert ours is not None and theirs is not None, (ours, theirs)
    mine, reference = as_numpy(ours), as_numpy(theirs)
    assert mine.shape == reference.shape, (mine.shape, reference.shape)
    tolerance = tolerance or (FLOAT64 if reference.dtype == np.float64 else FLOAT32)
    np.testing.assert_allclose(mine, reference, **tolerance)


def copy_weights(ours: teachgrad.nn.Module, theirs: Any) -> None:
    """Give a teachgrad module exactly the parameters and buffers of a torch module."""
    state = {name: teachgrad.tensor(value.detach().numpy().copy())
             for name, value in theirs.state_dict().items()}
    ours.load_state_dict(state)


def torch_message(error: BaseException) -> str:
    """torch's message with torch spelled teachgrad, to compare with ours."""
    return str(error).replace("torch.", "teachgrad.")


@pytest.fixture(autouse=True)
def seed_both() -> None:
    """Every test starts from the same random state in both libraries (import this fixture
    into a test module to make it apply there): torch's default weights are then the same
    on every run."""
    teachgrad.manual_seed(0)
    if torch is not None:
        torch.manual_seed(0)
