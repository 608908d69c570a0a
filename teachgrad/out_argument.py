"""out=: torch's functions can write their result into a tensor the caller gives.

`teachgrad.add(a, b, out=c)` computes `a + b`, writes it into `c` and returns `c`
itself. The rules are torch's:

- out= and autograd do not mix: while gradients are recorded, an input or `out` that
  requires grad is a RuntimeError;
- the result must be castable to out's dtype (`can_cast`: no float into an int);
- an `out` of another shape is resized (with torch's warning when it held elements),
  an `out` of the right shape is written in place, so its views see the values;
- a creation function (zeros, arange, randn, ...) makes its values in out's dtype and
  on out's device when it is not told otherwise.

Each function is written once, without out=; `accepts_out` wraps it where teachgrad's
namespace exports it (teachgrad/__init__.py), so the reading path never sees this.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.grad_mode import is_grad_enabled, no_grad
from teachgrad.device import array_module
from teachgrad.tensor import Tensor

# torch's functions with an out= argument that teachgrad has, by kind.
CREATION = ("zeros", "ones", "empty", "full", "arange", "linspace", "logspace", "eye", "rand",
            "randn", "randint", "randperm")
COMPUTING = (
    # arithmetic and powers
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "pow",
    "neg", "negative", "reciprocal", "remainder", "fmod", "floor_divide", "square",
    # math of one tensor, rounding, clamping
    "abs", "exp", "log", "sqrt", "rsqrt", "sin", "cos", "tan", "tanh", "sigmoid",
    "asin", "acos", "atan", "atan2", "sinh", "cosh", "asinh", "acosh", "atanh", "erf",
    "erfc", "exp2", "log2", "log10", "log1p", "expm1", "logaddexp", "logaddexp2", "lerp",
    "copysign", "sign", "floor", "ceil", "round", "trunc", "frac", "clamp", "clip",
    "maximum", "minimum", "where",
    # comparisons and logic
    "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor",
    "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
    "bitwise_left_shift", "bitwise_right_shift",
    # matrix products, reductions, scans, joining
    "matmul", "mm", "bmm", "mv", "dot", "sum", "mean", "prod", "amax", "amin", "argmax",
    "argmin", "max", "min", "sort", "topk", "std", "var", "logsumexp", "cumsum", "cumprod",
    "cat", "concat", "stack",
    # the breadth of ops/api_more*, statistics* and linalg_*
    "outer", "ger", "inner", "vdot", "kron", "tensordot", "nansum", "nanmean", "diff",
    "heaviside", "fmax", "fmin", "sinc", "addmm", "addmv", "addr", "baddbmm", "addbmm",
    "histc", "renorm", "quantile", "nanquantile", "inverse", "matrix_power", "cholesky",
)


def _check_out(out: Any, name: str) -> None:
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")


def _write(result: Tensor, out: Tensor, name: str) -> Tensor:
    """Copy result into out (resizing out if its shape differs), and return out."""
    if not dtypes.can_cast(result.dtype, out.dtype):
        raise RuntimeError(f"result type {dtypes.legacy_name(result.dtype)} can't be cast to "
                           f"the desired output type {dtypes.legacy_name(out.dtype)}")
    if result.device != out.device:
        raise RuntimeError(f"{name}(): expected out on {result.device}, like the result, but "
                           f"got out on {out.device}; move it with out.to(...)")
    if tuple(out.shape) != tuple(result.shape):
        if out.numel() > 0:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out.shape)}, which does not match the required output shape "
                f"{list(result.shape)}. This behavior is deprecated, and in a future PyTorch "
                "release outputs will not be resized unless they have zero elements. You can "
                "explicitly reuse an out tensor t by resizing it, inplace, to zero elements "
                "with t.resize_(0).", UserWarning, stacklevel=3)
        xp = array_module(out._array)
        out._array = xp.empty(tuple(result.shape), dtype=out._array.dtype)
    with no_grad():
        out.copy_(result)
    return out


def _check_no_grad(name: str, args: tuple, outs: tuple) -> None:
    if not is_grad_enabled():
        return
    if any(isinstance(t, Tensor) and t.requires_grad for t in (*args, *outs)):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support "
                           "automatic differentiation, but one of the arguments requires grad.")


def accepts_out(function: Callable) -> Callable:
    """`function` with torch's out= keyword (a tuple of tensors for several results)."""
    name = function.__name__

    @functools.wraps(function)
    def with_out(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        if out is None:
            return function(*args, **kwargs)
        outs = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        for each in outs:
            _check_out(each, name)
        flat_args = [*args, *kwargs.values()]
        for arg in list(flat_args):
            if isinstance(arg, (tuple, list)):
                flat_args.extend(arg)
        _check_no_grad(name, tuple(flat_args), outs)
        result = function(*args, **kwargs)
        if not isinstance(out, (tuple, list)):
            return _write(result, out, name)
        written = [_write(each, into, name) for each, into in zip(result, outs, strict=True)]
        # (values, indices) come back as the same named tuple a call without out= gives
        return type(result)(*written) if hasattr(result, "_fields") else tuple(written)

    return with_out


def creation_accepts_out(function: Callable) -> Callable:
    """A creation function with out=: its values in out's dtype and on out's device."""
    name = function.__name__

    @functools.wraps(function)
    def with_out(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        if out is None:
            return function(*args, **kwargs)
        _check_out(out, name)
        dtype = kwargs.setdefault("dtype", out.dtype) or out.dtype
        if dtypes.to_dtype(dtype) != out.dtype:
            raise RuntimeError(f"dtype {dtypes.legacy_name(dtypes.to_dtype(dtype))} does not "
                               f"match dtype of out parameter ({dtypes.legacy_name(out.dtype)})")
        kwargs.setdefault("device", out.device)
        requires_grad = kwargs.pop("requires_grad", False)
        _write(function(*args, **kwargs), out, name)
        return out.requires_grad_() if requires_grad else out

    return with_out


def add_out_arguments(namespace: dict[str, Any]) -> None:
    """Wrap the functions of `namespace` (teachgrad's) that torch lets take out=."""
    for names, wrap in ((CREATION, creation_accepts_out), (COMPUTING, accepts_out)):
        for name in names:
            if name in namespace:
                namespace[name] = wrap(namespace[name])
