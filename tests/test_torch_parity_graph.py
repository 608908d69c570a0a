"""The graph torch records when a Python number stands in an expression (issue 15).

torch's nodes have edges to tensors only, and for a commutative op the number goes
second: (2 * b).grad_fn.next_functions is ((AccumulateGrad, 0), (None, 0)); 1 - b
records RsubBackward1 with one edge, 2 ** b PowBackward2 with one, and 2 / b is
b.reciprocal() * 2, a MulBackward0 whose first edge is a ReciprocalBackward0. Each
case compares the node names along next_functions (recursively), the values and the
gradients with torch's.
"""

from __future__ import annotations

import numpy as np
import pytest
from oracle import assert_same, torch

import teachgrad


def shape_of_graph(node):
    """(name, [children...]) for a grad_fn, following next_functions; None stays None."""
    if node is None:
        return None
    return (type(node).__name__,
            [(shape_of_graph(child), index) for child, index in node.next_functions])


CASES = {
    "2 * b": lambda m, b: 2 * b,
    "2.5 * b": lambda m, b: 2.5 * b,
    "True * b": lambda m, b: True * b,
    "2 + b": lambda m, b: 2 + b,
    "1 - b": lambda m, b: 1 - b,
    "0 - b": lambda m, b: 0 - b,
    "2 / b": lambda m, b: 2 / b,
    "2 ** b": lambda m, b: 2 ** b,
    "torch.pow(2, b)": lambda m, b: m.pow(2, b),
    "torch.rsub(b, 2)": lambda m, b: m.rsub(b, 2),
    "torch.rsub(b, c)": lambda m, b: m.rsub(b, b * 3),
    "b.reciprocal()": lambda m, b: b.reciprocal(),
    # a number on the right has no edge either: PowBackward0 holds b's alone
    "b ** 2": lambda m, b: b ** 2,
    "b.pow(0.5) ** 0": lambda m, b: b.pow(0.5) ** 0,
    "(b * 1).pow_(3)": lambda m, b: (b * 1).pow_(3),
    "3 - 2 / (1 + b)": lambda m, b: 3 - 2 / (1 + b),
    "in place, then number on the left": lambda m, b: 2 * (b * 1).mul_(3),
}


@pytest.mark.parametrize("name", CASES)
def test_number_on_the_left_records_torch_graph(name):
    def run(m):
        b = m.tensor([1.0, 2.0, 4.0], requires_grad=True)
        out = CASES[name](m, b)
        graph = shape_of_graph(out.grad_fn)
        (out * m.tensor([1.0, -2.0, 3.0])).sum().backward()
        return out, graph, b.grad

    ours, theirs = run(teachgrad), run(torch)
    assert ours[1] == theirs[1]
    assert_same(ours[0], theirs[0])
    assert_same(ours[2], theirs[2])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_number_over_tensor_rounds_as_torch_bit_for_bit(dtype):
    # torch computes 5 / x as x.reciprocal() * 5: two roundings, not one
    values = np.arange(1.0, 60.0)
    ours = 5 / teachgrad.tensor(values, dtype=getattr(teachgrad, dtype))
    theirs = 5 / torch.tensor(values, dtype=getattr(torch, dtype))
    assert ours.dtype.name == dtype
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
