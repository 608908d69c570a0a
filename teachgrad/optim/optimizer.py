"""Optimizer: the base class that keeps parameter groups and per-parameter state.

An optimizer holds a list of *parameter groups*: dicts with a "params" list and the
hyper-parameters for those parameters ("lr", "momentum", ...), so that one model can
train its layers at different learning rates. `state[p]` holds what the update rule
remembers for parameter p between steps (a momentum buffer, Adam's running averages).

Subclasses write `step()`: read each p.grad and change p in place, without recording
a graph (updates are not part of the model's computation).
"""

from __future__ import annotations

import functools
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from teachgrad.autograd.grad_mode import enable_grad
from teachgrad.nn.module import typename
from teachgrad.nn.parameter import clear_grad
from teachgrad.optim.optimizer_state import OptimizerState
from teachgrad.tensor import Tensor


class _RequiredParameter:
    """Marks a hyper-parameter that has no default: every group must give it."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer(OptimizerState):
    def __init__(self, params: Iterable, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {typename(params)}. Pass a list: [tensor], or "
                "model.parameters()."
            )
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError(
                "optimizer got an empty parameter list. Pass the tensors to train, e.g. "
                "model.parameters() of a model that has layers (a generator can only be "
                "used once)."
            )
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Wrap each subclass's step() so that an LR scheduler can tell whether
        # optimizer.step() ran before scheduler.step() (and warn, as torch does).
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.step = _noting_calls(cls.__dict__["step"])

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

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient before the next backward adds new ones: set
        each .grad to None (the default), or fill it with zeros if set_to_none=False.

        Examples::

            >>> import teachgrad
            >>> p = teachgrad.tensor([1.0, 2.0], requires_grad=True)
            >>> opt = teachgrad.optim.SGD([p], lr=0.1)
            >>> (p * p).sum().backward()
            >>> opt.zero_grad()
            >>> print(p.grad)
            None
            >>> (p * p).sum().backward()
            >>> opt.zero_grad(set_to_none=False)
            >>> p.grad
            tensor([0., 0.])
        """
        for group in self.param_groups:
            for param in group["params"]:
                clear_grad(param, set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a .grad, in place, by the optimizer's rule.

        closure, if given, runs first, with gradients on: it zeroes the grads, recomputes the
        loss, calls backward and returns the loss, which step returns (else None).

        Examples::

            >>> import teachgrad
            >>> p = teachgrad.tensor([3.0], requires_grad=True)
            >>> opt = teachgrad.optim.SGD([p], lr=0.25)
            >>> def closure():
            ...     opt.zero_grad()
            ...     loss = (p * p).sum()
            ...     loss.backward()
            ...     return loss
            >>> opt.step(closure)          # the loss at p = 3; then p -= 0.25 * 2p
            tensor(9., grad_fn=<SumBackward0>)
            >>> p
            tensor([1.5000], requires_grad=True)
        """
        raise NotImplementedError(
            f"{type(self).__name__} must define step(closure=None): the update of each "
            "parameter from its .grad"
        )

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for index, group in enumerate(self.param_groups):
            text += f"\nParameter Group {index}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _noting_calls(step: Callable) -> Callable:
    @functools.wraps(step)
    def step_and_note(self: Optimizer, *args: Any, **kwargs: Any) -> Any:
        self._step_called = True
        return step(self, *args, **kwargs)

    return step_and_note


def evaluate(closure: Callable[[], Any] | None) -> Any:
    """Run step()'s optional closure (which recomputes the loss) with gradients on."""
    if closure is None:
        return None
    with enable_grad():
        return closure()


def params_with_grad(group: dict[str, Any]) -> list[Tensor]:
    """The parameters of a group that received a gradient (the others are left alone)."""
    return [param for param in group["params"] if param.grad is not None]


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
