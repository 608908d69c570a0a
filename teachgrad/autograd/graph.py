"""What every node of the graph offers for looking at the graph, as torch's nodes do.

A learner (or teachgrad.viz, or a test) can ask a grad_fn for its name, its inputs'
nodes (next_functions, set by apply) and the order in which it was recorded. None of
this takes part in computing gradients: the engine reads the nodes' attributes
directly (teachgrad/autograd/engine.py).
"""

from __future__ import annotations

import itertools
from typing import Any


class GraphNode:
    """The base of every node class: introspection only (see teachgrad/autograd/function.py)."""

    _name: str
    _sequence: int

    def name(self) -> str:
        return self._name

    def _sequence_nr(self) -> int:
        """The order in which nodes were recorded: backward runs the newest first."""
        return self._sequence

    def register_hook(self, hook: Any) -> None:
        raise NotImplementedError("register hooks on tensors: tensor.register_hook(fn)")

    def __repr__(self) -> str:
        name = self._name.rpartition("::")[2]  # torch::autograd::AccumulateGrad: the last part
        return f"<{name} object at {hex(id(self))}>"


# Numbers for nodes, counting up as they are recorded. A node's inputs were recorded
# before it, so running nodes newest first never runs one before all its gradients
# have arrived (teachgrad/autograd/engine.py).
_next_sequence = itertools.count().__next__
