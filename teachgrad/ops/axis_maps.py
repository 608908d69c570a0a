"""A linear map applied along each trailing dim: out = A_h @ x @ A_w^T, for any dims.

Adaptive average pooling and bilinear resizing are both separable: each output element
along one dim is a fixed weighted sum of input elements along that dim (a window's mean,
or two neighbours weighted by distance), and the dims do not interact. So each is a small
(out, in) matrix per dim, applied along its dim in turn. The op is linear in x, so its
backward is the same op with the matrices transposed, and differentiable again.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


def apply_maps(array: Any, matrices: tuple) -> Any:
    """array with matrices[k] applied along dim ndim - len(matrices) + k."""
    xp = array_module(array)
    first = array.ndim - len(matrices)
    for offset, matrix in enumerate(matrices):
        axis = first + offset
        # Move the dim last, multiply by the matrix's transpose, move it back.
        moved = xp.moveaxis(array, axis, -1) @ matrix.T.astype(array.dtype)
        array = xp.moveaxis(moved, -1, axis)
    return xp.ascontiguousarray(array)


class AxisMaps(Function):
    """out = x with one (out, in) matrix applied along each of its trailing dims."""

    node_name = "AxisMapsBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, matrices: tuple) -> Any:
        ctx.matrices = matrices
        return apply_maps(x._array, matrices)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        # A linear map's adjoint: the same products with each matrix transposed.
        return AxisMaps.apply(grad, tuple(m.T for m in ctx.matrices)), None


_NAMED: dict[str, type] = {}


def map_axes(x: Tensor, matrices: tuple, node_name: str) -> Tensor:
    """x with the matrices applied along its last len(matrices) dims; grad_fn node_name."""
    if node_name not in _NAMED:
        _NAMED[node_name] = renamed(AxisMaps, node_name)
    return _NAMED[node_name].apply(x, tuple(matrices))
