"""Flatten: merge dims start_dim..end_dim into one, e.g. images (N, C, H, W) to (N, C*H*W)."""

from __future__ import annotations

from teachgrad.nn.module import Module
from teachgrad.tensor import Tensor


class Flatten(Module):
    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
