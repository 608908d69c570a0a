"""Pictures of autograd: the graph as you wrote it, as backward runs it, and step by step.

    from teachgrad.viz import forward_view, backward_view, step_backward
    forward_view(loss, names={"w": w, "b": b})    # tensors and ops, arrows along the data
    backward_view(loss, names={"w": w, "b": b})   # grad_fn nodes, arrows along the gradients
    steps = step_backward(loss, names={"w": w})    # runs loss.backward(), one frame per node

- forward_view (teachgrad/viz_forward.py): what a learner thinks happened. Tensors
  are boxes with shape, small values and, after backward, .grad; ops are ellipses.
- backward_view (teachgrad/viz_backward.py): the objects autograd recorded
  (MulBackward0, AccumulateGrad, ...), with arrows from the output's grad_fn towards
  the leaves, the way gradients flow. Each leaf is a sink: its AccumulateGrad node
  adds into leaf.grad. `draw_graph` is this view, under the name lessons use.
- step_backward (teachgrad/viz_stepper.py): watches a real backward pass and shows
  each node in the engine's order, what reached it and what it sent on; with
  ipywidgets, a slider (teachgrad/viz_widget.py).

In a notebook every drawing shows as a PNG picture. Without Graphviz's `dot` program
it shows the DOT text instead, with a hint how to install it.
"""

from __future__ import annotations

try:
    import graphviz  # noqa: F401 (imported here first, to explain a missing package)
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

from teachgrad.viz_backward import backward_view
from teachgrad.viz_drawing import INSTALL_HINT, GraphDrawing
from teachgrad.viz_forward import forward_view
from teachgrad.viz_stepper import BackwardStepper, Step, step_backward

# The name lessons 04-06 call. Its arrows used to follow the data while its boxes were
# backward nodes; it is now the backward view, arrows the way gradients flow.
draw_graph = backward_view

__all__ = ["INSTALL_HINT", "BackwardStepper", "GraphDrawing", "Step", "backward_view",
           "draw_graph", "forward_view", "step_backward"]
