"""Variable: the name tensors had before PyTorch 0.4 merged it into Tensor.

Old tutorials wrap data as Variable(tensor, requires_grad=True). Here that call just
returns a Tensor, so such code still runs; new code should use tensors directly.
"""

from __future__ import annotations

from typing import Any


def Variable(data: Any, requires_grad: bool = False, volatile: bool = False) -> Any:
    """Deprecated alias: returns `data` as a Tensor (a leaf; requires_grad as asked)."""
    from teachgrad.tensor import Tensor

    if not isinstance(data, Tensor):
        raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
    leaf = data.detach()
    leaf.requires_grad_(requires_grad)
    return leaf
