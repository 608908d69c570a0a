"""Fuzzer findings (tests/fuzz_ops.py's KNOWN_DIFFERENCES) fixed one by one, against torch.

Each was a case where teachgrad raised another exception type than torch, checked
its arguments in another order, or gave another number at an edge of float32. The
fuzzer keeps drawing these calls; here each is named, so that a regression says
what broke.
"""

from __future__ import annotations

import math
import warnings

import pytest
from oracle import assert_same, assert_same_error, torch

import teachgrad

LIBS = (teachgrad, torch)

# Calls torch refuses: the same exception type, before any state changes.
REFUSED = {
    "softmax of int64, last dim": lambda lib: lib.softmax(lib.tensor([1, 2]), 0),
    "softmax of int64, not the last dim": lambda lib: lib.tensor([[1, 2]]).softmax(0),
    "log_softmax of bool": lambda lib: lib.log_softmax(lib.tensor([True]), 0),
    "softmin of int64": lambda lib: lib.nn.functional.softmin(lib.tensor([1, 2]), 0),
    "argmax of an empty bool tensor": lambda lib: lib.zeros(0, dtype=lib.bool).argmax(),
    "argmin of an empty bool dim": lambda lib: lib.zeros(2, 0, dtype=lib.bool).argmin(1),
    "logaddexp of int64, shapes that do not broadcast": lambda lib: lib.logaddexp(
        lib.ones(2, dtype=lib.long), lib.ones(3, dtype=lib.long)),
    "bitwise_xor of floats, shapes that do not broadcast": lambda lib: lib.bitwise_xor(
        lib.ones(2), lib.ones(3)),
    "bitwise_left_shift of bools, shapes that do not broadcast": lambda lib: (
        lib.bitwise_left_shift(lib.ones(2, dtype=lib.bool), lib.ones(3, dtype=lib.bool))),
    "clamp_ of a leaf with a tensor and a number bound": lambda lib: lib.zeros(
        1, requires_grad=True).clamp_(0, lib.tensor([1.0])),
    "atan2_ of a leaf with a number": lambda lib: lib.tensor(
        0.25, requires_grad=True).atan2_(0),
    "atan2 with a number first": lambda lib: lib.atan2(1.5, lib.ones(1)),
    "argsort of a 0-d tensor along dim 1": lambda lib: lib.tensor(1.0).argsort(dim=1),
    "mT of a 1-d tensor": lambda lib: lib.ones(3).mT,
    "uint8 clamp to 300": lambda lib: lib.tensor([1], dtype=lib.uint8).clamp(300),
    "int8 clamp to 1000": lambda lib: lib.tensor([1], dtype=lib.int8).clamp(max=1000),
    "where with 300 beside uint8": lambda lib: lib.where(
        lib.tensor([True, False]), lib.tensor([1, 2], dtype=lib.uint8), 300),
    "x[5] = 300 on uint8: the number is checked before the index": lambda lib: (
        lib.tensor([1, 2], dtype=lib.uint8).__setitem__(5, 300)),
    "x[::-1] = 300 on uint8": lambda lib: lib.tensor([1, 2], dtype=lib.uint8).__setitem__(
        slice(None, None, -1), 300),
}


@pytest.mark.parametrize("name", REFUSED)
def test_refused_as_torch_refuses(name):
    assert_same_error(lambda: REFUSED[name](teachgrad), lambda: REFUSED[name](torch))


SAME_RESULT = {
    "softmax of an empty int64 tensor": lambda lib: lib.softmax(lib.zeros(0, dtype=lib.long), 0),
    "softmin of an empty int64 tensor": lambda lib: lib.nn.functional.softmin(
        lib.zeros(0, dtype=lib.long), 0),
    "(-inf) ** -0.5 (torch's rsqrt)": lambda lib: lib.tensor([-math.inf, 4.0, 0.0]) ** -0.5,
    "mT of a 0-d tensor": lambda lib: lib.tensor(2.0).mT,
    "uint8 clamp to -1 (wraps to 255)": lambda lib: lib.tensor([1, 200], dtype=lib.uint8).clamp(-1),
    "uint8 clamp max=-1 (wraps to 255)": lambda lib: lib.tensor([1, 200], dtype=lib.uint8).clamp(
        max=-1),
    "where with -1 beside uint8": lambda lib: lib.where(
        lib.tensor([True, False]), -1, lib.tensor([1, 2], dtype=lib.uint8)),
    "Tensor.split(split_size=)": lambda lib: lib.arange(6.0).reshape(2, 3).split(
        split_size=1)[1],
}


@pytest.mark.parametrize("name", SAME_RESULT)
def test_same_result_as_torch(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # mT of a 0-d tensor warns in both
        assert_same(SAME_RESULT[name](teachgrad), SAME_RESULT[name](torch))


def test_division_gradient_does_not_overflow_where_torch_does_not():
    """d(a/b)/db = -a/b**2, computed as torch computes it, (a / b) / b: b * b overflows."""
    grads = []
    for lib in LIBS:
        a = lib.tensor([3e38, 1e20, 3.0])
        b = lib.tensor([-2.0, 1e20, 7.0], requires_grad=True)
        lib.div(a, b).mul(2).sum().backward()
        grads.append(b.grad)
    assert_same(*grads)
    assert math.isfinite(grads[0][0].item())
