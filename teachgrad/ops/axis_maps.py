"""A weighted sum of a few input elements along each trailing dim, one dim at a time.

Adaptive average pooling and linear/cubic resizing are both separable: along each dim,
output element j is a weighted sum of a few input elements ("taps"): a window's elements
for a mean, 2 neighbours for linear, 4 for cubic. Each dim's map is an (out, taps) array
of input positions, one of weights, and (for windows of different lengths) one saying
which taps are real. The dims are applied last first, so a bilinear output is
h0 * (w0 * x00 + w1 * x01) + h1 * (w0 * x10 + w1 * x11), term by term as torch computes
it; and only the taps are touched, so an inf or NaN spreads exactly where torch's does
(a dense matrix would multiply it by the zeros of every other row).

The op is linear in x, so its backward is the adjoint (each output's gradient, weighted,
added back onto its taps), itself a Function whose backward is the op again.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


class Taps(NamedTuple):
    """One dim's map: output j sums weight[j, t] * x[index[j, t]] over the taps t."""

    index: Any  # (out, taps) int64 positions along the dim
    weight: Any  # (out, taps) weights
    valid: Any = None  # (out, taps) bool: which taps count (None: all)


def _along(array: Any, axis: int) -> Any:
    return array_module(array).moveaxis(array, axis, -1)


def apply_taps(array: Any, maps: tuple) -> Any:
    """array with maps[k] applied along dim ndim - len(maps) + k, the last dim first."""
    xp = array_module(array)
    first = array.ndim - len(maps)
    for offset in reversed(range(len(maps))):
        taps = maps[offset]
        picked = _along(array, first + offset)[..., taps.index]  # (..., out, taps)
        terms = picked * taps.weight.astype(array.dtype)
        if taps.valid is not None:
            terms = xp.where(taps.valid, terms, array.dtype.type(0))
        total = terms[..., 0]
        for tap in range(1, terms.shape[-1]):  # left to right, as torch's sums
            total = total + terms[..., tap]
        array = xp.moveaxis(total, -1, first + offset)
    return xp.ascontiguousarray(array)


def add_back(array: Any, maps: tuple, sizes: tuple) -> Any:
    """The adjoint of apply_taps: each output's gradient, weighted, onto its taps."""
    xp = array_module(array)
    first = array.ndim - len(maps)
    for offset in range(len(maps)):
        taps, axis = maps[offset], first + offset
        grad = _along(array, axis)  # (..., out)
        terms = grad[..., None] * taps.weight.astype(array.dtype)
        if taps.valid is not None:
            terms = xp.where(taps.valid, terms, array.dtype.type(0))
        lead = grad.shape[:-1]
        total = xp.zeros((*lead, sizes[offset]), dtype=array.dtype).reshape(-1, sizes[offset])
        xp.add.at(total, (slice(None), taps.index), terms.reshape(-1, *taps.index.shape))
        array = xp.moveaxis(total.reshape(*lead, sizes[offset]), -1, axis)
    return xp.ascontiguousarray(array)


class AxisTaps(Function):
    """out = x with one Taps map applied along each of its trailing dims."""

    node_name = "AxisTapsBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, maps: tuple) -> Any:
        ctx.maps, ctx.sizes = maps, x._array.shape[x._array.ndim - len(maps):]
        return apply_taps(x._array, maps)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return AxisTapsAdjoint.apply(grad, ctx.maps, ctx.sizes), None


class AxisTapsAdjoint(Function):
    """AxisTaps' backward; its own backward is AxisTaps."""

    node_name = "AxisTapsBackwardBackward0"

    @staticmethod
    def forward(ctx: Node, grad: Tensor, maps: tuple, sizes: tuple) -> Any:
        ctx.maps = maps
        return add_back(grad._array, maps, sizes)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return AxisTaps.apply(grad, ctx.maps), None, None


_NAMED: dict[str, type] = {}


def map_axes(x: Tensor, maps: tuple, node_name: str) -> Tensor:
    """x with the Taps maps applied along its last len(maps) dims; grad_fn node_name."""
    if node_name not in _NAMED:
        _NAMED[node_name] = renamed(AxisTaps, node_name)
    return _NAMED[node_name].apply(x, tuple(maps))
