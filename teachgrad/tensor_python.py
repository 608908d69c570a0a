"""Tensor as a Python object: numbers, lists, len, iteration, formatting, deepcopy.

What makes `float(x)`, `if x:`, `range(n)[x]`, `len(x)`, `for row in x`, `f"{x:.3f}"`,
`np.asarray(x)` and `copy.deepcopy(x)` work. teachgrad/methods.py attaches each
function here to Tensor under its Python (or torch) name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from teachgrad.tensor import Tensor


def item(x: Tensor) -> float | int | bool:
    """The value of a one-element tensor as a Python number."""
    if x._array.size != 1:
        raise RuntimeError(
            f"a Tensor with {x._array.size} elements cannot be converted to Scalar. "
            "item() needs exactly one element: index or reduce first (x[0].item(), "
            "x.sum().item())."
        )
    return x._array.item()


def tolist(x: Tensor) -> Any:
    return x._array.tolist()


def truth_value(x: Tensor) -> bool:
    """bool(x), `if x:`: only for one element, as in torch."""
    if x._array.size != 1:
        raise RuntimeError(
            f"Boolean value of Tensor with more than one value is ambiguous (it has "
            f"{x._array.size}). Use .any() or .all() to reduce it first."
        )
    return bool(x._array.item())


def as_python_float(x: Tensor) -> float:
    return float(_one_element(x))


def as_python_int(x: Tensor) -> int:
    return int(_one_element(x))


def _one_element(x: Tensor) -> float | int | bool:
    # float(x) and int(x) raise ValueError in torch, where x.item() raises RuntimeError.
    if x._array.size != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")
    return x._array.item()


def as_index(x: Tensor) -> int:
    """What lets a one-element integer tensor index a list or a range."""
    if x._array.dtype.kind not in "iub" or x._array.size != 1:
        raise TypeError("only integer tensors of a single element can be converted to an "
                        "index")
    return int(x.item())


def as_numpy_array(x: Tensor, dtype: Any = None, copy: Any = None) -> np.ndarray:
    """np.asarray(x): x.numpy(), with its checks."""
    array = x.numpy()
    return array if dtype is None else array.astype(dtype)


def length(x: Tensor) -> int:
    if x._array.ndim == 0:
        raise TypeError("len() of a 0-d tensor")
    return x._array.shape[0]


def iterate(x: Tensor) -> Iterator[Tensor]:
    """for row in x: the tensors x[0], x[1], ... along the first dim."""
    if x._array.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return (x[index] for index in range(x._array.shape[0]))


def formatted(x: Tensor, spec: str) -> str:
    """f"{x:.3f}": a one-element tensor formats as its number, others as their repr."""
    if x._array.ndim == 0:
        return format(x.item(), spec)
    return format(repr(x), spec)


def deepcopy(x: Tensor, memo: dict) -> Tensor:
    """copy.deepcopy(x): new memory, the same requires_grad, and a copy of .grad."""
    if x.grad_fn is not None:
        raise RuntimeError(
            "Only Tensors created explicitly by the user (graph leaves) support the "
            "deepcopy protocol at the moment. Use .detach() first."
        )
    copy = type(x)._make(x._array.copy())
    copy._requires_grad = x._requires_grad
    if x._grad is not None:
        copy._grad = x._grad.__deepcopy__(memo)
    memo[id(x)] = copy
    return copy
