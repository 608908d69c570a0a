"""Identity: y = x, a placeholder layer (e.g. to take a layer out of a model)."""

from __future__ import annotations

from typing import Any

from teachgrad.nn.module import Module
from teachgrad.tensor import Tensor


class Identity(Module):
    """Returns its input unchanged; accepts and ignores any arguments, as torch's does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input
