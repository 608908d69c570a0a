"""torch functions added in teachgrad/ops/api_more*.py, against torch: the same calls in
both (values, dtypes, shapes, requires_grad, gradients, error types), and a float64
finite-difference check of each differentiable one."""

from __future__ import annotations

import math

import numpy as np
import pytest
from oracle import assert_same, assert_same_error, assert_same_grads, torch, weights_like

import teachgrad
from teachgrad.autograd import gradcheck

RNG = np.random.default_rng(41)


def floats(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


def ints(*shape: int) -> np.ndarray:
    return RNG.integers(-3, 4, shape).astype(np.int64)


SPECIAL = np.array([[0.0, -0.0, 1.5, -2.0], [np.nan, np.inf, -np.inf, 0.25]], np.float32)
WITH_NAN = np.array([[1.0, np.nan, -2.0], [np.nan, np.nan, np.nan], [0.5, 3.0, -1.0]],
                    np.float32)
TIES = (np.array([1.0, np.nan, 2.0, np.nan, -1.0], np.float32),
        np.array([1.0, 3.0, np.nan, np.nan, 4.0], np.float32))
SORTED = np.sort(floats(5))

CASES = {
    # top-level names of existing methods
    "multiply": (lambda lib, a, b: lib.multiply(a, b), [floats(2, 3), floats(3)]),
    "multiply int": (lambda lib, a, b: lib.multiply(a, b), [floats(2, 3), ints(3)]),
    "subtract alpha": (lambda lib, a, b: lib.subtract(a, b, alpha=2), [floats(2, 3), floats(3)]),
    "negative": (lambda lib, a: lib.negative(a), [floats(2, 3)]),
    "square": (lambda lib, a: lib.square(a), [floats(2, 3)]),
    "square int": (lambda lib, a: lib.square(a), [ints(4)]),
    # predicates and sizes
    "is_tensor": (lambda lib, a: (lib.is_tensor(a), lib.is_tensor(3), lib.is_tensor([a])),
                  [floats(2)]),
    "is_floating_point": (lambda lib, a, b: (lib.is_floating_point(a),
                                             lib.is_floating_point(b)), [floats(2), ints(2)]),
    "numel": (lambda lib, a: lib.numel(a), [floats(2, 3)]),
    "is_nonzero": (lambda lib, a, b: (lib.is_nonzero(a), b.is_nonzero()),
                   [np.zeros((1, 1), np.float32), np.ones(1, np.int64)]),
    # broadcasting
    "broadcast_to": (lambda lib, a: lib.broadcast_to(a, (2, 3)), [floats(3)]),
    "Tensor.broadcast_to": (lambda lib, a: a.broadcast_to((4, 2, 1)), [floats(2, 1)]),
    "broadcast_tensors": (lambda lib, a, b, c: lib.broadcast_tensors(a, b, c),
                          [floats(3, 1), floats(4), ints(1, 1)]),
    # products
    "outer": (lambda lib, a, b: lib.outer(a, b), [floats(3), floats(4)]),
    "ger int": (lambda lib, a, b: lib.ger(a, b), [floats(3), ints(2)]),
    "Tensor.outer": (lambda lib, a, b: a.outer(b), [floats(2), floats(2)]),
    "inner": (lambda lib, a, b: lib.inner(a, b), [floats(2, 3), floats(4, 3)]),
    "inner vectors": (lambda lib, a, b: lib.inner(a, b), [floats(3), floats(3)]),
    "inner 0-d": (lambda lib, a, b: lib.inner(a, b), [floats(), floats(2, 3)]),
    "vdot": (lambda lib, a, b: lib.vdot(a, b), [floats(4), floats(4)]),
    "Tensor.vdot": (lambda lib, a, b: a.vdot(b), [floats(4), floats(4)]),
    # counting and NaN-aware reductions
    "count_nonzero": (lambda lib, a: lib.count_nonzero(a), [ints(3, 4)]),
    "count_nonzero dim": (lambda lib, a: lib.count_nonzero(a, dim=1), [ints(3, 4)]),
    "count_nonzero dims": (lambda lib, a: a.count_nonzero(dim=(0, 2)), [ints(3, 4, 2)]),
    "nansum": (lambda lib, a: lib.nansum(a), [WITH_NAN]),
    "nansum dim keepdim": (lambda lib, a: lib.nansum(a, 1, keepdim=True), [WITH_NAN]),
    "nansum dtype": (lambda lib, a: a.nansum(dim=0, dtype=lib.float64), [WITH_NAN]),
    "nansum int": (lambda lib, a: lib.nansum(a, 0), [ints(3, 2)]),
    "nanmean": (lambda lib, a: lib.nanmean(a), [WITH_NAN]),
    "nanmean dim": (lambda lib, a: lib.nanmean(a, dim=1), [WITH_NAN]),
    "nanmean keepdim": (lambda lib, a: a.nanmean(0, True), [WITH_NAN]),
    # elementwise tests
    "signbit": (lambda lib, a: lib.signbit(a), [SPECIAL]),
    "signbit int": (lambda lib, a: a.signbit(), [ints(5)]),
    "isneginf": (lambda lib, a: lib.isneginf(a), [SPECIAL]),
    "isposinf": (lambda lib, a: a.isposinf(), [SPECIAL]),
    "isposinf int": (lambda lib, a: lib.isposinf(a), [ints(3)]),
    "isreal": (lambda lib, a: lib.isreal(a), [SPECIAL]),
    # creation
    "logspace": (lambda lib: lib.logspace(0, 2, 5), []),
    "logspace base": (lambda lib: lib.logspace(-1, 3, steps=6, base=2), []),
    "logspace float64 grad": (lambda lib: lib.logspace(0, 1, 4, dtype=lib.float64,
                                                       requires_grad=True), []),
    "logspace int": (lambda lib: lib.logspace(0, 3, 4, dtype=lib.int64), []),
    # differences
    "diff": (lambda lib, a: lib.diff(a), [floats(3, 5)]),
    "diff n dim": (lambda lib, a: lib.diff(a, n=2, dim=0), [floats(4, 3)]),
    "diff prepend append": (lambda lib, a, p, q: a.diff(dim=1, prepend=p, append=q),
                            [floats(2, 3), floats(2, 1), floats(2, 2)]),
    "diff bool": (lambda lib, a: lib.diff(a > 0), [floats(6)]),
    "diff int": (lambda lib, a: lib.diff(a, 2), [ints(6)]),
    "diff n past length": (lambda lib, a: lib.diff(a, n=5), [floats(2, 3)]),
    # steps and NaN-ignoring extremes
    "heaviside": (lambda lib, a, v: lib.heaviside(a, v), [SPECIAL, np.float32(0.5)]),
    "Tensor.heaviside": (lambda lib, a, v: a.heaviside(v), [ints(5), ints(5)]),
    "fmax": (lambda lib, a, b: lib.fmax(a, b), list(TIES)),
    "fmin": (lambda lib, a, b: a.fmin(b), list(TIES)),
    "fmax broadcast": (lambda lib, a, b: lib.fmax(a, b), [floats(2, 3), floats(3)]),
    "fmin int": (lambda lib, a, b: lib.fmin(a, b), [ints(4), ints(4)]),
    "fmax mixed": (lambda lib, a, b: lib.fmax(a, b), [ints(4), floats(4)]),
    # float64 powers, sinc
    "float_power": (lambda lib, a: lib.float_power(a, 2), [np.abs(floats(4))]),
    "float_power tensors": (lambda lib, a, b: a.float_power(b),
                            [np.abs(floats(3)) + 0.5, floats(3)]),
    "float_power int": (lambda lib, a: lib.float_power(a, 0.5), [np.abs(ints(4))]),
    "float_power number base": (lambda lib, a: lib.float_power(2, a), [floats(4)]),
    "sinc": (lambda lib, a: lib.sinc(a), [np.array([0.0, 0.5, -1.25, 3.0], np.float32)]),
    "sinc int": (lambda lib, a: a.sinc(), [ints(5)]),
    # Kronecker, tensordot, cartesian products, block diagonals
    "kron": (lambda lib, a, b: lib.kron(a, b), [floats(2, 3), floats(4)]),
    "kron 3-d": (lambda lib, a, b: a.kron(b), [floats(2), floats(3, 2, 2)]),
    "kron int": (lambda lib, a, b: lib.kron(a, b), [ints(2, 2), ints(2, 2)]),
    "tensordot": (lambda lib, a, b: lib.tensordot(a, b), [floats(2, 3, 4), floats(3, 4, 5)]),
    "tensordot lists": (lambda lib, a, b: lib.tensordot(a, b, dims=([1, 0], [0, 2])),
                        [floats(3, 2, 4), floats(2, 5, 3)]),
    "tensordot 0": (lambda lib, a, b: lib.tensordot(a, b, dims=0), [floats(2), floats(3)]),
    "cartesian_prod": (lambda lib, a, b, c: lib.cartesian_prod(a, b, c),
                       [floats(2), floats(3), floats(2)]),
    "cartesian_prod one": (lambda lib, a: lib.cartesian_prod(a), [floats(3)]),
    "block_diag": (lambda lib, a, b, c: lib.block_diag(a, b, c),
                   [floats(2, 3), floats(), floats(2)]),
    "block_diag int": (lambda lib, a, b: lib.block_diag(a, b), [ints(2, 2), ints(1, 3)]),
    "block_diag mixed": (lambda lib, a, b: lib.block_diag(a, b), [ints(2, 2), floats(1, 3)]),
    "diagflat": (lambda lib, a: lib.diagflat(a), [floats(2, 2)]),
    "diagflat offsets": (lambda lib, a, b: (a.diagflat(1), lib.diagflat(b, offset=-2)),
                         [floats(3), floats(2)]),
    # trapezoid rule
    "trapezoid": (lambda lib, y: lib.trapezoid(y), [floats(3, 5)]),
    "trapezoid x": (lambda lib, y, x: lib.trapezoid(y, x), [floats(3, 5), SORTED]),
    "trapezoid dx dim": (lambda lib, y: lib.trapezoid(y, dx=0.5, dim=0), [floats(4, 3)]),
    "trapezoid x like y": (lambda lib, y, x: lib.trapezoid(y, x, dim=0),
                           [floats(4, 3), floats(4, 3)]),
    "trapezoid int": (lambda lib, y: lib.trapezoid(y), [ints(2, 4)]),
    "trapz x": (lambda lib, y, x: lib.trapz(y, x), [floats(2, 5), SORTED]),
    "trapz dx": (lambda lib, y: lib.trapz(y, dx=2.0, dim=0), [floats(3, 2)]),
    "cumulative_trapezoid": (lambda lib, y: lib.cumulative_trapezoid(y), [floats(3, 5)]),
    "cumulative_trapezoid x": (lambda lib, y, x: lib.cumulative_trapezoid(y, x),
                               [floats(2, 5), SORTED]),
    "cumulative_trapezoid dx": (lambda lib, y: lib.cumulative_trapezoid(y, dx=0.3, dim=0),
                                [floats(4, 2)]),
    "trapezoid empty": (lambda lib, y, x: (lib.trapezoid(y), lib.trapezoid(y, x, dim=0)),
                        [floats(2, 0), floats(2)]),
    "trapezoid empty int": (lambda lib, y: lib.trapezoid(y, dx=2), [ints(3, 0)]),
    "cumulative_trapezoid empty": (lambda lib, y: lib.cumulative_trapezoid(y, dim=1),
                                   [floats(2, 0)]),
    "cumulative_trapezoid int": (lambda lib, y: lib.cumulative_trapezoid(y), [ints(4)]),
    # add-a-product family
    "addmv": (lambda lib, i, m, v: lib.addmv(i, m, v), [floats(3), floats(3, 4), floats(4)]),
    "addmv beta alpha": (lambda lib, i, m, v: i.addmv(m, v, beta=0.5, alpha=-2),
                         [floats(1), floats(3, 4), floats(4)]),
    "addmv beta 0 nan": (lambda lib, i, m, v: lib.addmv(i, m, v, beta=0),
                         [np.full(3, np.nan, np.float32), floats(3, 4), floats(4)]),
    "addr": (lambda lib, i, a, b: lib.addr(i, a, b), [floats(3, 2), floats(3), floats(2)]),
    "addr beta alpha": (lambda lib, i, a, b: i.addr(a, b, beta=2, alpha=0.5),
                        [floats(2), floats(3), floats(2)]),
    "baddbmm": (lambda lib, i, a, b: lib.baddbmm(i, a, b, beta=0.5, alpha=2),
                [floats(2, 3, 4), floats(2, 3, 5), floats(2, 5, 4)]),
    "baddbmm broadcast": (lambda lib, i, a, b: i.baddbmm(a, b),
                          [floats(3, 1), floats(2, 3, 5), floats(2, 5, 4)]),
    "addbmm": (lambda lib, i, a, b: lib.addbmm(i, a, b, alpha=-1),
               [floats(3, 4), floats(2, 3, 5), floats(2, 5, 4)]),
    "addbmm beta 0": (lambda lib, i, a, b: i.addbmm(a, b, beta=0),
                      [floats(4), floats(2, 3, 5), floats(2, 5, 4)]),
    "addmv int truncates": (lambda lib, i, m, v: (lib.addmv(i, m, v, alpha=0.5),
                                                  i.addmv(m, v, beta=1.5, alpha=2)),
                            [ints(2), ints(2, 3), ints(3)]),
    "addbmm int truncates": (lambda lib, i, a, b: (lib.addbmm(i, a, b, beta=0.5),
                                                   lib.baddbmm(i, a, b, alpha=2.5)),
                             [ints(2, 2), ints(3, 2, 4), ints(3, 4, 2)]),
    "addr promotes": (lambda lib, i, a, b: (lib.addr(i, a, b), lib.addr(a.outer(b), a, b, beta=2)),
                      [floats(2, 3), ints(2), ints(3)]),
    "addr bool": (lambda lib, i, a, b: (lib.addr(i, a, b), lib.addr(i, a, b, beta=0),
                                        lib.addr(i, a, b, alpha=0)),
                  [ints(2, 3) > 0, ints(2) > 0, ints(3) > 0]),
    # distances and sorting
    "dist": (lambda lib, a, b: lib.dist(a, b), [floats(2, 3), floats(3)]),
    "dist p": (lambda lib, a, b: (a.dist(b, 1), a.dist(b, p=math.inf), lib.dist(a, b, 3)),
               [floats(4), floats(4)]),
    "dist zero": (lambda lib, a: lib.dist(a, a.detach()), [floats(3)]),
    "cdist": (lambda lib, a, b: lib.cdist(a, b), [floats(3, 4), floats(5, 4)]),
    "cdist batched p": (lambda lib, a, b: (lib.cdist(a, b, p=1), lib.cdist(a, b, p=math.inf),
                                           lib.cdist(a, b, 3.0)),
                        [floats(2, 3, 4), floats(1, 2, 4)]),
    "cdist zero distance": (lambda lib, a: lib.cdist(a, a[:2].detach()), [floats(3, 2)]),
    "msort": (lambda lib, a: lib.msort(a), [floats(4, 3)]),
    "Tensor.msort": (lambda lib, a: a.msort(), [ints(5)]),
}


def _make(lib, array, requires_grad: bool):
    if not isinstance(array, np.ndarray):
        array = np.asarray(array)
    grad = requires_grad and array.dtype.kind == "f"
    return lib.tensor(array.copy(), requires_grad=grad)


def _outputs(result) -> list:
    return list(result) if isinstance(result, (tuple, list)) else [result]


@pytest.mark.parametrize("name", CASES)
def test_as_torch(name: str) -> None:
    call, arrays = CASES[name]
    ours = [_make(teachgrad, array, True) for array in arrays]
    theirs = [_make(torch, array, True) for array in arrays]
    mine, expected = _outputs(call(teachgrad, *ours)), _outputs(call(torch, *theirs))
    assert len(mine) == len(expected)
    for got, want in zip(mine, expected):
        if not isinstance(want, torch.Tensor):
            assert type(got) is type(want) and got == want
            continue
        assert_same(got, want)
    backed = [(got, want) for got, want in zip(mine, expected)
              if isinstance(want, torch.Tensor) and want.requires_grad and want.grad_fn
              and "NotImplemented" not in want.grad_fn.name()]  # heaviside: tested below
    if not backed:
        return
    total_ours = total_theirs = 0
    for got, want in backed:
        weights = weights_like(want.detach().numpy())
        total_ours = total_ours + (got * teachgrad.tensor(weights)).sum()
        total_theirs = total_theirs + (want * torch.tensor(weights)).sum()
    total_ours.backward()
    total_theirs.backward()
    assert_same_grads(ours, theirs)


KEYWORDS = {  # torch's keyword names, on the functions and on the Tensor methods
    "nansum": lambda lib: lib.nansum(input=lib.ones(2, 2), dim=0, keepdim=True,
                                     dtype=lib.float64),
    "nanmean": lambda lib: lib.ones(2, 2).nanmean(dim=1, keepdim=True),
    "diff": lambda lib: lib.arange(4.0).diff(n=2, dim=0, prepend=lib.ones(1),
                                             append=lib.ones(1)),
    "cdist": lambda lib: lib.cdist(x1=lib.ones(2, 3), x2=lib.zeros(1, 3), p=1.0,
                                   compute_mode="donot_use_mm_for_euclid_dist"),
    "dist": lambda lib: lib.ones(2).dist(other=lib.zeros(2), p=1),
    "tensordot": lambda lib: lib.tensordot(a=lib.ones(2, 3), b=lib.ones(3, 2), dims=1),
    "kron": lambda lib: lib.ones(2).kron(other=lib.arange(2.0)),
    "float_power": lambda lib: lib.ones(2).float_power(exponent=2),
    "heaviside": lambda lib: lib.heaviside(input=lib.zeros(2), values=lib.ones(2)),
    "logspace": lambda lib: lib.logspace(start=0, end=1, steps=3, base=2.0,
                                         dtype=lib.float64, requires_grad=True),
    "count_nonzero": lambda lib: lib.ones(2, 2).count_nonzero(dim=0),
    "broadcast_to": lambda lib: lib.ones(1).broadcast_to(size=(2,)),
    "outer": lambda lib: lib.ger(input=lib.ones(2), vec2=lib.arange(2.0)),
    "inner": lambda lib: lib.ones(2).inner(other=lib.arange(2.0)),
    "vdot": lambda lib: lib.vdot(input=lib.ones(2), other=lib.arange(2.0)),
    "trapezoid": lambda lib: lib.trapezoid(y=lib.ones(3), x=lib.arange(3.0), dim=0),
    "cumulative_trapezoid": lambda lib: lib.cumulative_trapezoid(y=lib.ones(3), dx=2.0),
    "trapz": lambda lib: lib.trapz(lib.arange(3.0), dx=2.0, dim=-1),
    "addmv": lambda lib: lib.ones(2).addmv(mat=lib.ones(2, 2), vec=lib.ones(2), beta=2,
                                           alpha=3),
    "addr": lambda lib: lib.addr(input=lib.ones(2, 2), vec1=lib.ones(2), vec2=lib.ones(2)),
    "baddbmm": lambda lib: lib.ones(2, 2).baddbmm(batch1=lib.ones(1, 2, 2),
                                                  batch2=lib.ones(1, 2, 2), beta=2),
    "addbmm": lambda lib: lib.addbmm(input=lib.ones(2, 2), batch1=lib.ones(3, 2, 2),
                                     batch2=lib.ones(3, 2, 2), alpha=3),
    "diagflat": lambda lib: lib.ones(2).diagflat(offset=1),
    "fmin": lambda lib: lib.ones(2).fmin(other=lib.zeros(2)),
    "subtract": lambda lib: lib.subtract(input=lib.ones(2), other=lib.ones(2), alpha=2),
    "msort": lambda lib: lib.msort(input=lib.arange(3.0).flip(0)),
}


@pytest.mark.parametrize("name", KEYWORDS)
def test_keyword_names_as_torch(name: str) -> None:
    assert_same(KEYWORDS[name](teachgrad), KEYWORDS[name](torch))


def test_is_tensor_takes_its_argument_by_position_only_as_torch() -> None:
    assert_same_error(lambda: teachgrad.is_tensor(obj=teachgrad.ones(1)),
                      lambda: torch.is_tensor(obj=torch.ones(1)))


ERRORS = {
    "square of a list": lambda lib: lib.square([1.0]),
    "is_floating_point of a number": lambda lib: lib.is_floating_point(3.0),
    "is_nonzero of many": lambda lib: lib.is_nonzero(lib.ones(2)),
    "is_nonzero of none": lambda lib: lib.is_nonzero(lib.ones(0)),
    "broadcast_to a bad shape": lambda lib: lib.broadcast_to(lib.ones(3), (2, 4)),
    "broadcast_tensors that do not": lambda lib: lib.broadcast_tensors(lib.ones(3),
                                                                       lib.ones(2)),
    "broadcast_tensors of a list": lambda lib: lib.broadcast_tensors([lib.ones(2)]),
    "fmax of a number": lambda lib: lib.fmax(lib.ones(2), 1.0),
    "fmin of a number": lambda lib: lib.fmin(2.0, lib.ones(2)),
    "nanmean of ints with dtype": lambda lib: lib.nanmean(lib.ones(3, dtype=lib.int64),
                                                          dtype=lib.float32),
    "diff prepend of fewer dims": lambda lib: lib.diff(lib.ones(2, 3), prepend=lib.ones(3)),
    "cdist dtypes differ": lambda lib: lib.cdist(lib.ones(2, 3),
                                                 lib.ones(2, 3, dtype=lib.float64)),
    "outer of a matrix": lambda lib: lib.outer(lib.ones(2, 2), lib.ones(2)),
    "inner sizes differ": lambda lib: lib.inner(lib.ones(2, 3), lib.ones(4)),
    "vdot of matrices": lambda lib: lib.vdot(lib.ones(2, 2), lib.ones(2, 2)),
    "vdot sizes differ": lambda lib: lib.vdot(lib.ones(2), lib.ones(3)),
    "nanmean of ints": lambda lib: lib.nanmean(lib.ones(3, dtype=lib.int64)),
    "diff of 0-d": lambda lib: lib.diff(lib.tensor(1.0)),
    "diff negative n": lambda lib: lib.diff(lib.ones(3), n=-1),
    "heaviside dtypes differ": lambda lib: lib.heaviside(lib.ones(3), lib.ones(3,
                                                                              dtype=lib.int64)),
    "tensordot sizes differ": lambda lib: lib.tensordot(lib.ones(2, 3), lib.ones(4, 2), 1),
    "tensordot lists differ": lambda lib: lib.tensordot(lib.ones(2, 3), lib.ones(3, 2),
                                                        ([1], [0, 1])),
    "cartesian_prod of a matrix": lambda lib: lib.cartesian_prod(lib.ones(2, 2), lib.ones(2)),
    "block_diag of 3-d": lambda lib: lib.block_diag(lib.ones(2, 2, 2)),
    "trapezoid x and dx": lambda lib: lib.trapezoid(lib.ones(3), lib.ones(3), dx=1.0),
    "trapezoid x too short": lambda lib: lib.trapezoid(lib.ones(2, 4), lib.ones(3)),
    "addmv sizes differ": lambda lib: lib.addmv(lib.ones(3), lib.ones(3, 4), lib.ones(5)),
    "addmv input shape": lambda lib: lib.addmv(lib.ones(2), lib.ones(3, 4), lib.ones(4)),
    "addr of a matrix": lambda lib: lib.addr(lib.ones(2, 2), lib.ones(2, 2), lib.ones(2)),
    "baddbmm batches differ": lambda lib: lib.baddbmm(lib.ones(2, 3, 4), lib.ones(2, 3, 5),
                                                      lib.ones(3, 5, 4)),
    "addbmm batches differ": lambda lib: lib.addbmm(lib.ones(3, 4), lib.ones(4, 3, 5),
                                                    lib.ones(2, 5, 4)),
    "addr of ints with a float alpha": lambda lib: lib.addr(
        lib.ones(2, 3, dtype=lib.int64), lib.ones(2, dtype=lib.int64),
        lib.ones(3, dtype=lib.int64), alpha=0.5),
    "addmv dtypes differ": lambda lib: lib.addmv(lib.ones(2, dtype=lib.float64),
                                                 lib.ones(2, 3), lib.ones(3)),
    "baddbmm dtypes differ": lambda lib: lib.baddbmm(lib.ones(2, dtype=lib.float64),
                                                     lib.ones(1, 2, 3), lib.ones(1, 3, 2)),
    "addbmm dtypes differ": lambda lib: lib.addbmm(lib.ones(2, 2), lib.ones(1, 2, 3),
                                                   lib.ones(1, 3, 2, dtype=lib.float64)),
    "tensordot dims a pair of ints": lambda lib: lib.tensordot(lib.ones(2, 3),
                                                               lib.ones(3, 2), dims=(1, 0)),
    "heaviside shapes differ": lambda lib: lib.heaviside(lib.ones(2), lib.ones(3)),
    "cdist of vectors": lambda lib: lib.cdist(lib.ones(3), lib.ones(2, 3)),
    "cdist columns differ": lambda lib: lib.cdist(lib.ones(2, 3), lib.ones(2, 4)),
    "cdist negative p": lambda lib: lib.cdist(lib.ones(2, 3), lib.ones(2, 3), p=-1.0),
    "cdist of ints": lambda lib: lib.cdist(lib.ones(2, 3, dtype=lib.int64),
                                           lib.ones(2, 3, dtype=lib.int64)),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_as_torch(name: str) -> None:
    assert_same_error(lambda: ERRORS[name](teachgrad), lambda: ERRORS[name](torch))


def test_heaviside_of_a_tensor_that_requires_grad_as_torch() -> None:
    values = teachgrad.tensor(0.5)
    for lib, x in ((teachgrad, teachgrad.ones(3, requires_grad=True)),
                   (torch, torch.ones(3, requires_grad=True))):
        with pytest.raises(RuntimeError):
            lib.heaviside(x, values if lib is teachgrad else torch.tensor(0.5)).sum().backward()


def _f64(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape)


GRADCHECKS = {
    "multiply": (lambda a, b: teachgrad.multiply(a, b), [_f64(2, 3), _f64(3)]),
    "subtract": (lambda a, b: teachgrad.subtract(a, b, alpha=3), [_f64(2, 3), _f64(3)]),
    "negative": (teachgrad.negative, [_f64(3)]),
    "square": (teachgrad.square, [_f64(3)]),
    "broadcast_to": (lambda a: teachgrad.broadcast_to(a, (2, 3)), [_f64(3)]),
    "broadcast_tensors": (lambda a, b: teachgrad.broadcast_tensors(a, b)[0] *
                          teachgrad.broadcast_tensors(a, b)[1], [_f64(3, 1), _f64(2)]),
    "outer": (teachgrad.outer, [_f64(3), _f64(2)]),
    "inner": (teachgrad.inner, [_f64(2, 3), _f64(4, 3)]),
    "vdot": (teachgrad.vdot, [_f64(4), _f64(4)]),
    "nansum": (lambda a: teachgrad.nansum(a, 1), [WITH_NAN.astype(np.float64)]),
    "nanmean": (lambda a: teachgrad.nanmean(a, 0), [WITH_NAN.astype(np.float64)]),
    "diff": (lambda a, p: teachgrad.diff(a, 2, dim=0, prepend=p), [_f64(3, 2), _f64(1, 2)]),
    "fmax": (teachgrad.fmax, [_f64(5), _f64(5)]),
    "fmin": (teachgrad.fmin, [_f64(5), _f64(5)]),
    "float_power": (teachgrad.float_power, [np.abs(_f64(3)) + 0.5, _f64(3)]),
    "sinc": (teachgrad.sinc, [np.array([0.0, 0.3, -1.7, 2.2])]),
    "kron": (teachgrad.kron, [_f64(2, 2), _f64(3)]),
    "tensordot": (lambda a, b: teachgrad.tensordot(a, b, ([0, 2], [2, 0])),
                  [_f64(2, 3, 4), _f64(4, 2, 2)]),
    "cartesian_prod": (teachgrad.cartesian_prod, [_f64(2), _f64(3)]),
    "block_diag": (teachgrad.block_diag, [_f64(2, 2), _f64(3), _f64()]),
    "diagflat": (lambda a: teachgrad.diagflat(a, -1), [_f64(2, 2)]),
    "trapezoid": (lambda y, x: teachgrad.trapezoid(y, x), [_f64(2, 4), _f64(4)]),
    "trapezoid dx": (lambda y: teachgrad.trapezoid(y, dx=0.3, dim=0), [_f64(4, 2)]),
    "cumulative_trapezoid": (lambda y, x: teachgrad.cumulative_trapezoid(y, x),
                             [_f64(2, 4), _f64(4)]),
    "addmv": (lambda i, m, v: teachgrad.addmv(i, m, v, beta=0.5, alpha=2),
              [_f64(3), _f64(3, 2), _f64(2)]),
    "addr": (lambda i, a, b: teachgrad.addr(i, a, b, beta=-1), [_f64(3, 2), _f64(3), _f64(2)]),
    "baddbmm": (lambda i, a, b: teachgrad.baddbmm(i, a, b, alpha=0.5),
                [_f64(2, 1, 3), _f64(2, 2, 4), _f64(2, 4, 3)]),
    "addbmm": (lambda i, a, b: teachgrad.addbmm(i, a, b, beta=0),
               [_f64(2, 3), _f64(2, 2, 4), _f64(2, 4, 3)]),
    "dist": (lambda a, b: teachgrad.dist(a, b, 3), [_f64(2, 3), _f64(3)]),
    "cdist": (lambda a, b: teachgrad.cdist(a, b), [_f64(2, 3, 4), _f64(2, 2, 4)]),
    "cdist p=1": (lambda a, b: teachgrad.cdist(a, b, p=1), [_f64(3, 2), _f64(2, 2)]),
    "msort": (teachgrad.msort, [_f64(4, 3)]),
}


@pytest.mark.parametrize("name", GRADCHECKS)
def test_gradients_match_finite_differences(name: str) -> None:
    function, arrays = GRADCHECKS[name]
    inputs = [teachgrad.tensor(np.asarray(array, np.float64), requires_grad=True)
              for array in arrays]
    assert gradcheck(function, inputs)


def _on(device: str, array, requires_grad: bool):
    array = np.asarray(array)
    grad = requires_grad and array.dtype.kind == "f"
    return teachgrad.tensor(array.copy(), device=device, requires_grad=grad)


@pytest.mark.parametrize("name", [name for name in CASES if CASES[name][1]])
def test_gpu_path_matches_cpu_on_fake_cupy(name: str, monkeypatch) -> None:
    """One code path: on tests/fake_cupy.py (CuPy's strictness on the CPU) each case gives
    the CPU's values and gradients, on the device."""
    import fake_cupy

    fake_cupy.install(monkeypatch)
    call, arrays = CASES[name]
    results = []
    for device in ("cpu", "cuda"):
        inputs = [_on(device, array, True) for array in arrays]
        outputs = [out for out in _outputs(call(teachgrad, *inputs))
                   if isinstance(out, teachgrad.Tensor)]
        if device == "cuda":
            assert all(out.is_cuda for out in outputs)
        graded = [out for out in outputs if out.requires_grad and out.grad_fn is not None
                  and "NotImplemented" not in type(out.grad_fn).__name__]
        if graded:
            sum(out.float().sum() for out in graded).backward()
        results.append(([out.cpu() for out in outputs],
                        [x.grad.cpu() for x in inputs if x.grad is not None]))
    for mine, cpu in zip(results[1][0] + results[1][1], results[0][0] + results[0][1]):
        np.testing.assert_allclose(mine.detach().numpy(), cpu.detach().numpy(),
                                   rtol=1e-6, equal_nan=True)


def test_logspace_on_the_device_on_fake_cupy(monkeypatch) -> None:
    import fake_cupy

    fake_cupy.install(monkeypatch)
    out = teachgrad.logspace(-1, 2, 4, base=3, device="cuda")
    assert out.is_cuda
    np.testing.assert_allclose(out.cpu().numpy(), teachgrad.logspace(-1, 2, 4, base=3).numpy())


def _out_operands(lib) -> dict:
    rng = np.random.default_rng(7)
    vector, matrix = rng.standard_normal(3), rng.standard_normal((3, 3))
    spd = matrix @ matrix.T + 3 * np.eye(3)
    return {"a": lib.tensor(vector), "m": lib.tensor(matrix), "spd": lib.tensor(spd),
            "batch": lib.tensor(matrix[None].copy())}


OUT_CALLS = {
    "outer": lambda lib, t, out: lib.outer(t["a"], t["a"], out=out),
    "ger": lambda lib, t, out: lib.ger(t["a"], t["a"], out=out),
    "inner": lambda lib, t, out: lib.inner(t["a"], t["a"], out=out),
    "vdot": lambda lib, t, out: lib.vdot(t["a"], t["a"], out=out),
    "kron": lambda lib, t, out: lib.kron(t["a"], t["a"], out=out),
    "tensordot": lambda lib, t, out: lib.tensordot(t["m"], t["m"], dims=1, out=out),
    "nansum": lambda lib, t, out: lib.nansum(t["m"], out=out),
    "nanmean": lambda lib, t, out: lib.nanmean(t["m"], dim=0, out=out),
    "diff": lambda lib, t, out: lib.diff(t["a"], out=out),
    "heaviside": lambda lib, t, out: lib.heaviside(t["a"], t["a"][:1], out=out),
    "fmax": lambda lib, t, out: lib.fmax(t["a"], t["a"].flip(0), out=out),
    "fmin": lambda lib, t, out: lib.fmin(t["a"], t["a"].flip(0), out=out),
    "sinc": lambda lib, t, out: lib.sinc(t["a"], out=out),
    "addmm": lambda lib, t, out: lib.addmm(t["m"], t["m"], t["m"], out=out),
    "addmv": lambda lib, t, out: lib.addmv(t["a"], t["m"], t["a"], out=out),
    "addr": lambda lib, t, out: lib.addr(t["m"], t["a"], t["a"], out=out),
    "baddbmm": lambda lib, t, out: lib.baddbmm(t["m"], t["batch"], t["batch"], out=out),
    "addbmm": lambda lib, t, out: lib.addbmm(t["m"], t["batch"], t["batch"], out=out),
    "histc": lambda lib, t, out: lib.histc(t["a"], bins=4, out=out),
    "renorm": lambda lib, t, out: lib.renorm(t["m"], 2, 0, 1.0, out=out),
    "quantile": lambda lib, t, out: lib.quantile(t["a"], 0.5, out=out),
    "nanquantile": lambda lib, t, out: lib.nanquantile(t["a"], 0.5, out=out),
    "inverse": lambda lib, t, out: lib.inverse(t["spd"], out=out),
    "matrix_power": lambda lib, t, out: lib.matrix_power(t["m"], 2, out=out),
    "cholesky": lambda lib, t, out: lib.cholesky(t["spd"], out=out),
    "logspace": lambda lib, t, out: lib.logspace(0, 2, 3, out=out),
}


@pytest.mark.filterwarnings("ignore:torch.ger is deprecated")
@pytest.mark.filterwarnings("ignore:torch.cholesky is deprecated")
@pytest.mark.parametrize("name", OUT_CALLS)
def test_out_argument_as_torch(name):
    results = []
    for lib in (teachgrad, torch):
        out = lib.empty(0, dtype=lib.float64)
        result = OUT_CALLS[name](lib, _out_operands(lib), out)
        assert result is out
        results.append(result)
    assert_same(*results)
