"""The backward pass: walk the graph from the output to the leaves, applying the chain rule.

Forward gives every node it records a sequence number, counting up, and a node's
inputs always exist before the node itself. So running the nodes newest first is a
safe order: every node that can send a gradient to a node was made after it, and
has already run when that node's turn comes, so the node's gradient is complete.
PyTorch's engine orders its work by the same numbers.

backward() keeps two things while it runs:
1. `buffers`: for each node that has received a gradient, one slot per output;
   gradients arriving along several paths add up there (the chain rule's sum over
   paths);
2. `ready`: a heap of those nodes, the newest on top.
It pops a node, runs its backward formula and sends each result to the node of the
matching input. The leaves' AccumulateGrad nodes add what reaches them to
`leaf.grad`.

It is a loop with an explicit heap, not recursion, so deep graphs (a 10 000-step
RNN, say) never hit Python's recursion limit.
"""

from __future__ import annotations

from heapq import heappop, heappush
from typing import Any

from teachgrad.autograd.function import AccumulateGrad, Node, edge_to
from teachgrad.autograd.grad_mode import _GradState
from teachgrad.autograd.gradients import (
    _apply_output_hooks,
    _checked,
    _has_missing,
    _materialize,
    _root_gradients,
)
from teachgrad.autograd.targets import _capture, _needed_nodes, _resolve_unused, _targets
from teachgrad.numerics import restore, silence


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """Accumulate d(tensors)/d(leaf) into every leaf's .grad (or only into `inputs`).

    grad_tensors holds one gradient per tensor, the vector of the vector-Jacobian
    product; it may be left out for one-element tensors. The graph is freed afterwards
    unless retain_graph=True; create_graph=True records the backward pass too.
    `tensor.backward(gradient)` calls this function.

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


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple:
    """d(outputs)/d(inputs), returned instead of accumulated into .grad.

    grad_outputs plays the part of backward's grad_tensors. With create_graph=True the
    gradients have a graph of their own, so they can be differentiated again. An input
    the outputs do not depend on is an error, unless allow_unused=True (it gets None)
    or materialize_grads=True (zeros).

    Examples::

        >>> import teachgrad
        >>> x = teachgrad.tensor(3., requires_grad=True)
        >>> (slope,) = teachgrad.autograd.grad(x ** 3, x, create_graph=True)
        >>> slope
        tensor(27., grad_fn=<MulBackward0>)
        >>> teachgrad.autograd.grad(slope, x)
        (tensor(18.),)
        >>> print(x.grad)
        None
    """
    roots = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    root_grads = _root_gradients(roots, _as_tuple(grad_outputs, len(roots)))
    if retain_graph is None:
        retain_graph = create_graph
    grads = _run(roots, root_grads, retain_graph, create_graph, targets=_targets(inputs))
    return _resolve_unused(inputs, grads, allow_unused, materialize_grads)


# --------------------------------------------------------------------------- helpers


def _as_tuple(value: Any, length: int | None = None) -> tuple:
    if value is None:
        return (None,) * (length or 0)
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,)


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
    grad_value = holder.pop()
    for hook in variable._hooks or ():
        replaced = hook(grad_value)
        if replaced is not None:
            grad_value = replaced
    current = variable._grad
    if current is None:
        variable._grad = _first_gradient(grad_value, create_graph)
    elif create_graph or current.requires_grad:
        variable._grad = current + grad_value
    else:
        current._array += grad_value._array  # in place, as torch: leaf.grad keeps its identity
        current._version_counter().value += 1


def _first_gradient(grad_value: Any, create_graph: bool) -> Any:
    """What a leaf's .grad starts as: a copy, unless the graph of the gradient is wanted.

    A copy, because the same tensor may also be flowing to another leaf (both inputs of
    an add get one tensor) or be the caller's `gradient=`. teachgrad/fast/accumulate.py
    skips the copy when nothing else can see the tensor.
    """
    return grad_value if create_graph else grad_value.detach().clone()
