"""narrow with a negative start and torch's argument checks; @no_grad without parentheses.

Issue 15: both run the same calls in torch and teachgrad and compare values, gradients
and exception types and messages.
"""

from __future__ import annotations

import numpy as np
import pytest

import teachgrad

torch = pytest.importorskip("torch")

NARROW_CASES = [(0, -2, 2), (0, -5, 5), (0, 1, 3), (0, 5, 0), (1, -1, 1), (0, -2, 3),
                (0, -6, 2), (0, 6, 0), (0, 4, 3), (0, 1, -1)]


def narrowed(lib, dim, start, length):
    x = lib.arange(10.0).reshape(5, 2).requires_grad_()
    try:
        out = x.narrow(dim, start, length)
    except Exception as error:  # compared below: type and message
        return type(error).__name__, str(error)
    out.sum().backward()
    return out.tolist(), x.grad.tolist()


@pytest.mark.parametrize("args", NARROW_CASES, ids=str)
def test_narrow_matches_torch(args):
    assert narrowed(teachgrad, *args) == narrowed(torch, *args)


@pytest.mark.parametrize("switch, inside, expected", [
    ("no_grad", None, False),
    ("enable_grad", "no_grad", True),
])
def test_switch_works_as_a_bare_decorator(switch, inside, expected):
    results = []
    for lib in (teachgrad, torch):
        decorated = getattr(lib, switch)(lambda x: x * 2)  # what @lib.no_grad does
        x = lib.ones(2, requires_grad=True)
        if inside is None:
            result = decorated(x)
        else:
            with getattr(lib, inside)():
                result = decorated(x)
        results.append((result.requires_grad, np.asarray(result.detach().tolist())))
    assert results[0][0] == results[1][0] == expected
    np.testing.assert_array_equal(results[0][1], results[1][1])


def test_bare_decorator_keeps_the_function_name_and_restores_the_mode():
    @teachgrad.no_grad
    def double(x):
        return x * 2

    assert double.__name__ == "double"
    double(teachgrad.ones(1, requires_grad=True))
    assert teachgrad.is_grad_enabled()
