"""Walking a Module's tree: children, modules, train/eval, apply, parts by dotted name.

named_modules() yields the module and, recursively, every module below it, each once:
Module.parameters() and buffers() walk it. train(mode) sets the flag Dropout and
BatchNorm read in every module; `model.apply(init_fn)` calls a function on every module
(a custom initialisation). `model.get_submodule("features.0")` and
`model.get_parameter("fc1.weight")` follow a dotted name down the tree; `del model.fc1`
unregisters a part, and dir(model) lists them. Module (teachgrad/nn/module.py) inherits
these methods from TreeMixin; they only use what Module's core provides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from teachgrad.nn.parameter import Parameter

if TYPE_CHECKING:  # module.py imports this file to define Module
    from teachgrad.nn.module import Module


class TreeMixin:
    """The tree walks (named_modules, children...), train/eval, apply, dotted names, del, dir."""

    training: bool
    _parameters: dict
    _buffers: dict
    _modules: dict
    _non_persistent_buffers_set: set

    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """This module and every module below it, depth first, each once."""
        memo = set() if memo is None else memo
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                child_prefix = f"{prefix}.{name}" if prefix else name
                yield from module.named_modules(memo, child_prefix, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def train(self, mode: bool = True) -> Module:
        """Set the training flag (Dropout, BatchNorm read it) here and in every child."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

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
