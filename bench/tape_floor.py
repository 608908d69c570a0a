"""How close to NumPy can any autograd written in Python get on benchmark 1's step?

A reference point, not a target: `Bare` below is a minimal tape autograd that runs
the two-layer step of bench/two_layer.py (five kinds of op, closures for backward, a
depth-first topological order, no checks). It has none of what teachgrad keeps to
behave like torch: version counters, hooks, needs_input_grad, shape and dtype
validation of gradients, no_grad, silenced float warnings, a heap that orders any
graph. Its ratio to hand-written NumPy is the price of Python calls alone; the gap
between it and teachgrad is the price of that bookkeeping. All three are timed in
one interleaved run, as in bench/two_layer.py.

    python bench/tape_floor.py
"""

from __future__ import annotations

from collections.abc import Callable

import _setup
import numpy as np
from two_layer import LEARNING_RATE, autograd_leaves, autograd_step, make_data, numpy_step

import teachgrad


class Bare:
    """An array, its gradient, and how to send a gradient back to the arrays it came from."""

    __slots__ = ("array", "grad", "parents", "send_back", "needs_grad")

    def __init__(self, array: np.ndarray, parents: tuple = (),
                 send_back: Callable | None = None) -> None:
        self.array = array
        self.grad = None
        self.parents = parents
        self.send_back = send_back  # upstream gradient -> one gradient per parent
        self.needs_grad = any(parent.needs_grad for parent in parents)

    def mm(self, other: Bare) -> Bare:
        a, b = self.array, other.array
        # Only the products someone needs: x in x @ w1 needs no gradient.
        return Bare(a @ b, (self, other), lambda g: (g @ b.T if self.needs_grad else None,
                                                     a.T @ g if other.needs_grad else None))

    def relu(self) -> Bare:
        a = self.array
        return Bare(np.maximum(a, 0), (self,), lambda g: (g * (a >= 0),))

    def __sub__(self, other: Bare) -> Bare:
        return Bare(self.array - other.array, (self, other),
                    lambda g: (g, -g if other.needs_grad else None))

    def square(self) -> Bare:
        a = self.array
        return Bare(a * a, (self,), lambda g: (2.0 * a * g,))

    def sum(self) -> Bare:
        a = self.array
        return Bare(a.sum(), (self,), lambda g: (np.broadcast_to(g, a.shape),))

    def backward(self) -> None:
        order: list[Bare] = []
        seen: set[int] = set()

        def visit(node: Bare) -> None:
            if id(node) not in seen:
                seen.add(id(node))
                for parent in node.parents:
                    visit(parent)
                order.append(node)

        visit(self)
        pending = {id(self): np.ones((), self.array.dtype)}
        for node in reversed(order):
            grad = pending.pop(id(node), None)
            if grad is None or not node.needs_grad:
                continue
            if node.send_back is None:  # a leaf
                node.grad = grad if node.grad is None else node.grad + grad
                continue
            for parent, parent_grad in zip(node.parents, node.send_back(grad)):
                if parent_grad is not None:
                    key = id(parent)
                    pending[key] = parent_grad if key not in pending else pending[key] + parent_grad


def bare_step(x: Bare, y: Bare, w1: Bare, w2: Bare) -> None:
    loss = (x.mm(w1).relu().mm(w2) - y).square().sum()
    loss.backward()
    w1.array -= LEARNING_RATE * w1.grad
    w2.array -= LEARNING_RATE * w2.grad
    w1.grad = w2.grad = None


def bare_leaves(data: list[np.ndarray]) -> list[Bare]:
    """x, y, w1, w2 on the bare tape; the two weights need gradients."""
    leaves = [Bare(a.copy()) for a in data]
    leaves[2].needs_grad = leaves[3].needs_grad = True
    return leaves


def check_same_update(data: list[np.ndarray]) -> None:
    """A timing of a wrong step would mean nothing: one step of each must agree."""
    by_hand = [a.copy() for a in data]
    numpy_step(*by_hand)
    bare = bare_leaves(data)
    bare_step(*bare)
    for hand, tape in zip(by_hand[2:], bare[2:]):
        np.testing.assert_allclose(tape.array, hand, rtol=1e-5, atol=1e-6)


def main(rounds: int = 200) -> dict[str, float]:
    data = make_data()
    check_same_update(data)
    np_arrays = [a.copy() for a in data]
    bare = bare_leaves(data)
    tg = autograd_leaves(teachgrad, data)
    steps = {
        "numpy (by hand)": lambda: numpy_step(*np_arrays),
        "bare Python tape": lambda: bare_step(*bare),
        "teachgrad autograd": lambda: autograd_step(teachgrad, *tg),
    }
    print(f"two-layer step of bench/two_layer.py; {_setup.describe_threads()}")
    return _setup.compare("median per step:", steps,
                          {"numpy": "numpy (by hand)", "bare": "bare Python tape"},
                          rounds=rounds, inner=5)


if __name__ == "__main__":
    main()
