"""Optimizer: the base class that keeps parameter groups and per-parameter state.

param_groups: dicts of a "params" list and its hyper-parameters ("lr", ...), so that
layers can train at different rates. state[p]: what the rule remembers for p between
steps (a momentum buffer). Subclasses write step(), which changes each p in place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from teachgrad.autograd.grad_mode import enable_grad
from teachgrad.nn.parameter import clear_grad
from teachgrad.optim.optimizer_groups import ParamGroups, check_non_negative, param_list, required
from teachgrad.optim.optimizer_hooks import StepHooks
from teachgrad.optim.optimizer_state import OptimizerState
from teachgrad.tensor import Tensor

__all__ = ["Optimizer", "check_non_negative", "evaluate", "params_with_grad", "required"]


# The rest of torch's Optimizer API is in base classes, by concept: optimizer_groups.py
# (add_param_group, its checks, repr), optimizer_state.py (state_dict, load_state_dict),
# optimizer_hooks.py (step() noted for the LR schedulers).
class Optimizer(OptimizerState, ParamGroups, StepHooks):
    def __init__(self, params: Iterable, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        groups = param_list(params)
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        if not isinstance(groups[0], dict):  # a plain list of tensors: one group
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)  # checks the tensors, fills in the defaults

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient before the next backward adds new ones: set
        each .grad to None (the default), or fill it with zeros if set_to_none=False.

        Examples::

            >>> import teachgrad
            >>> p = teachgrad.tensor([1.0, 2.0], requires_grad=True)
            >>> opt = teachgrad.optim.SGD([p], lr=0.1)
            >>> (p * p).sum().backward()
            >>> opt.zero_grad(set_to_none=False)
            >>> p.grad
            tensor([0., 0.])
            >>> opt.zero_grad()
            >>> print(p.grad)
            None
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
            >>> opt.step(closure), p       # the loss at p = 3; then p -= 0.25 * 2p
            (tensor(9., grad_fn=<SumBackward0>), tensor([1.5000], requires_grad=True))
        """
        raise NotImplementedError(
            f"{type(self).__name__} must define step(closure=None): the update of each "
            "parameter from its .grad"
        )


def evaluate(closure: Callable[[], Any] | None) -> Any:
    """Run step()'s optional closure (which recomputes the loss) with gradients on."""
    if closure is None:
        return None
    with enable_grad():
        return closure()


def params_with_grad(group: dict[str, Any]) -> list[Tensor]:
    """The parameters of a group that received a gradient (the others are left alone)."""
    return [param for param in group["params"] if param.grad is not None]
