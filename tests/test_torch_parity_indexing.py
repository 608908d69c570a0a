"""Indexing as torch does it (issue 15): mixed indices in torch's dim order, byte masks.

When ints, slices and lists (or index tensors) mix, torch applies each int as a plain
select first; of the advanced indices left, the result's dims go where they stand if
they are side by side, else first. NumPy counts the ints among the advanced indices,
so x[0, :, [1, 0]] comes out transposed there. Reading, writing (x[...] = v) and the
gradients of both are compared with torch, on named cases and on random mixes of
ints (negative ones too), slices, lists, index tensors, bool and byte masks, None,
Ellipsis and Python bools. A uint8 index tensor is a mask, as in torch.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import assert_same, assert_same_error, torch, weights_like

import teachgrad

LIBS = {"teachgrad": teachgrad, "torch": torch}


@pytest.fixture(autouse=True)
def _quiet_byte_masks():
    # torch (and teachgrad, with the same words) warns that uint8 masks are deprecated
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def both(case):
    return case(teachgrad), case(torch)


# ---------------------------------------------------------------- named cases


def int_then_slice_then_list(m):
    return m.arange(8.0).reshape(2, 2, 2)[0, :, [1, 0]]


def int_slices_and_tensor(m):
    return m.zeros(2, 5, 12, 7, 3)[1, :, 3:11:2, m.tensor([0, 2]), 0:2]


def zero_dim_tensor_int_slice_list(m):
    return m.arange(8.0).reshape(2, 2, 2)[m.tensor(0), :, [1, 0]]


def list_then_negative_int_after_slice(m):
    return m.arange(120.0).reshape(3, 2, 4, 5)[:, [1, 0], :, -1]


def int_slice_mask(m):
    x = m.arange(60.0).reshape(3, 4, 5)
    return x[2, :, m.tensor([True, False, False, True, True])]


def int_none_list(m):
    return m.arange(24.0).reshape(2, 3, 4)[1, None, :, [0, 3]]


def int_ellipsis_list(m):
    return m.arange(24.0).reshape(2, 3, 4)[1, ..., [2, 0]]


def byte_mask(m):
    return m.tensor([1.0, 2.0, 3.0])[m.tensor([1, 0, 1], dtype=m.uint8)]


def byte_mask_2d(m):
    return m.arange(6.0).reshape(2, 3)[m.tensor([[1, 0, 0], [0, 1, 1]], dtype=m.uint8)]


def byte_mask_after_int(m):
    return m.arange(6.0).reshape(2, 3)[1, m.tensor([0, 1, 1], dtype=m.uint8)]


def zero_dim_byte_mask(m):
    return m.arange(3.0)[m.tensor(1, dtype=m.uint8)]


READS = [int_then_slice_then_list, int_slices_and_tensor, zero_dim_tensor_int_slice_list,
         list_then_negative_int_after_slice, int_slice_mask, int_none_list, int_ellipsis_list,
         byte_mask, byte_mask_2d, byte_mask_after_int, zero_dim_byte_mask]


@pytest.mark.parametrize("case", READS, ids=lambda case: case.__name__)
def test_reading_follows_torch(case):
    assert_same(*both(case))


def gradient_of(index_of):
    def case(m):
        x = m.arange(24.0, dtype=m.float64).reshape(2, 3, 4).requires_grad_()
        out = x[index_of(m)]
        weights = m.tensor(weights_like(np.zeros(tuple(out.shape))))
        (out * weights).sum().backward()
        return x.grad
    case.__name__ = index_of.__name__
    return case


GRADIENTS = [
    gradient_of(lambda m: (0, slice(None), [3, 1, 3])),
    gradient_of(lambda m: (slice(None), m.tensor([[0, 1, 2], [2, 2, 0]]), ..., -1)),
    gradient_of(lambda m: (1, slice(1, 3), [3, 0, 3])),
    gradient_of(lambda m: (1, slice(None, None, 2), m.tensor([1, 2, 1, 0], dtype=m.uint8) > 0)),
    gradient_of(lambda m: (m.tensor([1, 1], dtype=m.uint8), 0, [0, 3])),
]


@pytest.mark.parametrize("case", GRADIENTS)
def test_gradient_of_reading_follows_torch(case):
    assert_same(*both(case))


def assign_int_slice_list(m):
    z = m.zeros(2, 2, 2)
    z[0, :, [1, 0]] = m.tensor([[1.0, 2.0], [3.0, 4.0]])
    return z


def assign_general_mix(m):
    z = m.zeros(2, 5, 6, 7, 3)
    z[1, :, 1:5:2, m.tensor([0, 2]), 0:2] = m.arange(40.0).reshape(5, 2, 2, 2)
    return z


def assign_broadcast_row(m):
    z = m.zeros(2, 3, 4)
    z[1, :, [3, 0]] = m.tensor([5.0, 6.0])  # broadcast over torch's (3, 2) result
    return z


def assign_byte_mask_values(m):
    a = m.tensor([1.0, 2.0, 3.0])
    a[m.tensor([1, 0, 1], dtype=m.uint8)] = m.tensor([7.0, 8.0])
    return a


def assign_byte_mask_rows(m):
    a = m.zeros(2, 3)
    a[m.tensor([1, 0], dtype=m.uint8)] = m.tensor([7.0, 8.0, 9.0])
    return a


def assign_byte_mask_with_list(m):
    a = m.zeros(2, 3)
    a[m.tensor([0, 1], dtype=m.uint8), [2]] = 4.0
    return a


def gradient_through_assignment(m):
    x = m.arange(24.0, dtype=m.float64).reshape(2, 3, 4).requires_grad_()
    value = m.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=m.float64,
                     requires_grad=True)
    y = x * 1
    y[1, :, [3, 0]] = value * 2
    (y * m.tensor(weights_like(np.zeros((2, 3, 4))))).sum().backward()
    return m.cat([x.grad.reshape(-1), value.grad.reshape(-1)])


ASSIGNMENTS = [assign_int_slice_list, assign_general_mix, assign_broadcast_row,
               assign_byte_mask_values, assign_byte_mask_rows, assign_byte_mask_with_list,
               gradient_through_assignment]


@pytest.mark.parametrize("case", ASSIGNMENTS, ids=lambda case: case.__name__)
def test_assignment_follows_torch(case):
    assert_same(*both(case))


def test_one_value_under_a_lone_byte_mask_is_refused_as_torch_does():
    # torch writes one value under a lone mask with masked_fill_, which wants bool masks
    def fill(m):
        a = m.tensor([1.0, 2.0, 3.0])
        a[m.tensor([1, 0, 1], dtype=m.uint8)] = 7.0

    ours, _ = assert_same_error(lambda: fill(teachgrad), lambda: fill(torch))
    assert "bool" in str(ours)


def test_a_byte_mask_warns_as_torch_does():
    with pytest.warns(UserWarning, match="uint8 is now deprecated"):
        teachgrad.arange(3.0)[teachgrad.tensor([1, 0, 1], dtype=teachgrad.uint8)]


# ---------------------------------------------------------------- random mixes


@st.composite
def shapes_and_indices(draw):
    """A shape and a list of index parts, each part given as (kind, data)."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=2, max_size=5)))
    width = draw(st.integers(1, 3))  # the length lists and index tensors share
    parts, dim, ellipsis = [], 0, False
    for _ in range(draw(st.integers(1, 6))):
        left = len(shape) - dim
        kinds = ["none", "bool"] + (["ellipsis"] if not ellipsis else [])
        if left:
            kinds += ["int"] * 4 + ["slice"] * 2 + ["list", "tensor", "tensor", "mask", "byte"]
        kind = draw(st.sampled_from(kinds))
        if kind == "ellipsis":
            ellipsis = True
            dim += draw(st.integers(0, left))
            parts.append((kind, None))
            continue
        if kind in ("none", "bool"):
            parts.append((kind, draw(st.booleans()) if kind == "bool" else None))
            continue
        size = shape[dim]
        if kind == "int":
            parts.append((kind, draw(st.integers(-size, size - 1))))
        elif kind == "slice":
            bound = st.one_of(st.none(), st.integers(-size - 1, size + 1))
            parts.append((kind, slice(draw(bound), draw(bound),
                                      draw(st.sampled_from([None, 1, 2, 3])))))
        elif kind in ("list", "tensor"):
            rows = draw(st.sampled_from([(), (), (2,)])) if kind == "tensor" else ()
            length = draw(st.sampled_from([width, width, 1]))
            values = draw(st.lists(st.integers(-size, size - 1),
                                   min_size=int(np.prod(rows, dtype=int)) * length,
                                   max_size=int(np.prod(rows, dtype=int)) * length))
            data = np.array(values, dtype=np.int64).reshape(*rows, length)
            parts.append((kind, data.tolist() if kind == "list" else data))
        else:
            covered = draw(st.integers(1, min(2, left)))
            mask_shape = shape[dim:dim + covered]
            flags = draw(st.lists(st.booleans(), min_size=int(np.prod(mask_shape)),
                                  max_size=int(np.prod(mask_shape))))
            parts.append((kind, np.array(flags).reshape(mask_shape)))
            dim += covered
            continue
        dim += 1
    return shape, parts


def build_index(m, parts):
    built = []
    for kind, data in parts:
        if kind == "ellipsis":
            built.append(Ellipsis)
        elif kind == "tensor":
            built.append(m.tensor(data))
        elif kind == "mask":
            built.append(m.tensor(data))
        elif kind == "byte":
            built.append(m.tensor(data.astype(np.uint8)))
        else:  # int, slice, list, none, bool: the same Python object in both
            built.append(data)
    return tuple(built)


def outcome(fn):
    try:
        return fn(), None
    except Exception as error:  # compared with torch's below
        return None, error


def same_outcome(fn_ours, fn_theirs):
    """Both give the same tensor, or both raise the same kind of exception."""
    theirs, their_error = outcome(fn_theirs)
    if their_error is not None:
        assert_same_error(fn_ours, fn_theirs)
        return None
    ours, our_error = outcome(fn_ours)
    assert our_error is None, f"teachgrad raised {our_error!r}; torch gave {theirs}"
    assert_same(ours, theirs)
    return theirs


def read_with_gradient(m, shape, parts):
    x = m.arange(float(np.prod(shape)), dtype=m.float64).reshape(shape).requires_grad_()
    out = x[build_index(m, parts)]
    weights = m.tensor(weights_like(np.zeros(tuple(out.shape))))
    (out * weights).sum().backward()
    return m.cat([out.detach().reshape(-1), x.grad.reshape(-1), m.tensor(
        [float(n) for n in out.shape], dtype=m.float64)])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shapes_and_indices())
def test_random_mixed_reads_and_their_gradients_follow_torch(case):
    shape, parts = case
    same_outcome(lambda: teachgrad.arange(float(np.prod(shape))).reshape(shape)[
        build_index(teachgrad, parts)],
        lambda: torch.arange(float(np.prod(shape))).reshape(shape)[build_index(torch, parts)])
    same_outcome(lambda: read_with_gradient(teachgrad, shape, parts),
                 lambda: read_with_gradient(torch, shape, parts))


def assign(m, shape, parts, values, requires_grad):
    base = m.arange(float(np.prod(shape)), dtype=m.float64).reshape(shape)
    base.requires_grad_(requires_grad)
    value = m.tensor(values, requires_grad=requires_grad)
    target = base * 1
    target[build_index(m, parts)] = value * 3 if requires_grad else value
    if not requires_grad:
        return target
    (target * m.tensor(weights_like(np.zeros(shape)))).sum().backward()
    return m.cat([target.detach().reshape(-1), base.grad.reshape(-1),
                  value.grad.reshape(-1)])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shapes_and_indices(), st.integers(0, 2), st.booleans())
def test_random_mixed_assignments_and_their_gradients_follow_torch(case, drop, requires_grad):
    shape, parts = case
    x = torch.arange(float(np.prod(shape))).reshape(shape)
    try:
        picked = x[build_index(torch, parts)]
    except (IndexError, RuntimeError):
        return  # a bad index: the reading test compares its error
    if picked.numel() != torch.unique(picked).numel():
        return  # an element written twice: which write wins is not defined
    value_shape = tuple(picked.shape)[min(drop, picked.dim()):]  # some broadcast
    values = weights_like(np.zeros(value_shape, dtype=np.float64), seed=drop)
    same_outcome(lambda: assign(teachgrad, shape, parts, values, requires_grad),
                 lambda: assign(torch, shape, parts, values, requires_grad))


# ---------------------------------------------------------------- gather with a 0-d index

GATHER_ZERO_DIM = {
    "0-d index into 1-d": lambda lib: (lib.arange(3.0, requires_grad=True), lib.tensor(1)),
    "0-d index into 0-d": lambda lib: (lib.tensor(5.0, requires_grad=True), lib.tensor(0)),
    "1-element index into 0-d": lambda lib: (lib.tensor(5.0, requires_grad=True),
                                             lib.tensor([0])),
}


@pytest.mark.parametrize("name", GATHER_ZERO_DIM)
def test_gather_with_a_zero_dim_index_picks_one_place(name):
    """torch counts a 0-d tensor as 1-d in gather: one value, in the index's shape."""
    (ours, our_index), (theirs, their_index) = both(GATHER_ZERO_DIM[name])
    our_out, their_out = ours.gather(0, our_index), theirs.gather(0, their_index)
    assert_same(our_out, their_out)
    our_out.sum().backward()
    their_out.sum().backward()
    assert_same(ours.grad, theirs.grad)


def test_gather_refuses_a_zero_dim_index_into_a_matrix():
    assert_same_error(lambda: teachgrad.zeros(2, 3).gather(1, teachgrad.tensor(1)),
                      lambda: torch.zeros(2, 3).gather(1, torch.tensor(1)))


EMPTY_SELECTIONS = {
    "x[:0, ..., [1]] (shape 1x2x1)": ((1, 2, 1), lambda x: x[:0, ..., [1]]),
    "x[:, [5]] (shape 0x2)": ((0, 2), lambda x: x[:, [5]]),
    "x[[5]] (shape 2x0)": ((2, 0), lambda x: x[[5]]),
    "x[:, :0, [7]] (shape 1x2x1)": ((1, 2, 1), lambda x: x[:, :0, [7]]),
    "x[[1]] (shape 0)": ((0,), lambda x: x[[1]]),
    "x[[0]] (shape 0x2)": ((0, 2), lambda x: x[[0]]),
}


@pytest.mark.parametrize("name", EMPTY_SELECTIONS)
def test_indices_into_an_empty_selection_as_torch(name):
    # torch reads nothing from an empty selection, so it checks an index only against a
    # dim of size 0; found by the random assignments above (x[:0, ..., [1]] = v).
    shape, index = EMPTY_SELECTIONS[name]
    outcomes = []
    for lib in (teachgrad, torch):
        x = lib.zeros(shape)
        try:
            outcomes.append(index(x))
        except IndexError as error:
            outcomes.append(type(error))
    if isinstance(outcomes[1], type):
        assert outcomes[0] is outcomes[1]
    else:
        assert_same(*outcomes)


def test_assigning_into_an_empty_selection_writes_nothing_as_torch():
    results = []
    for lib in (teachgrad, torch):
        x = lib.zeros(1, 2, 1)
        x[:0, ..., [1]] = 1.0
        results.append(x)
    assert_same(*results)
