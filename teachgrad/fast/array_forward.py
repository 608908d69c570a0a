"""The forwards of *, + and - (and of **, sum and clamp) with their common case inlined.

The reference forwards (teachgrad/ops/arithmetic.py) call binary_arrays for torch's
dtype rules, _note_shapes and save_for_backward for backward, and broadcasting for
torch's error message: four calls around one NumPy operator, for every product, sum
and difference. In the common cases, two tensors of one dtype on one device, or a
floating tensor and a Python number, binary_arrays returns the arrays (or the number)
unchanged, so here those cases do the same steps inline and everything else runs the
reference forward. The results are the same arrays, the same ctx.shapes and the same
saved records (tests/test_fast_paths.py compares them case by case).

What it buys, measured with `python bench/fast_swaps.py` (this module undone alone,
best of 25 timings in turns, 2026-12-03 20:47): 0.31 us of the 5.6 us 3x3 a * b of
bench/op_overhead.py, and 3.5 us of the 125 us tiny two-layer step (see below).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachgrad.ops import arithmetic
from teachgrad.ops.broadcast import broadcast_error
from teachgrad.ops.powers import Pow
from teachgrad.ops.reductions import Sum
from teachgrad.ops.where import Clamp
from teachgrad.tensor import Tensor

reference_mul = arithmetic.Mul.__dict__["forward"]
reference_add = arithmetic.Add.__dict__["forward"]
reference_sub = arithmetic.Sub.__dict__["forward"]
reference_pow = Pow.__dict__["forward"]
reference_sum = Sum.__dict__["forward"]
reference_clamp = Clamp.__dict__["forward"]
_NUMBERS = (int, float)


def _common_arrays(a: Any, b: Any, number_ok: bool) -> tuple | None:
    """(x, y, shape_a, shape_b) when binary_arrays(a, b) would return them unchanged.

    Two tensors whose arrays have one class and one dtype; or, when number_ok, a
    floating tensor and a Python float or int (binary_arrays keeps both as they are).
    None otherwise: the caller runs the reference forward.
    """
    a_is_tensor = isinstance(a, Tensor)
    b_is_tensor = isinstance(b, Tensor)
    if a_is_tensor and b_is_tensor:
        x, y = a._array, b._array
        if x.__class__ is y.__class__ and x.dtype is y.dtype:
            return x, y, x.shape, y.shape
        return None
    if not number_ok:
        return None
    if a_is_tensor and (b.__class__ is float or b.__class__ is int):
        x = a._array
        return (x, b, x.shape, ()) if x.dtype.kind == "f" else None
    if b_is_tensor and (a.__class__ is float or a.__class__ is int):
        y = b._array
        return (a, y, (), y.shape) if y.dtype.kind == "f" else None
    return None


def _error(x: Any, y: Any) -> RuntimeError:
    return broadcast_error(getattr(x, "shape", ()), getattr(y, "shape", ()))


def mul_forward(ctx: Any, a: Any, b: Any) -> Any:
    """Mul.forward: binary_arrays, _note_shapes, save_for_backward, x * y, inlined."""
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        # _common_arrays' first case, inlined too: a * b of two tensors is the op
        # bench/op_overhead.py times (about 0.15 us of its 5 us).
        x, y = a._array, b._array
        if x.__class__ is y.__class__ and x.dtype is y.dtype:
            needs_a, needs_b = ctx.needs_input_grad
            if needs_a or needs_b:
                ctx.shapes = (x.shape, y.shape)
                ctx.save_for_backward(a if needs_b else None, b if needs_a else None)
            try:
                return x * y
            except ValueError:
                raise _error(x, y) from None
        return reference_mul(ctx, a, b)
    common = _common_arrays(a, b, number_ok=True)
    if common is None:
        return reference_mul(ctx, a, b)
    x, y, shape_a, shape_b = common
    needs_a, needs_b = ctx.needs_input_grad
    if needs_a or needs_b:
        ctx.shapes = (shape_a, shape_b)
        ctx.save_for_backward(a if needs_b else None, b if needs_a else None)
    try:
        return x * y
    except ValueError:
        raise _error(x, y) from None


def add_forward(ctx: Any, a: Any, b: Any) -> Any:
    """Add.forward: binary_arrays, _note_shapes, x + y, inlined."""
    common = _common_arrays(a, b, number_ok=True)
    if common is None:
        return reference_add(ctx, a, b)
    x, y, shape_a, shape_b = common
    needs_a, needs_b = ctx.needs_input_grad
    if needs_a or needs_b:
        ctx.shapes = (shape_a, shape_b)
    try:
        return x + y
    except ValueError:
        raise _error(x, y) from None


def sub_forward(ctx: Any, a: Any, b: Any) -> Any:
    """Sub.forward: the bool check, binary_arrays, _note_shapes, x - y, inlined."""
    common = _common_arrays(a, b, number_ok=True)
    if common is None:
        return reference_sub(ctx, a, b)
    x, y, shape_a, shape_b = common
    if x.__class__ is not float and x.__class__ is not int and x.dtype.kind == "b":
        return reference_sub(ctx, a, b)  # two bool tensors: its error, torch's message
    needs_a, needs_b = ctx.needs_input_grad
    if needs_a or needs_b:
        ctx.shapes = (shape_a, shape_b)
    try:
        return x - y
    except ValueError:
        raise _error(x, y) from None


# The three below serve a training step's loss, `(x.mm(w).clamp(min=0) ... - y).pow(2).sum()`
# (bench/two_layer.py). With them the module saves 3.5 us of the tiny two-layer step
# (fast_swaps.py's noise is 1-2 us); without them its gain there was below that noise.

def pow_forward(ctx: Any, x: Any, exponent: Any) -> Any:
    """Pow.forward for a NumPy float tensor to a Python int or float power: binary_arrays
    leaves both as they are, and no special case (bool, -0.5) applies."""
    if exponent.__class__ in _NUMBERS and exponent != -0.5:
        base = x._array
        if base.__class__ is np.ndarray and base.dtype.kind == "f":
            ctx.save_for_backward(x, exponent)
            return base ** exponent
    return reference_pow(ctx, x, exponent)


def sum_forward(ctx: Any, x: Any, dim: Any, keepdim: bool, dtype: Any = None) -> Any:
    """Sum.forward of a whole NumPy float tensor: ndarray.sum's own ufunc call, and the
    0-d array that Tensor._make would make of its NumPy scalar."""
    array = x._array
    if dim is None and dtype is None and array.__class__ is np.ndarray \
            and array.dtype.kind == "f":
        ctx.input_shape, ctx.axes, ctx.keepdim = array.shape, None, keepdim
        return np.asarray(np.add.reduce(array, axis=None, dtype=array.dtype, keepdims=keepdim))
    return reference_sum(ctx, x, dim, keepdim, dtype)


def clamp_forward(ctx: Any, x: Any, low: Any, high: Any) -> Any:
    """Clamp.forward of a NumPy float tensor between Python numbers (or None): no type
    promotion, and _value's bounds are the numbers themselves."""
    values = x._array
    if values.__class__ is np.ndarray and values.dtype.kind == "f" \
            and (low.__class__ in _NUMBERS or (low is None and high is not None)) \
            and (high is None or high.__class__ in _NUMBERS):
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        result = values if low is None else np.maximum(values, low)
        if high is not None:
            result = np.minimum(result, high)
        return result.astype(values.dtype, copy=False)
    return reference_clamp(ctx, x, low, high)


# (Function, fast forward) for fast/__init__.py's swaps; the reference is the class's own.
FAST_FORWARDS = [(arithmetic.Mul, mul_forward), (arithmetic.Add, add_forward),
                 (arithmetic.Sub, sub_forward), (Pow, pow_forward), (Sum, sum_forward),
                 (Clamp, clamp_forward)]
