"""Loss functions with their own backward: mse, nll, binary cross-entropy (plain and
from logits).

Each loss computes one value per element, then reduces them: 'mean' averages,
'sum' adds, 'none' keeps them all. Backward is the per-element derivative, spread
back by the same reduction (a mean divides every element's share by the count).
l1_loss and cross_entropy are built from other ops in teachgrad.nn.functional.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast import check_same_device, sum_to_shape
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


def reduce_array(values: Any, reduction: str) -> Any:
    if reduction == "mean":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    return values


def same_device(first: Tensor, *others: Tensor | None) -> None:
    """torch's 'Expected all tensors to be on the same device' for a loss's operands."""
    for other in others:
        if other is not None:
            check_same_device(first._array, other._array)


def spread(grad: Tensor, shape: tuple, reduction: str) -> Tensor:
    """The gradient of each element before the reduction: undo 'mean' or 'sum'."""
    if reduction == "none":
        return grad
    count = 1
    for size in shape:
        count *= size
    full = grad.expand(shape)
    return full / count if reduction == "mean" else full


class MseLoss(Function):
    """(input - target)^2, reduced; d/d input = 2 (input - target)."""

    node_name = "MseLossBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, target: Tensor, reduction: str) -> Any:
        same_device(x, target)
        # torch's promotion, not NumPy's: a float32 input minus an int64 target is float32.
        result_dtype = dtypes.result_type(x, target).numpy_dtype
        difference = (x._array - target._array).astype(result_dtype, copy=False)
        ctx.reduction, ctx.shape = reduction, difference.shape
        ctx.save_for_backward(x, target)
        return reduce_array(difference * difference, reduction)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, target = ctx.saved_tensors
        grad_difference = spread(grad, ctx.shape, ctx.reduction) * 2 * (x - target)
        grad_x = sum_to_shape(grad_difference, x.shape) if ctx.needs_input_grad[0] else None
        grad_target = sum_to_shape(-grad_difference, target.shape) \
            if ctx.needs_input_grad[1] else None
        return grad_x, grad_target, None


class NllLoss(Function):
    """-log_probs[target] (times the class weight), reduced; ignore_index drops a class.

    log_probs has the classes on dim 1 ((N, C) or (N, C, d1, ...)), or is (C,) for one
    sample. A weighted mean divides by the summed weights of the targets, not by N.
    """

    node_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx: Node, log_probs: Tensor, target: Tensor, weight: Tensor | None,
                reduction: str, ignore_index: int) -> Any:
        same_device(log_probs, target, weight)
        array, labels = log_probs._array, target._array
        xp = array_module(array)
        class_axis = 0 if array.ndim == 1 else 1
        classes = array.shape[class_axis]
        kept = labels != ignore_index
        safe = xp.where(kept, labels, 0).astype("int64")
        bad = (safe < 0) | (safe >= classes)
        if bool(bad.any()):
            raise IndexError(f"Target {int(labels[bad].reshape(-1)[0])} is out of bounds. "
                             f"Class indices must lie in [0, {classes - 1}] (or equal "
                             f"ignore_index={ignore_index}).")
        per_class = weight._array[safe] if weight is not None else xp.ones(safe.shape, array.dtype)
        per_sample = per_class * kept
        # One-hot of each target along the class axis, scaled by -weight: this is both the
        # mask that picks the target's log-probability and the gradient of the loss.
        one_hot = xp.moveaxis(xp.arange(classes) == safe[..., None], -1, class_axis)
        coefficients = one_hot * -xp.expand_dims(per_sample, class_axis).astype(array.dtype)
        # only the targets' log-probabilities: another class's -inf times 0 would be nan
        losses = (coefficients * xp.where(coefficients != 0, array, 0)).sum(axis=class_axis)
        if reduction == "mean":
            total = per_sample.sum()
            # every target ignored: 0 / 0 = nan, as in torch (silently: numerics.py)
            coefficients = coefficients / total
            result = losses.sum() / total
        else:
            result = reduce_array(losses, reduction)
        ctx.coefficients, ctx.class_axis, ctx.reduction = coefficients, class_axis, reduction
        return result.astype(array.dtype)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        if ctx.reduction == "none":
            grad = grad.unsqueeze(ctx.class_axis)
        return grad * Tensor._make(ctx.coefficients), None, None, None, None


# The same loss for (N, C, H, W) log-probabilities: torch records it under its own name.
NllLoss2d = renamed(NllLoss, "NllLoss2DBackward0")


class BinaryCrossEntropy(Function):
    """-(t log p + (1 - t) log(1 - p)), with each log clamped at -100 as torch does."""

    node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx: Node, p: Tensor, target: Tensor, weight: Tensor | None,
                reduction: str) -> Any:
        same_device(p, target, weight)
        probs, labels = p._array, target._array
        xp = array_module(probs)
        if bool(((probs < 0) | (probs > 1)).any()):
            raise RuntimeError(
                "all elements of input should be between 0 and 1. binary_cross_entropy takes "
                "probabilities: apply sigmoid first, or use binary_cross_entropy_with_logits "
                "on the raw scores."
            )
        log_p = xp.maximum(xp.log(probs), -100)
        log_not_p = xp.maximum(xp.log(1 - probs), -100)
        losses = -(labels * log_p + (1 - labels) * log_not_p)
        if weight is not None:
            losses = losses * weight._array
        ctx.reduction, ctx.shape = reduction, probs.shape
        ctx.save_for_backward(p, target, weight)
        return reduce_array(losses, reduction)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        p, target, weight = ctx.saved_tensors
        grad = spread(grad, ctx.shape, ctx.reduction)
        if weight is not None:
            grad = grad * weight
        grad_p = grad_target = None
        if ctx.needs_input_grad[0]:
            # d/dp = (p - t) / (p (1 - p)), the denominator kept away from 0 as in torch
            grad_p = grad * (p - target) / (p * (1 - p)).clamp(min=1e-12)
        if ctx.needs_input_grad[1]:
            grad_target = grad * ((1 - p).log() - p.log())  # unclamped, as in torch
        return grad_p, grad_target, None, None


class BinaryCrossEntropyWithLogits(Function):
    """Binary cross-entropy of sigmoid(x), computed from x without overflowing.

    loss = (1 - t) x - w_pos log(sigmoid(x)), where log(sigmoid(x)) is taken as
    min(x, 0) - log(1 + e^-|x|) (never exp of a large number), and w_pos =
    1 + (pos_weight - 1) t weighs the positive examples.
    """

    node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, target: Tensor, weight: Tensor | None,
                pos_weight: Tensor | None, reduction: str) -> Any:
        same_device(x, target, weight, pos_weight)
        scores, labels = x._array, target._array
        xp = array_module(scores)
        log_sigmoid = xp.minimum(scores, 0) - xp.log1p(xp.exp(-xp.abs(scores)))
        if pos_weight is not None:
            log_sigmoid = log_sigmoid * ((pos_weight._array - 1) * labels + 1)
        losses = (1 - labels) * scores - log_sigmoid
        if weight is not None:
            losses = losses * weight._array
        ctx.reduction, ctx.shape = reduction, losses.shape
        ctx.save_for_backward(x, target, weight, pos_weight)
        return reduce_array(losses, reduction)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        x, target, weight, pos_weight = ctx.saved_tensors
        grad = spread(grad, ctx.shape, ctx.reduction)
        if weight is not None:
            grad = grad * weight
        positive = 1 if pos_weight is None else (pos_weight - 1) * target + 1
        grad_x = grad_target = None
        if ctx.needs_input_grad[0]:
            # d/dx = (1 - t) - w_pos (1 - sigmoid(x)); with no pos_weight: sigmoid(x) - t
            grad_x = sum_to_shape(grad * ((1 - target) - positive * (1 - x.sigmoid())), x.shape)
        if ctx.needs_input_grad[1]:
            log_sigmoid = x.clamp(max=0) - ((-x.abs()).exp() + 1).log()
            pos_term = 0 if pos_weight is None else (pos_weight - 1) * log_sigmoid
            grad_target = sum_to_shape(grad * (-x - pos_term), target.shape)
        return grad_x, grad_target, None, None, None
