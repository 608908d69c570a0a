"""Every op on the GPU gives the CPU's values, dtypes, grad_fn names and gradients.

The op cases are the torch-oracle suite's own (tests/test_oracle_ops.py CASES), plus
the nn.functional ops and in-place ops below. Each case runs twice in teachgrad: on
the CPU and on a GPU device ('cuda', the real GPU, skipped without one; 'fake-cuda',
tests/fake_cupy.py, always), from the same NumPy values. The outputs must live on the
GPU and equal the CPU's to float32 tolerance, with the same dtype and grad_fn name;
then backward runs from `(out * w).sum()` on both and every input's gradient must
also live on the GPU and equal the CPU's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from oracle import weights_like
from test_oracle_ops import CASES, Const

import teachgrad
import teachgrad.nn.functional as F

#: float32 tolerance, for every dtype: a GPU may sum in another order than NumPy
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}
RNG = np.random.default_rng(20261122)


class OnDevice:
    """teachgrad, with device= defaulting to one device: the `m` a case's fn receives.

    So `m.tensor([1, 0])` inside a case (an index tensor, say) is made on the device
    under test, as a user moving a whole program to the GPU would write it.
    """

    _CREATORS = {"tensor", "zeros", "ones", "full", "arange", "linspace", "eye", "empty",
                 "rand", "randn", "randint", "randperm", "as_tensor"}

    def __init__(self, device: str) -> None:
        self._device = device

    def __getattr__(self, name: str) -> Any:
        value = getattr(teachgrad, name)
        if name in self._CREATORS:
            return functools.partial(value, device=self._device)
        if name == "from_numpy":
            return lambda array: teachgrad.from_numpy(array).to(self._device)
        return value


def _flatten(result: Any) -> list:
    if isinstance(result, (tuple, list)):
        return [item for part in result for item in _flatten(part)]
    return [result]


def _inputs(args: tuple, device: str) -> list:
    tensors = []
    for arg in args:
        if isinstance(arg, Const):
            tensors.append(teachgrad.tensor(arg.array.copy(), device=device))
        elif isinstance(arg, np.ndarray):
            tensor = teachgrad.tensor(arg.copy(), device=device)
            tensors.append(tensor.requires_grad_() if arg.dtype.kind == "f" else tensor)
        else:
            tensors.append(arg)
    return tensors


def _run(fn: Callable, args: tuple, device: str) -> tuple[list, list]:
    """fn on tensors made on `device`, then backward from (out * w).sum() when it can."""
    inputs = _inputs(args, device)
    outputs = _flatten(fn(OnDevice(device), *inputs))
    loss = None
    for number, out in enumerate(outputs):
        if isinstance(out, teachgrad.Tensor) and out.requires_grad:
            weights = weights_like(out.detach().cpu().numpy(), seed=number)
            term = (out * teachgrad.tensor(weights, device=device)).sum()
            loss = term if loss is None else loss + term
    if loss is not None:
        loss.backward()
    return inputs, outputs


def _name(tensor: teachgrad.Tensor) -> str | None:
    return None if tensor.grad_fn is None else tensor.grad_fn.name()


def assert_same_as_cpu(on_gpu: Any, on_cpu: Any, rtol: float, atol: float,
                       what: str) -> None:
    if not isinstance(on_cpu, teachgrad.Tensor):
        assert on_gpu == on_cpu, what
        return
    assert isinstance(on_gpu, teachgrad.Tensor), f"{what}: {type(on_gpu)}"
    assert on_gpu.device == teachgrad.device("cuda", 0), f"{what} is on {on_gpu.device}"
    assert on_gpu.is_cuda
    assert on_gpu.dtype == on_cpu.dtype, f"{what}: dtype {on_gpu.dtype} != {on_cpu.dtype}"
    assert on_gpu.shape == on_cpu.shape, f"{what}: shape {on_gpu.shape} != {on_cpu.shape}"
    assert on_gpu.requires_grad == on_cpu.requires_grad, what
    assert _name(on_gpu) == _name(on_cpu), what
    got, expected = on_gpu.detach().cpu().numpy(), on_cpu.detach().numpy()
    if on_cpu.dtype.is_floating_point:
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True,
                                   err_msg=what)
    else:
        np.testing.assert_array_equal(got, expected, err_msg=what)


def check_case(fn: Callable, args: tuple, device: str, rtol: float | None = None,
               atol: float | None = None) -> None:
    rtol = TOLERANCE["rtol"] if rtol is None else max(rtol, TOLERANCE["rtol"])
    atol = TOLERANCE["atol"] if atol is None else max(atol, TOLERANCE["atol"])
    cpu_inputs, cpu_outputs = _run(fn, args, "cpu")
    gpu_inputs, gpu_outputs = _run(fn, args, device)
    assert len(gpu_outputs) == len(cpu_outputs)
    for index, (mine, reference) in enumerate(zip(gpu_outputs, cpu_outputs)):
        assert_same_as_cpu(mine, reference, rtol, atol, f"output {index}")
    for index, (mine, reference) in enumerate(zip(gpu_inputs, cpu_inputs)):
        if not isinstance(reference, teachgrad.Tensor) or not reference.requires_grad:
            continue
        if reference.grad is None:
            assert mine.grad is None, f"input {index}: the GPU run has a grad, the CPU none"
            continue
        assert mine.grad is not None, f"input {index}: the CPU run has a grad, the GPU none"
        assert_same_as_cpu(mine.grad, reference.grad, rtol, atol, f"grad of input {index}")


# --------------------------------------------------------------------------- core ops


@pytest.mark.parametrize(("fn", "args", "options"), CASES)
def test_core_op_on_gpu_matches_cpu(fn: Callable, args: tuple, options: dict,
                                    gpu_device: str) -> None:
    check_case(fn, args, gpu_device, options.get("rtol"), options.get("atol"))


# --------------------------------------------------------------------------- more ops

EXTRA: list = []


def extra(name: str, fn: Callable, *args: Any, **options: Any) -> None:
    EXTRA.append(pytest.param(fn, args, options, id=name))


def randn(*shape: int, dtype: Any = np.float32) -> np.ndarray:
    return RNG.standard_normal(shape).astype(dtype)


def positive(*shape: int, dtype: Any = np.float32) -> np.ndarray:
    return RNG.uniform(0.5, 2.0, shape).astype(dtype)


def away_from_zero(*shape: int) -> np.ndarray:
    values = RNG.standard_normal(shape)
    return (values + np.sign(values) * 0.2).astype(np.float32)


def _inplace(method: str, *method_args: Any) -> Callable:
    def fn(m: Any, a: Any, *others: Any) -> Any:
        y = a * 1.0  # a non-leaf, so the in-place op is recorded
        return getattr(y, method)(*others, *method_args)

    return fn


for _method, _other in [("add_", randn(2, 3)), ("sub_", randn(3)), ("mul_", randn(2, 3)),
                        ("div_", positive(2, 3))]:
    extra(f"inplace-{_method}", _inplace(_method), randn(2, 3), _other)
    extra(f"inplace-{_method}-number", _inplace(_method, 2.5), randn(2, 3))
extra("inplace-copy_", _inplace("copy_"), randn(2, 3), randn(3))
for _method, _make in [("relu_", away_from_zero), ("sigmoid_", randn), ("tanh_", randn),
                       ("exp_", randn), ("log_", positive), ("sqrt_", positive),
                       ("abs_", away_from_zero), ("neg_", randn), ("zero_", randn)]:
    extra(f"inplace-{_method}", _inplace(_method), _make(2, 3))
extra("inplace-pow_", _inplace("pow_", 2), randn(2, 3))
extra("inplace-clamp_", _inplace("clamp_", -0.5, 0.5), away_from_zero(2, 3))
extra("inplace-fill_", _inplace("fill_", 1.5), randn(2, 3))
extra("inplace-fill_-0d-tensor", _inplace("fill_"), randn(2, 3), randn())


def _augmented(m: Any, a: Any, b: Any) -> Any:
    y = a * 2.0
    y -= b
    y *= b
    y += 1
    y /= 2
    return y


extra("augmented-assignments", _augmented, randn(2, 3), randn(2, 3))


def _under_no_grad(m: Any, a: Any, b: Any) -> Any:
    with m.no_grad():  # what an optimizer's step does to a parameter
        a -= 0.1 * b
        a.mul_(0.5)
    return a * 1.0


extra("inplace-leaf-no-grad", _under_no_grad, Const(randn(2, 3)), Const(randn(2, 3)))


def _setitem_no_grad(m: Any, a: Any) -> Any:
    b = a.detach().clone()
    b[0] = 0.0
    b[:, 1] = m.tensor([5.0, 6.0])
    b[b > 1.0] = -1.0
    return b


extra("setitem-without-grad", _setitem_no_grad, randn(2, 3))
extra("index-with-cpu-long-tensor", lambda m, x: x[teachgrad.tensor([2, 0, 2])], randn(3, 4))
extra("index-with-cpu-bool-tensor", lambda m, x: x[teachgrad.tensor([True, False, True])],
      randn(3, 4))
extra("add-0d-cpu-tensor", lambda m, x: x + teachgrad.tensor(2.5), randn(3, 4))
extra("mul-0d-cpu-tensor-first", lambda m, x: teachgrad.tensor(1.5) * x, randn(3, 4))
extra("sign", lambda m, x: m.sign(x), randn(3, 4))
extra("mv", lambda m, a, b: m.mv(a, b), randn(3, 4), randn(4))
extra("dot", lambda m, a, b: m.dot(a, b), randn(4), randn(4))
extra("mT", lambda m, a: a.mT, randn(2, 3, 4))
extra("unflatten", lambda m, a: a.unflatten(1, (2, 3)), randn(4, 6))
extra("clone-contiguous", lambda m, a: a.t().contiguous(), randn(3, 4))
extra("to-float64", lambda m, a: a.to(m.float64), randn(3, 4))
extra("double-then-float", lambda m, a: a.double().float() * 2, randn(3, 4))
extra("long", lambda m, a: a.long(), randn(3, 4) * 5)
extra("new_zeros-new_ones-new_full", lambda m, a: (a.new_zeros(2), a.new_ones((2, 1)),
                                                   a.new_full((3,), 4.0)), randn(3))
extra("zeros_like-ones_like-full_like", lambda m, a: (m.zeros_like(a), m.ones_like(a),
                                                      m.full_like(a, 7)), randn(3))
extra("allclose-equal-isclose", lambda m, a, b: (m.allclose(a, b), m.equal(a, a),
                                                 m.isclose(a, b)), Const(randn(3)),
      Const(randn(3)))
extra("isnan-isinf-isfinite", lambda m, a: (m.isnan(a.log()), m.isinf(a / 0),
                                            m.isfinite(a)), Const(randn(5)))
extra("bitwise-int", lambda m, a, b: (a & b, a | b, a ^ b, ~a), Const(np.arange(6) - 2),
      Const(np.arange(6)[::-1].copy()))

# nn.functional
extra("linear", lambda m, x, w, b: F.linear(x, w, b), randn(4, 5), randn(3, 5), randn(3))
extra("linear-3d-no-bias", lambda m, x, w: F.linear(x, w), randn(2, 4, 5), randn(3, 5))
extra("relu", lambda m, x: F.relu(x), away_from_zero(3, 4))
extra("leaky_relu", lambda m, x: F.leaky_relu(x, 0.1), away_from_zero(3, 4))
extra("gelu", lambda m, x: F.gelu(x), randn(3, 4))
extra("gelu-tanh", lambda m, x: F.gelu(x, approximate="tanh"), randn(3, 4))
extra("softmax", lambda m, x: F.softmax(x, dim=1), randn(3, 4))
extra("log_softmax", lambda m, x: F.log_softmax(x, dim=-1), randn(3, 4))
extra("one_hot", lambda m, t: F.one_hot(t, 5), Const(np.array([0, 3, 1, 4])))
extra("conv2d", lambda m, x, w, b: F.conv2d(x, w, b), randn(2, 3, 7, 6), randn(4, 3, 3, 3),
      randn(4), atol=1e-5)
extra("conv2d-stride-padding-dilation", lambda m, x, w: F.conv2d(
    x, w, stride=(2, 1), padding=(1, 2), dilation=(2, 1)), randn(2, 2, 8, 7),
    randn(3, 2, 3, 2), atol=1e-5)
extra("conv2d-groups", lambda m, x, w, b: F.conv2d(x, w, b, padding=1, groups=2),
      randn(1, 4, 5, 5), randn(6, 2, 3, 3), randn(6), atol=1e-5)
extra("conv2d-same", lambda m, x, w: F.conv2d(x, w, padding="same"), randn(1, 2, 6, 5),
      randn(2, 2, 4, 3), atol=1e-5)
extra("conv2d-unbatched", lambda m, x, w: F.conv2d(x, w), randn(2, 5, 5), randn(3, 2, 2, 2),
      atol=1e-5)
extra("max_pool2d", lambda m, x: F.max_pool2d(x, 2), randn(2, 3, 6, 6))
extra("max_pool2d-indices", lambda m, x: F.max_pool2d(x, 3, stride=2, padding=1,
                                                      return_indices=True), randn(2, 2, 7, 7))
extra("max_pool2d-ceil-dilation", lambda m, x: F.max_pool2d(x, 2, stride=2, dilation=2,
                                                           ceil_mode=True), randn(1, 2, 9, 8))
extra("avg_pool2d", lambda m, x: F.avg_pool2d(x, 2), randn(2, 3, 6, 6))
extra("avg_pool2d-padding-ceil", lambda m, x: F.avg_pool2d(
    x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), randn(1, 2, 8, 7))
extra("avg_pool2d-divisor", lambda m, x: F.avg_pool2d(x, 2, divisor_override=3),
      randn(1, 2, 4, 4))
extra("mse_loss", lambda m, x, t: F.mse_loss(x, t), randn(4, 3), randn(4, 3))
extra("mse_loss-none", lambda m, x, t: F.mse_loss(x, t, reduction="none"), randn(4, 3),
      randn(4, 3))
extra("l1_loss", lambda m, x, t: F.l1_loss(x, t, reduction="sum"), randn(4, 3),
      Const(randn(4, 3)))
extra("nll_loss", lambda m, x, t: F.nll_loss(x.log_softmax(1), t), randn(5, 4),
      Const(np.array([0, 3, 1, 1, 2])))
extra("nll_loss-weight-ignore", lambda m, x, t, w: F.nll_loss(
    x.log_softmax(1), t, weight=w, ignore_index=1), randn(5, 4),
    Const(np.array([0, 3, 1, 1, 2])), Const(positive(4)))
extra("cross_entropy", lambda m, x, t: F.cross_entropy(x, t), randn(5, 4),
      Const(np.array([0, 3, 1, 1, 2])))
extra("cross_entropy-2d-none", lambda m, x, t: F.cross_entropy(x, t, reduction="none"),
      randn(2, 3, 4, 2), Const(RNG.integers(0, 3, (2, 4, 2))))
extra("cross_entropy-smoothing", lambda m, x, t: F.cross_entropy(x, t, label_smoothing=0.1),
      randn(5, 4), Const(np.array([0, 3, 1, 1, 2])))
extra("cross_entropy-probabilities", lambda m, x, t: F.cross_entropy(x, t), randn(3, 4),
      Const(RNG.dirichlet(np.ones(4), 3).astype(np.float32)))
extra("binary_cross_entropy", lambda m, p, t: F.binary_cross_entropy(p, t),
      RNG.uniform(0.1, 0.9, (4, 3)).astype(np.float32),
      Const((RNG.random((4, 3)) > 0.5).astype(np.float32)))
extra("binary_cross_entropy_with_logits", lambda m, x, t, w: F.binary_cross_entropy_with_logits(
    x, t, pos_weight=w), randn(4, 3), (RNG.random((4, 3)) > 0.5).astype(np.float32),
    Const(positive(3)))
extra("embedding", lambda m, w, i: F.embedding(i, w), randn(6, 3),
      Const(np.array([[0, 5, 2], [2, 2, 1]])))
extra("embedding-padding", lambda m, w, i: F.embedding(i, w, padding_idx=2), randn(6, 3),
      Const(np.array([[0, 5, 2], [2, 2, 1]])))


def _batch_norm(m: Any, x: Any, weight: Any, bias: Any, mean: Any, var: Any) -> tuple:
    out = F.batch_norm(x, mean, var, weight, bias, training=True, momentum=0.2)
    evaluated = F.batch_norm(x, mean, var, weight, bias, training=False)
    return out, evaluated, mean.clone(), var.clone()


extra("batch_norm", _batch_norm, randn(4, 3, 2, 2), positive(3), randn(3), Const(randn(3)),
      Const(positive(3)), atol=1e-5)
extra("dropout-eval-and-p0", lambda m, x: (F.dropout(x, 0.5, training=False),
                                           F.dropout(x, 0.0)), randn(3, 4))


@pytest.mark.parametrize(("fn", "args", "options"), EXTRA)
def test_more_ops_on_gpu_match_cpu(fn: Callable, args: tuple, options: dict,
                                   gpu_device: str) -> None:
    check_case(fn, args, gpu_device, options.get("rtol"), options.get("atol"))


def test_the_runner_catches_a_cpu_array_in_a_gpu_op(gpu_device: str) -> None:
    """An op that mixes a host array into a device op fails on the GPU, as on CuPy."""

    class MixesDevices(teachgrad.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x._array * np.ones(x.shape, dtype=x._array.dtype)  # the bug: np.ones

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            return grad

    _run(lambda m, x: MixesDevices.apply(x), (randn(3),), "cpu")  # fine on the CPU
    with pytest.raises(TypeError, match="Unsupported type|Implicit conversion"):
        check_case(lambda m, x: MixesDevices.apply(x), (randn(3),), gpu_device)


def test_the_runner_catches_a_wrong_gpu_value(gpu_device: str) -> None:
    wrong_on_gpu = lambda m, x: x * (2.0 if x.is_cuda else 1.0)  # noqa: E731
    with pytest.raises(AssertionError):
        check_case(wrong_on_gpu, (randn(3),), gpu_device)


def test_dropout_on_gpu_keeps_or_scales_and_is_seeded(gpu_device: str) -> None:
    x = teachgrad.ones(200, device=gpu_device, requires_grad=True)
    teachgrad.manual_seed(5)
    out = F.dropout(x, 0.25)
    teachgrad.manual_seed(5)
    again = F.dropout(x, 0.25)
    assert out.is_cuda and again.is_cuda
    values = out.detach().cpu().numpy()
    assert set(np.unique(values).tolist()) <= {0.0, np.float32(1 / 0.75)}
    assert 0 < (values == 0).sum() < 200
    np.testing.assert_array_equal(values, again.detach().cpu().numpy())
    out.sum().backward()
    assert x.grad.is_cuda
    np.testing.assert_allclose(x.grad.cpu().numpy(), values)


def test_double_backward_on_gpu_matches_cpu(gpu_device: str) -> None:
    values = randn(5)
    grads = []
    for device in ("cpu", gpu_device):
        x = teachgrad.tensor(values, device=device, requires_grad=True)
        y = (x ** 3 * x.sin()).sum()
        (first,) = teachgrad.autograd.grad(y, x, create_graph=True)
        (second,) = teachgrad.autograd.grad(first.sum(), x)
        assert first.device == x.device and second.device == x.device
        grads.append((first.detach().cpu().numpy(), second.cpu().numpy()))
    for mine, reference in zip(grads[1], grads[0]):
        np.testing.assert_allclose(mine, reference, **TOLERANCE)


def test_gradcheck_runs_on_gpu(gpu_device: str) -> None:
    x = teachgrad.tensor(randn(3, 4, dtype=np.float64), device=gpu_device, requires_grad=True)
    w = teachgrad.tensor(randn(4, 2, dtype=np.float64), device=gpu_device, requires_grad=True)
    assert teachgrad.autograd.gradcheck(lambda a, b: (a @ b).tanh().sum(1), (x, w))
