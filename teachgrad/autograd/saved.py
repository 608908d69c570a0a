"""What save_for_backward keeps for an input, and the check that it is unchanged.

Each tensor forward saves is kept with its version: the count of in-place writes to
its memory (lesson 03). Before backward uses it, saved_tensors compares that count
with the one now: a tensor written in place since would give a wrong gradient, so
that is an error, as in torch. save_for_backward and saved_tensors themselves are
methods of the ctx, in teachgrad/autograd/function.py; an output that forward saved
is kept as a SavedOutput (teachgrad/autograd/outputs.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from teachgrad.autograd.function import Node


class SavedInput(tuple):
    """(tensor, its version when saved): an input of the node kept for backward.

    A bare tuple subclass rather than a class with __init__, because one is made for
    every tensor every op saves, and building a tuple costs a fraction of that.
    """

    __slots__ = ()


def _check_version(current: int, expected: int, what: str, node: Node) -> None:
    if current != expected:
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: {what} saved by {node.name()} is at version {current}; "
            f"expected version {expected} instead. Hint: do not change a tensor in place "
            "(add_, mul_, x[...] = v, -=) between the forward pass that used it and backward; "
            "use the out-of-place op (x = x + y) instead."
        )


# What reading saved_tensors raises once backward has freed them (retain_graph=False).
FREED = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the "
    "graph are freed when you call .backward() or autograd.grad(). Specify "
    "retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward."
)
