"""The engine's loop (autograd/engine.py, _run) with its helpers inlined, for backward().

The reference loop calls a helper for each step of each node: _call_backward (here,
fast/array_backward.py's call_backward_on_arrays), _send, _receive and _checked for
each edge, silence/restore for the float errors. Those calls cost more than the work
they do on a small graph. This loop does the same steps in the same order, with the
common case of each written inline:

- a node with an array formula (fast/array_backward.py) gets its input gradients as
  arrays, checked against each input's shape and dtype before any tensor is made;
- any other node runs the reference's _call_backward, unchanged;
- a gradient that does not match its input's shape or dtype goes through the
  reference's _checked, which casts it or raises its message;
- a leaf's gradient goes through the reference's _accumulate, unchanged (and so the
  no-copy hand-over of fast/accumulate.py, whose reference count expects exactly
  that chain of calls).

It is entered from Tensor.backward only (backward_fast, below, swapped in for it), for
loss.backward() on a one-element tensor: engine._run itself stays the reference loop,
which lesson 04 prints. teachgrad.autograd.backward, autograd.grad, backward(inputs=...),
a given gradient and create_graph=True run the reference loop: they are rarer, and this
keeps the inlined copy to the common case.

What it buys, measured with `python bench/fast_swaps.py` (this module undone alone,
best of 25 timings in turns, 2026-12-03): 8.9 us of the 123 us two-layer step on tiny
sizes (N=2, 3-4-2), where nearly all the time is teachgrad's Python. Of that, the loop
itself is about 4-5 us (backward() alone on that graph: 58.8 -> 53.8 us, best of ten
medians) and the entry from Tensor.backward the rest.
"""

from __future__ import annotations

from heapq import heappop, heappush
from typing import Any

import numpy as np

from teachgrad.autograd import engine
from teachgrad.autograd.function import AccumulateGrad, Node, edge_to
from teachgrad.autograd.grad_mode import _GradState
from teachgrad.autograd.gradients import _checked
from teachgrad.fast.array_backward import ARRAY_FORMULAS, reference_call_backward
from teachgrad.fast.float_errors import FLOAT_ERRORS, IGNORE
from teachgrad.numerics import Silenced
from teachgrad.tensor import Tensor, _init_slots

reference_run = engine._run
reference_backward = Tensor.__dict__["backward"]
_ndarray = np.ndarray
_empty = np.empty
_new = object.__new__


def backward_fast(self: Tensor, gradient: Tensor | None = None,
                  retain_graph: bool | None = None, create_graph: bool = False,
                  inputs: Any = None) -> None:
    """Tensor.backward; loss.backward() on a one-element NumPy tensor goes straight here.

    The reference goes through engine.backward, _as_tuple twice and _root_gradients,
    whose checks all pass in that case: this makes the same gradient of ones and runs
    the same loop (run_fast). Anything else runs the reference Tensor.backward.
    """
    array = self._array
    if (gradient is not None or inputs is not None or create_graph or not self._requires_grad
            or array.__class__ is not _ndarray or array.size != 1):
        reference_backward(self, gradient, retain_graph, create_graph, inputs)
        return
    ones = _empty(array.shape, array.dtype)
    ones.fill(1)  # as _root_gradients makes it
    run_fast((self,), [Tensor._make(ones)], bool(retain_graph), False, None)


def run_fast(roots: tuple, root_grads: list, retain_graph: bool, create_graph: bool,
             targets: list[tuple[Node, int]] | None) -> list:
    """engine._run with its helpers inlined; same steps, same results."""
    if targets is not None or create_graph:
        return reference_run(roots, root_grads, retain_graph, create_graph, targets)
    buffers: dict[Node, list] = {}
    ready: list[tuple[int, Node]] = []
    for root, grad_value in zip(roots, root_grads):
        node, output_nr = edge_to(root)
        engine._receive(buffers, ready, node, output_nr, grad_value)

    previous_mode = _GradState.enabled
    _GradState.enabled = False
    float_errors = None
    if not Silenced.now:  # numerics.silence(), inlined
        float_errors = FLOAT_ERRORS.set(IGNORE)
        Silenced.now = True
    try:
        while ready:
            node = heappop(ready)[1]
            grads = buffers.pop(node)
            if node.__class__ is AccumulateGrad:
                engine._accumulate(node.variable, grads, False)
                continue
            formula = ARRAY_FORMULAS.get(node._function)
            array_grads = None
            if formula is not None and not (_GradState.enabled or node._hooks
                                            or node._retained):
                array_grads = formula(node, grads[0]._array)
            if array_grads is not None:
                if not retain_graph:
                    node._saved = None
                _send_arrays(node, array_grads, buffers, ready)
            else:
                input_grads = reference_call_backward(node, grads, retain_graph)
                engine._send(node, input_grads, buffers, ready, None)
                del input_grads  # (see _send_arrays: no reference to a leaf's gradient)
            del grads, array_grads
    finally:
        _GradState.enabled = previous_mode
        if float_errors is not None:
            FLOAT_ERRORS.reset(float_errors)
            Silenced.now = False
    return []


def _send_arrays(node: Node, array_grads: tuple, buffers: dict, ready: list) -> None:
    """engine._send and _receive for gradients given as arrays (None: no gradient).

    A function of its own, so that when a leaf's turn comes no local variable of the
    loop still holds its gradient (fast/accumulate.py counts the references).
    """
    edges = node.next_functions
    if len(array_grads) != len(edges):
        engine._send(node, _as_tensors(array_grads), buffers, ready, None)  # its error
        return
    for (child, output_nr), array in zip(edges, array_grads):
        if array is None or child is None:
            continue
        if array.__class__ is _ndarray:  # Tensor._make, inlined as in fast/apply.py
            grad_value = _new(Tensor)
            _init_slots(grad_value, array)
        else:
            grad_value = Tensor._make(array)
            array = grad_value._array  # (_make turns a NumPy scalar into a 0-d array)
        if child.__class__ is AccumulateGrad:
            expected = child.variable._array
            shape, dtype = expected.shape, expected.dtype
        else:
            shape, dtype = child._output_meta[output_nr]
        if array.shape != shape or array.dtype is not dtype:
            grad_value = _checked(node, child, output_nr, grad_value)
        slots = buffers.get(child)
        if slots is None:
            slots = buffers[child] = [None] * (len(child._output_meta) or 1)
            heappush(ready, (-child._sequence, child))
            slots[output_nr] = grad_value
        else:
            current = slots[output_nr]
            slots[output_nr] = grad_value if current is None else current + grad_value


def _as_tensors(array_grads: tuple) -> tuple:
    return tuple([None if g is None else Tensor._make(g) for g in array_grads])
