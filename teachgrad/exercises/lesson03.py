"""Checks for the exercises of lesson 03 (tensors).

Each check calls the learner's function on several inputs, raises AssertionError
with a hint on the first wrong answer, and returns a confirmation when every case passes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import teachgrad
from teachgrad.exercises.verdict import exercise

# (shape a, shape b, expected result or None when they cannot broadcast)
_BROADCAST_CASES = [
    ((3, 1), (1, 4), (3, 4)),
    ((2, 3, 2), (3, 2), (2, 3, 2)),
    ((2, 3, 2), (1, 3, 2), (2, 3, 2)),
    ((2, 3, 2), (2,), (2, 3, 2)),
    ((5,), (5,), (5,)),
    ((), (2, 3), (2, 3)),
    ((4, 1, 3), (2, 1), (4, 2, 3)),
    ((1,), (7, 1, 5), (7, 1, 5)),
    ((8, 1, 6, 1), (7, 1, 5), (8, 7, 6, 5)),
    ((2, 3, 2), (3, 3), None),
    ((3,), (4,), None),
    ((2, 1), (8, 4, 3), None),
    ((4, 3), (4,), None),
]


@exercise
def check_broadcast_shape(fn: Callable) -> str:
    """fn(shape_a, shape_b) -> the broadcast shape as a tuple, or None if there is none."""
    for shape_a, shape_b, expected in _BROADCAST_CASES:
        got = fn(shape_a, shape_b)
        if got is not None:
            try:
                got = tuple(int(size) for size in got)
            except (TypeError, ValueError):
                raise AssertionError(
                    f"broadcast_shape({shape_a}, {shape_b}) returned {got!r}: return a tuple "
                    "of ints, or None when the shapes cannot broadcast"
                ) from None
        if expected is None and got is not None:
            raise AssertionError(
                f"broadcast_shape({shape_a}, {shape_b}) returned {got}, but these shapes cannot "
                "broadcast: line them up from the right; two sizes must be equal or one of "
                "them must be 1"
            )
        if expected is not None and got != expected:
            raise AssertionError(
                f"broadcast_shape({shape_a}, {shape_b}) returned {got}, expected {expected}. "
                "Compare sizes from the last dimension backwards; a missing dimension counts "
                "as size 1"
            )
        # the table above must agree with teachgrad itself
        if expected is not None:
            assert tuple(teachgrad.broadcast_shapes(shape_a, shape_b)) == expected
    return f"Correct: all {len(_BROADCAST_CASES)} pairs of shapes give the right answer."


def _positive_matrix(rows: int, cols: int, seed: int) -> teachgrad.Tensor:
    rng = np.random.default_rng(seed)
    return teachgrad.tensor(rng.uniform(0.5, 5.0, size=(rows, cols)).astype(np.float32))


@exercise
def check_normalize_rows(fn: Callable) -> str:
    """fn(m) -> a new tensor like m whose rows each sum to 1 (each row divided by its sum)."""
    for rows, cols, seed in [(3, 5, 0), (4, 4, 1), (1, 6, 2), (6, 2, 3)]:
        m = _positive_matrix(rows, cols, seed)
        before = m.clone()
        try:
            out = fn(m)
        except RuntimeError as error:
            raise AssertionError(
                f"normalize_rows failed on a {rows}x{cols} matrix with {type(error).__name__}: "
                f"{error}. A sum over dim=1 has shape (rows,), which lines up with the columns; "
                "keepdim=True keeps it as a column, shape (rows, 1)"
            ) from error
        if not isinstance(out, teachgrad.Tensor):
            raise AssertionError(f"normalize_rows returned {type(out).__name__}, not a Tensor")
        if not teachgrad.equal(m, before):
            raise AssertionError("normalize_rows changed its input: return a new tensor instead "
                                 "of dividing in place")
        if out.shape != m.shape:
            raise AssertionError(
                f"for a matrix of shape {tuple(m.shape)} the result has shape {tuple(out.shape)}: "
                "it should have the same shape as the input"
            )
        expected = m.numpy() / m.numpy().sum(axis=1, keepdims=True)
        if not np.allclose(out.numpy(), expected, atol=1e-6):
            sums = out.numpy().sum(axis=1)
            raise AssertionError(
                f"for a {rows}x{cols} matrix the row sums are "
                f"{[round(float(v), 4) for v in sums]}, not "
                "all 1: divide each row by its own sum. A sum over dim=1 has shape (rows,); "
                "keepdim=True makes it (rows, 1), which broadcasts along each row"
            )
    return "Correct: every row sums to 1 and the input is untouched."


@exercise
def check_zero_negatives(fn: Callable) -> str:
    """fn(x) -> a copy of x with its negative entries set to 0; x itself unchanged."""
    rng = np.random.default_rng(0)
    cases = [
        teachgrad.tensor([-2.0, 0.5, -0.1, 3.0]),
        teachgrad.tensor(rng.standard_normal((3, 4)).astype(np.float32)),
        teachgrad.tensor([[1, -1], [-3, 4]]),
        teachgrad.tensor([1.0, 2.0]),
    ]
    for x in cases:
        before = x.clone()
        out = fn(x)
        if not isinstance(out, teachgrad.Tensor):
            raise AssertionError(f"zero_negatives returned {type(out).__name__}, not a Tensor")
        if not teachgrad.equal(x, before):
            raise AssertionError(
                "zero_negatives changed its input: clone() it first, then write into the copy"
            )
        if out.shape != x.shape:
            raise AssertionError(
                f"for an input of shape {tuple(x.shape)} the result has shape {tuple(out.shape)}: "
                "x[mask] picks out the selected entries (a 1-D result); assign through the mask "
                "instead, copy[mask] = 0"
            )
        if out.dtype != x.dtype:
            raise AssertionError(f"the result is {out.dtype} but the input was {x.dtype}")
        expected = np.where(x.numpy() < 0, 0, x.numpy())
        if not np.array_equal(out.numpy(), expected):
            raise AssertionError(
                f"zero_negatives({x.tolist()}) gave {out.tolist()}, expected {expected.tolist()}"
            )
    return "Correct: negatives are zeroed in a copy and the input is untouched."


# ------------------------------------------------------------------ exercise 4


def _memory_offset(view: teachgrad.Tensor, base: teachgrad.Tensor) -> int:
    """Where view's first element sits in base's memory, in elements (torch: storage_offset()).

    teachgrad has no storage_offset(); the distance between the two data pointers says it.
    """
    return (view.data_ptr() - base.data_ptr()) // view.element_size()


def _offset_cases() -> list[tuple[str, teachgrad.Tensor, teachgrad.Tensor]]:
    """(how the view was made, the view, its base): each base is arange, so every value is
    its own position in memory."""
    flat = teachgrad.arange(60)
    cube = flat.view(3, 4, 5)
    matrix = flat.view(6, 10)
    return [
        ("arange(60).view(6, 10)", matrix, flat),
        ("arange(60).view(6, 10).t()", matrix.t(), flat),
        ("arange(60).view(6, 10)[2:5, 1:8:3]", matrix[2:5, 1:8:3], flat),
        ("arange(60).view(3, 4, 5).permute(2, 0, 1)", cube.permute(2, 0, 1), flat),
        ("arange(60).view(3, 4, 5)[1:, ::2, 3]", cube[1:, ::2, 3], flat),
        ("arange(60)[7:19].view(3, 4)[1:, 1:]", flat[7:19].view(3, 4)[1:, 1:], flat),
        ("arange(60)[5:8].view(3, 1).expand(3, 4)", flat[5:8].view(3, 1).expand(3, 4), flat),
        ("arange(60)[17] (rank 0)", flat[17], flat),
    ]


def _contiguous_strides(shape: tuple) -> tuple:
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= size
    return tuple(reversed(strides))


@exercise
def check_offset(fn: Callable) -> str:
    """fn(index, strides, storage_offset) -> the memory position of element `index`."""
    cases = _offset_cases()
    for made, view, base in cases:
        strides = tuple(view.stride())
        start = _memory_offset(view, base)
        values = view.numpy()
        for index in np.ndindex(*view.shape):
            expected = int(values[index])  # base is arange: a value is its position
            got = fn(index, strides, start)
            try:
                position = int(got)
                exact = position == got
            except (TypeError, ValueError):
                exact = False
            where = (f"for element {index} of {made} (strides {strides}, "
                     f"storage offset {start})")
            if not exact:
                raise AssertionError(f"{where} you returned {got!r}: return the position as "
                                     "an int")
            if position == expected:
                continue
            hint = "add index[d] * strides[d] over every dim d to storage_offset"
            if position == expected - start:
                hint = "you left out storage_offset: the view starts that far into memory"
            elif position == start + sum(i * s for i, s in
                                         zip(index, _contiguous_strides(view.shape))):
                hint = ("you used the strides a fresh tensor of this shape would have; "
                        "use the strides you were given")
            raise AssertionError(f"{where} you returned {position}, but it sits at "
                                 f"{expected}: {hint}")
    return (f"Correct: every element of all {len(cases)} views is where your formula "
            "says.")
