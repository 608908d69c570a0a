"""The checks of lesson 03's exercises accept the reference answers and reject wrong ones."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_verdicts import assert_not_attempted, assert_wrong

import teachgrad
from teachgrad.exercises import lesson03

# --- exercise 1: broadcast_shape -------------------------------------------------------


def broadcast_shape(shape_a, shape_b):
    ndim = max(len(shape_a), len(shape_b))
    a = (1,) * (ndim - len(shape_a)) + tuple(shape_a)
    b = (1,) * (ndim - len(shape_b)) + tuple(shape_b)
    result = []
    for size_a, size_b in zip(a, b):
        if size_a != size_b and 1 not in (size_a, size_b):
            return None
        result.append(max(size_a, size_b))
    return tuple(result)


def broadcast_shape_aligned_left(shape_a, shape_b):
    """Wrong: pads on the right, i.e. compares shapes from the left."""
    ndim = max(len(shape_a), len(shape_b))
    a = tuple(shape_a) + (1,) * (ndim - len(shape_a))
    b = tuple(shape_b) + (1,) * (ndim - len(shape_b))
    result = []
    for size_a, size_b in zip(a, b):
        if size_a != size_b and 1 not in (size_a, size_b):
            return None
        result.append(max(size_a, size_b))
    return tuple(result)


def broadcast_shape_never_fails(shape_a, shape_b):
    """Wrong: takes the larger size everywhere without checking the rule."""
    ndim = max(len(shape_a), len(shape_b))
    a = (1,) * (ndim - len(shape_a)) + tuple(shape_a)
    b = (1,) * (ndim - len(shape_b)) + tuple(shape_b)
    return tuple(max(x, y) for x, y in zip(a, b))


def broadcast_shape_same_rank_only(shape_a, shape_b):
    """Wrong: refuses shapes of different lengths."""
    if len(shape_a) != len(shape_b):
        return None
    return broadcast_shape(shape_a, shape_b)


def broadcast_shape_list(shape_a, shape_b):
    result = broadcast_shape(shape_a, shape_b)
    return None if result is None else list(result)


def test_broadcast_shape_accepts_reference(capsys):
    lesson03.check_broadcast_shape(broadcast_shape)
    assert "Correct" in capsys.readouterr().out


def test_broadcast_shape_accepts_a_list_or_size():
    lesson03.check_broadcast_shape(broadcast_shape_list)
    lesson03.check_broadcast_shape(
        lambda a, b: _or_none(lambda: teachgrad.broadcast_shapes(a, b))
    )


def _or_none(fn):
    try:
        return fn()
    except RuntimeError:
        return None


@pytest.mark.parametrize(
    "wrong",
    [
        broadcast_shape_aligned_left,
        broadcast_shape_never_fails,
        broadcast_shape_same_rank_only,
        lambda a, b: "no idea",
    ],
)
def test_broadcast_shape_rejects(wrong):
    assert_wrong(lesson03.check_broadcast_shape, wrong)


def test_broadcast_shape_stub_fails():
    def stub(shape_a, shape_b):
        raise NotImplementedError("your turn")

    assert_not_attempted(lesson03.check_broadcast_shape, stub)


# --- exercise 2: normalize_rows ----------------------------------------------------------


def normalize_rows(m):
    return m / m.sum(dim=1, keepdim=True)


def normalize_rows_in_place(m):
    m /= m.sum(dim=1, keepdim=True)
    return m


def normalize_rows_no_keepdim(m):
    return m / m.sum(dim=1)  # wrong axis for square matrices, an error otherwise


def normalize_rows_by_column(m):
    return m / m.sum(dim=0)


def normalize_rows_by_total(m):
    return m / m.sum()


def test_normalize_rows_accepts_reference(capsys):
    lesson03.check_normalize_rows(normalize_rows)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong", [normalize_rows_in_place, normalize_rows_by_column, normalize_rows_by_total]
)
def test_normalize_rows_rejects(wrong):
    assert_wrong(lesson03.check_normalize_rows, wrong)


def test_normalize_rows_without_keepdim_fails():
    # the first case is 3x5: the broadcast itself fails, as it would in the notebook
    assert_wrong(lesson03.check_normalize_rows, normalize_rows_no_keepdim, match="must match")


def test_normalize_rows_without_keepdim_is_caught_on_square_matrices():
    def only_square_cases(m):
        if m.shape[0] != m.shape[1]:
            return normalize_rows(m)
        return normalize_rows_no_keepdim(m)

    assert_wrong(lesson03.check_normalize_rows, only_square_cases, match="row sums")


# --- exercise 3: zero_negatives ----------------------------------------------------------


def zero_negatives(x):
    result = x.clone()
    result[x < 0] = 0
    return result


def zero_negatives_in_place(x):
    x[x < 0] = 0
    return x


def zero_negatives_selects(x):
    return x[x >= 0]


def zero_negatives_as_float(x):
    return x.float().clamp(min=0)


def zero_negatives_wrong_sign(x):
    result = x.clone()
    result[x > 0] = 0
    return result


def test_zero_negatives_accepts_reference(capsys):
    lesson03.check_zero_negatives(zero_negatives)
    assert "Correct" in capsys.readouterr().out


def test_zero_negatives_accepts_clamp():
    lesson03.check_zero_negatives(lambda x: x.clamp(min=0))


@pytest.mark.parametrize(
    "wrong",
    [zero_negatives_in_place, zero_negatives_selects, zero_negatives_as_float,
     zero_negatives_wrong_sign],
)
def test_zero_negatives_rejects(wrong):
    assert_wrong(lesson03.check_zero_negatives, wrong)


# --- exercise 4: offset ----------------------------------------------------------------


def offset(index, strides, storage_offset):
    position = storage_offset
    for i, stride in zip(index, strides):
        position += i * stride
    return position


def offset_without_storage_offset(index, strides, storage_offset):
    return sum(i * s for i, s in zip(index, strides))


def offset_from_the_shape(index, strides, storage_offset):
    """Wrong: assumes a fresh row-major tensor (the strides of view(3, 4) are (4, 1))."""
    return storage_offset + sum(i * s for i, s in zip(index, (4, 1)[-len(index):]))


def offset_strides_reversed(index, strides, storage_offset):
    return storage_offset + sum(i * s for i, s in zip(index, reversed(strides)))


def offset_as_a_list(index, strides, storage_offset):
    return [storage_offset + sum(i * s for i, s in zip(index, strides))]


def test_offset_accepts_reference(capsys):
    lesson03.check_offset(offset)
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    "wrong",
    [offset_without_storage_offset, offset_from_the_shape, offset_strides_reversed,
     offset_as_a_list],
)
def test_offset_rejects(wrong):
    assert_wrong(lesson03.check_offset, wrong)


def test_offset_hint_names_the_missing_storage_offset():
    assert_wrong(lesson03.check_offset, offset_without_storage_offset, match="storage_offset")


def test_offset_stub_fails():
    def stub(index, strides, storage_offset):
        raise NotImplementedError("your turn")

    assert_not_attempted(lesson03.check_offset, stub)


def test_offset_cases_are_what_torch_says():
    # Each view's values are its memory positions, and its offset is torch's storage_offset().
    torch = pytest.importorskip("torch")
    for made, view, base in lesson03._offset_cases():
        start = lesson03._memory_offset(view, base)
        values = view.numpy()
        flat = base.numpy()
        for index in np.ndindex(*view.shape):
            assert flat[offset(index, view.stride(), start)] == values[index], made
        expression = made.split(" (")[0].replace("arange", "torch.arange")
        theirs = eval(expression, {"torch": torch})
        assert theirs.storage_offset() == start, made
        assert tuple(theirs.stride()) == tuple(view.stride()), made
