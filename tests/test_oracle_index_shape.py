"""Indexing and shaping breadth (ops/index_shape_api.py), run in teachgrad and in torch.

einsum, scatter/scatter_add/scatter_reduce, index_add/index_select, masked_select/
masked_scatter, nonzero, unique, tril/triu, diag/diagonal/diag_embed, meshgrid,
Tensor.unfold, repeat_interleave, cross, and the in-place forms torch has. Each case
goes through the core suite's runner (values, dtype, shape, requires_grad, grad_fn
name, gradients of (out * w).sum()) and on the (fake) GPU; its second derivatives are
compared in tests/test_gradcheck_index_shape.py. Errors are compared by exception
type, with the input checked unchanged after a failed in-place op.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import assert_same, assert_same_error, grad_fn_name, torch
from test_devices_ops import check_case
from test_oracle_ops import Const, _flatten, _pairs, run

import teachgrad

RNG = np.random.default_rng(20261203)


def randn(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape)


def distinct(*shape: int) -> np.ndarray:
    count = int(np.prod(shape))
    return (RNG.permutation(count).reshape(shape) * 0.37 - count * 0.15).astype(np.float64)


def rows_without_repeats(rows: int, picked: int, columns: int) -> np.ndarray:
    """An index along dim 0 that names each row at most once per column (plain scatter
    with a repeated place keeps an unspecified one of the values, in torch too)."""
    return np.stack([RNG.permutation(rows)[:picked] for _ in range(columns)], axis=1)


def ints(*shape: int, low: int, high: int) -> np.ndarray:
    return RNG.integers(low, high, shape)


CASES: list = []


def case(name: str, fn: Callable, *args: Any, **options: Any) -> None:
    CASES.append(pytest.param(fn, args, options, id=name))


# --------------------------------------------------------------------------- scatter

_idx0 = rows_without_repeats(4, 3, 5)
case("scatter-dim0", lambda m, x, i, s: m.scatter(x, 0, i, s), randn(4, 5), _idx0, randn(3, 5))
case("scatter-dim1-method", lambda m, x, i, s: x.scatter(1, i, s), randn(5, 4), _idx0.T.copy(),
     randn(5, 3))
case("scatter-negative-dim", lambda m, x, i, s: x.scatter(-2, i, s), randn(4, 5), _idx0,
     randn(3, 5))
case("scatter-value", lambda m, x, i: x.scatter(0, i, 2.5), randn(4, 5), _idx0)
case("scatter-value-keyword", lambda m, x, i: m.scatter(x, 0, i, value=-1.0), randn(4, 5), _idx0)
case("scatter-src-keyword", lambda m, x, i, s: x.scatter(0, i, src=s), randn(4, 5), _idx0,
     randn(3, 5))
case("scatter-narrow-index", lambda m, x, i, s: x.scatter(0, i, s), randn(4, 5),
     _idx0[:2, :3].copy(), randn(2, 3))
case("scatter-int", lambda m, x, i, s: x.scatter(0, i, s), ints(4, 5, low=-5, high=5), _idx0,
     ints(3, 5, low=10, high=20))
case("scatter-int-value", lambda m, x, i: x.scatter(0, i, 7), ints(4, 5, low=-5, high=5), _idx0)
case("scatter-3d", lambda m, x, i, s: x.scatter(1, i, s), randn(2, 3, 2),
     np.array([[[2, 0], [0, 1]], [[1, 1], [2, 0]]]), randn(2, 2, 2))
case("scatter-empty-index", lambda m, x, i, s: x.scatter(0, i, s), randn(3),
     np.zeros(0, dtype=np.int64), Const(randn(2)))
case("scatter-0d", lambda m, x, i, s: x.scatter(0, i, s), np.array(1.5), np.array(0),
     np.array(-2.0))
case("scatter-reduce-add-no-grad",
     lambda m, x, i, s: _quietly(lambda: x.scatter(0, i, s, reduce="add")),
     Const(randn(4, 5)), np.array([[0, 0, 1, 3, 3]]), Const(randn(1, 5)))
case("scatter-reduce-multiply-value", lambda m, x, i: x.scatter(0, i, 3.0, reduce="multiply"),
     Const(randn(4, 5)), np.array([[0, 0, 1, 3, 3], [0, 2, 1, 3, 3]]))
case("scatter_add", lambda m, x, i, s: m.scatter_add(x, 0, i, s), randn(3, 4),
     ints(5, 4, low=0, high=3), randn(5, 4))
case("scatter_add-method-dim1", lambda m, x, i, s: x.scatter_add(1, i, s), randn(3, 4),
     ints(3, 6, low=0, high=4), randn(3, 6))
case("scatter_add-int", lambda m, x, i, s: x.scatter_add(0, i, s), ints(3, low=0, high=5),
     np.array([0, 0, 2, 0]), ints(4, low=-3, high=3))
case("scatter_add-int32-index", lambda m, x, i, s: x.scatter_add(0, i.int(), s), randn(3),
     np.array([0, 0, 2, 1]), randn(4))
case("scatter_add-bool", lambda m, x, i, s: x.scatter_add(0, i, s),
     np.array([True, False, False]), np.array([1, 2]), np.array([False, True]))

for _reduce in ["sum", "prod", "mean", "amax", "amin"]:
    for _self in [True, False]:
        case(f"scatter_reduce-{_reduce}-self{_self}",
             lambda m, x, i, s, r=_reduce, k=_self: m.scatter_reduce(x, 0, i, s, r,
                                                                     include_self=k),
             distinct(3, 4), ints(5, 4, low=0, high=2), distinct(5, 4))
        case(f"scatter_reduce-{_reduce}-int-self{_self}",
             lambda m, x, i, s, r=_reduce, k=_self: x.scatter_reduce(1, i, s, r,
                                                                     include_self=k),
             ints(2, 4, low=-9, high=9), ints(2, 5, low=0, high=3), ints(2, 5, low=-9, high=9))
case("scatter_reduce-mean-negative-ints", lambda m, x, i, s: x.scatter_reduce(0, i, s, "mean"),
     np.array([-1, 2, 0]), np.array([0, 1, 1, 2]), np.array([-2, -3, 0, -5]))
case("scatter_reduce-prod-zeros", lambda m, x, i, s: x.scatter_reduce(0, i, s, "prod"),
     np.array([2.0, 0.0, 3.0, 1.5]), np.array([0, 0, 1, 2, 2, 3]),
     np.array([0.0, 1.5, 2.0, 0.5, 0.0, -1.0]))
case("scatter_reduce-prod-zeros-no-self",
     lambda m, x, i, s: x.scatter_reduce(0, i, s, "prod", include_self=False),
     np.array([2.0, 0.0, 3.0]), np.array([0, 0, 1, 2]), np.array([0.0, 1.5, 2.0, 0.0]))
case("scatter_reduce-amax-ties", lambda m, x, i, s: x.scatter_reduce(0, i, s, "amax"),
     np.array([1.0, 5.0, 0.0]), np.array([0, 0, 1, 2]), np.array([1.0, 1.0, 5.0, -1.0]))
case("scatter_reduce-amin-ties-no-self",
     lambda m, x, i, s: x.scatter_reduce(0, i, s, "amin", include_self=False),
     np.array([1.0, 5.0, 0.0]), np.array([0, 0, 1, 1]), np.array([2.0, 2.0, 5.0, 6.0]))
case("scatter_reduce-untouched-places", lambda m, x, i, s: x.scatter_reduce(0, i, s, "mean",
                                                                            include_self=False),
     randn(5), np.array([1, 1]), randn(2))

# --------------------------------------------------------------------------- index_add/select

case("index_select-dim0", lambda m, x, i: m.index_select(x, 0, i), randn(4, 3),
     np.array([3, 0, 0, 2]))
case("index_select-dim1-method", lambda m, x, i: x.index_select(1, i), randn(2, 4, 3),
     np.array([1, 3]))
case("index_select-0d-index", lambda m, x, i: x.index_select(-1, i), randn(2, 4), np.array(2))
case("index_select-int32", lambda m, x, i: x.index_select(0, i.int()), randn(3), np.array([2, 1]))
case("index_select-empty", lambda m, x, i: x.index_select(0, i), randn(3, 2),
     np.zeros(0, dtype=np.int64))
case("index_select-ints", lambda m, x, i: x.index_select(0, i), ints(4, low=0, high=9),
     np.array([1, 1, 3]))
case("index_select-0d-input", lambda m, x, i: x.index_select(0, i), np.array(2.5), np.array([0]))
case("index_add", lambda m, x, i, s: m.index_add(x, 0, i, s), randn(4, 3), np.array([3, 0, 3]),
     randn(3, 3))
case("index_add-alpha", lambda m, x, i, s: x.index_add(1, i, s, alpha=-2.5), randn(2, 4),
     np.array([1, 1, 0]), randn(2, 3))
case("index_add-ints", lambda m, x, i, s: x.index_add(0, i, s), ints(3, 2, low=0, high=9),
     np.array([2, 2]), ints(2, 2, low=0, high=9))
case("index_add-0d-index", lambda m, x, i, s: x.index_add(0, i, s), randn(3), np.array(1),
     randn(1))

case("index_fill", lambda m, x, i: m.index_fill(x, 1, i, -1.5), randn(3, 4), np.array([0, 2]))
case("index_fill-negative-index", lambda m, x, i: x.index_fill(0, i, 2.0), randn(3, 2),
     np.array([-1, 0]))
case("index_fill-tensor-value", lambda m, x, i, v: x.index_fill(1, i, v), randn(3, 4),
     np.array([3, 1, 3]), np.array(0.5))
case("index_fill-0d-index", lambda m, x, i: x.index_fill(0, i, 7), ints(3, 2, low=0, high=5),
     np.array(1))
case("index_copy", lambda m, x, i, s: m.index_copy(x, 0, i, s), randn(4, 3), np.array([3, 0]),
     randn(2, 3))
case("index_copy-method-dim1", lambda m, x, i, s: x.index_copy(1, i, s), randn(2, 4),
     np.array([1, 2, 0]), randn(2, 3))
case("index_copy-ints", lambda m, x, i, s: x.index_copy(0, i, s), ints(3, low=0, high=5),
     np.array([2]), ints(1, low=5, high=9))
case("take_along_dim", lambda m, x, i: m.take_along_dim(x, i, 1), randn(3, 4),
     ints(3, 2, low=0, high=4))
case("take_along_dim-flat", lambda m, x, i: m.take_along_dim(x, i), randn(3, 4),
     np.array([0, 11, 5, 5]))
case("take_along_dim-broadcast", lambda m, x, i: x.take_along_dim(i, dim=0), randn(4, 1, 3),
     ints(2, 5, 1, low=-4, high=4))
case("take_along_dim-argsort", lambda m, x: m.take_along_dim(x, x.argsort(dim=1), dim=1),
     distinct(3, 4))

case("index_put", lambda m, x, i, j, v: m.index_put(x, (i, j), v), randn(3, 4),
     np.array([0, 2]), np.array([1, 3]), randn(2))
case("index_put-accumulate", lambda m, x, i, j, v: x.index_put((i, j), v, accumulate=True),
     randn(3, 4), np.array([0, 0, 2]), np.array([1, 1, 3]), randn(3))
case("index_put-accumulate-rows", lambda m, x, i, v: x.index_put([i], v, accumulate=True),
     randn(3, 2), np.array([2, 0, 2]), randn(2))
case("index_put-accumulate-mask", lambda m, x, k, v: x.index_put((k,), v, accumulate=True),
     randn(4), np.array([True, False, True, True]), np.array(2.5))
case("index_put-ints", lambda m, x, i, v: x.index_put((i,), v, accumulate=True),
     ints(3, low=0, high=5), np.array([1, 1]), ints(2, low=1, high=4))
case("index_put-broadcast-value", lambda m, x, i, v: m.index_put(x, (i,), v), randn(3, 2),
     np.array([0, 2]), randn(2))

# --------------------------------------------------------------------------- masks

_mask = RNG.random((3, 4)) < 0.5
case("masked_select", lambda m, x, k: m.masked_select(x, k), randn(3, 4), _mask)
case("masked_select-broadcast-mask", lambda m, x, k: x.masked_select(k), randn(3, 4),
     np.array([True, False, True, True]))
case("masked_select-broadcast-input", lambda m, x, k: x.masked_select(k), randn(4), _mask)
case("masked_select-ints", lambda m, x, k: x.masked_select(k), ints(3, 4, low=0, high=9), _mask)
case("masked_select-none", lambda m, x, k: x.masked_select(k), randn(3), np.zeros(3, bool))
case("masked_scatter", lambda m, x, k, s: m.masked_scatter(x, k, s), randn(3, 4), _mask,
     randn(4, 3))
case("masked_scatter-method-broadcast", lambda m, x, k, s: x.masked_scatter(k, s), randn(3, 4),
     np.array([True, False, True, False]), randn(7))
case("masked_scatter-ints", lambda m, x, k, s: x.masked_scatter(k, s), ints(3, low=0, high=9),
     np.array([True, False, True]), ints(2, low=10, high=20))

# --------------------------------------------------------------------------- triangles

for _name in ["tril", "triu"]:
    for _k in [0, 1, -1, 5, -7]:
        case(f"{_name}-{_k}", lambda m, x, n=_name, k=_k: getattr(m, n)(x, k), randn(3, 4))
    case(f"{_name}-batch", lambda m, x, n=_name: getattr(x, n)(diagonal=1), randn(2, 4, 3))
    case(f"{_name}-bool", lambda m, x, n=_name: getattr(x, n)(), np.ones((3, 3), bool))
    case(f"{_name}-ints", lambda m, x, n=_name: getattr(m, n)(x), ints(3, 3, low=1, high=9))
    case(f"{_name}-empty", lambda m, x, n=_name: getattr(m, n)(x), randn(0, 3))

# --------------------------------------------------------------------------- diagonals

for _k in [0, 2, -1, 5]:
    case(f"diag-vector-{_k}", lambda m, x, k=_k: m.diag(x, k), randn(3))
    case(f"diag-matrix-{_k}", lambda m, x, k=_k: x.diag(k), randn(3, 4))
    case(f"diagonal-{_k}", lambda m, x, k=_k: m.diagonal(x, k), randn(4, 3))
case("diag-ints", lambda m, x: m.diag(x), ints(3, low=0, high=9))
case("diagonal-dims", lambda m, x: x.diagonal(1, 0, 2), randn(2, 3, 4))
case("diagonal-negative-dims", lambda m, x: x.diagonal(-1, -1, 0), randn(3, 2, 4))
case("diagonal-keyword", lambda m, x: m.diagonal(x, offset=1, dim1=1, dim2=2), randn(2, 3, 3))
case("diagonal-then-op", lambda m, x: x.diagonal() * 2, randn(3, 3))
case("diag_embed", lambda m, x: m.diag_embed(x), randn(2, 3))
case("diag_embed-dims", lambda m, x: m.diag_embed(x, 1, 0, 2), randn(2, 3))
case("trace", lambda m, x: m.trace(x), randn(3, 4))
case("trace-method-tall", lambda m, x: x.trace(), randn(4, 2))
case("trace-ints", lambda m, x: x.trace(), ints(3, 3, low=-5, high=5))
case("trace-int32", lambda m, x: x.int().trace(), ints(2, 2, low=-5, high=5))
case("trace-empty", lambda m, x: x.trace(), randn(0, 3))
case("fill_diagonal_", lambda m, x: (x * 1).fill_diagonal_(2.5), randn(3, 4))
case("fill_diagonal_-tall-wrap", lambda m, x: (x * 1).fill_diagonal_(-1, wrap=True), randn(7, 3))
case("fill_diagonal_-tall", lambda m, x: (x * 1).fill_diagonal_(-1), randn(7, 3))
case("fill_diagonal_-cube", lambda m, x: (x * 1).fill_diagonal_(0.5), randn(3, 3, 3))
case("fill_diagonal_-ints", lambda m, x: x.fill_diagonal_(9), ints(3, 3, low=0, high=5))

# --------------------------------------------------------------------------- grids, windows

for _indexing in ["ij", "xy"]:
    case(f"meshgrid-{_indexing}", lambda m, a, b, i=_indexing: m.meshgrid(a, b, indexing=i),
         randn(2), randn(3))
    case(f"meshgrid-three-{_indexing}",
         lambda m, a, b, c, i=_indexing: m.meshgrid(a, b, c, indexing=i),
         randn(2), randn(3), np.array(1.5))
    case(f"meshgrid-list-{_indexing}", lambda m, a, b, i=_indexing: m.meshgrid([a, b],
                                                                               indexing=i),
         ints(4, low=0, high=9), ints(2, low=0, high=9))
case("meshgrid-one", lambda m, a: m.meshgrid(a, indexing="xy"), randn(3))
for _size, _step in [(2, 1), (3, 2), (1, 3), (4, 1), (0, 1), (2, 5)]:
    case(f"unfold-{_size}-{_step}", lambda m, x, s=_size, t=_step: x.unfold(1, s, t),
         randn(2, 4, 3))
case("unfold-last-dim", lambda m, x: x.unfold(-1, 2, 2), randn(3, 5))
case("unfold-twice", lambda m, x: x.unfold(0, 3, 1).unfold(1, 2, 2), randn(5, 4))
case("unfold-0d", lambda m, x: x.unfold(0, 1, 1), np.array(2.5))
case("unfold-ints", lambda m, x: x.unfold(0, 2, 1), ints(5, low=0, high=9))

# --------------------------------------------------------------------------- repeat_interleave

case("repeat_interleave-int", lambda m, x: x.repeat_interleave(2), randn(2, 3))
case("repeat_interleave-int-dim", lambda m, x: m.repeat_interleave(x, 3, dim=1), randn(2, 3))
case("repeat_interleave-int-negative-dim", lambda m, x: x.repeat_interleave(2, dim=-2),
     randn(2, 3))
case("repeat_interleave-vector", lambda m, x: x.repeat_interleave(2), randn(4))
case("repeat_interleave-0d", lambda m, x: x.repeat_interleave(3), np.array(1.25))
case("repeat_interleave-zero", lambda m, x: x.repeat_interleave(0, dim=0), randn(2, 3))
case("repeat_interleave-tensor", lambda m, x, r: x.repeat_interleave(r, dim=0), randn(3, 2),
     np.array([1, 0, 3]))
case("repeat_interleave-tensor-flat", lambda m, x, r: m.repeat_interleave(x, r), randn(2, 2),
     np.array([2, 1, 0, 1]))
case("repeat_interleave-one-count", lambda m, x, r: x.repeat_interleave(r, dim=1), randn(2, 3),
     np.array([2]))
case("repeat_interleave-0d-count", lambda m, x, r: x.repeat_interleave(r, dim=1), randn(2, 3),
     np.array(2))
case("repeat_interleave-output-size", lambda m, x: x.repeat_interleave(2, dim=0,
                                                                         output_size=4),
     randn(2, 3))
case("repeat_interleave-counts-only", lambda m, r: m.repeat_interleave(r), np.array([2, 0, 3]))
case("repeat_interleave-counts-int32", lambda m, r: m.repeat_interleave(r.int()),
     np.array([1, 2]))
case("repeat_interleave-0d-tensor", lambda m, x, r: x.repeat_interleave(r), np.array(1.5),
     np.array([2]))
case("repeat_interleave-ints", lambda m, x: x.repeat_interleave(2), ints(3, low=0, high=9))

# --------------------------------------------------------------------------- cross

case("cross-dim", lambda m, a, b: m.cross(a, b, dim=1), randn(4, 3), randn(4, 3))
case("cross-method-dim0", lambda m, a, b: a.cross(b, dim=0), randn(3, 2), randn(3, 2))
case("cross-broadcast", lambda m, a, b: m.cross(a, b, dim=-1), randn(2, 1, 3), randn(1, 4, 3))
case("cross-ints", lambda m, a, b: m.cross(a, b, dim=0), ints(3, low=-5, high=5),
     ints(3, low=-5, high=5))
case("cross-no-dim", lambda m, a, b: _quietly(lambda: m.cross(a, b)), randn(2, 3, 3),
     randn(2, 3, 3))


def _quietly(call: Callable) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call()


# --------------------------------------------------------------------------- einsum

EINSUMS = {
    "matmul": ("ij,jk->ik", [(2, 3), (3, 4)]),
    "batch-matmul": ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
    "dot": ("i,i->", [(3,), (3,)]),
    "outer": ("i,j->ij", [(2,), (3,)]),
    "trace": ("ii", [(3, 3)]),
    "diagonal": ("ii->i", [(3, 3)]),
    "transpose": ("ij->ji", [(2, 3)]),
    "sum-all": ("ij->", [(2, 3)]),
    "column-sums": ("ij->j", [(2, 3)]),
    "implicit-matmul": ("ij,jk", [(2, 3), (3, 4)]),
    "implicit-order": ("ba", [(2, 3)]),
    "matvec": ("ij,j->i", [(2, 3), (3,)]),
    "rowwise-dot": ("ij,ij->i", [(2, 3), (2, 3)]),
    "hadamard": ("ij,ij->ij", [(2, 3), (2, 3)]),
    "bilinear": ("bn,anm,bm->ba", [(2, 3), (4, 3, 2), (2, 2)]),
    "three-chain": ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    "ellipsis": ("...ij,...jk->...ik", [(2, 2, 3), (2, 3, 4)]),
    "ellipsis-broadcast": ("...ij,jk->...ik", [(4, 2, 3), (3, 2)]),
    "ellipsis-middle": ("i...j->j...i", [(2, 3, 4, 2)]),
    "ellipsis-summed": ("...i->i", [(2, 3, 4)]),
    "broadcast-size-1": ("ij,jk->ik", [(2, 1), (3, 4)]),
    "summed-in-one": ("ij,k->i", [(2, 3), (4,)]),
    "attention": ("bhqd,bhkd->bhqk", [(1, 2, 3, 4), (1, 2, 5, 4)]),
    "repeated-in-two": ("iij,jk->ik", [(2, 2, 3), (3, 2)]),
    "capital": ("Ab,bC->AC", [(2, 3), (3, 2)]),
    "spaces": ("i j , j k -> i k", [(2, 3), (3, 4)]),
    "scalar": (",i->i", [(), (3,)]),
}
for _name, (_equation, _shapes) in EINSUMS.items():
    case(f"einsum-{_name}", lambda m, *ops, e=_equation: m.einsum(e, *ops),
         *[randn(*shape) for shape in _shapes])
case("einsum-list", lambda m, a, b: m.einsum("ij,jk->ik", [a, b]), randn(2, 3), randn(3, 2))
case("einsum-ints", lambda m, a, b: m.einsum("ij,jk->ik", a, b), ints(2, 3, low=-3, high=3),
     ints(3, 2, low=-3, high=3))
case("einsum-identity", lambda m, a: m.einsum("ij->ij", a), randn(2, 3))
case("einsum-sublists", lambda m, a, b: m.einsum(a, [0, 1], b, [1, 27], [27, 0]), randn(2, 3),
     randn(3, 4))
case("einsum-sublists-implicit", lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2]), randn(2, 3),
     randn(3, 4))
case("einsum-sublists-ellipsis", lambda m, a, b: m.einsum(a, [..., 1], b, [1, 2], [..., 2]),
     randn(5, 2, 3), randn(3, 4))


# --------------------------------------------------------------------------- rearranging dims

case("movedim", lambda m, x: x.movedim(0, 2), randn(2, 3, 4))
case("movedim-tuples", lambda m, x: m.movedim(x, (0, 1), (2, 0)), randn(2, 3, 4))
case("movedim-negative", lambda m, x: x.movedim(-1, 0), randn(2, 3, 4))
case("moveaxis", lambda m, x: m.moveaxis(x, [0, 2], [1, 0]), randn(2, 3, 4))
case("swapdims", lambda m, x: x.swapdims(0, -1), randn(2, 3, 4))
case("ravel", lambda m, x: m.ravel(x), randn(2, 3))
case("ravel-transposed", lambda m, x: x.t().ravel(), randn(2, 3))
for _k in [0, 1, 2, 3, -1, 5]:
    case(f"rot90-{_k}", lambda m, x, k=_k: x.rot90(k, (0, 2)), randn(2, 3, 4))
case("rot90-default", lambda m, x: m.rot90(x), randn(2, 3))
case("rot90-negative-dims", lambda m, x: m.rot90(x, 1, [-1, 0]), randn(2, 3))
case("rot90-ints", lambda m, x: x.rot90(), ints(2, 3, low=0, high=9))
case("take", lambda m, x, i: m.take(x, i), randn(2, 3), np.array([[0, 5], [-1, 0]]))
case("take-method-0d-input", lambda m, x, i: x.take(i), np.array(2.5), np.array([0, -1, 0]))
case("take-ints", lambda m, x, i: x.take(i), ints(3, low=0, high=9), np.array(2))


# --------------------------------------------------------------------------- stacking, splitting

case("atleast_1d", lambda m, a, b: m.atleast_1d(a, b), np.array(1.5), randn(2))
case("atleast_2d", lambda m, a, b, c: m.atleast_2d([a, b, c]), np.array(1.5), randn(3),
     randn(2, 3))
case("atleast_3d", lambda m, a, b, c: m.atleast_3d(a, b, c), np.array(1.5), randn(3),
     randn(2, 3))
case("atleast_2d-one", lambda m, a: m.atleast_2d(a), randn(3))
case("hstack-vectors", lambda m, a, b: m.hstack([a, b]), randn(2), randn(3))
case("hstack-matrices", lambda m, a, b: m.hstack((a, b)), randn(2, 1), randn(2, 3))
case("hstack-numbers", lambda m, a, b: m.hstack([a, b]), np.array(1.0), np.array(2.0))
case("vstack", lambda m, a, b: m.vstack([a, b]), randn(3), randn(2, 3))
case("row_stack", lambda m, a, b: m.row_stack([a, b]), randn(3), randn(3))
case("dstack", lambda m, a, b: m.dstack([a, b]), randn(3), randn(3))
case("dstack-matrices", lambda m, a, b: m.dstack([a, b]), randn(2, 3), randn(2, 3, 2))
case("column_stack", lambda m, a, b, c: m.column_stack([a, b, c]), randn(3), randn(3, 2),
     randn(3))
case("column_stack-numbers", lambda m, a, b: m.column_stack([a, b]), np.array(1.0),
     np.array(2.0))
case("tensor_split-sections", lambda m, x: m.tensor_split(x, 3, dim=1), randn(2, 7))
case("tensor_split-more-sections", lambda m, x: x.tensor_split(4), randn(3, 2))
case("tensor_split-indices", lambda m, x: x.tensor_split([1, 5, -1, 2], dim=1), randn(2, 7))
case("tensor_split-tensor-indices", lambda m, x, i: x.tensor_split(i, 0), randn(5), np.array([2]))
case("tensor_split-tensor-sections", lambda m, x, i: m.tensor_split(x, i), randn(5),
     np.array(2))
case("hsplit", lambda m, x: m.hsplit(x, 3), randn(2, 6))
case("hsplit-vector", lambda m, x: x.hsplit([1, 3]), randn(5))
case("vsplit", lambda m, x: x.vsplit([1]), randn(3, 2))
case("dsplit", lambda m, x: m.dsplit(x, 2), randn(2, 1, 4))


# --------------------------------------------------------------------------- layouts, empties

# transposed, sliced and expanded inputs: the ops read strides, not just shapes
case("diagonal-transposed", lambda m, x: x.t().diagonal(1), randn(4, 3))
case("diagonal-of-expanded", lambda m, x: x.expand(3, 3).diagonal(), randn(3))
case("unfold-transposed", lambda m, x: x.t().unfold(0, 2, 1), randn(3, 4))
case("unfold-strided", lambda m, x: x[:, ::2].unfold(1, 2, 1), randn(2, 7))
case("tril-transposed", lambda m, x: x.t().tril(), randn(3, 4))
case("scatter-transposed", lambda m, x, i, s: x.t().scatter(1, i, s.t()), randn(4, 5),
     _idx0.T.copy(), randn(3, 5))
case("scatter_add-expanded-src", lambda m, x, i, s: x.scatter_add(0, i, s.expand(5, 4)),
     randn(3, 4), ints(5, 4, low=0, high=3), randn(4))
case("index_add-transposed", lambda m, x, i, s: x.t().index_add(0, i, s.t()), randn(3, 4),
     np.array([3, 0]), randn(3, 2))
case("index_select-transposed", lambda m, x, i: x.t().index_select(1, i), randn(4, 3),
     np.array([2, 2, 0]))
case("masked_select-transposed", lambda m, x, k: x.t().masked_select(k), randn(4, 3),
     _mask)
case("einsum-transposed", lambda m, a, b: m.einsum("ij,jk->ik", a.t(), b[:, ::2]),
     randn(3, 2), randn(3, 8))
case("cross-transposed", lambda m, a, b: m.cross(a.t(), b, dim=0), randn(4, 3), randn(3, 4))
case("repeat_interleave-transposed", lambda m, x: x.t().repeat_interleave(2, dim=0),
     randn(2, 3))
case("einsum-empty-sum", lambda m, a, b: m.einsum("ij,jk->ik", a, b), randn(2, 0), randn(0, 3))
case("einsum-empty-batch", lambda m, a, b: m.einsum("bij,bjk->bik", a, b), randn(0, 2, 3),
     randn(0, 3, 2))
case("diag-empty", lambda m, x: m.diag(x), randn(0))
case("diagonal-empty", lambda m, x: x.diagonal(), randn(0, 3))
case("cross-empty", lambda m, a, b: m.cross(a, b, dim=1), randn(0, 3), randn(0, 3))
case("index_add-empty-index", lambda m, x, i, s: x.index_add(0, i, s), randn(3, 2),
     np.zeros(0, dtype=np.int64), randn(0, 2))
case("scatter_reduce-empty-index", lambda m, x, i, s: x.scatter_reduce(0, i, s, "amax"),
     randn(3), np.zeros(0, dtype=np.int64), Const(randn(0)))
case("meshgrid-empty", lambda m, a, b: m.meshgrid(a, b, indexing="ij"), randn(0), randn(2))
case("unique-values", lambda m, x: m.unique(x).float(), Const(np.array([2.0, -1.0, 2.0])))
case("nonzero-values", lambda m, x: x.nonzero(), Const(np.array([[0.0, 1.0], [2.0, 0.0]])))


# --------------------------------------------------------------------------- runners


@pytest.mark.parametrize(("fn", "args", "options"), CASES)
def test_op_matches_torch(fn: Callable, args: tuple, options: dict) -> None:
    run(fn, *args, **options)


@pytest.mark.parametrize(("fn", "args", "options"), CASES)
def test_op_on_gpu_matches_cpu(fn: Callable, args: tuple, options: dict,
                               gpu_device: str) -> None:
    check_case(fn, args, gpu_device, options.get("rtol"), options.get("atol"))


NAMES = ["scatter", "scatter_add", "scatter_reduce", "index_add", "index_select",
         "masked_select", "masked_scatter", "tril", "triu", "diag", "diagonal", "diag_embed",
         "meshgrid", "unfold", "repeat_interleave", "cross", "einsum", "unique", "nonzero",
         "index_fill", "index_copy", "take_along_dim", "fill_diagonal_", "trace", "movedim",
         "moveaxis", "swapdims", "ravel", "rot90", "take", "index_put", "atleast_1d",
         "atleast_2d", "atleast_3d", "hstack", "vstack", "row_stack", "dstack",
         "column_stack", "tensor_split", "hsplit", "vsplit", "dsplit"]


def test_every_new_op_has_a_case() -> None:
    names = {param.id.split("-")[0] for param in CASES}
    assert set(NAMES) - names == set()


def test_names_sit_where_torch_has_them() -> None:
    from teachgrad.ops.index_shape_api import FUNCTIONS, TENSOR_METHODS

    for name in TENSOR_METHODS:
        assert hasattr(torch.Tensor, name), f"torch.Tensor has no {name}"
        assert hasattr(teachgrad.Tensor, name)
    for name in FUNCTIONS:
        assert hasattr(torch, name), f"torch has no {name}"
        # (teachgrad/__init__ may wrap them to take out= or axis=, as torch does)
        assert inspect.unwrap(getattr(teachgrad, name)) is FUNCTIONS[name]
    for name in ["unfold", "scatter_", "tril_", "index_add_", "masked_scatter_"]:
        assert name not in FUNCTIONS and name in TENSOR_METHODS


# --------------------------------------------------------------------------- errors

ERRORS = {
    # scatter family
    "scatter-float-index": lambda m: m.zeros(3).scatter(0, m.tensor([0.0]), m.ones(1)),
    "scatter-int16-index": lambda m: m.zeros(3).scatter(0, m.tensor([0], dtype=m.int16),
                                                        m.ones(1)),
    "scatter-out-of-range": lambda m: m.zeros(3).scatter(0, m.tensor([3]), m.ones(1)),
    "scatter-negative-index": lambda m: m.zeros(3).scatter(0, m.tensor([-1]), m.ones(1)),
    "scatter-dtype-mismatch": lambda m: m.zeros(3).scatter(0, m.tensor([0]),
                                                           m.ones(1, dtype=m.float64)),
    "scatter-index-ndim": lambda m: m.zeros(3).scatter(0, m.tensor([[0]]), m.ones(1)),
    "scatter-src-ndim": lambda m: m.zeros(3).scatter(0, m.tensor([0]), m.ones(1, 1)),
    "scatter-index-too-big": lambda m: m.zeros(2, 3).scatter(1, m.tensor([[0], [0], [0]]),
                                                             m.ones(3, 1)),
    "scatter-index-bigger-than-src": lambda m: m.zeros(2, 3).scatter(1, m.tensor([[0, 1]]),
                                                                     m.ones(1, 1)),
    "scatter-bad-dim": lambda m: m.zeros(2, 3).scatter(2, m.tensor([[0]]), m.ones(1, 1)),
    "scatter-reduce-dtype": lambda m: _quietly(lambda: m.zeros(3).scatter(
        0, m.tensor([0]), m.ones(1, dtype=m.float64), reduce="add")),
    "scatter-bad-reduce": lambda m: m.zeros(3).scatter(0, m.tensor([0]), 2.0, reduce="mean"),
    "scatter-reduce-backward": lambda m: _backward(
        m.ones(3, requires_grad=True).mul(1).scatter(0, m.tensor([0]), 2.0, reduce="add")),
    "scatter-src-larger-backward": lambda m: _backward(m.zeros(3).scatter(
        0, m.tensor([1]), m.ones(2, requires_grad=True))),
    "scatter_add-out-of-range": lambda m: m.zeros(3).scatter_add(0, m.tensor([5]), m.ones(1)),
    "scatter_add-dtype": lambda m: m.zeros(3).scatter_add(0, m.tensor([0]),
                                                          m.ones(1, dtype=m.int64)),
    "scatter_reduce-bad-reduce": lambda m: m.zeros(3).scatter_reduce(0, m.tensor([0]),
                                                                     m.ones(1), "foo"),
    "scatter_reduce-mean-bool": lambda m: m.tensor([True]).scatter_reduce(
        0, m.tensor([0]), m.tensor([False]), "mean"),
    "scatter_reduce-out-of-range": lambda m: m.zeros(3).scatter_reduce(0, m.tensor([4]),
                                                                       m.ones(1), "amax"),
    "scatter_-leaf": lambda m: m.zeros(3, requires_grad=True).scatter_(0, m.tensor([0]), 1.0),
    # index_add / index_select
    "index_add-float-index": lambda m: m.zeros(3).index_add(0, m.tensor([0.0]), m.ones(1)),
    "index_add-out-of-range": lambda m: m.zeros(3).index_add(0, m.tensor([5]), m.ones(1)),
    "index_add-count": lambda m: m.zeros(3).index_add(0, m.tensor([0, 0]), m.ones(3)),
    "index_add-dtype": lambda m: m.zeros(3).index_add(0, m.tensor([0]),
                                                      m.ones(1, dtype=m.float64)),
    "index_add-0d-source": lambda m: m.zeros(3).index_add(0, m.tensor(1), m.tensor(5.0)),
    "index_add-2d-index": lambda m: m.zeros(3).index_add(0, m.tensor([[1]]), m.ones(1)),
    "index_add-shape": lambda m: m.zeros(2, 3).index_add(1, m.tensor([1]), m.ones(3, 1)),
    "index_select-out-of-range": lambda m: m.zeros(3).index_select(0, m.tensor([5])),
    "index_select-negative": lambda m: m.zeros(3).index_select(0, m.tensor([-1])),
    "index_select-2d-index": lambda m: m.zeros(3).index_select(0, m.tensor([[0]])),
    "index_select-float-index": lambda m: m.zeros(3).index_select(0, m.tensor([1.0])),
    "index_select-bad-dim": lambda m: m.zeros(3).index_select(1, m.tensor([0])),
    "index_select-0d-two": lambda m: m.tensor(3.0).index_select(0, m.tensor([0, 0])),
    "index_fill-int32-index": lambda m: m.zeros(3, 4).index_fill(
        1, m.tensor([0], dtype=m.int32), 1.0),
    "index_fill-out-of-range": lambda m: m.zeros(3, 4).index_fill(1, m.tensor([5]), 1.0),
    "index_fill-2d-index": lambda m: m.zeros(3, 4).index_fill(1, m.tensor([[0]]), 1.0),
    "index_fill-1d-value": lambda m: m.zeros(3, 4).index_fill(1, m.tensor([0]), m.ones(1)),
    "index_copy-int32-index": lambda m: m.zeros(3, 4).index_copy(
        1, m.tensor([0], dtype=m.int32), m.ones(3, 1)),
    "index_copy-out-of-range": lambda m: m.zeros(3, 4).index_copy(1, m.tensor([7]),
                                                                   m.ones(3, 1)),
    "index_copy-negative": lambda m: m.zeros(3, 4).index_copy(1, m.tensor([-1]), m.ones(3, 1)),
    "index_copy-count": lambda m: m.zeros(3, 4).index_copy(1, m.tensor([0, 1]), m.ones(3, 1)),
    "index_copy-dtype": lambda m: m.zeros(3, 4).index_copy(1, m.tensor([0]),
                                                           m.ones(3, 1, dtype=m.float64)),
    "index_copy-shape": lambda m: m.zeros(3, 4).index_copy(1, m.tensor([0]), m.ones(2, 1)),
    "take_along_dim-int32": lambda m: m.take_along_dim(m.zeros(3, 4),
                                                       m.tensor([[0]], dtype=m.int32), 1),
    "take_along_dim-ndim": lambda m: m.take_along_dim(m.zeros(3, 4), m.tensor([[[0]]]), 1),
    "fill_diagonal_-1d": lambda m: m.zeros(3).fill_diagonal_(1),
    "fill_diagonal_-unequal": lambda m: m.zeros(3, 3, 2).fill_diagonal_(1),
    "fill_diagonal_-leaf": lambda m: m.zeros(3, 3, requires_grad=True).fill_diagonal_(1),
    # masks
    "masked_select-uint8": lambda m: m.zeros(3).masked_select(m.tensor([1, 0, 1],
                                                                        dtype=m.uint8)),
    "masked_select-float-mask": lambda m: m.zeros(3).masked_select(m.tensor([1.0, 0, 1])),
    "masked_select-shapes": lambda m: m.zeros(3).masked_select(m.tensor([True, False])),
    "masked_scatter-too-few": lambda m: m.zeros(3).masked_scatter(m.tensor([True, True, True]),
                                                                  m.ones(2)),
    "masked_scatter-dtype": lambda m: m.zeros(3).masked_scatter(m.tensor([True, False, True]),
                                                                m.ones(3, dtype=m.float64)),
    "masked_scatter_-mask-bigger": lambda m: m.zeros(3).masked_scatter_(m.ones(2, 3).bool(),
                                                                        m.ones(6)),
    # unique (no derivative)
    "unique-backward": lambda m: _backward(m.unique(m.ones(3, requires_grad=True) * 2)),
    "unique-dim-backward": lambda m: _backward(m.unique(m.ones(2, 2, requires_grad=True) * 2,
                                                        dim=0)),
    "unique-bad-dim": lambda m: m.unique(m.ones(3), dim=1),
    # triangles and diagonals
    "tril-1d": lambda m: m.tril(m.zeros(3)),
    "triu-0d": lambda m: m.tensor(1.0).triu(),
    "tril_-leaf": lambda m: m.ones(2, 2, requires_grad=True).tril_(),
    "diag-3d": lambda m: m.diag(m.zeros(2, 2, 2)),
    "diag-0d": lambda m: m.diag(m.tensor(1.0)),
    "diagonal-same-dims": lambda m: m.zeros(2, 3).diagonal(0, 1, 1),
    "diagonal-same-dims-negative": lambda m: m.zeros(2, 3).diagonal(0, 1, -1),
    "diagonal-1d": lambda m: m.zeros(3).diagonal(),
    "diagonal-bad-dim": lambda m: m.zeros(2, 3, 4).diagonal(0, 0, 3),
    "diag_embed-0d": lambda m: m.diag_embed(m.tensor(1.0)),
    # grids, windows, repeats, cross
    "meshgrid-bad-indexing": lambda m: m.meshgrid(m.ones(2), indexing="foo"),
    "meshgrid-2d": lambda m: m.meshgrid(m.ones(2, 2), indexing="ij"),
    "meshgrid-empty": lambda m: m.meshgrid(indexing="ij"),
    "meshgrid-dtypes": lambda m: m.meshgrid(m.ones(2), m.ones(2, dtype=m.float64),
                                            indexing="ij"),
    "unfold-too-big": lambda m: m.zeros(3).unfold(0, 4, 1),
    "unfold-step-0": lambda m: m.zeros(3).unfold(0, 2, 0),
    "unfold-bad-dim": lambda m: m.zeros(3).unfold(1, 2, 1),
    "repeat_interleave-negative": lambda m: m.zeros(3).repeat_interleave(-1),
    "repeat_interleave-counts-negative": lambda m: m.repeat_interleave(m.tensor([1, -1])),
    "repeat_interleave-tensor-negative": lambda m: m.zeros(2, 3).repeat_interleave(
        m.tensor([1, -1]), dim=0),
    "repeat_interleave-wrong-count": lambda m: m.zeros(2, 3).repeat_interleave(
        m.tensor([1, 2, 3]), dim=0),
    "repeat_interleave-float-counts": lambda m: m.zeros(2, 3).repeat_interleave(
        m.tensor([1.0, 2.0]), dim=0),
    "repeat_interleave-2d-counts": lambda m: m.zeros(2, 3).repeat_interleave(
        m.tensor([[1, 2]]), dim=0),
    "repeat_interleave-counts-2d": lambda m: m.repeat_interleave(m.tensor([[1]])),
    "repeat_interleave-0d-dim": lambda m: m.tensor(3.0).repeat_interleave(2, dim=0),
    "repeat_interleave-0d-dim-tensor": lambda m: m.tensor(3.0).repeat_interleave(
        m.tensor([2]), dim=0),
    "repeat_interleave-bad-dim": lambda m: m.zeros(2, 3).repeat_interleave(2, dim=2),
    "repeat_interleave-output-size": lambda m: m.zeros(2, 3).repeat_interleave(
        2, dim=0, output_size=5),
    "cross-length-2": lambda m: m.cross(m.zeros(3, 2), m.zeros(3, 2), dim=1),
    "cross-ndims": lambda m: m.cross(m.zeros(2, 3), m.zeros(4, 1, 3), dim=-1),
    "cross-no-size-3": lambda m: _quietly(lambda: m.cross(m.ones(2, 2), m.ones(2, 2))),
    "cross-dtypes": lambda m: m.cross(m.ones(3), m.ones(3, dtype=m.float64), dim=0),
    "cross-bool": lambda m: m.cross(m.ones(3).bool(), m.ones(3).bool(), dim=0),
    "cross-bad-dim": lambda m: m.cross(m.ones(3), m.ones(3), dim=1),
    "index_put-out-of-range": lambda m: m.zeros(3).index_put((m.tensor([5]),), m.ones(1)),
    "index_put-accumulate-out-of-range": lambda m: m.zeros(3).index_put(
        (m.tensor([5]),), m.ones(1), accumulate=True),
    "index_put-number-value": lambda m: m.zeros(3).index_put((m.tensor([1]),), 1.0),
    "index_put-dtype": lambda m: m.zeros(3).index_put((m.tensor([1]),),
                                                      m.ones(1, dtype=m.float64)),
    "index_put-float-index": lambda m: m.zeros(3).index_put((m.tensor([1.0]),), m.ones(1)),
    "index_put-accumulate-shape": lambda m: m.zeros(3, 2).index_put(
        (m.tensor([0, 2]),), m.ones(3), accumulate=True),
    "index_put_-leaf": lambda m: m.zeros(3, requires_grad=True).index_put_(
        (m.tensor([1]),), m.ones(1)),
    "hsplit-not-divisible": lambda m: m.hsplit(m.ones(2, 3), 2),
    "hsplit-0d": lambda m: m.hsplit(m.tensor(1.0), 1),
    "vsplit-1d": lambda m: m.vsplit(m.ones(3), 1),
    "dsplit-2d": lambda m: m.dsplit(m.ones(2, 3), 1),
    "tensor_split-0d": lambda m: m.tensor_split(m.tensor(1.0), 2),
    "tensor_split-zero-sections": lambda m: m.tensor_split(m.ones(2, 3), 0),
    "tensor_split-2d-tensor": lambda m: m.tensor_split(m.ones(2, 3), m.tensor([[1]]), 1),
    "tensor_split-float": lambda m: m.tensor_split(m.ones(2, 3), 2.0),
    "hstack-empty": lambda m: m.hstack([]),
    "vstack-sizes": lambda m: m.vstack([m.ones(3), m.ones(4)]),
    "rot90-one-dim": lambda m: m.ones(2, 3).rot90(1, (0,)),
    "rot90-same-dims": lambda m: m.ones(2, 3).rot90(1, (0, -2)),
    "rot90-1d": lambda m: m.ones(3).rot90(),
    "rot90-bad-dim": lambda m: m.ones(2, 3).rot90(1, (0, 5)),
    "take-out-of-range": lambda m: m.ones(2, 3).take(m.tensor([6])),
    "take-negative-out-of-range": lambda m: m.ones(2, 3).take(m.tensor([-7])),
    "take-int32": lambda m: m.ones(2, 3).take(m.tensor([1], dtype=m.int32)),
    "movedim-lengths": lambda m: m.ones(2, 3, 4).movedim((0, 1), (1,)),
    "movedim-repeated-source": lambda m: m.ones(2, 3, 4).movedim((0, 0), (1, 2)),
    "movedim-repeated-destination": lambda m: m.ones(2, 3, 4).movedim((0, 1), (1, 1)),
    "movedim-bad-dim": lambda m: m.ones(2, 3, 4).movedim(0, 3),
    # found by a differential run: torch's exception types in corner cases
    "index_select-dim1-kernel": lambda m: m.zeros(3, 2).index_select(1, m.tensor([5])),
    "index_select-dim1-negative": lambda m: m.zeros(3, 2).index_select(1, m.tensor([-1])),
    "index_select-empty-dim": lambda m: m.zeros(2, 0).index_select(1, m.tensor([0])),
    "index_select-empty-tensor": lambda m: m.zeros(1, 0, 0).index_select(0, m.tensor([1])),
    "index_select-3d-dim2": lambda m: m.zeros(3, 2, 4).index_select(2, m.tensor([5])),
    "unique-dim-zero-size": lambda m: m.unique(m.zeros(3, 0, 2), dim=0),
    "unique-dim-0d": lambda m: m.unique(m.tensor(1.0), dim=0),
    "diagonal-0d-same-dims": lambda m: m.tensor(1).diagonal(0, -1, 0),
    "trace-1d": lambda m: m.trace(m.ones(3)),
    "trace-3d": lambda m: m.ones(2, 2, 2).trace(),
    "trace-bool": lambda m: m.ones(2, 2).bool().trace(),
    "diag_embed-0d-same-dims": lambda m: m.diag_embed(m.tensor(1.0), 0, -1, 0),
    "cross-bool-wrong-length": lambda m: m.cross(m.ones(2, 2).bool(), m.ones(2, 2).bool(),
                                                 dim=1),
    "take_along_dim-0d-dim": lambda m: m.take_along_dim(m.tensor(1.0), m.tensor(0), 0),
    "einsum-repeated-sizes": lambda m: m.einsum("ii->i", m.zeros(2, 3)),
    # einsum
    "einsum-sizes": lambda m: m.einsum("ij,jk->ik", m.zeros(2, 3), m.zeros(4, 2)),
    "einsum-too-many-operands": lambda m: m.einsum("ij->i", m.zeros(2, 3), m.zeros(2)),
    "einsum-too-few-operands": lambda m: m.einsum("ij,j->i", m.zeros(2, 3)),
    "einsum-subscript-count": lambda m: m.einsum("ij->i", m.zeros(2, 3, 4)),
    "einsum-bad-character": lambda m: m.einsum("i1->i", m.zeros(2, 3)),
    "einsum-output-twice": lambda m: m.einsum("ij->ii", m.zeros(2, 3)),
    "einsum-output-unknown": lambda m: m.einsum("ij->k", m.zeros(2, 3)),
    "einsum-sublist-range": lambda m: m.einsum(m.zeros(2, 3), [0, 60]),
}


def _backward(tensor: Any) -> None:
    tensor.sum().backward()


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name: str) -> None:
    assert_same_error(lambda: ERRORS[name](teachgrad), lambda: ERRORS[name](torch))


# --------------------------------------------------------------------------- in place

_INDEX = np.array([[0, 2, 1], [2, 0, 0]])
INPLACE = {
    "scatter_": lambda m, y, o: y.scatter_(0, m.tensor(_INDEX), o[:2]),
    "scatter_-value": lambda m, y, o: y.scatter_(0, m.tensor(_INDEX), -2.0),
    "scatter_add_": lambda m, y, o: y.scatter_add_(1, m.tensor(_INDEX), o[:2]),
    "scatter_reduce_-amax": lambda m, y, o: y.scatter_reduce_(0, m.tensor(_INDEX), o[:2],
                                                              "amax"),
    "scatter_reduce_-mean-no-self": lambda m, y, o: y.scatter_reduce_(
        1, m.tensor(_INDEX), o[:2], "mean", include_self=False),
    "scatter_reduce_-prod": lambda m, y, o: y.scatter_reduce_(0, m.tensor(_INDEX), o[1:],
                                                              "prod"),
    "index_add_": lambda m, y, o: y.index_add_(0, m.tensor([2, 2, 0]), o),
    "index_add_-alpha": lambda m, y, o: y.index_add_(1, m.tensor([1, 0, 1]), o, alpha=0.5),
    "tril_": lambda m, y, o: y.tril_(),
    "triu_-1": lambda m, y, o: y.triu_(1),
    "masked_scatter_": lambda m, y, o: y.masked_scatter_(o > 0, o * 3),
    "index_fill_": lambda m, y, o: y.index_fill_(1, m.tensor([2, 0]), -3.0),
    "index_fill_-tensor": lambda m, y, o: y.index_fill_(0, m.tensor([1]), o[0, 0]),
    "index_copy_": lambda m, y, o: y.index_copy_(0, m.tensor([2, 0]), o[:2]),
    "fill_diagonal_": lambda m, y, o: y.fill_diagonal_(4.0),
    "index_put_": lambda m, y, o: y.index_put_((m.tensor([0, 2]), m.tensor([1, 1])), o[0, :2]),
    "index_put_-accumulate": lambda m, y, o: y.index_put_((m.tensor([0, 0]),), o[1:],
                                                         accumulate=True),
}


def _inplace_run(module: Any, name: str, x_values: np.ndarray, o_values: np.ndarray) -> tuple:
    x = module.tensor(x_values.copy(), requires_grad=True)
    other = module.tensor(o_values.copy(), requires_grad=True)
    y = x * 1.5
    before = y._version
    assert INPLACE[name](module, y, other) is y
    return x, other, y, y._version - before


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_matches_torch(name: str) -> None:
    x_values, o_values = randn(3, 3), randn(3, 3)
    x_ours, o_ours, y_ours, bump_ours = _inplace_run(teachgrad, name, x_values, o_values)
    x_theirs, o_theirs, y_theirs, bump_theirs = _inplace_run(torch, name, x_values, o_values)
    assert_same(y_ours, y_theirs)
    assert grad_fn_name(y_ours) == grad_fn_name(y_theirs)
    assert bump_ours == bump_theirs == 1
    (y_ours * y_ours).sum().backward()
    (y_theirs * y_theirs).sum().backward()
    assert_same(x_ours.grad, x_theirs.grad, check_requires_grad=False)
    if o_theirs.grad is None:
        assert o_ours.grad is None
    else:
        assert_same(o_ours.grad, o_theirs.grad, check_requires_grad=False)


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_without_grad_matches_torch(name: str) -> None:
    x_values, o_values = randn(3, 3), randn(3, 3)
    results = []
    for module in (teachgrad, torch):
        x = module.tensor(x_values.copy())
        with module.no_grad():
            INPLACE[name](module, x, module.tensor(o_values.copy()))
        results.append(x)
    assert_same(*results)
    assert results[0]._version == results[1]._version == 1


def test_inplace_writes_through_views_and_numpy() -> None:
    """x.tril_() changes x's memory: a view taken before, and the NumPy array, see it."""
    for module in (teachgrad, torch):
        x = module.ones(3, 3)
        row = x[2]
        x.triu_()
        assert row.tolist() == [0.0, 0.0, 1.0]
        assert x.numpy()[1, 0] == 0.0


FAILING_INPLACE = {
    "scatter_-out-of-range": lambda m, y: y.scatter_(0, m.tensor([[3, 0, 0]]), 1.0),
    "scatter_add_-dtype": lambda m, y: y.scatter_add_(0, m.tensor([[0, 0, 0]]),
                                                      m.ones(1, 3, dtype=m.float32)),
    "scatter_reduce_-bad-reduce": lambda m, y: y.scatter_reduce_(
        0, m.tensor([[0, 0, 0]]), m.ones(1, 3, dtype=m.float64), "max_"),
    "index_add_-out-of-range": lambda m, y: y.index_add_(0, m.tensor([0, 9]),
                                                                   m.ones(2, 3, dtype=m.float64)),
    "index_add_-dtype": lambda m, y: y.index_add_(0, m.tensor([0, 1]), m.ones(2, 3)),
    "tril_-1d": lambda m, y: y[0].tril_(),
    "masked_scatter_-too-few": lambda m, y: y.masked_scatter_(y == y,
                                                              m.ones(2, dtype=m.float64)),
}


@pytest.mark.parametrize("name", list(FAILING_INPLACE))
def test_failed_inplace_changes_nothing(name: str) -> None:
    """Same error as torch, and the tensor untouched (torch's masked_scatter_ writes
    part of it before noticing the source is short; teachgrad checks first)."""
    values = randn(3, 3)
    ours, theirs = teachgrad.tensor(values.copy()), torch.tensor(values.copy())
    assert_same_error(lambda: FAILING_INPLACE[name](teachgrad, ours),
                      lambda: FAILING_INPLACE[name](torch, theirs))
    assert ours._version == 0
    assert_same(ours, torch.tensor(values))


def test_inplace_on_a_view_of_a_leaf_is_refused_like_torch() -> None:
    assert_same_error(
        lambda: teachgrad.ones(3, 3, requires_grad=True)[0:2].index_add_(
            0, teachgrad.tensor([0]), teachgrad.ones(1, 3)),
        lambda: torch.ones(3, 3, requires_grad=True)[0:2].index_add_(
            0, torch.tensor([0]), torch.ones(1, 3)))


# --------------------------------------------------------------------------- no gradient

TRIANGLE_INDICES = [(3, 3, 0), (3, 4, 1), (4, 3, -1), (0, 3, 0), (3, 3, -5), (2, 5, 7)]


@pytest.mark.parametrize("name", ["tril_indices", "triu_indices"])
@pytest.mark.parametrize(("row", "col", "offset"), TRIANGLE_INDICES)
def test_triangle_indices_match_torch(name: str, row: int, col: int, offset: int) -> None:
    assert_same(getattr(teachgrad, name)(row, col, offset), getattr(torch, name)(row, col, offset))
    assert_same(getattr(teachgrad, name)(row, col, offset, dtype=teachgrad.int32),
                getattr(torch, name)(row, col, offset, dtype=torch.int32))



def _typed(module: Any, values: Any, dtype: str) -> Any:
    return module.tensor(values, dtype=getattr(module, dtype))


NONZERO = {
    "matrix": (np.array([[0.0, 1.5, 0.0], [-2.0, 0.0, np.nan]]), "float32"),
    "ints": (np.array([0, 3, 0, -1]), "int64"),
    "bools-3d": (RNG.random((2, 3, 2)) < 0.5, "bool"),
    "none": (np.zeros((2, 2)), "float64"),
    "zero-size": (np.zeros((0, 3)), "float32"),
    "0d-true": (np.array(2.0), "float32"),
    "0d-false": (np.array(0), "int64"),
}


@pytest.mark.parametrize("name", list(NONZERO))
@pytest.mark.parametrize("as_tuple", [False, True])
def test_nonzero_matches_torch(name: str, as_tuple: bool) -> None:
    values, dtype = NONZERO[name]
    ours = teachgrad.nonzero(_typed(teachgrad, values, dtype), as_tuple=as_tuple)
    theirs = torch.nonzero(_typed(torch, values, dtype), as_tuple=as_tuple)
    if as_tuple:
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for mine, other in zip(ours, theirs):
            assert_same(mine, other)
    else:
        assert_same(ours, theirs)
    assert_same(_typed(teachgrad, values, dtype).nonzero(), _typed(torch, values, dtype).nonzero())
    assert_same(teachgrad.argwhere(_typed(teachgrad, values, dtype)),
                torch.argwhere(_typed(torch, values, dtype)))


def test_nonzero_as_tuple_indexes_like_torch() -> None:
    values = randn(3, 4)
    ours, theirs = teachgrad.tensor(values), torch.tensor(values)
    assert_same(ours[(ours > 0).nonzero(as_tuple=True)],
                theirs[(theirs > 0).nonzero(as_tuple=True)])


UNIQUE_INPUTS = {
    "ints": (np.array([3, 1, 3, 0, 1, 7]), "int64"),
    "floats-2d": (np.array([[2.5, -1.0], [2.5, 0.0]]), "float32"),
    "nans-and-zeros": (np.array([np.nan, 1.0, np.nan, -0.0, 0.0, np.inf]), "float64"),
    "bools": (np.array([True, False, True]), "bool"),
    "0d": (np.array(4.0), "float64"),
    "empty": (np.zeros(0), "float32"),
}
UNIQUE_OPTIONS = [{}, {"sorted": False}, {"return_inverse": True}, {"return_counts": True},
                  {"return_inverse": True, "return_counts": True}]


@pytest.mark.parametrize("name", list(UNIQUE_INPUTS))
@pytest.mark.parametrize("options", UNIQUE_OPTIONS, ids=lambda o: "-".join(o) or "plain")
def test_unique_matches_torch(name: str, options: dict) -> None:
    values, dtype = UNIQUE_INPUTS[name]
    ours = teachgrad.unique(_typed(teachgrad, values, dtype), **options)
    theirs = torch.unique(_typed(torch, values, dtype), **options)
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for mine, other in zip(ours, theirs):
            assert_same(mine, other)
    else:
        assert_same(ours, theirs)
    assert_same(_typed(teachgrad, values, dtype).unique(), _typed(torch, values, dtype).unique())


CONSECUTIVE = {
    "floats": np.array([1.0, 1.0, 2.0, 2.0, 2.0, 1.0, np.nan, np.nan]),
    "matrix": np.array([[1.0, 1.0, 2.0], [2.0, 2.0, 3.0]]),
    "ints": np.array([3, 3, 3]),
    "0d": np.array(4.0),
    "empty": np.zeros(0),
}


@pytest.mark.parametrize("name", list(CONSECUTIVE))
@pytest.mark.parametrize("dim", [None, 0, -1])
def test_unique_consecutive_matches_torch(name: str, dim: Any) -> None:
    values = CONSECUTIVE[name]
    calls = [lambda m, x: m.unique_consecutive(x, return_inverse=True, return_counts=True,
                                               dim=dim),
             lambda m, x: x.unique_consecutive(dim=dim)]
    for call in calls:
        try:
            theirs = call(torch, torch.tensor(values))
        except Exception:  # (a dim of a number): the same error type
            assert_same_error(lambda c=call: c(teachgrad, teachgrad.tensor(values)),
                              lambda c=call: c(torch, torch.tensor(values)))
            continue
        ours = call(teachgrad, teachgrad.tensor(values))
        for mine, other in zip(ours if isinstance(ours, tuple) else (ours,),
                               theirs if isinstance(theirs, tuple) else (theirs,)):
            assert_same(mine, other)


def test_unique_consecutive_records_torch_node_and_refuses_backward() -> None:
    assert_same_error(
        lambda: teachgrad.unique_consecutive(teachgrad.ones(3, requires_grad=True) * 2
                                             ).sum().backward(),
        lambda: torch.unique_consecutive(torch.ones(3, requires_grad=True) * 2).sum().backward())
    x = teachgrad.ones(3, requires_grad=True) * 2
    assert grad_fn_name(teachgrad.unique_consecutive(x)) == "UniqueConsecutiveBackward0"


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_unique_along_a_dim_matches_torch(dim: int) -> None:
    values = np.array([[1.0, 2.0, 1.0], [3.0, 0.0, 3.0], [1.0, 2.0, 1.0]])
    ours = teachgrad.unique(teachgrad.tensor(values), dim=dim, return_inverse=True,
                            return_counts=True)
    theirs = torch.unique(torch.tensor(values), dim=dim, return_inverse=True,
                          return_counts=True)
    for mine, other in zip(ours, theirs):
        assert_same(mine, other)


def test_unique_records_torch_node_and_refuses_backward() -> None:
    for module in (teachgrad, torch):
        x = module.tensor([2.0, 1.0, 2.0], requires_grad=True)
        values, inverse, counts = module.unique(x, return_inverse=True, return_counts=True)
        assert values.requires_grad and not inverse.requires_grad and not counts.requires_grad
        assert grad_fn_name(values) == "Unique2Backward0"
        assert grad_fn_name(module.unique(x.reshape(3, 1), dim=0)) == "UniqueDimBackward0"


def test_scatter_reduce_duplicates_with_the_generic_path(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """The rounds that stand in for ufunc.at (CuPy lacks multiply.at, and int64 add.at)
    agree with NumPy's ufunc.at, on a contiguous target and on a transposed one."""
    import teachgrad.ops.scatter as scatter_module

    where = (RNG.integers(0, 4, (6, 3)), np.arange(3)[None, :])
    values = randn(6, 3)
    for ufunc in ["add", "multiply", "maximum", "minimum"]:
        for target in (randn(4, 3), randn(3, 4).T):
            expected = target.copy()
            getattr(np, ufunc).at(expected, where, values)
            monkeypatch.setattr(scatter_module, "array_module", lambda array: _WithoutAt())
            got = target.copy(order="K")
            scatter_module.ufunc_at(ufunc, got, where, values)
            monkeypatch.undo()
            np.testing.assert_allclose(got, expected, rtol=1e-12)


class _WithoutAt:
    """NumPy, except that its ufuncs have no .at (as CuPy's multiply has none)."""

    def __getattr__(self, name: str) -> Any:
        value = getattr(np, name)
        if isinstance(value, np.ufunc):
            return lambda *args, **kwargs: value(*args, **kwargs)
        return value


def test_diagonal_and_unfold_are_views_like_torch() -> None:
    """Writing through x.diagonal() or x.unfold() changes x, and x's writes show in them."""
    seen = []
    for module in (teachgrad, torch):
        x = module.zeros(3, 3)
        diagonal_view = x.diagonal()
        diagonal_view.add_(1)
        x[0, 0] = 5
        line = module.arange(6.0)
        windows = line.unfold(0, 3, 1)
        line[2] = 100
        seen.append((x.tolist(), diagonal_view.tolist(), windows.tolist(),
                     diagonal_view._version, windows.stride(), diagonal_view.stride()))
    assert seen[0] == seen[1]


# --------------------------------------------------------------------------- einsum, drawn

LABELS = "abcd"


@st.composite
def einsum_calls(draw: st.DrawFn) -> tuple[str, list[tuple]]:
    """A random equation over a few labels (repeats, broadcasting size-1 dims, '...',
    implicit and explicit outputs) with operand shapes that fit it."""
    sizes = {label: draw(st.integers(1, 3)) for label in LABELS}
    ellipsis_shape = draw(st.lists(st.integers(1, 3), max_size=2))
    terms, shapes = [], []
    for _ in range(draw(st.integers(1, 3))):
        labels = draw(st.lists(st.sampled_from(LABELS), max_size=3))
        shape = [1 if draw(st.integers(0, 5)) == 0 else sizes[label] for label in labels]
        for label, size in zip(labels, shape):  # a repeated label: one size for both
            shape = [size if other == label else s for other, s in zip(labels, shape)]
        term = "".join(labels)
        if ellipsis_shape and draw(st.booleans()):
            cut = draw(st.integers(0, len(labels)))
            covered = ellipsis_shape[draw(st.integers(0, len(ellipsis_shape))):]
            term = term[:cut] + "..." + term[cut:]
            shape = shape[:cut] + covered + shape[cut:]
        terms.append(term)
        shapes.append(tuple(shape))
    equation = ",".join(terms)
    if draw(st.booleans()):
        used = sorted({label for term in terms for label in term if label in LABELS})
        output = draw(st.permutations(used))[:draw(st.integers(0, len(used)))]
        dots = "..." if any("..." in term for term in terms) and draw(st.booleans()) else ""
        equation += "->" + dots + "".join(output)
    return equation, shapes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(call=einsum_calls(), seed=st.integers(0, 2**16))
def test_einsum_matches_torch_on_drawn_equations(call: tuple, seed: int) -> None:
    equation, shapes = call
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(shape) for shape in shapes]
    try:
        torch.einsum(equation, *[torch.tensor(a) for a in arrays])
    except RuntimeError:
        assert_same_error(
            lambda: teachgrad.einsum(equation, *[teachgrad.tensor(a) for a in arrays]),
            lambda: torch.einsum(equation, *[torch.tensor(a) for a in arrays]))
        return
    run(lambda m, *xs: m.einsum(equation, *xs), *arrays)


WARNS = {
    "scatter-reduce-tensor-src": lambda m: m.zeros(3).scatter(0, m.tensor([0]), m.ones(1),
                                                              reduce="add"),
    "meshgrid-no-indexing": lambda m: m.meshgrid(m.ones(2), m.ones(3)),
    "cross-no-dim": lambda m: m.cross(m.ones(2, 3), m.ones(2, 3)),
}


@pytest.mark.parametrize("name", list(WARNS))
def test_deprecation_warnings_like_torch(name: str) -> None:
    """torch warns about these deprecated calls (and still runs them); so does teachgrad.
    (torch's scatter and cross warnings are TORCH_WARN_ONCE, which an earlier test in
    the process may have used up: only meshgrid's, a Python warning, is asked of torch.)"""
    for module in (teachgrad, torch) if name.startswith("meshgrid") else (teachgrad,):
        with pytest.warns(UserWarning):
            WARNS[name](module)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The op cases run in both autograd modes (teachgrad/fast/'s speed-ups and the
    reference mode), as tests/conftest.py does for the core oracle suites."""
    if metafunc.function.__name__ == "test_op_matches_torch":
        metafunc.parametrize("autograd_mode", ["fast", "reference"], indirect=True,
                             scope="module")


def _non_differentiable_results(module: Any, device: str) -> list:
    x = module.tensor([[0.0, 2.5, 0.0], [1.0, 2.5, -3.0]], device=device)
    return [*module.nonzero(x, as_tuple=True), x.nonzero(), module.argwhere(x),
            *module.unique(x, return_inverse=True, return_counts=True),
            *module.unique(x, dim=1, return_inverse=True, return_counts=True),
            *module.unique_consecutive(x, return_inverse=True, return_counts=True),
            *module.unique_consecutive(x, dim=1, return_inverse=True, return_counts=True),
            module.repeat_interleave(module.tensor([2, 0, 1], device=device)),
            module.tril_indices(3, 4, -1, device=device), x.masked_select(x > 0)]


def test_non_differentiable_ops_on_gpu_match_cpu(gpu_device: str) -> None:
    on_gpu = _non_differentiable_results(teachgrad, "cuda")
    on_cpu = _non_differentiable_results(teachgrad, "cpu")
    for mine, reference in zip(on_gpu, on_cpu):
        assert mine.is_cuda and mine.dtype == reference.dtype
        np.testing.assert_array_equal(mine.cpu().numpy(), reference.numpy())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_scatter_reduce_matches_torch_on_drawn_inputs(data: st.DataObject) -> None:
    """Values with zeros and ties (prod's and amax's hard cases), repeated places, any
    dim: values and both gradients as torch's."""
    shape = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=3), label="shape")
    axis = data.draw(st.integers(0, len(shape) - 1), label="axis")
    index_shape = [data.draw(st.integers(1, 3)) if d == axis else data.draw(st.integers(1, s))
                   for d, s in enumerate(shape)]
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))
    pool = np.array([0.0, 1.0, -1.0, 2.0, 0.5, -0.75])
    x, src = rng.choice(pool, shape), rng.choice(pool, index_shape)
    index = rng.integers(0, shape[axis], index_shape)
    reduce = data.draw(st.sampled_from(["sum", "prod", "mean", "amax", "amin"]), label="reduce")
    include_self = data.draw(st.booleans(), label="include_self")
    run(lambda m, a, i, s: a.scatter_reduce(axis, i, s, reduce, include_self=include_self),
        x, index, src)


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_on_a_saved_tensor_fails_backward_like_torch(name: str) -> None:
    """y * y saved y; writing y in place afterwards makes its backward refuse, in both."""
    x_values, o_values = randn(3, 3), randn(3, 3)
    losses = []
    for module in (teachgrad, torch):
        x = module.tensor(x_values.copy(), requires_grad=True)
        other = module.tensor(o_values.copy())
        y = x * 1.5
        product = y * y
        INPLACE[name](module, y, other)
        losses.append(product.sum())
    _, error = assert_same_error(losses[0].backward, losses[1].backward)
    assert "modified by an inplace operation" in str(error)


def _edges(tensor: Any) -> list:
    return [None if node is None else type(node).__name__
            for node, _ in tensor.grad_fn.next_functions]


#: torch fills a tall matrix's wrapped diagonal with two writes (CopySlices on CopySlices)
TWO_NODES_IN_TORCH = {"fill_diagonal_-tall-wrap"}


@pytest.mark.parametrize(("fn", "args", "options"), CASES)
def test_graph_edges_match_torch(fn: Callable, args: tuple, options: dict,
                                 request: pytest.FixtureRequest) -> None:
    """The nodes these ops record have torch's next_functions: one edge per tensor that
    torch differentiates (none for dims, indices, masks or numbers)."""
    from teachgrad.ops.torch_edges import TorchEdges

    if request.node.callspec.id in TWO_NODES_IN_TORCH:
        pytest.skip("torch records this one as two nodes")

    ours_in, theirs_in = _pairs(args)
    ours = [o for o in _flatten(fn(teachgrad, *ours_in)) if isinstance(o, teachgrad.Tensor)]
    theirs = [o for o in _flatten(fn(torch, *theirs_in)) if isinstance(o, torch.Tensor)]
    checked = 0
    for mine, other in zip(ours, theirs):
        if mine.grad_fn is not None and issubclass(mine.grad_fn._function, TorchEdges):
            assert _edges(mine) == _edges(other)
            checked += 1
    if not checked and ours and ours[0].grad_fn is not None:
        pytest.skip("recorded by views.py / joining.py ops (their own edge convention)")
