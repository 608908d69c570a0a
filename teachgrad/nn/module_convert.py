"""Shorthands for Module.to(): cuda(), cpu(), float(), double(), half(); requires_grad_().

Each converts every parameter and buffer in place through Module._apply, as to()
does (teachgrad/nn/module.py); float(), double() and half() leave integer buffers
alone. Module inherits these methods from ConvertMixin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # module.py imports this file to define Module
    from teachgrad.nn.module import Module


class ConvertMixin:
    """cuda, cpu, float, double, half and requires_grad_, for Module."""

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
