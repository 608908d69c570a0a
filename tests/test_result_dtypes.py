"""Result dtypes as torch gives them (issue 15, point 6), compared with torch directly."""

from __future__ import annotations

import pytest

import teachgrad

torch = pytest.importorskip("torch")

CASES = {
    "bool / float64": lambda m: m.tensor([True, False]) / m.tensor([2.0, 4.0], dtype=m.float64),
    "int / int": lambda m: m.tensor([1, 2]) / m.tensor([2, 4]),
    "bool / int": lambda m: m.tensor([True]) / m.tensor([2]),
    "float64 / int": lambda m: m.tensor([1.0], dtype=m.float64) / m.tensor([2]),
    "int / number": lambda m: m.tensor([1, 3]) / 2,
    "mse_loss(float32, int64)": lambda m: m.nn.functional.mse_loss(m.tensor([1.0, 2.0]),
                                                                    m.tensor([1, 3])),
    "sum of int32": lambda m: m.tensor([1, 2], dtype=m.int32).sum(),
    "sum(dtype=int32)": lambda m: m.tensor([1, 2]).sum(dtype=m.int32),
    "sum(dim, dtype=int32)": lambda m: m.tensor([[1, 2]]).sum(1, dtype=m.int32),
    "cumsum(dtype=int32)": lambda m: m.tensor([1, 2]).cumsum(0, dtype=m.int32),
    "cumprod(dtype=int32)": lambda m: m.tensor([1, 2]).cumprod(0, dtype=m.int32),
    "cumsum of bool": lambda m: m.tensor([True, True]).cumsum(0),
}


@pytest.mark.parametrize("name", CASES)
def test_result_dtype_and_values_match_torch(name):
    ours, theirs = CASES[name](teachgrad), CASES[name](torch)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    assert ours.tolist() == pytest.approx(theirs.tolist())


def test_mse_loss_gradient_keeps_the_input_dtype():
    grads = []
    for lib in (teachgrad, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        lib.nn.functional.mse_loss(x, lib.tensor([1, 3])).backward()
        grads.append((str(x.grad.dtype).split(".")[-1], x.grad.tolist()))
    assert grads[0] == grads[1]
