"""Gradients for chosen inputs only: autograd.grad, and backward(inputs=...).

Both name the tensors whose gradients they want, the targets. A target's gradient is
what arrives at the edge its gradient goes along (its grad_fn's output, or its
AccumulateGrad), captured there as the engine runs (_capture). Nodes from which no
target can be reached need not run at all: before it starts, the engine finds the
nodes worth running (_needed_nodes) and sends gradients to those only.
"""

from __future__ import annotations

from teachgrad.autograd.function import Node, edge_to


def _targets(inputs: tuple) -> list[tuple[Node, int]]:
    targets = []
    for tensor in inputs:
        if not tensor.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        targets.append(edge_to(tensor))
    return targets


def _reachable(root_nodes: list[Node]) -> set[Node]:
    """Every node the roots lead to through next_functions."""
    seen = set(root_nodes)
    stack = list(root_nodes)
    while stack:
        for child, _ in stack.pop().next_functions:
            if child is not None and child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def _needed_nodes(root_nodes: list[Node], target_nodes: set[Node]) -> set[Node]:
    """Nodes from which some target can be reached: the only ones worth running."""
    needed: set[Node] = set()
    # Oldest first, so that each node's inputs are settled before the node itself.
    for node in sorted(_reachable(root_nodes), key=_sequence_of):
        if node in target_nodes or any(child in needed for child, _ in node.next_functions):
            needed.add(node)
    return needed


def _sequence_of(node: Node) -> int:
    return node._sequence


def _capture(node: Node, grads: list, targets: list, captured: dict) -> None:
    for target in targets:
        if target[0] is node:
            captured[target] = grads[target[1]]


def _resolve_unused(inputs: tuple, grads: list, allow_unused: bool | None,
                    materialize_grads: bool) -> tuple:
    """autograd.grad's result: for an input the outputs do not depend on, zeros or None."""
    result = []
    for tensor, grad_value in zip(inputs, grads):
        if grad_value is None:
            if materialize_grads:
                grad_value = tensor.new_zeros(tensor.shape)
            elif not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior."
                )
        result.append(grad_value)
    return tuple(result)
