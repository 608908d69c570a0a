"""Parameter: a tensor that requires grad by default and that a Module registers.

Assigning one as a Module attribute (`self.weight = Parameter(...)`) files it where
module.parameters() finds it for the optimizer. Ops on a Parameter give plain tensors.
"""

from __future__ import annotations

from typing import Any

from teachgrad.creation import empty
from teachgrad.tensor import Tensor


class Parameter(Tensor):
    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        data = empty(0) if data is None else data
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter expects a Tensor, but got {type(data).__name__}: wrap "
                            "the values first, e.g. Parameter(teachgrad.tensor(values)).")
        # The parameter shares the memory of `data`, as torch's does.
        param = cls._make(data._array)
        param.requires_grad_(requires_grad)
        return param

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass  # everything happened in __new__; Tensor.__init__ would build a new array

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


def clear_grad(param: Tensor, set_to_none: bool = True) -> None:
    """What zero_grad does to one parameter: drop its .grad, or zero it in place."""
    grad = param.grad
    if grad is None:
        return
    if set_to_none:
        param.grad = None
        return
    if grad.grad_fn is not None:  # a gradient built with create_graph=True
        grad.detach_()
    else:
        grad.requires_grad_(False)
    grad.zero_()
