"""Function.apply inlined: the reference apply (teachgrad/autograd/function.py) for speed.

The reference apply builds tuples with generator expressions, enters no_grad and the
float-error switch as context managers, and calls edge_to, _as_output and
_connect_outputs for every op. This version does the same steps in plain loops with
those calls inlined, and handles the common single-output case without building a
tuple. What it buys, measured with `python bench/op_overhead.py` (3x3 multiply with
grad, forward only): see the number in the comment of teachgrad/fast/__init__.py.
Results are identical: tests/test_reference_mode.py runs both and compares.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachgrad.autograd.function import accumulator_of
from teachgrad.autograd.grad_mode import _GradState
from teachgrad.autograd.graph import _next_sequence
from teachgrad.autograd.outputs import (
    _PYTHON_NUMBERS,
    _as_output,
    _connect_outputs,
    _record_saved_outputs,
)
from teachgrad.fast.float_errors import FLOAT_ERRORS, IGNORE
from teachgrad.numerics import Silenced
from teachgrad.tensor import Tensor, _init_slots

_NO_EDGE = (None, 0)  # the edge of an input that needs no gradient
_new = object.__new__
_ndarray = np.ndarray


def fast_apply(cls: type, *args: Any) -> Any:
    """Function.apply with its helpers inlined; same steps, same results."""
    ctx = cls._node_class()
    previous_mode = _GradState.enabled
    recording = False
    if previous_mode:
        # One pass over the inputs: which need a gradient, and where it will go.
        needs = []
        edges = []
        for arg in args:
            if getattr(arg, "_requires_grad", False):
                recording = True
                needs.append(True)
                node = arg.grad_fn
                if node is not None:
                    edges.append((node, arg._output_nr))
                else:  # a leaf: its AccumulateGrad (accumulator_of, inlined)
                    ref = arg._accumulator
                    node = ref() if ref is not None else None
                    edges.append((node if node is not None else accumulator_of(arg), 0))
            else:
                needs.append(False)
                edges.append(_NO_EDGE)
        ctx.needs_input_grad = tuple(needs)
        if recording:
            ctx._sequence = _next_sequence()  # after its inputs' accumulators, made above
    else:
        ctx.needs_input_grad = (False,) * len(args)

    # forward computes values only: ops it calls on tensors must not record. And,
    # as in torch, overflow to inf or nan is silent (see teachgrad/numerics.py).
    _GradState.enabled = False
    # numerics.silence() and restore(), inlined: a call costs more than the check.
    float_errors = None
    if not Silenced.now:
        float_errors = FLOAT_ERRORS.set(IGNORE)
        Silenced.now = True
    try:
        result = cls.forward(ctx, *args)
    finally:
        _GradState.enabled = previous_mode
        if float_errors is not None:
            FLOAT_ERRORS.reset(float_errors)
            Silenced.now = False

    if result.__class__ is not tuple:  # the common case: one output, handled inline
        if result.__class__ is _ndarray:  # a new NumPy array, the most common of all
            # Tensor._make, inlined: 0.2 us instead of 0.5 (timeit, a 3x3 array).
            returned_tensor = False
            output = _new(Tensor)
            _init_slots(output, result)
        else:
            returned_tensor = result is None or isinstance(result, Tensor)
            if returned_tensor or type(result) in _PYTHON_NUMBERS:
                output = _as_output(result, args)
            else:
                output = Tensor._make(result)  # forward returned a new array
        if not recording:
            return output
        ctx.next_functions = tuple(edges)
        if output.__class__ is not Tensor or ctx._non_differentiable:  # None, a number, ...
            _connect_outputs(ctx, (output,))
            return output
        array = output._array
        dtype = array.dtype
        ctx._output_meta = ((array.shape, dtype),)
        if dtype.kind == "f":  # only floating outputs carry gradients
            output.grad_fn = ctx
            output._requires_grad = True
        if returned_tensor:  # (a new array cannot be among what forward saved)
            _record_saved_outputs(ctx, (output,))
        return output
    outputs = tuple([_as_output(out, args) for out in result])
    if recording:
        ctx.next_functions = tuple(edges)
        _connect_outputs(ctx, outputs)
    return outputs
