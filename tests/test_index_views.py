"""An integer index gives a view, as a slice does (issue 15, point 1), checked against torch."""

from __future__ import annotations

import numpy as np
import pytest

import teachgrad

torch = pytest.importorskip("torch")


def add_to_first(lib):
    a = lib.tensor([1.0, 2.0, 3.0])
    a[0].add_(5)
    return a


def multiply_each_row_element(lib):
    a = lib.tensor([1.0, 2.0, 3.0])
    for value in a:
        value.mul_(10)
    return a


def zero_one_element(lib):
    a = lib.arange(6.0).reshape(2, 3)
    a[0, 1].zero_()
    return a


def element_sees_later_write(lib):
    a = lib.arange(4.0).reshape(2, 2)
    element = a[1, 1]
    a.add_(100)
    return element


def row_of_3d_sees_write(lib):
    a = lib.arange(8.0).reshape(2, 2, 2)
    element = a[1, 0, 1]
    a[1].mul_(2)
    return element


CASES = [add_to_first, multiply_each_row_element, zero_one_element, element_sees_later_write,
         row_of_3d_sees_write]


@pytest.mark.parametrize("case", CASES)
def test_integer_index_is_a_view_as_in_torch(case):
    ours, theirs = case(teachgrad), case(torch)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("lib", [teachgrad, torch], ids=["teachgrad", "torch"])
def test_writing_through_the_base_after_saving_an_element_fails_backward(lib):
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    base = x * 1
    element = base[1]
    out = element * element  # saves element
    base.add_(1)  # element shares base's memory and version
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.backward()


def test_integer_index_gradient_and_node_name_match_torch():
    results = []
    for lib in (teachgrad, torch):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y = x[1, 0] * 3
        y.backward()
        results.append((x.grad.tolist(), type(x[0, 1].grad_fn).__name__))
    assert results[0] == results[1]
