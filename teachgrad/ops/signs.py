"""Signs: negation (-x), the absolute value (abs, |x|), and torch's refusal of `-` on bools.

Off the reading path: arithmetic.py holds + - * and checks bools here.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.tensor import Tensor


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


def neg(input: Tensor) -> Tensor:
    return Neg.apply(input)


def abs(input: Tensor) -> Tensor:
    if input._array.dtype.kind == "b":
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
    return Abs.apply(input)
