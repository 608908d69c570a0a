"""The issue's definition of done: a LeNet (Conv2d, max_pool2d, Linear, ReLU) and a
two-layer MLP, started from torch's initial weights on the same data, train for 50 steps
with SGD + momentum and with Adam and give torch's loss curve to float32 precision."""

from __future__ import annotations

import numpy as np
import pytest
from nn_oracle import assert_close, copy_weights, seed_both  # noqa: F401 - seed_both is autouse

import teachgrad

torch = pytest.importorskip("torch", reason="torch is the oracle")
STEPS = 50


def lenet(lib):
    nn, functional = lib.nn, lib.nn.functional

    class LeNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)
            self.relu = nn.ReLU()

        def forward(self, x):
            x = functional.max_pool2d(self.relu(self.conv1(x)), 2)
            x = functional.max_pool2d(self.relu(self.conv2(x)), (2, 2))
            x = x.flatten(1)
            return self.fc3(functional.relu(self.fc2(functional.relu(self.fc1(x)))))

    return LeNet()


def mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 64), nn.ReLU(), nn.Linear(64, 10))


def data(batches: int = 5, batch_size: int = 16) -> list[tuple[np.ndarray, np.ndarray]]:
    """Images whose label a fixed random 'teacher' decides, so there is something to learn."""
    rng = np.random.default_rng(0)
    teacher = rng.standard_normal((28 * 28, 10))
    result = []
    for _ in range(batches):
        images = rng.standard_normal((batch_size, 1, 28, 28)).astype("float32")
        labels = (images.reshape(batch_size, -1) @ teacher).argmax(1).astype("int64")
        result.append((images, labels))
    return result


def loss_curve(lib, model, optimizer, batches: list) -> list[float]:
    criterion = lib.nn.CrossEntropyLoss()
    losses = []
    for step in range(STEPS):
        images, labels = batches[step % len(batches)]
        optimizer.zero_grad()
        loss = criterion(model(lib.tensor(images)), lib.tensor(labels))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("architecture", [lenet, mlp], ids=["lenet", "mlp"])
@pytest.mark.parametrize("optimizer, options", [
    ("SGD", {"lr": 0.01, "momentum": 0.9}),
    ("Adam", {"lr": 1e-3}),
], ids=["sgd_momentum", "adam"])
def test_training_gives_torchs_loss_curve(architecture, optimizer: str, options: dict) -> None:
    torch.manual_seed(0)
    theirs = architecture(torch)
    ours = architecture(teachgrad)
    copy_weights(ours, theirs)
    batches = data()
    ours_losses = loss_curve(teachgrad, ours,
                             getattr(teachgrad.optim, optimizer)(ours.parameters(), **options),
                             batches)
    theirs_losses = loss_curve(torch, theirs,
                               getattr(torch.optim, optimizer)(theirs.parameters(),
                                                               foreach=False, **options),
                               batches)
    assert theirs_losses[-1] < theirs_losses[0]  # it learns something
    np.testing.assert_allclose(ours_losses, theirs_losses, rtol=1e-5, atol=1e-6)
    for mine, reference in zip(ours.parameters(), theirs.parameters()):
        assert_close(mine, reference, rtol=1e-4, atol=1e-5)
