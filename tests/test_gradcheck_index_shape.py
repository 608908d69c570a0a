"""Gradient checks for the indexing and shaping breadth (ops/index_shape_api.py).

Float64 central differences (teachgrad.autograd.gradcheck) on shapes, dims and
options drawn by hypothesis, values from a NumPy generator it seeds; max/min
reductions get well-separated values (no ties, where there is no derivative). Then
second derivatives (a Hessian-vector product) of every oracle case are compared with
torch's.

Outputs with no elements are left to the oracle tests: gradcheck itself cannot
compare an empty Jacobian yet (its broadcast fails on shapes like (2, 0)).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_gradcheck import SETTINGS, Draw, leaf, nonempty_dims, small_shapes
from test_oracle_index_shape import CASES
from test_oracle_ops import assert_same_second_order

import teachgrad
from teachgrad.autograd import gradcheck

OPS: dict[str, Callable[[Draw], tuple[Callable, list]]] = {}


def op(name: str) -> Callable:
    def register(builder: Callable) -> Callable:
        OPS[name] = builder
        return builder

    return register


def _index_shape(draw: Draw, shape: tuple, axis: int) -> tuple:
    return tuple(draw(st.integers(1, 4), label="picked") if d == axis else
                 draw(st.integers(1, size), label="size") for d, size in enumerate(shape))


# ------------------------------------------------------------------ scatter family


@op("scatter")
def _scatter(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    axis = draw.dim(len(shape)) % len(shape)
    index_shape = tuple(min(size, 3) if d == axis else size for d, size in
                        enumerate(_index_shape(draw, shape, axis)))
    index_shape = tuple(min(want, have) for want, have in zip(index_shape, shape))
    # each place named once per column, so the written value is well defined
    permutations = np.argsort(draw.rng.random(shape), axis=axis)
    index = teachgrad.tensor(permutations[tuple(slice(0, size) for size in index_shape)])
    return (lambda x, s: teachgrad.scatter(x, axis, index, s)), [draw.normal(shape),
                                                                  draw.normal(index_shape)]


def _with_index(make: Callable) -> Callable:
    def build(draw: Draw) -> tuple:
        shape = draw(nonempty_dims, label="shape")
        axis = draw.dim(len(shape)) % len(shape)
        index_shape = _index_shape(draw, shape, axis)
        index = teachgrad.tensor(draw.rng.integers(0, shape[axis], index_shape))
        include_self = draw(st.booleans(), label="include_self")
        return make(draw, shape, axis, index, index_shape, include_self)

    return build


def _spread_pair(draw: Draw, shape: tuple, other: tuple) -> list:
    """Values for x and src, all distinct: no ties between them either."""
    first = int(np.prod(shape))
    values = draw.spread((first + int(np.prod(other)),))
    return [values[:first].reshape(shape), values[first:].reshape(other)]


OPS["scatter_add"] = _with_index(lambda draw, shape, axis, index, index_shape, _: (
    lambda x, s: x.scatter_add(axis, index, s), [draw.normal(shape), draw.normal(index_shape)]))
for _reduce in ["sum", "mean", "prod", "amax", "amin"]:
    OPS[f"scatter_reduce-{_reduce}"] = _with_index(
        lambda draw, shape, axis, index, index_shape, keep, r=_reduce: (
            lambda x, s: x.scatter_reduce(axis, index, s, r, include_self=keep),
            _spread_pair(draw, shape, index_shape) if r in ("amax", "amin")
            else [draw.nonzero(shape), draw.nonzero(index_shape)]))


@op("index_add")
def _index_add(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    axis = draw.dim(len(shape)) % len(shape)
    count = draw(st.integers(1, 4), label="count")
    index = teachgrad.tensor(draw.rng.integers(0, shape[axis], count))
    source = tuple(count if d == axis else size for d, size in enumerate(shape))
    alpha = draw(st.sampled_from([1, -0.5, 2.0]), label="alpha")
    return (lambda x, s: x.index_add(axis, index, s, alpha=alpha)), [draw.normal(shape),
                                                                      draw.normal(source)]


@op("index_select")
def _index_select(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    axis = draw.dim(len(shape)) % len(shape)
    index = teachgrad.tensor(draw.rng.integers(0, shape[axis], draw(st.integers(1, 5))))
    return (lambda x: x.index_select(axis, index)), [draw.normal(shape)]


@op("index_fill")
def _index_fill(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    axis = draw.dim(len(shape)) % len(shape)
    index = teachgrad.tensor(draw.rng.integers(-shape[axis], shape[axis], draw(st.integers(1, 3))))
    return (lambda x, v: x.index_fill(axis, index, v)), [draw.normal(shape), draw.normal(())]


@op("index_copy")
def _index_copy(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    axis = draw.dim(len(shape)) % len(shape)
    count = draw(st.integers(1, shape[axis]), label="count")
    index = teachgrad.tensor(draw.rng.permutation(shape[axis])[:count])  # no repeats
    source = tuple(count if d == axis else size for d, size in enumerate(shape))
    return (lambda x, s: x.index_copy(axis, index, s)), [draw.normal(shape), draw.normal(source)]


@op("take_along_dim")
def _take_along_dim(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    axis = draw.dim(len(shape)) % len(shape)
    picks = tuple(draw(st.integers(1, 3)) if d == axis else draw(st.sampled_from([1, size]))
                  for d, size in enumerate(shape))
    indices = teachgrad.tensor(draw.rng.integers(0, shape[axis], picks))
    return (lambda x: teachgrad.take_along_dim(x, indices, axis)), [draw.normal(shape)]


@op("fill_diagonal_")
def _fill_diagonal(draw: Draw) -> tuple:
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=2, max_size=2), label="shape"))
    wrap = draw(st.booleans(), label="wrap")
    return (lambda x: (x * 1).fill_diagonal_(0.5, wrap=wrap)), [draw.normal(shape)]


@op("masked_select")
def _masked_select(draw: Draw) -> tuple:
    shape = draw(small_shapes, label="shape")
    mask_shape = shape[draw(st.integers(0, len(shape)), label="cut"):]
    mask = teachgrad.tensor(draw.rng.random(mask_shape) < 0.5)
    return (lambda x: x.masked_select(mask)), [draw.normal(shape)]


@op("masked_scatter")
def _masked_scatter(draw: Draw) -> tuple:
    shape = draw(small_shapes, label="shape")
    mask = teachgrad.tensor(draw.rng.random(shape) < 0.5)
    extra = draw(st.integers(1, 2), label="extra")  # (at least one element: see above)
    source = (int(mask.sum().item()) + extra,)
    return (lambda x, s: x.masked_scatter(mask, s)), [draw.normal(shape), draw.normal(source)]


# ------------------------------------------------------------------ shapes


def _matrixlike(draw: Draw) -> tuple:
    return draw(st.lists(st.integers(1, 3), min_size=2, max_size=3), label="shape")


def _triangle(name: str) -> Callable:
    def build(draw: Draw) -> tuple:
        k = draw(st.integers(-3, 3), label="k")
        return (lambda x: getattr(x, name)(k)), [draw.normal(tuple(_matrixlike(draw)))]

    return build


OPS["tril"], OPS["triu"] = _triangle("tril"), _triangle("triu")


@op("diag")
def _diag(draw: Draw) -> tuple:
    ndim = draw(st.sampled_from([1, 2]), label="ndim")
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
    k = draw(st.integers(-3, 3), label="k")
    return (lambda x: teachgrad.diag(x, k)), [draw.normal(shape)]


@op("diagonal")
def _diagonal(draw: Draw) -> tuple:
    shape = tuple(_matrixlike(draw))
    first, second = draw(st.lists(st.integers(0, len(shape) - 1), min_size=2, max_size=2,
                                  unique=True), label="dims")
    k = draw(st.integers(-2, 2), label="k")
    return (lambda x: x.diagonal(k, first, second)), [draw.normal(shape)]


@op("index_put-accumulate")
def _index_put(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    count = draw(st.integers(1, 4), label="count")
    index = tuple(teachgrad.tensor(draw.rng.integers(0, size, count)) for size in shape)
    return (lambda x, v: x.index_put(index, v, accumulate=True)), [draw.normal(shape),
                                                                   draw.normal((count,))]


@op("stacks")
def _stacks(draw: Draw) -> tuple:
    name = draw(st.sampled_from(["hstack", "vstack", "dstack", "column_stack"]), label="name")
    shape = draw(st.sampled_from([(), (3,), (3, 2)]), label="shape")
    return (lambda a, b: getattr(teachgrad, name)([a, b])), [draw.normal(shape),
                                                               draw.normal(shape)]


@op("tensor_split")
def _tensor_split(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    axis = draw.dim(len(shape))
    split: Any = draw(st.one_of(st.integers(1, 4), st.lists(st.integers(-4, 4), max_size=3)),
                      label="split")
    return (lambda x: x.tensor_split(split, axis)), [draw.normal(shape)]


@op("rot90")
def _rot90(draw: Draw) -> tuple:
    shape = tuple(_matrixlike(draw))
    first, second = draw(st.lists(st.integers(0, len(shape) - 1), min_size=2, max_size=2,
                                  unique=True), label="dims")
    k = draw(st.integers(-5, 5), label="k")
    return (lambda x: x.rot90(k, (first, second))), [draw.normal(shape)]


@op("take")
def _take(draw: Draw) -> tuple:
    shape = draw(small_shapes, label="shape")
    size = int(np.prod(shape))
    index = teachgrad.tensor(draw.rng.integers(-size, size, draw(small_shapes)))
    return (lambda x: teachgrad.take(x, index)), [draw.normal(shape)]


@op("movedim")
def _movedim(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    count = draw(st.integers(1, len(shape)), label="count")
    source = draw(st.permutations(range(len(shape))), label="source")[:count]
    destination = draw(st.permutations(range(len(shape))), label="destination")[:count]
    return (lambda x: x.movedim(source, destination)), [draw.normal(shape)]


@op("trace")
def _trace(draw: Draw) -> tuple:
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=2, max_size=2), label="shape"))
    return teachgrad.trace, [draw.normal(shape)]


@op("diag_embed")
def _diag_embed(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    k = draw(st.integers(-2, 2), label="k")
    return (lambda x: teachgrad.diag_embed(x, k)), [draw.normal(shape)]


@op("unfold")
def _unfold(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    axis = draw.dim(len(shape))
    size = draw(st.integers(1, shape[axis]), label="size")
    step = draw(st.integers(1, 3), label="step")
    return (lambda x: x.unfold(axis, size, step)), [draw.normal(shape)]


@op("meshgrid")
def _meshgrid(draw: Draw) -> tuple:
    count = draw(st.integers(1, 3), label="count")
    indexing = draw(st.sampled_from(["ij", "xy"]), label="indexing")
    sizes = [draw(st.integers(1, 3), label="size") for _ in range(count)]
    return (lambda *xs: teachgrad.meshgrid(*xs, indexing=indexing)), \
        [draw.normal((size,)) for size in sizes]


@op("repeat_interleave")
def _repeat_interleave(draw: Draw) -> tuple:
    shape = draw(small_shapes, label="shape")
    dim = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1))
               if shape else st.none(), label="dim")
    if draw(st.booleans(), label="tensor repeats") and (dim is not None or shape):
        length = int(np.prod(shape)) if dim is None else (shape[dim] if shape else 1)
        repeats: Any = teachgrad.tensor(draw.rng.integers(0, 3, length))
    else:
        repeats = draw(st.integers(0, 3), label="repeats")
    return (lambda x: x.repeat_interleave(repeats, dim)), [draw.normal(shape)]


@op("cross")
def _cross(draw: Draw) -> tuple:
    shape = list(draw(nonempty_dims, label="shape"))
    axis = draw(st.integers(0, len(shape) - 1), label="axis")
    shape[axis] = 3
    other = [1 if draw(st.booleans()) and d != axis else size for d, size in enumerate(shape)]
    return (lambda a, b: teachgrad.cross(a, b, dim=axis)), [draw.normal(tuple(shape)),
                                                            draw.normal(tuple(other))]


EQUATIONS = [("ij,jk->ik", [(2, 3), (3, 2)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 1)]),
             ("ii->i", [(3, 3)]), ("ii", [(2, 2)]), ("i,j->ij", [(2,), (3,)]),
             ("ij,ij->", [(2, 3), (2, 3)]), ("...ij,jk->...k", [(2, 2, 3), (3, 2)]),
             ("bn,anm,bm->ba", [(2, 3), (2, 3, 2), (2, 2)]), ("iij,jk->ik", [(2, 2, 3), (3, 2)]),
             ("ij,k->i", [(2, 3), (2,)])]


@op("einsum")
def _einsum(draw: Draw) -> tuple:
    equation, shapes = draw(st.sampled_from(EQUATIONS), label="equation")
    return (lambda *xs: teachgrad.einsum(equation, *xs)), [draw.normal(s) for s in shapes]


@pytest.mark.parametrize("name", sorted(OPS))
@SETTINGS
@given(data=st.data())
def test_gradcheck(name: str, data: st.DataObject) -> None:
    draw = Draw(data)
    fn, arrays = OPS[name](draw)
    inputs = [leaf(array) for array in arrays]
    assert gradcheck(fn, inputs)


def test_every_differentiable_name_is_checked() -> None:
    expected = {"scatter", "scatter_add", "scatter_reduce-sum", "scatter_reduce-prod",
                "scatter_reduce-mean", "scatter_reduce-amax", "scatter_reduce-amin",
                "index_add", "index_select", "masked_select", "masked_scatter", "tril",
                "triu", "diag", "diagonal", "diag_embed", "unfold", "meshgrid",
                "repeat_interleave", "cross", "einsum", "index_fill", "index_copy",
                "take_along_dim", "fill_diagonal_", "trace", "rot90", "take", "movedim",
                "index_put-accumulate", "stacks", "tensor_split"}
    assert expected - set(OPS) == set()


@pytest.mark.parametrize(("fn", "args", "options"), CASES)
def test_second_order_matches_torch(fn: Callable, args: tuple, options: dict) -> None:
    assert_same_second_order(fn, args)
