"""Module: the base class of every layer and model.

A Module keeps three ordered dicts, filled simply by assigning attributes:
- `_parameters`: Parameters (`self.weight = Parameter(...)`), what the optimizer trains;
- `_modules`: child Modules (`self.fc1 = Linear(...)`), walked recursively;
- `_buffers`: tensors that are state but not trained (BatchNorm's running mean),
  added with register_buffer.
`__setattr__` routes each assignment to the right dict and `__getattr__` reads it
back, so `self.fc1` works as usual while `parameters()`, `state_dict()`, `to()` and
`train()` can find everything by walking the dicts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from teachgrad.nn.module_convert import ConvertMixin
from teachgrad.nn.module_repr import ReprMixin
from teachgrad.nn.module_state import StateDictMixin
from teachgrad.nn.module_tree import TreeMixin
from teachgrad.nn.parameter import Parameter, clear_grad
from teachgrad.tensor import Tensor


def typename(value: Any) -> str:
    """torch.typename: 'teachgrad.FloatTensor' for tensors, 'module.Class' otherwise."""
    if isinstance(value, Tensor):
        return value.type()
    module = type(value).__module__
    name = type(value).__qualname__
    return name if module == "builtins" else f"{module}.{name}"


def _before_init(what: str) -> AttributeError:
    """torch's error for registering a parameter, buffer or module before Module.__init__."""
    return AttributeError(f"cannot assign {what} before Module.__init__() call. Call "
                          "super().__init__() first in your module's __init__.")


def _wrong_type(value: Any, target: str, expected: str, hint: str = "") -> TypeError:
    """torch's error for assigning a value of the wrong type to a registered name."""
    return TypeError(f"cannot assign '{typename(value)}' as {target} ({expected} or None "
                     f"expected){hint}")


# Module's core is this file: registration by attribute, walking the tree, modes.
# The rest of torch's Module API is in base classes, by concept: module_state.py (saving,
# loading), module_repr.py (printing), module_tree.py (apply, dotted names, del, dir),
# module_convert.py (to(), cuda(), float()...). Base classes, not functions attached later:
# layers override their methods (extra_repr) as any other; Module.__mro__ lists them.
class Module(StateDictMixin, ReprMixin, TreeMixin, ConvertMixin):
    training: bool
    _version = 1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() got unexpected arguments: Module.__init__ "
                "takes none. Call super().__init__() without arguments."
            )
        # object.__setattr__: our own __setattr__ needs these dicts to exist already.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function. '
            "Define forward(self, ...) in your subclass: calling the module runs it."
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------------------ registration
    def register_parameter(self, name: str, param: Parameter | None) -> None:
        if "_parameters" not in self.__dict__:
            raise _before_init("parameter")
        self._check_name(name, "parameter", self._parameters)
        if param is None:
            self._parameters[name] = None
            return
        if not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{typename(param)}' object to parameter '{name}' (teachgrad."
                "nn.Parameter or None required). Wrap it: nn.Parameter(tensor)."
            )
        if param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                f"created explicitly. To express '{name}' as a function of another Tensor, "
                "compute the value in the forward() method."
            )
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

    register_module = add_module

    def _check_name(self, name: Any, kind: str, own: dict) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {typename(name)}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if hasattr(self, name) and name not in own:
            raise KeyError(f"attribute '{name}' already exists")

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
            if value is not None:  # a plain tensor here would silently stop training
                raise _wrong_type(value, f"parameter '{name}'", "teachgrad.nn.Parameter",
                                  ". Wrap it: nn.Parameter(tensor), or update the values in "
                                  f"place: self.{name}.data.copy_(tensor).")
            params[name] = None
        elif isinstance(value, Module):
            if modules is None:
                raise _before_init("module")
            self._forget(name, keep="_modules")
            modules[name] = value
        elif modules is not None and name in modules:
            if value is not None:
                raise _wrong_type(value, f"child module '{name}'", "teachgrad.nn.Module")
            modules[name] = value
        elif buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise _wrong_type(value, f"buffer '{name}'", "teachgrad.Tensor")
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: str) -> None:
        """Remove `name` from the other stores, before it is stored in `keep`.

        Its place in `keep` (if it was there) is left alone, so replacing a layer keeps
        the order of parameters() and of the repr.
        """
        self.__dict__.pop(name, None)
        for store in ("_parameters", "_buffers", "_modules"):
            if store != keep:
                self.__dict__[store].pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name: str) -> Any:
        # Called only when normal lookup fails: look in the three dicts.
        for store in ("_parameters", "_buffers", "_modules"):
            values = self.__dict__.get(store)
            if values is not None and name in values:
                return values[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    # ------------------------------------------------------------------ walking the tree
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

    # ------------------------------------------------------------------ modes and grads
    def train(self, mode: bool = True) -> Module:
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter (before the next backward adds new ones)."""
        for param in self.parameters():
            clear_grad(param, set_to_none)
