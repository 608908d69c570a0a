"""The backward view: the nodes backward() runs, with arrows the way gradients flow.

Boxes are the objects autograd recorded (MulBackward0, AccumulateGrad, ...). An arrow
from node A to node B means "A's backward sends a gradient to B": it starts at the
output (the seed gradient enters its grad_fn) and ends in the leaves, each one a sink
that its AccumulateGrad node writes into (leaf.grad += gradient). A tensor you name
sits on the arrow that carries its gradient. Inputs that need no gradient (data,
constants, a `dim` argument) are not in the graph, so they are not drawn.

The stepper (teachgrad/viz_stepper.py) draws its frames with this view, passing
`Marks`: which node runs now, which ran, and the gradients that moved so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from teachgrad.autograd.function import AccumulateGrad
from teachgrad.viz_drawing import (
    LEAF_COLOR,
    NAMED_COLOR,
    OP_COLOR,
    OUTPUT_COLOR,
    TENSOR_COLOR,
    GraphDrawing,
    GraphWalk,
    join_lines,
    output_index,
    tensor_label,
)

CURRENT_COLOR = "orange"
DONE_COLOR = "palegreen"


@dataclass
class Marks:
    """What a stepper frame adds to the backward view (all text already formatted)."""

    current: Any = None  # the node whose backward runs in this frame
    step_of: dict[int, int] = field(default_factory=dict)  # id(node) -> step number (ran)
    sent: dict[tuple[int, int], str] = field(default_factory=dict)  # (id(node), input) -> grad
    seeds: dict[int, str] = field(default_factory=dict)  # output position -> seed gradient
    leaf_grads: dict[int, str] = field(default_factory=dict)  # id(leaf) -> .grad so far
    caption: str = ""


def backward_view(tensor: Any, names: dict[str, Any] | None = None, show_values: bool = False,
                  show_grads: bool = False) -> GraphDrawing:
    """Draw the nodes backward() runs for `tensor` (or a list of outputs), gradients' way.

    names: {"label": tensor} for tensors you want labelled, leaves or not.
    show_values / show_grads: also print each drawn tensor's values / .grad.
    """
    outputs = list(tensor) if isinstance(tensor, (list, tuple)) else [tensor]
    return draw_backward(outputs, names, show_values, show_grads)


def draw_backward(outputs: list, names: dict[str, Any] | None, show_values: bool,
                  show_grads: bool, marks: Marks | None = None) -> GraphDrawing:
    walk = GraphWalk(outputs, names)
    drawing = _BackwardDrawing(walk, show_values, show_grads, marks or Marks())
    for position, out in enumerate(outputs):
        drawing.add_output(position, out)
    for node in walk.nodes:
        drawing.add_node(node)
    return drawing.dot


class _BackwardDrawing:
    """One drawing being built: DOT names n0, n1, ... in the order things are drawn."""

    def __init__(self, walk: GraphWalk, show_values: bool, show_grads: bool,
                 marks: Marks) -> None:
        self.walk, self.marks = walk, marks
        self.show_values, self.show_grads = show_values, show_grads
        self.dot = GraphDrawing(graph_attr={"rankdir": "TB"}, node_attr={"fontsize": "11"},
                                edge_attr={"fontsize": "10"})
        if marks.caption:
            # \l ends a left-justified line in a Graphviz label.
            self.dot.attr(label=marks.caption.replace("\n", "\\l") + "\\l", labelloc="t",
                          labeljust="l", fontsize="11")
        self.ids: dict[Any, str] = {}
        self.outputs = {id(t) for t in walk.outputs}

    def dot_name(self, key: Any) -> str:
        return self.ids.setdefault(key, f"n{len(self.ids)}")

    def add_output(self, position: int, out: Any) -> None:
        if out.grad_fn is None:  # a leaf on its own: nothing was recorded
            self.tensor_box(out, LEAF_COLOR if out.requires_grad else TENSOR_COLOR)
            return
        self.held_tensor((out.grad_fn, output_index(out)), self.marks.seeds.get(position))

    def held_tensor(self, edge: tuple, label: str | None = None) -> str:
        """A named or output tensor: its box, and the arrow from it into its grad_fn."""
        t = self.walk.held[edge]
        if ("tensor", id(t)) in self.ids:
            return self.ids[("tensor", id(t))]
        color = OUTPUT_COLOR if id(t) in self.outputs else NAMED_COLOR
        box = self.tensor_box(t, color)
        self.dot.edge(box, self.dot_name(("node", id(edge[0]))), label=label)
        return box

    def tensor_box(self, t: Any, color: str, grad_text: str | None = None) -> str:
        name = self.dot_name(("tensor", id(t)))
        label = tensor_label(t, self.walk.name_of(t), self.show_values,
                             self.show_grads and grad_text is None)
        if grad_text is not None:
            label = join_lines([label, "grad " + grad_text])
        self.dot.node(name, label, shape="box", style="rounded,filled", fillcolor=color)
        return name

    def add_node(self, node: Any) -> None:
        name = self.dot_name(("node", id(node)))
        step = self.marks.step_of.get(id(node))
        label = type(node).__name__ if step is None else f"{type(node).__name__}\\nstep {step}"
        color = OP_COLOR if step is None else DONE_COLOR
        if node is self.marks.current:
            color = CURRENT_COLOR
        self.dot.node(name, label, shape="box", style="filled", fillcolor=color)
        if node.__class__ is AccumulateGrad:  # the leaf is where its gradient ends up
            leaf = node.variable
            leaf_box = self.tensor_box(leaf, LEAF_COLOR, self.marks.leaf_grads.get(id(leaf)))
            self.dot.edge(name, leaf_box, label="+= .grad" if step is not None else None)
        for position, edge in self.walk.inputs(node):
            self.dot.edge(name, self.target(edge), label=self.marks.sent.get((id(node), position)))

    def target(self, edge: tuple) -> str:
        """Where a gradient sent along `edge` goes: a named tensor's box, or the node."""
        if edge in self.walk.held and edge[0].__class__ is not AccumulateGrad:
            return self.held_tensor(edge)
        return self.dot_name(("node", id(edge[0])))
