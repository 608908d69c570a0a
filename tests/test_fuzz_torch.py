"""Differential fuzzer: random calls run in teachgrad and in torch must agree.

Each example draws one call from tests/fuzz_ops.py's op table (unary math, binary
arithmetic with broadcasting, comparisons, reductions, the softmax family, views and
indexing, matmul, cat/stack, clamp, where, in-place forms), inputs of every shape
(0-d and zero-size too), dtype (float32/64, int64/32, uint8, int8, bool), value (NaN,
+-inf, +-0, the dtype's extremes) and layout (transposed, strided slice, expanded,
offset view), or a short chain of such calls, and checks that teachgrad gives:

- torch's values (NaN-aware; tolerance by dtype, wider for sums over many elements),
  dtype, shape and requires_grad, and torch's leaves after the call (in-place writes
  reach the base through views);
- torch's gradients: backward of a random weighted sum of the float outputs;
- an exception where torch raises one, of the same type, and none where torch has none;
  no leaked internals (a message from NumPy's internals such as "ufunc" or "axis", or a
  NumPy RuntimeWarning), and after an error, inputs exactly as they were.

Runs:
- CI (default): derandomized, so every run draws the same examples; a fixed number per
  op (CI_EXAMPLES spread over the ops, at least 3 each, and the chains: about 30 s of
  CPU, 25-60 s on this project's shared 2-core machine). The op table picks up a
  method or function as soon as both teachgrad and torch have it (fuzz_ops.has), so
  new names are fuzzed without an edit here.
- Locally, longer and with fresh examples each run:
  ``TEACHGRAD_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest -q -p no:cacheprovider
  tests/test_fuzz_torch.py`` (spreads 5000 examples over the ops and the chains; add
  ``-x`` to stop at the first failure, whose report prints the call to reproduce).

What the fuzzer finds and teachgrad does not do yet sits in fuzz_ops.KNOWN_DIFFERENCES:
those cases are not drawn, and test_known_difference runs each entry's reproducer as a
strict xfail, so fixing one fails that test until the entry is removed.
"""

from __future__ import annotations

import builtins
import math
import os
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import fuzz_ops as fz
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from oracle import torch

import teachgrad

CI_EXAMPLES = 1600
TOTAL = int(os.environ.get("TEACHGRAD_FUZZ_EXAMPLES", "0") or 0)
LOCAL = TOTAL > 0
PER_OP = max(3, math.ceil(0.8 * (TOTAL or CI_EXAMPLES) / len(fz.OPS)))
CHAINS = max(20, int(0.2 * (TOTAL or CI_EXAMPLES)))


def fuzz_settings(examples: int) -> settings:
    return settings(max_examples=examples, derandomize=not LOCAL, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck), print_blob=LOCAL)


#: words of NumPy's (and Python's) internals that must never reach a learner
INTERNALS = re.compile(r"ufunc|operands could not be broadcast|\baxis\b|zero-size array|"
                       r"numpy|ndarray|\bnp\.|casting rule|object has no attribute|"
                       r"unsupported operand|not subscriptable|takes \d+ positional|"
                       r"(tuple|list) index out of range",
                       re.IGNORECASE)


def builtin_base(error_type: type) -> type:
    """The first built-in exception class in error_type's MRO (torch subclasses some)."""
    for klass in error_type.__mro__:
        if getattr(builtins, klass.__name__, None) is klass:
            return klass
    return Exception


# --------------------------------------------------------------------------- running

@dataclass
class Outcome:
    leaves: list[Any]
    args: list[Any]
    result: Any = None
    error: Exception | None = None
    warnings: list[Any] = field(default_factory=list)


def run(lib: Any, case: fz.Case) -> Outcome:
    leaves, args = fz.build_args(lib, case)
    params = {key: fz.as_tensor(lib, value) for key, value in case.params.items()}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = case.op.call(lib, *args, **params)
        except Exception as error:  # every error is compared with torch's
            return Outcome(leaves, args, error=error, warnings=list(caught))
    return Outcome(leaves, args, result, warnings=list(caught))


def numpy_of(tensor: Any) -> np.ndarray:
    return np.array(tensor.detach().cpu().numpy())


def dtype_name(dtype: Any) -> str:
    return str(dtype).split(".")[-1]


# --------------------------------------------------------------------------- comparing

def tolerance(dtype: str, scale: float) -> tuple[float, float]:
    """(rtol, atol): a few ulps elementwise, plus eps times the size of what was summed."""
    eps = float(np.finfo(dtype).eps)
    scale = min(scale, 1e300)
    rtol = {"float32": 2e-5, "float64": 1e-10}.get(dtype, 1e-3)
    return rtol, 2 * rtol * 0.05 + 8 * eps * scale


def assert_values(got: np.ndarray, expected: np.ndarray, dtype: str, scale: float,
                  where: str) -> None:
    if dtype not in ("float32", "float64", "float16"):
        np.testing.assert_array_equal(got, expected, err_msg=where)
        return
    nan = np.isnan(expected)
    assert (np.isnan(got) == nan).all(), (
        f"{where}: NaN at other places\nteachgrad {got}\ntorch     {expected}")
    inf = np.isinf(expected)
    assert (np.isinf(got) == inf).all() and (got[inf] == expected[inf]).all(), (
        f"{where}: infinities differ\n{got}\n!= torch\n{expected}")
    rtol, atol = tolerance(LOOSEST["dtype"] or dtype, scale)
    finite = ~nan & ~inf
    np.testing.assert_allclose(got[finite].astype(np.float64),
                               expected[finite].astype(np.float64), rtol=rtol, atol=atol,
                               err_msg=f"{where}\nteachgrad {got}\ntorch     {expected}")


def assert_same(ours: Any, theirs: Any, scale: float, where: str = "result") -> None:
    """Same type of result, and for tensors the same shape, dtype, requires_grad, values."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, teachgrad.Tensor), f"{where}: {type(ours)} is not a Tensor"
        assert tuple(ours.shape) == tuple(theirs.shape), (
            f"{where}: shape {tuple(ours.shape)} != torch's {tuple(theirs.shape)}")
        dtype = dtype_name(theirs.dtype)
        assert dtype_name(ours.dtype) == dtype, f"{where}: dtype {ours.dtype} != torch's {dtype}"
        assert ours.requires_grad == theirs.requires_grad, (
            f"{where}: requires_grad {ours.requires_grad} != torch's {theirs.requires_grad}")
        assert_values(numpy_of(ours), numpy_of(theirs), dtype, scale, where)
    elif isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)), f"{where}: {type(ours)} is not a sequence"
        ours = list(ours)
        assert len(ours) == len(theirs), f"{where}: {len(ours)} items != torch's {len(theirs)}"
        for index, (mine, other) in enumerate(zip(ours, theirs)):
            assert_same(mine, other, scale, f"{where}[{index}]")
    else:
        assert type(ours) is type(theirs), f"{where}: {type(ours)} != torch's {type(theirs)}"
        if isinstance(theirs, float) and math.isnan(theirs):
            assert math.isnan(ours), f"{where}: {ours} != torch's nan"
        else:
            assert ours == theirs, f"{where}: {ours!r} != torch's {theirs!r}"


def magnitude(case: fz.Case) -> float:
    """How large what an op may sum up is: the biggest finite input, squared, times the size."""
    biggest, size = 1.0, 1
    for item in case.inputs():
        array = np.asarray(item.array, dtype=np.float64)
        finite = np.abs(array[np.isfinite(array)])
        if finite.size:
            biggest = max(biggest, float(finite.max()))
        size = max(size, array.size)
    with np.errstate(over="ignore"):
        return float(np.float64(biggest) ** 2 * size)


def check_error(ours: Outcome, theirs: Outcome, before: list[np.ndarray], where: str) -> None:
    """torch raised: teachgrad raised the same type and changed nothing."""
    assert ours.error is not None, (
        f"{where}: teachgrad returned {ours.result!r}; torch raised "
        f"{type(theirs.error).__name__}: {theirs.error}")
    expected = builtin_base(type(theirs.error))
    assert builtin_base(type(ours.error)) is expected, (
        f"{where}: teachgrad raised {type(ours.error).__name__}: {ours.error}\n"
        f"torch raised {type(theirs.error).__name__}: {theirs.error}")
    check_message(ours.error, theirs.error, where)
    for index, (leaf, array) in enumerate(zip(ours.leaves, before)):
        now = numpy_of(leaf)
        assert now.shape == array.shape and now.dtype == array.dtype, f"{where}: input {index}"
        np.testing.assert_array_equal(now, array, err_msg=f"{where}: input {index} changed "
                                                          f"by a call that raised")


def check_message(ours: BaseException, theirs: BaseException | None, where: str) -> None:
    text = str(ours)
    assert text.strip(), f"{where}: {type(ours).__name__} with an empty message"
    leaked = INTERNALS.search(text)
    if leaked and not (theirs is not None and leaked.group(0).lower() in str(theirs).lower()):
        raise AssertionError(f"{where}: internals leak: {type(ours).__name__}: {text}")


def check_warnings(outcome: Outcome, where: str) -> None:
    for caught in outcome.warnings:
        if issubclass(caught.category, RuntimeWarning) or "numpy" in caught.filename:
            raise AssertionError(f"{where}: NumPy's warning leaks: {caught.message}")


def float_outputs(result: Any) -> list[int]:
    """Positions (in a flattened result) of the float tensors that require grad."""
    items = list(result) if isinstance(result, (tuple, list)) else [result]
    return [index for index, item in enumerate(items)
            if isinstance(item, torch.Tensor) and item.requires_grad
            and item.dtype.is_floating_point]


def weighted_sum(lib: Any, result: Any, positions: list[int]) -> Any:
    items = list(result) if isinstance(result, (tuple, list)) else [result]
    total = None
    for index in positions:
        item = items[index]
        rng = np.random.default_rng(1000 + index + item.numel())
        weights = rng.uniform(0.5, 1.5, tuple(item.shape)) * rng.choice([-1.0, 1.0], tuple(
            item.shape))
        part = (item * lib.tensor(weights.astype(dtype_name(item.dtype)))).sum()
        total = part if total is None else total + part
    return total


def leaves_and_outputs(outcome: Outcome) -> list[Any]:
    result = outcome.result
    items = list(result) if isinstance(result, (tuple, list)) else [result]
    return [item for item in items + list(outcome.leaves) if isinstance(item, torch.Tensor)]


#: the dtype whose tolerance float comparisons use when it is looser than their own
LOOSEST = {"dtype": None}


@contextmanager
def float32_tolerance(active: bool) -> Iterator[None]:
    LOOSEST["dtype"] = "float32" if active else None
    try:
        yield
    finally:
        LOOSEST["dtype"] = None


def check_backward(ours: Outcome, theirs: Outcome, scale: float, where: str) -> None:
    positions = float_outputs(theirs.result)
    if not positions:
        return
    torch_error = teachgrad_error = None
    try:
        weighted_sum(torch, theirs.result, positions).backward()
    except Exception as error:
        torch_error = error
    try:
        weighted_sum(teachgrad, ours.result, positions).backward()
    except Exception as error:
        teachgrad_error = error
    if torch_error is not None or teachgrad_error is not None:
        assert torch_error is not None and teachgrad_error is not None, (
            f"{where}: backward: teachgrad {teachgrad_error!r}, torch {torch_error!r}")
        assert builtin_base(type(teachgrad_error)) is builtin_base(type(torch_error)), (
            f"{where}: backward raised {teachgrad_error!r}, torch {torch_error!r}")
        return
    for index, (mine, other) in enumerate(zip(ours.leaves, theirs.leaves)):
        with warnings.catch_warnings():
            # an input written in place with a grad-requiring operand is no longer a
            # leaf: reading its .grad warns, in both libraries alike
            warnings.simplefilter("ignore", UserWarning)
            other_grad, my_grad = other.grad, mine.grad
        if other_grad is None:
            assert my_grad is None, f"{where}: input {index} has a grad, torch's has none"
            continue
        assert my_grad is not None, f"{where}: input {index} has no grad, torch's has one"
        # torch computes a backward in the forward's dtype: a float64 input of a float32
        # result gets a gradient of float32 precision
        rounded = any(item.dtype == torch.float32 for item in leaves_and_outputs(theirs))
        with float32_tolerance(rounded):
            assert_same(my_grad, other_grad, scale, f"{where}: grad of input {index}")


def check_call(case: fz.Case, where: str, scale: float) -> tuple[Outcome, Outcome] | None:
    """One call in both libraries: same error, or same result and inputs afterwards.

    Returns both outcomes when torch succeeded, None when it raised (and teachgrad did too).
    """
    before = [item.array.copy() for item in case.inputs()]
    live = [numpy_of(arg.tensors["teachgrad"]) for arg in case.args if isinstance(arg, fz.Live)]
    theirs = run(torch, case)
    ours = run(teachgrad, case)
    check_warnings(ours, where)
    if theirs.error is not None:
        check_error(ours, theirs, before, where)
        for array, arg in zip(live, [a for a in case.args if isinstance(a, fz.Live)]):
            np.testing.assert_array_equal(numpy_of(arg.tensors["teachgrad"]), array,
                                          err_msg=f"{where}: input changed by a call that raised")
        return None
    if ours.error is not None:
        check_message(ours.error, None, where)
        raise AssertionError(f"{where}: teachgrad raised {type(ours.error).__name__}: "
                             f"{ours.error}; torch returned {theirs.result!r}")
    assert_same(ours.result, theirs.result, scale, where)
    for index, (mine, other) in enumerate(zip(ours.leaves, theirs.leaves)):
        assert_same(mine, other, scale, f"{where}: input {index} after the call")
    return ours, theirs


def check_case(case: fz.Case) -> None:
    """Run the case in both libraries and compare everything the module docstring lists."""
    where = case.describe()
    outcomes = check_call(case, where, magnitude(case) if case.op.accum else 1.0)
    if outcomes is not None:
        check_backward(*outcomes, magnitude(case), where)


def check_chain(draw: fz.Draw, length: int) -> None:
    """A few calls in a row, each on the previous result; then one backward through all."""
    steps: list[str] = []
    live: fz.Live | None = None
    ours_all = Outcome([], [])
    theirs_all = Outcome([], [])
    scale = 1.0
    for _ in range(length):
        case = fz.draw_case(draw, fz.OPS[draw.pick(sorted(fz.OPS), "op")], live)
        case.in_chain = True
        assume(fz.known_difference(case) is None)
        steps.append(case.describe())
        where = " -> ".join(steps)
        scale = max(scale, magnitude(case), live_magnitude(live))
        outcomes = check_call(case, where, scale)
        if outcomes is None:
            return
        ours, theirs = outcomes
        ours_all.leaves += ours.leaves
        theirs_all.leaves += theirs.leaves
        ours_all.result, theirs_all.result = ours.result, theirs.result
        pair = first_tensors(ours.result, theirs.result)
        if pair is None:
            return
        live = fz.Live({"teachgrad": pair[0], "torch": pair[1]})
    check_backward(ours_all, theirs_all, scale, " -> ".join(steps))


def first_tensors(ours: Any, theirs: Any) -> tuple[Any, Any] | None:
    """The result itself, or the first item of a tuple result, if it is a tensor."""
    if isinstance(theirs, (tuple, list)) and theirs:
        ours, theirs = list(ours)[0], theirs[0]
    return (ours, theirs) if isinstance(theirs, torch.Tensor) else None


def live_magnitude(live: fz.Live | None) -> float:
    if live is None:
        return 1.0
    array = numpy_of(live.tensors["torch"]).astype(np.float64)
    finite = np.abs(array[np.isfinite(array)])
    biggest = max(1.0, float(finite.max())) if finite.size else 1.0
    with np.errstate(over="ignore"):
        return float(np.float64(biggest) ** 2 * max(array.size, 1))


# --------------------------------------------------------------------------- tests

def draw_case(data: st.DataObject, name: str) -> fz.Case:
    draw = fz.Draw(data)
    case = fz.draw_case(draw, fz.OPS[name])
    assume(fz.known_difference(case) is None)
    return case


@pytest.mark.parametrize("name", sorted(fz.OPS))
@fuzz_settings(PER_OP)
@given(data=st.data())
def test_op_matches_torch(name: str, data: st.DataObject) -> None:
    check_case(draw_case(data, name))


@fuzz_settings(CHAINS)
@given(data=st.data())
def test_chain_matches_torch(data: st.DataObject) -> None:
    draw = fz.Draw(data)
    check_chain(draw, draw(st.integers(2, 4), "length"))


@pytest.mark.parametrize("known", fz.KNOWN_DIFFERENCES, ids=lambda known: known.name)
@pytest.mark.xfail(strict=True, reason="a known difference from torch (fuzz_ops.KNOWN_DIFFERENCES)")
def test_known_difference(known: fz.Known) -> None:
    """torch's behaviour for the entry's reproducer; passes once teachgrad is fixed."""
    theirs, ours = evaluate(torch, known.reproducer), evaluate(teachgrad, known.reproducer)
    if isinstance(theirs, Exception):
        assert isinstance(ours, Exception), f"teachgrad returned {ours!r}, torch raised {theirs!r}"
        assert builtin_base(type(ours)) is builtin_base(type(theirs)), f"{ours!r} != {theirs!r}"
        check_message(ours, theirs, known.reproducer)
        return
    assert not isinstance(ours, Exception), f"teachgrad raised {ours!r}"
    assert_same(ours, theirs, 1.0, known.reproducer)


def evaluate(lib: Any, line: str) -> Any:
    names = {"lib": lib, "F": lib.nn.functional, "math": math}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's deprecation notes
        warnings.simplefilter("error", RuntimeWarning)
        try:
            return eval(line, names)  # a reproducer line from fuzz_ops
        except Exception as error:
            return error
