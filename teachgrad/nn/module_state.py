"""Saving and loading a Module's tensors: state_dict() and load_state_dict().

A state_dict maps dotted names ('fc1.weight', 'bn.running_mean') to the module's
parameters and persistent buffers. Module (teachgrad/nn/module.py) inherits these
methods from StateDictMixin; they only read the three dicts Module keeps.
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple

from teachgrad.autograd.grad_mode import no_grad
from teachgrad.tensor import Tensor


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What load_state_dict(strict=False) returns: the keys that did not match."""

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


class StateDictMixin:
    """state_dict and load_state_dict, for Module."""

    _parameters: dict
    _buffers: dict
    _modules: dict
    _non_persistent_buffers_set: set
    _version = 1  # torch's Module._version: the format of its state_dict

    def state_dict(self, *, destination: dict | None = None, prefix: str = "",
                   keep_vars: bool = False) -> OrderedDict:
        """Every parameter and persistent buffer by dotted name ('fc1.weight'), sharing memory."""
        destination = OrderedDict() if destination is None else destination
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buffer in self._buffers.items():
            if buffer is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buffer if keep_vars else buffer.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=f"{prefix}{name}.",
                                  keep_vars=keep_vars)
        return destination

    def load_state_dict(self, state_dict: dict, strict: bool = True) -> _IncompatibleKeys:
        """Copy values from state_dict into this module's parameters and buffers.

        Everything is checked first; only when nothing is wrong is anything copied.
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        own = self.state_dict(keep_vars=True)
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        errors = _load_errors(own, state_dict, missing, unexpected, strict)
        if errors:
            hint = ("\n\tTo load only the keys that match, pass strict=False (the others are "
                    "returned)." if strict and (missing or unexpected) else "")
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}{}".format(
                type(self).__name__, "\n\t".join(errors), hint))
        with no_grad():
            for key, target in own.items():
                if key in state_dict:
                    target.copy_(state_dict[key])
        return _IncompatibleKeys(missing, unexpected)


def _load_errors(own: dict, state_dict: dict, missing: list, unexpected: list,
                 strict: bool) -> list[str]:
    """What load_state_dict refuses: wrong keys (when strict), values, or shapes."""
    errors = []
    if strict and unexpected:
        errors.append("Unexpected key(s) in state_dict: {}. ".format(
            ", ".join(f'"{key}"' for key in unexpected)))
    if strict and missing:
        errors.insert(0, "Missing key(s) in state_dict: {}. ".format(
            ", ".join(f'"{key}"' for key in missing)))
    for key, target in own.items():
        if key not in state_dict:
            continue
        value = state_dict[key]
        if not isinstance(value, Tensor):
            errors.append(
                f'While copying the parameter named "{key}", expected teachgrad.Tensor or '
                f"Tensor-like object from checkpoint but received {type(value)}"
            )
        elif value.shape != target.shape:
            errors.append(
                f"size mismatch for {key}: copying a param with shape {value.shape} from "
                f"checkpoint, the shape in current model is {target.shape}."
            )
    return errors
