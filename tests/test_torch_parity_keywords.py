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
