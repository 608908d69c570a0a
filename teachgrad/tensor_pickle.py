"""How pickle (and teachgrad.save) stores a tensor: its values as a NumPy array, its
device's name and requires_grad; _rebuild makes the tensor again from them."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachgrad.device import as_device, move_array


class PickledAsArray:
    __slots__ = ()  # Tensor keeps its own fields in slots

    def __reduce_ex__(self, protocol: int) -> tuple:
        # pickle (teachgrad.save) stores the values as a NumPy array and names _rebuild by
        # its path: saved files depend on it (teachgrad/serialization.py reads it).
        return (_rebuild, (type(self), self.numpy(force=True), str(self.device),
                           self._requires_grad))


def _rebuild(cls: type, array: np.ndarray, device: str, requires_grad: bool) -> Any:
    tensor = cls._make(move_array(array, as_device(device)))
    tensor._requires_grad = requires_grad
    return tensor
