"""Oracle tests: teachgrad.printing must print exactly what torch prints.

Every test builds the same values as a torch tensor and as a NumPy array and
compares torch's full ``repr`` (with ``torch.`` spelled ``teachgrad.``) to
``tensor_repr``. Print options are reset in both libraries around each test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from teachgrad.printing import get_printoptions, set_printoptions, tensor_repr

torch = pytest.importorskip("torch", reason="torch is the oracle for tensor printing")

FLOAT_DTYPES = ["float32", "float64", "float16"]
INT_DTYPES = ["int64", "int32", "int16", "int8", "uint8"]
ALL_DTYPES = [*FLOAT_DTYPES, *INT_DTYPES, "bool"]
SHAPES = [(), (3,), (2, 3), (2, 3, 4), (0,), (0, 3), (2, 0, 3)]

nan, inf = float("nan"), float("inf")


@pytest.fixture(autouse=True)
def default_printoptions() -> Iterator[None]:
    """Start and end every test with the default options in both libraries."""
    set_printoptions(profile="default")
    torch.set_printoptions(profile="default")
    yield
    set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


# --------------------------------------------------------------------------
# The oracle
# --------------------------------------------------------------------------


def _split_repr(text: str) -> tuple[str, list[str]]:
    """Split a torch repr into ``tensor(<body>`` and its list of suffixes."""
    assert text.endswith(")")
    # The body never contains "=", so the first ", name=" starts the suffixes.
    match = re.search(r",\s+(?=[a-z_]+=)", text)
    if match is None:
        return text[:-1], []
    suffix_text = text[match.end() : -1]
    return text[: match.start()], re.split(r",\s+(?=[a-z_]+=)", suffix_text)


def _with_device(cpu_repr: str, device: str) -> str:
    """torch's repr of the same tensor living on ``device`` (e.g. cuda:0).

    No CUDA tensor can be built on a CPU-only machine, so the expected string
    is derived from the CPU repr: torch's ``_str_intern`` (torch/_tensor_str.py)
    appends ``device='...'`` as the very first suffix, before size/dtype/grad.
    The suffixes are then re-joined with torch's own ``_add_suffixes`` so that
    the line-wrapping of the longer suffix list is torch's, not ours.
    """
    from torch._tensor_str import _add_suffixes

    head, suffixes = _split_repr(cpu_repr)
    indent = len("tensor(")
    # Self-check of the split: re-joining the CPU suffixes gives the CPU repr back.
    assert _add_suffixes(head, suffixes, indent, False) == cpu_repr
    return _add_suffixes(head, [f"device='{device}'", *suffixes], indent, False)


def expected_repr(
    values: np.ndarray,
    dtype_name: str,
    *,
    grad: str = "none",
    device: str = "cpu",
) -> tuple[str, str | None]:
    """torch's repr for ``values`` and the grad_fn name to pass to teachgrad.

    grad: "none", "requires_grad" (a leaf) or "grad_fn" (the result of ``leaf * 1``,
    which has the same values and a ``MulBackward0`` grad_fn).
    """
    t = torch.from_numpy(values.copy()).to(getattr(torch, dtype_name))
    grad_fn_name = None
    if grad == "requires_grad":
        t.requires_grad_(True)
    elif grad == "grad_fn":
        t = t.requires_grad_(True) * 1
        grad_fn_name = type(t.grad_fn).__name__
    text = repr(t)
    if device != "cpu":
        text = _with_device(text, device)
    return text.replace("torch.", "teachgrad."), grad_fn_name


def check(values: np.ndarray, dtype_name: str, *, grad: str = "none", device: str = "cpu") -> None:
    """Assert that teachgrad prints ``values`` exactly as torch does."""
    expected, grad_fn_name = expected_repr(values, dtype_name, grad=grad, device=device)
    got = tensor_repr(
        values,
        dtype_name=dtype_name,
        device=device,
        requires_grad=grad != "none",
        grad_fn_name=grad_fn_name,
    )
    assert got == expected


def as_dtype(values: object, dtype_name: str) -> np.ndarray:
    """``values`` as a NumPy array of the NumPy type matching torch's dtype name."""
    with np.errstate(invalid="ignore", over="ignore"):
        return np.asarray(values).astype(np.dtype(dtype_name))


# --------------------------------------------------------------------------
# Every dtype x every shape
# --------------------------------------------------------------------------


def _basic_values(shape: tuple[int, ...], dtype_name: str) -> np.ndarray:
    """Small signed integers (1, -2, 3, ...) in the given shape and dtype."""
    n = int(np.prod(shape))
    ints = np.arange(1, n + 1) * np.where(np.arange(n) % 2, -1, 1)
    if dtype_name == "bool":
        return (ints % 3 == 0).reshape(shape)
    if dtype_name == "uint8":
        ints = np.abs(ints)
    return as_dtype(ints.reshape(shape), dtype_name)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype_name", ALL_DTYPES)
def test_dtype_and_shape(dtype_name: str, shape: tuple[int, ...]) -> None:
    check(_basic_values(shape, dtype_name), dtype_name)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype_name", FLOAT_DTYPES)
def test_random_normal_floats(dtype_name: str, shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(0)
    check(as_dtype(rng.standard_normal(shape), dtype_name), dtype_name)


# --------------------------------------------------------------------------
# Number formats: int mode, fixed, scientific, specials
# --------------------------------------------------------------------------

FLOAT_CASES: dict[str, object] = {
    "ints_as_floats": [1.0, 2.0, 3.0],
    "negative_ints_as_floats": [-1.0, 20.0, -300.0],
    "fixed": [1.5, -2.25, 3.125],
    "fixed_rounding_to_wider": [9.99996, 1.0],
    "mixed_tiny_and_huge": [1e-5, 1e5],
    "ratio_over_1000": [0.5, 1e3],
    "ratio_just_1000": [0.5, 500.0],
    "small_below_1e-4": [1e-5, 1.0],
    "small_just_above_1e-4": [2e-4, 1.5],
    "int_large_1e9": [1e9, 1.0],
    "int_just_1e8": [1e8, 2.0],
    "int_over_1e8": [2e8, 3.0],
    "int_ratio_over_1000": [1.0, 2000.0],
    "negative_zero_alone": [-0.0],
    "negative_zero_with_one": [-0.0, 1.0],
    "negative_zero_fixed": [-0.0, 0.0, 1.5],
    "all_zeros": [0.0, 0.0, 0.0],
    "nan_inf_with_ints": [nan, 1.0, inf, -inf],
    "nan_inf_with_fixed": [nan, 1.5, -inf, 2.25],
    "nan_inf_with_sci": [nan, 1e-7, inf, 3.0],
    "only_nan": [nan, nan],
    "only_infs": [inf, -inf],
    "neg_inf_wider_than_ints": [1.0, -inf],
    "huge_1e20": [1e20, -3.0],
    "tiny_1e-8": [1e-8, 2e-8],
    "float32_inexact": [0.1, 0.2, 0.3],
    "mixed_signs_sci": [-1e-6, 1e6, 0.0],
    "long_row_wraps": np.arange(30.0),
    "long_random_row": np.random.default_rng(1).standard_normal(100),
    "nested_rows_wrap": np.random.default_rng(2).standard_normal((5, 20)) * 10,
    "3d_rows_wrap": np.random.default_rng(3).standard_normal((2, 3, 30)),
    "4d": np.arange(24.0).reshape(2, 3, 2, 2) / 4,
    "scaled_normal_x1000": np.random.default_rng(4).standard_normal((3, 4)) * 1000,
    "scaled_normal_x1e-3": np.random.default_rng(5).standard_normal((3, 4)) * 1e-3,
    "column": np.arange(5.0).reshape(5, 1),
}

# Magnitudes float16 cannot hold (they would become inf or 0 and test nothing new).
FLOAT64_ONLY_CASES: dict[str, object] = {
    "huge_1e300": [1e300, 1.0],
    "exponent_3_digits": [1e-300, 1.5],
    "denormal": [5e-324, 1.0],
    "big_non_int": [123456789.5, 0.25],
}


@pytest.mark.parametrize("case", list(FLOAT_CASES))
@pytest.mark.parametrize("dtype_name", FLOAT_DTYPES)
def test_float_formats(dtype_name: str, case: str) -> None:
    check(as_dtype(FLOAT_CASES[case], dtype_name), dtype_name)


@pytest.mark.parametrize("case", list(FLOAT64_ONLY_CASES))
@pytest.mark.parametrize("dtype_name", ["float32", "float64"])
def test_extreme_float_formats(dtype_name: str, case: str) -> None:
    check(as_dtype(FLOAT64_ONLY_CASES[case], dtype_name), dtype_name)


@pytest.mark.parametrize(
    "value", [3.0, -2.5, nan, inf, -inf, 1e-5, 0.0, -0.0, 1e9, 123.456], ids=repr
)
@pytest.mark.parametrize("dtype_name", FLOAT_DTYPES)
def test_zero_dim_floats(dtype_name: str, value: float) -> None:
    check(as_dtype(value, dtype_name), dtype_name)


INT_CASES: dict[str, tuple[str, object]] = {
    "negative_ints": ("int64", [-1, 10, -100]),
    "int8_range": ("int8", [-128, 0, 127]),
    "uint8_max": ("uint8", [0, 255]),
    "int16_range": ("int16", [-32768, 32767]),
    "int32_min": ("int32", [-(2**31), 1]),
    "int64_huge": ("int64", [2**62, -(2**63)]),
    "int64_long_row": ("int64", np.arange(100)),
    "int64_zero_dim": ("int64", 7),
    "int32_zero_dim": ("int32", -7),
    "bool_zero_dim": ("bool", True),
    "bool_row": ("bool", [True, False, True]),
    "bool_long_row": ("bool", np.arange(40) % 3 == 0),
    "bool_all_false": ("bool", [False, False]),
}


@pytest.mark.parametrize("case", list(INT_CASES))
def test_int_and_bool(case: str) -> None:
    dtype_name, values = INT_CASES[case]
    check(as_dtype(values, dtype_name), dtype_name)


# --------------------------------------------------------------------------
# Summarization above the threshold
# --------------------------------------------------------------------------

SUMMARIZED_CASES: dict[str, tuple[str, Callable[[], np.ndarray]]] = {
    "arange_2000": ("float32", lambda: np.arange(2000.0)),
    "normal_50x50": ("float32", lambda: np.random.default_rng(6).standard_normal((50, 50))),
    "normal_3x500": ("float64", lambda: np.random.default_rng(7).standard_normal((3, 500))),
    "normal_2x3x200": ("float32", lambda: np.random.default_rng(8).standard_normal((2, 3, 200))),
    "normal_4d": ("float32", lambda: np.random.default_rng(9).standard_normal((4, 4, 4, 20))),
    "half_50x50": ("float16", lambda: np.random.default_rng(10).standard_normal((50, 50))),
    "int64_20x100": ("int64", lambda: np.arange(2000).reshape(20, 100)),
    "bool_40x40": ("bool", lambda: np.arange(1600).reshape(40, 40) % 7 == 0),
    # The hidden middle holds the only huge value: the format must ignore it.
    "hidden_outlier": ("float32", lambda: np.where(np.arange(2000) == 1000, 1e10, 1.5)),
    "exactly_threshold": ("float32", lambda: np.arange(1000.0)),
    "one_over_threshold": ("float32", lambda: np.arange(1001.0)),
    "long_first_dim": ("float32", lambda: np.arange(2000.0).reshape(1000, 2)),
}


@pytest.mark.parametrize("case", list(SUMMARIZED_CASES))
def test_summarized(case: str) -> None:
    dtype_name, make = SUMMARIZED_CASES[case]
    check(as_dtype(make(), dtype_name), dtype_name)


# --------------------------------------------------------------------------
# Suffixes: requires_grad, grad_fn, device, and their line-wrapping
# --------------------------------------------------------------------------

SUFFIX_VALUES: dict[str, tuple[str, Callable[[], object]]] = {
    "scalar": ("float32", lambda: 2.5),
    "row": ("float32", lambda: [1.0, 2.0, 3.0]),
    "float64_row": ("float64", lambda: [1.5, -2.0]),
    "half_matrix": ("float16", lambda: np.arange(6.0).reshape(2, 3)),
    "nearly_full_line": ("float64", lambda: np.arange(14.0)),
    "full_line": ("float64", lambda: np.arange(1.0, 13.0) / 3),
    "sci_matrix": ("float32", lambda: np.array([[1e-5, 2.0], [3.0, 1e5]])),
    "empty": ("float32", lambda: np.zeros(0)),
    "empty_2d": ("float64", lambda: np.zeros((0, 3))),
    "summarized": ("float32", lambda: np.random.default_rng(11).standard_normal((50, 50))),
    "summarized_float64": ("float64", lambda: np.arange(2000.0)),
    "int64_row": ("int64", lambda: [1, 2, 3]),
    "int32_matrix": ("int32", lambda: np.arange(6).reshape(2, 3)),
    "int16_empty": ("int16", lambda: np.zeros((2, 0, 3))),
    "bool_row": ("bool", lambda: [True, False]),
}

GRADS = ["none", "requires_grad", "grad_fn"]
DEVICES = ["cpu", "cuda:0", "cuda:1"]
# torch allows requires_grad only on floating point tensors.
SUFFIX_PARAMS = [
    (case, grad, device)
    for case, (dtype_name, _) in SUFFIX_VALUES.items()
    for grad in (GRADS if dtype_name in FLOAT_DTYPES else ["none"])
    for device in DEVICES
]


@pytest.mark.parametrize(("case", "grad", "device"), SUFFIX_PARAMS)
def test_suffixes(case: str, grad: str, device: str) -> None:
    dtype_name, make = SUFFIX_VALUES[case]
    check(as_dtype(make(), dtype_name), dtype_name, grad=grad, device=device)


def test_grad_fn_name_is_shown_verbatim() -> None:
    text = tensor_repr(np.ones(2), dtype_name="float32", grad_fn_name="SumBackward0")
    assert text == "tensor([1., 1.], grad_fn=<SumBackward0>)"


def test_unknown_dtype_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="complex64"):
        tensor_repr(np.ones(2), dtype_name="complex64")


# --------------------------------------------------------------------------
# set_printoptions
# --------------------------------------------------------------------------

OPTION_SETS: dict[str, dict[str, object]] = {
    "precision_2": {"precision": 2},
    "precision_8": {"precision": 8},
    "precision_0": {"precision": 0},
    "sci_off": {"sci_mode": False},
    "sci_on": {"sci_mode": True},
    "sci_on_precision_2": {"sci_mode": True, "precision": 2},
    "linewidth_40": {"linewidth": 40},
    "linewidth_200": {"linewidth": 200},
    "linewidth_10": {"linewidth": 10},
    "threshold_5_edgeitems_2": {"threshold": 5, "edgeitems": 2},
    "threshold_5_edgeitems_1": {"threshold": 5, "edgeitems": 1},
    "threshold_5_edgeitems_0": {"threshold": 5, "edgeitems": 0},
    "edgeitems_0_not_summarized": {"edgeitems": 0},
    "threshold_0": {"threshold": 0},
    "profile_short": {"profile": "short"},
    "profile_full": {"profile": "full"},
    "profile_full_then_precision": {"profile": "full", "precision": 6},
}

OPTION_VALUES: dict[str, tuple[str, Callable[[], object]]] = {
    "scalar": ("float32", lambda: 3.14159),
    "zero_dim_int": ("int64", lambda: 42),
    "ints_as_floats": ("float32", lambda: [1.0, 2.0, 30.0]),
    "fixed": ("float64", lambda: np.random.default_rng(12).standard_normal((3, 4))),
    "sci": ("float32", lambda: [1e-5, 1e5, -3.0]),
    "zeros_and_nan": ("float32", lambda: [0.0, nan, -0.0]),
    "row_of_30": ("float32", lambda: np.arange(30.0)),
    "matrix_6x6": ("float32", lambda: np.arange(36.0).reshape(6, 6) / 7),
    "cube_3x3x3": ("float64", lambda: np.arange(27.0).reshape(3, 3, 3)),
    "int64_row": ("int64", lambda: np.arange(12)),
    "bool_matrix": ("bool", lambda: np.eye(5, dtype=bool)),
    "summarized_2000": ("float32", lambda: np.arange(2000.0) / 3),
    "summarized_50x50": ("float32", lambda: np.random.default_rng(13).standard_normal((50, 50))),
    "empty": ("float32", lambda: np.zeros((0, 2))),
}


@pytest.mark.parametrize("case", list(OPTION_VALUES))
@pytest.mark.parametrize("options", list(OPTION_SETS))
def test_printoptions(options: str, case: str) -> None:
    set_printoptions(**OPTION_SETS[options])
    torch.set_printoptions(**OPTION_SETS[options])
    dtype_name, make = OPTION_VALUES[case]
    check(as_dtype(make(), dtype_name), dtype_name)


@pytest.mark.parametrize("grad", ["requires_grad", "grad_fn"])
@pytest.mark.parametrize("options", ["linewidth_40", "threshold_5_edgeitems_0", "linewidth_10"])
def test_printoptions_with_suffixes(options: str, grad: str) -> None:
    set_printoptions(**OPTION_SETS[options])
    torch.set_printoptions(**OPTION_SETS[options])
    check(as_dtype(np.arange(12.0).reshape(3, 4) / 3, "float64"), "float64", grad=grad)


def test_printoptions_persist_across_calls() -> None:
    set_printoptions(precision=2)
    torch.set_printoptions(precision=2)
    check(as_dtype([1.2345, 2.5], "float32"), "float32")
    check(as_dtype([[0.125]], "float64"), "float64")


def _torch_printoptions() -> dict:
    from torch._tensor_str import get_printoptions as torch_get_printoptions

    return torch_get_printoptions()


@pytest.mark.parametrize(
    "calls",
    [
        [{}],
        [{"precision": 2}],
        [{"sci_mode": True}, {"precision": 3}],  # sci_mode goes back to None
        [{"profile": "short"}],
        [{"profile": "full"}],
        [{"profile": "full", "threshold": 10, "linewidth": 50}],
        [{"profile": "no-such-profile"}],  # ignored, like torch
        [{"edgeitems": 0, "sci_mode": False}],
    ],
    ids=str,
)
def test_get_printoptions_matches_torch(calls: list[dict[str, object]]) -> None:
    for kwargs in calls:
        set_printoptions(**kwargs)
        torch.set_printoptions(**kwargs)
    assert get_printoptions() == _torch_printoptions()


def test_get_printoptions_returns_a_copy() -> None:
    get_printoptions()["precision"] = 9
    assert get_printoptions()["precision"] == 4


# --------------------------------------------------------------------------
# Property tests against torch
# --------------------------------------------------------------------------

SMALL_SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)
ORACLE_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@ORACLE_SETTINGS
@given(values=hnp.arrays(np.float64, SMALL_SHAPES, elements=st.floats()))
def test_random_float64_arrays(values: np.ndarray) -> None:
    check(values, "float64")


@ORACLE_SETTINGS
@given(values=hnp.arrays(np.float32, SMALL_SHAPES, elements=st.floats(width=32)))
def test_random_float32_arrays(values: np.ndarray) -> None:
    check(values, "float32")


@ORACLE_SETTINGS
@given(values=hnp.arrays(np.float16, SMALL_SHAPES, elements=st.floats(width=16)))
def test_random_float16_arrays(values: np.ndarray) -> None:
    check(values, "float16")


@ORACLE_SETTINGS
@given(values=hnp.arrays(np.int64, SMALL_SHAPES))
def test_random_int64_arrays(values: np.ndarray) -> None:
    check(values, "int64")


@ORACLE_SETTINGS
@given(
    values=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=12),
        elements=st.one_of(st.floats(-1e4, 1e4), st.sampled_from([0.0, -0.0, nan, inf, 1e-7])),
    ),
    precision=st.integers(0, 8),
    linewidth=st.integers(10, 120),
    sci_mode=st.sampled_from([None, True, False]),
    threshold=st.integers(0, 60),
    edgeitems=st.integers(0, 4),
)
def test_random_arrays_random_options(
    values: np.ndarray,
    precision: int,
    linewidth: int,
    sci_mode: bool | None,
    threshold: int,
    edgeitems: int,
) -> None:
    options = {
        "precision": precision,
        "linewidth": linewidth,
        "sci_mode": sci_mode,
        "threshold": threshold,
        "edgeitems": edgeitems,
    }
    set_printoptions(**options)
    torch.set_printoptions(**options)
    check(values, "float64")
