"""Module.to() and its shorthands: cuda(), cpu(), float(), double(), half(); requires_grad_().

Each converts every parameter and buffer in place through _apply; float(), double()
and half() leave integer buffers alone. Module inherits these methods from
ConvertMixin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from teachgrad import dtypes
from teachgrad.autograd.grad_mode import no_grad
from teachgrad.tensor import Tensor
from teachgrad.tensor_convert import parse_to_args

if TYPE_CHECKING:  # module.py imports this file to define Module
    from teachgrad.nn.module import Module


class ConvertMixin:
    """to, cuda, cpu, float, double, half and requires_grad_, for Module."""

    def _apply(self, convert: Callable[[Tensor], Tensor]) -> Module:
        for module in self.children():
            module._apply(convert)
        with no_grad():
            for param in self._parameters.values():
                if param is None:
                    continue
                # Change the values, keep the Parameter object: an optimizer built before
                # model.to(device) still holds the very same parameters.
                param.data = convert(param)
                if param.grad is not None:
                    param.grad.data = convert(param.grad)
            for name, buffer in self._buffers.items():
                if buffer is not None:
                    self._buffers[name] = convert(buffer)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """to(device), to(dtype), to(device, dtype) or to(tensor): move/convert in place."""
        device, dtype = parse_to_args(args, kwargs)
        if dtype is not None:
            dtype = dtypes.to_dtype(dtype)
            if not dtype.is_floating_point:
                raise TypeError(
                    f"nn.Module.to only accepts floating point or complex dtypes, but got "
                    f"desired dtype={dtype}. Integer buffers keep their dtype; convert the "
                    "input instead."
                )

        def convert(tensor: Tensor) -> Tensor:
            return tensor.to(device, dtype if tensor.is_floating_point() else None)

        return self._apply(convert)

    def cuda(self, device: Any = None) -> Module:
        return self.to("cuda" if device is None else device)

    def cpu(self) -> Module:
        return self.to("cpu")

    def float(self) -> Module:
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self) -> Module:
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self) -> Module:
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self
