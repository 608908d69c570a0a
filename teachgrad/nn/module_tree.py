"""Reaching into a Module's tree: apply(fn) everywhere, parts by dotted name, del, dir().

`model.apply(init_fn)` calls a function on every module (a custom initialisation);
`model.get_submodule("features.0")` and `model.get_parameter("fc1.weight")` follow a
dotted name down the tree; `del model.fc1` unregisters a part, and dir(model) lists
them. Module (teachgrad/nn/module.py) inherits these methods from TreeMixin; they
only use what Module's core provides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from teachgrad.nn.parameter import Parameter

if TYPE_CHECKING:  # module.py imports this file to define Module
    from teachgrad.nn.module import Module


class TreeMixin:
    """apply, get_submodule, get_parameter, __delattr__ and __dir__, for Module."""

    _parameters: dict
    _buffers: dict
    _modules: dict
    _non_persistent_buffers_set: set

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call fn on every child (recursively), then on this module: e.g. custom init."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def get_submodule(self, target: str) -> Module:
        from teachgrad.nn.module import Module

        module = self
        for item in target.split(".") if target else []:
            if not hasattr(module, item):
                raise AttributeError(f"{module._get_name()} has no attribute `{item}`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return module

    def get_parameter(self, target: str) -> Parameter:
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def __delattr__(self, name: str) -> None:
        for store in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__.get(store, {}):
                del self.__dict__[store][name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        names = list(super().__dir__())
        names += list(self._parameters) + list(self._buffers) + list(self._modules)
        return sorted(name for name in set(names) if not name[0].isdigit())
