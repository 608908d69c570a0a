"""Keyword forms of calls public PyTorch code makes, against torch (issue 15).

torch's argument parser accepts every argument by name, the ones usually passed one by
one included: `x.view(size=(3, 2))`, `x.permute(dims=(1, 0))`, `torch.flip(x, dims=[0])`,
`x.new_zeros(size=(2,))`, `torch.tensor_split(x, sections=2)`. Each call here runs in
both libraries on the same values and must give the same result (values, dtype, shape,
requires_grad), or the same exception type. tests/test_torch_parity_api.py covers out=,
axis=/keepdims= and the creation functions' size=.
"""

from __future__ import annotations

import pytest
from oracle import assert_same, assert_same_error, torch

import teachgrad


def matrix(lib):
    return lib.arange(6.0).reshape(2, 3)


CALLS = {
    "view(size=)": lambda lib, x: x.view(size=(3, 2)),
    "reshape(shape=)": lambda lib, x: x.reshape(shape=(3, 2)),
    "torch.reshape(shape=)": lambda lib, x: lib.reshape(x, shape=(3, 2)),
    "permute(dims=)": lambda lib, x: x.permute(dims=(1, 0)),
    "torch.permute(dims=)": lambda lib, x: lib.permute(x, dims=(1, 0)),
    "flip(dims=)": lambda lib, x: x.flip(dims=(0,)),
    "torch.flip(dims=)": lambda lib, x: lib.flip(x, dims=[1]),
    "expand(size=)": lambda lib, x: x.expand(size=(2, 2, 3)),
    "repeat(repeats=)": lambda lib, x: x.repeat(repeats=(2, 1)),
    "tile(dims=)": lambda lib, x: x.tile(dims=(2, 1)),
    "new_zeros(size=)": lambda lib, x: x.new_zeros(size=(2,)),
    "new_ones(size=, dtype=, requires_grad=)": lambda lib, x: x.new_ones(
        size=(2, 1), dtype=lib.float64, requires_grad=True),
    "new_empty(size=).shape": lambda lib, x: x.new_empty(size=(2,)).zero_(),
    "new_full(device=)": lambda lib, x: x.new_full((2,), 7, device="cpu"),
    "new_tensor(device=)": lambda lib, x: x.new_tensor([1.5, 2.5], device="cpu"),
    "new_zeros of int": lambda lib, x: x.int().new_zeros(3),
    "transpose(dim0=, dim1=)": lambda lib, x: x.transpose(dim0=0, dim1=1),
    "unsqueeze(dim=)": lambda lib, x: x.unsqueeze(dim=0),
    "torch.cat(tensors=, dim=)": lambda lib, x: lib.cat(tensors=[x, x], dim=0),
    "torch.stack(tensors=)": lambda lib, x: lib.stack(tensors=[x, x]),
    "chunk(chunks=, dim=)": lambda lib, x: x.chunk(chunks=3, dim=1)[1],
    "torch.split(split_size_or_sections=)": lambda lib, x: lib.split(
        x, split_size_or_sections=1, dim=0)[1],
    "tensor_split(sections=)": lambda lib, x: lib.tensor_split(x, sections=2, dim=1)[0],
    "tensor_split(indices=)": lambda lib, x: lib.tensor_split(x, indices=[1], dim=1)[1],
    "tensor_split(tensor_indices_or_sections=)": lambda lib, x: x.tensor_split(
        tensor_indices_or_sections=lib.tensor([1, 2]), dim=1)[2],
    "hsplit(sections=)": lambda lib, x: x.hsplit(sections=3)[2],
    "hsplit(indices=)": lambda lib, x: lib.hsplit(x, indices=[1])[1],
    "vsplit(sections=)": lambda lib, x: x.vsplit(sections=2)[1],
    "where(condition=, input=, other=)": lambda lib, x: lib.where(
        condition=x > 2, input=x, other=x * 0),
    "masked_fill(mask=, value=)": lambda lib, x: x.masked_fill(mask=x > 2, value=0.0),
    "gather(dim=, index=)": lambda lib, x: lib.gather(x, dim=1, index=lib.tensor([[0], [1]])),
    "matmul(input=, other=)": lambda lib, x: lib.matmul(input=x, other=x.T),
    "pow(input=, exponent=)": lambda lib, x: lib.pow(input=x, exponent=2),
    "arange(start=, end=, step=)": lambda lib, x: lib.arange(start=0, end=3, step=1),
    "full(size=, fill_value=)": lambda lib, x: lib.full(size=(2,), fill_value=3.0),
    "narrow(dim=, start=, length=)": lambda lib, x: x.narrow(dim=1, start=0, length=1),
    "unfold(dimension=, size=, step=)": lambda lib, x: x.unfold(dimension=1, size=2, step=1),
    "roll(shifts=, dims=)": lambda lib, x: x.roll(shifts=1, dims=1),
    "max(other=)": lambda lib, x: x.max(other=x.flip(1)),
    "squeeze_(dim=)": lambda lib, x: x.unsqueeze(0).squeeze_(dim=0),
    "transpose_(dim0=, dim1=)": lambda lib, x: x.clone().transpose_(dim0=0, dim1=1),
    "unsqueeze_(dim=)": lambda lib, x: x.clone().unsqueeze_(dim=1),
    "torch.min(other=)": lambda lib, x: lib.min(x, other=x.flip(0)),
}


@pytest.mark.parametrize("name", CALLS)
def test_keyword_call_as_torch(name):
    ours = CALLS[name](teachgrad, matrix(teachgrad))
    theirs = CALLS[name](torch, matrix(torch))
    assert_same(ours, theirs)


TWICE = {
    "view(2, size=)": lambda lib, x: x.view(6, size=(6,)),
    "reshape(2, 3, shape=)": lambda lib, x: x.reshape(2, 3, shape=(6,)),
    "permute(0, dims=)": lambda lib, x: x.permute(1, dims=(1, 0)),
    "tensor_split(2, sections=)": lambda lib, x: lib.tensor_split(x, 2, sections=2),
    "hsplit(sections=, indices=)": lambda lib, x: lib.hsplit(x, sections=3, indices=[1]),
    "new_zeros(2, size=)": lambda lib, x: x.new_zeros(2, size=(2,)),
    "max(dim, other=)": lambda lib, x: lib.max(x, 0, other=x),
}


@pytest.mark.parametrize("name", TWICE)
def test_an_argument_given_twice_is_refused_as_torch_does(name):
    assert_same_error(lambda: TWICE[name](teachgrad, matrix(teachgrad)),
                      lambda: TWICE[name](torch, matrix(torch)))


# --- rsub(alpha=), result_type(tensor=, other=), random_(from, to=), uniform_(from=, to=)

RSUB = {
    "rsub(tensor, tensor, alpha=2)": lambda lib, a, b: lib.rsub(a, b, alpha=2),
    "rsub(input=, other=number, alpha=2)": lambda lib, a, b: lib.rsub(input=a, other=3.0,
                                                                      alpha=2),
    "rsub(alpha=0.5)": lambda lib, a, b: lib.rsub(a, b, alpha=0.5),
    "rsub of ints, alpha=2": lambda lib, a, b: lib.rsub(lib.tensor([1, 2]), 3, alpha=2),
    "rsub(tensor, tensor)": lambda lib, a, b: lib.rsub(a, b),
}


@pytest.mark.parametrize("name", RSUB)
def test_rsub_with_alpha_as_torch(name):
    results = []
    for lib in (teachgrad, torch):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 5.0], requires_grad=True)
        out = RSUB[name](lib, a, b)
        if out.requires_grad:
            out.sum().backward()
        results.append((out, a.grad, b.grad))
    (out, a_grad, b_grad), (t_out, t_a_grad, t_b_grad) = results
    assert_same(out, t_out)
    for ours, theirs in ((a_grad, t_a_grad), (b_grad, t_b_grad)):
        assert (ours is None) == (theirs is None)
        if ours is not None:
            assert_same(ours, theirs)


def test_rsub_refuses_what_torch_refuses():
    assert_same_error(lambda: teachgrad.rsub(teachgrad.tensor([1, 2]), 3, alpha=2.5),
                      lambda: torch.rsub(torch.tensor([1, 2]), 3, alpha=2.5))
    # rsub is a function only: torch's Tensor has no rsub method
    assert hasattr(teachgrad.Tensor, "rsub") == hasattr(torch.Tensor, "rsub")


@pytest.mark.parametrize("call", [
    lambda lib: lib.result_type(tensor=lib.tensor([1, 2]), other=2.5),
    lambda lib: lib.result_type(lib.tensor([1, 2]), other=lib.tensor([1.0])),
    lambda lib: lib.result_type(lib.tensor([1], dtype=lib.uint8), lib.tensor(-1)),
])
def test_result_type_takes_torch_keywords(call):
    assert str(call(teachgrad)).split(".")[1] == str(call(torch)).split(".")[1]


def test_result_type_takes_two_operands_as_torch():
    assert_same_error(lambda: teachgrad.result_type(teachgrad.ones(1), 1, 2),
                      lambda: torch.result_type(torch.ones(1), 1, 2))


RANDOM_FILLS = {
    "random_(to=5)": (lambda x: x.random_(to=5), 0, 5),
    "random_(5)": (lambda x: x.random_(5), 0, 5),
    "random_(2, to=5)": (lambda x: x.random_(2, to=5), 2, 5),
    "random_(from=2, to=5)": (lambda x: x.random_(**{"from": 2, "to": 5}), 2, 5),
    "random_(2, 5)": (lambda x: x.random_(2, 5), 2, 5),
    "uniform_(from=2, to=3)": (lambda x: x.uniform_(**{"from": 2.0, "to": 3.0}), 2, 3),
    "uniform_(to=0.5)": (lambda x: x.uniform_(to=0.5), 0, 0.5),
    "uniform_(-1)": (lambda x: x.uniform_(-1.0), -1, 1),
}


@pytest.mark.parametrize("name", RANDOM_FILLS)
def test_random_fills_take_from_and_to_as_torch(name):
    fill, low, high = RANDOM_FILLS[name]
    for lib in (teachgrad, torch):
        lib.manual_seed(0)
        x = lib.zeros(2000)
        assert fill(x) is x
        assert low <= float(x.min()) and float(x.max()) < high, (lib.__name__, x.min(), x.max())
        if name.startswith("random_"):
            assert x.unique().numel() == high - low  # every integer of [from, to) drawn


RANDOM_FILL_ERRORS = {
    "random_(0)": lambda x: x.random_(0),
    "random_(5, 3)": lambda x: x.random_(5, 3),
    "random_(from=2)": lambda x: x.random_(**{"from": 2}),
    "random_(bad=1)": lambda x: x.random_(bad=1),
    "uniform_(3, 1)": lambda x: x.uniform_(3.0, 1.0),
    "uniform_(frm=1)": lambda x: x.uniform_(frm=1.0),
}


@pytest.mark.parametrize("name", RANDOM_FILL_ERRORS)
def test_random_fill_errors_as_torch(name):
    ours, theirs = assert_same_error(lambda: RANDOM_FILL_ERRORS[name](teachgrad.zeros(3)),
                                     lambda: RANDOM_FILL_ERRORS[name](torch.zeros(3)))
    if isinstance(theirs, RuntimeError):
        assert str(ours) == str(theirs)
