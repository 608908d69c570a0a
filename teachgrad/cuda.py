"""teachgrad.cuda: is there a GPU, how many, and waiting for it.

CuPy is optional. Every function here is safe to call on a machine without it:
is_available() answers False rather than raising, and asking for a CUDA tensor there
raises one error that says what to install.
"""

from __future__ import annotations

import functools

INSTALL_HINT = (
    'install CuPy for your CUDA version, e.g. `pip install "teachgrad[gpu]"` '
    "(cupy-cuda12x) or `pip install cupy-cuda13x` for CUDA 13, on a machine with an NVIDIA GPU"
)


@functools.cache
def _probe() -> tuple[object, int, str]:
    """Import CuPy and count GPUs once: (cupy module or None, GPU count, why none)."""
    try:
        import cupy
    except Exception as error:  # ImportError, or a broken CUDA install raising on import
        return None, 0, f"CuPy is not installed ({type(error).__name__}: {error})"
    try:
        # On a machine without a GPU or driver this raises CUDARuntimeError; on a CuPy
        # build that does not match the driver it raises too. Both mean "no GPU".
        count = cupy.cuda.runtime.getDeviceCount()
        if count:
            cupy.zeros(1)  # a real allocation catches driver/build mismatches early
    except Exception as error:
        return None, 0, f"CuPy is installed but no usable GPU was found ({error})"
    if count == 0:
        return None, 0, "CuPy is installed but the machine has no GPU"
    return cupy, count, ""


def is_available() -> bool:
    """True when CuPy imports and at least one GPU works. Never raises."""
    return _probe()[1] > 0


def device_count() -> int:
    return _probe()[1]


def cupy_module():
    """The cupy module, or a RuntimeError that says what to install."""
    cupy, _, why_not = _probe()
    if cupy is None:
        raise RuntimeError(f"teachgrad cannot use CUDA: {why_not}. To use a GPU, {INSTALL_HINT}.")
    return cupy


def select_device(index: int) -> None:
    cupy = cupy_module()
    if index >= device_count():
        raise RuntimeError(
            f"CUDA error: invalid device ordinal: cuda:{index} was asked for but only "
            f"{device_count()} GPU(s) are present"
        )
    cupy.cuda.Device(index).use()


def synchronize(device: object = None) -> None:
    """Wait until every queued GPU kernel has finished (for honest timings)."""
    if is_available():
        cupy_module().cuda.runtime.deviceSynchronize()


def manual_seed(seed: int) -> None:
    """Seed the GPU generator (teachgrad.manual_seed seeds it too)."""
    from teachgrad.random import seed_cuda

    seed_cuda(seed)


def manual_seed_all(seed: int) -> None:
    manual_seed(seed)
