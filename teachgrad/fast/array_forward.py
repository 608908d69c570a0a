"""The forwards of *, + and - with their common case inlined.

The reference forwards (teachgrad/ops/arithmetic.py) call binary_arrays for torch's
dtype rules, _note_shapes and save_for_backward for backward, and broadcasting for
torch's error message: four calls around one NumPy operator, for every product, sum
and difference. In the common cases, two tensors of one dtype on one device, or a
floating tensor and a Python number, binary_arrays returns the arrays (or the number)
unchanged, so here those cases do the same steps inline and everything else runs the
reference forward. The results are the same arrays, the same ctx.shapes and the same
saved records (tests/test_fast_paths.py compares them case by case).

What it buys, measured with `python bench/fast_swaps.py` (this module undone alone,
best of 25 timings in turns, 2026-12-03): 0.22 us of the 5.9 us 3x3 a * b of
bench/op_overhead.py (6.07 -> 5.85 us); on the tiny two-layer step (one sub, two
products in the update) its gain is below that script's noise (about 2-3 us).
"""

from __future__ import annotations

from typing import Any

from teachgrad.ops import arithmetic
from teachgrad.ops.broadcast import broadcast_error
from teachgrad.tensor import Tensor

reference_mul = arithmetic.Mul.__dict__["forward"]
reference_add = arithmetic.Add.__dict__["forward"]
reference_sub = arithmetic.Sub.__dict__["forward"]


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


# (Function, fast forward) for fast/__init__.py's swaps; the reference is the class's own.
FAST_FORWARDS = [(arithmetic.Mul, mul_forward), (arithmetic.Add, add_forward),
                 (arithmetic.Sub, sub_forward)]
