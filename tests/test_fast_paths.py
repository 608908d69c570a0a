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
