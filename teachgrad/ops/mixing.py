"""Two tensors mixed element by element: lerp (a weighted blend of start and end) and
copysign (the magnitude of one, the sign of the other).

Forward works on arrays, backward on tensors (differentiable again); gradients are
summed back to each input's shape, as for the arithmetic ops.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast import binary_arrays, broadcast_shapes, sum_to_shape
from teachgrad.ops.broadcast_shapes import float_operands
from teachgrad.ops.inplace import apply_inplace
from teachgrad.ops.renamed import renamed
from teachgrad.ops.where import where
from teachgrad.tensor import Tensor

# The C++ type names that torch's dtype checks print ("expected dtype float ...").
_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool"}


def _shape(value: Any) -> tuple:
    return value._array.shape if isinstance(value, Tensor) else ()


class Lerp(Function):
    """start + weight * (end - start), with a number as the weight (LerpBackward0)."""

    node_name = "LerpBackward0"

    @staticmethod
    def forward(ctx: Node, start: Tensor, end: Tensor, weight: Any) -> Any:
        ctx.shapes = (_shape(start), _shape(end), _shape(weight))
        weight_is_tensor = isinstance(weight, Tensor)
        ctx.weight = None if weight_is_tensor else weight
        ctx.save_for_backward(start, end, weight if weight_is_tensor else None)
        s, e = start._array, end._array
        xp = array_module(s)
        w = weight._array if isinstance(weight, Tensor) else weight
        w = xp.asarray(w, dtype=s.dtype)  # in start's dtype, as torch computes
        # torch's two-sided formula: exact at weight 0 (start) and at weight 1 (end).
        low = xp.abs(w) < 0.5
        return xp.where(low, s + w * (e - s), e - (e - s) * (1 - w))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        start, end, weight = ctx.saved_tensors
        weight = ctx.weight if weight is None else weight
        grads: list = [None, None, None]
        if ctx.needs_input_grad[0]:
            grads[0] = sum_to_shape(grad * (1 - weight), ctx.shapes[0])
        if ctx.needs_input_grad[1]:
            grads[1] = sum_to_shape(grad * weight, ctx.shapes[1])
        if ctx.needs_input_grad[2]:
            grads[2] = sum_to_shape(grad * (end - start), ctx.shapes[2])
        return tuple(grads)


# A tensor weight: the same computation under torch's other node name.
LerpTensor = renamed(Lerp, "LerpBackward1")


def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """input + weight * (end - input); weight is a number or a tensor (broadcast)."""
    if not isinstance(end, Tensor):
        raise TypeError(f"lerp(): argument 'end' (position 2) must be Tensor, not "
                        f"{type(end).__name__}")
    _same_dtype(input, end, "end")
    if isinstance(weight, Tensor) and weight._array.ndim != 0:
        _same_dtype(input, weight, "weight")  # a 0-d weight is a number: any dtype goes
    if not input.dtype.is_floating_point:
        kernel = "lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar"
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{dtypes.legacy_name(input.dtype)}': lerp blends floats; "
                                  "convert first, e.g. x.float()")
    broadcast_shapes(_shape(input), _shape(end), _shape(weight))  # torch's shape error
    return (LerpTensor if isinstance(weight, Tensor) else Lerp).apply(input, end, weight)


def _same_dtype(input: Tensor, other: Tensor, role: str) -> None:
    if other.dtype != input.dtype:
        raise RuntimeError(f"expected dtype {_CPP_NAMES[input.dtype.name]} for `{role}` but got "
                           f"dtype {_CPP_NAMES[other.dtype.name]}")


def lerp_(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    return apply_inplace(input, lerp, end, weight)


class Copysign(Function):
    """|input| with the sign of other (its sign bit: -0.0 counts as negative)."""

    node_name = "CopysignBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Any) -> Any:
        ctx.other_shape = _shape(b)
        ctx.other_dtype = b._array.dtype if isinstance(b, Tensor) else None
        ctx.a_shape = a._array.shape
        # Integer or bool operands give the default float; torch casts each one to it
        # directly (a uint8 tensor and a 0-d -1 copy the sign of -1., not of 255).
        a, b = float_operands(a, b)
        x, y = binary_arrays(a, b)
        result = Tensor._make(array_module(x).copysign(x, y))
        ctx.save_for_backward(a, result)
        return result

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, result = ctx.saved_tensors
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            # d|a|*sign(b)/da = result / a: +-1, and 0 where a = 0 (as torch defines it).
            # Written with tensor ops on result and a, so it stays in the graph.
            ratio = where(a == 0, 0.0, result / a)
            grad_a = sum_to_shape(grad * ratio, ctx.a_shape)
        if len(ctx.needs_input_grad) > 1 and ctx.needs_input_grad[1]:
            # The sign is a step function of other: zero gradient, but a gradient.
            zeros = array_module(grad._array).zeros(ctx.other_shape, ctx.other_dtype)
            grad_b = Tensor._make(zeros)
        return grad_a, grad_b


CopysignScalar = renamed(Copysign, "CopysignBackward1")


def copysign(input: Tensor, other: Any) -> Tensor:
    broadcast_shapes(input.shape, _shape(other))  # torch's shape error, before NumPy's
    if isinstance(other, Tensor):
        return Copysign.apply(input, other)
    return CopysignScalar.apply(input, other)


def copysign_(input: Tensor, other: Any) -> Tensor:
    return apply_inplace(input, copysign, other)
