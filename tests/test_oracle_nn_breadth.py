"""nn.functional's breadth and its layers, run in teachgrad and in torch on the same inputs.

F.pad in every mode, F.interpolate, conv1d / conv_transpose2d, the 1-d and 3-d pools,
adaptive pooling, max_unpool2d, scaled_dot_product_attention and normalize. Each case
compares values, dtype, shape, requires_grad, the grad_fn name and the gradients of
(out * w).sum() for every input; bad input must raise torch's exception type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from oracle import assert_same, assert_same_error, grad_fn_name, to_numpy, torch, weights_like

import teachgrad
import teachgrad.nn as tnn
import teachgrad.nn.functional as F

TF = torch.nn.functional
RNG = np.random.default_rng(20261203)


def randn(*shape: int, dtype: Any = np.float64) -> np.ndarray:
    return RNG.standard_normal(shape).astype(dtype)


def distinct(*shape: int, dtype: Any = np.float64) -> np.ndarray:
    """Values without ties (max pools pick one winner, as torch does)."""
    count = int(np.prod(shape))
    return (RNG.permutation(count).reshape(shape) * 0.37 - count * 0.15).astype(dtype)


def _tensors(arrays: list, grad: bool) -> tuple[list, list]:
    ours, theirs = [], []
    for array in arrays:
        if not isinstance(array, np.ndarray):
            ours.append(array)
            theirs.append(array)
            continue
        needs = grad and array.dtype.kind == "f"
        ours.append(teachgrad.tensor(array.copy(), requires_grad=needs))
        theirs.append(torch.tensor(array.copy(), requires_grad=needs))
    return ours, theirs


def check(fn_ours: Callable, fn_theirs: Callable | None, arrays: list, *, grad: bool = True,
          grad_fn: bool = True, tol: dict | None = None) -> tuple:
    """Run both; compare every output and the gradients of (first output * w).sum()."""
    fn_theirs = fn_theirs or fn_ours
    ours, theirs = _tensors(arrays, grad)
    out_ours, out_theirs = fn_ours(*ours), fn_theirs(*theirs)
    if not isinstance(out_theirs, tuple):
        out_ours, out_theirs = (out_ours,), (out_theirs,)
    assert len(out_ours) == len(out_theirs)
    tol = tol or {}
    for mine, other in zip(out_ours, out_theirs):
        assert_same(mine, other, **tol)
        if grad_fn:
            assert grad_fn_name(mine) == grad_fn_name(other)
    first_ours, first_theirs = out_ours[0], out_theirs[0]
    if grad and first_theirs.requires_grad and first_theirs.numel():
        weights = weights_like(to_numpy(first_theirs))
        (first_ours * teachgrad.tensor(weights)).sum().backward()
        (first_theirs * torch.tensor(weights)).sum().backward()
        for mine, other in zip(ours, theirs):
            if isinstance(other, torch.Tensor) and other.requires_grad:
                assert_same(mine.grad, other.grad, **tol, check_requires_grad=False)
    return out_ours, out_theirs


def same_error(fn: Callable, arrays: list, fn_theirs: Callable | None = None) -> None:
    ours, theirs = _tensors(arrays, grad=False)
    assert_same_error(lambda: fn(*ours), lambda: (fn_theirs or fn)(*theirs))


def both_libraries(fn: Callable) -> tuple[Callable, Callable]:
    """fn(F, *args) as a teachgrad call and a torch call."""
    return (lambda *a: fn(F, *a)), (lambda *a: fn(TF, *a))


def same_repr(ours: Any, theirs: Any) -> None:
    assert repr(ours) == repr(theirs)


# ------------------------------------------------------------------ F.pad

PAD_CASES = [
    ("constant", (2, 3), (1, 2)),
    ("constant", (2, 3, 4), (1, -1, 0, 2)),
    ("constant", (2, 3), (1, 1, 2, 0)),
    ("constant", (2, 3, 4), (0, 0, 0, 0, 1, 1)),
    ("constant", (4,), (-2, -2)),
    ("reflect", (2, 5), (2, 3)),
    ("reflect", (1, 2, 5), (-1, 2)),
    ("reflect", (2, 4, 5), (1, 2, 3, 0)),
    ("reflect", (1, 2, 4, 5), (1, 2, 3, 1)),
    ("reflect", (1, 2, 3, 3, 4), (1, 2, 1, 0, 2, 2)),
    ("replicate", (2, 5), (4, 1)),
    ("replicate", (1, 2, 3, 2), (2, 0, -1, 3)),
    ("replicate", (2, 3, 3, 2), (1, 1, 1, 1, 1, 1)),
    ("circular", (2, 5), (5, 2)),
    ("circular", (1, 2, 5), (-1, 2)),
    ("circular", (1, 2, 5), (-3, 3)),
    ("circular", (1, 2, 3, 4), (1, 2, 3, 0)),
    ("circular", (2, 3, 2, 4), (1, 1, 1, 1, 2, 2)),
]


@pytest.mark.parametrize(("mode", "shape", "amounts"), PAD_CASES)
def test_pad(mode: str, shape: tuple, amounts: tuple) -> None:
    ours, theirs = both_libraries(lambda lib, x: lib.pad(x, amounts, mode=mode))
    # (-3, 3) circular copies out[0:3] onto out[1:4], overlapping: torch's values come out
    # as a step-by-step copy, but its gradient through the overlapping copy_ is not one.
    check(ours, theirs, [randn(*shape)], grad=amounts != (-3, 3))


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.bool_])
def test_pad_value_and_dtypes(dtype: Any) -> None:
    array = (randn(2, 3) * 3).astype(dtype)
    ours, theirs = both_libraries(lambda lib, x: lib.pad(x, [1, 2], value=2.5))
    check(ours, theirs, [array])
    ours, theirs = both_libraries(lambda lib, x: lib.pad(x, (1, 1, 0, 1), value=-7))
    check(ours, theirs, [array])


def test_pad_integer_tensors_in_other_modes() -> None:
    for mode in ("reflect", "replicate", "circular"):
        ours, theirs = both_libraries(lambda lib, x, m=mode: lib.pad(x, (2, 1), mode=m))
        check(ours, theirs, [np.arange(6).reshape(1, 2, 3)])


@pytest.mark.parametrize(("shape", "amounts", "kwargs"), [
    ((2, 3), (1,), {}),
    ((2, 3), (1, 1) * 3, {}),
    ((2, 3), (1, 1), {"mode": "zeros"}),
    ((1, 2, 3), (1, 1), {"mode": "reflect", "value": 1.0}),
    ((5,), (1, 1), {"mode": "reflect"}),
    ((2, 5), (1, 1, 1, 1), {"mode": "replicate"}),
    ((1, 2, 2, 5), (1, 1), {"mode": "circular"}),
    ((1, 2, 4), (4, 1), {"mode": "reflect"}),
    ((1, 2, 4), (-2, -2), {"mode": "reflect"}),
    ((1, 2, 4), (-3, -2), {"mode": "replicate"}),
    ((1, 2, 4), (5, 0), {"mode": "circular"}),
    ((1, 3, 3), (-2, -2, -2, -2), {"mode": "circular"}),
    ((1, 0, 3), (1, 1), {"mode": "reflect"}),
    ((2, 5), (-3, -3), {}),
])
def test_pad_errors(shape: tuple, amounts: tuple, kwargs: dict) -> None:
    ours, theirs = both_libraries(lambda lib, x: lib.pad(x, amounts, **kwargs))
    same_error(ours, [randn(*shape)], theirs)


def test_pad_takes_ints_only() -> None:
    ours, theirs = both_libraries(lambda lib, x: lib.pad(x, (1.5, 1)))
    same_error(ours, [randn(2, 2)], theirs)


def test_pad_layers() -> None:
    for name, args in [("ZeroPad2d", (2,)), ("ConstantPad1d", ((1, 2), 3.5)),
                       ("ConstantPad2d", (1, 0)), ("ReflectionPad2d", (1,)),
                       ("ReplicationPad1d", (2,)), ("CircularPad3d", (1,)),
                       ("ZeroPad1d", ((1, 2),)), ("ReflectionPad3d", ((1, 0, 1, 1, 0, 1),)),
                       ("CircularPad2d", (1,)), ("ReplicationPad3d", (1,))]:
        ours, theirs = getattr(tnn, name)(*args), getattr(torch.nn, name)(*args)
        same_repr(ours, theirs)
        dims = int(name[-2])
        check(ours, theirs, [randn(2, *[3] * (dims + 1))])
