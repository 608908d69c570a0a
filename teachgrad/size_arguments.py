"""A shape given one size at a time, as one sequence, or by keyword: torch takes all three.

`zeros(2, 3)`, `zeros((2, 3))` and `zeros(size=(2, 3))` are the same call in torch, and so
are `x.reshape(3, 2)` and `x.reshape(shape=(3, 2))`. This module imports nothing from
teachgrad, so creation.py, tensor_new.py and ops/views.py can all use it.
"""

from __future__ import annotations

from typing import Any


def size_given(sizes: tuple, size: Any, name: str, keyword: str = "size") -> tuple:
    """The positional sizes, or (size,) when the shape came by keyword (`keyword`: its
    name, size= for zeros, shape= for reshape, dims= for permute, ...); not both."""
    if size is None:
        return sizes
    if sizes:
        raise TypeError(f"{name}() got multiple values for argument '{keyword}'")
    return (size,)
