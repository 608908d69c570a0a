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

from teachgrad.autograd.function import AccumulateGrad, Node, _tensor_class, edge_to
from teachgrad.autograd.grad_mode import _GradState
from teachgrad.device import array_module
from teachgrad.numerics import restore, silence


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """Accumulate d(tensors)/d(leaf) into every leaf's .grad (or only into `inputs`)."""
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
    """d(outputs)/d(inputs), returned instead of accumulated into .grad."""
    roots = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    root_grads = _root_gradients(roots, _as_tuple(grad_outputs, len(roots)))
    if retain_graph is None:
        retain_graph = create_graph
    grads = _run(roots, root_grads, retain_graph, create_graph, targets=_targets(inputs))
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


# --------------------------------------------------------------------------- helpers


def _as_tuple(value: Any, length: int | None = None) -> tuple:
    if value is None:
        return (None,) * (length or 0)
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,)


def _root_gradients(roots: tuple, given: tuple) -> list:
    Tensor = _tensor_class()  # noqa: N806 (tensor.py imports this module: looked up on use)
    grads = []
    for index, (root, grad_value) in enumerate(zip(roots, given)):
        if not root._requires_grad:
            raise RuntimeError(
                f"element {index} of tensors does not require grad and does not have a grad_fn"
            )
        if grad_value is None:
            array = root._array
            if array.size != 1:
                raise RuntimeError(
                    "grad can be implicitly created only for scalar outputs (this output has "
                    f"shape {list(root.shape)}). Pass gradient= with the output's shape, or "
                    "reduce the output first, e.g. out.sum().backward()."
                )
            ones = array_module(array).empty(array.shape, array.dtype)
            ones.fill(1)  # xp.ones is Python code around these two calls
            grad_value = Tensor._make(ones)
        elif not isinstance(grad_value, Tensor):
            grad_value = Tensor._make(root._array.dtype.type(grad_value) + 0 * root._array)
        elif grad_value.shape != root.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{index}] has a shape of {grad_value.shape} "
                f"and output[{index}] has a shape of {root.shape}."
            )
        grads.append(grad_value)
    return grads


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


def _checked(node: Node, child: Node, output_nr: int, grad_value: Any) -> Any:
    """The gradient must match the shape of the tensor it is for; cast it to its dtype."""
    if child.__class__ is AccumulateGrad:
        shape, dtype = child.variable._array.shape, child.variable._array.dtype
    else:
        shape, dtype = child._output_meta[output_nr]
    array = grad_value._array
    if array.shape == shape and (array.dtype is dtype or array.dtype == dtype):
        return grad_value
    if array.shape != shape:
        raise RuntimeError(
            f"Function {node.name()} returned an invalid gradient - got {list(array.shape)} "
            f"but expected shape compatible with {list(shape)}. backward must return one "
            "gradient per input, each with the shape of that input."
        )
    if array.dtype != dtype:
        grad_value = grad_value.to(dtype=_teachgrad_dtype(dtype))
    return grad_value


def _teachgrad_dtype(numpy_dtype: Any) -> Any:
    from teachgrad.dtypes import from_numpy_dtype

    return from_numpy_dtype(numpy_dtype)


def _capture(node: Node, grads: list, targets: list, captured: dict) -> None:
    for target in targets:
        if target[0] is node:
            captured[target] = grads[target[1]]


def _apply_output_hooks(node: Node, grads: list) -> None:
    if node._hooks:
        for output_nr, hook in node._hooks:
            if grads[output_nr] is not None:
                replaced = hook(grads[output_nr])
                if replaced is not None:
                    grads[output_nr] = replaced
    if node._retained:
        for output_nr, tensor_ref in node._retained:
            tensor = tensor_ref()
            if tensor is not None and grads[output_nr] is not None:
                new = grads[output_nr]
                tensor._grad = new.clone() if tensor._grad is None else tensor._grad + new


def _has_missing(grads: list) -> bool:
    for grad_value in grads:  # not `None in grads`: that would call Tensor.__eq__
        if grad_value is None:
            return True
    return False


def _materialize(node: Node, grads: list) -> None:
    """Outputs that got no gradient get zeros, so backward can always do arithmetic."""
    if not node.materialize_grads:
        return
    from teachgrad.device import array_module
    from teachgrad.tensor import Tensor

    # At least one gradient arrived (the node is in the buffers): it tells the device.
    xp = array_module(next(g for g in grads if g is not None)._array)
    for index, grad_value in enumerate(grads):
        if grad_value is None and node._output_meta[index] is not None:
            shape, dtype = node._output_meta[index]
            grads[index] = Tensor._make(xp.zeros(shape, dtype))


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
