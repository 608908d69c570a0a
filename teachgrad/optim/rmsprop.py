"""RMSprop: divide each gradient by a running root-mean-square of its recent values.

    v = alpha * v + (1 - alpha) * grad^2
    p -= lr * grad / (sqrt(v) + eps)
centered=True subtracts the squared running mean of the gradient from v (an estimate
of its variance); momentum adds a velocity buffer on top.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from teachgrad.autograd.grad_mode import no_grad
from teachgrad.creation import tensor, zeros_like
from teachgrad.optim.optimizer import Optimizer, check_non_negative, evaluate, params_with_grad


class RMSprop(Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, *, maximize: bool = False) -> None:
        check_non_negative((lr, f"Invalid learning rate: {lr}"),
                           (eps, f"Invalid epsilon value: {eps}"),
                           (momentum, f"Invalid momentum value: {momentum}"),
                           (weight_decay, f"Invalid weight_decay value: {weight_decay}"),
                           (alpha, f"Invalid alpha value: {alpha}"))
        super().__init__(params, {"lr": lr, "alpha": alpha, "eps": eps,
                                  "weight_decay": weight_decay, "momentum": momentum,
                                  "centered": centered, "maximize": maximize})

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = evaluate(closure)
        for group in self.param_groups:
            lr, alpha, momentum = group["lr"], group["alpha"], group["momentum"]
            for param in params_with_grad(group):
                grad = -param.grad if group["maximize"] else param.grad
                state = self.state[param]
                if not state:
                    state["step"] = tensor(0.0)
                    state["square_avg"] = zeros_like(param)
                    if momentum > 0:
                        state["momentum_buffer"] = zeros_like(param)
                    if group["centered"]:
                        state["grad_avg"] = zeros_like(param)
                state["step"] += 1
                if group["weight_decay"] != 0:
                    grad = grad.add(param, alpha=group["weight_decay"])
                square_avg = state["square_avg"]
                square_avg.mul_(alpha).add_(grad * (1 - alpha) * grad)
                if group["centered"]:
                    grad_avg = state["grad_avg"]
                    grad_avg.add_((grad - grad_avg) * (1 - alpha))  # lerp towards grad
                    avg = (square_avg + grad_avg * -1 * grad_avg).sqrt()
                else:
                    avg = square_avg.sqrt()
                avg.add_(group["eps"])
                if momentum > 0:
                    buf = state["momentum_buffer"]
                    buf.mul_(momentum).add_(grad / avg)
                    param.add_(buf, alpha=-lr)
                else:
                    param.add_(grad * -lr / avg)
        return loss
