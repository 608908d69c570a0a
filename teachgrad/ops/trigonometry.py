"""Trigonometric and hyperbolic functions: sin, cos, tan, asin, acos, atan, atan2, sinh,
cosh, asinh, acosh, atanh, with torch's arc* aliases and in-place forms.

As in unary.py, each op is a Function whose forward works on arrays and whose backward
works on tensors (so it can be differentiated again), and integer or bool inputs give
the default float dtype. Outside an inverse's domain (asin(2), acosh(0.5)) the value
is NaN, silently, as in torch.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast import binary_arrays, broadcasting, sum_to_shape
from teachgrad.ops.floating import _floating
from teachgrad.ops.inplace import _unary_inplace, apply_inplace
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


def _math(x: Tensor, name: str) -> Any:
    """NumPy's (or CuPy's) function `name` of x's values, as floats."""
    return getattr(array_module(x._array), name)(_floating(x._array))


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


class Tan(Function):
    node_name = "TanBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        result = Tensor._make(_math(x, "tan"))
        ctx.save_for_backward(result)  # tan' = 1 + tan^2: the result is all it needs
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (result,) = ctx.saved_tensors
        return grad * (1 + result * result)


class Asin(Function):
    node_name = "AsinBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return _math(x, "arcsin")

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (1 - x * x).sqrt()


class Acos(Function):
    node_name = "AcosBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return _math(x, "arccos")

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return -grad / (1 - x * x).sqrt()


class Atan(Function):
    node_name = "AtanBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return _math(x, "arctan")

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (1 + x * x)


class Sinh(Function):
    node_name = "SinhBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return _math(x, "sinh")

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * cosh(x)


class Cosh(Function):
    node_name = "CoshBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return _math(x, "cosh")

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * sinh(x)


class Asinh(Function):
    node_name = "AsinhBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return _math(x, "arcsinh")

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (x * x + 1).sqrt()


class Acosh(Function):
    node_name = "AcoshBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return _math(x, "arccosh")

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (x * x - 1).sqrt()


class Atanh(Function):
    node_name = "AtanhBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        return _math(x, "arctanh")

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (1 - x * x)


class Atan2(Function):
    """The angle of the point (other, input): atan(input / other), in the right quadrant."""

    node_name = "Atan2Backward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Tensor) -> Any:
        x, y = binary_arrays(a, b)
        ctx.shapes = (a._array.shape, b._array.shape)
        ctx.save_for_backward(a, b)
        return broadcasting(lambda u, v: array_module(u).arctan2(u, v), _floating(x),
                            _floating(y))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        # d/da atan2(a, b) = b / (a^2 + b^2), d/db = -a / (a^2 + b^2), in torch's order of
        # operations: a * a and -a stay in a's dtype (an int8 or uint8 one wraps, a bool
        # one cannot be negated), and where a^2 + b^2 is exactly 0 (at the origin, or
        # underflowed) the slope is taken as 0, not 1/0.
        squared = a * a + b * b
        recip = squared.reciprocal().masked_fill(squared == 0, 0)
        grad_a = sum_to_shape(grad * b * recip, ctx.shapes[0]) if ctx.needs_input_grad[0] \
            else None
        grad_b = sum_to_shape(grad * -a * recip, ctx.shapes[1]) if ctx.needs_input_grad[1] \
            else None
        return grad_a, grad_b


# ---------------------------------------------------------------- public functions


def sin(input: Tensor) -> Tensor:
    return Sin.apply(input)


def cos(input: Tensor) -> Tensor:
    return Cos.apply(input)


def tan(input: Tensor) -> Tensor:
    return Tan.apply(input)


def asin(input: Tensor) -> Tensor:
    return Asin.apply(input)


def acos(input: Tensor) -> Tensor:
    return Acos.apply(input)


def atan(input: Tensor) -> Tensor:
    return Atan.apply(input)


def sinh(input: Tensor) -> Tensor:
    return Sinh.apply(input)


def cosh(input: Tensor) -> Tensor:
    return Cosh.apply(input)


def asinh(input: Tensor) -> Tensor:
    return Asinh.apply(input)


def acosh(input: Tensor) -> Tensor:
    return Acosh.apply(input)


def atanh(input: Tensor) -> Tensor:
    return Atanh.apply(input)


def atan2(input: Tensor, other: Tensor) -> Tensor:
    _check_tensors(input, other, "atan2")
    return Atan2.apply(input, other)


def _check_tensors(input: Any, other: Any, name: str) -> None:
    """torch takes no Python number in atan2, on either side: refused before anything runs."""
    for position, value in enumerate((input, other), 1):
        if not isinstance(value, Tensor):
            argument = "input" if position == 1 else "other"
            raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be "
                            f"Tensor, not {type(value).__name__}; wrap it: "
                            f"teachgrad.tensor({value!r})")


# torch's NumPy-style aliases
arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
arcsinh, arccosh, arctanh = asinh, acosh, atanh

# In place (inplace.py's mechanism: the out-of-place op, written back into x)
sin_ = _unary_inplace(sin)
cos_ = _unary_inplace(cos)
tan_ = _unary_inplace(tan)
asin_ = _unary_inplace(asin)
acos_ = _unary_inplace(acos)
atan_ = _unary_inplace(atan)
sinh_ = _unary_inplace(sinh)
cosh_ = _unary_inplace(cosh)


def _inplace_without_derivative(base: type, name: str) -> Any:
    """torch records asinh_, acosh_ and atanh_ under nodes of their own (AsinhBackward1
    ...) that have no derivative: backward through them raises. So here too."""

    def backward(ctx: Node, grad: Tensor) -> Tensor:
        raise NotImplementedError(f"the derivative for 'inplace version of {name}' is not "
                                  f"implemented. Use the out-of-place {name}() to "
                                  "differentiate through it.")

    node = renamed(base, f"{base.node_name[:-1]}1", backward=staticmethod(backward))

    def inplace(x: Tensor) -> Tensor:
        return apply_inplace(x, node.apply)

    inplace.__name__ = f"{name}_"
    return inplace


asinh_ = _inplace_without_derivative(Asinh, "asinh")
acosh_ = _inplace_without_derivative(Acosh, "acosh")
atanh_ = _inplace_without_derivative(Atanh, "atanh")


def atan2_(input: Tensor, other: Tensor) -> Tensor:
    _check_tensors(input, other, "atan2_")
    return apply_inplace(input, atan2, other)


arcsin_, arccos_, arctan_, arctan2_ = asin_, acos_, atan_, atan2_
arcsinh_, arccosh_, arctanh_ = asinh_, acosh_, atanh_
