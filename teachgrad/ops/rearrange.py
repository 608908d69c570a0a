"""Dims moved around: movedim (moveaxis), swapdims, ravel, rot90.

movedim, swapdims and ravel are the views of views.py under the names NumPy users
reach for (a permute, a transpose, a reshape), so their graphs are those ops' graphs,
as in torch (ravel copies first where a view cannot
do). rot90 turns the plane of two dims by quarter turns; it copies, and its
backward turns the gradient back.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Node
from teachgrad.device import array_module
from teachgrad.ops.convert import contiguous
from teachgrad.ops.torch_edges import TorchEdges
from teachgrad.ops.views import permute, transpose, view
from teachgrad.tensor import Tensor, _wrap_dim


def _dims(value: Any) -> list[int]:
    return [int(d) for d in value] if isinstance(value, (tuple, list)) else [int(value)]


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """Each dim in source moves to the place in destination; the others keep their order."""
    ndim = input._array.ndim
    sources, targets = _dims(source), _dims(destination)
    if len(sources) != len(targets):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({sources} dims) should "
            f"contain the same number of dims as destination ({targets} dims)")
    sources = [_wrap_dim(d, ndim) % max(ndim, 1) for d in sources]
    targets = [_wrap_dim(d, ndim) % max(ndim, 1) for d in targets]
    for name, dims, given in (("source", sources, source), ("destination", targets,
                                                                destination)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({_dims(given)})")
    order: list = [None] * ndim
    for moved, place in zip(sources, targets):
        order[place] = moved
    rest = iter(d for d in range(ndim) if d not in sources)
    return permute(input, [d if d is not None else next(rest) for d in order])


moveaxis = movedim


def swapdims(input: Tensor, dim0: int, dim1: int) -> Tensor:
    return transpose(input, dim0, dim1)


def ravel(input: Tensor) -> Tensor:
    """The elements in one dim, in row-major order: a view of a contiguous tensor, else
    a contiguous copy viewed (torch's graph: ViewBackward0 on CloneBackward0)."""
    return view(contiguous(input), (-1,))


class Rot90(TorchEdges):
    """x.rot90(k, dims): k quarter turns from the first dim towards the second."""

    node_name = "Rot90Backward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, k: int, dims: tuple) -> Any:
        array = x._array
        if len(dims) != 2:
            raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
        if array.ndim < 2:
            raise RuntimeError(f"expected total dims >= 2, but got total dims = {array.ndim}")
        first, second = (_wrap_dim(d, array.ndim) for d in dims)
        if first == second:
            raise RuntimeError(f"expected rotation dims to be different, but got dim0 = "
                               f"{first} and dim1 = {second}")
        ctx.k, ctx.dims = int(k), (first, second)
        xp, turns = array_module(array), int(k) % 4
        if turns == 1:  # NumPy's rot90, spelled with flip and swapaxes (CuPy has both)
            array = xp.flip(array, second).swapaxes(first, second)
        elif turns == 2:
            array = xp.flip(xp.flip(array, first), second)
        elif turns == 3:
            array = xp.flip(array.swapaxes(first, second), second)
        return array.copy()

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return Rot90.apply(grad, -ctx.k, ctx.dims), None, None


def rot90(input: Tensor, k: int = 1, dims: Any = (0, 1)) -> Tensor:
    return Rot90.apply(input, k, tuple(dims))
