"""Shortcuts taken for speed give exactly what the general code gives."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from teachgrad.ops.views import broadcast_view


@st.composite
def array_and_target(draw: st.DrawFn) -> tuple[np.ndarray, tuple]:
    shape = tuple(draw(st.lists(st.integers(0, 3), max_size=3)))
    array = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    if draw(st.booleans()) and array.ndim >= 2:
        array = array.swapaxes(0, 1)  # not contiguous: takes np.broadcast_to's road
    lead = tuple(draw(st.lists(st.integers(0, 3), max_size=2)))
    target = lead + tuple(draw(st.sampled_from([size, 4])) if size == 1 else size
                          for size in array.shape)
    return array, target


@given(array_and_target())
def test_broadcast_view_is_np_broadcast_to(case: tuple[np.ndarray, tuple]) -> None:
    array, target = case
    view = broadcast_view(array, target)
    expected = np.broadcast_to(array, target)
    assert view.shape == expected.shape and view.dtype == expected.dtype
    np.testing.assert_array_equal(view, expected)
    assert not view.flags.writeable
    assert np.shares_memory(view, array) or view.size == 0  # a view, not a copy


def test_broadcast_view_refuses_writes_like_np_broadcast_to() -> None:
    view = broadcast_view(np.ones(3, np.float32), (2, 3))
    with pytest.raises(ValueError):
        view[0, 0] = 5.0


# ------------------------------------------------- fast forwards (fast/array_forward.py)

def _operands() -> list:
    """Operand pairs for * + -: the fast cases and the ones left to the reference."""
    import teachgrad

    f32 = teachgrad.tensor([[1.5, -2.0, 0.0]], requires_grad=True)
    f32_col = teachgrad.tensor([[3.0], [-1.0]])
    f64 = teachgrad.tensor([0.5, 2.0, -4.0], dtype=teachgrad.float64, requires_grad=True)
    i64 = teachgrad.tensor([1, 2, 3])
    flags = teachgrad.tensor([True, False, True])
    wrong = teachgrad.tensor([1.0, 2.0])
    return [(f32, f32), (f32, f32_col), (f32, f64), (f64, i64), (i64, i64), (f32, 2),
            (2.5, f32), (i64, 2.5), (flags, flags), (flags, 1), (1, flags), (f32, True),
            (f32, wrong), (wrong, f32), (f32.detach(), f32_col)]


def _outcome(function, a, b) -> tuple:
    """What Function.apply(a, b) gives: value, dtype, ctx.shapes, saved; or the error."""
    try:
        out = function.apply(a, b)
    except Exception as error:  # the error is the outcome compared
        return (type(error), str(error))
    node = out.grad_fn
    shapes = getattr(node, "shapes", None) if node is not None else None
    saved = [(id(s[0]), s[1]) if isinstance(s, tuple) else s for s in node._saved] \
        if node else None
    return (out._array.tolist(), out._array.dtype, shapes, saved, out.requires_grad)


@pytest.mark.parametrize("name", ["Mul", "Add", "Sub"])
def test_fast_forwards_give_what_the_reference_forwards_give(name):
    from teachgrad import fast
    from teachgrad.ops import arithmetic

    function = getattr(arithmetic, name)
    for a, b in _operands():
        with fast.reference_mode():
            expected = _outcome(function, a, b)
        assert _outcome(function, a, b) == expected, (a, b)


# ------------------------------------------------- in-place arithmetic (fast/inplace.py)

def _inplace_outcome(op: str, target_values, other) -> tuple:
    import teachgrad

    x = teachgrad.tensor(target_values)
    if op == "expanded":
        x, op = teachgrad.ones(3).expand(2, 3), "sub_"
    before = x._version
    try:
        with teachgrad.no_grad():
            getattr(x, op)(other)
    except Exception as error:  # the error is the outcome compared
        return (type(error), str(error), x.tolist())
    return (x.tolist(), x.dtype, x._version - before)


@pytest.mark.parametrize("op", ["add_", "sub_", "mul_", "div_", "expanded"])
def test_fast_inplace_gives_what_the_reference_gives(op):
    import teachgrad
    from teachgrad import fast

    cases = [([[1.0, 2.0], [3.0, 4.0]], teachgrad.tensor([[0.5, 1.0], [2.0, 4.0]])),
             ([1.0, 2.0, 3.0], teachgrad.tensor([2.0])),
             ([1.0, 2.0, 3.0], teachgrad.tensor([1.0, 2.0])),
             ([1.0, 2.0], teachgrad.tensor([1.0, 2.0], dtype=teachgrad.float64)),
             ([1, 2], teachgrad.tensor([1.5, 2.0])),
             ([1.0, 2.0], teachgrad.tensor([[1.0, 2.0], [3.0, 4.0]])),
             ([3e38, 1.0], teachgrad.tensor([3e38, 1.0])),
             ([1.0, 2.0], 2.0)]
    for values, other in cases:
        with fast.reference_mode():
            expected = _inplace_outcome(op, values, other)
        assert _inplace_outcome(op, values, other) == expected, (values, other)


# ------------------------------------------------- loss.backward() (fast/backward_loop.py)

@pytest.mark.parametrize("kwargs", [{}, {"retain_graph": True}, {"gradient": "ones"},
                                    {"create_graph": True}, {"inputs": "w"}])
def test_fast_backward_entry_gives_what_the_reference_gives(kwargs):
    import teachgrad
    from teachgrad import fast

    def run() -> list:
        w = teachgrad.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
        b = teachgrad.tensor([0.25, -1.0], requires_grad=True)
        loss = ((w @ w + b - w).clamp(min=0) ** 2).sum()
        given = {key: (teachgrad.ones(()) if value == "ones" else w if value == "w" else value)
                 for key, value in kwargs.items()}
        loss.backward(**given)
        try:
            loss.backward()  # a second time: allowed only with the graph retained
            again = "ran"
        except RuntimeError as error:
            again = str(error)
        return [w.grad.tolist(), None if b.grad is None else b.grad.tolist(), again]

    with fast.reference_mode():
        expected = run()
    assert run() == expected


def _unary_cases() -> list:
    """(Function, args) for the fast forwards of ** sum and clamp: their cases and others."""
    import teachgrad
    from teachgrad.ops.powers import Pow
    from teachgrad.ops.reductions import Sum
    from teachgrad.ops.where import Clamp

    f32 = teachgrad.tensor([[1.5, -2.0, 0.0], [4.0, -0.5, 2.5]], requires_grad=True)
    f64 = teachgrad.tensor([0.5, -2.0, float("inf")], dtype=teachgrad.float64)
    i64 = teachgrad.tensor([1, -2, 3])
    flags = teachgrad.tensor([True, False])
    bound = teachgrad.tensor(0.5)
    pows = [(Pow, (x, e)) for x in (f32, f64, i64, flags)
            for e in (2, 3.0, -1, -0.5, 0, True, 0.5)]
    sums = [(Sum, (x, dim, keep, dtype)) for x in (f32, f64, i64, flags)
            for dim in (None, 0) for keep in (False, True)
            for dtype in (None, teachgrad.float64)]
    clamps = [(Clamp, (x, low, high)) for x in (f32, f64, i64, flags)
              for low, high in ((0, None), (None, 1.5), (-1, 1), (1.5, -1), (None, None),
                                (True, None), (bound, None), (0, bound))]
    return pows + sums + clamps


def _unary_outcome(function, args) -> tuple:
    try:
        out = function.apply(*args)
    except Exception as error:  # the error is the outcome compared
        return (type(error), str(error))
    node = out.grad_fn
    recorded = None
    if node is not None:
        saved = [(id(s[0]), s[1]) if isinstance(s, tuple) else s for s in node._saved]
        recorded = (saved, *(getattr(node, name, None)
                             for name in ("input_shape", "axes", "keepdim", "low", "high")))
    return (out._array.tobytes(), out._array.dtype, out._array.shape, recorded,
            out.requires_grad, type(out._array))  # bytes: bit for bit, NaN included


def test_fast_pow_sum_clamp_give_what_the_reference_forwards_give():
    from teachgrad import fast

    for function, args in _unary_cases():
        with fast.reference_mode():
            expected = _unary_outcome(function, args)
        assert _unary_outcome(function, args) == expected, (function, args)


@given(st.sampled_from(["float16", "float32", "float64"]),
       st.lists(st.integers(1, 4), min_size=1, max_size=3), st.integers(0, 2**32 - 1),
       st.booleans())
def test_select_is_where_bit_for_bit(dtype: str, shape: list, seed: int, keep: bool) -> None:
    from teachgrad.fast.array_backward import _select

    rng = np.random.default_rng(seed)
    specials = np.array([np.inf, -np.inf, np.nan, -0.0, 0.0, 1.5, -2.0], dtype=dtype)
    g = rng.choice(specials, size=shape)
    mask = rng.random(shape) < 0.5
    expected = np.where(mask, g, 0) if keep else np.where(mask, 0, g)
    chosen = _select(mask, g, keep=keep)
    assert chosen.dtype == expected.dtype and chosen.shape == expected.shape
    assert chosen.tobytes() == expected.tobytes()
