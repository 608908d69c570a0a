"""conv2d, max_pool2d and avg_pool2d against torch: values, gradients, errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from nn_oracle import assert_close, both, seed_both, torch_message, values  # noqa: F401 - seed_both is autouse

import teachgrad
import teachgrad.nn.functional as F

torch = pytest.importorskip("torch", reason="torch is the oracle")
TF = torch.nn.functional

CONV_CASES = [
    # (kernel, stride, padding, dilation, groups, bias)
    *itertools.product([(3, 3), (2, 3)], [1, 2, (2, 1)], [0, 1, (2, 1)], [1, 2], [1],
                       [True, False]),
    ((1, 1), 1, 0, 1, 1, True),
    ((3, 3), 1, "same", 1, 1, True),
    ((2, 2), 1, "same", 1, 1, False),  # even kernel: the extra padding goes bottom/right
    ((3, 2), 1, "same", (2, 1), 1, True),
    ((3, 3), 1, "valid", 1, 1, True),
    ((3, 3), 1, 1, 1, 3, True),  # grouped
    ((2, 2), 2, 1, 1, 3, False),
]


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch's note on even kernels
@pytest.mark.parametrize("kernel, stride, padding, dilation, groups, bias", CONV_CASES)
def test_conv2d_matches_torch(kernel: tuple, stride, padding, dilation, groups: int,
                              bias: bool) -> None:
    x, tx = both(values((2, 3, 9, 8), seed=1), requires_grad=True)
    w, tw = both(values((6, 3 // groups, *kernel), seed=2), requires_grad=True)
    b, tb = both(values((6,), seed=3), requires_grad=True) if bias else (None, None)
    out = F.conv2d(x, w, b, stride, padding, dilation, groups)
    expected = TF.conv2d(tx, tw, tb, stride, padding, dilation, groups)
    assert_close(out, expected)
    assert out.grad_fn.name() == expected.grad_fn.name() == "ConvolutionBackward0"
    upstream = values(tuple(expected.shape), seed=4)
    out.backward(teachgrad.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    assert_close(x.grad, tx.grad)
    assert_close(w.grad, tw.grad)
    if bias:
        assert_close(b.grad, tb.grad)


def test_conv2d_float64_and_unbatched_input() -> None:
    x, tx = both(values((3, 7, 7), seed=5, dtype="float64"), requires_grad=True)
    w, tw = both(values((2, 3, 3, 3), seed=6, dtype="float64"), requires_grad=True)
    out, expected = F.conv2d(x, w, padding=1), TF.conv2d(tx, tw, padding=1)
    assert out.dtype == teachgrad.float64
    assert_close(out, expected)
    out.sum().backward()
    expected.sum().backward()
    assert_close(x.grad, tx.grad)
    assert_close(w.grad, tw.grad)


def test_conv2d_double_backward_matches_torch() -> None:
    x, tx = both(values((2, 2, 6, 6), seed=7, dtype="float64"), requires_grad=True)
    w, tw = both(values((3, 2, 3, 3), seed=8, dtype="float64"), requires_grad=True)
    results = []
    for lib, conv, a, k in ((teachgrad, F.conv2d, x, w), (torch, TF.conv2d, tx, tw)):
        out = conv(a, k, stride=2, padding=1)
        (grad_x,) = lib.autograd.grad((out * out).sum(), a, create_graph=True)
        (grad_w,) = lib.autograd.grad((grad_x * grad_x).sum(), k)
        results.append((grad_x, grad_w))
    assert_close(results[0][0], results[1][0])
    assert_close(results[0][1], results[1][1])


MAX_POOL_CASES = [
    *itertools.product([2, 3, (2, 3)], [None, 1, (2, 1)], [0, 1], [1, 2], [False, True]),
]


@pytest.mark.parametrize("kernel, stride, padding, dilation, ceil_mode", MAX_POOL_CASES)
def test_max_pool2d_matches_torch(kernel, stride, padding, dilation, ceil_mode: bool) -> None:
    x, tx = both(values((2, 3, 9, 8), seed=9), requires_grad=True)
    out, indices = F.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode,
                                return_indices=True)
    expected, expected_indices = TF.max_pool2d(tx, kernel, stride, padding, dilation,
                                               ceil_mode, return_indices=True)
    assert_close(out, expected)
    np.testing.assert_array_equal(indices.numpy(), expected_indices.numpy())
    assert indices.dtype == teachgrad.int64
    assert out.grad_fn.name() == expected.grad_fn.name()
    upstream = values(tuple(expected.shape), seed=10)
    out.backward(teachgrad.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    assert_close(x.grad, tx.grad)


def test_max_pool2d_ties_send_the_gradient_to_the_first_maximum() -> None:
    x, tx = both(np.zeros((1, 1, 4, 4), dtype="float32"), requires_grad=True)
    F.max_pool2d(x, 3, stride=1).sum().backward()
    TF.max_pool2d(tx, 3, stride=1).sum().backward()
    assert_close(x.grad, tx.grad)


def test_max_pool2d_nan_wins_its_window_and_takes_the_gradient() -> None:
    data = values((1, 2, 4, 4), seed=12)
    data[0, 0, 1, 0] = data[0, 1, 2, 3] = data[0, 1, 3, 3] = np.nan
    x, tx = both(data, requires_grad=True)
    out, indices = F.max_pool2d(x, 2, return_indices=True)
    expected, expected_indices = TF.max_pool2d(tx, 2, return_indices=True)
    assert_close(out, expected)  # NaN in the same places: assert_allclose compares them
    assert indices.tolist() == expected_indices.tolist()
    out.sum().backward()
    expected.sum().backward()
    assert_close(x.grad, tx.grad)


def test_max_pool2d_gradient_survives_an_inplace_change_of_its_output() -> None:
    # relu_ after a pool is common; backward must not read the changed output.
    x, tx = both(values((2, 1, 6, 6), seed=13), requires_grad=True)
    for lib, a in ((teachgrad, x), (torch, tx)):
        pooled = lib.nn.functional.max_pool2d(a * 1, 2)
        lib.nn.functional.relu(pooled, inplace=True)
        (pooled * pooled).sum().backward()
    assert_close(x.grad, tx.grad)


def test_max_pool2d_unbatched() -> None:
    x, tx = both(values((3, 6, 6), seed=11))
    assert_close(F.max_pool2d(x, 2), TF.max_pool2d(tx, 2))


AVG_POOL_CASES = [
    *itertools.product([2, 3, (3, 2)], [None, 1, (2, 1)], [0, 1], [False, True],
                       [True, False]),
]


@pytest.mark.parametrize("kernel, stride, padding, ceil_mode, count_include_pad",
                         AVG_POOL_CASES)
def test_avg_pool2d_matches_torch(kernel, stride, padding, ceil_mode: bool,
                                  count_include_pad: bool) -> None:
    x, tx = both(values((2, 3, 9, 8), seed=12), requires_grad=True)
    out = F.avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad)
    expected = TF.avg_pool2d(tx, kernel, stride, padding, ceil_mode, count_include_pad)
    assert_close(out, expected)
    assert out.grad_fn.name() == expected.grad_fn.name() == "AvgPool2DBackward0"
    upstream = values(tuple(expected.shape), seed=13)
    out.backward(teachgrad.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    assert_close(x.grad, tx.grad)


# Inputs smaller than the kernel: in ceil mode torch still fits one window that starts
# inside the input (avg_pool2d of a 1x1 image with a 2x2 kernel is that one pixel);
# without it the output size is too small, and torch says so with the computed size.
SMALL_INPUT_CASES = [(size, kernel, stride, padding, ceil_mode, include_pad)
                     for size in (1, 2) for kernel in (2, 3, 4) for stride in (1, 2, 3)
                     for padding in (0, 1) if padding <= kernel // 2
                     for ceil_mode in (False, True) for include_pad in (False, True)]


@pytest.mark.parametrize("function", ["avg_pool2d", "max_pool2d"])
@pytest.mark.parametrize("size, kernel, stride, padding, ceil_mode, include_pad",
                         SMALL_INPUT_CASES)
def test_pools_of_inputs_smaller_than_the_kernel_match_torch(
        function: str, size: int, kernel: int, stride: int, padding: int, ceil_mode: bool,
        include_pad: bool) -> None:
    x, tx = both(values((1, 2, size, size), seed=15), requires_grad=True)
    options = {"count_include_pad": include_pad} if function == "avg_pool2d" else {}
    try:
        expected = getattr(TF, function)(tx, kernel, stride, padding, ceil_mode=ceil_mode,
                                         **options)
    except RuntimeError as error:
        with pytest.raises(RuntimeError) as ours:
            getattr(F, function)(x, kernel, stride, padding, ceil_mode=ceil_mode, **options)
        assert str(ours.value) == torch_message(error)
        return
    out = getattr(F, function)(x, kernel, stride, padding, ceil_mode=ceil_mode, **options)
    assert_close(out, expected)
    out.sum().backward()
    expected.sum().backward()
    assert_close(x.grad, tx.grad)


def test_avg_pool2d_divisor_override() -> None:
    x, tx = both(values((1, 2, 6, 6), seed=14), requires_grad=True)
    out = F.avg_pool2d(x, 3, 2, 1, divisor_override=4)
    expected = TF.avg_pool2d(tx, 3, 2, 1, divisor_override=4)
    assert_close(out, expected)
    out.sum().backward()
    expected.sum().backward()
    assert_close(x.grad, tx.grad)


@pytest.mark.parametrize("pool", ["max", "avg"])
def test_pool_double_backward_matches_torch(pool: str) -> None:
    x, tx = both(values((1, 2, 5, 5), seed=15, dtype="float64"), requires_grad=True)
    ours = F.max_pool2d if pool == "max" else F.avg_pool2d
    theirs = TF.max_pool2d if pool == "max" else TF.avg_pool2d
    results = []
    for lib, fn, a in ((teachgrad, ours, x), (torch, theirs, tx)):
        out = fn(a, 2, 1)
        (grad_x,) = lib.autograd.grad((out ** 3).sum(), a, create_graph=True)
        (second,) = lib.autograd.grad((grad_x * a).sum(), a)
        results.append(second)
    assert_close(*results)


CONV_ERRORS = [
    ((1, 3, 8, 8), (6, 1, 3, 3), {}),  # wrong number of channels
    ((8, 8), (6, 1, 3, 3), {}),  # not an image batch
    ((1, 1, 2, 2), (6, 1, 3, 3), {}),  # kernel larger than the input
    ((1, 1, 3, 3), (6, 1, 2, 2), {"dilation": 3}),  # dilated kernel larger than the input
    ((1, 4, 8, 8), (6, 2, 3, 3), {"groups": 3}),
    ((1, 1, 8, 8), (6, 1, 3, 3), {"stride": 0}),
    ((1, 1, 8, 8), (6, 1, 3, 3), {"padding": -1}),
    ((1, 1, 8, 8), (6, 1, 3, 3), {"dilation": 0}),
    ((1, 1, 8, 8), (6, 1, 3, 3), {"padding": "same", "stride": 2}),
    ((1, 1, 8, 8), (6, 1, 3, 3), {"padding": "full"}),
]


@pytest.mark.parametrize("x_shape, w_shape, options", CONV_ERRORS)
def test_conv2d_errors_match_torch(x_shape: tuple, w_shape: tuple, options: dict) -> None:
    x, tx = both(values(x_shape))
    w, tw = both(values(w_shape))
    with pytest.raises(Exception) as theirs:
        TF.conv2d(tx, tw, **options)
    with pytest.raises(type(theirs.value)) as ours:
        F.conv2d(x, w, **options)
    assert str(ours.value).startswith(torch_message(theirs.value))


def test_conv2d_bias_and_dtype_errors_match_torch() -> None:
    x, tx = both(values((1, 1, 8, 8)))
    w, tw = both(values((6, 1, 3, 3)))
    b, tb = both(values((5,)))
    with pytest.raises(RuntimeError) as theirs:
        TF.conv2d(tx, tw, tb)
    with pytest.raises(RuntimeError) as ours:
        F.conv2d(x, w, b)
    assert str(ours.value).startswith(torch_message(theirs.value))
    with pytest.raises(RuntimeError) as theirs:
        TF.conv2d(tx, tw.double())
    with pytest.raises(RuntimeError) as ours:
        F.conv2d(x, w.double())
    assert str(ours.value).startswith(torch_message(theirs.value).split(" but")[0])


POOL_ERRORS = [
    ("max", (1, 1, 4, 4), {"kernel_size": 2, "padding": 2}),
    ("avg", (1, 1, 4, 4), {"kernel_size": 2, "padding": 2}),
    ("max", (1, 1, 1, 1), {"kernel_size": 2}),
    ("avg", (1, 1, 1, 1), {"kernel_size": 2}),
    ("max", (1, 1, 4, 4), {"kernel_size": 2, "stride": 0}),
    ("max", (4, 4), {"kernel_size": 2}),
    ("max", (1, 1, 4, 4), {"kernel_size": 2, "dilation": 0}),
]


@pytest.mark.parametrize("pool, shape, options", POOL_ERRORS)
def test_pool_errors_match_torch(pool: str, shape: tuple, options: dict) -> None:
    x, tx = both(values(shape))
    theirs_fn = TF.max_pool2d if pool == "max" else TF.avg_pool2d
    ours_fn = F.max_pool2d if pool == "max" else F.avg_pool2d
    with pytest.raises(Exception) as theirs:
        theirs_fn(tx, **options)
    with pytest.raises(type(theirs.value)) as ours:
        ours_fn(x, **options)
    if isinstance(theirs.value, RuntimeError) and "non-empty" not in str(theirs.value):
        assert str(ours.value).startswith(torch_message(theirs.value))


def test_conv_and_pool_loop_over_kernel_positions_only() -> None:
    """Vectorised: the cost must not grow with a Python loop over pixels or images."""
    import inspect

    from teachgrad.ops import conv

    source = inspect.getsource(conv)
    loops = [line.strip() for line in source.splitlines() if line.strip().startswith("for ")]
    # Every loop walks the kernel positions (kh * kw of them, e.g. 9), never pixels or
    # images: kernel_offsets itself, or the per-position views _position_views makes of it.
    kernel_loops = [loop for loop in loops if "kernel_offsets(windows)" in loop
                    or loop == "for i in range(kh) for j in range(kw)]"
                    or "in views" in loop or "enumerate(views)" in loop
                    or "_winner_masks(views" in loop or "in masks" in loop]
    assert loops and kernel_loops == loops, [loop for loop in loops if loop not in kernel_loops]
    assert "kernel_offsets(windows)" in inspect.getsource(conv._position_views)
    offsets_source = inspect.getsource(conv.kernel_offsets)
    assert "for i in range(kh) for j in range(kw)" in offsets_source
