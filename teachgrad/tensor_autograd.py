"""The long tail of Tensor's autograd API: the handle register_hook returns, and detach_.

teachgrad/tensor.py keeps what a learner needs to follow autograd (requires_grad,
grad, grad_fn, is_leaf, backward, detach, retain_grad, register_hook). tensor.py
imports RemovableHandle from here; teachgrad/methods.py attaches detach_ to Tensor.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # tensor.py imports this module before Tensor exists
    from teachgrad.tensor import Tensor


class RemovableHandle:
    """What register_hook returns: handle.remove() unregisters that hook."""

    __slots__ = ("_owner", "_entry")

    def __init__(self, owner: Any, entry: Any) -> None:
        self._owner = weakref.ref(owner)  # a handle must not keep a graph alive
        self._entry = entry

    def remove(self) -> None:
        owner = self._owner()
        if owner is not None and owner._hooks:
            owner._hooks = [entry for entry in owner._hooks if entry is not self._entry] or None


def detach_(x: Tensor) -> Tensor:
    """Make x a leaf that does not require grad, in place (views cannot)."""
    if x._base is not None:
        raise RuntimeError("Can't detach views in-place. Use detach() instead.")
    x.grad_fn = None
    x._requires_grad = False
    return x
