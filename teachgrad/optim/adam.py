"""Adam (torch.optim.Adam); AdamW, Adam with decoupled weight decay, is in adamw.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from teachgrad.autograd.grad_mode import no_grad
from teachgrad.creation import tensor, zeros_like
from teachgrad.ops.where import maximum
from teachgrad.optim.optimizer import Optimizer, check_non_negative, evaluate, params_with_grad


class Adam(Optimizer):
    """Adam: steps scaled by running averages of the gradient and of its square.

    Inputs: lr (gamma), betas (beta1, beta2), eps, weight_decay (lambda), amsgrad, maximize,
    decoupled_weight_decay. State of p, from its first step: t (state["step"]), m
    ("exp_avg"), v ("exp_avg_sq") and, with amsgrad, v_max ("max_exp_avg_sq"), all 0.

        t = t + 1;  g = -p.grad if maximize else p.grad
        p = p * (1 - gamma * lambda)  if decoupled_weight_decay (AdamW)  else  g = g + lambda * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2              (amsgrad: v_max = max(v_max, v) used as v)
        p = p - gamma * m_hat / (sqrt(v_hat) + eps)    (m_hat = m / (1 - beta1^t), v_hat alike)

    Examples::

        >>> import teachgrad
        >>> p = teachgrad.tensor([1.0, 2.0], requires_grad=True)
        >>> opt = teachgrad.optim.Adam([p], lr=0.1)
        >>> p.grad = teachgrad.tensor([1.0, -2.0])
        >>> opt.step()          # m_hat = g, v_hat = g^2 (the hats undo the zero start):
        >>> p, opt.state[p]["exp_avg"]      # a first step of 0.1 * sign(g), whatever g's scale
        (tensor([0.9000, 2.1000], requires_grad=True), tensor([ 0.1000, -0.2000]))
    """

    def __init__(self, params: Iterable, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False) -> None:
        check_non_negative((lr, f"Invalid learning rate: {lr}"),
                           (eps, f"Invalid epsilon value: {eps}"),
                           (weight_decay, f"Invalid weight_decay value: {weight_decay}"))
        for index, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {index}: {beta}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize,
                                      decoupled_weight_decay=decoupled_weight_decay))

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = evaluate(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
            weight_decay = group["weight_decay"]
            for param in params_with_grad(group):
                grad = -param.grad if group["maximize"] else param.grad
                state = self.state[param]
                if not state:
                    state["step"] = tensor(0.0)  # a float32 CPU counter, as in torch
                    state["exp_avg"] = zeros_like(param)
                    state["exp_avg_sq"] = zeros_like(param)
                    if group["amsgrad"]:
                        state["max_exp_avg_sq"] = zeros_like(param)
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                state["step"] += 1
                if weight_decay != 0:
                    if group["decoupled_weight_decay"]:
                        param.mul_(1 - lr * weight_decay)
                    else:
                        grad = grad.add(param, alpha=weight_decay)
                exp_avg.add_((grad - exp_avg) * (1 - beta1))  # lerp towards grad
                exp_avg_sq.mul_(beta2).add_(grad * (1 - beta2) * grad)
                step = state["step"].item()
                bias_correction1 = 1 - beta1 ** step
                bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
                if group["amsgrad"]:
                    # Never let the denominator shrink: use the largest v seen so far.
                    state["max_exp_avg_sq"].copy_(maximum(state["max_exp_avg_sq"], exp_avg_sq))
                    exp_avg_sq = state["max_exp_avg_sq"]
                denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
                param.add_(exp_avg * (-lr / bias_correction1) / denom)
        return loss
