"""Backward formulas on plain arrays, for when nothing records the backward pass.

The reference backward formulas (in teachgrad/ops/) compute on tensors, so that with
create_graph=True the backward pass is recorded and can be differentiated again.
Without create_graph, nothing is recorded and each tensor op in a formula only adds
apply's overhead: `x.T @ g` is a transpose and a matmul through Function.apply, where
NumPy needs one call. So for the ops a training step runs most, this module holds the
same formula on the arrays, and the engine's `_call_backward` is swapped for
`call_backward_on_arrays`, which uses one when it may. Each formula computes exactly
what the reference computes, operation for operation, so the results are
bit-identical (tests/test_reference_mode.py and the oracle suites in both modes).

What it buys, measured with `python bench/two_layer.py` against TEACHGRAD_REFERENCE=1
(the numbers are in the README's performance section).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from teachgrad.autograd import engine
from teachgrad.autograd.function import Function, Node
from teachgrad.autograd.grad_mode import _GradState
from teachgrad.device import array_module
from teachgrad.ops.arithmetic import Add, Sub
from teachgrad.ops.linalg import MatMul
from teachgrad.ops.mean import Mean
from teachgrad.ops.powers import Pow
from teachgrad.ops.reductions import Sum, _kept_shape
from teachgrad.ops.unary import Relu
from teachgrad.ops.views import broadcast_view
from teachgrad.ops.where import Clamp, _inside
from teachgrad.tensor import Tensor

# Function class -> formula(ctx, grad_array) giving one array (or None) per input, or
# None as a whole when this call is a case the array formula does not cover.
ARRAY_FORMULAS: dict[type[Function], Callable[..., tuple | None]] = {}


def _formula_for(*functions: type[Function]) -> Callable:
    def register(formula: Callable) -> Callable:
        for function in functions:
            # Renamed subclasses (MvBackward0, SumBackward1, ...) share the formula.
            for cls in (function, *function.__subclasses__()):
                ARRAY_FORMULAS[cls] = formula
        return formula
    return register


@_formula_for(MatMul)
def _matmul(ctx: Node, g: Any) -> tuple | None:
    a, b = ctx.saved_tensors
    shape_a, shape_b = ctx.shapes
    if len(shape_a) != 2 or len(shape_b) != 2:
        return None  # vectors and batches: the reference reshapes and sums back
    needs_a, needs_b = ctx.needs_input_grad
    return (g @ b._array.T if needs_a else None, a._array.T @ g if needs_b else None)


@_formula_for(Add)
def _add(ctx: Node, g: Any) -> tuple | None:
    # The reference's sum_to_shape hands the gradient on as it is when the input has the
    # output's shape; inputs that were broadcast are left to it. (Add and Sub were added
    # with fast/backward_loop.py so that the two-layer step's sub stays on the array
    # road; their own gain was not measured apart from the loop's.)
    shape_a, shape_b = ctx.shapes
    needs_a, needs_b = ctx.needs_input_grad
    if (needs_a and shape_a != g.shape) or (needs_b and shape_b != g.shape):
        return None
    return (g if needs_a else None, g if needs_b else None)


@_formula_for(Sub)
def _sub(ctx: Node, g: Any) -> tuple | None:
    shape_a, shape_b = ctx.shapes
    needs_a, needs_b = ctx.needs_input_grad
    if (needs_a and shape_a != g.shape) or (needs_b and shape_b != g.shape):
        return None
    return (g if needs_a else None, -g if needs_b else None)  # (Neg's forward: -array)


# Unsigned integers as wide as each float, to select floats by their bits.
_SAME_WIDTH = {2: "uint16", 4: "uint32", 8: "uint64"}


def _select(mask: Any, g: Any, keep: bool = True) -> Any:
    """xp.where(mask, g, 0) (keep=False: xp.where(mask, 0, g)), bit for bit: g's bits,
    as unsigned integers, times the mask's 1 or 0.

    NumPy's where with a mask that changes from element to element (a ReLU's, say) runs
    a slow masked loop; an integer product runs at the speed of g * mask, and unlike
    g * mask it gives +0.0 (not -0.0) and 0 (not NaN) where an infinite g is not kept.
    What it buys (timeit, best of 7, float32 with a random half of the mask set,
    2026-12-03): 6.7 us instead of 17.6 for 64x100, 30 us instead of 459 for 1000x100,
    2.1 us instead of 2.8 for 2x4.
    """
    xp = array_module(g)
    width = _SAME_WIDTH.get(g.dtype.itemsize) if g.dtype.kind == "f" else None
    if width is None or mask.shape != g.shape or not g.ndim:  # (0-d: a mask is a scalar)
        return xp.where(mask, g, 0) if keep else xp.where(mask, 0, g)
    if not keep:
        mask = xp.logical_not(mask)
    return (g.view(width) * mask).view(g.dtype)  # bool * uint32 is uint32: no cast pass


@_formula_for(Relu)
def _relu(ctx: Node, g: Any) -> tuple:
    (result,) = ctx.saved_tensors
    # ReluGradient's forward: g where result > 0, else 0 (a select: inf there stays 0)
    return (_select(result._array <= 0, g, keep=False),)  # (a NaN result lets g through)


@_formula_for(Pow)
def _pow(ctx: Node, g: Any) -> tuple | None:
    x, exponent = ctx.saved_tensors
    if exponent != 2:
        return None
    # The reference's grad * exponent * x ** (exponent - 1), with x ** 1 == x exactly.
    return (g * exponent * x._array,)


@_formula_for(Clamp)
def _clamp(ctx: Node, g: Any) -> tuple | None:
    if ctx._function is not Clamp:
        return None  # tensor bounds (ClampTensor): they broadcast and take gradients too
    (x,) = ctx.saved_tensors
    low, high = ctx.low, ctx.high
    # The reference's _chosen: g where x was inside [min, max], else 0 (a select);
    # one bound, the common case (a ReLU), is _inside's comparison inline.
    inside = (x._array >= low if high is None else x._array <= high if low is None
              else _inside(x._array, low, high))
    return (_select(inside, g), None, None)


@_formula_for(Sum)
def _sum(ctx: Node, g: Any) -> tuple:
    return (_spread(ctx, g), None, None, None)


@_formula_for(Mean)
def _mean(ctx: Node, g: Any) -> tuple:
    return (_spread(ctx, g) / ctx.count, None, None)


def _spread(ctx: Node, g: Any) -> Any:
    """The reference's _expand_back: reshape, then a broadcast view (no copy)."""
    if ctx.axes is not None and not ctx.keepdim:  # (else _kept_shape answers None)
        g = g.reshape(_kept_shape(ctx.input_shape, ctx.axes, ctx.keepdim))
    return broadcast_view(g, ctx.input_shape)


reference_call_backward = engine._call_backward


def call_backward_on_arrays(node: Node, grads: list, retain_graph: bool) -> tuple:
    """engine._call_backward, with an array formula where one applies."""
    formula = ARRAY_FORMULAS.get(node._function)
    if formula is not None and not _GradState.enabled and not (node._hooks or node._retained):
        array_grads = formula(node, grads[0]._array)
        if array_grads is not None:
            if not retain_graph:
                node._saved = None
            return tuple([None if g is None else Tensor._make(g) for g in array_grads])
    return reference_call_backward(node, grads, retain_graph)
