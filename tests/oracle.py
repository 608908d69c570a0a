"""Helpers for the torch-oracle tests: run the same thing in teachgrad and in torch.

Not a test module. A test file does

    from oracle import torch, make_pair, assert_same, ...

and is skipped as a whole (with the reason below) where torch is not installed:
`torch` here comes from pytest.importorskip, which raises pytest's module-level skip.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

import teachgrad

torch = pytest.importorskip("torch", reason="torch is the oracle; install torch==2.13.0 (CI does)")

#: float32 comparisons: a few ulps of relative error plus a tiny absolute floor
F32 = {"rtol": 1e-5, "atol": 1e-6}
#: float16: torch computes some ops (number / tensor) in two roundings, we in one
F16 = {"rtol": 1e-3, "atol": 1e-3}
#: float64 comparisons: the two libraries may sum in different orders, nothing more
F64 = {"rtol": 1e-10, "atol": 1e-12}


def torch_dtype_name(dtype: Any) -> str:
    """'torch.float32' for teachgrad.float32 (and for torch.float32 itself)."""
    return str(dtype).replace("teachgrad.", "torch.")


def make_pair(array: Any, requires_grad: bool = False) -> tuple[Any, Any]:
    """A teachgrad tensor and a torch tensor holding the same values (fresh copies).

    Non-arrays (Python numbers, None, slices...) are returned unchanged for both, so a
    test can hand a mixed argument list through this function.
    """
    if not isinstance(array, np.ndarray):
        return array, array
    ours = teachgrad.tensor(array.copy())
    theirs = torch.tensor(array.copy())
    if requires_grad:
        ours.requires_grad_(True)
        theirs.requires_grad_(True)
    return ours, theirs


def to_numpy(value: Any) -> np.ndarray:
    """The values of a teachgrad or torch tensor as a NumPy array (detached, on the CPU)."""
    if isinstance(value, teachgrad.Tensor):
        return np.array(value.detach().cpu().numpy())
    return value.detach().cpu().numpy()


def assert_same(ours: Any, theirs: Any, rtol: float | None = None, atol: float | None = None,
                *, check_requires_grad: bool = True) -> None:
    """Same shape, dtype, requires_grad and values (exact for ints and bools)."""
    assert isinstance(ours, teachgrad.Tensor), f"expected a teachgrad.Tensor, got {type(ours)}"
    assert isinstance(theirs, torch.Tensor), f"expected a torch.Tensor, got {type(theirs)}"
    assert tuple(ours.shape) == tuple(theirs.shape), f"shape {ours.shape} != {theirs.shape}"
    assert torch_dtype_name(ours.dtype) == torch_dtype_name(theirs.dtype), (
        f"dtype {ours.dtype} != {theirs.dtype}"
    )
    if check_requires_grad:
        assert ours.requires_grad == theirs.requires_grad, (
            f"requires_grad {ours.requires_grad} != {theirs.requires_grad}"
        )
    got, expected = to_numpy(ours), to_numpy(theirs)
    if ours.dtype.is_floating_point:
        if rtol is None:
            tolerance = {"float64": F64, "float16": F16}.get(ours.dtype.name, F32)
            rtol, atol = tolerance["rtol"], tolerance["atol"]
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol or 0.0, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, expected)


def assert_same_grads(ours: Sequence[Any], theirs: Sequence[Any], rtol: float | None = None,
                      atol: float | None = None) -> None:
    """Each pair of tensors has the same .grad: both None, or the same values."""
    assert len(ours) == len(theirs)
    for index, (mine, other) in enumerate(zip(ours, theirs)):
        if not isinstance(other, torch.Tensor) or not other.requires_grad:
            continue
        if other.grad is None:
            assert mine.grad is None, f"input {index}: torch has no grad but teachgrad has one"
            continue
        assert mine.grad is not None, f"input {index}: teachgrad has no grad, torch has one"
        assert_same(mine.grad, other.grad, rtol, atol, check_requires_grad=False)


def _builtin_base(error_type: type) -> type:
    """The first built-in exception class in error_type's MRO (torch subclasses some)."""
    for klass in error_type.__mro__:
        if getattr(builtins, klass.__name__, None) is klass:
            return klass
    return Exception


def assert_same_error(fn_ours: Callable[[], Any], fn_theirs: Callable[[], Any]
                      ) -> tuple[BaseException, BaseException]:
    """Both calls raise; same exception type; teachgrad's message is not empty.

    Returns both exceptions so that a test can also check the message.
    """
    try:
        fn_theirs()
    except Exception as error:
        theirs = error
    else:
        raise AssertionError("torch did not raise: the test's bad input is not bad")
    try:
        fn_ours()
    except Exception as error:
        ours = error
    else:
        raise AssertionError(f"teachgrad did not raise; torch raised "
                             f"{type(theirs).__name__}: {theirs}")
    expected = _builtin_base(type(theirs))
    assert _builtin_base(type(ours)) is expected, (
        f"teachgrad raised {type(ours).__name__}({ours}), torch raised "
        f"{type(theirs).__name__}({theirs})"
    )
    assert str(ours).strip(), f"teachgrad's {type(ours).__name__} has an empty message"
    return ours, theirs


def grad_fn_name(tensor: Any) -> str | None:
    return None if tensor.grad_fn is None else type(tensor.grad_fn).__name__


def weights_like(array: np.ndarray, seed: int = 1234) -> np.ndarray:
    """A fixed random array of the same shape and dtype: out * w makes every grad differ."""
    rng = np.random.default_rng(seed + 7 * array.size + array.ndim)
    signs = rng.choice([-1.0, 1.0], array.shape)
    return np.asarray(rng.uniform(0.5, 1.5, array.shape) * signs).astype(array.dtype)
