"""Element-by-element ops: arithmetic, the usual math functions, activations, where.

Each op is a Function: forward computes on arrays, backward computes on tensors (so
that, with create_graph=True, the backward pass is itself recorded and can be
differentiated again). Binary ops sum their gradients back to each input's shape,
because broadcasting reused the smaller input along the stretched dimensions.
"""

from __future__ import annotations

import math
from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.autograd.grad_mode import _GradState
from teachgrad.device import array_module
from teachgrad.ops.broadcast import (
    binary_arrays, broadcast_error, broadcast_shapes, check_same_device, shape_of, sum_to_shape,
)
from teachgrad.tensor import Tensor


def _broadcasting(operation: Any, x: Any, y: Any) -> Any:
    try:
        return operation(x, y)
    except ValueError:
        raise broadcast_error(getattr(x, "shape", ()), getattr(y, "shape", ())) from None


def _floating(array: Any) -> Any:
    """Math functions give floats; integer and bool inputs become the default float dtype."""
    if array.dtype.kind == "f":
        return array
    return array.astype(dtypes.get_default_dtype().numpy_dtype)


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
        ctx.shapes = (shape_of(a), shape_of(b))
        return _broadcasting(_add, x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return _reduced(grad, ctx, 0), _reduced(grad, ctx, 1)


class Sub(Function):
    node_name = "SubBackward0"

    @staticmethod
    def forward(ctx: Node, a: Any, b: Any) -> Any:
        _refuse_bool_subtraction(a, b)
        x, y = binary_arrays(a, b)
        ctx.shapes = (shape_of(a), shape_of(b))
        return _broadcasting(_sub, x, y)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        grad_b = _reduced(grad, ctx, 1)
        return _reduced(grad, ctx, 0), (-grad_b if grad_b is not None else None)


def _refuse_bool_subtraction(a: Any, b: Any) -> None:
    # A bool minus anything has no sensible meaning (True - True?); torch refuses it
    # and points to the operator that was probably meant.
    bools = [isinstance(v, bool) or (isinstance(v, Tensor) and v._array.dtype.kind == "b")
             for v in (a, b)]
    if all(bools):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if any(bools):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")


class Rsub(Sub):
    """number - tensor: torch records it as its own node."""

    node_name = "RsubBackward1"


class Mul(Function):
    node_name = "MulBackward0"

    @staticmethod
    def forward(ctx: Node, a: Any, b: Any) -> Any:
        x, y = binary_arrays(a, b)
        ctx.shapes = (shape_of(a), shape_of(b))
        # d(a*b)/da needs b and d(a*b)/db needs a: keep only what will be used.
        needs_a, needs_b = ctx.needs_input_grad
        ctx.save_for_backward(a if needs_b else None, b if needs_a else None)
        return _broadcasting(_mul, x, y)

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
        ctx.shapes = (shape_of(a), shape_of(b))
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)
        quotient = _broadcasting(_div, x, y)  # x / 0 is inf, silently (numerics.py)
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


class RDiv(Div):
    """number / tensor: torch computes it as reciprocal(tensor) * number, hence the name."""

    node_name = "MulBackward0"


class Reciprocal(Div):
    node_name = "ReciprocalBackward0"


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
        if base.dtype.kind in "iu" and isinstance(exponent_value, int) and exponent_value < 0:
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
        if exponent == 2:
            return grad * x * 2.0, None  # the square, the most common power, needs no pow
        return grad * exponent * x ** (exponent - 1), None


class PowTensor(Function):
    """tensor ** tensor."""

    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Tensor) -> Any:
        x, y = binary_arrays(a, b)
        ctx.shapes = (shape_of(a), shape_of(b))
        result = Tensor._make(_broadcasting(_pow, x, y))
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


def _add(x: Any, y: Any) -> Any:
    return x + y


def _sub(x: Any, y: Any) -> Any:
    return x - y


def _mul(x: Any, y: Any) -> Any:
    return x * y


def _div(x: Any, y: Any) -> Any:
    return x / y


def _pow(x: Any, y: Any) -> Any:
    return x ** y


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
        return grad * (result > 0)


class Clamp(Function):
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx: Node, x: Tensor, low: Any, high: Any) -> Any:
        if low is None and high is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        ctx.save_for_backward(x if ctx.needs_input_grad[0] else None)
        ctx.low, ctx.high = low, high
        # The bounds take part in type promotion, as an operand of add would: a bool
        # tensor clamped with min=1 gives int64, an int tensor with max=1.5 float32.
        target = dtypes.result_type(x, *(v for v in (low, high) if v is not None))
        values = x._array.astype(target.numpy_dtype, copy=False)
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
        inside = _inside(x, ctx.low, ctx.high)
        return grad * inside, None, None


def _inside(x: Tensor, low: Any, high: Any) -> Tensor:
    if low is not None and high is not None:
        return (x >= low) & (x <= high)
    return x >= low if low is not None else x <= high


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


def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:  # noqa: A002
    return Add.apply(input, other if alpha == 1 else other * alpha)


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:  # noqa: A002
    return Sub.apply(input, other if alpha == 1 else other * alpha)


def rsub(input: Any, other: Any) -> Tensor:  # noqa: A002
    """other - input, as torch.rsub."""
    return Rsub.apply(other, input)


def mul(input: Any, other: Any) -> Tensor:  # noqa: A002
    return Mul.apply(input, other)


def div(input: Any, other: Any) -> Tensor:  # noqa: A002
    if not isinstance(input, Tensor):
        return RDiv.apply(input, other)
    return Div.apply(input, other)


def reciprocal(input: Tensor) -> Tensor:  # noqa: A002
    return Reciprocal.apply(1.0, input)


def pow(input: Any, exponent: Any) -> Tensor:  # noqa: A001, A002
    if not isinstance(input, Tensor):
        return RPow.apply(input, exponent)
    if isinstance(exponent, Tensor):
        return PowTensor.apply(input, exponent)
    return Pow.apply(input, exponent)


def neg(input: Tensor) -> Tensor:  # noqa: A002
    return Neg.apply(input)


def exp(input: Tensor) -> Tensor:  # noqa: A002
    return Exp.apply(input)


def log(input: Tensor) -> Tensor:  # noqa: A002
    return Log.apply(input)


def sqrt(input: Tensor) -> Tensor:  # noqa: A002
    return Sqrt.apply(input)


def abs(input: Tensor) -> Tensor:  # noqa: A001, A002
    return Abs.apply(input)


def sin(input: Tensor) -> Tensor:  # noqa: A002
    return Sin.apply(input)


def cos(input: Tensor) -> Tensor:  # noqa: A002
    return Cos.apply(input)


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    return Tanh.apply(input)


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    return Sigmoid.apply(input)


def relu(input: Tensor) -> Tensor:  # noqa: A002
    return Relu.apply(input)


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    return Clamp.apply(input, min, max)


clip = clamp


def maximum(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    return Maximum.apply(input, other)


def minimum(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    return Minimum.apply(input, other)


def where(condition: Tensor, input: Any, other: Any) -> Tensor:  # noqa: A002
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


def sign(input: Tensor) -> Tensor:  # noqa: A002
    return Sign.apply(input)
