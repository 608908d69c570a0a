"""nn, optim and data on every device: the GPU path (real, or tests/fake_cupy.py's stand-in)
gives the CPU's results, with every tensor staying on the model's device."""

from __future__ import annotations

import numpy as np
import pytest
from nn_oracle import seed_both, values  # noqa: F401 - seed_both is autouse

import teachgrad
import teachgrad.nn as nn
import teachgrad.nn.functional as F
import teachgrad.optim as optim
from teachgrad.utils.data import DataLoader, TensorDataset


def on(device: str, array: np.ndarray, requires_grad: bool = False) -> teachgrad.Tensor:
    return teachgrad.tensor(array.copy(), device=device, requires_grad=requires_grad)


def host(tensor: teachgrad.Tensor) -> np.ndarray:
    return tensor.detach().cpu().numpy()


def both_devices(device: str, fn, *arrays: np.ndarray) -> None:
    """fn on CPU tensors and on `device` tensors: same outputs and input gradients."""
    results = []
    for where in ("cpu", device):
        inputs = [on(where, a, requires_grad=a.dtype.kind == "f") for a in arrays]
        out = fn(*inputs)
        assert out.device == teachgrad.device(where) or where != "cpu"
        (out * out).sum().backward()
        results.append((host(out), [host(x.grad) for x in inputs if x.requires_grad]))
    (cpu_out, cpu_grads), (dev_out, dev_grads) = results
    np.testing.assert_allclose(dev_out, cpu_out, rtol=1e-5, atol=1e-6)
    for a, b in zip(dev_grads, cpu_grads):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_conv_and_pooling(device: str) -> None:
    both_devices(device, lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, dilation=2),
                 values((2, 3, 9, 9), seed=1), values((4, 3, 3, 3), seed=2), values((4,), seed=3))
    both_devices(device, lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True),
                 values((2, 3, 8, 8), seed=4))
    both_devices(device, lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False),
                 values((2, 3, 8, 8), seed=5))


def test_losses(device: str) -> None:
    labels = np.array([0, 2, 1, -100])
    both_devices(device, lambda x: F.cross_entropy(x, on(x.device.type, labels),
                                                   label_smoothing=0.1), values((4, 3), seed=6))
    both_devices(device, lambda x: F.nll_loss(x.log_softmax(1), on(x.device.type, labels),
                                              weight=on(x.device.type,
                                                        np.float32([1, 2, 3]))),
                 values((4, 3), seed=6))
    target = values((4, 3), seed=7, low=0, high=1)
    both_devices(device, lambda x, t: F.binary_cross_entropy(x.sigmoid(), t),
                 values((4, 3), seed=8), target)
    both_devices(device, lambda x, t: F.binary_cross_entropy_with_logits(x, t),
                 values((4, 3), seed=8), target)
    both_devices(device, F.mse_loss, values((4, 3), seed=9), target)
    both_devices(device, F.l1_loss, values((4, 3), seed=9), target)


def test_activations_normalisation_and_embedding(device: str) -> None:
    for fn in (F.gelu, F.leaky_relu, lambda x: F.gelu(x, approximate="tanh"),
               lambda x: F.batch_norm(x, None, None, training=True)):
        both_devices(device, fn, values((5, 4), seed=10))
    both_devices(device, lambda w: F.embedding(on(w.device.type, np.array([[0, 2], [2, 1]])),
                                               w, padding_idx=2), values((3, 4), seed=11))


def build(device: str) -> nn.Module:
    teachgrad.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.0), nn.Linear(4 * 4 * 4, 3))
    return model.to(device)


@pytest.mark.parametrize("make_optimizer", [
    lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    lambda p: optim.Adam(p, lr=0.01, amsgrad=True),
    lambda p: optim.AdamW(p, lr=0.01),
    lambda p: optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
    lambda p: optim.Adagrad(p, lr=0.1),
    lambda p: optim.Lookahead(optim.SGD(p, lr=0.1), k=2),
], ids=["sgd", "adam", "adamw", "rmsprop", "adagrad", "lookahead"])
def test_training_on_the_device_follows_the_cpu(device: str, make_optimizer) -> None:
    images, labels = values((6, 1, 8, 8), seed=12), np.array([0, 1, 2, 0, 1, 2])
    curves, finals = [], []
    for where in ("cpu", device):
        model = build("cpu")
        params = list(model.parameters())
        model.to(where)  # keeps the Parameter objects: an optimizer built before still works
        assert all(p is q for p, q in zip(params, model.parameters()))
        optimizer = make_optimizer(model.parameters())
        losses = []
        for _ in range(4):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(on(where, images)), on(where, labels))
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        inner = getattr(optimizer, "optimizer", optimizer)
        for state in inner.state.values():
            for key, value in state.items():
                if isinstance(value, teachgrad.Tensor) and key != "step":
                    assert value.device == params[0].device
        curves.append(losses)
        finals.append([host(p) for p in model.parameters()] + [host(b) for b in model.buffers()])
    np.testing.assert_allclose(curves[1], curves[0], rtol=1e-5)
    for a, b in zip(finals[1], finals[0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_layers_created_on_the_device_and_state_dict_across_devices(device: str) -> None:
    layer = nn.Linear(3, 2, device=device)
    assert layer.weight.is_cuda == layer.bias.is_cuda == (device != "cpu")
    cpu_layer = nn.Linear(3, 2)
    layer.load_state_dict(cpu_layer.state_dict())
    assert layer.weight.is_cuda == (device != "cpu")
    np.testing.assert_array_equal(host(layer.weight), host(cpu_layer.weight))
    for initialise in (nn.init.xavier_uniform_, nn.init.kaiming_normal_, nn.init.zeros_):
        initialise(layer.weight)
        assert layer.weight.is_cuda == (device != "cpu")


def test_data_loader_batches_device_tensors(device: str) -> None:
    data = TensorDataset(on(device, values((7, 2), seed=13)), on(device, np.arange(7)))
    batches = list(DataLoader(data, batch_size=3, shuffle=True,
                              generator=teachgrad.Generator().manual_seed(0)))
    assert [len(labels) for _, labels in batches] == [3, 3, 1]
    assert all(x.is_cuda == (device != "cpu") for x, _ in batches)
    assert sorted(i for _, labels in batches for i in labels.tolist()) == list(range(7))
