"""Lookahead (Zhang, Lucas, Hinton and Ba, 2019): wrap any optimizer, take k fast steps
with it, then move a slow copy of the weights part of the way towards where they went.

    every k steps:  slow += alpha * (fast - slow);  fast = slow

The fast weights explore; the slow weights follow their average direction, which
damps the zig-zag of the inner optimizer. torch has no Lookahead: this follows the
paper (the inner optimizer keeps its own state across the synchronisations).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from teachgrad.autograd.grad_mode import no_grad
from teachgrad.optim.optimizer import Optimizer
from teachgrad.optim.optimizer_state import param_indices


class Lookahead(Optimizer):
    """Lookahead: k steps of an inner ("fast") optimizer, then a pull back towards slow weights.

    Inputs: optimizer (the inner one, which keeps its own state throughout), k (fast
    steps between synchronisations), alpha (how far the slow weights move). State of
    each parameter p: phi = a copy of p taken before its first fast step (state[p]["slow_param"]).
    One step, counted by n (self.fast_steps):

        optimizer.step(closure)                (the fast weights p move)
        n = n + 1
        if n is a multiple of k:
            phi = phi + alpha * (p - phi)
            p = phi

    Parameter groups are the inner optimizer's, shared (a scheduler may act on either).

    Examples::

        >>> import teachgrad
        >>> p = teachgrad.tensor([1.0, 2.0], requires_grad=True)
        >>> opt = teachgrad.optim.Lookahead(teachgrad.optim.SGD([p], lr=0.1), k=2, alpha=0.5)
        >>> p.grad = teachgrad.tensor([1.0, -2.0])
        >>> opt.step()              # fast step 1 from phi = [1, 2]
        >>> p
        tensor([0.9000, 2.2000], requires_grad=True)
        >>> opt.step()              # fast step 2 reaches [0.8, 2.4]; phi moves halfway there
        >>> p
        tensor([0.9000, 2.2000], requires_grad=True)
    """

    def __init__(self, optimizer: Optimizer, k: int = 5, alpha: float = 0.5) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"Lookahead wraps an Optimizer (e.g. Lookahead(SGD(...))), got "
                            f"{type(optimizer).__name__}")
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"Invalid slow update rate: {alpha} (alpha must be in [0, 1])")
        if not (isinstance(k, int) and k >= 1):
            raise ValueError(f"Invalid lookahead steps: {k} (k must be an integer >= 1)")
        # No Optimizer.__init__: the groups are the inner optimizer's, shared, so that an
        # LR scheduler or add_param_group acting on either one acts on both.
        self.optimizer = optimizer
        self.k = k
        self.alpha = alpha
        self.state: defaultdict = defaultdict(dict)  # the slow weights
        self.fast_steps = 0

    @property
    def param_groups(self) -> list[dict[str, Any]]:
        return self.optimizer.param_groups

    @param_groups.setter
    def param_groups(self, groups: list[dict[str, Any]]) -> None:
        self.optimizer.param_groups = groups

    @property
    def defaults(self) -> dict[str, Any]:
        return self.optimizer.defaults

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        self.optimizer.add_param_group(param_group)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        with no_grad():
            for group in self.param_groups:
                for param in group["params"]:
                    if "slow_param" not in self.state[param]:  # the weights at the start
                        self.state[param]["slow_param"] = param.detach().clone()
        loss = self.optimizer.step(closure)
        self.fast_steps += 1
        if self.fast_steps % self.k == 0:
            with no_grad():
                for group in self.param_groups:
                    for param in group["params"]:
                        slow = self.state[param]["slow_param"]
                        slow.add_(param - slow, alpha=self.alpha)
                        param.copy_(slow)
        return loss

    def state_dict(self) -> dict[str, Any]:
        index_of = param_indices(self.param_groups)
        slow = {index_of[id(param)]: state["slow_param"] for param, state in self.state.items()}
        return {"inner": self.optimizer.state_dict(), "slow_params": slow, "k": self.k,
                "alpha": self.alpha, "fast_steps": self.fast_steps}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.optimizer.load_state_dict(state_dict["inner"])
        params = [param for group in self.param_groups for param in group["params"]]
        self.state = defaultdict(dict)
        for index, slow in state_dict["slow_params"].items():
            param = params[index]
            self.state[param]["slow_param"] = slow.to(param.device, param.dtype, copy=True)
        self.k, self.alpha = state_dict["k"], state_dict["alpha"]
        self.fast_steps = state_dict["fast_steps"]

    def __repr__(self) -> str:
        return f"Lookahead(k={self.k}, alpha={self.alpha}) wrapping {self.optimizer!r}"
