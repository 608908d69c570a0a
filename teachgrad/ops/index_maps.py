"""Pick, along each trailing dim, the input positions an output position copies.

Reflect, replicate and circular padding and nearest-neighbour resizing all have the
same shape: output position j along dim d is a copy of input position map_d[j], one
map per dim, the dims independent of each other. So they are one op, given the maps:

    out[..., i, j] = x[..., map_h[i], map_w[j]]

Forward takes along each dim in turn. Backward is the adjoint: each output gradient
is added back onto the input position it was copied from (a position copied twice,
as an edge pixel is by replicate padding, collects both). The two are Functions of
each other, so their gradients are differentiable again.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor


def take_maps(array: Any, maps: tuple) -> Any:
    """array with its last len(maps) dims re-indexed by the maps (each an int array)."""
    xp = array_module(array)
    first = array.ndim - len(maps)
    for offset, positions in enumerate(maps):
        array = xp.take(array, positions, axis=first + offset)
    return array


def add_back(array: Any, maps: tuple, sizes: tuple) -> Any:
    """The adjoint of take_maps: sums each value back onto the position it came from."""
    xp = array_module(array)
    first = array.ndim - len(maps)
    for offset in reversed(range(len(maps))):
        axis = first + offset
        shape = list(array.shape)
        shape[axis] = sizes[offset]
        total = xp.zeros(tuple(shape), array.dtype)
        xp.add.at(total, (slice(None),) * axis + (maps[offset],), array)
        array = total
    return array


class TakeMaps(Function):
    """out = x re-indexed along its trailing dims (node name set by each use below)."""

    node_name = "TakeMapsBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, maps: tuple) -> Any:
        ctx.maps, ctx.sizes = maps, x._array.shape[x._array.ndim - len(maps):]
        return take_maps(x._array, maps)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return AddBack.apply(grad, ctx.maps, ctx.sizes), None


class AddBack(Function):
    """TakeMaps' backward: gradients summed onto their source positions."""

    node_name = "TakeMapsBackwardBackward0"

    @staticmethod
    def forward(ctx: Node, grad: Tensor, maps: tuple, sizes: tuple) -> Any:
        ctx.maps = maps
        return add_back(grad._array, maps, sizes)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return TakeMaps.apply(grad, ctx.maps), None, None


_NAMED: dict[str, type] = {}


def take(x: Tensor, maps: tuple, node_name: str) -> Tensor:
    """x re-indexed by the maps along its last len(maps) dims; grad_fn named node_name."""
    if node_name not in _NAMED:
        _NAMED[node_name] = renamed(TakeMaps, node_name)
    return _NAMED[node_name].apply(x, tuple(maps))
