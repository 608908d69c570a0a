"""teachgrad.nn.functional: the layers and losses as plain functions (torch.nn.functional).

A module such as nn.Conv2d owns its weights and calls F.conv2d with them; here are
those functions. Each checks its arguments the way torch does (same exception type,
same message, plus a hint at the fix), then calls the op that does the work:
teachgrad/ops/conv.py, activation.py, loss.py, ... or composes existing ops when
that says it best (dropout is a multiplication by a random mask).
"""

from __future__ import annotations

import warnings
from typing import Any

from teachgrad import dtypes
from teachgrad.device import array_module
from teachgrad.ops import activation as _activation
from teachgrad.ops import conv as _conv
from teachgrad.ops import loss as _loss
from teachgrad.ops.activation import sigmoid, tanh
from teachgrad.ops.broadcast import broadcast_shapes, check_same_device
from teachgrad.ops.embedding import embedding as _embedding
from teachgrad.ops.inplace import apply_inplace
from teachgrad.ops.linear import addmm
from teachgrad.ops.more_activations import (
    celu,
    elu,
    hardsigmoid,
    hardswish,
    hardtanh,
    logsigmoid,
    mish,
    relu6,
    selu,
    silu,
    softplus,
    softsign,
)
from teachgrad.ops.normalization import batch_norm as _batch_norm
from teachgrad.ops.softmax import log_softmax as _log_softmax
from teachgrad.ops.softmax import softmax as _softmax
from teachgrad.ops.unary import relu as _relu
from teachgrad.ops.where import where
from teachgrad.random import generator_for
from teachgrad.tensor import Tensor

__all__ = [
    "celu", "elu", "hardsigmoid", "hardswish", "hardtanh", "logsigmoid", "mish", "relu6",
    "selu", "silu", "softmin", "softplus", "softsign",
    "avg_pool2d", "batch_norm", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "conv2d", "cross_entropy", "dropout", "embedding", "gelu", "l1_loss", "leaky_relu",
    "linear", "log_softmax", "max_pool2d", "mse_loss", "nll_loss", "one_hot", "relu",
    "sigmoid", "softmax", "tanh",
]

# ---------------------------------------------------------------- activations


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    return input.relu_() if inplace else _relu(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01,
               inplace: bool = False) -> Tensor:
    if inplace:
        return apply_inplace(input, _activation.leaky_relu, negative_slope)
    return _activation.leaky_relu(input, negative_slope)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh. (Got "
                           f"'{approximate}'.)")
    return _activation.gelu(input, approximate)


def _softmax_dim(ndim: int, name: str) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
        "dim=X as an argument.",
        UserWarning,
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    dim = _softmax_dim(input.dim(), "softmax") if dim is None else dim
    return _softmax(input, dim, dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """softmax(-x): the smallest scores get the largest probabilities."""
    dim = _softmax_dim(input.dim(), "softmin") if dim is None else dim
    return _softmax(-input, dim, dtype)  # softmax refuses integers, as torch's kernel does


def log_softmax(input: Tensor, dim: int | None = None,
                dtype: Any = None) -> Tensor:
    dim = _softmax_dim(input.dim(), "log_softmax") if dim is None else dim
    return _log_softmax(input, dim, dtype)


# ---------------------------------------------------------------- linear layers


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight^T + bias, for input of shape (..., in_features)."""
    if input.dim() >= 1 and weight.dim() == 2 and input.shape[-1] != weight.shape[1]:
        rows = input.numel() // input.shape[-1] if input.shape[-1] else 0
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
            f"{weight.shape[1]}x{weight.shape[0]}): the input's last dimension must be the "
            f"layer's in_features ({weight.shape[1]})."
        )
    if bias is None:
        return input @ weight.t()
    if input.dim() == 2:
        return addmm(bias, input, weight.t())
    # Any other shape: flatten the leading dims into rows, then restore them.
    rows = input.reshape(-1, input.shape[-1]) if input.dim() else input.reshape(1, 1)
    out = addmm(bias, rows, weight.t())
    return out.view(*input.shape[:-1], weight.shape[0])


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None) -> Tensor:
    """Rows of weight picked by the integer indices in input: output shape input.shape + (D,)."""
    if input.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {input.type()} instead (while checking arguments for "
            "embedding). Convert the indices with .long()."
        )
    if max_norm is not None:
        raise NotImplementedError("teachgrad's embedding does not renormalise rows (max_norm)")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += weight.shape[0]
    return _embedding(weight, input, padding_idx)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices (int64) to rows of zeros with a 1 at the index: shape (..., classes)."""
    if tensor.dtype is not dtypes.int64:
        raise RuntimeError(
            "one_hot is only applicable to index tensor of type LongTensor. Convert with "
            ".long()."
        )
    array = tensor._array
    if array.size and int(array.min()) < 0:
        raise RuntimeError("Class values must be non-negative.")
    top = int(array.max()) + 1 if array.size else 0
    if num_classes == -1:
        num_classes = top
    elif top > num_classes:
        raise RuntimeError(
            f"Class values must be smaller than num_classes. (The largest is {top - 1} and "
            f"num_classes={num_classes}.)"
        )
    xp = array_module(array)
    return Tensor._make((array[..., None] == xp.arange(num_classes)).astype("int64"))


# ---------------------------------------------------------------- convolution and pooling


def _pair(value: Any, name: str) -> tuple[int, int]:
    if isinstance(value, int):
        return (value, value)
    value = tuple(value)
    if len(value) == 1:
        return (value[0], value[0])
    if len(value) != 2:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of 2 values to match the "
            f"convolution dimensions, but got {name}={list(value)}"
        )
    return value


def _as_batch(input: Tensor, op: str) -> tuple[Tensor, bool]:
    """Accept (C, H, W) as a batch of one; other ranks raise torch's error."""
    if input.dim() == 3:
        return input.unsqueeze(0), True
    if input.dim() == 4:
        return input, False
    if op == "conv2d":
        raise RuntimeError(
            f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
            f"{list(input.shape)}. Images go in as (N, C, H, W) (or (C, H, W) for one image)."
        )
    raise RuntimeError(
        "non-empty 3D or 4D (batch mode) tensor expected for input. Images go in as "
        f"(N, C, H, W) or (C, H, W); got shape {list(input.shape)}."
    )


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
           stride: Any = 1, padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation (what deep learning calls convolution) of (N, C, H, W) images."""
    stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    if weight.dim() != 4:
        raise RuntimeError(
            f"weight should have at least three dimensions: conv2d expects (out_channels, "
            f"in_channels / groups, kH, kW), got shape {list(weight.shape)}"
        )
    x, unbatched = _as_batch(input, "conv2d")
    check_same_device(x._array, weight._array)
    out_channels, group_channels, kh, kw = weight.shape
    if min(stride) <= 0:
        raise RuntimeError("non-positive stride is not supported")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    if x.shape[1] != group_channels * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
            f"input{list(x.shape)} to have {group_channels * groups} channels, but got "
            f"{x.shape[1]} channels instead. Check the layer's in_channels against the "
            "input's dim 1 (inputs are (N, C, H, W))."
        )
    if x.dtype != weight.dtype:
        raise RuntimeError(
            f"expected scalar type {dtypes.legacy_name(x.dtype)} but found "
            f"{dtypes.legacy_name(weight.dtype)}: the input and the weights must have one "
            "dtype. Convert one, e.g. x.float()."
        )
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise RuntimeError(
            f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional "
            f"with {out_channels} elements, but got bias of size {list(bias.shape)} instead"
        )
    padding = _conv_padding(padding, stride, dilation, (kh, kw))
    height, width = x.shape[2], x.shape[3]
    padded = (height + padding[0] + padding[1], width + padding[2] + padding[3])
    span = (dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1)
    if padded[0] < span[0] or padded[1] < span[1]:
        raise RuntimeError(
            f"Calculated padded input size per channel: ({padded[0]} x {padded[1]}). Kernel "
            f"size: ({span[0]} x {span[1]}). Kernel size can't be greater than actual input "
            "size"
        )
    windows = _conv.Windows(
        kernel=(kh, kw), stride=stride, padding=padding, dilation=dilation,
        input_size=(height, width),
        output_size=tuple(_conv.output_length(size, k, s, p, d) for size, k, s, p, d in zip(
            (height, width), (kh, kw), stride, (padding[0] + padding[1],
                                                padding[2] + padding[3]), dilation)),
    )
    out = _conv.conv2d(x, weight, bias, windows, groups)
    return out.squeeze(0) if unbatched else out


def _conv_padding(padding: Any, stride: tuple, dilation: tuple,
                  kernel: tuple) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) from an int, a pair, 'valid' or 'same'."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0, 0, 0)
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'. Use 'valid', 'same', an "
                               "int or a pair of ints.")
        if stride != (1, 1):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        # Keep the size: pad d*(k-1) in total, the odd one out at the bottom/right.
        totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
        return (totals[0] // 2, totals[0] - totals[0] // 2,
                totals[1] // 2, totals[1] - totals[1] // 2)
    pad_h, pad_w = _pair(padding, "padding")
    if pad_h < 0 or pad_w < 0:
        raise RuntimeError("negative padding is not supported")
    return (pad_h, pad_h, pad_w, pad_w)


def _pool_windows(x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                  ceil_mode: bool) -> _conv.Windows:
    kernel = _pair(kernel_size, "kernel_size")
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _pair(stride, "stride")
    padding, dilation = _pair(padding, "padding"), _pair(dilation, "dilation")
    if min(kernel) <= 0 or min(stride) <= 0:
        raise RuntimeError("stride should not be zero" if min(stride) <= 0 else
                           f"kernel size should be greater than zero, but got {list(kernel)}")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: "
                           f"{dilation[0]} dilationW: {dilation[1]}")
    for pad, k, d in zip(padding, kernel, dilation):
        if pad > ((k - 1) * d + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={pad}, "
                f"kernel_size={k} and dilation={d}"
            )
    channels, height, width = x.shape[1:]
    output_size = tuple(
        _conv.pool_output_length(size, k, s, p, d, ceil_mode)
        for size, k, s, p, d in zip((height, width), kernel, stride, padding, dilation)
    )
    if min(output_size) < 1:
        raise RuntimeError(
            f"Given input size: ({channels}x{height}x{width}). Calculated output size: "
            f"({channels}x{output_size[0]}x{output_size[1]}). Output size is too small"
        )
    return _conv.Windows(kernel=kernel, stride=stride,
                         padding=(padding[0], padding[0], padding[1], padding[1]),
                         dilation=dilation, input_size=(height, width), output_size=output_size)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None,
               padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:
    """The maximum of each window; with return_indices, also where it was (flat in H*W)."""
    x, unbatched = _as_batch(input, "max_pool2d")
    windows = _pool_windows(x, kernel_size, stride, padding, dilation, ceil_mode)
    pooled = _conv.max_pool2d(x, windows, return_indices)
    if not return_indices:
        return pooled.squeeze(0) if unbatched else pooled
    values, indices = pooled
    if unbatched:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return values, indices


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None,
               padding: Any = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """The mean of each window (padding counts as zeros unless count_include_pad=False)."""
    x, unbatched = _as_batch(input, "avg_pool2d")
    windows = _pool_windows(x, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    out = _conv.avg_pool2d(x, windows, count_include_pad, divisor_override)
    return out.squeeze(0) if unbatched else out


# ---------------------------------------------------------------- dropout and normalisation


def dropout(input: Tensor, p: float = 0.5, training: bool = True,
            inplace: bool = False) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1-p), in training only.

    The scaling keeps every element's expected value unchanged, so nothing needs to
    change at evaluation time, when dropout does nothing.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0 or input.numel() == 0:
        return input
    if p == 1:
        mask = input.new_zeros(())
    else:
        xp = array_module(input._array)
        keep = generator_for(xp).random(tuple(input.shape), dtype="float64") >= p
        mask = Tensor._make(keep.astype(input._array.dtype) * (1.0 / (1 - p)))
    return input.mul_(mask) if inplace else input * mask


def batch_norm(input: Tensor, running_mean: Tensor | None,
               running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float = 0.1,
               eps: float = 1e-5) -> Tensor:
    """(x - mean) / sqrt(var + eps) * weight + bias, per channel (dim 1)."""
    if input.dim() < 2:
        raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")
    channels = input.shape[1]
    for name, tensor in (("running_mean", running_mean), ("running_var", running_var),
                         ("weight", weight), ("bias", bias)):
        if tensor is not None and tensor.numel() != channels:
            raise RuntimeError(
                f"{name} should contain {channels} elements not {tensor.numel()}: the layer's "
                f"num_features must match the input's channels (dim 1)."
            )
    if training and input.numel() // channels == 1:
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size "
            f"{input.shape}. Use a batch of more than one sample, or call model.eval()."
        )
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("batch_norm in eval mode needs running_mean and running_var")
    return _batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


# ---------------------------------------------------------------- losses


def _reduction(reduction: str, size_average: Any = None, reduce: Any = None) -> str:
    """Check `reduction`; translate torch's deprecated size_average/reduce flags."""
    if size_average is not None or reduce is not None:
        warnings.warn("size_average and reduce args will be deprecated, please use "
                      "reduction='mean', 'sum' or 'none' instead.", UserWarning, stacklevel=3)
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        return "none" if not reduce else ("mean" if size_average else "sum")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction (use 'mean', 'sum' "
                         "or 'none')")
    return reduction


def _warn_if_broadcast(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )


def mse_loss(input: Tensor, target: Tensor, size_average: Any = None,
             reduce: Any = None, reduction: str = "mean") -> Tensor:
    """Mean (or sum) of squared differences."""
    reduction = _reduction(reduction, size_average, reduce)
    _warn_if_broadcast(input, target)
    broadcast_shapes(input.shape, target.shape)  # torch's error for shapes that do not fit
    return _loss.MseLoss.apply(input, target, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average: Any = None,
            reduce: Any = None, reduction: str = "mean") -> Tensor:
    """Mean (or sum) of absolute differences."""
    reduction = _reduction(reduction, size_average, reduce)
    _warn_if_broadcast(input, target)
    errors = (input - target).abs()
    if reduction == "none":
        return errors
    return errors.mean() if reduction == "mean" else errors.sum()


def _check_class_target(input: Tensor, target: Tensor) -> None:
    """torch's checks of class-index targets: shape first, then dtype."""
    if input.dim() == 1:
        if target.dim() != 0:
            raise RuntimeError(f"0D target tensor expected for 1D input (one sample of "
                               f"{input.shape[0]} classes), got {target.dim()}D")
    elif target.dim() == 0 or input.shape[0] != target.shape[0]:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
            f"({target.shape[0] if target.dim() else 0})."
        )
    elif tuple(target.shape) != (input.shape[0],) + tuple(input.shape[2:]):
        if input.dim() == 2:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        expected = [input.shape[0], *input.shape[2:]]
        raise RuntimeError(f"Expected target size {expected}, got {list(target.shape)}")
    if target.dtype not in (dtypes.int64, dtypes.uint8):
        raise RuntimeError(
            "expected target dtype to be Long or Byte, but got "
            f"{dtypes.legacy_name(target.dtype)}. Class-index targets must be integers: use "
            "target.long()."
        )


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices, given log-probabilities (classes on dim 1)."""
    reduction = _reduction(reduction, size_average, reduce)
    _check_class_target(input, target)
    return _nll(input, target, weight, reduction, ignore_index)


def _nll(log_probs: Tensor, target: Tensor, weight: Tensor | None, reduction: str,
         ignore_index: int) -> Tensor:
    if log_probs.dim() <= 2:
        return _loss.NllLoss.apply(log_probs, target, weight, reduction, ignore_index)
    if log_probs.dim() == 4:
        return _loss.NllLoss2d.apply(log_probs, target, weight, reduction, ignore_index)
    # Other ranks go through the (N, C, H, W) case, as in torch: H = 1, W = the rest.
    batch, classes = log_probs.shape[:2]
    out = _loss.NllLoss2d.apply(log_probs.reshape(batch, classes, 1, -1),
                                target.reshape(batch, 1, -1), weight, reduction, ignore_index)
    return out.view(target.shape) if reduction == "none" else out


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """log_softmax then nll_loss: the loss for raw class scores (logits).

    target holds class indices, or (same shape as input) class probabilities. With
    label_smoothing = s, the true class gets weight 1 - s and every class s / C.
    """
    reduction = _reduction(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    class_dim = 0 if input.dim() == 1 else 1
    log_probs = _log_softmax(input, class_dim)
    if target.is_floating_point() and target.shape == input.shape:
        return _soft_target_cross_entropy(log_probs, target, weight, reduction,
                                          label_smoothing, class_dim)
    _check_class_target(input, target)
    loss = _nll(log_probs, target, weight, reduction, ignore_index)
    if label_smoothing == 0:
        return loss
    return (1 - label_smoothing) * loss + _uniform_target_loss(
        log_probs, target, weight, reduction, ignore_index, class_dim) * (
        label_smoothing / input.shape[class_dim])


def _class_weights(weight: Tensor, ndim: int, class_dim: int) -> Tensor:
    """weight reshaped to broadcast along the class dim."""
    return weight.reshape([-1 if d == class_dim else 1 for d in range(ndim)])


def _uniform_target_loss(log_probs: Tensor, target: Tensor, weight: Tensor | None,
                         reduction: str, ignore_index: int, class_dim: int) -> Tensor:
    """-(sum over classes of log p) per sample: the smoothing half of label_smoothing."""
    if weight is not None:
        log_probs = log_probs * _class_weights(weight, log_probs.dim(), class_dim)
    kept = target != ignore_index
    per_sample = where(kept, -log_probs.sum(class_dim), 0.0)
    if reduction == "none":
        return per_sample
    if reduction == "sum":
        return per_sample.sum()
    if weight is None:
        return per_sample.sum() / kept.sum()
    safe = Tensor._make(array_module(target._array).where(kept._array, target._array, 0))
    return per_sample.sum() / (weight[safe] * kept).sum()


def _soft_target_cross_entropy(log_probs: Tensor, target: Tensor, weight: Tensor | None,
                               reduction: str, label_smoothing: float,
                               class_dim: int) -> Tensor:
    classes = log_probs.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    products = log_probs * target
    if weight is not None:
        products = products * _class_weights(weight, log_probs.dim(), class_dim)
    if reduction == "none":
        return -products.sum(class_dim)
    if reduction == "sum":
        return -products.sum()
    return -products.sum() / (log_probs.numel() // classes)  # the mean over samples


def binary_cross_entropy(input: Tensor, target: Tensor,
                         weight: Tensor | None = None, size_average: Any = None,
                         reduce: Any = None, reduction: str = "mean") -> Tensor:
    """-(t log p + (1 - t) log(1 - p)) for probabilities p in [0, 1]."""
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )
    if weight is not None and weight.shape != input.shape:
        weight = weight.expand_as(input)
    return _loss.BinaryCrossEntropy.apply(input, target, weight, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None, size_average: Any = None,
                                     reduce: Any = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Binary cross-entropy of sigmoid(input), computed stably from the raw scores."""
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
    return _loss.BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight,
                                                    reduction)


# torch.nn.functional's breadth (pad, interpolate, conv1d, ...), registered in one place.
from teachgrad.nn.more_functional import FUNCTIONAL as _MORE  # noqa: E402

globals().update(_MORE)
__all__ += list(_MORE)
