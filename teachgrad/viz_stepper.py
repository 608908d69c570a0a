"""A backward pass, step by step: which node the engine runs next, what reaches it, what it sends.

    from teachgrad.viz import step_backward
    steps = step_backward(loss, names={"x": x, "w": w})   # runs loss.backward() for real
    steps            # JupyterLab/Colab with ipywidgets: a slider; otherwise every step
    steps.frames()   # one backward-view drawing per step

Nothing here computes gradients its own way. The stepper watches a real backward():
before it starts, a hook goes on every output of every node in the graph (the hooks
tensor.register_hook uses), and on every leaf. The engine calls a node's hooks just
before that node's backward formula, with the gradient that has arrived there (the
sum over paths), so the hooks see the engine's order and its gradients.

What a node *sends* along each input never passes through a hook, so the stepper
asks the node's own backward formula, given the very gradients the hooks saw. That
needs the graph after the pass, so backward runs with retain_graph=True and the
stepper frees the graph itself afterwards unless you asked to keep it. A custom
Function whose backward prints will therefore print twice.

The stepper checks its record against the real result: every leaf's .grad must equal
what it had before plus what the stepper saw arrive at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

import teachgrad
from teachgrad.autograd.function import AccumulateGrad
from teachgrad.autograd.grad_mode import no_grad
from teachgrad.autograd.gradients import _checked, _materialize
from teachgrad.numerics import float_errors_ignored
from teachgrad.tensor_autograd import RemovableHandle
from teachgrad.viz_drawing import Edge, GraphDrawing, GraphWalk, format_values, is_small
from teachgrad.viz_stepper_text import node_title, step_text


@dataclass
class Step:
    """One node the engine ran. number counts from 1, in the engine's order."""

    number: int
    node: Any
    received: list  # one gradient per output of the node; None where none arrived
    sent: list  # (input position, edge, gradient or None) for each input in the graph
    grad_after: Any = None  # AccumulateGrad only: the leaf's .grad once it has added


def step_backward(tensor: Any, gradient: Any = None, retain_graph: bool = False,
                  names: dict[str, Any] | None = None) -> BackwardStepper:
    """Run tensor.backward(gradient) (tensor may be a list of outputs) and record each step.

    Gradients accumulate into the leaves' .grad exactly as backward() would.
    """
    return BackwardStepper(tensor, gradient, retain_graph, names)


class BackwardStepper:
    """The record of one real backward pass: steps[i], text(i), frame(i), frames()."""

    def __init__(self, tensor: Any, gradient: Any = None, retain_graph: bool = False,
                 names: dict[str, Any] | None = None) -> None:
        self.outputs = list(tensor) if isinstance(tensor, (list, tuple)) else [tensor]
        gradients = list(gradient) if isinstance(gradient, (list, tuple)) else [gradient]
        self.names = names
        # The walk keeps the graph's nodes alive, so frames can be drawn afterwards.
        self.walk = GraphWalk(self.outputs, names)
        self.steps, self.grads_before = _record(self.walk, self.outputs, gradient, retain_graph)
        self.seeds = [teachgrad.ones_like(out) if g is None else g
                      for out, g in zip(self.outputs, gradients + [None] * len(self.outputs))]

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, index: int) -> Step:
        return self.steps[index]

    def order(self) -> list[str]:
        """The nodes in the order the engine ran them, as names (leaves named if given)."""
        return [node_title(step.node, self.walk) for step in self.steps]

    def gradient_of(self, edge: Edge) -> Any:
        """The gradient that arrived for the tensor `edge` carries (None: none arrived)."""
        node, index = edge
        for step in self.steps:
            if step.node is node:
                return step.received[index]
        return None

    def text(self, number: int | None = None) -> str:
        """Step `number` (from 1) as text, or every step when number is None."""
        if number is None:
            return "\n\n".join(self.text(n) for n in range(1, len(self) + 1))
        return step_text(self.steps[number - 1], len(self), self.walk)

    def frame(self, number: int, caption: bool = True) -> GraphDrawing:
        """The backward view after step `number` (from 1): that node in orange, earlier
        ones in green, each arrow labelled with the gradient it carried so far.

        caption: write the step's text above the drawing (show() prints it beside).
        """
        from teachgrad.viz_backward import draw_backward

        marks = self._marks(number)
        if not caption:
            marks.caption = ""
        return draw_backward(self.outputs, self.names, False, False, marks)

    def frames(self) -> list[GraphDrawing]:
        return [self.frame(n) for n in range(1, len(self) + 1)]

    def show(self, interactive: bool | None = None) -> Any:
        """A slider with Prev/Next where ipywidgets is installed, else every step in turn."""
        from teachgrad.viz_widget import show

        return show(self, interactive)

    def _ipython_display_(self) -> None:
        self.show()

    def __repr__(self) -> str:
        return self.text()

    def _marks(self, number: int) -> Any:
        from teachgrad.viz_backward import Marks

        done = self.steps[:number]
        marks = Marks(current=done[-1].node, caption=self.text(number))
        marks.seeds = {i: _brief(g) for i, g in enumerate(self.seeds)}
        # Every leaf shows its .grad as it stands at this step: None until its node runs.
        for key, grad in self.grads_before.items():
            marks.leaf_grads[key] = "None" if grad is None else _brief(grad)
        for step in done:
            marks.step_of[id(step.node)] = step.number
            for position, _, grad in step.sent:
                marks.sent[(id(step.node), position)] = "None" if grad is None else _brief(grad)
            if step.grad_after is not None:
                marks.leaf_grads[id(step.node.variable)] = _brief(step.grad_after)
        return marks


def _brief(t: Any) -> str:
    return format_values(t) if is_small(t) else f"shape {tuple(t.shape)}"


# ----------------------------------------------------------------------- recording


def _record(walk: GraphWalk, outputs: list, gradient: Any,
            retain_graph: bool) -> tuple[list[Step], dict]:
    """Run backward once, watched; return its steps and each leaf's .grad before it."""
    arrivals: list[tuple[Any, int, Any]] = []  # (node, output index, gradient), in order
    leaves = {id(n.variable): n for n in reversed(walk.nodes) if n.__class__ is AccumulateGrad}
    before = {key: _copy(node.variable.grad) for key, node in leaves.items()}
    totals = dict(before)
    handles = [_watch(node, index, arrivals) for node in walk.nodes
               if node.__class__ is not AccumulateGrad
               for index, meta in enumerate(node._output_meta) if meta is not None]
    handles += [node.variable.register_hook(_recorder(arrivals, node, 0))
                for node in leaves.values()]
    try:
        # retain_graph=True: the formulas run again below, on the gradients recorded.
        teachgrad.autograd.backward(outputs, gradient, retain_graph=True)
    finally:
        for handle in handles:
            handle.remove()
    steps = _group(arrivals)
    for step in steps:
        if step.node.__class__ is AccumulateGrad:
            key = id(step.node.variable)
            step.grad_after = totals[key] = _add(totals[key], step.received[0])
        else:
            step.sent = _sent(step.node, step.received, walk)
    if not retain_graph:  # what the engine would have done after each formula
        for step in steps:
            step.node._saved = None
    _check_leaves(leaves, totals)
    return steps, before


def _watch(node: Any, index: int, arrivals: list) -> RemovableHandle:
    """tensor.register_hook for output `index` of `node`, without needing the tensor.

    A non-leaf's hooks live on its grad_fn as (output index, hook); the lists are
    replaced, never changed, as tensor_autograd.register_hook does.
    """
    entry = (index, _recorder(arrivals, node, index))
    node._hooks = (node._hooks or []) + [entry]
    return RemovableHandle(node, entry)


def _recorder(arrivals: list, node: Any, index: int) -> Any:
    def hook(grad: Any) -> None:
        # A copy: a leaf's first gradient may become its .grad, which later adds in place.
        arrivals.append((node, index, _copy(grad)))

    return hook


def _group(arrivals: list) -> list[Step]:
    """One step per node run: a node's hooks are called one after another, just before it runs."""
    steps: list[Step] = []
    for node, index, grad in arrivals:
        if not steps or steps[-1].node is not node or node.__class__ is AccumulateGrad:
            size = 1 if node.__class__ is AccumulateGrad else len(node._output_meta)
            steps.append(Step(len(steps) + 1, node, [None] * size, []))
        steps[-1].received[index] = grad
    return steps


def _sent(node: Any, received: list, walk: GraphWalk) -> list:
    """What node's backward formula gives each input, from the gradients that reached it."""
    grads = list(received)
    if len(grads) > 1 and any(g is None for g in grads):
        _materialize(node, grads)  # the engine's own step: zeros for outputs that got none
    with no_grad(), float_errors_ignored():
        result = node._function.backward(node, *grads)
    result = result if isinstance(result, tuple) else (result,)
    sent = []
    for position, edge in walk.inputs(node):
        grad = result[position]
        if grad is not None:
            grad = _copy(_checked(node, edge[0], edge[1], grad))  # as the engine casts it
        sent.append((position, edge, grad))
    return sent


def _copy(t: Any) -> Any:
    return None if t is None else t.detach().clone()


def _add(total: Any, grad: Any) -> Any:
    return grad.clone() if total is None else total + grad


def _check_leaves(leaves: dict, totals: dict) -> None:
    for key, node in leaves.items():
        real, seen = node.variable.grad, totals[key]
        if (real is None) != (seen is None) or (real is not None and not np.allclose(
                real.detach().cpu().numpy(), seen.cpu().numpy(), rtol=1e-6, atol=0)):
            raise RuntimeError(
                "the stepper's record disagrees with .grad after backward() for a leaf of "
                f"shape {tuple(node.variable.shape)}: please report this as a teachgrad bug"
            )
