"""What every view in teachgrad.viz shares: the drawing class, labels, and the graph walk.

The walk reads only what every node offers (`next_functions`, the (node, output
index) pairs of its inputs, and `.variable`, the leaf behind an AccumulateGrad
node), so the views draw exactly the graph that backward() will run.
"""

from __future__ import annotations

from typing import Any

import graphviz
import numpy as np

from teachgrad.autograd.function import AccumulateGrad

INSTALL_HINT = (
    "Graphviz's `dot` program is missing, so here is the graph as DOT text. To see a "
    "picture: apt-get install graphviz (or brew install graphviz, or conda install "
    "graphviz), then restart the kernel."
)

LEAF_COLOR = "lightblue"
OUTPUT_COLOR = "darkolivegreen1"
NAMED_COLOR = "lightyellow"
TENSOR_COLOR = "white"
OP_COLOR = "lightgrey"
# A tensor with more elements than this shows its shape only: the picture stays readable.
SMALL = 8


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


Edge = tuple[Any, int]  # (node, output index): one tensor, as next_functions names it


class GraphWalk:
    """The nodes behind some output tensors, each listed once, in a fixed order.

    nodes: every node reachable from the outputs, depth first, inputs in order
    (deterministic, so DOT names n0, n1, ... are the same on every run).
    held: the tensors we can show values for, by the edge that carries them:
    leaves (an AccumulateGrad's .variable), the outputs, and the named tensors.
    """

    def __init__(self, outputs: list, names: dict[str, Any] | None) -> None:
        self.outputs = outputs
        self.names = {id(t): name for name, t in (names or {}).items()}
        self.held: dict[Edge, Any] = {}
        for t in [*outputs, *(names or {}).values()]:
            if t.grad_fn is not None:
                self.held.setdefault((t.grad_fn, output_index(t)), t)
        self.nodes = self._reach([t.grad_fn for t in outputs if t.grad_fn is not None])
        for node in self.nodes:
            if node.__class__ is AccumulateGrad:
                self.held[(node, 0)] = node.variable

    @staticmethod
    def _reach(roots: list) -> list:
        # A loop with a stack, not recursion: a deep graph (a long RNN) must not
        # hit Python's recursion limit.
        seen: set[int] = set()
        order = []
        stack = list(reversed(roots))
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            order.append(node)
            stack.extend(child for child, _ in reversed(node.next_functions) if child is not None)
        return order

    def inputs(self, node: Any) -> list[tuple[int, Edge]]:
        """(input position, edge) for each input of the node that is in the graph."""
        return [(i, edge) for i, edge in enumerate(node.next_functions) if edge[0] is not None]

    def name_of(self, t: Any) -> str | None:
        return self.names.get(id(t))


def output_index(t: Any) -> int:
    """Which output of its grad_fn this tensor is (0 unless the op had several)."""
    return getattr(t, "output_nr", getattr(t, "_output_nr", 0))


def op_name(node: Any) -> str:
    """The forward op behind a backward node: MulBackward0 -> Mul, MyReLUBackward -> MyReLU."""
    name = type(node).__name__
    cut = name.rfind("Backward")
    return name[:cut] if cut > 0 else name


def tensor_label(t: Any, name: str | None, show_values: bool, show_grads: bool) -> str:
    lines = [name] if name else []
    lines.append(shape_text(tuple(t.shape)))
    if show_values:
        lines.append("value " + format_values(t))
    if show_grads:
        # Only leaves and tensors that called retain_grad() keep a .grad.
        grad = t.grad if (t.grad_fn is None or t.retains_grad) else None
        lines.append("grad " + ("None" if grad is None else format_values(grad)))
    return join_lines(lines)


def shape_text(shape: tuple) -> str:
    return str(shape) if shape else "scalar"


def join_lines(lines: list[str]) -> str:
    # Graphviz reads "\n" inside a label as a centred line break.
    return "\\n".join(line for text in lines for line in text.splitlines())


def format_values(t: Any) -> str:
    """The values as NumPy prints them; .cpu() first, so CuPy tensors print too."""
    values = np.asarray(t.detach().cpu().numpy())
    return np.array2string(values, precision=4, suppress_small=True, threshold=12, edgeitems=2)


def is_small(t: Any) -> bool:
    return t.numel() <= SMALL
