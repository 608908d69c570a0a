"""Parameter groups: add_param_group, the checks on what an optimizer is given, and repr.

Optimizer inherits ParamGroups. A group is a dict: "params", a list of leaf tensors, and
the hyper-parameters for them, the optimizer's defaults filling in any it leaves out. The
checks raise torch's errors, before anything is added.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

from teachgrad.nn.module import typename
from teachgrad.tensor import Tensor


class _RequiredParameter:
    """Marks a hyper-parameter that has no default: every group must give it."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


class ParamGroups:
    defaults: dict[str, Any]
    param_groups: list[dict[str, Any]]

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters, with its own hyper-parameters (defaults fill the rest).

        Examples::

            >>> import teachgrad
            >>> w = teachgrad.tensor([1.0], requires_grad=True)
            >>> b = teachgrad.tensor([0.0], requires_grad=True)
            >>> opt = teachgrad.optim.SGD([w], lr=0.1, momentum=0.9)
            >>> opt.add_param_group({"params": [b], "lr": 0.01})
            >>> [(group["lr"], group["momentum"]) for group in opt.param_groups]
            [(0.1, 0.9), (0.01, 0.9)]
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = _checked_params(param_group["params"])
        group = {**param_group, "params": params}
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(
                    f"parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
            group.setdefault(name, default)
        if len(params) != len({id(p) for p in params}):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, "
                "this will cause an error; see github.com/pytorch/pytorch/issues/40967 for "
                "more information",
                stacklevel=3,
            )
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if existing & {id(p) for p in params}:
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for index, group in enumerate(self.param_groups):
            text += f"\nParameter Group {index}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def param_list(params: Iterable) -> list:
    """What Optimizer.__init__ was given, as a non-empty list (of tensors or of group dicts)."""
    if isinstance(params, Tensor):
        raise TypeError(
            "params argument given to the optimizer should be an iterable of Tensors or "
            f"dicts, but got {typename(params)}. Pass a list: [tensor], or "
            "model.parameters()."
        )
    groups = list(params)
    if not groups:
        raise ValueError(
            "optimizer got an empty parameter list. Pass the tensors to train, e.g. "
            "model.parameters() of a model that has layers (a generator can only be "
            "used once)."
        )
    return groups


def check_non_negative(*checks: tuple[float, str]) -> None:
    """Raise torch's ValueError, with its message, for the first value below zero."""
    for value, message in checks:
        if not value >= 0.0:
            raise ValueError(message)


def _checked_params(params: Any) -> list:
    """The group's parameters as a list of leaf tensors, or torch's error for others."""
    if isinstance(params, Tensor):
        return [params]
    if isinstance(params, set):
        raise TypeError(
            "optimizer parameters need to be organized in ordered collections, but the "
            "ordering of tensors in sets will change between runs. Please use a list instead."
        )
    params = list(params)
    for param in params:
        if not isinstance(param, Tensor):
            raise TypeError(f"optimizer can only optimize Tensors, but one of the params is "
                            f"{typename(param)}")
        if not (param.is_leaf or param.retains_grad):
            raise ValueError(
                "can't optimize a non-leaf Tensor. An optimizer changes tensors in place, "
                "so give it leaves: model.parameters(), or w = w.detach()"
                ".requires_grad_() for a tensor computed from others."
            )
    return params
