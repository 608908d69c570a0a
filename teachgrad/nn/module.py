"""Module: the base class of every layer and model.

Assigning a Parameter, a Module or a buffer to an attribute files it in `_parameters`,
`_modules` or `_buffers`; parameters(), state_dict() and to() walk these dicts, child by
child. The rest of torch's Module API is in the base classes, one per module_*.py.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from teachgrad.nn.module_convert import ConvertMixin
from teachgrad.nn.module_register import RegisterMixin, _before_init, typename
from teachgrad.nn.module_repr import ReprMixin
from teachgrad.nn.module_state import StateDictMixin
from teachgrad.nn.module_tree import TreeMixin
from teachgrad.nn.parameter import Parameter, clear_grad
from teachgrad.tensor import Tensor


class Module(RegisterMixin, StateDictMixin, ReprMixin, TreeMixin, ConvertMixin):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise self._init_arguments_error()
        # object.__setattr__: our own __setattr__ needs these dicts to exist already.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise self._no_forward_error()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        if "_parameters" not in self.__dict__:
            raise _before_init("parameter")
        self._check_name(name, "parameter", self._parameters)
        self._check_parameter(name, param)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        if "_buffers" not in self.__dict__:
            raise _before_init("buffer")
        self._check_name(name, "buffer", self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{typename(tensor)}' object to buffer '{name}' (teachgrad "
                "Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{typename(module)} is not a Module subclass")
        self._check_name(name, "module", self._modules)
        self._modules[name] = module

    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        modules = self.__dict__.get("_modules")
        buffers = self.__dict__.get("_buffers")
        if isinstance(value, Parameter):
            if params is None:
                raise _before_init("parameters")
            self._forget(name, keep="_parameters")
            self.register_parameter(name, value)
        elif params is not None and name in params:
            self._check_assign(value, name, "parameter")  # a tensor would stop training
            params[name] = None
        elif isinstance(value, Module):
            if modules is None:
                raise _before_init("module")
            self._forget(name, keep="_modules")
            modules[name] = value
        elif modules is not None and name in modules:
            self._check_assign(value, name, "module")
            modules[name] = value
        elif buffers is not None and name in buffers:
            self._check_assign(value, name, "buffer")
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # Called only when normal lookup fails: look in the three dicts.
        for store in ("_parameters", "_buffers", "_modules"):
            values = self.__dict__.get(store)
            if values is not None and name in values:
                return values[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def _named_members(self, members_of: Callable, prefix: str, recurse: bool,
                       remove_duplicate: bool) -> Iterator[tuple[str, Any]]:
        # A tensor shared by two layers (tied weights) is listed once, under its first name.
        seen: set[int] = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in members_of(module):
                if value is None or id(value) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        return self._named_members(lambda m: m._parameters.items(), prefix, recurse,
                                   remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_members(lambda m: m._buffers.items(), prefix, recurse,
                                   remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter (before the next backward adds new ones)."""
        for param in self.parameters():
            clear_grad(param, set_to_none)
