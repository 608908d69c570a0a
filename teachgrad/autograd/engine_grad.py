"""autograd.grad: the engine's backward pass, with the gradients returned, not accumulated."""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.engine import _run
from teachgrad.autograd.gradients import _as_tuple, _root_gradients
from teachgrad.autograd.targets import _resolve_unused, _targets


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool | None = None,
         materialize_grads: bool = False) -> tuple:
    """d(outputs)/d(inputs), returned instead of accumulated into .grad.

    With create_graph=True the gradients have a graph of their own, to differentiate
    again. An unused input is an error unless allow_unused=True (None) or
    materialize_grads=True (zeros).

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
