"""More activations, as torch.nn.functional has them: elu, selu, celu, silu, mish,
hardtanh, relu6, hardsigmoid, hardswish, softplus, softsign, logsigmoid.

Each function takes torch's arguments (inplace= included) and checks its input the way
torch does: integer and bool inputs are refused (NotImplementedError naming torch's
kernel), except by hardtanh and relu6, which clamp integers too. Forward works on
arrays, backward on tensors, so every one of them can be differentiated twice.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast_shapes import fill_value_checked
from teachgrad.ops.inplace import apply_inplace
from teachgrad.ops.renamed import renamed
from teachgrad.ops.where import where
from teachgrad.tensor import Tensor

# SELU's constants (Klambauer et al. 2017), as torch spells them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _require_float(input: Tensor, kernel: str) -> None:
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for "
                                  f"'{dtypes.legacy_name(input.dtype)}': activations like "
                                  f"this one need floats; convert first, e.g. x.float()")


def _run(op: Callable, input: Tensor, inplace: bool, *args: Any) -> Tensor:
    """op(input, *args), or written back into input (inplace.py's mechanism)."""
    return apply_inplace(input, op, *args) if inplace else op(input, *args)


class StepGradient(Function):
    """grad * slope where `passes`, else 0: the backward of a piecewise-linear activation
    (hardtanh, hardsigmoid).

    It selects, as torch does, rather than multiplying by a 0/1 mask: where the
    activation is flat the gradient is 0 even when grad is infinite (0 * inf is NaN).
    An op of its own, as unary.ReluGradient: the result stays connected to x, so a
    second derivative gives zeros for x (the slope is piecewise constant), as in torch,
    instead of saying x was not used.
    """

    node_name = "HardtanhBackwardBackward0"

    @staticmethod
    def forward(ctx: Node, grad: Tensor, x: Tensor, passes: Any, slope: float) -> Any:
        ctx.passes, ctx.slope = passes, slope
        return array_module(grad._array).where(passes, grad._array * slope, 0)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        zeros = array_module(grad._array).zeros(ctx.passes.shape, grad._array.dtype)
        blocked = Tensor._make(~ctx.passes)
        return (grad * ctx.slope).masked_fill(blocked, 0), Tensor._make(zeros), None, None


class Elu(Function):
    """scale * x for x > 0, else scale * alpha * (exp(input_scale * x) - 1).

    torch writes elu, selu and celu as this one function: selu is alpha=1.673...,
    scale=1.0507...; celu(alpha) is elu with input_scale = 1/alpha.
    """

    node_name = "EluBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, alpha: float, scale: float, input_scale: float) -> Any:
        ctx.save_for_backward(x)
        ctx.constants = (alpha, scale, input_scale)
        array = x._array
        xp = array_module(array)
        negative = xp.expm1(array * input_scale) * (alpha * scale)  # expm1: exact near 0
        return xp.where(array > 0, array * scale, negative).astype(array.dtype, copy=False)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (x,) = ctx.saved_tensors
        alpha, scale, input_scale = ctx.constants
        at_zero = alpha * scale * input_scale
        slope = (x * input_scale).exp() * at_zero
        # At exactly 0 the slope is a constant: torch's second derivative is 0 there.
        negative = where(x < 0, grad * slope, grad * at_zero)
        # torch's test is x <= 0, so a NaN input takes the positive side's slope.
        return where(x <= 0, negative, grad * scale), None, None, None


EluInplace = renamed(Elu, "EluBackward1")  # torch's node for elu_ and selu_
Celu = renamed(Elu, "CeluBackward0")
CeluInplace = renamed(Elu, "CeluBackward1")


class Silu(Function):
    """x * sigmoid(x) (also called swish)."""

    node_name = "SiluBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        array = x._array
        return array * (array_module(array).tanh(array * 0.5) * 0.5 + 0.5)  # overflow-free

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        s = x.sigmoid()
        return grad * (s * (1 + x * (1 - s)))


class Mish(Function):
    """x * tanh(softplus(x))."""

    node_name = "MishBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        array = x._array
        xp = array_module(array)
        # log(1 + e^x) without overflow; zeros_like, not x * 0, which is NaN at x = inf
        return array * xp.tanh(xp.logaddexp(xp.zeros_like(array), array))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        t = Softplus.apply(x, 1.0, 20.0).tanh()
        return grad * (t + x * x.sigmoid() * (1 - t * t))


class Hardtanh(Function):
    """x clamped to [min_val, max_val]; the gradient passes strictly inside only (and at
    NaN, which torch does not count as clamped)."""

    node_name = "HardtanhBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, min_val: float, max_val: float) -> Any:
        array = x._array
        xp = array_module(array)
        clamped = (array <= min_val) | (array >= max_val)
        ctx.passes = xp.asarray(~clamped)  # 0-d: still an array
        ctx.save_for_backward(x)
        return xp.minimum(xp.maximum(array, min_val), max_val).astype(array.dtype, copy=False)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (x,) = ctx.saved_tensors
        return StepGradient.apply(grad, x, ctx.passes, 1.0), None, None


class Hardsigmoid(Function):
    """relu6(x + 3) / 6: a piecewise-linear sigmoid, 0 below -3, 1 above 3."""

    node_name = "HardsigmoidBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        array = x._array
        xp = array_module(array)
        ctx.save_for_backward(x)
        return xp.minimum(xp.maximum(array + 3, 0), 6) / 6  # torch's order of operations

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        array = x._array
        # torch's slope is 1/6 rounded to float32 (`1.0f / 6.0f`), even for float64
        inside = array_module(array).asarray((array > -3) & (array < 3))  # NaN: outside
        return StepGradientHardsigmoid.apply(grad, x, inside, _ONE_SIXTH_AS_FLOAT32)


_ONE_SIXTH_AS_FLOAT32 = float(np.float32(1.0) / np.float32(6.0))


def _no_double_backward(ctx: Node, grad: Tensor) -> tuple:
    # torch has no second derivative for hardsigmoid (its double backward is missing),
    # so a create_graph pass through it fails there; it fails here the same way.
    raise RuntimeError("derivative for aten::hardsigmoid_backward is not implemented "
                       "(torch has no second derivative for hardsigmoid)")


StepGradientHardsigmoid = renamed(StepGradient, "HardsigmoidBackwardBackward0",
                                  backward=staticmethod(_no_double_backward))


class Hardswish(Function):
    """x * relu6(x + 3) / 6: a piecewise silu."""

    node_name = "HardswishBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        array = x._array
        xp = array_module(array)
        ctx.save_for_backward(x)
        return array * xp.minimum(xp.maximum(array + 3, 0), 6) / 6

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        array = x._array
        xp = array_module(array)
        # The slope: 0 up to -3, x/3 + 1/2 inside, 1 from 3 on and at NaN (torch's
        # boundaries). It depends on x (for a second derivative) strictly inside (-3, 3)
        # only, as in torch. The 0 is selected, so an infinite grad stays 0 there.
        inside = Tensor._make(xp.asarray((array > -3) & (array < 3)))
        off = Tensor._make(xp.asarray(array <= -3))
        return where(inside, grad * (x / 3 + 0.5), grad).masked_fill(off, 0)


class Softplus(Function):
    """log(1 + exp(beta * x)) / beta, and x itself once beta * x > threshold."""

    node_name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, beta: float, threshold: float) -> Any:
        ctx.save_for_backward(x)
        ctx.constants = (beta, threshold)
        array = x._array
        xp = array_module(array)
        scaled = array * beta
        smooth = xp.log1p(xp.exp(scaled)) / beta
        return xp.where(scaled > threshold, array, smooth).astype(array.dtype, copy=False)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (x,) = ctx.saved_tensors
        beta, threshold = ctx.constants
        scaled = x * beta
        # torch's z / (z + 1) with z = exp(beta x) is sigmoid(beta x), which cannot overflow
        # (and is NaN at a NaN input, as torch's). At exactly the threshold the slope is
        # held constant: torch's second derivative is 0 there.
        at_threshold = grad * (1 / (1 + math.exp(-threshold)))
        smooth = where(scaled == threshold, at_threshold, grad * scaled.sigmoid())
        return where(scaled > threshold, grad, smooth), None, None


class LogSigmoid(Function):
    """log(sigmoid(x)) = -softplus(-x): computed as min(x, 0) - log1p(exp(-|x|))."""

    node_name = "LogSigmoidBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        array = x._array
        xp = array_module(array)
        return xp.minimum(array, 0) - xp.log1p(xp.exp(-xp.abs(array)))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * (-x).sigmoid()  # 1 - sigmoid(x)


# ---------------------------------------------------------------- public functions


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    _require_float(input, "elu")
    return _run((EluInplace if inplace else Elu).apply, input, inplace, alpha, 1.0, 1.0)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    _require_float(input, "elu")
    return _run((EluInplace if inplace else Elu).apply, input, inplace, SELU_ALPHA, SELU_SCALE,
                1.0)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU (celu divides x by "
                           "alpha)")
    _require_float(input, "elu")
    return _run((CeluInplace if inplace else Celu).apply, input, inplace, alpha, 1.0,
                1.0 / alpha)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    _require_float(input, "silu")
    return _run(Silu.apply, input, inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    _require_float(input, "mish")
    return _run(Mish.apply, input, inplace)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if input.dtype == dtypes.bool:
        raise RuntimeError("Bool inputs not supported for hardtanh")
    _check_limits(input, min_val, max_val)
    return _run(Hardtanh.apply, input, inplace, min_val, max_val)


def _check_limits(input: Tensor, min_val: float, max_val: float) -> None:
    """torch clamps between the limits cast to x's dtype: each must fit it, truncated for
    an integer dtype (255.5 fits uint8), and an unsigned one takes no negative limit."""
    integer = not input.dtype.is_floating_point
    if integer and not input.dtype.is_signed and math.isfinite(min_val) and int(min_val) < 0:
        raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits "
                           f"(min_val={min_val} for {input.dtype.name}). Pass min_val >= 0, or "
                           "convert first, e.g. x.int().")
    for limit in (min_val, max_val):
        whole = integer and isinstance(limit, float) and math.isfinite(limit)
        fill_value_checked(int(limit) if whole else limit, input._array.dtype)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6): hardtanh between 0 and 6, recorded as torch records it."""
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    _require_float(input, "hardsigmoid")
    return _run(Hardsigmoid.apply, input, inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    _require_float(input, "hardswish")
    return _run(Hardswish.apply, input, inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    _require_float(input, "softplus")
    return Softplus.apply(input, beta, threshold)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|): composed of ops, so its grad_fn is DivBackward0, as in torch."""
    if input.dtype == dtypes.bool:
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool': softsign needs "
                                  "numbers; convert first, e.g. x.float()")
    return input / (input.abs() + 1)


def logsigmoid(input: Tensor) -> Tensor:
    _require_float(input, "log_sigmoid")
    return LogSigmoid.apply(input)
