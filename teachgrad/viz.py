"""Draw the computation graph behind a tensor, the way autograd sees it.

    from teachgrad.viz import draw_graph
    draw_graph(loss, names={"w": w, "b": b, "loss": loss})

The picture has two kinds of boxes:
- tensors (rounded): leaves in blue, outputs in green, and any other tensor you
  name in `names`; each shows its name (if given), its shape and, on request,
  its values and its .grad;
- operations (grey): the graph nodes autograd recorded, with torch's names
  (MulBackward0, SumBackward0, ...). A leaf that requires grad reaches the graph
  through its AccumulateGrad node, the node that adds gradients into leaf.grad.

Arrows point the way data flowed in the forward pass: inputs -> op -> output.
(backward walks them in the opposite direction.) Inputs that do not require grad,
like constants and data, are not part of the graph, so they are not drawn.

The graph is walked only through what every node offers: `next_functions`, the
(node, index) pairs of its inputs, and `.variable`, the leaf behind an
AccumulateGrad node. In a notebook the result shows as a PNG picture. Without
Graphviz's `dot` program it shows the DOT text instead, with a hint how to install it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:
    import graphviz
except ImportError as error:  # graphviz is an optional dependency
    import shlex
    import sys

    # Name the interpreter: a bare `pip` may belong to another Python than the kernel's.
    _python = shlex.quote(sys.executable)
    raise ImportError(
        "teachgrad.viz needs the graphviz Python package; teachgrad's `lab` extra includes "
        "it. Install it into the Python that runs this code: in a notebook, run  %pip install "
        "graphviz  in a cell, then restart the kernel; in a shell, run  "
        f'{_python} -m pip install "teachgrad[lab]"  (or: {_python} -m pip install graphviz)'
    ) from error

INSTALL_HINT = (
    "Graphviz's `dot` program is missing, so here is the graph as DOT text. To see a "
    "picture: apt-get install graphviz (or brew install graphviz, or conda install "
    "graphviz), then restart the kernel."
)

LEAF_COLOR = "lightblue"
OUTPUT_COLOR = "darkolivegreen1"
TENSOR_COLOR = "white"
OP_COLOR = "lightgrey"


class GraphDrawing(graphviz.Digraph):
    """A graphviz.Digraph that a notebook shows as PNG, or as DOT text without `dot`.

    PNG needs no trusted notebook (JupyterLab hides SVG from untrusted ones), and
    nbval does not compare images, so a lesson's stored output stays valid.
    """

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict:
        try:
            return {"image/png": self.pipe(format="png")}
        except graphviz.ExecutableNotFound:
            return {"text/plain": f"{INSTALL_HINT}\n\n{self.source}"}

    def __repr__(self) -> str:
        # Fixed text: notebooks store it next to the PNG, and nbval compares it.
        return "<teachgrad.viz.GraphDrawing: a computation graph; .source holds its DOT text>"


def draw_graph(tensor: Any, names: dict[str, Any] | None = None, show_values: bool = False,
               show_grads: bool = False) -> GraphDrawing:
    """Draw the graph that produced `tensor` (or a list of output tensors).

    names: {"label": tensor} for tensors you want labelled, leaves or not.
    show_values / show_grads: also print each drawn tensor's values / .grad.
    """
    outputs = list(tensor) if isinstance(tensor, (list, tuple)) else [tensor]
    labels = {id(t): name for name, t in (names or {}).items()}
    # Named non-leaf tensors are found by the node that made them and which output they are.
    named_results = {
        (t.grad_fn, _output_index(t)): t for t in (names or {}).values() if t.grad_fn is not None
    }

    dot = GraphDrawing(graph_attr={"rankdir": "TB"}, node_attr={"fontsize": "11"})
    ids: dict[int, str] = {}  # id(node or tensor) -> DOT name, numbered in drawing order
    drawn: list = []  # keeps what was drawn alive, so no id() is reused during the walk

    def dot_name(thing: Any) -> str:
        if id(thing) not in ids:
            ids[id(thing)] = f"n{len(ids)}"
            drawn.append(thing)
        return ids[id(thing)]

    def add_tensor(t: Any, color: str) -> str:
        if id(t) not in ids:
            label = _tensor_label(t, labels.get(id(t)), show_values, show_grads)
            dot.node(dot_name(t), label, shape="box", style="rounded,filled", fillcolor=color)
        return ids[id(t)]

    def add_op(node: Any) -> str:
        """Draw an op node (once) and, walking towards the inputs, everything feeding it."""
        if id(node) in ids:
            return ids[id(node)]
        dot.node(dot_name(node), type(node).__name__, shape="box", style="filled",
                 fillcolor=OP_COLOR)
        if hasattr(node, "variable"):  # AccumulateGrad: the leaf tensor feeds it
            dot.edge(add_tensor(node.variable, LEAF_COLOR), ids[id(node)])
        for child, output_nr in node.next_functions:
            if child is None:  # this input does not require grad: not in the graph
                continue
            source = add_op(child)
            result = named_results.get((child, output_nr))
            if result is not None:  # route through the named intermediate tensor
                if id(result) not in ids:
                    add_tensor(result, TENSOR_COLOR)
                    dot.edge(source, ids[id(result)])
                source = ids[id(result)]
            dot.edge(source, ids[id(node)])
        return ids[id(node)]

    for out in outputs:
        if out.grad_fn is None:  # a leaf on its own: nothing was recorded
            add_tensor(out, LEAF_COLOR if out.requires_grad else TENSOR_COLOR)
            continue
        op = add_op(out.grad_fn)
        if id(out) not in ids:
            add_tensor(out, OUTPUT_COLOR)
            dot.edge(op, ids[id(out)])
        else:  # an output that is also a named intermediate: recolour it
            dot.node(ids[id(out)], fillcolor=OUTPUT_COLOR)
    return dot


def _output_index(t: Any) -> int:
    """Which output of its grad_fn this tensor is (0 unless the op had several)."""
    return getattr(t, "output_nr", getattr(t, "_output_nr", 0))


def _tensor_label(t: Any, name: str | None, show_values: bool, show_grads: bool) -> str:
    lines = [name] if name else []
    lines.append(str(tuple(t.shape)) if t.dim() else "scalar")
    if show_values:
        lines.append("value " + _format_values(t))
    if show_grads:
        # Only leaves and tensors that called retain_grad() keep a .grad.
        grad = t.grad if (t.grad_fn is None or t.retains_grad) else None
        lines.append("grad " + ("None" if grad is None else _format_values(grad)))
    # Graphviz reads "\n" inside a label as a centred line break.
    return "\\n".join(line for text in lines for line in text.splitlines())


def _format_values(t: Any) -> str:
    values = np.asarray(t.detach().cpu().numpy())
    return np.array2string(values, precision=4, suppress_small=True, threshold=12, edgeitems=2)
