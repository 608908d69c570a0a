"""The rest of Tensor's autograd API: retain_grad, register_hook (and the handle it
returns), retains_grad and detach_.

teachgrad/tensor.py keeps what a learner needs to follow autograd (requires_grad,
grad, grad_fn, is_leaf, backward, detach); teachgrad/methods.py attaches these to
Tensor.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # tensor.py imports this module before Tensor exists
    from teachgrad.tensor import Tensor


def check_requires_grad(tensor: Tensor, requires_grad: bool) -> None:
    """torch's errors for requires_grad_ on a non-leaf (to False) or a non-float tensor."""
    if tensor.grad_fn is not None and not requires_grad:
        raise RuntimeError(
            "you can only change requires_grad flags of leaf variables. If you want to use "
            "a computed variable in a subgraph that doesn't require differentiation use "
            "var_no_grad = var.detach()."
        )
    if requires_grad and tensor._array.dtype.kind not in "f":
        raise RuntimeError(
            f"only Tensors of floating point dtype can require gradients (this one is "
            f"{tensor.dtype}). Convert it first, e.g. x.float().requires_grad_()."
        )


def warn_non_leaf_grad() -> None:
    warnings.warn(
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
        "Its .grad attribute won't be populated during autograd.backward(). If you "
        "indeed want the gradient for a non-leaf Tensor, use .retain_grad() on the "
        "non-leaf Tensor.",
        UserWarning,
        stacklevel=3,  # the line that read x.grad
    )


def check_grad_value(tensor: Tensor, value: Any) -> None:
    """torch's errors for `tensor.grad = value` with a non-tensor or a wrong shape."""
    from teachgrad.tensor import Tensor  # here: tensor.py imports this module first

    if not isinstance(value, Tensor):
        raise TypeError(f"assigned grad expected to be a Tensor or None but got "
                        f"{type(value).__name__}")
    if value._array.shape != tensor._array.shape:
        raise RuntimeError(
            f"assigned grad has data of a different size: {list(value.shape)} for a "
            f"tensor of size {list(tensor.shape)}"
        )


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


def retains_grad(x: Tensor) -> bool:
    return x._retains_grad


def retain_grad(x: Tensor) -> None:
    """Keep this non-leaf tensor's gradient in .grad after backward."""
    if not x._requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if x.grad_fn is None or x._retains_grad:
        return
    node = x.grad_fn
    if node._retained is None:
        node._retained = []
    node._retained.append((x._output_nr, weakref.ref(x)))
    x._retains_grad = True


def register_hook(x: Tensor, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
    """Call hook(grad) when this tensor's gradient is computed; it may return a new one.

    Returns a handle whose remove() unregisters the hook again.
    """
    if not x._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    # A leaf keeps its hooks; a non-leaf's hooks live on its grad_fn node, with the
    # output they belong to. Lists are replaced, never changed, while backward runs.
    owner, entry = (x, hook) if x.grad_fn is None else (x.grad_fn, (x._output_nr, hook))
    owner._hooks = (owner._hooks or []) + [entry]
    return RemovableHandle(owner, entry)
