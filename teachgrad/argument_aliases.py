"""axis= and keepdims=: NumPy's names, which torch's argument parser accepts for dim= and keepdim=.

`x.sum(axis=1, keepdims=True)` runs in torch, so code written by NumPy users runs in
teachgrad too. Each op is written once with torch's names; `with_numpy_names` wraps the
ones that take `dim` or `keepdim`, where teachgrad exports them as functions
(teachgrad/__init__.py) and as Tensor methods (methods.py). torch's Python-level
functions (`norm`, `split`) take no aliases, and neither do teachgrad's.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

ALIASES = (("axis", "dim"), ("keepdims", "keepdim"))
WITHOUT_ALIASES = frozenset({"norm", "split"})


def with_numpy_names(function: Any, name: str) -> Any:
    """`function`, also taking axis= for dim= and keepdims= for keepdim= where it has them."""
    if name in WITHOUT_ALIASES or not inspect.isfunction(function):
        return function
    parameters = inspect.signature(function).parameters
    renames = {alias: own for alias, own in ALIASES
               if own in parameters and alias not in parameters}
    if not renames:
        return function

    @functools.wraps(function)
    def aliased(*args: Any, **kwargs: Any) -> Any:
        if not kwargs:  # x.sum(): the common call, passed straight on
            return function(*args)
        for alias, own in renames.items():
            if alias in kwargs:
                if own in kwargs:
                    raise TypeError(f"{name}() received both {own}= and its alias {alias}=; "
                                    f"pass only one")
                kwargs[own] = kwargs.pop(alias)
        return function(*args, **kwargs)

    return aliased


def add_numpy_names(namespace: dict[str, Any]) -> None:
    """Wrap, in place, every function of `namespace` that takes dim= or keepdim=."""
    for name, function in list(namespace.items()):
        if not name.startswith("_"):
            namespace[name] = with_numpy_names(function, name)


def aliased_methods(methods: dict[str, Callable]) -> dict[str, Callable]:
    """The same table of Tensor methods, with the aliases added where they apply."""
    return {name: with_numpy_names(method, name) for name, method in methods.items()}
