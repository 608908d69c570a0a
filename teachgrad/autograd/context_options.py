"""Two choices a Function's forward can make on its ctx besides saving tensors.

Node (teachgrad/autograd/function.py), the ctx, inherits them; the engine reads the
attributes they set when it builds gradients for outputs (teachgrad/autograd/outputs.py,
gradients.py).
"""

from __future__ import annotations

from typing import Any


class ContextOptions:
    materialize_grads = True
    _non_differentiable: tuple = ()

    def mark_non_differentiable(self, *tensors: Any) -> None:
        """Mark outputs of forward that carry no gradient (a mask, indices): backward
        still gets a gradient (zeros) for each, to ignore.

        Examples::

            >>> import teachgrad
            >>> class ReluAndMask(teachgrad.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         mask = (x > 0).float()
            ...         ctx.mark_non_differentiable(mask)
            ...         ctx.save_for_backward(mask)
            ...         return x.clamp(min=0), mask
            ...     @staticmethod
            ...     def backward(ctx, grad_output, grad_mask):
            ...         (mask,) = ctx.saved_tensors
            ...         return grad_output * mask
            >>> x = teachgrad.tensor([-1., 2.], requires_grad=True)
            >>> out, mask = ReluAndMask.apply(x)
            >>> out, mask
            (tensor([0., 2.], grad_fn=<ReluAndMaskBackward>), tensor([0., 1.]))
        """
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward receives None, not zeros, for outputs no gradient reached.

        Examples::

            >>> import teachgrad
            >>> class DoubleAndTriple(teachgrad.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.set_materialize_grads(False)
            ...         return x * 2, x * 3
            ...     @staticmethod
            ...     def backward(ctx, grad_double, grad_triple):
            ...         print(grad_double, grad_triple)
            ...         return grad_double * 2
            >>> double, triple = DoubleAndTriple.apply(teachgrad.ones(1, requires_grad=True))
            >>> double.sum().backward()
            tensor([1.]) None
        """
        self.materialize_grads = value
