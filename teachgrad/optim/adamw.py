"""AdamW: Adam whose weight decay shrinks the weights directly.

It decays the weights (p *= 1 - lr * weight_decay) instead of adding weight_decay * p
to the gradient, where Adam's scaling would shrink the decay again.
"""

from __future__ import annotations

from collections.abc import Iterable

from teachgrad.optim.adam import Adam


class AdamW(Adam):
    """Adam with decoupled weight decay: Adam(..., decoupled_weight_decay=True).

    The update is Adam's (see Adam) with one change: when lambda (weight_decay,
    1e-2 by default) is not 0, the weights shrink directly before the step,

        p = p * (1 - gamma * lambda)           (that is, p -= gamma * lambda * p)

    and g is left alone, so the decay is not divided by sqrt(v_hat) as Adam's L2
    penalty is.

    Examples::

        >>> import teachgrad
        >>> p = teachgrad.tensor([1.0, 2.0], requires_grad=True)
        >>> opt = teachgrad.optim.AdamW([p], lr=0.1, weight_decay=0.5)
        >>> p.grad = teachgrad.tensor([1.0, -2.0])
        >>> opt.step()                  # p * 0.95 = [0.95, 1.9], then Adam's 0.1 * sign(g)
        >>> p
        tensor([0.8500, 2.0000], requires_grad=True)
        >>> q = teachgrad.tensor([1.0, 2.0], requires_grad=True)
        >>> opt = teachgrad.optim.Adam([q], lr=0.1, weight_decay=0.5)
        >>> q.grad = teachgrad.tensor([1.0, -2.0])
        >>> opt.step()                  # g + 0.5 * q = [1.5, -1.0]: same signs, no decay left
        >>> q
        tensor([0.9000, 2.1000], requires_grad=True)
    """

    def __init__(self, params: Iterable, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
