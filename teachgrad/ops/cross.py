"""cross: the cross product of 3-vectors along a dim (torch.cross, Tensor.cross).

(a x b) is linear in each of a and b, so its backward is a cross product too:
grad_a = b x grad and grad_b = grad x a (then summed back over broadcast dims).
"""

from __future__ import annotations

import warnings
from typing import Any

from teachgrad import dtypes
from teachgrad.autograd.function import Node
from teachgrad.device import array_module
from teachgrad.ops.broadcast import broadcast_shapes, check_same_device, sum_to_shape
from teachgrad.ops.torch_edges import TorchEdges
from teachgrad.tensor import Tensor, _wrap_dim


class Cross(TorchEdges):
    node_name = "LinalgCrossBackward0"
    _edges = (0, 1)  # torch's edges: the differentiable tensors

    @staticmethod
    def forward(ctx: Node, a: Tensor, b: Tensor, dim: int) -> Any:
        x, y = a._array, b._array
        check_same_device(x, y)
        if x.ndim != y.ndim:
            raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
        if x.dtype != y.dtype:
            raise RuntimeError(f"expected scalar type {dtypes.legacy_name(x.dtype)} but found "
                               f"{dtypes.legacy_name(y.dtype)}")
        axis = _wrap_dim(dim, x.ndim)
        if x.shape[axis] != 3 or y.shape[axis] != 3:
            raise RuntimeError(f"linalg.cross: inputs dimension {axis} must have length 3. "
                               f"Got {x.shape[axis]} and {y.shape[axis]}")
        if x.dtype.kind == "b":
            raise NotImplementedError("\"cross\" not implemented for 'Bool'")
        shape = tuple(broadcast_shapes(x.shape, y.shape))
        xp = array_module(x)
        ctx.axis, ctx.shapes = axis, (x.shape, y.shape)
        ctx.save_for_backward(a, b)
        x, y = xp.broadcast_to(x, shape), xp.broadcast_to(y, shape)
        # NumPy's cross would promote int32 to int64; the formula keeps the dtype
        def part(array: Any, k: int) -> Any:  # component k, keeping the dim
            return array[(slice(None),) * axis + (slice(k, k + 1),)]

        pieces = [part(x, 1) * part(y, 2) - part(x, 2) * part(y, 1),
                  part(x, 2) * part(y, 0) - part(x, 0) * part(y, 2),
                  part(x, 0) * part(y, 1) - part(x, 1) * part(y, 0)]
        return xp.concatenate(pieces, axis=axis).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        grad_a = sum_to_shape(Cross.apply(b.expand(grad.shape), grad, ctx.axis),
                              ctx.shapes[0]) if ctx.needs_input_grad[0] else None
        grad_b = sum_to_shape(Cross.apply(grad, a.expand(grad.shape), ctx.axis),
                              ctx.shapes[1]) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b, None


def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """torch.cross. Without dim, torch (deprecated) takes the first dim of size 3."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\n"
                      "Please either pass the dim explicitly or simply use torch.linalg.cross.",
                      UserWarning, stacklevel=2)
        shape = tuple(broadcast_shapes(input.shape, other.shape)) \
            if input._array.ndim == other._array.ndim else tuple(input.shape)
        dim = next((d for d, size in enumerate(shape) if size == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input. Pass dim= to say which dim "
                               "holds the 3-vectors.")
    return Cross.apply(input, other, dim)


def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """torch.linalg.cross: the same product, dim=-1 by default."""
    return Cross.apply(input, other, dim)
