"""Calls where teachgrad raised what torch does not, or accepted what torch refuses (issue 15).

Each case runs in both libraries and compares the outcome: the value, or the exception
type and message (teachgrad's messages may add a hint after torch's text).
"""

from __future__ import annotations

import pytest

import teachgrad
import teachgrad.nn.functional as teachgrad_F

torch = pytest.importorskip("torch")
FUNCTIONAL = {teachgrad: teachgrad_F, torch: torch.nn.functional}


def assign_row_from_a_batch_of_one(m):
    out = m.zeros(2, 3)
    out[0] = m.ones(1, 3)  # the out[i] = model(x) pattern
    out[1, 1:] = m.tensor([[7.0, 8.0]])
    return out


def assign_one_element_tensor(m):
    out = m.zeros(3)
    out[1] = m.tensor([5.0])
    return out


def gradient_through_assigned_batch_of_one(m):
    value = m.ones(1, 1, 3, requires_grad=True)
    out = m.zeros(2, 3)
    out[0] = value * 3
    (out * m.arange(6.0).reshape(2, 3)).sum().backward()
    return value.grad


CASES = {
    "negative slice step": lambda m: m.arange(5.0)[::-1],
    "zero slice step": lambda m: m.arange(5.0)[::0],
    "~ on floats": lambda m: ~m.tensor([1.0]),
    "float() of two elements": lambda m: float(m.tensor([1.0, 2.0])),
    "int() of two elements": lambda m: int(m.tensor([1, 2])),
    "mv of two vectors": lambda m: m.mv(m.ones(3), m.ones(3)),
    "matmul of bool matrices": lambda m: m.ones(2, 2, dtype=m.bool) @ m.ones(2, 2, dtype=m.bool),
    "relu of bool": lambda m: FUNCTIONAL[m].relu(m.tensor([True])),
    "relu method of bool": lambda m: m.tensor([True]).relu(),
    "allclose across dtypes": lambda m: m.allclose(m.tensor([1.0]),
                                                   m.tensor([1.0], dtype=m.float64)),
    "isclose across dtypes": lambda m: m.isclose(m.tensor([1.0]), m.tensor([1], dtype=m.int64)),
    "allclose same dtype": lambda m: m.allclose(m.tensor([1, 2]), m.tensor([1, 2])),
    "maximum with a number": lambda m: m.maximum(m.tensor([1.0, 3.0]), 2),
    "minimum of a number": lambda m: m.minimum(2.5, m.tensor([1.0])),
    "assign a (1, 3) row": assign_row_from_a_batch_of_one,
    "assign a one-element tensor": assign_one_element_tensor,
    "gradient through it": gradient_through_assigned_batch_of_one,
}


def outcome(lib, case):
    try:
        result = case(lib)
    except Exception as error:  # the type and message are what is compared
        return type(error).__name__, str(error)
    return "value", result.tolist() if hasattr(result, "tolist") else result


@pytest.mark.parametrize("name", CASES)
def test_outcome_matches_torch(name):
    ours, theirs = outcome(teachgrad, CASES[name]), outcome(torch, CASES[name])
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "value":
        assert ours[1] == theirs[1]
    else:
        assert ours[1].startswith(theirs[1].rstrip(".")), (ours, theirs)
