"""Named results as torch returns them (torch.return_types.max, .sort, .linalg_svd, ...):
tuples whose fields have names, printed as torch prints them."""

from __future__ import annotations

from collections import namedtuple
from typing import Any


def return_type(name: str, fields: list[str]) -> type:
    """A named tuple class called `name` that prints as torch.return_types.<name>."""
    base = namedtuple(name, fields)

    def __repr__(self: Any) -> str:  # noqa: N807 - set on the class below
        parts = ",\n".join(f"{field}={value!r}" for field, value in zip(fields, self))
        return f"teachgrad.return_types.{name}(\n{parts})"

    return type(name, (base,), {"__repr__": __repr__, "__slots__": ()})
