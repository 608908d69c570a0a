"""Where a tensor lives: device("cpu") holds NumPy arrays, device("cuda:N") CuPy arrays.

Ops never ask which device they run on. They take the array module (numpy or cupy)
from their inputs' arrays and call the same functions on it, so one code path serves
both devices.
"""

from __future__ import annotations

import numpy as np


class device:
    __slots__ = ("type", "index")

    def __init__(self, type: str | device, index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index
        elif not isinstance(type, str):
            raise TypeError(f"device() expects a string such as 'cpu' or 'cuda:0', got {type!r}")
        elif ":" in type:
            type, _, index_text = type.partition(":")
            if not index_text.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{index_text}'")
            index = int(index_text)
        if type not in ("cpu", "cuda"):
            raise RuntimeError(
                f"Expected one of cpu, cuda device type at start of device string: {type}"
            )
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type = type
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        # A device equals only a device, as in torch: x.device == "cuda" is False even on
        # the GPU (compare x.device.type == "cuda", or x.is_cuda).
        if not isinstance(other, device):
            return NotImplemented
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


CPU = device("cpu")


# Where factory functions put their tensors when told nothing: torch.set_default_device.
_default = [CPU]


def set_default_device(spec: str | device | int | None) -> None:
    """Make zeros, randn, tensor, ... create their tensors on this device (None: the CPU)."""
    _default[0] = CPU if spec is None else as_device(spec)


def get_default_device() -> device:
    return _default[0]


def as_device(spec: str | device | int | None) -> device:
    """Parse what users pass as device=: None means the default device (the CPU unless
    set_default_device changed it), an int means that GPU."""
    if spec is None:
        return _default[0]
    if isinstance(spec, int):
        return device("cuda", spec)
    return spec if isinstance(spec, device) else device(spec)


def device_of(array: object) -> device:
    """The device an array lives on: NumPy arrays on the CPU, CuPy arrays on their GPU."""
    if type(array) is np.ndarray:
        return CPU
    return device("cuda", array.device.id)


def array_module(array: object):
    """numpy for NumPy arrays, cupy for CuPy arrays: the one switch between devices."""
    if type(array) is np.ndarray:
        return np
    if isinstance(array, (np.generic, bool, int, float)):  # what NumPy returns for 0-d math
        return np
    from teachgrad.cuda import cupy_module

    return cupy_module()


def module_for(target: device):
    """The array module that creates arrays on `target` (and selects that GPU)."""
    if target.type == "cpu":
        return np
    from teachgrad.cuda import cupy_module, select_device

    select_device(target.index or 0)
    return cupy_module()


def move_array(array: object, target: device) -> object:
    """Copy an array to `target`, or return it as is when it already lives there."""
    if device_of(array) == target or (target.type == "cuda" and target.index is None
                                      and type(array) is not np.ndarray):
        return array
    if target.type == "cpu":
        return array.get()
    cupy = module_for(target)
    return cupy.asarray(array)
