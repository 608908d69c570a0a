"""The backward pass: walk the graph from the output to the leaves, applying the chain rule.

Every node gets a sequence number when forward records it, after its inputs' nodes.
So running nodes newest first is a safe order: all the nodes that send a gradient to
a node run before it, and its gradient is complete when its turn comes (PyTorch's
engine orders by the same numbers). `buffers` holds, per node, one slot per output,
where gradients from several paths add up; `ready` is a heap of those nodes, newest
on top. A loop with a heap, not recursion, so deep graphs never hit Python's limit.
"""

from __future__ import annotations

from heapq import heappop, heappush
from typing import Any

from teachgrad.autograd.function import AccumulateGrad, Node, edge_to
from teachgrad.autograd.grad_mode import _GradState
from teachgrad.autograd.gradients import (
    _apply_leaf_hooks,
    _apply_output_hooks,
    _as_tuple,
    _checked,
    _has_missing,
    _materialize,
    _root_gradients,
)
from teachgrad.autograd.targets import _capture, _needed_nodes, _targets
from teachgrad.numerics import restore, silence


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs: Any = None) -> None:
    """Accumulate d(tensors)/d(leaf) into every leaf's .grad (or only into `inputs`).

    grad_tensors: one gradient per tensor, the vector of the vector-Jacobian product
    (optional for one-element tensors). The graph is freed unless retain_graph=True;
    create_graph=True records the backward pass too. `tensor.backward()` calls this.

    Examples::

        >>> import teachgrad
        >>> x = teachgrad.tensor([1., 2., 3.], requires_grad=True)
        >>> teachgrad.autograd.backward(x * x, grad_tensors=teachgrad.ones(3))
        >>> x.grad
        tensor([2., 4., 6.])
        >>> teachgrad.autograd.backward((10 * x).sum())  # adds to x.grad
        >>> x.grad
        tensor([12., 14., 16.])
    """
    roots = _as_tuple(tensors)
    root_grads = _root_gradients(roots, _as_tuple(grad_tensors, len(roots)))
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is None:
        _run(roots, root_grads, retain_graph, create_graph, targets=None)
        return
    inputs = _as_tuple(inputs)
    grads = _run(roots, root_grads, retain_graph, create_graph, targets=_targets(inputs))
    for tensor, grad in zip(inputs, grads):
        if grad is not None:
            _accumulate(tensor, [grad], create_graph)


def _run(roots: tuple, root_grads: list, retain_graph: bool, create_graph: bool,
         targets: list[tuple[Node, int]] | None) -> list:
    buffers: dict[Node, list] = {}
    ready: list[tuple[int, Node]] = []  # (-sequence number, node): heapq pops the newest
    root_nodes = []
    for root, grad_value in zip(roots, root_grads):
        node, output_nr = edge_to(root)
        root_nodes.append(node)
        _receive(buffers, ready, node, output_nr, grad_value)
    captured: dict[tuple[Node, int], Any] = {}
    needed = None
    if targets is not None:
        needed = _needed_nodes(root_nodes, {node for node, _ in targets})
    previous_mode = _GradState.enabled
    _GradState.enabled = create_graph
    # Backward formulas and accumulation that work on arrays directly overflow as
    # silently as ops do (teachgrad/numerics.py).
    float_errors = silence()
    try:
        while ready:
            node = heappop(ready)[1]
            grads = buffers.pop(node)
            if targets is not None:
                _capture(node, grads, targets, captured)
            if node.__class__ is AccumulateGrad:
                if targets is None:  # autograd.grad returns gradients, leaves .grad alone
                    _accumulate(node.variable, grads, create_graph)
                continue
            _send(node, _call_backward(node, grads, retain_graph), buffers, ready, needed)
    finally:
        _GradState.enabled = previous_mode
        restore(float_errors)
    if targets is None:
        return []
    return [captured.get(target) for target in targets]


def _call_backward(node: Node, grads: list, retain_graph: bool) -> tuple:
    """Run the node's backward formula on the gradients of its outputs."""
    if node._hooks or node._retained:
        _apply_output_hooks(node, grads)
    if len(grads) > 1 and _has_missing(grads):  # one output: it got a gradient
        _materialize(node, grads)
    input_grads = node._function.backward(node, *grads)
    if not retain_graph:
        node._saved = None  # what backward needed is freed once it has run
    return input_grads if input_grads.__class__ is tuple else (input_grads,)


def _send(node: Node, input_grads: tuple, buffers: dict, ready: list,
          needed: set[Node] | None) -> None:
    """Pass each input's gradient on to the node that made that input."""
    edges = node.next_functions
    if len(input_grads) != len(edges):
        raise RuntimeError(
            f"function {node.name()} returned an incorrect number of gradients "
            f"(expected {len(edges)}, got {len(input_grads)})"
        )
    for (child, output_nr), grad_value in zip(edges, input_grads):
        # A None gradient sends nothing: a node that gets none at all never runs.
        if grad_value is None or child is None or (needed is not None and child not in needed):
            continue
        _receive(buffers, ready, child, output_nr, _checked(node, child, output_nr, grad_value))


def _receive(buffers: dict, ready: list, node: Node, output_nr: int, grad_value: Any) -> None:
    """Add a gradient to the node's buffer; a node's first gradient puts it on the heap."""
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * (len(node._output_meta) or 1)  # a leaf's node: 1
        heappush(ready, (-node._sequence, node))
        slots[output_nr] = grad_value
        return
    current = slots[output_nr]
    # Gradients arriving along several paths add up: the chain rule's sum over paths.
    slots[output_nr] = grad_value if current is None else current + grad_value


def _accumulate(variable: Any, holder: list, create_graph: bool) -> None:
    """leaf.grad += incoming gradient, as torch's AccumulateGrad does."""
    grad_value = _apply_leaf_hooks(variable, holder.pop())
    current = variable._grad
    if current is None:
        variable._grad = _first_gradient(grad_value, create_graph)
    elif create_graph or current.requires_grad:
        variable._grad = current + grad_value
    else:
        current._array += grad_value._array  # in place, as torch: leaf.grad keeps its identity
        current._version_counter().value += 1


def _first_gradient(grad_value: Any, create_graph: bool) -> Any:
    """A leaf's first .grad: a copy, as the same tensor may reach another leaf too.

    (Unless its graph is wanted. teachgrad/fast/accumulate.py skips the copy when
    nothing else can see the tensor.)
    """
    return grad_value if create_graph else grad_value.detach().clone()
