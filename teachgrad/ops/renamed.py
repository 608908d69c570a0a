"""One op recorded under another of torch's node names.

torch gives one computation different node names depending on how it was called:
x.sum() records SumBackward0 and x.sum(0) SumBackward1; x[0] records SelectBackward0
and x[0:2] SliceBackward0. The forward and backward are the same, so teachgrad writes
them once and `renamed` makes the variant: a subclass that changes only the name (and
any class attributes passed, such as which NumPy function a rounding op calls).
FunctionMeta gives the subclass its own node class, so grad_fn prints the new name.
"""

from __future__ import annotations

from typing import Any


def renamed(base: type, node_name: str, **attributes: Any) -> type:
    """A subclass of the Function `base` whose nodes are called node_name."""
    name = f"{base.__name__}_{node_name}"
    namespace = {"node_name": node_name, "__module__": base.__module__, "__qualname__": name,
                 **attributes}
    return type(base)(name, (base,), namespace)
