"""batch_norm: normalise each channel to mean 0 and variance 1, then scale and shift.

In training the mean and variance come from the batch itself (over every dim but
the channel dim 1), and running averages of them are updated for later; in eval
the running averages are used instead, so one sample's output no longer depends on
the rest of its batch.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.ops.broadcast import check_same_device
from teachgrad.tensor import Tensor


class BatchNorm(Function):
    node_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, weight: Tensor | None, bias: Tensor | None,
                running_mean: Tensor | None, running_var: Tensor | None, training: bool,
                momentum: float, eps: float) -> Any:
        array = x._array
        for other in (weight, bias, running_mean, running_var):
            if other is not None:
                check_same_device(array, other._array)
        axes = (0,) + tuple(range(2, array.ndim))
        channel_shape = tuple(-1 if d == 1 else 1 for d in range(array.ndim))
        if training:
            mean = array.mean(axis=axes, keepdims=True)
            var = array.var(axis=axes, keepdims=True)  # biased: divide by the count
            count = array.size // array.shape[1]
            if running_mean is not None:
                _blend(running_mean, mean.reshape(-1), momentum)
            if running_var is not None:
                # The running variance is the unbiased estimate (divide by count - 1).
                _blend(running_var, var.reshape(-1) * (count / max(count - 1, 1)), momentum)
        else:
            mean = running_mean._array.reshape(channel_shape)
            var = running_var._array.reshape(channel_shape)
        invstd = 1 / (var + eps) ** 0.5
        out = (array - mean) * invstd
        if weight is not None:
            out = out * weight._array.reshape(channel_shape)
        if bias is not None:
            out = out + bias._array.reshape(channel_shape)
        ctx.axes, ctx.channel_shape, ctx.training, ctx.eps = axes, channel_shape, training, eps
        if not training:
            ctx.mean, ctx.invstd = Tensor._make(mean), Tensor._make(invstd)
        ctx.save_for_backward(x, weight)
        return out

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, weight = ctx.saved_tensors
        axes, channel_shape = ctx.axes, ctx.channel_shape
        if ctx.training:
            # Recomputed with tensor ops so that this backward can be differentiated too.
            mean = x.mean(axes, keepdim=True)
            invstd = (x.var(axes, correction=0, keepdim=True) + ctx.eps) ** -0.5
        else:
            mean, invstd = ctx.mean, ctx.invstd
        normalised = (x - mean) * invstd
        scaled = grad if weight is None else grad * weight.reshape(channel_shape)
        grad_x = None
        if ctx.needs_input_grad[0]:
            if ctx.training:
                # The batch mean and variance depend on x too: remove the gradient's mean
                # and its component along the normalised values.
                grad_x = invstd * (scaled - scaled.mean(axes, keepdim=True) - normalised * (
                    scaled * normalised).mean(axes, keepdim=True))
            else:
                grad_x = scaled * invstd
        grad_weight = (grad * normalised).sum(axes) if ctx.needs_input_grad[1] else None
        grad_bias = grad.sum(axes) if ctx.needs_input_grad[2] else None
        return grad_x, grad_weight, grad_bias, None, None, None, None, None


def _blend(running: Tensor, batch_value: Any, momentum: float) -> None:
    """running = (1 - momentum) * running + momentum * batch_value, in place."""
    running._array *= 1 - momentum
    running._array += momentum * batch_value.astype(running._array.dtype, copy=False)
    running._version_counter().value += 1


def batch_norm(x: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None, bias: Tensor | None, training: bool, momentum: float,
               eps: float) -> Tensor:
    return BatchNorm.apply(x, weight, bias, running_mean, running_var, training, momentum, eps)
