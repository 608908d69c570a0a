"""teachgrad.save / teachgrad.load: round trips, the weights_only guard, map_location.

What comes back is compared with what torch.load gives for the same object saved with
torch.save (classes, requires_grad, leaves, containers). The files themselves differ:
teachgrad writes a pickle, torch a zip archive, and each library refuses the other's.
"""

from __future__ import annotations

import io
import pickle
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import teachgrad

torch = pytest.importorskip("torch", reason="torch is the oracle; install torch==2.13.0")


def round_trip(module: Any, obj: Any, **load_args: Any) -> Any:
    buffer = io.BytesIO()
    module.save(obj, buffer)
    buffer.seek(0)
    return module.load(buffer, **load_args)


def _describe(value: Any) -> Any:
    """The structure of a loaded object, in terms both libraries share."""
    if isinstance(value, (teachgrad.Tensor, torch.Tensor)):
        return (type(value).__name__, str(value.dtype).split(".")[-1], tuple(value.shape),
                value.requires_grad, value.is_leaf, value.grad is None,
                np.asarray(value.detach().cpu().numpy()).tolist())
    if isinstance(value, dict):
        return (type(value).__name__, {key: _describe(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_describe(item) for item in value])
    return value


def _objects(module: Any) -> dict:
    leaf = module.tensor([1.5, -2.0], requires_grad=True)
    leaf.grad = module.ones(2)  # gradients are not saved, in either library
    return {
        "float32": module.tensor([[1.0, 2.5], [-3.0, 4.0]]),
        "float64": module.tensor([1.0, 2.0], dtype=module.float64),
        "float16": module.tensor([0.5, 1.5], dtype=module.float16),
        "int64": module.tensor([1, -2, 3]),
        "int32": module.tensor([7], dtype=module.int32),
        "uint8": module.tensor([255, 0], dtype=module.uint8),
        "bool": module.tensor([True, False]),
        "0d": module.tensor(3.25),
        "empty": module.zeros(0, 3),
        "transposed": module.arange(6.0).reshape(2, 3).t(),
        "leaf-requiring-grad": leaf,
        "non-leaf": leaf * 2,
        "parameter": module.nn.Parameter(module.tensor([1.0, 2.0])),
        "frozen-parameter": module.nn.Parameter(module.tensor([1.0]), requires_grad=False),
        "checkpoint": {"epoch": 3, "loss": 0.25, "name": "run-1", "history": [1.0, 0.5],
                       "pair": (1, module.tensor([2.0])), "state": OrderedDict(
                           a=module.tensor([1.0]), b=module.tensor([2]))},
    }


@pytest.mark.parametrize("name", list(_objects(teachgrad)))
def test_round_trip_matches_torch(name: str) -> None:
    ours = round_trip(teachgrad, _objects(teachgrad)[name])
    theirs = round_trip(torch, _objects(torch)[name])
    assert _describe(ours) == _describe(theirs)


def test_a_model_state_dict_round_trips_through_a_file(tmp_path: Path) -> None:
    teachgrad.manual_seed(0)
    model = teachgrad.nn.Sequential(teachgrad.nn.Linear(3, 4), teachgrad.nn.BatchNorm1d(4),
                                    teachgrad.nn.ReLU(), teachgrad.nn.Linear(4, 2))
    model(teachgrad.randn(8, 3))  # moves the batch-norm running statistics
    path = tmp_path / "model.pt"
    teachgrad.save(model.state_dict(), path)
    loaded = teachgrad.load(path)
    assert isinstance(loaded, OrderedDict)
    assert list(loaded) == list(model.state_dict())
    for key, value in model.state_dict().items():
        assert loaded[key].dtype == value.dtype
        np.testing.assert_array_equal(loaded[key].numpy(), value.numpy())
    teachgrad.manual_seed(1)
    fresh = teachgrad.nn.Sequential(teachgrad.nn.Linear(3, 4), teachgrad.nn.BatchNorm1d(4),
                                    teachgrad.nn.ReLU(), teachgrad.nn.Linear(4, 2))
    fresh.load_state_dict(teachgrad.load(str(path)))
    model.eval()
    fresh.eval()
    x = teachgrad.randn(5, 3)
    np.testing.assert_array_equal(fresh(x).detach().numpy(), model(x).detach().numpy())


def test_training_resumes_from_a_checkpoint_exactly(tmp_path: Path) -> None:
    def make() -> tuple:
        teachgrad.manual_seed(0)
        model = teachgrad.nn.Linear(3, 1)
        return model, teachgrad.optim.Adam(model.parameters(), lr=0.1)

    x, y = teachgrad.randn(16, 3), teachgrad.randn(16, 1)

    def step(model: Any, optimizer: Any) -> float:
        loss = teachgrad.nn.functional.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    model, optimizer = make()
    uninterrupted = [step(model, optimizer) for _ in range(6)]

    model, optimizer = make()
    first = [step(model, optimizer) for _ in range(3)]
    teachgrad.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "epoch": 3}, tmp_path / "checkpoint.pt")
    checkpoint = teachgrad.load(tmp_path / "checkpoint.pt")
    model, optimizer = make()
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    assert checkpoint["epoch"] == 3
    resumed = first + [step(model, optimizer) for _ in range(3)]
    assert resumed == uninterrupted


def test_one_tensor_saved_twice_stays_one_tensor() -> None:
    shared = teachgrad.tensor([1.0, 2.0])
    loaded = round_trip(teachgrad, {"a": shared, "b": shared, "list": [shared]})
    assert loaded["a"] is loaded["b"] is loaded["list"][0]


def test_tensors_load_writable_and_independent() -> None:
    original = teachgrad.tensor([1.0, 2.0])
    loaded = round_trip(teachgrad, original)
    loaded.add_(1)
    assert original.tolist() == [1.0, 2.0] and loaded.tolist() == [2.0, 3.0]


def test_weights_only_refuses_other_objects_like_torch() -> None:
    model = teachgrad.nn.Linear(2, 2)
    buffer = io.BytesIO()
    teachgrad.save(model, buffer)
    buffer.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="weights_only=False"):
        teachgrad.load(buffer)
    torch_buffer = io.BytesIO()
    torch.save(torch.nn.Linear(2, 2), torch_buffer)
    torch_buffer.seek(0)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(torch_buffer)
    buffer.seek(0)
    loaded = teachgrad.load(buffer, weights_only=False)
    assert isinstance(loaded, teachgrad.nn.Linear)
    np.testing.assert_array_equal(loaded.weight.detach().numpy(), model.weight.detach().numpy())
    assert isinstance(loaded.weight, teachgrad.nn.Parameter)


class _Evil:
    def __reduce__(self) -> tuple:
        return (print, ("this must never run",))


def test_weights_only_never_calls_arbitrary_functions(capsys: pytest.CaptureFixture) -> None:
    data = pickle.dumps({"weights": teachgrad.ones(2), "payload": _Evil()})
    with pytest.raises(pickle.UnpicklingError, match="builtins.print"):
        teachgrad.load(io.BytesIO(data))
    assert capsys.readouterr().out == ""


def test_numbers_sizes_dtypes_and_devices_load_with_weights_only() -> None:
    value = {"size": teachgrad.Size([2, 3]), "dtype": teachgrad.float64,
             "device": teachgrad.device("cpu"), "numpy": np.float32(1.5), "set": {1, 2},
             "array": np.arange(3)}
    loaded = round_trip(teachgrad, value)
    assert loaded["size"] == teachgrad.Size([2, 3]) and isinstance(loaded["size"],
                                                                     teachgrad.Size)
    assert loaded["dtype"] is teachgrad.float64
    assert loaded["device"] == teachgrad.device("cpu")
    assert loaded["numpy"] == np.float32(1.5) and loaded["set"] == {1, 2}
    np.testing.assert_array_equal(loaded["array"], np.arange(3))


def test_paths_and_files(tmp_path: Path) -> None:
    value = {"w": teachgrad.tensor([1.0, 2.0])}
    teachgrad.save(value, str(tmp_path / "as-string.pt"))
    teachgrad.save(value, tmp_path / "as-path.pt")
    with open(tmp_path / "as-file.pt", "wb") as file:
        teachgrad.save(value, file)
    for name in ("as-string.pt", "as-path.pt", "as-file.pt"):
        assert teachgrad.load(tmp_path / name)["w"].tolist() == [1.0, 2.0]
    with open(tmp_path / "as-file.pt", "rb") as file:
        assert teachgrad.load(file)["w"].tolist() == [1.0, 2.0]


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_torch_files_are_refused_with_an_explanation(tmp_path: Path) -> None:
    path = tmp_path / "from-torch.pt"
    torch.save({"w": torch.ones(2)}, path)
    with pytest.raises(RuntimeError, match="torch.save"):
        teachgrad.load(path)
    teachgrad.save({"w": teachgrad.ones(2)}, tmp_path / "from-teachgrad.pt")
    with pytest.raises(Exception):  # noqa: B017 - torch's own error, whatever it is
        torch.load(tmp_path / "from-teachgrad.pt")


def test_empty_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "empty.pt").write_bytes(b"")
    with pytest.raises(EOFError, match="empty"):
        teachgrad.load(tmp_path / "empty.pt")
    with pytest.raises(FileNotFoundError):
        teachgrad.load(tmp_path / "missing.pt")


def test_the_docstrings_say_the_formats_differ() -> None:
    assert "torch.load cannot read" in teachgrad.save.__doc__
    assert "not interchangeable" in teachgrad.serialization.__doc__


# --------------------------------------------------------------------------- devices


def test_gpu_tensors_load_on_the_cpu_by_default(gpu_device: str) -> None:
    weight = teachgrad.nn.Parameter(teachgrad.tensor([1.0, 2.0], device=gpu_device))
    loaded = round_trip(teachgrad, {"w": weight, "b": teachgrad.ones(2, device=gpu_device)})
    assert loaded["w"].device == teachgrad.device("cpu") == loaded["b"].device
    assert isinstance(loaded["w"], teachgrad.nn.Parameter) and loaded["w"].requires_grad
    assert loaded["w"].tolist() == [1.0, 2.0]


@pytest.mark.parametrize("location", ["cuda", "cuda:0", "device", "dict", "function"])
def test_map_location_puts_tensors_on_the_gpu(location: str, gpu_device: str) -> None:
    target = {"cuda": "cuda", "cuda:0": "cuda:0", "device": teachgrad.device("cuda", 0),
              "dict": {"cpu": "cuda:0"},
              "function": lambda tensor, saved: tensor.cuda()}[location]
    loaded = round_trip(teachgrad, {"w": teachgrad.nn.Parameter(teachgrad.ones(2)),
                                    "n": teachgrad.tensor([1, 2])}, map_location=target)
    assert loaded["w"].is_cuda and loaded["n"].is_cuda
    assert isinstance(loaded["w"], teachgrad.nn.Parameter) and loaded["w"].requires_grad
    assert loaded["n"].dtype == teachgrad.int64 and loaded["n"].tolist() == [1, 2]


def test_map_location_back_to_the_cpu(gpu_device: str) -> None:
    saved = {"w": teachgrad.ones(2, device=gpu_device)}
    for location in ("cpu", teachgrad.device("cpu"), {"cuda:0": "cpu"},
                     lambda tensor, saved_device: tensor, lambda tensor, saved_device: None):
        loaded = round_trip(teachgrad, saved, map_location=location)
        assert not loaded["w"].is_cuda


def test_map_location_function_sees_the_saved_device(gpu_device: str) -> None:
    seen = []
    round_trip(teachgrad, [teachgrad.ones(1, device=gpu_device), teachgrad.ones(1)],
               map_location=lambda tensor, saved: seen.append(saved))
    assert seen == ["cuda:0", "cpu"]


def test_map_location_cuda_without_a_gpu_says_what_to_install(monkeypatch: Any) -> None:
    import teachgrad.cuda

    if teachgrad.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(Exception, match="(?i)cupy"):
        round_trip(teachgrad, teachgrad.ones(2), map_location="cuda")
