"""Element-by-element ops: arithmetic, the usual math functions, activations, where.

Each op is a Function: forward computes on arrays, backward computes on tensors (so
that, with create_graph=True, the backward pass is itself recorded and can be
differentiated again). Binary ops sum their gradients back to each input's shape,
because broadcasting reused the smaller input along the stretched dimensions.
"""

from __future__ import annotations

import builtins
import math
import operator
from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.autograd.grad_mode import _GradState
from teachgrad.device import array_module
from teachgrad.ops.broadcast import (
    binary_arrays,
    broadcast_error,
    broadcast_shapes,
    check_same_device,
    shape_of,
    sum_to_shape,
)
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


def _broadcasting(operation: Any, x: Any, y: Any) -> Any:
    """operation(x, y), with torch's message when the shapes do not broadcast.

    operation is one of Python's operator functions (operator.mul is x * y, written
    in C): the arrays' own operators then pick NumPy or CuPy.
    """
    try:
        return operation(x, y)
    except ValueError:
        raise broadcast_error(getattr(x, "shape", ()), getattr(y, "shape", ())) from None


def _floating(array: Any) -> Any:
    """Math functions give floats; integer and bool inputs become the default float dtype."""
    if array.dtype.kind == "f":
        return array
    return array.astype(dtypes.get_default_dtype().numpy_dtype)


def _note_shapes(ctx: Node, a: Any, b: Any) -> None:
    """Keep both operands' shapes for backward's sum_to_shape, if backward will run."""
    needs_a, needs_b = ctx.needs_input_grad
    if needs_a or needs_b:
        # shape_of, inlined: these four ops are the most common of all.
        ctx.shapes = (a._array.shape if isinstance(a, Tensor) else (),
                      b._array.shape if isinstance(b, Tensor) else ())


def _reduced(grad: Tensor, ctx: Node, index: int) -> Tensor | None:
    """The gradient for input `index`, summed to its shape, or None if not needed."""
    if not ctx.needs_input_grad[index]:
        return None
    return sum_to_shape(grad, ctx.shapes[index])


# ---------------------------------------------------------------- arithmetic


class Add(Function):
    node_name = "AddBackward0"

    @staticmethod
    def forward(ctx: Node, a: Any, b: Any) -> Any:
        x, y = binary_arrays(a, b)
        _note_shapes(ctx, a, b)
        return _broadcasting(operator.add, x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return _reduced(grad, ctx, 0), _reduced(grad, ctx, 1)


class Sub(Function):
    node_name = "SubBackward0"

    @staticmethod
    def forward(ctx: Node, a: Any, b: Any) -> Any:
        _refuse_bool_subtraction(a, b)
        x, y = binary_arrays(a, b)
        _note_shapes(ctx, a, b)
        return _broadcasting(operator.sub, x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        grad_b = _reduced(grad, ctx, 1)
        return _reduced(grad, ctx, 0), (-grad_b if grad_b is not None else None)


def _refuse_bool_subtraction(a: Any, b: Any) -> None:
    # A bool minus anything has no sensible meaning (True - True?); torch refuses it
    # and points to the operator that was probably meant. (bool cannot be subclassed,
    # so a class check answers for Python bools, cheaper than isinstance.)
    a_is_bool = a.__class__ is bool or (isinstance(a, Tensor) and a._array.dtype.kind == "b")
    b_is_bool = b.__class__ is bool or (isinstance(b, Tensor) and b._array.dtype.kind == "b")
    if a_is_bool and b_is_bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if a_is_bool or b_is_bool:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")


# number - tensor: torch records it as its own node.
Rsub = renamed(Sub, "RsubBackward1")


class Mul(Function):
    node_name = "MulBackward0"

    @staticmethod
    def forward(ctx: Node, a: Any, b: Any) -> Any:
        x, y = binary_arrays(a, b)
        needs_a, needs_b = ctx.needs_input_grad
        if needs_a or needs_b:  # (not under no_grad: `lr * p.grad` in every update)
            _note_shapes(ctx, a, b)
            # d(a*b)/da needs b and d(a*b)/db needs a: keep only what will be used.
            ctx.save_for_backward(a if needs_b else None, b if needs_a else None)
        return _broadcasting(operator.mul, x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        grad_a = sum_to_shape(grad * b, ctx.shapes[0]) if ctx.needs_input_grad[0] else None
        grad_b = sum_to_shape(grad * a, ctx.shapes[1]) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class Div(Function):
    node_name = "DivBackward0"

    @staticmethod
    def forward(ctx: Node, a: Any, b: Any) -> Any:
        x, y = binary_arrays(a, b)
        _note_shapes(ctx, a, b)
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)
        quotient = _broadcasting(operator.truediv, x, y)  # x / 0 is inf, silently (numerics.py)
        # Integers divide as true division in torch, giving the default float dtype.
        # NumPy divides integers into float64; cast to the default dtype as torch does.
        operand_dtype = x.dtype if hasattr(x, "dtype") else y.dtype
        if operand_dtype.kind == "f":
            return quotient
        return quotient.astype(dtypes.get_default_dtype().numpy_dtype)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        grad_a = sum_to_shape(grad / b, ctx.shapes[0]) if ctx.needs_input_grad[0] else None
        grad_b = (
            sum_to_shape(-grad * a / (b * b), ctx.shapes[1]) if ctx.needs_input_grad[1] else None
        )
        return grad_a, grad_b


# number / tensor: torch computes it as reciprocal(tensor) * number, hence the name.
RDiv = renamed(Div, "MulBackward0")
Reciprocal = renamed(Div, "ReciprocalBackward0")


class Neg(Function):
    node_name = "NegBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        if x._array.dtype.kind == "b":
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                "trying to invert a mask, use the `~` or `logical_not()` operator instead."
            )
        return -x._array

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        return -grad


class Pow(Function):
    """tensor ** number."""

    node_name = "PowBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, exponent: Any) -> Any:
        base, exponent_value = binary_arrays(x, exponent)
        if isinstance(exponent_value, int) and exponent_value < 0 and base.dtype.kind in "iu":
            # 2 ** -1 is not an integer; torch refuses rather than round (NumPy: ValueError)
            raise RuntimeError("Integers to negative integer powers are not allowed. Use a "
                               "float tensor, e.g. x.float() ** -1.")
        ctx.save_for_backward(x, exponent)
        return base ** exponent_value

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, exponent = ctx.saved_tensors
        if exponent == 0:
            return grad * 0, None
        if exponent == 2:  # the square, the most common power, needs no pow
            if not _GradState.enabled:  # nothing records this backward: plain arrays will do
                return Tensor._make(grad._array * x._array * 2.0), None
            return grad * x * 2.0, None
        return grad * exponent * x ** (exponent - 1), None


class PowTensor(Function):
    """tensor ** tensor."""

    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Tensor) -> Any:
        x, y = binary_arrays(a, b)
        ctx.shapes = (shape_of(a), shape_of(b))
        result = Tensor._make(_broadcasting(operator.pow, x, y))
        ctx.save_for_backward(a, b, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b, result = ctx.saved_tensors
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = sum_to_shape(grad * b * a ** (b - 1), ctx.shapes[0])
        if ctx.needs_input_grad[1]:
            # d(a^b)/db = a^b log a; torch defines it as 0 where a == 0 and b >= 0.
            log_a = where((a == 0) & (b >= 0), 0.0, a.log())
            grad_b = sum_to_shape(grad * result * log_a, ctx.shapes[1])
        return grad_a, grad_b


class RPow(Function):
    """number ** tensor."""

    node_name = "PowBackward2"

    @staticmethod
    def forward(ctx: Node, base: Any, x: Tensor) -> Any:
        base_value, exponent = binary_arrays(base, x)
        result = Tensor._make(base_value ** exponent)
        ctx.log_base = math.log(base) if base > 0 else math.nan
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (result,) = ctx.saved_tensors
        return None, grad * result * ctx.log_base


# ---------------------------------------------------------------- math functions


class Exp(Function):
    node_name = "ExpBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        result = Tensor._make(array_module(x._array).exp(_floating(x._array)))
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (result,) = ctx.saved_tensors
        return grad * result


class Log(Function):
    node_name = "LogBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return array_module(x._array).log(_floating(x._array))  # log(0) = -inf, silently

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Function):
    node_name = "SqrtBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        result = Tensor._make(array_module(x._array).sqrt(_floating(x._array)))
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (result,) = ctx.saved_tensors
        return grad / (2 * result)


class Abs(Function):
    node_name = "AbsBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        # Not the builtin abs: this module's own abs() (below) shadows it.
        return array_module(x._array).abs(x._array)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * x.sign()


class Sin(Function):
    node_name = "SinBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return array_module(x._array).sin(_floating(x._array))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * x.cos()


class Cos(Function):
    node_name = "CosBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return array_module(x._array).cos(_floating(x._array))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return -grad * x.sin()


class Tanh(Function):
    node_name = "TanhBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        result = Tensor._make(array_module(x._array).tanh(_floating(x._array)))
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (result,) = ctx.saved_tensors
        return grad * (1 - result * result)


class Sigmoid(Function):
    node_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        values = _floating(x._array)
        # 1/(1+e^-x) overflows e^-x for large negative x; the tanh form never does.
        result = Tensor._make(array_module(values).tanh(values * 0.5) * 0.5 + 0.5)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (result,) = ctx.saved_tensors
        return grad * result * (1 - result)


class Relu(Function):
    node_name = "ReluBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        result = Tensor._make(array_module(x._array).maximum(x._array, 0).astype(x._array.dtype,
                                                                                   copy=False))
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (result,) = ctx.saved_tensors
        if _GradState.enabled:
            # create_graph: as in torch, the gradient stays connected to the result (with
            # a zero derivative), so differentiating it again gives zeros, not an error.
            return grad * result.sign()
        # Nothing records this backward (no create_graph): plain arrays will do.
        return Tensor._make(grad._array * (result._array > 0))


class Clamp(Function):
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx: Node, x: Tensor, low: Any, high: Any) -> Any:
        if low is None and high is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        ctx.save_for_backward(x if ctx.needs_input_grad[0] else None)
        ctx.low, ctx.high = low, high
        values = x._array
        if values.dtype.kind != "f" or isinstance(low, Tensor) or isinstance(high, Tensor):
            # The bounds take part in type promotion, as an operand of add would: a bool
            # tensor clamped with min=1 gives int64, an int tensor with max=1.5 float32.
            # (A float tensor with number bounds, the common case, keeps its dtype.)
            target = dtypes.result_type(x, *(v for v in (low, high) if v is not None))
            values = values.astype(target.numpy_dtype, copy=False)
        xp = array_module(values)
        result = values
        if low is not None:
            result = xp.maximum(result, low)
        if high is not None:
            result = xp.minimum(result, high)
        return result.astype(values.dtype, copy=False)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (x,) = ctx.saved_tensors
        # The gradient passes where the input was inside [min, max], ends included.
        inside = _inside(x._array, ctx.low, ctx.high)
        if not _GradState.enabled:  # nothing records this backward: plain arrays will do
            return Tensor._make(grad._array * inside), None, None
        return grad * Tensor._make(inside), None, None


def _inside(values: Any, low: Any, high: Any) -> Any:
    # A comparison has no gradient: the mask is made from the arrays, outside the graph.
    above = values >= _value(low) if low is not None else None
    below = values <= _value(high) if high is not None else None
    if above is None or below is None:
        return below if above is None else above
    return above & below


def _value(bound: Any) -> Any:
    return bound._array if isinstance(bound, Tensor) else bound


class Maximum(Function):
    node_name = "MaximumBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Tensor) -> Any:
        x, y = binary_arrays(a, b)
        ctx.shapes = (a._array.shape, b._array.shape)
        ctx.save_for_backward(a, b)
        return _broadcasting(array_module(x).maximum, x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        return _split_by_winner(grad, a > b, a == b, ctx)


class Minimum(Function):
    node_name = "MinimumBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Tensor) -> Any:
        x, y = binary_arrays(a, b)
        ctx.shapes = (a._array.shape, b._array.shape)
        ctx.save_for_backward(a, b)
        return _broadcasting(array_module(x).minimum, x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        return _split_by_winner(grad, a < b, a == b, ctx)


def _split_by_winner(grad: Tensor, a_wins: Tensor, tie: Tensor, ctx: Node) -> tuple:
    # The winner takes the gradient; a tie splits it in half, as torch does.
    share_a = a_wins + tie * 0.5
    grad_a = sum_to_shape(grad * share_a, ctx.shapes[0]) if ctx.needs_input_grad[0] else None
    grad_b = sum_to_shape(grad * (1 - share_a), ctx.shapes[1]) if ctx.needs_input_grad[1] \
        else None
    return grad_a, grad_b


class Where(Function):
    node_name = "WhereBackward0"

    @staticmethod
    def forward(ctx: Node, condition: Tensor, a: Any, b: Any) -> Any:
        if condition._array.dtype.kind != "b":
            raise RuntimeError(
                f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                f"{condition.dtype}. Compare first, e.g. where(x > 0, a, b)."
            )
        xp = array_module(condition._array)
        if isinstance(a, Tensor) or isinstance(b, Tensor):
            x, y = binary_arrays(a, b)
        else:  # where(mask, 1.0, 0.0): two numbers, typed as torch types numbers
            target = dtypes.result_type(a, b).numpy_dtype
            x, y = xp.asarray(a, dtype=target), xp.asarray(b, dtype=target)
        for operand in (x, y):
            if hasattr(operand, "shape"):
                check_same_device(condition._array, operand)
        ctx.shapes = (condition._array.shape, shape_of(a), shape_of(b))
        ctx.save_for_backward(condition)
        try:
            return xp.where(condition._array, x, y)
        except ValueError:
            # torch broadcasts condition, input, other in turn and names the first clash.
            broadcast_shapes(condition._array.shape, shape_of(a), shape_of(b))
            raise  # not reached: the shapes above cannot all broadcast

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (condition,) = ctx.saved_tensors
        zero = grad.new_zeros(())
        grad_a = sum_to_shape(where(condition, grad, zero), ctx.shapes[1]) \
            if ctx.needs_input_grad[1] else None
        grad_b = sum_to_shape(where(condition, zero, grad), ctx.shapes[2]) \
            if ctx.needs_input_grad[2] else None
        return None, grad_a, grad_b


# ---------------------------------------------------------------- public functions


def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    return Add.apply(input, other if alpha == 1 else other * alpha)


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    return Sub.apply(input, other if alpha == 1 else other * alpha)


def rsub(input: Any, other: Any) -> Tensor:
    """other - input, as torch.rsub."""
    return Rsub.apply(other, input)


def mul(input: Any, other: Any) -> Tensor:
    return Mul.apply(input, other)


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """input / other; rounding_mode "floor" or "trunc" rounds the quotient (no gradient)."""
    if rounding_mode is not None:
        return DivRounded.apply(input, other, rounding_mode)
    if not isinstance(input, Tensor):
        return RDiv.apply(input, other)
    return Div.apply(input, other)


def reciprocal(input: Tensor) -> Tensor:
    return Reciprocal.apply(1.0, input)


def pow(input: Any, exponent: Any) -> Tensor:
    if not isinstance(input, Tensor):
        return RPow.apply(input, exponent)
    if isinstance(exponent, Tensor):
        return PowTensor.apply(input, exponent)
    return Pow.apply(input, exponent)


def neg(input: Tensor) -> Tensor:
    return Neg.apply(input)


def exp(input: Tensor) -> Tensor:
    return Exp.apply(input)


def log(input: Tensor) -> Tensor:
    return Log.apply(input)


def sqrt(input: Tensor) -> Tensor:
    return Sqrt.apply(input)


def abs(input: Tensor) -> Tensor:
    return Abs.apply(input)


def sin(input: Tensor) -> Tensor:
    return Sin.apply(input)


def cos(input: Tensor) -> Tensor:
    return Cos.apply(input)


def tanh(input: Tensor) -> Tensor:
    return Tanh.apply(input)


def sigmoid(input: Tensor) -> Tensor:
    return Sigmoid.apply(input)


def relu(input: Tensor) -> Tensor:
    return Relu.apply(input)


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    return Clamp.apply(input, min, max)


clip = clamp


def maximum(input: Tensor, other: Tensor) -> Tensor:
    return Maximum.apply(input, other)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    return Minimum.apply(input, other)


def where(condition: Tensor, input: Any, other: Any) -> Tensor:
    return Where.apply(condition, input, other)


class Sign(Function):
    """-1, 0 or 1 per element. A step function: its gradient is zero everywhere, but
    torch still records it, so a loss built on it backpropagates zeros, not an error."""

    node_name = "SignBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        return array_module(x._array).sign(x._array)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        return grad * 0


def sign(input: Tensor) -> Tensor:
    return Sign.apply(input)


# ---------------------------------------------------------------- rounding and remainders


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
    x, y = binary_arrays(a, b)
    if _is_bool(x) and _is_bool(y):
        raise NotImplementedError(
            f"\"{kernel}_cpu\" not implemented for 'Bool': there is no division of bools. "
            "Convert first, e.g. mask.int()."
        )
    if _is_integral(x) and _is_integral(y) and (
            bool((y == 0).any()) if hasattr(y, "shape") else y == 0):
        raise RuntimeError(
            "ZeroDivisionError: integer division or remainder by zero. An integer tensor "
            "has no inf or nan to hold the result; divide float tensors instead, e.g. "
            "x.float() // y."
        )
    return x, y


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
        return _broadcasting(_module_of(x, y).floor_divide, x, y)


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
            return _broadcasting(xp.floor_divide, x, y)
        if not _is_integral(x) or not _is_integral(y):
            # as torch: divide, then truncate
            return xp.trunc(_broadcasting(operator.truediv, x, y))
        # Integers: floor division is one below truncation where the exact quotient is
        # negative and not whole (-7 / 2 = -3.5: floor -4, trunc -3).
        quotient = _broadcasting(xp.floor_divide, x, y)
        inexact = (quotient * y != x) & ((x < 0) != (y < 0))
        return quotient + inexact

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        zeros = [grad.new_zeros(shape) if needed else None
                 for shape, needed in zip(ctx.shapes, ctx.needs_input_grad)]
        return zeros[0], zeros[1], None


def _remainder_arrays(x: Any, y: Any) -> Any:
    """x - floor(x / y) * y, computed as torch does: the sign follows the divisor.

    fmod's result has the sign of x; where that differs from the sign of y, adding y
    moves it into range (-7 % 3: fmod gives -1, plus 3 is 2). NumPy's remainder does
    the same but signs a zero result like y; torch signs it like x (-4. % 2 is -0.).
    """
    xp = _module_of(x, y)
    mod = _broadcasting(xp.fmod, x, y)
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
        return _broadcasting(_module_of(x, y).fmod, x, y)

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


# ---------------------------------------------------------------- masked_fill


class MaskedFill(Function):
    """x.masked_fill(mask, value): value where mask is True, x elsewhere.

    The mask broadcasts against x. value is a number (MaskedFillBackward0) or a 0-d
    tensor (MaskedFillBackward1), cast to x's dtype (2.7 into an int tensor gives 2);
    a 0-d value tensor collects the gradient of every position it filled.
    """

    node_name = "MaskedFillBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, mask: Tensor, value: Any) -> Any:
        array = x._array
        if not isinstance(mask, Tensor) or mask._array.dtype.kind != "b":
            got = dtypes.legacy_name(mask._array.dtype) if isinstance(mask, Tensor) \
                else type(mask).__name__
            raise RuntimeError(
                f"masked_fill_ only supports boolean masks, but got mask with dtype {got}. "
                "Compare first, e.g. x.masked_fill(x < 0, 0.0)."
            )
        check_same_device(array, mask._array)
        xp = array_module(array)
        if isinstance(value, Tensor):
            if value._array.ndim != 0:
                raise RuntimeError(
                    "masked_fill_ only supports a 0-dimensional value tensor, but got tensor "
                    f"with {value._array.ndim} dimension(s)."
                )
            fill = value.to(x.device)._array  # a 0-d CPU tensor may fill a GPU tensor
        else:
            fill = value
        fill = xp.asarray(fill).astype(array.dtype)
        ctx.shapes = (array.shape, mask._array.shape)
        ctx.save_for_backward(mask)
        try:
            return xp.where(mask._array, fill, array)
        except ValueError:
            raise broadcast_error(array.shape, mask._array.shape) from None

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (mask,) = ctx.saved_tensors
        zero = grad.new_zeros(())
        grad_x = sum_to_shape(where(mask, zero, grad), ctx.shapes[0]) \
            if ctx.needs_input_grad[0] else None
        grad_value = where(mask, grad, zero).sum() if ctx.needs_input_grad[2] else None
        return grad_x, None, grad_value


MaskedFillTensor = renamed(MaskedFill, "MaskedFillBackward1")


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    if isinstance(value, Tensor):
        return MaskedFillTensor.apply(input, mask, value)
    return MaskedFill.apply(input, mask, value)
