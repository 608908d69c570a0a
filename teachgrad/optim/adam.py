"""Adam: a step per parameter scaled by running averages of the gradient.

    m = beta1 * m + (1 - beta1) * grad           (average gradient: a momentum)
    v = beta2 * v + (1 - beta2) * grad^2         (average squared gradient)
    p -= lr * m_hat / (sqrt(v_hat) + eps)        (hats: divided by 1 - beta^t, which
                                                  undoes the pull towards the zero start)
Each parameter's step is about lr in size whatever the scale of its gradient.
(AdamW, in adamw.py, is Adam with decoupled weight decay.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from teachgrad.autograd.grad_mode import no_grad
from teachgrad.creation import tensor, zeros_like
from teachgrad.ops.where import maximum
from teachgrad.optim.optimizer import Optimizer, check_non_negative, evaluate, params_with_grad


class Adam(Optimizer):
    """Adam: steps scaled by running averages of the gradient and of its square.

    Inputs: lr (gamma), betas (beta1, beta2), eps, weight_decay (lambda), amsgrad,
    maximize, decoupled_weight_decay. State of each parameter p, created on its first
    step: t = 0 (state["step"]), m = 0 (state["exp_avg"]), v = 0 (state["exp_avg_sq"]),
    and v_max = 0 (state["max_exp_avg_sq"]) with amsgrad. One step:

        t = t + 1
        g = -p.grad if maximize else p.grad
        if lambda != 0:
            p = p * (1 - gamma * lambda)       if decoupled_weight_decay (AdamW)
            g = g + lambda * p                 otherwise (the L2 penalty's gradient)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        if amsgrad: v_max = max(v_max, v), and v_max stands for v below
        denom = sqrt(v) / sqrt(1 - beta2^t) + eps          (= sqrt(v_hat) + eps)
        p = p - gamma / (1 - beta1^t) * m / denom          (= gamma * m_hat / denom)

    The corrections 1 - beta^t undo the pull of the zero start, so the first step is
    about gamma in size for every coordinate, whatever the scale of its gradient.

    Examples::

        >>> import teachgrad
        >>> p = teachgrad.tensor([1.0, 2.0], requires_grad=True)
        >>> opt = teachgrad.optim.Adam([p], lr=0.1)
        >>> p.grad = teachgrad.tensor([1.0, -2.0])
        >>> opt.step()                  # m_hat = g, v_hat = g^2: a step of 0.1 * sign(g)
        >>> p
        tensor([0.9000, 2.1000], requires_grad=True)
        >>> p.grad = teachgrad.tensor([0.5, -2.0])
        >>> opt.step()                  # the first gradient shrank: a shorter step there
        >>> p
        tensor([0.8068, 2.2000], requires_grad=True)
        >>> opt.state[p]["step"], opt.state[p]["exp_avg"]
        (tensor(2.), tensor([ 0.1400, -0.3800]))
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
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay, "amsgrad": amsgrad,
                                  "maximize": maximize,
                                  "decoupled_weight_decay": decoupled_weight_decay})

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
