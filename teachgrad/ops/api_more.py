"""torch functions public code calls that teachgrad lacked: top-level names of existing
methods, predicates, broadcasting helpers and NaN-aware reductions.

Each is a composition of recorded teachgrad ops (so gradients come from the parts) or
gives a bool/int result with no gradient; nansum's NaN masking is a small Function of its
own (see NanToZero). Array work asks the input for its module, so
one code path serves NumPy and CuPy. More of the list lives in api_more_math.py and
api_more_products.py, registered below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import teachgrad
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops import arithmetic, signs
from teachgrad.tensor import Tensor


def _tensor_only(name: str, input: Any) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, "
                        f"not {type(input).__name__}")


def square(input: Tensor) -> Tensor:
    _tensor_only("square", input)
    return input.square()


def is_tensor(obj: Any, /) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    _tensor_only("is_floating_point", input)
    return input.is_floating_point()


def numel(input: Tensor) -> int:
    _tensor_only("numel", input)
    return input.numel()


def is_nonzero(input: Tensor) -> bool:
    """bool(input) for a one-element tensor; any other size is ambiguous."""
    _tensor_only("is_nonzero", input)
    if input.numel() != 1:
        amount = "no values" if input.numel() == 0 else "more than one value"
        raise RuntimeError(f"Boolean value of Tensor with {amount} is ambiguous: "
                           f"is_nonzero() needs a tensor of exactly one element")
    return bool(input.item())


def broadcast_to(input: Tensor, size: Any) -> Tensor:
    return input.expand(tuple(size))


def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    """Every tensor expanded (a view, no copy) to the shape they broadcast to."""
    for index, tensor in enumerate(tensors):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"broadcast_tensors(): expected Tensor as element {index}, but "
                            f"got {type(tensor).__name__} (pass the tensors one by one)")
    shape = teachgrad.broadcast_shapes(*(tensor.shape for tensor in tensors))
    return tuple(tensor.expand(shape) for tensor in tensors)


def _reduce_args(dim: Any, keepdim: bool) -> dict:
    return {} if dim is None else {"dim": dim, "keepdim": keepdim}


def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """How many elements are not zero (int64), over all of input or over dim."""
    return teachgrad.sum(input != 0, **_reduce_args(dim, False))


def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *,
           dtype: Any = None) -> Tensor:
    """sum with NaNs counted as zero; their gradient is zero too."""
    kept = _nan_as_zero(input)
    return teachgrad.sum(kept, **_reduce_args(dim, keepdim), dtype=dtype)


def nanmean(input: Tensor, dim: Any = None, keepdim: bool = False, *,
            dtype: Any = None) -> Tensor:
    """mean of the elements that are not NaN (NaN where every one is)."""
    if not input.dtype.is_floating_point:  # even with dtype=, as torch
        raise RuntimeError(f"nanmean(): expected input to have floating point dtype but got "
                           f"{str(input.dtype).replace('teachgrad.', '').capitalize()}; "
                           f"pass a float tensor or dtype=")
    if dtype is not None:
        input = input.to(dtype)
    count = teachgrad.sum(~teachgrad.isnan(input), **_reduce_args(dim, keepdim))
    return nansum(input, dim, keepdim) / count


class NanToZero(Function):
    """input with NaNs replaced by 0; backward multiplies by the not-NaN mask.

    A multiplication, not a selection (where), as torch's nansum backward is: an inf
    upstream (nanmean over an all-NaN row divides by a count of 0) gives NaN there too.
    """

    @staticmethod
    def forward(ctx: Node, input: Tensor) -> Any:
        xp = array_module(input._array)
        kept = ~xp.isnan(input._array)
        ctx.kept = kept
        return xp.where(kept, input._array, xp.zeros((), dtype=input._array.dtype))

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return (grad * Tensor._make(ctx.kept),)


def _nan_as_zero(input: Tensor) -> Tensor:
    if not input.dtype.is_floating_point:
        return input
    return NanToZero.apply(input)


def _bool_map(input: Tensor, test: Callable) -> Tensor:
    """A bool tensor from an array test; non-float inputs hold no infinities or NaNs."""
    _tensor_only("isposinf", input)
    xp = array_module(input._array)
    if not input.dtype.is_floating_point:
        return Tensor._make(xp.zeros(input._array.shape, dtype=bool))
    return Tensor._make(xp.asarray(test(xp, input._array)))


def signbit(input: Tensor) -> Tensor:
    """True where the sign bit is set: negatives and -0.0 (no gradient: a step)."""
    _tensor_only("signbit", input)
    xp = array_module(input._array)
    if input.dtype == teachgrad.bool:
        return Tensor._make(xp.zeros(input._array.shape, dtype=bool))
    return Tensor._make(xp.asarray(xp.signbit(input._array)))


def isneginf(input: Tensor) -> Tensor:
    return _bool_map(input, lambda xp, a: xp.isinf(a) & (a < 0))


def isposinf(input: Tensor) -> Tensor:
    return _bool_map(input, lambda xp, a: xp.isinf(a) & (a > 0))


def isreal(input: Tensor) -> Tensor:
    """Every element of a real tensor is real (teachgrad has no complex dtypes)."""
    _tensor_only("isreal", input)
    return Tensor._make(array_module(input._array).ones(input._array.shape, dtype=bool))


FUNCTIONS: dict[str, Callable] = {
    # torch's other names of mul, sub and neg: the same functions, as x.multiply() is
    "multiply": arithmetic.mul, "subtract": arithmetic.sub, "negative": signs.neg,
    "square": square,
    "is_tensor": is_tensor, "is_floating_point": is_floating_point, "numel": numel,
    "is_nonzero": is_nonzero, "broadcast_to": broadcast_to,
    "broadcast_tensors": broadcast_tensors, "count_nonzero": count_nonzero,
    "nansum": nansum, "nanmean": nanmean, "signbit": signbit, "isneginf": isneginf,
    "isposinf": isposinf, "isreal": isreal,
}
# Only names torch.Tensor has as methods; existing teachgrad methods are kept (setdefault).
TENSOR_METHODS: dict[str, Callable] = {
    name: FUNCTIONS[name] for name in (
        "is_nonzero", "broadcast_to", "count_nonzero", "nansum", "nanmean", "signbit",
        "isneginf", "isposinf", "isreal")
}


def _register_more() -> None:
    from teachgrad.ops import api_more_math, api_more_products

    for module in (api_more_math, api_more_products):
        FUNCTIONS.update(module.FUNCTIONS)
        TENSOR_METHODS.update(module.TENSOR_METHODS)


_register_more()
