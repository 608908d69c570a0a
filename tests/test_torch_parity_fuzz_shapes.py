"""Shapes, empty tensors and indexing as torch has them: the fuzzer's findings, fixed.

Each case runs the same call in torch and teachgrad and compares values, dtypes,
shapes, gradients and exception types.
"""

from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

import numpy as np
import pytest

import teachgrad
from tests.oracle import torch

LIBS = (torch, teachgrad)


def outcome(lib: Any, call: Any) -> Any:
    """What the call gives in lib: the result as NumPy values, or the exception's type."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", RuntimeWarning)  # NumPy's warnings must not leak
        try:
            result = call(lib)
        except Exception as error:  # the exception's type is what is compared
            return next(kind for kind in type(error).__mro__
                        if getattr(builtins, kind.__name__, None) is kind)
    return as_plain(result)


def as_plain(result: Any) -> Any:
    if isinstance(result, (tuple, list)):
        return tuple(as_plain(item) for item in result)
    if hasattr(result, "detach"):
        return (str(result.dtype).split(".")[-1], tuple(result.shape),
                result.detach().cpu().numpy() if hasattr(result, "cpu") else np.asarray(result))
    return result


def assert_same(call: Any) -> None:
    theirs, ours = (outcome(lib, call) for lib in LIBS)
    if isinstance(theirs, type):
        assert ours is theirs, f"torch raised {theirs.__name__}, teachgrad gave {ours!r}"
        return
    assert not isinstance(ours, type), f"teachgrad raised {ours.__name__}, torch gave {theirs!r}"
    compare(ours, theirs)


def compare(ours: Any, theirs: Any) -> None:
    if isinstance(theirs, tuple) and len(theirs) == 3 and isinstance(theirs[0], str):
        assert ours[:2] == theirs[:2]
        np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6, equal_nan=True)
        return
    assert type(ours) is type(theirs) and len(ours) == len(theirs)
    for mine, other in zip(ours, theirs):
        compare(mine, other)


def grad_of(function: Any, values: Any, dtype: str = "float32") -> Any:
    """A call that differentiates function(x).sum() at x = values and returns x.grad."""
    def call(lib: Any) -> Any:
        x = lib.tensor(values, dtype=getattr(lib, dtype), requires_grad=True)
        function(lib, x).sum().backward()
        return x.grad
    return call


# ----------------------------------------------------------------- too few dims

@pytest.mark.parametrize("call", [
    lambda lib: lib.tensor(1.).unbind(-1),
    lambda lib: lib.tensor(1.).unbind(3),
    lambda lib: lib.mv(lib.tensor(1.), lib.ones(2)),
    lambda lib: lib.mv(lib.ones(2, 2), lib.tensor(1.)),
])
def test_unbind_and_mv_of_a_0d_tensor(call: Any) -> None:
    assert_same(call)


def test_matrix_transpose_of_few_dims() -> None:
    from teachgrad.ops.views import matrix_transpose

    x = teachgrad.tensor(2.)
    with pytest.warns(UserWarning):
        assert matrix_transpose(x) is x
    with pytest.raises(RuntimeError):
        matrix_transpose(teachgrad.ones(2))
    with pytest.raises(RuntimeError):
        _ = torch.ones(2).mT
    assert tuple(matrix_transpose(teachgrad.ones(2, 3, 4)).shape) == tuple(
        torch.ones(2, 3, 4).mT.shape)


# ----------------------------------------------------------------- empty reductions

@pytest.mark.parametrize("call", [
    lambda lib: lib.zeros(0).mean(),
    lambda lib: lib.zeros(3, 0).mean(1),
    lambda lib: lib.zeros(0, 3, dtype=lib.float64).mean((0, 1), keepdim=True),
    lambda lib: lib.zeros(0).var(),
    lambda lib: lib.zeros(2, 0).std(1),
    lambda lib: lib.tensor(1.).var(),
    lambda lib: lib.tensor([1., 2.]).var(correction=3),
    lambda lib: lib.tensor([1., 1.]).std(correction=2),
    lambda lib: lib.tensor([1., math.inf]).var(correction=2),
    lambda lib: lib.var_mean(lib.zeros(0)),
    lambda lib: lib.std_mean(lib.zeros(3, 0), 1),
    grad_of(lambda lib, x: x.mean(), []),
    grad_of(lambda lib, x: x.var(), [1.]),
    grad_of(lambda lib, x: x.var(correction=2), [1., 2.]),
    grad_of(lambda lib, x: x.var(correction=3, dim=0), [1., 2.]),
    grad_of(lambda lib, x: x.var(correction=3), [1., 2., 5.]),
    grad_of(lambda lib, x: x.std(correction=2), [1., 2.]),
    grad_of(lambda lib, x: x.std(correction=3, dim=0), [1., 2.], "float64"),
    grad_of(lambda lib, x: x.var(correction=2), [2., math.inf]),
])
def test_reductions_with_nothing_to_divide_by(call: Any) -> None:
    assert_same(call)


@pytest.mark.parametrize("p", [math.inf, -math.inf, -1, -0.5])
@pytest.mark.parametrize("shape, dim", [((0,), None), ((0,), -1), ((2, 0), 1), ((2, 0), (0, 1)),
                                        ((2, 0), 0), ((0, 2), (0,))])
def test_norm_without_identity_over_an_empty_dim(p: float, shape: tuple, dim: Any) -> None:
    assert_same(lambda lib: lib.zeros(shape).norm(p=p, dim=dim))


# ----------------------------------------------------------------- zero-size tensors

@pytest.mark.parametrize("call", [
    lambda lib: lib.zeros(0, dtype=lib.int64) // 0,
    lambda lib: lib.zeros(0, dtype=lib.int64) % lib.zeros(1, dtype=lib.int64),
    lambda lib: lib.fmod(lib.zeros(0, dtype=lib.int64), 0),
    lambda lib: lib.remainder(0, lib.zeros(0, dtype=lib.int64)),
    lambda lib: lib.div(lib.zeros(0, dtype=lib.int64), 0, rounding_mode="trunc"),
    lambda lib: lib.zeros(0, dtype=lib.int64).floor_divide_(0),
    lambda lib: lib.zeros(2, dtype=lib.int64) // 0,
    lambda lib: lib.zeros(0).chunk(3),
    lambda lib: lib.zeros(3, 0).chunk(2, -1),
    lambda lib: lib.zeros(3, 0).chunk(2, 0),
    lambda lib: lib.zeros(2, 0).roll(1, 5),
    grad_of(lambda lib, x: lib.cat(x.chunk(2)), []),
    grad_of(lambda lib, x: x.roll(1, 7), np.zeros((2, 0))),
])
def test_zero_size_division_chunk_roll(call: Any) -> None:
    assert_same(call)


@pytest.mark.parametrize("left, right", [((0, 2), (2, 3)), ((2, 0), (0, 3)), ((0,), (0, 2)),
                                         ((1, 0), (0,)), ((2, 0, 2), (2, 3)), ((0,), (0,)),
                                         ((2, 2), (2, 2)), ((0, 2), (3, 3)),
                                         ((2, 2, 2), (3, 2, 2))])
def test_bool_products_of_empty_tensors(left: tuple, right: tuple) -> None:
    assert_same(lambda lib: lib.zeros(left, dtype=lib.bool) @ lib.zeros(right, dtype=lib.bool))


@pytest.mark.parametrize("call", [
    lambda lib: lib.cat([lib.tensor([]), lib.tensor([])], dim=1),
    lambda lib: lib.cat([lib.tensor([]), lib.tensor([], dtype=lib.int64)], dim=-3),
    lambda lib: lib.cat([lib.tensor([]), lib.zeros(2, 3)], dim=1),
    lambda lib: lib.cat([lib.tensor([]), lib.tensor(1.)]),
    lambda lib: lib.cat([lib.zeros(2, 3), lib.tensor(1.)], dim=5),
    grad_of(lambda lib, x: lib.cat([x, lib.tensor([])], dim=1), []),
])
def test_cat_of_start_empty_tensors(call: Any) -> None:
    assert_same(call)


# ----------------------------------------------------------------- in-place shapes

def write_into(lib: Any, make: Any, op: Any) -> Any:
    x = lib.ones(2, 3)
    op(make(x))
    return x


@pytest.mark.parametrize("make, op", [
    (lambda x: x[0].expand(1, 3), lambda y: y.mul_(3)),
    (lambda x: x[:1].expand(1, 3), lambda y: y.abs_()),
    (lambda x: x[:1, :1].expand(0, 3), lambda y: y.add_(1)),
    (lambda x: x[:1, :1].expand(2, 3), lambda y: y.add_(1)),
    (lambda x: x[0, :1].expand(2, 1, 0), lambda y: y.zero_()),
    (lambda x: x[0].expand(2, 3), lambda y: y.fill_(5)),
])
def test_in_place_writes_into_expanded_tensors(make: Any, op: Any) -> None:
    assert_same(lambda lib: write_into(lib, make, op))


@pytest.mark.parametrize("call", [
    lambda lib: lib.zeros(0, dtype=lib.uint8).__iadd__(lib.zeros(3, 0, dtype=lib.int64)),
    lambda lib: lib.zeros(2, dtype=lib.int64).__iadd__(lib.zeros(3, 2)),
    lambda lib: lib.zeros(2, dtype=lib.int32).div_(lib.zeros(3, 2, dtype=lib.int64)),
    lambda lib: lib.zeros(2, dtype=lib.int64).__iadd__(lib.zeros(3)),
    lambda lib: lib.zeros(2, 3).copy_(lib.ones(4, 2, 3)),
    lambda lib: lib.zeros(2).copy_(lib.ones(3)),
])
def test_in_place_shape_checked_before_dtype(call: Any) -> None:
    assert_same(call)


# ----------------------------------------------------------------- indexing

def setitem(index: Any, value: Any, shape: tuple = (2, 2), dtype: str = "int64") -> Any:
    def call(lib: Any) -> Any:
        x = lib.zeros(shape, dtype=getattr(lib, dtype))
        x[index(lib)] = value(lib)
        return x
    return call


@pytest.mark.parametrize("call", [
    lambda lib: lib.arange(4)[lib.tensor([], dtype=lib.uint8)],
    lambda lib: lib.arange(4)[lib.tensor([], dtype=lib.bool)],
    lambda lib: lib.arange(4)[lib.tensor([1, 0], dtype=lib.uint8)],
    lambda lib: lib.zeros(2, 3, 4)[0, lib.ones(2, dtype=lib.bool)],
    lambda lib: lib.zeros(2, 3, 4)[[0], lib.ones(2, dtype=lib.bool)],
    lambda lib: lib.zeros(2, 3, 4)[..., lib.ones(3, dtype=lib.bool)],
    lambda lib: lib.zeros(2, 3, 4)[None, lib.ones(2, 3, dtype=lib.bool)],
    lambda lib: lib.zeros(2, 3, 4)[lib.ones(2, 3, dtype=lib.bool), 0:2],
    lambda lib: lib.zeros(0)[lib.tensor([], dtype=lib.uint8)],
    setitem(lambda lib: lib.tensor([], dtype=lib.uint8), lambda lib: 5),
    setitem(lambda lib: lib.tensor([True]), lambda lib: 5),
])
def test_masks_are_checked_against_the_indexed_shape(call: Any) -> None:
    assert_same(call)


@pytest.mark.parametrize("call", [
    setitem(lambda lib: slice(None, None, -1), lambda lib: 0, (0,)),
    setitem(lambda lib: (0, slice(None, None, -2)), lambda lib: 0, (2, 0)),
    setitem(lambda lib: (5, slice(None, None, -1)), lambda lib: 0, (2, 0)),
    lambda lib: lib.zeros(2, 3)[::-1, 5],
    lambda lib: lib.zeros(2, 3)[5, ::-1],
])
def test_negative_steps_are_refused_in_torch_order(call: Any) -> None:
    assert_same(call)


def test_an_int_index_out_of_range_is_found_before_the_leaf_check() -> None:
    def call(lib: Any) -> Any:
        x = lib.zeros(0, requires_grad=True)
        x[0] = 0
    assert_same(call)


@pytest.mark.parametrize("index", [
    lambda lib: (slice(None), [0]), lambda lib: [0], lambda lib: lib.tensor([0]),
    lambda lib: (0, [1]), lambda lib: lib.tensor(True), lambda lib: (0, True),
    lambda lib: lib.tensor([True, False]), lambda lib: lib.tensor([], dtype=lib.int64),
    lambda lib: 0, lambda lib: slice(None), lambda lib: lib.tensor(0), lambda lib: [5],
])
@pytest.mark.parametrize("value", [
    lambda lib: lib.tensor(1.5), lambda lib: lib.tensor([1.5]), lambda lib: lib.tensor(7),
    lambda lib: lib.tensor([[2, 3]], dtype=lib.int32), lambda lib: lib.tensor([1.5, 2., 3.]),
    lambda lib: 1.5,
])
def test_index_put_takes_a_value_of_the_same_dtype(index: Any, value: Any) -> None:
    assert_same(setitem(index, value))


@pytest.mark.parametrize("make", [
    lambda lib: lib.ones(3, requires_grad=True)[1:],
    lambda lib: lib.ones(2, 3, requires_grad=True).t(),
    lambda lib: lib.ones(3).clone(), lambda lib: lib.ones(3)[[0]],
])
def test_detach_in_place(make: Any) -> None:
    """Views of a tensor that requires grad are refused, as in torch; plain tensors not.
    (Views of other tensors: see fuzz_ops.KNOWN_DIFFERENCES.)"""
    assert_same(lambda lib: make(lib).detach_())
