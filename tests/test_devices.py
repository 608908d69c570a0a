"""Devices: CUDA missing (on every machine), and tensors, modules, optimizers on a GPU.

Part 1 runs with no GPU at all, whatever the machine: CuPy is hidden, broken or
given no device, and teachgrad.cuda.is_available() must say False without raising,
while every way of asking for CUDA raises one RuntimeError that says what to install,
before anything changes. Device objects are compared with torch's.

Part 2 runs on every device the `device` fixture offers (tests/fake_cupy.py): the CPU,
the real GPU ('cuda', skipped without one) and the fake GPU ('fake-cuda', a CPU
stand-in for CuPy that is as strict as CuPy about host arrays). Values computed on a
GPU are compared with the CPU's; torch is the oracle for reprs and device objects.
"""

from __future__ import annotations

import copy
import importlib.abc
import pickle
import sys
from collections.abc import Callable
from typing import Any

import fake_cupy
import numpy as np
import pytest

import teachgrad
import teachgrad.nn as nn

TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}
CUDA0 = teachgrad.device("cuda", 0)


def where(device: str) -> teachgrad.device:
    """The device a tensor made with device=<device> reports."""
    return CUDA0 if device == "cuda" else teachgrad.device(device)


def values(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


# ============================================================================ part 1


class _ImportRaises(importlib.abc.MetaPathFinder):
    """`import cupy` raising something other than ImportError (a broken CUDA install)."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name == "cupy" or name.startswith("cupy."):
            raise RuntimeError("CUDA driver initialization failed, you might not have a GPU")


def hide_gpu(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """Make this machine one without a usable GPU, in one of the ways machines lack one."""
    if how == "cupy-not-installed":
        monkeypatch.setitem(sys.modules, "cupy", None)  # `import cupy` raises ImportError
    elif how == "import-cupy-raises":
        for name in [name for name in sys.modules if name.split(".")[0] == "cupy"]:
            monkeypatch.delitem(sys.modules, name)
        monkeypatch.setattr(sys, "meta_path", [_ImportRaises(), *sys.meta_path])
    elif how == "no-driver":  # CuPy installed; getDeviceCount raises CUDARuntimeError
        fake_cupy.install(monkeypatch, fail_count="cudaErrorInsufficientDriver: CUDA driver "
                                                  "version is insufficient for CUDA runtime")
    elif how == "no-gpu":
        fake_cupy.install(monkeypatch, device_count=0)
    elif how == "wheel-for-another-cuda":  # counts the GPU, fails on the first allocation
        fake_cupy.install(monkeypatch, fail_alloc="cudaErrorUnsupportedPtxVersion: the "
                                                  "provided PTX was compiled with an "
                                                  "unsupported toolchain")
    fake_cupy.fresh_probe(monkeypatch)


NO_GPU_WAYS = ["cupy-not-installed", "import-cupy-raises", "no-driver", "no-gpu",
               "wheel-for-another-cuda"]


@pytest.mark.parametrize("how", NO_GPU_WAYS)
def test_is_available_is_false_and_never_raises(monkeypatch: pytest.MonkeyPatch,
                                                how: str) -> None:
    hide_gpu(monkeypatch, how)
    assert teachgrad.cuda.is_available() is False
    assert teachgrad.cuda.device_count() == 0
    # What a lesson calls unconditionally must not raise either (torch's don't).
    teachgrad.cuda.synchronize()
    teachgrad.cuda.manual_seed(3)
    teachgrad.cuda.manual_seed_all(3)
    teachgrad.manual_seed(3)
    assert teachgrad.randn(2).device == teachgrad.device("cpu")


ASKS_FOR_CUDA: dict[str, Callable[[], Any]] = {
    "zeros(device='cuda')": lambda: teachgrad.zeros(2, device="cuda"),
    "tensor(device='cuda:0')": lambda: teachgrad.tensor([1.0, 2.0], device="cuda:0"),
    "ones(device=device('cuda'))": lambda: teachgrad.ones(2, device=teachgrad.device("cuda")),
    "randn(device='cuda')": lambda: teachgrad.randn(2, device="cuda"),
    "arange(device='cuda')": lambda: teachgrad.arange(3, device="cuda"),
    "as_tensor(ndarray, device='cuda')": lambda: teachgrad.as_tensor(np.ones(2), device="cuda"),
    "zeros_like(device='cuda')": lambda: teachgrad.zeros_like(teachgrad.ones(2), device="cuda"),
    "Linear(device='cuda')": lambda: nn.Linear(2, 3, device="cuda"),
}


@pytest.mark.parametrize("how", NO_GPU_WAYS)
@pytest.mark.parametrize("ask", list(ASKS_FOR_CUDA))
def test_asking_for_cuda_says_what_to_install(monkeypatch: pytest.MonkeyPatch, how: str,
                                              ask: str) -> None:
    hide_gpu(monkeypatch, how)
    with pytest.raises(RuntimeError) as caught:
        ASKS_FOR_CUDA[ask]()
    assert_says_what_to_install(str(caught.value))


def assert_says_what_to_install(message: str) -> None:
    assert 'pip install "teachgrad[gpu]"' in message, message
    assert "cupy-cuda1" in message, message  # the wheel that matches the CUDA version
    assert "CuPy" in message, message  # and why: not installed, no GPU, ...


MOVES_TO_CUDA: dict[str, Callable[[Any], Any]] = {
    ".cuda()": lambda x: x.cuda(),
    ".cuda(0)": lambda x: x.cuda(0),
    ".to('cuda')": lambda x: x.to("cuda"),
    ".to('cuda:0', float64)": lambda x: x.to("cuda:0", teachgrad.float64),
    ".to(device=device('cuda'))": lambda x: x.to(device=teachgrad.device("cuda")),
}


@pytest.mark.parametrize("how", ["cupy-not-installed", "no-driver"])
@pytest.mark.parametrize("move", list(MOVES_TO_CUDA))
def test_moving_to_cuda_raises_before_changing_anything(monkeypatch: pytest.MonkeyPatch,
                                                        how: str, move: str) -> None:
    hide_gpu(monkeypatch, how)
    x = teachgrad.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError) as caught:
        MOVES_TO_CUDA[move](x)
    assert_says_what_to_install(str(caught.value))
    assert x.device == teachgrad.device("cpu") and x.tolist() == [1.0, 2.0] and x.is_leaf


@pytest.mark.parametrize("move", [lambda m: m.cuda(), lambda m: m.to("cuda"),
                                  lambda m: m.to("cuda", teachgrad.float64)],
                         ids=["cuda()", "to('cuda')", "to('cuda', float64)"])
def test_moving_a_module_to_cuda_raises_and_leaves_it_on_the_cpu(
        monkeypatch: pytest.MonkeyPatch, move: Callable) -> None:
    hide_gpu(monkeypatch, "cupy-not-installed")
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    before = {name: (tensor.device, tensor.dtype, tensor.detach().clone())
              for name, tensor in model.state_dict().items()}
    with pytest.raises(RuntimeError) as caught:
        move(model)
    assert_says_what_to_install(str(caught.value))
    for name, tensor in model.state_dict().items():
        device, dtype, value = before[name]
        assert (tensor.device, tensor.dtype) == (device, dtype), name
        assert teachgrad.equal(tensor, value), name


def test_this_machine_without_the_fake_reports_its_real_gpu_state() -> None:
    """No monkeypatching: whatever this machine has, the answer is a bool, not an error."""
    available = teachgrad.cuda.is_available()
    assert isinstance(available, bool)
    assert teachgrad.cuda.device_count() >= int(available)
    if not available:
        with pytest.raises(RuntimeError) as caught:
            teachgrad.zeros(1, device="cuda")
        assert_says_what_to_install(str(caught.value))


# ----------------------------------------------------------------- device objects

DEVICE_SPECS: list[tuple] = [("cpu",), ("cuda",), ("cuda:0",), ("cuda:1",), ("cpu:0",),
                             ("cuda", 0), ("cuda", 3), ("cpu", 0)]
BAD_DEVICE_SPECS: list[tuple] = [("gpu",), ("CUDA",), ("cuda:x",), ("cuda:-1",),
                                 ("cuda:0:1",), ("cuda: 1",), (" cuda",), ("cuda", -1),
                                 (1.5,)]


@pytest.mark.parametrize("spec", DEVICE_SPECS, ids=repr)
def test_device_objects_match_torch(spec: tuple) -> None:
    torch = pytest.importorskip("torch", reason="torch is the oracle for device objects")
    ours, theirs = teachgrad.device(*spec), torch.device(*spec)
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)
    assert (ours.type, ours.index) == (theirs.type, theirs.index)
    assert teachgrad.device(ours) == ours and hash(teachgrad.device(ours)) == hash(ours)
    # A device never equals a string in torch (x.device == "cuda" is False on the GPU).
    for text in (str(theirs), theirs.type):
        assert (ours == text) == (theirs == text)
        assert (ours != text) == (theirs != text)
    for other in DEVICE_SPECS:
        assert (ours == teachgrad.device(*other)) == (theirs == torch.device(*other)), other


@pytest.mark.parametrize("spec", BAD_DEVICE_SPECS, ids=repr)
def test_bad_device_specs_raise_like_torch(spec: tuple) -> None:
    torch = pytest.importorskip("torch", reason="torch is the oracle for device errors")
    with pytest.raises(Exception) as theirs:
        torch.device(*spec)
    with pytest.raises(Exception) as ours:
        teachgrad.device(*spec)
    assert isinstance(ours.value, (RuntimeError, TypeError))
    assert type(ours.value) is type(theirs.value) or (
        isinstance(theirs.value, RuntimeError) and isinstance(ours.value, RuntimeError))


def test_cpu_tensor_device_attributes_match_torch() -> None:
    torch = pytest.importorskip("torch", reason="torch is the oracle")
    ours, theirs = teachgrad.ones(2), torch.ones(2)
    assert repr(ours.device) == repr(theirs.device)
    assert ours.is_cuda is theirs.is_cuda is False


# ============================================================================ part 2

CREATORS: dict[str, Callable[..., Any]] = {
    "tensor": lambda d: teachgrad.tensor([[1.5, -2.0], [3.0, 0.25]], device=d),
    "tensor-int": lambda d: teachgrad.tensor([1, 2, 3], device=d),
    "tensor-bool-dtype": lambda d: teachgrad.tensor([0, 1], dtype=teachgrad.bool, device=d),
    "zeros": lambda d: teachgrad.zeros(2, 3, device=d),
    "ones-int64": lambda d: teachgrad.ones(4, dtype=teachgrad.int64, device=d),
    "empty": lambda d: teachgrad.empty((2, 2), device=d),
    "full": lambda d: teachgrad.full((2, 3), 7.5, device=d),
    "full-bool": lambda d: teachgrad.full((2,), True, device=d),
    "arange": lambda d: teachgrad.arange(1, 10, 3, device=d),
    "arange-float": lambda d: teachgrad.arange(0.0, 1.0, 0.25, device=d),
    "linspace": lambda d: teachgrad.linspace(-1, 1, 5, device=d),
    "eye": lambda d: teachgrad.eye(3, 2, device=d),
    "zeros-requires-grad": lambda d: teachgrad.zeros(3, device=d, requires_grad=True),
    "as_tensor": lambda d: teachgrad.as_tensor(np.arange(4.0), device=d),
    "from_numpy-to": lambda d: teachgrad.from_numpy(np.arange(6).reshape(2, 3)).to(d),
    "zeros_like": lambda d: teachgrad.zeros_like(teachgrad.ones(2, 2, device=d)),
    "full_like-dtype": lambda d: teachgrad.full_like(teachgrad.ones(3, device=d), 2,
                                                     dtype=teachgrad.int32),
    "new_tensor": lambda d: teachgrad.ones(2, device=d).new_tensor([4.0, 5.0]),
    "new_ones": lambda d: teachgrad.zeros(2, device=d, dtype=teachgrad.float64).new_ones(3),
    "Tensor.cuda-or-cpu": lambda d: teachgrad.tensor([2.0, 3.0]).to(d),
}
RANDOM_CREATORS: dict[str, Callable[..., Any]] = {
    "rand": lambda d: teachgrad.rand(3, 4, device=d),
    "randn-float64": lambda d: teachgrad.randn(5, dtype=teachgrad.float64, device=d),
    "randint": lambda d: teachgrad.randint(0, 10, (6,), device=d),
    "randint-high-only": lambda d: teachgrad.randint(5, (2, 2), device=d),
    "randperm": lambda d: teachgrad.randperm(8, device=d),
    "rand_like": lambda d: teachgrad.rand_like(teachgrad.zeros(2, 2, device=d)),
    "randn_like": lambda d: teachgrad.randn_like(teachgrad.zeros(3, device=d)),
    "randint_like": lambda d: teachgrad.randint_like(teachgrad.zeros(3, device=d), 4),
    "randn-requires-grad": lambda d: teachgrad.randn(2, device=d, requires_grad=True),
}


@pytest.mark.parametrize("name", list(CREATORS))
def test_creation_on_device_matches_cpu(device: str, name: str) -> None:
    made = CREATORS[name](device)
    reference = CREATORS[name]("cpu")
    assert made.device == where(device)
    assert made.is_cuda is (device == "cuda")
    assert (made.dtype, made.shape, made.requires_grad) == (
        reference.dtype, reference.shape, reference.requires_grad)
    np.testing.assert_array_equal(made.detach().cpu().numpy(), reference.detach().numpy())


@pytest.mark.parametrize("name", list(RANDOM_CREATORS))
def test_random_creation_on_device_is_seeded_by_manual_seed(device: str, name: str) -> None:
    teachgrad.manual_seed(11)
    first = RANDOM_CREATORS[name](device)
    teachgrad.manual_seed(11)
    again = RANDOM_CREATORS[name](device)
    reference = RANDOM_CREATORS[name]("cpu")
    assert first.device == again.device == where(device)
    assert (first.dtype, first.shape, first.requires_grad) == (
        reference.dtype, reference.shape, reference.requires_grad)
    np.testing.assert_array_equal(first.detach().cpu().numpy(), again.detach().cpu().numpy())
    teachgrad.manual_seed(12)
    other = RANDOM_CREATORS[name](device).detach().cpu().numpy()
    if name != "randint-high-only":  # 4 draws from 5 values may repeat by chance
        assert not np.array_equal(other, first.detach().cpu().numpy())
    if name.startswith("rand_like") or name == "rand":
        assert 0 <= other.min() and other.max() < 1


def test_gpu_and_cpu_random_streams_are_independent(gpu_device: str) -> None:
    """Drawing on the GPU leaves the CPU generator's stream alone, as in torch."""
    teachgrad.manual_seed(3)
    expected = teachgrad.randn(4)
    teachgrad.manual_seed(3)
    teachgrad.randn(100, device=gpu_device)
    np.testing.assert_array_equal(teachgrad.randn(4).numpy(), expected.numpy())
    # teachgrad.cuda.manual_seed seeds the GPU only: the same GPU numbers as manual_seed.
    teachgrad.manual_seed(8)
    gpu_numbers = teachgrad.rand(5, device=gpu_device).cpu().numpy()
    teachgrad.manual_seed(1)
    cpu_numbers = teachgrad.rand(5).numpy()
    teachgrad.cuda.manual_seed(8)
    np.testing.assert_array_equal(teachgrad.rand(5, device=gpu_device).cpu().numpy(),
                                  gpu_numbers)
    teachgrad.manual_seed(1)
    np.testing.assert_array_equal(teachgrad.rand(5).numpy(), cpu_numbers)


def test_init_functions_on_gpu_are_seeded(gpu_device: str) -> None:
    draws = []
    for _ in range(2):
        teachgrad.manual_seed(21)
        layer = nn.Linear(4, 3, device=gpu_device)
        nn.init.normal_(layer.bias)
        assert layer.weight.device == layer.bias.device == CUDA0
        draws.append(np.concatenate([layer.weight.detach().cpu().numpy().ravel(),
                                     layer.bias.detach().cpu().numpy()]))
    np.testing.assert_array_equal(draws[0], draws[1])
    bound = 1 / np.sqrt(4)  # kaiming_uniform_(a=sqrt(5)) of Linear: U(-1/sqrt(fan_in), ...)
    assert np.abs(draws[0][:12]).max() <= bound


# ----------------------------------------------------------------- moving tensors

NUMPY_MESSAGE = ("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy "
                 "the tensor to host memory first.")  # torch's words (tensor_numpy.cpp)


def test_numpy_of_a_gpu_tensor_raises_torchs_error(gpu_device: str) -> None:
    torch = torch_on_cuda(gpu_device)
    if torch is not None:  # on a real GPU, torch's own words
        with pytest.raises(TypeError) as theirs:
            torch.ones(2, device="cuda").numpy()
        assert str(theirs.value) == NUMPY_MESSAGE
    for x in (teachgrad.ones(2, device=gpu_device),
              teachgrad.ones(2, device=gpu_device, requires_grad=True)):  # device first
        with pytest.raises(TypeError) as caught:
            x.numpy()
        assert str(caught.value) == NUMPY_MESSAGE
        with pytest.raises(TypeError):
            np.asarray(x)  # __array__ says the same
    x = teachgrad.tensor([1.0, 2.0], device=gpu_device, requires_grad=True)
    forced = x.numpy(force=True)  # torch's force=True copies to the host
    assert type(forced) is np.ndarray and forced.tolist() == [1.0, 2.0]


def test_cpu_and_cuda_round_trip(device: str) -> None:
    data = values(3, 4)
    x = teachgrad.tensor(data, device=device)
    assert x.cpu().device == teachgrad.device("cpu")
    np.testing.assert_array_equal(x.cpu().numpy(), data)
    if device == "cuda":
        assert x.cuda() is x and x.to("cuda") is x and x.to("cuda:0") is x  # no copy
        assert x.cpu().cuda().device == CUDA0
        copied = x.to("cuda", copy=True)
        assert copied is not x and copied.device == CUDA0
        np.testing.assert_array_equal(copied.cpu().numpy(), data)
    else:
        assert x.cpu() is x
    assert x.tolist() == data.tolist()
    assert x[1, 2].item() == data[1, 2]
    assert float(x.sum()) == pytest.approx(float(data.sum()), rel=1e-5)
    assert int(teachgrad.tensor(7, device=device)) == 7
    assert bool(teachgrad.tensor([True], device=device))
    assert teachgrad.tensor(x).device == x.device  # a copy stays where it was
    clone = copy.deepcopy(x)
    assert clone.device == x.device and teachgrad.equal(clone, x)
    unpickled = pickle.loads(pickle.dumps(x))
    assert unpickled.device == x.device and teachgrad.equal(unpickled, x)


def test_tensor_of_a_cupy_array_lives_on_the_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    cupy = fake_cupy.install(monkeypatch)
    array = cupy.arange(3, dtype=np.float32)
    for made in (teachgrad.tensor(array), teachgrad.as_tensor(array)):
        assert made.device == CUDA0 and made.dtype == teachgrad.float32
        assert made.tolist() == [0.0, 1.0, 2.0]


def test_gradients_flow_back_across_devices(gpu_device: str) -> None:
    """A CPU leaf used on the GPU gets its gradient on the CPU, and the reverse."""
    data = values(2, 3)
    on_cpu = teachgrad.tensor(data, requires_grad=True)
    (on_cpu.to(gpu_device).exp() * 2).sum().backward()
    assert on_cpu.grad.device == teachgrad.device("cpu")
    np.testing.assert_allclose(on_cpu.grad.numpy(), 2 * np.exp(data), **TOLERANCE)
    on_gpu = teachgrad.tensor(data, device=gpu_device, requires_grad=True)
    (on_gpu.cpu().exp() * 2).sum().backward()
    assert on_gpu.grad.device == CUDA0
    np.testing.assert_allclose(on_gpu.grad.cpu().numpy(), 2 * np.exp(data), **TOLERANCE)


def test_cuda_helpers_with_the_fake_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    cupy = fake_cupy.install(monkeypatch, device_count=2)
    assert teachgrad.cuda.is_available() is True and teachgrad.cuda.device_count() == 2
    before = cupy._fake_state.synchronized
    teachgrad.cuda.synchronize()
    assert cupy._fake_state.synchronized == before + 1
    on_second = teachgrad.ones(2, device="cuda:1")
    assert on_second.device == teachgrad.device("cuda", 1)
    assert "device='cuda:1'" in repr(on_second)
    moved = on_second.to("cuda:0")
    assert moved.device == CUDA0 and moved.tolist() == [1.0, 1.0]
    assert teachgrad.zeros(1, device="cuda").device == CUDA0
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        teachgrad.zeros(1, device="cuda:2")


# ----------------------------------------------------------------- printing

REPRS: dict[str, Callable[[Any, Any], Any]] = {
    "float": lambda m, d: m.tensor([1.5, -2.0, 3.25], device=d),
    "matrix": lambda m, d: m.tensor([[1.0, 2.0], [3.0, 4.5]], device=d),
    "scalar": lambda m, d: m.tensor(3.5, device=d),
    "int32": lambda m, d: m.tensor([1, 2], dtype=m.int32, device=d),
    "int64": lambda m, d: m.arange(6, device=d).reshape(2, 3),
    "float64": lambda m, d: m.tensor([1.0, 2.0], dtype=m.float64, device=d),
    "bool": lambda m, d: m.tensor([True, False], device=d),
    "empty": lambda m, d: m.zeros(0, 3, device=d),
    "requires_grad": lambda m, d: m.tensor([1.0, 2.0], device=d, requires_grad=True),
    "grad_fn": lambda m, d: m.tensor([1.0, 2.0], device=d, requires_grad=True) * 2,
    "float64-grad_fn": lambda m, d: m.ones(2, 2, dtype=m.float64, device=d,
                                          requires_grad=True).sum(0),
    "long-row": lambda m, d: m.arange(0.0, 30.0, 1.0, device=d) / 7,
}


def torch_repr_on(cpu_repr: str, device: str) -> str:
    """torch's repr of the tensor whose CPU repr is given, if it lived on `device`.

    torch (torch/_tensor_str.py) puts device='...' as the first suffix, before size,
    dtype, requires_grad and grad_fn; _add_suffixes is torch's own joiner, so line
    wrapping is torch's too. (No CUDA tensor can be built on a CPU-only machine.)
    """
    import re

    from torch._tensor_str import _add_suffixes

    match = re.search(r",\s+(?=[a-z_]+=)", cpu_repr)
    if match is None:
        head, suffixes = cpu_repr[:-1], []
    else:
        head = cpu_repr[:match.start()]
        suffixes = re.split(r",\s+(?=[a-z_]+=)", cpu_repr[match.end():-1])
    assert _add_suffixes(head, suffixes, len("tensor("), False) == cpu_repr
    return _add_suffixes(head, [f"device='{device}'", *suffixes], len("tensor("), False)


@pytest.mark.parametrize("name", list(REPRS))
def test_gpu_tensor_prints_device_where_torch_does(gpu_device: str, name: str) -> None:
    torch = pytest.importorskip("torch", reason="torch is the oracle for reprs")
    expected = torch_repr_on(repr(REPRS[name](torch, None)), "cuda:0")
    if torch_on_cuda(gpu_device) is not None:  # a real CUDA tensor checks the derivation
        assert repr(REPRS[name](torch, "cuda")) == expected
    ours = REPRS[name](teachgrad, gpu_device)
    assert repr(ours) == expected.replace("torch.", "teachgrad.")
    assert str(ours) == repr(ours)
    assert repr(ours.device) == "device(type='cuda', index=0)"
    assert str(ours.device) == "cuda:0"


def test_cpu_tensor_prints_no_device(device: str) -> None:
    torch = pytest.importorskip("torch", reason="torch is the oracle for reprs")
    x = teachgrad.tensor([1.0, 2.0], device=device).cpu()
    assert repr(x) == repr(torch.tensor([1.0, 2.0]))


# ----------------------------------------------------------------- mixing devices

SAME_DEVICE = "Expected all tensors to be on the same device"
#: fn(m, g, c): m is teachgrad or torch, g a tensor on the GPU, c one on the CPU
MIXED: dict[str, Callable[[Any, Any, Any], Any]] = {
    "add": lambda m, g, c: g + c,
    "radd": lambda m, g, c: c + g,
    "mul": lambda m, g, c: c * g,
    "pow": lambda m, g, c: g ** c,
    "compare": lambda m, g, c: g < c,
    "matmul": lambda m, g, c: g @ c,
    "mm": lambda m, g, c: m.mm(c, g),
    "cat": lambda m, g, c: m.cat([g, c]),
    "stack": lambda m, g, c: m.stack([c, g]),
    "where-values": lambda m, g, c: m.where(g > 0, c, g),
    "where-condition": lambda m, g, c: m.where(c > 0, g, g),
    "maximum": lambda m, g, c: m.maximum(g, c),
    "equal": lambda m, g, c: m.equal(g, c),
    "allclose": lambda m, g, c: m.allclose(g, c),
    "0d-gpu-with-cpu": lambda m, g, c: m.tensor(2.0, device="cuda") * c,
    "add_": lambda m, g, c: g.detach().add_(c),
    "add_-recorded": lambda m, g, c: (g * 1).add_(c),
    "isub-no-grad": lambda m, g, c: _isub_no_grad(m, g.detach(), c),
    "linear": lambda m, g, c: m.nn.functional.linear(g, c),
    "linear-bias": lambda m, g, c: m.nn.functional.linear(g, g, c[0]),
    "conv2d": lambda m, g, c: m.nn.functional.conv2d(g.reshape(1, 1, 3, 3),
                                                     c.reshape(1, 1, 3, 3)),
    "mse_loss": lambda m, g, c: m.nn.functional.mse_loss(g, c),
    "cross_entropy-cpu-target": lambda m, g, c: m.nn.functional.cross_entropy(
        g, m.tensor([0, 1, 2])),
    "nll_loss-cpu-weight": lambda m, g, c: m.nn.functional.nll_loss(
        g, m.tensor([0, 1, 2], device="cuda"), weight=c[0].abs()),
    "binary_cross_entropy": lambda m, g, c: m.nn.functional.binary_cross_entropy(
        g.sigmoid(), c.sigmoid()),
    "bce_with_logits": lambda m, g, c: m.nn.functional.binary_cross_entropy_with_logits(
        g, c.sigmoid()),
    "embedding-cpu-indices": lambda m, g, c: m.nn.functional.embedding(m.tensor([0, 1]), g),
    "batch_norm-cpu-stats": lambda m, g, c: m.nn.functional.batch_norm(
        g, m.zeros(3), m.ones(3), training=True),
    "module-on-gpu-cpu-input": lambda m, g, c: m.nn.Linear(3, 2).to("cuda")(c),
    "module-on-cpu-gpu-input": lambda m, g, c: m.nn.Linear(3, 2)(g),
}


def _isub_no_grad(m: Any, x: Any, other: Any) -> None:
    with m.no_grad():
        x -= other


def torch_on_cuda(device: str) -> Any:
    """torch, when this run is on the real GPU and torch has CUDA: then it is the oracle."""
    if device != "cuda" or hasattr(sys.modules.get("cupy"), "_fake_state"):
        return None  # the CPU, or the fake GPU: torch has no CUDA tensors to compare with
    torch = pytest.importorskip("torch")
    return torch if torch.cuda.is_available() else None


def mixed_pair(m: Any, device: str) -> tuple:
    on_gpu = m.tensor(values(3, 3), device=device, requires_grad=True)
    return on_gpu, m.tensor(values(3, 3, seed=1))


@pytest.mark.parametrize("name", list(MIXED))
def test_mixing_devices_raises_torchs_error(gpu_device: str, name: str) -> None:
    torch = torch_on_cuda(gpu_device)
    if torch is not None:  # on a real GPU, check that torch refuses this too (its words
        with pytest.raises(RuntimeError):  # vary by op: where names condition, x and y)
            MIXED[name](torch, *mixed_pair(torch, "cuda"))
    with pytest.raises(RuntimeError, match=SAME_DEVICE):
        MIXED[name](teachgrad, *mixed_pair(teachgrad, gpu_device))


def test_indexing_a_cpu_tensor_with_gpu_indices_raises(gpu_device: str) -> None:
    x = teachgrad.tensor(values(3, 3))
    index = teachgrad.tensor([0, 2], device=gpu_device)
    for use in (lambda: x[index], lambda: x.__setitem__(index, 0.0),
                lambda: x[teachgrad.ones(3, dtype=teachgrad.bool, device=gpu_device)]):
        with pytest.raises(RuntimeError, match="indices should be either on cpu or on the "
                                               r"same device as the indexed tensor \(cpu\)"):
            use()


ALLOWED_MIXES: dict[str, Callable[[Any, Any, Any], Any]] = {
    "0d-cpu-tensor-is-a-number": lambda m, g, c: g * m.tensor(2.0) + m.tensor(1),
    "python-numbers": lambda m, g, c: 2 * g - 1.5,
    "cpu-long-index": lambda m, g, c: g[m.tensor([2, 0])],
    "cpu-bool-mask": lambda m, g, c: g[m.tensor([True, False, True])],
    "copy_-from-cpu": lambda m, g, c: g.detach().clone().copy_(c),
    "fill_-with-0d-cpu-tensor": lambda m, g, c: g.detach().clone().fill_(m.tensor(4.0)),
}


@pytest.mark.parametrize("name", list(ALLOWED_MIXES))
def test_mixes_torch_allows_work_and_stay_on_the_gpu(gpu_device: str, name: str) -> None:
    data_gpu, data_cpu = values(3, 3), values(3, 3, seed=1)
    torch = torch_on_cuda(gpu_device)
    if torch is not None:
        theirs = ALLOWED_MIXES[name](torch, torch.tensor(data_gpu, device="cuda"),
                                     torch.tensor(data_cpu))
        assert theirs.device.type == "cuda"
    result = ALLOWED_MIXES[name](teachgrad, teachgrad.tensor(data_gpu, device=gpu_device),
                                 teachgrad.tensor(data_cpu))
    reference = ALLOWED_MIXES[name](teachgrad, teachgrad.tensor(data_gpu),
                                    teachgrad.tensor(data_cpu))
    assert result.device == CUDA0
    np.testing.assert_allclose(result.cpu().numpy(), reference.numpy(), **TOLERANCE)


def test_writing_into_an_expanded_tensor_raises_on_every_device(device: str) -> None:
    torch = pytest.importorskip("torch", reason="torch is the oracle for this error")
    for write in (lambda x: x.add_(1), lambda x: x.mul_(2)):
        with pytest.raises(RuntimeError) as theirs:
            write(torch.ones(3, 1).expand(3, 4))
        expanded = teachgrad.ones(3, 1, device=device).expand(3, 4)
        with pytest.raises(RuntimeError) as ours:
            write(expanded)
        assert str(ours.value).split(".")[0] == str(theirs.value).split(".")[0]
        assert expanded.tolist() == [[1.0] * 4] * 3  # nothing was written


# ----------------------------------------------------------------- modules

def _lenet_like(seed: int) -> nn.Module:
    teachgrad.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(6, 5),
        nn.LeakyReLU(0.1), nn.Dropout(0.0), nn.Linear(5, 3))


def _named_tensors(model: nn.Module) -> dict:
    return dict(model.state_dict(keep_vars=True))


def test_module_to_moves_parameters_and_buffers(device: str) -> None:
    model, reference = _lenet_like(4), _lenet_like(4)
    parameters = list(model.parameters())
    assert model.to(device) is model
    assert [id(p) for p in model.parameters()] == [id(p) for p in parameters]  # same objects
    for name, tensor in _named_tensors(model).items():
        assert tensor.device == where(device), name
        assert tensor.dtype == _named_tensors(reference)[name].dtype, name  # int stays int
    data = values(2, 1, 8, 8, seed=5)
    for train in (True, False):
        model.train(train)
        reference.train(train)
        out = model(teachgrad.tensor(data, device=device))
        expected = reference(teachgrad.tensor(data))
        assert out.device == where(device)
        np.testing.assert_allclose(out.detach().cpu().numpy(), expected.detach().numpy(),
                                   rtol=1e-5, atol=1e-5)
        out.square().sum().backward()
        expected.square().sum().backward()
    for (name, mine), theirs in zip(model.named_parameters(), reference.parameters()):
        assert mine.grad.device == where(device), name
        np.testing.assert_allclose(mine.grad.cpu().numpy(), theirs.grad.numpy(),
                                   rtol=1e-4, atol=1e-5, err_msg=name)
    for name, tensor in _named_tensors(model).items():  # running stats updated alike
        np.testing.assert_allclose(tensor.detach().cpu().numpy(),
                                   _named_tensors(reference)[name].detach().numpy(),
                                   rtol=1e-5, atol=1e-6, err_msg=name)
    assert model.cpu() is model
    for name, tensor in _named_tensors(model).items():
        assert tensor.device == teachgrad.device("cpu"), name
    assert all(p.grad.device == teachgrad.device("cpu") for p in model.parameters())


def test_module_cuda_and_dtype_conversion(gpu_device: str) -> None:
    model = _lenet_like(2)
    model.cuda()
    assert {t.device for t in _named_tensors(model).values()} == {CUDA0}
    model.to(gpu_device, teachgrad.float64)
    assert {t.dtype for t in model.parameters()} == {teachgrad.float64}
    assert model[1].num_batches_tracked.dtype == teachgrad.int64
    assert {t.device for t in _named_tensors(model).values()} == {CUDA0}


def test_state_dict_round_trips_between_devices(gpu_device: str) -> None:
    on_gpu, on_cpu = _lenet_like(1).to(gpu_device), _lenet_like(2)
    state = on_gpu.state_dict()
    assert {t.device for t in state.values()} == {CUDA0}
    on_cpu.load_state_dict(state)  # copied into the CPU model's own tensors
    for name, tensor in on_cpu.state_dict().items():
        assert tensor.device == teachgrad.device("cpu")
        np.testing.assert_array_equal(tensor.numpy(), state[name].cpu().numpy())
    fresh = _lenet_like(3).to(gpu_device)
    fresh.load_state_dict(on_cpu.state_dict())
    assert {t.device for t in fresh.state_dict().values()} == {CUDA0}


def test_layers_created_on_the_device(device: str) -> None:
    layers = [nn.Linear(3, 2, device=device), nn.Conv2d(1, 2, 3, device=device),
              nn.BatchNorm1d(3, device=device), nn.Embedding(5, 2, device=device)]
    for layer in layers:
        for name, tensor in _named_tensors(layer).items():
            assert tensor.device == where(device), (type(layer).__name__, name)


def test_two_layer_net_trains_the_same_on_gpu(gpu_device: str) -> None:
    """Lesson 01's net with autograd and a manual update: five steps, CPU == GPU."""
    rng = np.random.default_rng(7)
    data = {name: rng.standard_normal(shape).astype(np.float32) * scale for name, shape, scale
            in [("x", (16, 20), 1.0), ("y", (16, 4), 1.0), ("w1", (20, 12), 0.2),
                ("w2", (12, 4), 0.2)]}
    losses = {}
    for device in ("cpu", gpu_device):
        t = {name: teachgrad.tensor(array, device=device) for name, array in data.items()}
        w1, w2 = t["w1"].requires_grad_(), t["w2"].requires_grad_()
        history = []
        for _ in range(5):
            loss = (t["x"].mm(w1).clamp(min=0).mm(w2) - t["y"]).pow(2).sum()
            loss.backward()
            with teachgrad.no_grad():
                w1 -= 1e-3 * w1.grad
                w2 -= 1e-3 * w2.grad
                w1.grad.zero_()
                w2.grad = None
            history.append(loss.item())
        assert w1.device == w2.device == where(device)
        losses[device] = history
    np.testing.assert_allclose(losses[gpu_device], losses["cpu"], rtol=1e-5)


# ----------------------------------------------------------------- optimizers

OPTIMIZERS: dict[str, Callable[[list], Any]] = {
    "SGD": lambda p: teachgrad.optim.SGD(p, lr=0.1),
    "SGD-momentum-nesterov-wd": lambda p: teachgrad.optim.SGD(
        p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    "Adam": lambda p: teachgrad.optim.Adam(p, lr=0.01),
    "Adam-amsgrad": lambda p: teachgrad.optim.Adam(p, lr=0.01, amsgrad=True, weight_decay=0.1),
    "AdamW": lambda p: teachgrad.optim.AdamW(p, lr=0.01),
    "RMSprop-centered-momentum": lambda p: teachgrad.optim.RMSprop(
        p, lr=0.01, centered=True, momentum=0.5),
    "Adagrad": lambda p: teachgrad.optim.Adagrad(p, lr=0.1, lr_decay=0.01),
    "Lookahead-SGD": lambda p: teachgrad.optim.Lookahead(
        teachgrad.optim.SGD(p, lr=0.1, momentum=0.5), k=2, alpha=0.5),
}


def _optimize(device: str, make: Callable, steps: int = 4) -> tuple[list, Any]:
    weight = teachgrad.tensor(values(4, 3, seed=2), device=device, requires_grad=True)
    bias = teachgrad.tensor(values(3, seed=3), device=device, requires_grad=True)
    x = teachgrad.tensor(values(5, 4, seed=4), device=device)
    optimizer = make([weight, bias])
    for _ in range(steps):
        optimizer.zero_grad()
        ((x @ weight + bias).tanh() ** 2).sum().backward()
        optimizer.step()
    return [weight, bias], optimizer


def _state_tensors(optimizer: Any) -> list[tuple]:
    found = []
    for param, state in optimizer.state.items():
        for key, value in state.items():
            if isinstance(value, teachgrad.Tensor):
                found.append((param, key, value))
    return found


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_steps_on_gpu_match_cpu_and_state_lives_with_params(gpu_device: str,
                                                                       name: str) -> None:
    params, optimizer = _optimize(gpu_device, OPTIMIZERS[name])
    reference, _ = _optimize("cpu", OPTIMIZERS[name])
    for mine, theirs in zip(params, reference):
        assert mine.device == CUDA0
        np.testing.assert_allclose(mine.detach().cpu().numpy(), theirs.detach().numpy(),
                                   rtol=1e-5, atol=1e-6)
    state = _state_tensors(optimizer)
    assert state or name == "SGD"
    for param, key, value in state:
        # torch keeps the step counter on the CPU (a float32 0-d tensor), every other
        # buffer (momentum, averages, slow weights) where the parameter is.
        expected = teachgrad.device("cpu") if key == "step" else param.device
        assert value.device == expected, (key, value.device)


def test_optimizer_state_follows_params_through_load_state_dict(gpu_device: str) -> None:
    params, optimizer = _optimize(gpu_device, OPTIMIZERS["Adam"], steps=2)
    cpu_params = [p.detach().cpu().requires_grad_() for p in params]
    on_cpu = teachgrad.optim.Adam(cpu_params, lr=0.01)
    on_cpu.load_state_dict(optimizer.state_dict())
    for _param, key, value in _state_tensors(on_cpu):
        assert value.device == teachgrad.device("cpu"), key
    back = teachgrad.optim.Adam(params, lr=0.01)
    back.load_state_dict(on_cpu.state_dict())
    for _param, key, value in _state_tensors(back):
        assert value.device == (teachgrad.device("cpu") if key == "step" else CUDA0), key


# ----------------------------------------------------------------- the fake itself

def test_the_fake_gpu_is_as_strict_as_cupy_about_host_arrays() -> None:
    """What makes the fake-cuda runs worth having: host arrays in device ops fail."""
    cupy = fake_cupy.make_fake_cupy()
    device_array = cupy.arange(6, dtype=np.float32).reshape(2, 3)
    host = np.ones((2, 3), dtype=np.float32)
    refused: dict[str, Callable[[], Any]] = {
        "ufunc": lambda: device_array + host,
        "reflected": lambda: host * device_array,
        "numpy ufunc": lambda: np.maximum(host, device_array),
        "matmul": lambda: device_array @ host.T,
        "concatenate": lambda: cupy.concatenate([device_array, host]),
        "where": lambda: cupy.where(host > 0, device_array, 0.0),
        "implicit conversion": lambda: np.asarray(device_array),
        "np.array": lambda: np.array([device_array, device_array]),
        "out=": lambda: np.add(host, 1, out=device_array),
    }
    for name, use in refused.items():
        with pytest.raises(TypeError):
            use()
            pytest.fail(f"{name} was accepted")
    with pytest.raises(TypeError):
        device_array.reshape(3, 2, copy=False)  # cupy.ndarray.reshape has no copy=
    with pytest.raises(AttributeError):
        device_array.flags.writeable  # noqa: B018 - cupy's flags have no writeable
    with pytest.raises(ValueError, match="non-scalar numpy.ndarray"):
        device_array[0] = host[0]
    # ... while scalars, 0-d host arrays in comparisons and host index arrays are fine
    assert isinstance(device_array * np.float32(2) + 1, fake_cupy.FakeGpuArray)
    assert (device_array > np.array(2.0)).sum().item() == 3
    assert device_array[np.array([1, 0])][0, 0].item() == 3.0
    total = device_array.sum()
    assert type(total) is fake_cupy.FakeGpuArray and total.ndim == 0  # never a NumPy scalar
    assert type(device_array.get()) is np.ndarray
    assert not isinstance(device_array, np.ndarray)


def test_the_fake_gpu_wraps_out_of_bounds_indices_and_scatters_like_cupy() -> None:
    cupy = fake_cupy.make_fake_cupy()
    vector = cupy.arange(3, dtype=np.float32)
    assert vector[cupy.asarray(np.array([4, -4]))].tolist() == [1.0, 2.0]  # modulo 3
    target = cupy.zeros(3, dtype=np.float32)
    cupy.add.at(target, cupy.asarray(np.array([0, 0, 2])), cupy.ones(3, dtype=np.float32))
    assert target.tolist() == [2.0, 0.0, 1.0]
    with pytest.raises(TypeError, match="scatter_add"):
        cupy.add.at(cupy.zeros(3, dtype=np.int64), cupy.asarray(np.array([0])), 1)
    assert not hasattr(cupy.random, "integers")  # the legacy module API, as CuPy's
    cupy.random.seed(4)
    first = cupy.random.standard_normal((3,), dtype=np.float32).get()
    cupy.random.seed(4)
    np.testing.assert_array_equal(cupy.random.standard_normal((3,), dtype=np.float32).get(),
                                  first)
