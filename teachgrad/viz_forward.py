"""The forward view: the graph as a learner writes it, tensors and the ops between them.

Arrows follow the data, left to right: input tensors -> op -> result. Each tensor is
a box with its name (if given in `names`), its shape, its values when it is small, and
its gradient once backward has run: leaves in blue, outputs in green, other named
tensors in yellow. Ops are ellipses named after the forward op (Mul for
MulBackward0). A tensor used twice has two arrows leaving it.

The recorded graph holds nodes, not tensors: it knows every tensor's shape, but the
values only of tensors we hold. Those are the leaves (each AccumulateGrad keeps its
leaf), the outputs and the tensors in `names`; name an intermediate to see its value.
A BackwardStepper (teachgrad/viz_stepper.py) knows every gradient that backward
computed, so `steps=` labels intermediate tensors with their gradients too.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import AccumulateGrad
from teachgrad.viz_drawing import (
    LEAF_COLOR,
    NAMED_COLOR,
    OP_COLOR,
    OUTPUT_COLOR,
    TENSOR_COLOR,
    Edge,
    GraphDrawing,
    GraphWalk,
    format_values,
    is_small,
    join_lines,
    op_name,
    output_index,
    shape_text,
)


def forward_view(tensor: Any, names: dict[str, Any] | None = None, values: bool = True,
                 grads: bool = True, steps: Any = None) -> GraphDrawing:
    """Draw how `tensor` (or a list of outputs) was computed, arrows along the data.

    names: {"label": tensor} for tensors to label (and to show values for).
    values: show the values of the tensors we hold that have at most 8 elements.
    grads: show .grad where a tensor has one (leaves, and retain_grad() tensors).
    steps: a BackwardStepper; every tensor then shows the gradient backward sent it.
    """
    outputs = list(tensor) if isinstance(tensor, (list, tuple)) else [tensor]
    walk = GraphWalk(outputs, names)
    drawing = _ForwardDrawing(walk, values, grads, steps)
    for out in outputs:
        if out.grad_fn is None:
            drawing.lone_tensor(out)
    for node in walk.nodes:
        if node.__class__ is not AccumulateGrad:
            drawing.add_op(node)
    return drawing.dot


class _ForwardDrawing:
    def __init__(self, walk: GraphWalk, values: bool, grads: bool, steps: Any) -> None:
        self.walk, self.values, self.grads, self.steps = walk, values, grads, steps
        self.dot = GraphDrawing(graph_attr={"rankdir": "LR"}, node_attr={"fontsize": "11"})
        self.ids: dict[Any, str] = {}
        self.outputs = {id(t) for t in walk.outputs}
        # Only op results something uses, or that are outputs or named, get a box.
        self.used = {edge for node in walk.nodes for _, edge in walk.inputs(node)}
        self.used |= {(t.grad_fn, output_index(t)) for t in walk.outputs if t.grad_fn}
        self.used |= set(walk.held)

    def dot_name(self, key: Any) -> str:
        return self.ids.setdefault(key, f"n{len(self.ids)}")

    def add_op(self, node: Any) -> None:
        op = self.dot_name(("op", id(node)))
        self.dot.node(op, op_name(node), shape="ellipse", style="filled", fillcolor=OP_COLOR)
        for _, edge in self.walk.inputs(node):
            self.dot.edge(self.tensor_box(edge), op)
        for index in range(len(node._output_meta)):
            if (node, index) in self.used:
                self.dot.edge(op, self.tensor_box((node, index)))

    def lone_tensor(self, t: Any) -> None:
        name = self.dot_name(("tensor", id(t)))
        self.dot.node(name, self.label(t, shape_text(tuple(t.shape)), None), shape="box",
                      style="rounded,filled", fillcolor=LEAF_COLOR if t.requires_grad else
                      TENSOR_COLOR)

    def tensor_box(self, edge: Edge) -> str:
        key = ("edge", id(edge[0]), edge[1])
        if key in self.ids:
            return self.ids[key]
        name = self.dot_name(key)
        t = self.walk.held.get(edge)
        node, index = edge
        if node.__class__ is AccumulateGrad:
            color, shape = LEAF_COLOR, tuple(node.variable.shape)
        else:
            shape = tuple(node._output_meta[index][0])
            color = TENSOR_COLOR if t is None else (
                OUTPUT_COLOR if id(t) in self.outputs else NAMED_COLOR)
        label = self.label(t, shape_text(shape), edge)
        self.dot.node(name, label, shape="box", style="rounded,filled", fillcolor=color)
        return name

    def label(self, t: Any, shape: str, edge: Edge | None) -> str:
        lines = [shape]
        if t is not None and self.walk.name_of(t):
            lines.insert(0, self.walk.name_of(t))
        if t is not None and self.values and is_small(t):
            lines.append("value " + format_values(t))
        grad = self.gradient(t, edge)
        if grad is not None and is_small(grad):
            lines.append("grad " + format_values(grad))
        return join_lines(lines)

    def gradient(self, t: Any, edge: Edge | None) -> Any:
        """What to show as this tensor's gradient: the stepper's, else its .grad."""
        if self.steps is not None and edge is not None:
            if edge[0].__class__ is not AccumulateGrad:  # a leaf shows its whole .grad
                return self.steps.gradient_of(edge)
        if t is None or not self.grads:
            return None
        # Only leaves and tensors that called retain_grad() keep a .grad.
        return t.grad if (t.grad_fn is None or t.retains_grad) else None
