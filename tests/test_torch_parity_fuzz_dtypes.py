"""dtypes and Python numbers as torch has them: what the differential fuzzer found.

Each case is one line over `m` (teachgrad or torch) and `F` (m.nn.functional), run in
both libraries: the same exception type, or the same result (shape, dtype, values).
NumPy's RuntimeWarnings count as failures: they must not reach a learner.

- Python numbers a tensor's dtype cannot hold: in arithmetic and comparisons torch casts
  them into the dtype (an int wraps, a float beyond float32 becomes inf); written into a
  tensor (masked_fill, fill_, full) they must fit.
- numbers where torch wants a tensor (logical_*, isclose, allclose, equal): TypeError.
- bool tensors: unary + and bool ** bool refused, bool ** a Python bool stays bool.
- integer division and copysign compute in the default float, each operand cast to it
  directly; all/any keep uint8; sum/cumsum refuse an integer dtype= on a tensor that
  requires grad; mean takes dtype=.
- bitwise ops on floats: NotImplementedError; isclose/allclose/copysign check shapes;
  hardtanh checks its limits against an integer dtype; add/sub check alpha.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import pytest
from oracle import assert_same, assert_same_error, torch

import teachgrad


def run(lib: Any, line: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # NumPy's warnings are failures
        return eval(line, {"m": lib, "F": lib.nn.functional, "math": math})


def check(line: str) -> None:
    """The line gives the same error, or the same result, in teachgrad and torch."""
    try:
        run(torch, line)
    except Exception:
        assert_same_error(lambda: run(teachgrad, line), lambda: run(torch, line))
        return
    ours, theirs = run(teachgrad, line), run(torch, line)
    if isinstance(theirs, torch.Tensor):
        assert_same(ours, theirs)
    else:
        assert type(ours) is type(theirs) and ours == theirs, f"{ours!r} != {theirs!r}"


def u8(values: str = "[1, 0, 2]") -> str:
    return f"m.tensor({values}, dtype=m.uint8)"


NUMBERS = [
    # comparisons: the number cast into the tensor's dtype first
    f"{u8()} == 2**31", f"{u8()} >= -1000", "m.tensor([1, 0, 2], dtype=m.int8) >= 1000",
    "m.tensor([1, 0], dtype=m.int32) > -2**63", f"1e300 > {u8()}", "m.tensor([1., 2.]) < 1e300",
    "m.tensor([True]) <= -1e300", "m.tensor(3.) >= 3.5e38", "m.tensor([1, 2]).eq(1e300)",
    "m.tensor([1., 2.]).ge_(1e300)",
    # remainders and floor division: an int wrapped into the dtype, 0 then refused
    f"{u8()} % 1000", "m.tensor([1, 0, 2], dtype=m.int8) % 1000",
    "m.tensor([1, 5], dtype=m.int32).remainder(2**31)", f"{u8()} // 2**31",
    "m.tensor([1], dtype=m.int8).fmod(-2**63)", "m.tensor([7], dtype=m.int8) // 300",
    # number ** integer tensor: the base wrapped
    f"1000 ** {u8()}", "300 ** m.tensor([1, 0, 2], dtype=m.int8)",
    # written into a tensor: it must fit
    "m.tensor([1., 2.]).masked_fill(m.tensor([True, False]), 1e300)",
    "m.tensor([1, 2]).masked_fill(m.tensor([True, False]), math.nan)",
    f"{u8()}.masked_fill(m.tensor([True, False, True]), 1e5)",
    f"{u8()}.masked_fill(m.tensor([True, False, True]), -2.0)",
    "m.tensor([1, 2], dtype=m.int8).fill_(-128.9)", "m.tensor([1, 2], dtype=m.int8).fill_(127.9)",
    "m.tensor([1, 2], dtype=m.int8).fill_(-2.0)", "m.tensor([1., 2.]).fill_(-1e300)",
    "m.tensor([1., 2.]).fill_(math.inf)", "m.tensor([True]).fill_(1e300)",
    "m.tensor([1.], dtype=m.float16).fill_(1e300)", "m.full((2,), 3.5e38, dtype=m.float32)",
    "m.full((2,), math.inf, dtype=m.int32)", "m.full((2,), 255.5, dtype=m.uint8)",
]


@pytest.mark.parametrize("line", NUMBERS)
def test_python_numbers_beyond_a_dtype_as_torch(line):
    check(line)


NOT_TENSORS = [
    "m.logical_and(m.tensor([True]), True)", "m.logical_or(1.5, m.tensor([1.]))",
    "m.tensor([1., 0.]).logical_xor(2.5)", "m.tensor([1., 0.]).logical_and_(True)",
    "m.isclose(m.tensor([1.]), 1)", "m.tensor([1.]).allclose(2.5)", "m.equal(m.tensor([1]), 1)",
    "m.equal(1.5, m.tensor([1.]))", "m.tensor([1., 0.]).logical_or(m.tensor([0., 0.]))",
]


@pytest.mark.parametrize("line", NOT_TENSORS)
def test_a_number_where_torch_wants_a_tensor(line):
    check(line)


BOOLS = [
    "+m.tensor(True)", "+m.tensor([1, 2])", "m.pow(m.tensor(False), True)",
    "m.tensor([True, False]) ** False", "m.tensor([True, False]).pow_(True)",
    "m.pow(m.tensor([True]), m.tensor([False]))", "True ** m.tensor([True, False])",
    "m.tensor([True, False]).pow_(m.tensor(True))", "m.tensor([True]) ** 2",
    "m.tensor([2, 3]) ** True",
]


@pytest.mark.parametrize("line", BOOLS)
def test_bool_tensors_as_torch(line):
    check(line)


RESULT_DTYPES = [
    # true division and copysign: each integer operand cast to the default float
    "m.tensor([-2], dtype=m.int32) / m.tensor(9223372036854775807)",
    f"{u8('[3]')} / m.tensor(-1)", "m.tensor([1], dtype=m.int8) / 1000",
    "m.tensor([3, 7]) / m.tensor([2, 2])", "m.tensor([True]) / m.tensor([2])",
    "m.tensor([3], dtype=m.int8).div_(m.tensor(2))",
    "m.copysign(m.tensor([3, 0]), m.tensor([-1, 1]))",
    f"m.copysign({u8('[3, 0]')}, m.tensor(-1))",
    "m.copysign(m.tensor([3, 0], dtype=m.int8), m.tensor(-1, dtype=m.uint8))",
    "m.copysign(m.tensor([True, False]), m.tensor([-1, 1], dtype=m.int32))",
    "m.copysign(m.tensor([3, 0]), -0.0)", "m.copysign(m.tensor([3., 0.]), m.tensor([-1, 1]))",
    # all/any of uint8 stay uint8
    f"{u8()}.all()", f"{u8()}.any()", f"m.all({u8()}, 0)", f"{u8()}.any(dim=0, keepdim=True)",
    "m.tensor([1, 2], dtype=m.int16).all()",
    # dtype= on reductions
    "m.tensor([1., 2.]).mean(dtype=m.float64)", "m.mean(m.tensor([[1, 2], [3, 5]]), 0, "
    "dtype=m.float32)", "m.tensor([True, False]).mean(dtype=m.float64)",
    "m.tensor([1, 2]).mean(dtype=m.int32)",
    "m.tensor([1., 2.], requires_grad=True).sum(dtype=m.int32)",
    "m.sum(m.tensor([[1., 2.]], requires_grad=True), 0, dtype=m.int64)",
    "m.tensor([1., 2.], requires_grad=True).cumsum(0, dtype=m.int32)",
    "m.tensor([1., 2.], requires_grad=True).cumprod(0, dtype=m.int64)",
    "m.tensor([1., 2.]).sum(dtype=m.int32)", "m.tensor([1., 2.]).cumsum(0, dtype=m.int32)",
    "m.tensor([1., 2.], requires_grad=True).detach().sum(dtype=m.int32)",
]


@pytest.mark.parametrize("line", RESULT_DTYPES)
def test_result_dtypes_as_torch(line):
    check(line)


def test_sum_dtype_under_no_grad_as_torch():
    def make(m):
        x = m.tensor([1.5, 2.5], requires_grad=True)
        with m.no_grad():
            return x.sum(dtype=m.int32)
    assert_same(make(teachgrad), make(torch))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_mean_with_dtype_backpropagates_as_torch(dtype):
    def run_both(m):
        x = m.tensor([[1.0, 2.0], [3.0, 4.5]], requires_grad=True)
        out = x.mean(dim=0, dtype=getattr(m, dtype))
        (out * m.tensor([1.0, -2.0], dtype=getattr(m, dtype))).sum().backward()
        return out, x.grad
    (ours, our_grad), (theirs, their_grad) = run_both(teachgrad), run_both(torch)
    assert_same(ours, theirs)
    assert_same(our_grad, their_grad)


REFUSED = [
    "m.bitwise_and(m.tensor([1., 2.]), m.tensor([1, 2]))", "m.tensor([1, 2]) & 1.5",
    "m.tensor([True]) | 1.5", "m.tensor([1, 2]) & m.tensor([1., 2.])",
    "m.tensor([1., 2.], dtype=m.float64) | m.tensor(1)",
    "m.bitwise_and(m.tensor([1., 2., 3.]), m.tensor([1, 2]))",  # shapes checked first
    "m.tensor([True, False, True]) & m.tensor([True, False])", "m.tensor([6, 3]) & 1000",
    "m.tensor([6, 3], dtype=m.int8) | 2", "m.tensor([True]) & True",
]


@pytest.mark.parametrize("line", REFUSED)
def test_dtypes_an_op_refuses_as_torch(line):
    check(line)


SHAPES = [
    "m.isclose(m.zeros(0), m.zeros(2))", "m.allclose(m.zeros(0), m.zeros(2))",
    "m.allclose(m.zeros(3, 1), m.zeros(2))", "m.isclose(m.zeros(3, 1), m.ones(2))",
    "m.copysign(m.zeros(0), m.zeros(2))", "m.zeros(0).copysign_(m.zeros(2))",
    "m.zeros(3).copysign_(m.zeros(2, 3))", "m.copysign(m.ones(2, 1), -m.ones(3))",
    "m.isclose(m.tensor([0, 255], dtype=m.uint8), m.tensor([255, 0], dtype=m.uint8), atol=2)",
    "m.isclose(m.tensor([1.]), m.tensor([1.], dtype=m.float64))",
]


@pytest.mark.parametrize("line", SHAPES)
def test_isclose_allclose_copysign_shapes_as_torch(line):
    check(line)


HARDTANH = [
    f"F.hardtanh({u8()})", f"F.hardtanh({u8()}, -0.5, 2.0)", f"F.hardtanh({u8()}, 0, 255.5)",
    f"F.hardtanh({u8()}, 0.0, 300.0)", f"F.hardtanh({u8()}, -1, 1, inplace=True)",
    "F.hardtanh(m.tensor([1, 5], dtype=m.int8), 0.0, 200.0)",
    "F.hardtanh(m.tensor([1, 5], dtype=m.int8), -128.5, 0)",
    "F.hardtanh(m.tensor([1, 5]), 0, math.inf)", "F.hardtanh(m.tensor([1., 5.]), 0, 1e300)",
    f"F.relu6({u8('[1, 9]')})", "F.hardtanh(m.tensor([1, 5], dtype=m.int32), 2, 3)",
]


@pytest.mark.parametrize("line", HARDTANH)
def test_hardtanh_limits_on_integer_tensors_as_torch(line):
    check(line)


ALPHA = [
    "m.add(m.tensor([1]), 1, alpha=0.5)", "m.add(m.tensor([1]), m.tensor([2]), alpha=2)",
    "m.tensor([1, 2]).add(m.tensor([True, False]), alpha=-1)",
    "m.add(m.tensor([True, False]), m.tensor([True, True]), alpha=2)",
    "m.add(m.tensor([True, False]), True, alpha=0)", "m.add(m.tensor([True]), True, alpha=0.5)",
    f"m.add(m.tensor([1., 2.]), {u8('[1, 1]')}, alpha=-1)",
    "m.add(m.tensor([1, 0, 1], dtype=m.uint8), m.tensor([True, True, False]), alpha=-1)",
    "m.add(m.tensor([1., 2.]), m.tensor([1., 2.]), alpha=True)",
    "m.add(m.tensor([1, 2], dtype=m.int32), m.tensor([True, False]), alpha=2)",
    "m.add(m.tensor([1., 2.]), 3, alpha=1e300)", "m.add(m.tensor([1., 2.]), 3, alpha=0.1)",
    "m.sub(m.tensor([1]), 1, alpha=0.5)", "m.sub(m.tensor([1.]), m.tensor([True]), alpha=2)",
    "m.sub(m.tensor([5], dtype=m.uint8), m.tensor([2], dtype=m.uint8), alpha=3)",
    "m.tensor([1, 2]).sub(m.tensor([1, 1]), alpha=2)", "m.add(m.tensor([1.]), 1, alpha=1.0)",
]


@pytest.mark.parametrize("line", ALPHA)
def test_alpha_as_torch(line):
    check(line)


def test_alpha_backpropagates_as_torch():
    def run_both(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = m.tensor([3.0, -1.0], dtype=m.float64, requires_grad=True)
        out = m.add(x, y, alpha=-2.5)
        (out * m.tensor([1.0, 3.0], dtype=m.float64)).sum().backward()
        return out, x.grad, y.grad
    for ours, theirs in zip(run_both(teachgrad), run_both(torch)):
        assert_same(ours, theirs)


def test_integer_division_by_a_float_tensor_backpropagates_as_torch():
    def run_both(m):
        y = m.tensor([2.0, -4.0], requires_grad=True)
        out = m.tensor([3, 5], dtype=m.int32) / y
        out.sum().backward()
        return out, y.grad
    for ours, theirs in zip(run_both(teachgrad), run_both(torch)):
        assert_same(ours, theirs)
