"""teachgrad.ops.statistics against torch: order statistics (median, nanmedian, mode,
kthvalue), quantile, nanquantile, aminmax, counting and binning (bincount, histc, isin,
searchsorted, bucketize, unravel_index), cov and renorm. The random draws (multinomial,
normal, bernoulli, poisson) are in test_torch_parity_statistics_draws.py.

Each call runs in both libraries on the same values; results (values, indices, dtypes,
shapes, requires_grad), gradients and exception types are compared, and each
differentiable function is checked against finite differences in float64.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from oracle import assert_same, assert_same_error, torch, weights_like

import teachgrad
from teachgrad.autograd import gradcheck

NAN = float("nan")
DISTINCT = np.random.default_rng(0).permutation(24).reshape(2, 3, 4).astype(np.float32)
WITH_NAN = DISTINCT.copy()
WITH_NAN[0, 1, 2] = WITH_NAN[1, 2, 0] = WITH_NAN[1, 2, 3] = NAN
ALL_NAN_ROW = WITH_NAN.copy()
ALL_NAN_ROW[1, 0, :] = NAN  # a slice of only NaN
TIES = np.random.default_rng(1).integers(0, 3, (3, 7)).astype(np.float32)


def _outputs(result) -> list:
    return list(result) if isinstance(result, tuple) else [result]


def compare(call, *arrays, grad: bool = True, rtol=None, atol=None) -> None:
    """Run call(lib, *tensors) in both libraries; compare every output and the grads."""
    ins = {lib: [lib.tensor(a.copy(), requires_grad=grad and a.dtype.kind == "f")
                 for a in arrays] for lib in (teachgrad, torch)}
    outs = {lib: _outputs(call(lib, *ins[lib])) for lib in ins}
    assert len(outs[teachgrad]) == len(outs[torch])
    for mine, theirs in zip(outs[teachgrad], outs[torch]):
        assert_same(mine, theirs, rtol, atol)
    if not grad:
        return
    for lib in ins:
        pieces = [(o * lib.tensor(weights_like(np.asarray(o.detach().numpy())))).sum()
                  for o in outs[lib] if o.requires_grad]
        if pieces:
            sum(pieces).backward()
    for mine, theirs in zip(ins[teachgrad], ins[torch]):
        if theirs.grad is None:
            assert mine.grad is None
        else:
            assert_same(mine.grad, theirs.grad, rtol, atol, check_requires_grad=False)


def errors_match(call) -> None:
    assert_same_error(lambda: call(teachgrad), lambda: call(torch))


# ---- order statistics -------------------------------------------------------------

ORDER_CALLS = {
    "median()": lambda lib, x: x.median(),
    "median(x, 1)": lambda lib, x: lib.median(x, 1),
    "median(dim=-1, keepdim=True)": lambda lib, x: x.median(dim=-1, keepdim=True),
    "median(0)": lambda lib, x: x.median(0),
    "nanmedian()": lambda lib, x: x.nanmedian(),
    "nanmedian(2)": lambda lib, x: lib.nanmedian(x, 2),
    "nanmedian(0, keepdim=True)": lambda lib, x: x.nanmedian(0, keepdim=True),
    "kthvalue(3)": lambda lib, x: x.kthvalue(3),
    "kthvalue(2, 1, True)": lambda lib, x: lib.kthvalue(x, 2, 1, True),
    "kthvalue(k=1, dim=0)": lambda lib, x: x.kthvalue(k=1, dim=0),
    "mode()": lambda lib, x: x.mode(),
    "mode(1, keepdim=True)": lambda lib, x: lib.mode(x, 1, keepdim=True),
}


@pytest.mark.parametrize("name", ORDER_CALLS)
def test_order_statistics_as_torch(name: str) -> None:
    compare(ORDER_CALLS[name], DISTINCT)


@pytest.mark.parametrize("name", [n for n in ORDER_CALLS if "median" in n])
def test_medians_with_nan_as_torch(name: str) -> None:
    compare(ORDER_CALLS[name], WITH_NAN)


def test_nanmedian_of_only_nan_as_torch() -> None:
    # the value is NaN; which NaN's index torch returns is left to its selection algorithm
    compare(lambda lib, x: (x.nanmedian(2).values, x.nanmedian()), ALL_NAN_ROW, grad=False)


@pytest.mark.parametrize("name", ["mode()", "mode(1, keepdim=True)", "median()",
                                  "nanmedian()"])
def test_order_statistics_with_ties_as_torch(name: str) -> None:
    # mode: the smallest of the most frequent values, at its last index (as torch)
    compare(ORDER_CALLS[name], TIES)


def test_order_statistics_of_integers_and_0d_as_torch() -> None:
    ints = np.random.default_rng(2).permutation(15).reshape(3, 5)
    for name in ("median()", "median(x, 1)", "kthvalue(3)", "mode()"):
        compare(ORDER_CALLS[name], ints, grad=False)
    compare(lambda lib, x: (*x.median(0), *x.kthvalue(1), *x.mode(-1)),
            np.array(2.5, dtype=np.float32))
    compare(lambda lib, x: (x.median(), x.nanmedian()), np.zeros(0, np.float32))


ORDER_ERRORS = {
    "kthvalue k too large": lambda lib: lib.ones(3).kthvalue(4),
    "kthvalue k = 0": lambda lib: lib.ones(2, 3).kthvalue(0, 0),
    "median of an empty dim": lambda lib: lib.ones(0, 3).median(0),
    "nanmedian of an empty dim": lambda lib: lib.ones(0, 3).nanmedian(0),
    "mode of an empty dim": lambda lib: lib.ones(0, 2).mode(0),
    "median dim out of range": lambda lib: lib.ones(2, 3).median(2),
    "median of bools": lambda lib: lib.tensor([True, False]).median(),
    "median(dim) of bools": lambda lib: lib.tensor([True, False]).median(0),
    "nanmedian of bools": lambda lib: lib.tensor([True, False]).nanmedian(),
    "kthvalue of bools": lambda lib: lib.tensor([True, False]).kthvalue(1),
}


@pytest.mark.parametrize("name", ORDER_ERRORS)
def test_order_statistic_errors_as_torch(name: str) -> None:
    errors_match(ORDER_ERRORS[name])


@pytest.mark.parametrize("name", list(ORDER_CALLS))
def test_order_statistics_match_finite_differences(name: str) -> None:
    # distinct values: at a tie the function has no derivative to approximate
    x = teachgrad.tensor(DISTINCT.astype(np.float64), requires_grad=True)
    assert gradcheck(lambda t: _outputs(ORDER_CALLS[name](teachgrad, t))[0], (x,))


# ---- quantiles and aminmax ------------------------------------------------------------

QUANTILE_CALLS = {
    "quantile(x, 0.3)": lambda lib, x, kw: lib.quantile(x, 0.3, **kw),
    "quantile(q=tensor, dim=1)": lambda lib, x, kw: x.quantile(
        lib.tensor([0.0, 0.25, 0.5, 0.9, 1.0], dtype=x.dtype), dim=1, **kw),
    "quantile(0-d q, dim=-1, keepdim)": lambda lib, x, kw: x.quantile(
        lib.tensor(0.7, dtype=x.dtype), dim=-1, keepdim=True, **kw),
    "quantile(q, keepdim, no dim)": lambda lib, x, kw: lib.quantile(
        x, lib.tensor([0.2, 0.6], dtype=x.dtype), keepdim=True, **kw),
    "nanquantile(x, 0.5, 2)": lambda lib, x, kw: lib.nanquantile(x, 0.5, 2, **kw),
    "nanquantile(q=tensor, dim=0)": lambda lib, x, kw: x.nanquantile(
        lib.tensor([0.1, 0.75], dtype=x.dtype), dim=0, **kw),
    "nanquantile(x, 0.4)": lambda lib, x, kw: x.nanquantile(0.4, **kw),
}
INTERPOLATIONS = ["linear", "lower", "higher", "midpoint", "nearest"]


@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
@pytest.mark.parametrize("values", ["distinct", "with nan"])
@pytest.mark.parametrize("name", QUANTILE_CALLS)
def test_quantiles_as_torch(name: str, values: str, interpolation: str) -> None:
    array = (DISTINCT if values == "distinct" else ALL_NAN_ROW).astype(np.float64)
    kw = {} if interpolation == "linear" else {"interpolation": interpolation}
    # With NaN, which NaN gets the gradient depends on how torch's sort orders NaNs.
    compare(lambda lib, x: QUANTILE_CALLS[name](lib, x, kw), array,
            grad=values == "distinct")


def test_quantile_float32_and_0d_as_torch() -> None:
    compare(lambda lib, x: QUANTILE_CALLS["quantile(q=tensor, dim=1)"](lib, x, {}), DISTINCT)
    compare(lambda lib, x: (x.quantile(0.5), x.quantile(0.5, dim=0, keepdim=True)),
            np.array(3.0))


QUANTILE_ERRORS = {
    "integer input": lambda lib: lib.quantile(lib.arange(4), 0.5),
    "q above 1": lambda lib: lib.quantile(lib.ones(4), 1.5),
    "q tensor below 0": lambda lib: lib.quantile(lib.ones(4), lib.tensor([-0.1, 0.5])),
    "q of another dtype": lambda lib: lib.quantile(lib.ones(4), lib.tensor([0.5],
                                                                           dtype=lib.float64)),
    "2-d q": lambda lib: lib.quantile(lib.ones(4), lib.full((2, 2), 0.5)),
    "empty input": lambda lib: lib.nanquantile(lib.ones(0), 0.5),
    "unknown interpolation": lambda lib: lib.quantile(lib.ones(4), 0.5,
                                                      interpolation="cubic"),
    "dim out of range": lambda lib: lib.quantile(lib.ones(4), 0.5, dim=1),
    "dim out of range of a 0-d input": lambda lib: lib.quantile(lib.tensor(2.0), 0.5, dim=3),
}


@pytest.mark.parametrize("name", QUANTILE_ERRORS)
def test_quantile_errors_as_torch(name: str) -> None:
    errors_match(QUANTILE_ERRORS[name])


@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
@pytest.mark.parametrize("name", QUANTILE_CALLS)
def test_quantiles_match_finite_differences(name: str, interpolation: str) -> None:
    x = teachgrad.tensor(DISTINCT.astype(np.float64), requires_grad=True)
    kw = {"interpolation": interpolation}
    assert gradcheck(lambda t: QUANTILE_CALLS[name](teachgrad, t, kw), (x,))


@pytest.mark.parametrize("call", [
    lambda lib: lib.aminmax(lib.tensor([[1.0, 2], [3, 4]]), keepdim=True),
    lambda lib: lib.tensor([1.0, 3, 2]).median(0),
    lambda lib: lib.tensor([1.0, 3, 3]).mode(),
    lambda lib: lib.tensor([[1, 5, 2]]).kthvalue(2),
    lambda lib: lib.tensor([1.0, NAN]).nanmedian(0, keepdim=True),
], ids=["aminmax", "median", "mode", "kthvalue", "nanmedian"])
def test_results_print_as_torch(call) -> None:
    assert repr(call(teachgrad)).replace("teachgrad", "torch") == repr(call(torch))


def test_aminmax_as_torch() -> None:
    for array in (DISTINCT, TIES, ALL_NAN_ROW):
        compare(lambda lib, x: lib.aminmax(x), array)
        compare(lambda lib, x: x.aminmax(dim=1, keepdim=True), array)
    compare(lambda lib, x: lib.aminmax(x, dim=0), np.arange(6).reshape(2, 3), grad=False)
    ours, theirs = teachgrad.aminmax(teachgrad.arange(3.0)), torch.aminmax(torch.arange(3.0))
    assert_same(ours.min, theirs.min)
    assert_same(ours.max, theirs.max)
    errors_match(lambda lib: lib.aminmax(lib.ones(0)))
    errors_match(lambda lib: lib.aminmax(lib.ones(2, 0), dim=1))
    x = teachgrad.tensor(DISTINCT.astype(np.float64), requires_grad=True)
    assert gradcheck(lambda t: teachgrad.aminmax(t, dim=0), (x,))


# ---- counting and binning -------------------------------------------------------------

COUNTS = np.array([1, 3, 1, 0, 7, 3, 3])
SORTED = np.array([[1.0, 3, 3, 5, 8], [0, 0, 2, 4, 4]], dtype=np.float32)
FINDS = np.array([[3.0, 0, 9, 5], [4, 0, 1, 2]], dtype=np.float32)
COUNTING_CALLS = {
    "bincount(x)": lambda lib: lib.bincount(lib.tensor(COUNTS)),
    "x.bincount(minlength=10)": lambda lib: lib.tensor(COUNTS).bincount(minlength=10),
    "bincount(float32 weights)": lambda lib: lib.bincount(
        lib.tensor(COUNTS), lib.tensor(weights_like(COUNTS.astype(np.float32)))),
    "bincount(int weights)": lambda lib: lib.bincount(lib.tensor(COUNTS),
                                                      weights=lib.tensor(COUNTS * 2)),
    "bincount(float64 weights, minlength)": lambda lib: lib.bincount(
        lib.tensor(COUNTS), lib.tensor(COUNTS * 0.5), minlength=3),
    "bincount(empty)": lambda lib: lib.bincount(lib.zeros(0, dtype=lib.int64)),
    "histc(x)": lambda lib: lib.histc(lib.tensor(DISTINCT)),
    "x.histc(bins=5, min=3, max=13)": lambda lib: lib.tensor(DISTINCT).histc(5, 3, 13),
    "histc(float64, equal min and max)": lambda lib: lib.histc(
        lib.tensor([2.0, 2.0], dtype=lib.float64), bins=3, min=1, max=1),
    "histc(constant data)": lambda lib: lib.histc(lib.full((3,), 4.0), bins=4),
    "isin(x, y)": lambda lib: lib.isin(lib.tensor(COUNTS), lib.tensor([3, 7, 9])),
    "isin(number, y)": lambda lib: lib.isin(3, lib.tensor(COUNTS)),
    "isin(x, number, invert)": lambda lib: lib.isin(lib.tensor(FINDS), 0.0, invert=True),
    "isin(float, int)": lambda lib: lib.isin(lib.tensor(FINDS), lib.tensor(COUNTS),
                                             assume_unique=False),
    "searchsorted(1-d, values)": lambda lib: lib.searchsorted(lib.tensor(SORTED[0]),
                                                              lib.tensor(FINDS)),
    "searchsorted(right=True)": lambda lib: lib.searchsorted(
        lib.tensor(SORTED[0]), lib.tensor(FINDS), right=True),
    "searchsorted(side='right', out_int32)": lambda lib: lib.searchsorted(
        lib.tensor(SORTED[1]), lib.tensor(FINDS), side="right", out_int32=True),
    "searchsorted(rows)": lambda lib: lib.searchsorted(lib.tensor(SORTED),
                                                       lib.tensor(FINDS)),
    "searchsorted(rows, side='left')": lambda lib: lib.searchsorted(
        lib.tensor(SORTED), lib.tensor(FINDS[:, :2]), side="left"),
    "searchsorted(number)": lambda lib: lib.searchsorted(lib.tensor(SORTED[0]), 3),
    "searchsorted(sorter=)": lambda lib: lib.searchsorted(
        lib.tensor([5, 1, 3]), lib.tensor([0, 3, 6]), sorter=lib.tensor([1, 2, 0])),
    "bucketize(x, b)": lambda lib: lib.bucketize(lib.tensor(FINDS), lib.tensor(SORTED[0])),
    "bucketize(right, out_int32)": lambda lib: lib.bucketize(
        lib.tensor(FINDS), lib.tensor(SORTED[0]), right=True, out_int32=True),
    "bucketize(number)": lambda lib: lib.bucketize(5, lib.tensor(SORTED[0])),
    "unravel_index(x, (2, 3, 4))": lambda lib: lib.unravel_index(lib.arange(24), (2, 3, 4)),
    "unravel_index(out of range, negative)": lambda lib: lib.unravel_index(
        lib.tensor([[-1, 7], [-7, 30]]), (2, 3)),
    "unravel_index(0-d, int shape)": lambda lib: lib.unravel_index(lib.tensor(3), 6),
    "unravel_index(Size)": lambda lib: lib.unravel_index(lib.tensor([5]), lib.Size([2, 3])),
}


@pytest.mark.parametrize("name", COUNTING_CALLS)
def test_counting_as_torch(name: str) -> None:
    ours, theirs = _outputs(COUNTING_CALLS[name](teachgrad)), \
        _outputs(COUNTING_CALLS[name](torch))
    assert len(ours) == len(theirs)
    for mine, other in zip(ours, theirs):
        assert_same(mine, other)


COUNTING_ERRORS = {
    "bincount of negatives": lambda lib: lib.bincount(lib.tensor([-1, 2])),
    "bincount of a matrix": lambda lib: lib.bincount(lib.ones(2, 2, dtype=lib.int64)),
    "bincount of floats": lambda lib: lib.bincount(lib.tensor([1.0])),
    "bincount of bools": lambda lib: lib.bincount(lib.tensor([True, False])),
    "bincount negative minlength": lambda lib: lib.bincount(lib.tensor([1]), minlength=-1),
    "bincount weights too short": lambda lib: lib.bincount(lib.tensor([1, 2]),
                                                           lib.tensor([1.0])),
    "histc of integers": lambda lib: lib.histc(lib.tensor([1, 2])),
    "histc with no bins": lambda lib: lib.histc(lib.ones(2), bins=0),
    "histc min above max": lambda lib: lib.histc(lib.ones(2), 3, min=2, max=1),
    "isin of two numbers": lambda lib: lib.isin(1, 2),
    "searchsorted side and right disagree": lambda lib: lib.searchsorted(
        lib.ones(3), lib.ones(1), right=True, side="left"),
    "searchsorted unknown side": lambda lib: lib.searchsorted(lib.ones(3), lib.ones(1),
                                                              side="mid"),
    "searchsorted rows do not match": lambda lib: lib.searchsorted(lib.ones(2, 3),
                                                                   lib.ones(1)),
    "bucketize 2-d boundaries": lambda lib: lib.bucketize(lib.ones(1), lib.ones(1, 1)),
    "unravel_index of floats": lambda lib: lib.unravel_index(lib.tensor(1.0), (2, 3)),
    "unravel_index negative shape": lambda lib: lib.unravel_index(lib.tensor(1), (2, -3)),
}


@pytest.mark.parametrize("name", COUNTING_ERRORS)
def test_counting_errors_as_torch(name: str) -> None:
    errors_match(COUNTING_ERRORS[name])


# ---- cov and renorm -------------------------------------------------------------------

OBSERVATIONS = np.random.default_rng(3).standard_normal((3, 6))
FREQUENCIES, IMPORTANCE = np.array([1, 2, 0, 3, 1, 1]), np.linspace(0.2, 1.5, 6)
COV_CALLS = {
    "cov(x)": lambda lib, x: lib.cov(x),
    "x.cov(correction=0)": lambda lib, x: x.cov(correction=0),
    "cov(x, correction=2)": lambda lib, x: lib.cov(x, correction=2),
    "cov(x[0]) of one variable": lambda lib, x: lib.cov(x[0]),
    "cov(x[:1]) of one row": lambda lib, x: lib.cov(x[:1]),
    "cov(fweights=)": lambda lib, x: lib.cov(x, fweights=lib.tensor(FREQUENCIES)),
    "cov(aweights=)": lambda lib, x: lib.cov(x, aweights=lib.tensor(IMPORTANCE)),
    "cov(both, correction=0)": lambda lib, x: lib.cov(
        x, correction=0, fweights=lib.tensor(FREQUENCIES), aweights=lib.tensor(IMPORTANCE)),
    "cov(both)": lambda lib, x: lib.cov(x, fweights=lib.tensor(FREQUENCIES),
                                        aweights=lib.tensor(IMPORTANCE)),
}
RENORM_CALLS = {
    "renorm(x, 2, 0, 1.5)": lambda lib, x: lib.renorm(x, 2, 0, 1.5),
    "x.renorm(1, 1, 2.0)": lambda lib, x: x.renorm(1, 1, 2.0),
    "renorm(p=3, dim=-1, maxnorm=0)": lambda lib, x: x.renorm(p=3, dim=-1, maxnorm=0),
    "renorm(inf, 0, 1)": lambda lib, x: lib.renorm(x, math.inf, 0, 1.0),
    "renorm(2, 0, 100): nothing too large": lambda lib, x: lib.renorm(x, 2, 0, 100.0),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", [*COV_CALLS, *RENORM_CALLS])
def test_cov_and_renorm_as_torch(name: str, dtype: str) -> None:
    call = COV_CALLS.get(name) or RENORM_CALLS[name]
    compare(call, OBSERVATIONS.astype(dtype), rtol=1e-4 if dtype == "float32" else None,
            atol=1e-5 if dtype == "float32" else None)


@pytest.mark.parametrize("name", [*COV_CALLS, *RENORM_CALLS])
def test_cov_and_renorm_match_finite_differences(name: str) -> None:
    call = COV_CALLS.get(name) or RENORM_CALLS[name]
    x = teachgrad.tensor(OBSERVATIONS.copy(), requires_grad=True)
    assert gradcheck(lambda t: call(teachgrad, t), (x,))


def test_cov_of_integers_and_too_few_observations_as_torch() -> None:
    compare(lambda lib, x: lib.cov(x), np.array([[1, 2, 4], [0, 5, 5]]), grad=False)
    with pytest.warns(UserWarning) as caught:
        compare(lambda lib, x: lib.cov(x, correction=3), OBSERVATIONS[:, :3])
    assert len([w for w in caught if "degrees of freedom" in str(w.message)]) == 2


MATRIX_ERRORS = {
    "cov of 3-d input": lambda lib: lib.cov(lib.ones(2, 2, 2)),
    "cov float fweights": lambda lib: lib.cov(lib.ones(2, 3), fweights=lib.ones(3)),
    "cov integer aweights": lambda lib: lib.cov(lib.ones(2, 3),
                                                aweights=lib.ones(3, dtype=lib.int64)),
    "cov aweights too short": lambda lib: lib.cov(lib.ones(2, 3), aweights=lib.ones(2)),
    "cov 2-d fweights": lambda lib: lib.cov(lib.ones(2, 3),
                                            fweights=lib.ones(1, 3, dtype=lib.int64)),
    "cov negative aweights": lambda lib: lib.cov(lib.ones(2, 3),
                                                 aweights=lib.tensor([1.0, -2, 1])),
    "cov negative fweights": lambda lib: lib.cov(lib.ones(2, 3),
                                                 fweights=lib.tensor([1, -2, 1])),
    "renorm of integers": lambda lib: lib.renorm(lib.ones(2, 2, dtype=lib.int64), 2, 0, 1),
    "renorm p = 0": lambda lib: lib.renorm(lib.ones(2, 2), 0, 0, 1),
    "renorm negative maxnorm": lambda lib: lib.renorm(lib.ones(2, 2), 2, 0, -1),
    "renorm of a vector": lambda lib: lib.renorm(lib.ones(2), 2, 0, 1),
    "renorm dim out of range": lambda lib: lib.renorm(lib.ones(2, 2), 2, 2, 1),
}


@pytest.mark.parametrize("name", MATRIX_ERRORS)
def test_cov_and_renorm_errors_as_torch(name: str) -> None:
    errors_match(MATRIX_ERRORS[name])


# ---- one code path: the same calls on tests/fake_cupy.py's GPU --------------------------

ON_DEVICE = {
    **ORDER_CALLS, **{n: RENORM_CALLS[n] for n in list(RENORM_CALLS)[:2]},
    "quantile(x, 0.3, dim=1, midpoint)": lambda lib, x: x.quantile(
        0.3, dim=1, interpolation="midpoint"),
    "nanquantile(x, 0.6)": lambda lib, x: x.nanquantile(0.6),
    "aminmax(x, dim=0)": lambda lib, x: lib.aminmax(x, dim=0),
    "cov(x.flatten(1))": lambda lib, x: lib.cov(x.flatten(1)),
    "histc(x, 4)": lambda lib, x: lib.histc(x.detach(), 4),
    "isin(x, x[0])": lambda lib, x: lib.isin(x.detach(), x[0].detach()),
    "bucketize(x, x[0, 0].sort())": lambda lib, x: lib.bucketize(
        x.detach(), x[0, 0].detach().sort().values),
    "searchsorted(rows, x)": lambda lib, x: lib.searchsorted(
        x.detach().sort().values, x.detach(), side="right"),
    "bincount(x.long(), weights)": lambda lib, x: lib.bincount(
        x.detach().flatten().long(), x.detach().flatten()),
    "unravel_index(x.long(), (3, 8))": lambda lib, x: lib.unravel_index(x.detach().long(),
                                                                          (3, 8)),
}


def _install_fake_gpu(monkeypatch) -> None:
    """tests/fake_cupy.py, lent the CuPy functions it lacks (CuPy has them all, with
    these signatures), taking and giving device arrays."""
    import fake_cupy

    fake = fake_cupy.install(monkeypatch)

    def on_device(function):
        def lent(*args, **kwargs):
            host = [a._host if hasattr(a, "_host") else a for a in args]
            kwargs = {k: v._host if hasattr(v, "_host") else v for k, v in kwargs.items()}
            return fake.asarray(np.asarray(function(*host, **kwargs)))
        return lent

    for name in ("bincount", "isin", "searchsorted"):
        monkeypatch.setattr(fake, name, on_device(getattr(np, name)), raising=False)


@pytest.mark.parametrize("name", ON_DEVICE)
def test_same_results_on_the_fake_gpu(name: str, monkeypatch) -> None:
    results = {}
    for device in ("cpu", "cuda"):
        if device == "cuda":
            _install_fake_gpu(monkeypatch)
        x = teachgrad.tensor(WITH_NAN if "median" in name else DISTINCT, device=device,
                             requires_grad=True)
        outs = _outputs(ON_DEVICE[name](teachgrad, x))
        grads = [o for o in outs if o.requires_grad]
        if grads:
            sum(o.sum() for o in grads).backward()
        results[device] = [o.detach().cpu() for o in outs] + (
            [x.grad.cpu()] if grads else [])
        assert all(o.device.type == device for o in outs)
    for mine, cpu in zip(results["cuda"], results["cpu"]):
        assert mine.dtype == cpu.dtype
        np.testing.assert_array_equal(mine.numpy(), cpu.numpy())
