"""teachgrad.accelerator: torch's device-neutral questions (is there a GPU, which one).

Recent PyTorch tutorials pick their device with

    accelerated = torch.accelerator.is_available()
    device = torch.accelerator.current_accelerator().type if accelerated else "cpu"

teachgrad's only accelerator is CUDA through CuPy (teachgrad.cuda), so each function
here answers for CUDA, and, like torch's CPU build, current_accelerator() is None on
a machine without one.
"""

from __future__ import annotations

from typing import Any

from teachgrad import cuda
from teachgrad.device import device


def is_available() -> bool:
    """True when a GPU can be used (CuPy imports and finds one). Never raises."""
    return cuda.is_available()


def device_count() -> int:
    return cuda.device_count()


def current_accelerator(check_available: bool = False) -> device | None:
    """device('cuda') where a GPU works, else None (torch's CPU build answers None too)."""
    return device("cuda") if cuda.is_available() else None


def current_device_index() -> int:
    """The index of the GPU that new CUDA tensors go to."""
    if not cuda.is_available():
        raise RuntimeError("Cannot access accelerator device when none is available. "
                           "Check torch.accelerator.is_available() first.")
    return int(cuda.cupy_module().cuda.Device().id)


current_device_idx = current_device_index


def set_device_index(index: Any) -> None:
    """Make GPU `index` (an int, 'cuda:1' or a device) the one new CUDA tensors go to."""
    if isinstance(index, (str, device)):
        index = device(index).index or 0
    cuda.select_device(int(index))


set_device_idx = set_device_index


def synchronize(device: Any = None) -> None:
    """Wait for every queued GPU kernel (nothing to wait for without a GPU)."""
    cuda.synchronize(device)
