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
    """RMSprop: divide the gradient by the root of a running average of its square.

    Inputs: lr (gamma), alpha, eps, weight_decay (lambda), momentum (mu), centered,
    maximize. State of each parameter p, created on its first step: state["step"] (counted,
    not used by the update), v = 0 (state["square_avg"]), b = 0 (state["momentum_buffer"])
    if mu > 0, and g_avg = 0 (state["grad_avg"]) if centered. One step:

        g = -p.grad if maximize else p.grad
        g = g + lambda * p                     if lambda != 0 (the L2 penalty's gradient)
        v = alpha * v + (1 - alpha) * g^2
        if centered:
            g_avg = alpha * g_avg + (1 - alpha) * g
            denom = sqrt(v - g_avg^2) + eps    (v minus the squared mean: a variance)
        else:
            denom = sqrt(v) + eps
        if mu > 0:
            b = mu * b + g / denom
            p = p - gamma * b
        else:
            p = p - gamma * g / denom

    eps is added after the square root (TensorFlow adds it under the root).

    Examples::

        >>> import teachgrad
        >>> p = teachgrad.tensor([1.0, 2.0], requires_grad=True)
        >>> opt = teachgrad.optim.RMSprop([p], lr=0.01)
        >>> p.grad = teachgrad.tensor([1.0, -2.0])
        >>> opt.step()              # v = 0.01 * g^2: a step of 0.01 * g / (0.1 * |g|)
        >>> p
        tensor([0.9000, 2.1000], requires_grad=True)
        >>> opt.step()              # v = 0.0199 * g^2: the steps shrink as v fills up
        >>> p
        tensor([0.8291, 2.1709], requires_grad=True)
    """

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
