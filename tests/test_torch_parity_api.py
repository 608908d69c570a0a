"""The keywords and small modules public PyTorch code reaches for (issue 15), against torch.

out= on creation, pointwise, reduction and matmul functions; axis=/keepdims= for
dim=/keepdim=; size= and randint's keywords; set_default_device; torch.backends;
torch.functional; and the scans and statistics cummax, cummin, logcumsumexp,
std_mean and var_mean, with their gradients.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import pytest
from oracle import assert_same, assert_same_error, assert_same_grads, make_pair, torch, weights_like

import teachgrad

RNG = np.random.default_rng(15)
MATRIX = RNG.standard_normal((3, 4)).astype(np.float32)


def both(expression):
    return expression(teachgrad), expression(torch)


# ------------------------------------------------------------------ out=

OUT_CALLS = {
    "add": lambda lib, o: lib.add(lib.ones(2, 3), 2.5, out=o),
    "mul": lambda lib, o: lib.mul(lib.ones(2, 3), lib.arange(3.0), out=o),
    "exp": lambda lib, o: lib.exp(lib.arange(6.0).reshape(2, 3), out=o),
    "clamp": lambda lib, o: lib.clamp(lib.arange(6.0).reshape(2, 3), 1, 4, out=o),
    "matmul": lambda lib, o: lib.matmul(lib.ones(2, 4), lib.ones(4, 3), out=o),
    "mm": lambda lib, o: lib.mm(lib.ones(2, 4), lib.ones(4, 3), out=o),
    "sum": lambda lib, o: lib.sum(lib.ones(2, 3, 5), 2, out=o),
    "cat": lambda lib, o: lib.cat([lib.ones(1, 3), lib.zeros(1, 3)], out=o),
    "eq": lambda lib, o: lib.eq(lib.arange(6.0).reshape(2, 3), 2.0, out=o),
    "zeros": lambda lib, o: lib.zeros(2, 3, out=o),
    "full": lambda lib, o: lib.full((2, 3), 7.0, out=o),
}


@pytest.mark.parametrize("name", sorted(OUT_CALLS))
def test_out_is_the_given_tensor_and_holds_the_result(name):
    call = OUT_CALLS[name]
    ours_out, theirs_out = teachgrad.empty(2, 3), torch.empty(2, 3)
    ours_view, theirs_view = ours_out[0], theirs_out[0]
    ours, theirs = call(teachgrad, ours_out), call(torch, theirs_out)
    assert ours is ours_out and theirs is theirs_out
    assert_same(ours, theirs)
    assert_same(ours_view, theirs_view)  # written in place: a view of out sees it


def test_out_of_another_shape_is_resized_with_torchs_warning():
    def run(lib):
        out = lib.empty(5)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = lib.add(lib.ones(2), 1, out=out)
        return result, out, [str(w.message)[:60] for w in caught]

    (ours, ours_out, ours_warned), (theirs, theirs_out, theirs_warned) = both(run)
    assert ours is ours_out
    assert_same(ours, theirs)
    assert ours_warned == theirs_warned and len(ours_warned) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an empty out is resized without a word
        assert_same(teachgrad.arange(3, out=teachgrad.empty(0)),
                    torch.arange(3, out=torch.empty(0)))


def test_out_takes_a_tuple_for_values_and_indices():
    ours_pair = (teachgrad.empty(0), teachgrad.empty(0, dtype=teachgrad.int64))
    theirs_pair = (torch.empty(0), torch.empty(0, dtype=torch.int64))
    x, y = make_pair(MATRIX)
    ours = teachgrad.max(x, 1, out=ours_pair)
    theirs = torch.max(y, 1, out=theirs_pair)
    assert ours.values is ours_pair[0] and ours.indices is ours_pair[1]
    assert_same(ours.values, theirs.values)
    assert_same(ours.indices, theirs.indices)


def test_creation_with_out_uses_outs_dtype():
    assert_same(teachgrad.zeros(3, out=teachgrad.empty(3, dtype=teachgrad.int32)),
                torch.zeros(3, out=torch.empty(3, dtype=torch.int32)))
    assert_same(teachgrad.arange(4, out=teachgrad.empty(0)), torch.arange(4, out=torch.empty(0)))


OUT_ERRORS = {
    "float into int": lambda lib: lib.add(lib.ones(2), 1.5, out=lib.empty(2, dtype=lib.int64)),
    "input requires grad": lambda lib: lib.mul(lib.ones(2, requires_grad=True), 2,
                                               out=lib.empty(2)),
    "out requires grad": lambda lib: lib.mul(lib.ones(2), 2,
                                             out=lib.empty(2, requires_grad=True)),
    "out not a tensor": lambda lib: lib.add(lib.ones(2), 1, out=np.empty(2, np.float32)),
    "dtype against out": lambda lib: lib.zeros(2, dtype=lib.float64, out=lib.empty(2)),
}


@pytest.mark.parametrize("case", sorted(OUT_ERRORS))
def test_out_errors_are_torchs_and_leave_out_unchanged(case):
    out_before = teachgrad.empty(2)
    ours, _ = assert_same_error(lambda: OUT_ERRORS[case](teachgrad),
                                lambda: OUT_ERRORS[case](torch))
    assert "out" in str(ours) or "cast" in str(ours) or "dtype" in str(ours)
    assert out_before.tolist() == [0.0, 0.0]


def test_out_under_no_grad_is_allowed():
    with teachgrad.no_grad():
        ours = teachgrad.mul(teachgrad.ones(2, requires_grad=True), 2, out=teachgrad.empty(2))
    with torch.no_grad():
        theirs = torch.mul(torch.ones(2, requires_grad=True), 2, out=torch.empty(2))
    assert_same(ours, theirs)


# ------------------------------------------------------------------ axis= and keepdims=

ALIAS_CALLS = {
    "sum": lambda lib, x: x.sum(axis=1, keepdims=True),
    "function sum": lambda lib, x: lib.sum(x, axis=0),
    "mean": lambda lib, x: x.mean(axis=0, keepdims=True),
    "amax": lambda lib, x: x.amax(axis=1),
    "argmax": lambda lib, x: x.argmax(axis=1, keepdims=True),
    "max values": lambda lib, x: x.max(axis=1).values,
    "std": lambda lib, x: x.std(axis=1),
    "softmax": lambda lib, x: x.softmax(axis=1),
    "cumsum": lambda lib, x: x.cumsum(axis=1),
    "cat": lambda lib, x: lib.cat([x, x], axis=1),
    "stack": lambda lib, x: lib.stack([x, x], axis=2),
    "unsqueeze": lambda lib, x: x.unsqueeze(axis=0),
    "logsumexp": lambda lib, x: x.logsumexp(axis=1, keepdims=True),
}


@pytest.mark.parametrize("name", sorted(ALIAS_CALLS))
def test_axis_and_keepdims_are_aliases_as_in_torch(name):
    x, y = make_pair(MATRIX)
    assert_same(ALIAS_CALLS[name](teachgrad, x), ALIAS_CALLS[name](torch, y))


def test_an_alias_and_its_name_together_are_a_type_error():
    x, y = make_pair(MATRIX)
    assert_same_error(lambda: x.sum(dim=1, axis=1), lambda: y.sum(dim=1, axis=1))


def test_norm_and_split_take_no_alias_in_torch_nor_here():
    x, y = make_pair(MATRIX)
    assert_same_error(lambda: x.split(1, axis=1), lambda: y.split(1, axis=1))


# ------------------------------------------------------------------ size= and randint's keywords

@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "rand", "randn"])
def test_size_keyword(name):
    ours, theirs = both(lambda lib: getattr(lib, name)(size=(2, 3)))
    assert tuple(ours.shape) == tuple(theirs.shape) == (2, 3)
    assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
    assert_same_error(lambda: getattr(teachgrad, name)(2, size=(2,)),
                      lambda: getattr(torch, name)(2, size=(2,)))


RANDINT_CALLS = {
    "low high size keywords": lambda lib: lib.randint(low=3, high=5, size=(4,)),
    "high size keywords": lambda lib: lib.randint(high=5, size=(2, 2)),
    "positional high, size keyword": lambda lib: lib.randint(5, size=(3,)),
    "all positional": lambda lib: lib.randint(2, 7, (3,)),
}


@pytest.mark.parametrize("case", sorted(RANDINT_CALLS))
def test_randint_keywords(case):
    ours, theirs = both(RANDINT_CALLS[case])
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.dtype == teachgrad.int64 and theirs.dtype == torch.int64
    low, high = (3, 5) if "low" in case else (2, 7) if "all" in case else (0, 5)
    assert low <= int(ours.min()) and int(ours.max()) < high


def test_randint_without_high_is_a_type_error():
    assert_same_error(lambda: teachgrad.randint(low=2, size=(2,)),
                      lambda: torch.randint(low=2, size=(2,)))


# ------------------------------------------------------------------ defaults, backends, functional

def test_set_default_device_cpu_and_back():
    teachgrad.set_default_device("cpu")
    try:
        assert teachgrad.get_default_device() == teachgrad.device("cpu")
        assert teachgrad.zeros(2).device == teachgrad.device("cpu")
        assert teachgrad.tensor([1.0]).device == teachgrad.device("cpu")
    finally:
        teachgrad.set_default_device(None)
    assert teachgrad.get_default_device().type == "cpu"


def test_set_default_device_cuda_sends_factories_to_the_gpu(monkeypatch):
    import fake_cupy

    fake_cupy.install(monkeypatch)
    teachgrad.set_default_device("cuda")
    try:
        assert teachgrad.zeros(2).device.type == "cuda"
        assert teachgrad.randn(2).device.type == "cuda"
        assert teachgrad.tensor([1.0, 2.0]).device.type == "cuda"
        assert teachgrad.from_numpy(np.ones(2)).device.type == "cpu"  # as in torch
    finally:
        teachgrad.set_default_device(None)


def test_default_dtype_round_trip():
    assert str(teachgrad.get_default_dtype()) == "teachgrad.float32"
    teachgrad.set_default_dtype(teachgrad.float64)
    try:
        assert teachgrad.ones(1).dtype == teachgrad.float64
        assert teachgrad.tensor([1.5]).dtype == teachgrad.float64
    finally:
        teachgrad.set_default_dtype(teachgrad.float32)


def test_backends_answer_as_torch_does_without_those_accelerators():
    assert teachgrad.backends.mps.is_available() is False
    assert teachgrad.backends.mps.is_built() is False
    assert teachgrad.backends.cudnn.is_available() is False
    teachgrad.backends.cudnn.benchmark = True  # scripts set it; nothing breaks
    teachgrad.backends.cudnn.benchmark = False
    device = ("cuda" if teachgrad.cuda.is_available()
              else "mps" if teachgrad.backends.mps.is_available() else "cpu")
    assert device == "cpu"


def test_functional_holds_the_same_functions():
    assert teachgrad.functional.split is teachgrad.split
    assert teachgrad.functional.norm is teachgrad.norm
    x, y = make_pair(MATRIX)
    for ours, theirs in zip(teachgrad.functional.split(x, 2, 1), torch.functional.split(y, 2, 1)):
        assert_same(ours, theirs)
    with pytest.raises(AttributeError, match="not implemented in teachgrad"):
        teachgrad.functional.stft  # noqa: B018


# ------------------------------------------------------------------ cummax, cummin, logcumsumexp

SCAN_INPUTS = {
    "matrix": MATRIX,
    "ties": np.array([[1.0, 3.0, 3.0, 2.0, 5.0], [2.0, 2.0, 1.0, 7.0, 7.0]], np.float32),
    "nan": np.array([1.0, np.nan, 2.0, np.nan, 0.5], np.float32),
    "0-d": np.array(3.0, np.float32),
    "float64": RNG.standard_normal((2, 3, 4)),
}


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("case", sorted(SCAN_INPUTS))
def test_running_extremes(name, case):
    array = SCAN_INPUTS[case]
    for dim in range(-max(array.ndim, 1), max(array.ndim, 1)):
        x, y = make_pair(array, requires_grad=True)
        ours, theirs = getattr(teachgrad, name)(x, dim), getattr(torch, name)(y, dim)
        assert_same(ours.values, theirs.values)
        assert_same(ours.indices, theirs.indices)
        assert type(ours).__name__.lower().startswith(name)
        weights = weights_like(np.asarray(array))
        (ours.values * teachgrad.tensor(weights)).sum().backward()
        (theirs.values * torch.tensor(weights)).sum().backward()
        assert_same_grads([x], [y])


def test_running_extremes_of_ints_and_the_grad_fn_names():
    x, y = make_pair(np.array([1, 1, 0, 4]))
    assert_same(teachgrad.cummin(x, 0).indices, torch.cummin(y, 0).indices)
    a, b = make_pair(MATRIX, requires_grad=True)
    assert type(a.cummax(1).values.grad_fn).__name__ == type(b.cummax(1).values.grad_fn).__name__
    assert type(a.cummin(1).values.grad_fn).__name__ == type(b.cummin(1).values.grad_fn).__name__


@pytest.mark.parametrize("array", [
    np.array([1000.0, 0.0, -1000.0, 3.0], np.float32),
    np.array([-1000.0, 0.0, 5.0], np.float32),
    np.array([-np.inf, -np.inf, 1.0], np.float32),
    MATRIX,
    np.array(2.0, np.float32),
], ids=["large", "very negative first", "minus inf", "matrix", "0-d"])
def test_logcumsumexp_values_and_gradients(array):
    for dim in range(-max(array.ndim, 1), max(array.ndim, 1)):
        x, y = make_pair(array, requires_grad=True)
        ours, theirs = teachgrad.logcumsumexp(x, dim), torch.logcumsumexp(y, dim)
        assert_same(ours, theirs)
        assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
        weights = RNG.standard_normal(array.shape).astype(np.float32)  # both signs
        ours.backward(teachgrad.tensor(weights))
        theirs.backward(torch.tensor(weights))
        assert_same_grads([x], [y], rtol=1e-4, atol=1e-5)


def test_logcumsumexp_of_ints_is_not_implemented_as_in_torch():
    x, y = make_pair(np.array([1, 2]))
    assert_same_error(lambda: teachgrad.logcumsumexp(x, 0), lambda: torch.logcumsumexp(y, 0))


def _scan(lib, function, t):
    if function == "logcumsumexp":
        return lib.logcumsumexp(t, 1)
    return getattr(lib, function)(t, 0).values


@pytest.mark.parametrize("function", ["cummax", "cummin", "logcumsumexp"])
def test_scans_pass_gradcheck_and_match_torchs_second_derivative(function):
    array = RNG.standard_normal((3, 4))
    x = teachgrad.tensor(array, requires_grad=True)
    assert teachgrad.autograd.gradcheck(lambda t: _scan(teachgrad, function, t), (x,))
    results = []
    for lib in (teachgrad, torch):
        t = lib.tensor(array, requires_grad=True)
        out = _scan(lib, function, t)
        (grad,) = lib.autograd.grad((out * out).sum(), t, create_graph=True)
        (grad * grad).sum().backward()
        results.append(t.grad)
    assert_same(results[0], results[1])


@pytest.mark.parametrize("name", ["std_mean", "var_mean"])
@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": 0, "keepdim": True},
                                    {"dim": 1, "unbiased": False}, {"correction": 0}])
def test_std_mean_and_var_mean(name, kwargs):
    x, y = make_pair(MATRIX, requires_grad=True)
    ours, theirs = getattr(teachgrad, name)(x, **kwargs), getattr(torch, name)(y, **kwargs)
    assert isinstance(ours, tuple) and len(ours) == 2
    for mine, other in zip(ours, theirs):
        assert_same(mine, other)
    (ours[0] + 2 * ours[1]).sum().backward()
    (theirs[0] + 2 * theirs[1]).sum().backward()
    assert_same_grads([x], [y])


# ---------------------------------------------------------- storage_offset, custom Functions

def test_storage_offset_of_views_is_torchs():
    views = {
        "fresh": lambda t: t, "row": lambda t: t[1], "block": lambda t: t[1:, 2:],
        "column": lambda t: t[:, 1, 3], "permuted": lambda t: t.permute(2, 0, 1)[3],
        "element": lambda t: t[2, 3, 4], "expanded": lambda t: t.expand(2, 3, 4, 5)[1, 2],
        "stepped": lambda t: t[0, ::2], "narrowed": lambda t: t.narrow(2, 1, 3),
    }
    ours, theirs = teachgrad.arange(60.0).reshape(3, 4, 5), torch.arange(60.0).reshape(3, 4, 5)
    for name, view in views.items():
        assert view(ours).storage_offset() == view(theirs).storage_offset(), name


def _custom_functions(lib):
    class ReturnsNumber(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, 5

        @staticmethod
        def backward(ctx, grad, _ignored):
            return grad * 2

    class BackwardReturnsArray(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad.numpy() * 2

    return ReturnsNumber, BackwardReturnsArray


@pytest.mark.parametrize("reference", [False, True], ids=["fast", "reference"])
def test_a_python_number_forward_returns_passes_through(reference):
    ours_fn, _ = _custom_functions(teachgrad)
    theirs_fn, _ = _custom_functions(torch)
    x, y = make_pair(np.ones(2, np.float32), requires_grad=True)
    with teachgrad.fast.reference_mode() if reference else contextlib.nullcontext():
        (ours, ours_number), (theirs, theirs_number) = ours_fn.apply(x), theirs_fn.apply(y)
    assert ours_number == theirs_number == 5 and type(ours_number) is int
    assert_same(ours, theirs)
    ours.sum().backward()
    theirs.sum().backward()
    assert_same_grads([x], [y])


def test_a_backward_that_returns_an_array_is_torchs_runtime_error():
    _, ours_fn = _custom_functions(teachgrad)
    _, theirs_fn = _custom_functions(torch)
    x, y = make_pair(np.ones(2, np.float32), requires_grad=True)
    ours, _ = assert_same_error(lambda: ours_fn.apply(x).sum().backward(),
                                lambda: theirs_fn.apply(y).sum().backward())
    assert "from_numpy" in str(ours)


def test_linalg_cross_and_the_star_import_of_functional():
    a, b = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))
    assert_same(teachgrad.linalg.cross(teachgrad.tensor(a), teachgrad.tensor(b)),
                torch.linalg.cross(torch.tensor(a), torch.tensor(b)))
    names: dict = {}
    exec("from teachgrad.nn.functional import *", names)  # the star import is the test
    assert {"pad", "interpolate", "conv1d", "normalize", "relu"} <= set(names)
