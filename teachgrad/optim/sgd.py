"""SGD (torch.optim.SGD): step against the gradient, with momentum if asked."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from teachgrad.autograd.grad_mode import no_grad
from teachgrad.optim.optimizer import Optimizer, check_non_negative, evaluate, params_with_grad


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (heavy ball or Nesterov).

    Inputs: lr (gamma), momentum (mu), dampening (tau), weight_decay (lambda), nesterov,
    maximize. One step, for each p whose .grad is not None (the others are skipped):

        g_t = p.grad + lambda * p         (-p.grad if maximize; lambda * p: L2 penalty's gradient)
        if mu != 0:                                    (b_t is state[p]["momentum_buffer"])
            b_t = mu * b_{t-1} + (1 - tau) * g_t       (b_1 = g_1: the buffer starts as g)
            g_t = g_t + mu * b_t  if nesterov  else  b_t     (nesterov needs mu > 0, tau = 0)
        p = p - gamma * g_t

    Examples::

        >>> import teachgrad
        >>> p = teachgrad.tensor([1.0, 2.0], requires_grad=True)
        >>> opt = teachgrad.optim.SGD([p], lr=0.1, momentum=0.9)
        >>> p.grad = teachgrad.tensor([1.0, -2.0])
        >>> opt.step(); opt.step()             # b_1 = g, then b_2 = 0.9 * b_1 + g = 1.9 * g
        >>> p, opt.state[p]["momentum_buffer"]     # p - 0.1 * g - 0.1 * 1.9 * g
        (tensor([0.7100, 2.5800], requires_grad=True), tensor([ 1.9000, -3.8000]))
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False) -> None:
        check_non_negative((lr, f"Invalid learning rate: {lr}"),
                           (momentum, f"Invalid momentum value: {momentum}"),
                           (weight_decay, f"Invalid weight_decay value: {weight_decay}"))
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov,
                                  "maximize": maximize})

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = evaluate(closure)
        for group in self.param_groups:
            lr, momentum = group["lr"], group["momentum"]
            for param in params_with_grad(group):
                grad = -param.grad if group["maximize"] else param.grad
                if group["weight_decay"] != 0:
                    grad = grad.add(param, alpha=group["weight_decay"])  # L2 penalty's gradient
                if momentum != 0:
                    state = self.state[param]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = state["momentum_buffer"] = grad.detach().clone()
                    else:
                        buf.mul_(momentum).add_(grad, alpha=1 - group["dampening"])
                    grad = grad.add(buf, alpha=momentum) if group["nesterov"] else buf
                param.add_(grad, alpha=-lr)
        return loss
