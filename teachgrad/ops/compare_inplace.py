"""In-place comparisons on a float tensor: x.gt_(0) keeps x in the graph, as in torch.

x.gt(0) gives a new bool tensor, outside autograd (compare.py). x.gt_(0) writes 0. or
1. into x itself, which keeps its float dtype; torch records that write as a node
(GtBackward0 against a number, GtBackward1 against a tensor) whose gradients are zeros:
a step function's derivative. So x stays a tensor that requires grad, and backward
through it gives zeros rather than nothing.

(The logical ops, logical_and_ and the rest, record nothing in torch: x keeps its old
history. tensor_inplace_forms.py writes those without autograd.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops import compare
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


class CompareInPlace(Function):
    """The out-of-place twin of x.<comparison>_(other): the comparison in x's dtype."""

    comparison: Callable = staticmethod(compare.gt)  # each renamed variant sets its own

    @staticmethod
    def forward(ctx: Node, x: Tensor, other: Any) -> Any:
        ctx.other = (other._array.shape, other._array.dtype) if isinstance(other, Tensor) \
            else None
        return ctx._function.comparison(x, other)._array.astype(x._array.dtype)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        xp = array_module(grad._array)
        grad_other = None
        if ctx.needs_input_grad[1]:
            shape, dtype = ctx.other
            grad_other = Tensor._make(xp.zeros(shape, dtype=dtype))
        return Tensor._make(xp.zeros_like(grad._array)), grad_other


def _variants(comparison: Callable, torch_name: str) -> tuple[type, type]:
    """(against a number, against a tensor): torch's two node names for one comparison."""
    return tuple(renamed(CompareInPlace, f"{torch_name}Backward{number}",
                         comparison=staticmethod(comparison)) for number in (0, 1))


_TWINS = {"eq": _variants(compare.eq, "Eq"), "ne": _variants(compare.ne, "Ne"),
          "lt": _variants(compare.lt, "Lt"), "le": _variants(compare.le, "Le"),
          "gt": _variants(compare.gt, "Gt"), "ge": _variants(compare.ge, "Ge")}
#: torch's other names for the same comparisons
ALIASES = {"greater": "gt", "less": "lt", "not_equal": "ne", "greater_equal": "ge",
           "less_equal": "le"}
COMPARISONS = tuple(_TWINS) + tuple(ALIASES)


def twin(name: str) -> Callable[[Tensor, Any], Tensor]:
    """The out-of-place twin of x.<name>_(other), for inplace.apply_inplace."""
    against_number, against_tensor = _TWINS[ALIASES.get(name, name)]

    def compared(x: Tensor, other: Any) -> Tensor:
        kind = against_tensor if isinstance(other, Tensor) else against_number
        return kind.apply(x, other)

    return compared
