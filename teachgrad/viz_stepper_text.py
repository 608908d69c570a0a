"""The stepper's words: one short paragraph per step, the same on every run.

No addresses, no timings: a lesson prints these and nbval compares them.

    step 2 of 6: AddBackward0
      receives [1. 1.]
      sends [1. 1.] to ReluBackward0
      sends [1. 1.] to AccumulateGrad of x
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import AccumulateGrad
from teachgrad.viz_drawing import GraphWalk, format_values, shape_text


def node_title(node: Any, walk: GraphWalk) -> str:
    """MulBackward0, or for a leaf's node 'AccumulateGrad of x' (its name, else its shape)."""
    if node.__class__ is not AccumulateGrad:
        return type(node).__name__
    leaf = node.variable
    return f"AccumulateGrad of {walk.name_of(leaf) or 'a leaf ' + shape_text(tuple(leaf.shape))}"


def step_text(step: Any, count: int, walk: GraphWalk) -> str:
    lines = [f"step {step.number} of {count}: {node_title(step.node, walk)}"]
    lines += _received(step)
    if step.node.__class__ is AccumulateGrad:
        leaf = step.node.variable
        name = walk.name_of(leaf) or "the leaf"
        lines.append(_item(f"{name}.grad is now", step.grad_after))
    for _, edge, grad in step.sent:
        target = _target(edge, walk)
        lines.append(f"  sends nothing to {target}" if grad is None
                     else _item("sends", grad) + f" to {target}")
    return "\n".join(lines)


def _received(step: Any) -> list[str]:
    if len(step.received) == 1:
        return [_item("receives", step.received[0])]
    return [_item(f"receives for output {i}", g) if g is not None
            else f"  receives nothing for output {i} (zeros)"
            for i, g in enumerate(step.received)]


def _target(edge: tuple, walk: GraphWalk) -> str:
    title = node_title(edge[0], walk)
    held = walk.held.get(edge)
    name = walk.name_of(held) if held is not None else None
    if name and edge[0].__class__ is not AccumulateGrad:
        return f"{title} (the gradient of {name})"
    return title


def _item(words: str, t: Any) -> str:
    """'  receives [1. 2.]', with a matrix's later rows lined up under its first."""
    head = f"  {words} "
    values = format_values(t).splitlines()
    return "\n".join([head + values[0], *(" " * len(head) + line for line in values[1:])])
