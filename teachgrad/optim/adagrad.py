"""Adagrad: divide each gradient by the root of the sum of all its past squares.

    s += grad^2
    p -= lr / (1 + (t - 1) * lr_decay) * grad / (sqrt(s) + eps)
Parameters with large or frequent gradients slow down; rare ones keep large steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from teachgrad.autograd.grad_mode import no_grad
from teachgrad.creation import full_like, tensor
from teachgrad.optim.optimizer import Optimizer, check_non_negative, evaluate, params_with_grad


class Adagrad(Optimizer):
    """Adagrad: divide the gradient by the root of the sum of all its past squares.

    Inputs: lr (gamma), lr_decay (eta), weight_decay (lambda), initial_accumulator_value
    (s_0), eps, maximize. State of each parameter p, created when p joins the optimizer
    (as torch does): t = 0 (state["step"]) and s = s_0 (state["sum"]). One step:

        t = t + 1
        g = -p.grad if maximize else p.grad
        g = g + lambda * p                     if lambda != 0 (the L2 penalty's gradient)
        gamma_t = gamma / (1 + (t - 1) * eta)
        s = s + g^2
        p = p - gamma_t * g / (sqrt(s) + eps)

    Examples::

        >>> import teachgrad
        >>> p = teachgrad.tensor([1.0, 2.0], requires_grad=True)
        >>> opt = teachgrad.optim.Adagrad([p], lr=0.1)
        >>> p.grad = teachgrad.tensor([1.0, -2.0])
        >>> opt.step()              # s = g^2: a step of 0.1 * sign(g)
        >>> p
        tensor([0.9000, 2.1000], requires_grad=True)
        >>> opt.step()              # s = 2 * g^2: a step of 0.1 / sqrt(2) * sign(g)
        >>> p
        tensor([0.8293, 2.1707], requires_grad=True)
        >>> opt.state[p]["sum"]
        tensor([2., 8.])
    """

    def __init__(self, params: Iterable, lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, *, maximize: bool = False) -> None:
        check_non_negative(
            (lr, f"Invalid learning rate: {lr}"),
            (lr_decay, f"Invalid lr_decay value: {lr_decay}"),
            (weight_decay, f"Invalid weight_decay value: {weight_decay}"),
            (initial_accumulator_value,
             f"Invalid initial_accumulator_value value: {initial_accumulator_value}"),
            (eps, f"Invalid epsilon value: {eps}"),
        )
        super().__init__(params, {"lr": lr, "lr_decay": lr_decay, "eps": eps,
                                  "weight_decay": weight_decay,
                                  "initial_accumulator_value": initial_accumulator_value,
                                  "maximize": maximize})

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        # torch creates Adagrad's state up front, when a parameter joins the optimizer.
        super().add_param_group(param_group)
        group = self.param_groups[-1]
        for param in group["params"]:
            state = self.state[param]
            state["step"] = tensor(0.0)
            state["sum"] = full_like(param, group["initial_accumulator_value"])

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = evaluate(closure)
        for group in self.param_groups:
            for param in params_with_grad(group):
                grad = -param.grad if group["maximize"] else param.grad
                state = self.state[param]
                state["step"] += 1
                step = state["step"].item()
                if group["weight_decay"] != 0:
                    grad = grad.add(param, alpha=group["weight_decay"])
                step_lr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
                state["sum"].add_(grad * grad)
                std = state["sum"].sqrt().add_(group["eps"])
                param.add_(grad * -step_lr / std)
        return loss
