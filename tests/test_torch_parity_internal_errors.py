"""Calls where NumPy's or Python's internals used to leak (issue 15), against torch.

Each case runs the same call in teachgrad and torch: where torch returns, teachgrad
returns the same values and dtype; where torch raises, teachgrad raises the same
exception type with a message of its own (never NumPy's words).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from oracle import assert_same, assert_same_error, torch

import teachgrad

NUMPY_WORDS = ("ufunc", "operands could not be broadcast", "axis", "zero-size array",
               "out of bounds for", "numpy")

CASES = {
    # Python ints outside a small int dtype: arithmetic wraps, writing checks the range
    "uint8 + -1": lambda lib: lib.tensor([1, 2], dtype=lib.uint8) + (-1),
    "-1 + uint8": lambda lib: (-1) + lib.tensor([1, 2], dtype=lib.uint8),
    "int8 * 1000": lambda lib: lib.tensor([1, 2], dtype=lib.int8) * 1000,
    "uint8 - 300": lambda lib: lib.tensor([5], dtype=lib.uint8) - 300,
    "int16 * 100000": lambda lib: lib.tensor([1, 2], dtype=lib.int16) * 100000,
    "uint8.add_(-1)": lambda lib: lib.tensor([1, 2], dtype=lib.uint8).add_(-1),
    "uint8.add_(300)": lambda lib: lib.tensor([1, 2], dtype=lib.uint8).add_(300),
    "int8.mul_(1000)": lambda lib: lib.tensor([1, 2], dtype=lib.int8).mul_(1000),
    "u8[0] = -1": lambda lib: _set(lib.tensor([1, 2], dtype=lib.uint8), 0, -1),
    "u8[0] = 300": lambda lib: _set(lib.tensor([1, 2], dtype=lib.uint8), 0, 300),
    "i8[0] = 200": lambda lib: _set(lib.tensor([1, 2], dtype=lib.int8), 0, 200),
    "full(-2, uint8)": lambda lib: lib.full((2,), -2, dtype=lib.uint8),
    "full(300, uint8)": lambda lib: lib.full((2,), 300, dtype=lib.uint8),
    "full(-300, uint8)": lambda lib: lib.full((2,), -300, dtype=lib.uint8),
    "full(2**31, int32)": lambda lib: lib.full((1,), 2**31, dtype=lib.int32),
    "uint8 fill_(-1)": lambda lib: lib.zeros(2, dtype=lib.uint8).fill_(-1),
    "uint8 fill_(300)": lambda lib: lib.zeros(2, dtype=lib.uint8).fill_(300),
    "uint8 masked_fill(-1)": lambda lib: lib.tensor([1, 2], dtype=lib.uint8).masked_fill(
        lib.tensor([True, False]), -1),
    "uint8 masked_fill(300)": lambda lib: lib.tensor([1, 2], dtype=lib.uint8).masked_fill(
        lib.tensor([True, False]), 300),
    # integer powers with negative exponents
    "int ** negative int tensor": lambda lib: (lib.tensor([1, 2, -1, 3])
                                               ** lib.tensor([-1, 2, -3, -2])),
    "int ** -1": lambda lib: lib.tensor([1, 2]) ** -1,
    "int.pow_(-1)": lambda lib: lib.tensor([1, 2]).pow_(-1),
    # empty dims
    "softmax over an empty dim": lambda lib: lib.softmax(lib.ones(2, 0), dim=1),
    "log_softmax over an empty dim": lambda lib: lib.log_softmax(lib.ones(2, 0), dim=1),
    "logsumexp over an empty dim": lambda lib: lib.logsumexp(lib.ones(2, 0), dim=1),
    "softmax of an empty batch": lambda lib: lib.softmax(lib.ones(0, 3), dim=1),
    "var of one element": lambda lib: lib.tensor([1.0]).var(),
    "amax over an empty dim": lambda lib: lib.ones(2, 0).amax(1),
    "max over an empty dim": lambda lib: lib.ones(2, 0).max(1),
    "argmax over an empty dim": lambda lib: lib.ones(2, 0).argmax(1),
    "max along a non-empty dim of an empty tensor": lambda lib: lib.ones(0, 3).max(1).values,
    "amax of an empty tensor, dim 0": lambda lib: lib.ones(0, 3).amax(0),
    "min of an empty tensor": lambda lib: lib.ones(2, 0).min(),
    "sum over an empty dim": lambda lib: lib.ones(0, 3).sum(0),
    "prod over an empty dim": lambda lib: lib.ones(0, 3).prod(0),
    "mean of nothing": lambda lib: lib.ones(0).mean(),
    "in place on an empty tensor": lambda lib: lib.ones(0, 3).add_(1),
    "mul_ on an empty tensor": lambda lib: lib.ones(0).mul_(lib.ones(0)),
    "cat of an empty start": lambda lib: lib.cat([lib.tensor([]), lib.tensor([1.0, 2.0])]),
    "cat of an empty start, 2-d": lambda lib: lib.cat([lib.tensor([]), lib.ones(2, 3)]),
    # batch dims that do not broadcast
    "matmul batch dims": lambda lib: lib.ones(2, 3, 4) @ lib.ones(3, 4, 5),
    # 0-d tensors
    "0-d squeeze(0)": lambda lib: lib.tensor(1.0).squeeze(0),
    "0-d squeeze(-1)": lambda lib: lib.tensor(1.0).squeeze(-1),
    "0-d size(0)": lambda lib: lib.tensor(1.0).size(0),
    "0-d unbind": lambda lib: lib.tensor(1.0).unbind(),
    "0-d chunk": lambda lib: lib.tensor(1.0).chunk(2),
    "0-d split": lambda lib: lib.tensor(1.0).split(1),
    "0-d roll": lambda lib: lib.tensor(1.0).roll(1),
    "0-d roll dim 0": lambda lib: lib.tensor(1.0).roll(1, 0),
    "0-d sum(1)": lambda lib: lib.tensor(1.0).sum(1),
    "0-d sum(0)": lambda lib: lib.tensor(1.0).sum(0),
    "0-d sum(-1)": lambda lib: lib.tensor(1.0).sum(-1),
    "0-d mean(dim=2)": lambda lib: lib.tensor(1.0).mean(dim=2),
    "0-d softmax(1)": lambda lib: lib.tensor(1.0).softmax(1),
    "0-d log_softmax(1)": lambda lib: lib.tensor(1.0).log_softmax(1),
    "0-d cumsum(1)": lambda lib: lib.tensor(1.0).cumsum(1),
    "0-d argmax(1)": lambda lib: lib.tensor(1.0).argmax(1),
    "0-d max(dim=1)": lambda lib: lib.tensor(1.0).max(dim=1),
    "0-d std(dim=1)": lambda lib: lib.tensor(1.0).std(dim=1),
    "0-d logsumexp(1)": lambda lib: lib.tensor(1.0).logsumexp(1),
    "0-d unsqueeze(2)": lambda lib: lib.tensor(1.0).unsqueeze(2),
    "0-d transpose(0, 1)": lambda lib: lib.tensor(1.0).transpose(0, 1),
    "0-d transpose(0, -1)": lambda lib: lib.tensor(1.0).transpose(0, -1),
    "0-d flatten(0, 1)": lambda lib: lib.tensor(1.0).flatten(0, 1),
    "0-d narrow": lambda lib: lib.tensor(1.0).narrow(0, 0, 1),
    "0-d select": lambda lib: lib.tensor(1.0).select(0, 0),
    "0-d flip(1)": lambda lib: lib.tensor(1.0).flip(1),
    "0-d sort(1)": lambda lib: lib.tensor(1.0).sort(1).values,
    "0-d topk dim 1": lambda lib: lib.tensor(1.0).topk(1, dim=1).values,
    "0-d gather dim 1": lambda lib: lib.tensor(1.0).gather(1, lib.tensor(0)),
    "stack of 0-d at dim 1": lambda lib: lib.stack([lib.tensor(1.0), lib.tensor(2.0)], 1),
    "cat of 0-d": lambda lib: lib.cat([lib.tensor(1.0), lib.tensor(2.0)]),
    # argument checks
    "narrow past the end": lambda lib: lib.arange(5.0).narrow(0, 3, 4),
    "narrow before the start": lambda lib: lib.arange(5.0).narrow(0, -6, 1),
    "split with a negative size": lambda lib: lib.arange(5.0).split([3, -1]),
    "squeeze a repeated dim": lambda lib: lib.ones(1, 2, 1).squeeze((0, 0)),
    "negative slice step": lambda lib: lib.arange(5)[::-1],
    # other calls
    "sign of bool": lambda lib: lib.tensor([True, False]).sign(),
    "maximum with a number": lambda lib: lib.maximum(lib.tensor([1.0, 3.0]), 2),
    "zero_ on an expanded tensor": lambda lib: lib.ones(3).expand(2, 3).zero_(),
    "max_pool2d of ints with padding": lambda lib: lib.nn.functional.max_pool2d(
        lib.arange(16).reshape(1, 1, 4, 4), 2, padding=1),
    "ragged nested list": lambda lib: lib.tensor([[1, 2], [3]]),
    "gather with an int32 index": lambda lib: lib.gather(
        lib.arange(6.0).reshape(2, 3), 1, lib.tensor([[0], [2]], dtype=lib.int32)),
    "int32.add_(int64)": lambda lib: lib.tensor([1, 2], dtype=lib.int32).add_(lib.tensor([1, 2])),
    "int64.add_(int8)": lambda lib: lib.tensor([1, 2]).add_(lib.tensor([1, 2], dtype=lib.int8)),
    "int64.add_(float)": lambda lib: lib.tensor([1, 2]).add_(lib.tensor([1.5, 2.0])),
    "uint8.mul_(int64)": lambda lib: lib.tensor([1, 2], dtype=lib.uint8).mul_(lib.tensor([3, 4])),
    "int16.sub_(bool)": lambda lib: lib.tensor([1, 2], dtype=lib.int16).sub_(
        lib.tensor([True, False])),
    # dtypes torch refuses
    "matmul of bools": lambda lib: lib.ones(2, 2, dtype=lib.bool) @ lib.ones(2, 2, dtype=lib.bool),
    "mm of bools": lambda lib: lib.mm(lib.ones(2, 2, dtype=lib.bool),
                                      lib.ones(2, 2, dtype=lib.bool)),
    "bmm of bools": lambda lib: lib.bmm(lib.ones(1, 2, 2, dtype=lib.bool),
                                        lib.ones(1, 2, 2, dtype=lib.bool)),
    "dot of bools": lambda lib: lib.dot(lib.ones(2, dtype=lib.bool), lib.ones(2, dtype=lib.bool)),
    "relu of bool": lambda lib: lib.relu(lib.tensor([True])),
    "abs of bool": lambda lib: lib.abs(lib.tensor([True])),
    "gelu of ints": lambda lib: lib.nn.functional.gelu(lib.tensor([1, 2])),
    "leaky_relu of ints": lambda lib: lib.nn.functional.leaky_relu(lib.tensor([1, -2])),
    "allclose across dtypes": lambda lib: lib.allclose(lib.tensor([1.0]),
                                                       lib.tensor([1.0], dtype=lib.float64)),
    "isclose across dtypes": lambda lib: lib.isclose(lib.tensor([1.0]), lib.tensor([1])),
    # shapes torch refuses
    "mv of two vectors": lambda lib: lib.mv(lib.ones(2), lib.ones(2)),
    "linear with a 1-d weight": lambda lib: lib.nn.functional.linear(lib.ones(2, 3), lib.ones(3)),
    # exception types
    "float() of two elements": lambda lib: float(lib.ones(2)),
    "int() of two elements": lambda lib: int(lib.ones(2)),
    "~ on floats": lambda lib: ~lib.ones(2),
}


def _set(tensor, index, value):
    tensor[index] = value
    return tensor


def outcome(call, lib):
    try:
        return call(lib), None
    except Exception as error:  # the exception is what is compared
        return None, error


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_result_or_same_error_as_torch(case):
    call = CASES[case]
    theirs, their_error = outcome(call, torch)
    if their_error is not None:
        ours, _ = assert_same_error(lambda: call(teachgrad), lambda: call(torch))
        assert not any(word in str(ours) for word in NUMPY_WORDS), str(ours)
        return
    ours, our_error = outcome(call, teachgrad)
    assert our_error is None, f"torch returned {theirs}, teachgrad raised {our_error!r}"
    if isinstance(theirs, torch.Tensor):
        assert_same(ours, theirs)
    else:
        assert np.array_equal(np.asarray(ours), np.asarray(theirs))


def test_fill_of_an_expanded_tensor_writes_the_memory_it_shares():
    for lib in (teachgrad, torch):
        base = lib.ones(2, 3)[:, 1:]
        base[:, :1].expand(2, 4).fill_(5)
        row = lib.ones(3)
        row.expand(2, 3).zero_()
        assert base.tolist() == [[5.0, 1.0], [5.0, 1.0]] and row.tolist() == [0.0, 0.0, 0.0]


def test_cat_with_an_empty_start_passes_gradients_to_both():
    grads = []
    for lib in (teachgrad, torch):
        empty, x = lib.tensor([], requires_grad=True), lib.ones(2, 3, requires_grad=True)
        joined = lib.cat([empty, x, empty])
        (joined * lib.arange(6.0).reshape(2, 3)).sum().backward()
        grads.append((empty.grad, x.grad))
    assert_same(grads[0][0], grads[1][0])
    assert_same(grads[0][1], grads[1][1])


def test_integer_powers_with_negative_exponents_every_way():
    bases = np.array([0, 1, -1, -1, 2, -3, 0, 5])
    exponents = np.array([-1, -5, -3, -2, -1, -2, 0, 2])
    assert_same(teachgrad.tensor(bases) ** teachgrad.tensor(exponents),
                torch.tensor(bases) ** torch.tensor(exponents))
    assert_same(2 ** teachgrad.tensor(exponents), 2 ** torch.tensor(exponents))
    assert_same((-1) ** teachgrad.tensor(exponents), (-1) ** torch.tensor(exponents))


FUZZER_FINDINGS = {
    "gelu of a 0-d tensor": lambda lib: lib.nn.functional.gelu(lib.tensor(2.0)),
    "sign of nan": lambda lib: lib.sign(lib.tensor([math.nan, -0.0, 2.0, math.nan])),
    "sign of a 0-d nan": lambda lib: lib.sign(lib.tensor(math.nan)),
    "where with a uint8 condition": lambda lib: lib.where(
        lib.tensor([0, 5], dtype=lib.uint8), 1.0, 0.0),
}


@pytest.mark.parametrize("case", sorted(FUZZER_FINDINGS))
@pytest.mark.filterwarnings("ignore:where received a uint8")
def test_what_the_fuzzer_found_now_matches_torch(case):
    assert_same(FUZZER_FINDINGS[case](teachgrad), FUZZER_FINDINGS[case](torch))


@pytest.mark.parametrize("value", [0.0, 3.0])
def test_gradients_the_fuzzer_found_now_match_torch(value):
    grads = []
    for lib in (teachgrad, torch):
        x = lib.tensor(value, requires_grad=True)
        x.prod(dim=-1, keepdim=True).backward()
        y = lib.tensor(-value - 1, dtype=lib.float64, requires_grad=True)
        lib.nn.functional.leaky_relu(y, 0.2).backward()
        z = lib.tensor(value, requires_grad=True)
        lib.nn.functional.gelu(z).backward()
        grads.append((x.grad, y.grad, z.grad))
    for ours, theirs in zip(*grads):
        assert_same(ours, theirs)
    assert grads[0][1].item() == 0.2  # the slope in float64, not float32's 0.2000000030
