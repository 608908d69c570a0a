"""What registering a part of a Module checks, and the errors torch raises when it fails.

Module (teachgrad/nn/module.py) files each attribute in one of three dicts; this file
holds the checks around that filing: a name must be a free, dotless string, a
parameter must be a leaf Parameter, a registered name only takes a value of its kind,
and nothing can be registered before Module.__init__ has made the dicts. Module
inherits the checks from RegisterMixin, as it inherits register_module, add_module's
other name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from teachgrad.nn.parameter import Parameter
from teachgrad.tensor import Tensor

if TYPE_CHECKING:  # module.py imports this file to define Module
    from teachgrad.nn.module import Module


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


class RegisterMixin:
    """Module's registration checks and errors, and register_module."""

    _parameters: dict
    _buffers: dict
    _modules: dict
    _non_persistent_buffers_set: set

    def _init_arguments_error(self) -> TypeError:
        return TypeError(
            f"{type(self).__name__}.__init__() got unexpected arguments: Module.__init__ "
            "takes none. Call super().__init__() without arguments."
        )

    def _no_forward_error(self) -> NotImplementedError:
        return NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function. '
            "Define forward(self, ...) in your subclass: calling the module runs it."
        )

    def _check_name(self, name: Any, kind: str, own: dict) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {typename(name)}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if hasattr(self, name) and name not in own:
            raise KeyError(f"attribute '{name}' already exists")

    def _check_parameter(self, name: str, param: Any) -> None:
        """register_parameter's check of the value: None, or a Parameter that is a leaf."""
        if param is None:
            return
        if not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{typename(param)}' object to parameter '{name}' (teachgrad."
                "nn.Parameter or None required). Wrap it: nn.Parameter(tensor)."
            )
        if param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must "
                f"be created explicitly. To express '{name}' as a function of another Tensor, "
                "compute the value in the forward() method."
            )

    def _check_assign(self, value: Any, name: str, kind: str) -> None:
        """__setattr__'s check when `name` is already a parameter, child module or buffer.

        None empties the slot; a buffer also takes any tensor. Anything else is refused:
        even a plain tensor where a parameter was, which would silently stop its training.
        """
        if value is None:
            return
        if kind == "parameter":
            raise _wrong_type(value, f"parameter '{name}'", "teachgrad.nn.Parameter",
                              ". Wrap it: nn.Parameter(tensor), or update the values in "
                              f"place: self.{name}.data.copy_(tensor).")
        if kind == "module":
            raise _wrong_type(value, f"child module '{name}'", "teachgrad.nn.Module")
        if not isinstance(value, Tensor):
            raise _wrong_type(value, f"buffer '{name}'", "teachgrad.Tensor")

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

    def register_module(self, name: str, module: Module | None) -> None:
        """torch's other name for add_module."""
        self.add_module(name, module)
