"""Rounding, floor division and remainders: floor, ceil, trunc, round, frac, //, %, fmod,
div(rounding_mode=...), and sign.

These are step functions: their gradient is zero almost everywhere. torch records
most of them with that zero (or one, for the part of % that follows its input) and
gives a few none at all, so backpropagating through those raises its error.
"""

from __future__ import annotations

import builtins
import operator
from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.arithmetic import _reduced
from teachgrad.ops.broadcast import (
    binary_arrays,
    broadcasting,
    shape_of,
    sum_to_shape,
)
from teachgrad.ops.broadcast_shapes import python_numbers_cast
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


def _module_of(x: Any, y: Any) -> Any:
    """The array module of whichever operand is an array (the other may be a number)."""
    return array_module(x if hasattr(x, "shape") else y)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", "") == "b"


def _is_integral(value: Any) -> bool:
    """An integer or bool array, or a Python int (bool included)."""
    if hasattr(value, "dtype"):
        return value.dtype.kind in "iub"
    return isinstance(value, int)


def _division_operands(a: Any, b: Any, kernel: str) -> tuple:
    """a and b as arrays in torch's result dtype, refusing what torch refuses.

    Bools have no division. Integers have no inf to return for a division by zero, so
    torch raises there (floats give inf or nan, silently).
    """
    # A Python int meets an integer tensor in its dtype, as torch casts it: int8 % 1000
    # divides by -24, uint8 // 2**31 by 0 (an error).
    x, y = python_numbers_cast(*binary_arrays(a, b))
    if _is_bool(x) and _is_bool(y):
        raise NotImplementedError(
            f"\"{kernel}_cpu\" not implemented for 'Bool': there is no division of bools. "
            "Convert first, e.g. mask.int()."
        )
    if _is_integral(x) and _is_integral(y) and _size(x) and _size(y) and (
            bool((y == 0).any()) if hasattr(y, "shape") else y == 0):
        raise RuntimeError(
            "ZeroDivisionError: integer division or remainder by zero. An integer tensor "
            "has no inf or nan to hold the result; divide float tensors instead, e.g. "
            "x.float() // y."
        )
    return x, y


def _size(value: Any) -> int:
    """How many elements an operand has: with none on either side there is no division
    (the result is empty), so no division by zero to refuse, as in torch."""
    return value.size if hasattr(value, "shape") else 1


class DivRounded(Function):
    """div(a, b, rounding_mode="floor" | "trunc"): the quotient rounded down, or towards
    zero. Unlike floor_divide, torch records a zero gradient for it (a step function)."""

    node_name = "DivBackward2"

    @staticmethod
    def forward(ctx: Node, a: Any, b: Any, rounding_mode: str) -> Any:
        if rounding_mode not in ("floor", "trunc"):
            raise RuntimeError(
                "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                f"'{rounding_mode}'"
            )
        x, y = _division_operands(a, b, f"div_{rounding_mode}")
        ctx.shapes = (shape_of(a), shape_of(b))
        xp = _module_of(x, y)
        if rounding_mode == "floor":
            return broadcasting(xp.floor_divide, x, y)
        if not _is_integral(x) or not _is_integral(y):
            # as torch: divide, then truncate
            return xp.trunc(broadcasting(operator.truediv, x, y))
        # Integers: floor division is one below truncation where the exact quotient is
        # negative and not whole (-7 / 2 = -3.5: floor -4, trunc -3).
        quotient = broadcasting(xp.floor_divide, x, y)
        inexact = (quotient * y != x) & ((x < 0) != (y < 0))
        return quotient + inexact

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        zeros = [grad.new_zeros(shape) if needed else None
                 for shape, needed in zip(ctx.shapes, ctx.needs_input_grad)]
        return zeros[0], zeros[1], None


class _NoDerivative(Function):
    """A step function torch gives no derivative: the node is recorded (the result
    requires grad, as in torch) but backpropagating through it raises torch's error."""

    node_name = "NotImplemented"
    _aten_name = ""

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        raise RuntimeError(
            f"derivative for aten::{ctx._function._aten_name} is not implemented. The result "
            "is a step function of its inputs (its slope is zero almost everywhere); detach "
            "the inputs if no gradient should flow through it, e.g. x.detach() // y."
        )


class FloorDivide(_NoDerivative):
    """a // b: the quotient rounded towards -inf, as Python's // (-7 // 2 is -4)."""

    node_name = "NotImplemented"
    _aten_name = "floor_divide"

    @staticmethod
    def forward(ctx: Node, a: Any, b: Any) -> Any:
        x, y = _division_operands(a, b, "div_floor")
        # NumPy's floor_divide rounds exactly as torch does, signed zeros included;
        # a float divided by zero gives a / 0 (inf, -inf or nan), as in torch.
        return broadcasting(_module_of(x, y).floor_divide, x, y)


def _remainder_arrays(x: Any, y: Any) -> Any:
    """x - floor(x / y) * y, computed as torch does: the sign follows the divisor.

    fmod's result has the sign of x; where that differs from the sign of y, adding y
    moves it into range (-7 % 3: fmod gives -1, plus 3 is 2). NumPy's remainder does
    the same but signs a zero result like y; torch signs it like x (-4. % 2 is -0.).
    """
    xp = _module_of(x, y)
    mod = broadcasting(xp.fmod, x, y)
    wrong_side = (mod != 0) & ((mod < 0) != (y < 0))
    return xp.where(wrong_side, mod + y, mod)


class Remainder(Function):
    """tensor % number: the gradient with respect to the tensor is 1."""

    node_name = "RemainderBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Any) -> Any:
        x, y = _division_operands(a, b, "remainder")
        return _remainder_arrays(x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return grad, None


class RemainderTensor(Function):
    """tensor % tensor: d/da = 1, d/db = -floor(a / b) (a % b = a - floor(a / b) * b)."""

    node_name = "RemainderBackward1"

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Tensor) -> Any:
        x, y = _division_operands(a, b, "remainder")
        ctx.shapes = (shape_of(a), shape_of(b))
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None,
                              b if ctx.needs_input_grad[1] else None)
        return _remainder_arrays(x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        grad_b = None
        if ctx.needs_input_grad[1]:
            grad_b = sum_to_shape(-grad * DivRounded.apply(a, b, "floor"), ctx.shapes[1])
        return _reduced(grad, ctx, 0), grad_b


class RRemainder(_NoDerivative):
    """number % tensor: torch defines no derivative for it."""

    node_name = "NotImplemented"
    _aten_name = "remainder"

    @staticmethod
    def forward(ctx: Node, a: Any, b: Tensor) -> Any:
        x, y = _division_operands(a, b, "remainder")
        return _remainder_arrays(x, y)


class Fmod(Function):
    """fmod(a, b): the remainder of a / b rounded towards zero; its sign follows a."""

    node_name = "FmodBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Any) -> Any:
        x, y = _division_operands(a, b, "fmod")
        ctx.shapes = (shape_of(a), shape_of(b))
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None,
                              b if ctx.needs_input_grad[1] else None)
        return broadcasting(_module_of(x, y).fmod, x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        grad_b = None
        if ctx.needs_input_grad[1]:
            grad_b = sum_to_shape(-grad * DivRounded.apply(a, b, "trunc"), ctx.shapes[1])
        return _reduced(grad, ctx, 0), grad_b


FmodTensor = renamed(Fmod, "FmodBackward1")


class _Rounding(Function):
    """floor, ceil, trunc, round: step functions, so their gradient is zero everywhere
    (torch's choice at the jumps too). An integer tensor is already whole: a copy."""

    node_name = "RoundBackward0"
    _ufunc = "rint"  # NumPy's rint rounds halves to even (2.5 -> 2), as torch.round

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        array = x._array
        name = ctx._function._ufunc
        if array.dtype.kind == "b":
            raise NotImplementedError(
                f"\"{name}\" not implemented for 'Bool': a bool is already whole; convert "
                "first if a number is meant, e.g. x.int()."
            )
        if array.dtype.kind in "iu":
            return array.copy()
        return getattr(array_module(array), name)(array)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        return grad.new_zeros(grad.shape)


Round = renamed(_Rounding, "RoundBackward0", _ufunc="rint")
Floor = renamed(_Rounding, "FloorBackward0", _ufunc="floor")
Ceil = renamed(_Rounding, "CeilBackward0", _ufunc="ceil")
Trunc = renamed(_Rounding, "TruncBackward0", _ufunc="trunc")


class RoundDecimals(Function):
    """round(x, decimals=d): to the nearest multiple of 10**-d, halves to even."""

    node_name = "RoundBackward1"

    @staticmethod
    def forward(ctx: Node, x: Tensor, decimals: int) -> Any:
        array = x._array
        if array.dtype.kind != "f":
            raise NotImplementedError(
                f"\"round_cpu\" not implemented for '{dtypes.legacy_name(array.dtype)}': round "
                "with decimals needs a float tensor. Convert first, e.g. x.float()."
            )
        xp = array_module(array)
        # As torch: scale by 10**|d| in the tensor's own dtype, round, scale back.
        scale = array.dtype.type(10.0 ** builtins.abs(decimals))
        if decimals >= 0:
            return xp.rint(array * scale) / scale
        return xp.rint(array / scale) * scale

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return grad.new_zeros(grad.shape), None


class Frac(Function):
    """x - trunc(x): the fractional part, with x's sign; its gradient is 1."""

    node_name = "FracBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        array = x._array
        if array.dtype.kind != "f":
            raise NotImplementedError(
                f"\"frac_cpu\" not implemented for '{dtypes.legacy_name(array.dtype)}': an "
                "integer has no fractional part. Convert first, e.g. x.float()."
            )
        return array - array_module(array).trunc(array)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        return grad


class Sign(Function):
    """-1, 0 or 1 per element. A step function: its gradient is zero everywhere, but
    torch still records it, so a loss built on it backpropagates zeros, not an error."""

    node_name = "SignBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        array = x._array
        if array.dtype.kind == "b":
            return array.copy()  # the sign of True is True, as torch has it
        xp = array_module(array)
        if array.dtype.kind == "f":  # torch: the sign of NaN is 0
            return xp.where(array != array, 0, xp.sign(array)).astype(array.dtype)
        return xp.sign(array)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        return grad.new_zeros(grad.shape)  # zeros, not grad * 0: an inf upstream gives 0


# ---------------------------------------------------------------- public functions


def floor_divide(input: Any, other: Any) -> Tensor:
    """input // other, rounded towards -inf. No gradient: backward through it raises."""
    return FloorDivide.apply(input, other)


def remainder(input: Any, other: Any) -> Tensor:
    """input % other with the sign of other, as Python's % (-7 % 3 is 2)."""
    if not isinstance(input, Tensor):
        return RRemainder.apply(input, other)
    if isinstance(other, Tensor):
        return RemainderTensor.apply(input, other)
    return Remainder.apply(input, other)


def fmod(input: Tensor, other: Any) -> Tensor:
    """The C-style remainder, with the sign of input (fmod(-7, 3) is -1)."""
    if isinstance(other, Tensor):
        return FmodTensor.apply(input, other)
    return Fmod.apply(input, other)


def round(input: Tensor, *, decimals: int | None = None) -> Tensor:
    """Round to the nearest integer (or multiple of 10**-decimals); halves go to even.

    (decimals defaults to 0, as in torch; passing it at all records RoundBackward1.)
    """
    if decimals is None:
        return Round.apply(input)
    return RoundDecimals.apply(input, int(decimals))


def floor(input: Tensor) -> Tensor:
    return Floor.apply(input)


def ceil(input: Tensor) -> Tensor:
    return Ceil.apply(input)


def trunc(input: Tensor) -> Tensor:
    return Trunc.apply(input)


fix = trunc


def frac(input: Tensor) -> Tensor:
    return Frac.apply(input)


def sign(input: Tensor) -> Tensor:
    return Sign.apply(input)
