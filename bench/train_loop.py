"""Benchmark: a learner's whole training loop, data loading included, against torch.

The digits (1,797 examples of 64 features; random data of that shape, seeded, when
scikit-learn is missing) in a TensorDataset, DataLoader(batch_size=64, shuffle=True),
an MLP 64-128-10, CrossEntropyLoss and Adam, two epochs. The loop is written once and
run with teachgrad and with torch (same starting weights, same data), timed in turns.

Two more lines say where the time goes: teachgrad's loop with a dataset that only has
__getitem__ (the per-sample fetch, the reference path), and the DataLoader alone
(two epochs of batches, no model) in both libraries.

    python bench/train_loop.py
"""

from __future__ import annotations

import _setup
import numpy as np

import teachgrad

N, FEATURES, HIDDEN, CLASSES = 1797, 64, 128, 10
BATCH, EPOCHS, LEARNING_RATE = 64, 2, 1e-3


def load_data() -> tuple[np.ndarray, np.ndarray, str]:
    """Features (N, 64) float32 and labels (N,) int64, and where they came from."""
    try:
        from teachgrad.datasets import load_digits

        split = load_digits(test_fraction=0.25, seed=0)
    except ModuleNotFoundError:
        rng = np.random.default_rng(0)
        return (rng.random((N, FEATURES), dtype=np.float32),
                rng.integers(0, CLASSES, N), "random data (no scikit-learn)")
    x = np.concatenate([split.x_train.numpy(), split.x_test.numpy()]).reshape(N, FEATURES)
    y = np.concatenate([split.y_train.numpy(), split.y_test.numpy()])
    return x, y, "digits"


class OnlyGetitem:
    """A map-style dataset with __getitem__ and __len__ only: every sample fetched alone."""

    def __init__(self, dataset) -> None:
        self.dataset = dataset

    def __getitem__(self, index: int):
        return self.dataset[index]

    def __len__(self) -> int:
        return len(self.dataset)


def make_loop(lib, x: np.ndarray, y: np.ndarray, weights: list[np.ndarray] | None,
              per_sample: bool = False):
    """The training loop of a learner, in lib (teachgrad or torch): returns (train, loader,
    model); train() runs EPOCHS epochs."""
    data = lib.utils.data
    dataset = data.TensorDataset(lib.tensor(x), lib.tensor(y))
    if per_sample:
        dataset = OnlyGetitem(dataset)
    loader = data.DataLoader(dataset, batch_size=BATCH, shuffle=True,
                             generator=lib.Generator().manual_seed(0))
    model = lib.nn.Sequential(lib.nn.Linear(FEATURES, HIDDEN), lib.nn.ReLU(),
                              lib.nn.Linear(HIDDEN, CLASSES))
    if weights is not None:
        with lib.no_grad():
            for parameter, values in zip(model.parameters(), weights):
                parameter.copy_(lib.tensor(values))
    loss_fn = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.Adam(model.parameters(), lr=LEARNING_RATE)

    def train() -> None:
        for _ in range(EPOCHS):
            for features, labels in loader:
                optimizer.zero_grad()
                loss_fn(model(features), labels).backward()
                optimizer.step()

    return train, loader, model


def load_only(loader):
    def step() -> None:
        for _ in range(EPOCHS):
            for _batch in loader:
                pass

    return step


def main(rounds: int = 15) -> dict[str, float]:
    x, y, source = load_data()
    teachgrad.manual_seed(0)
    tg_train, tg_loader, tg_model = make_loop(teachgrad, x, y, None)
    weights = [p.detach().numpy().copy() for p in tg_model.parameters()]
    ref_train, ref_loader, _ = make_loop(teachgrad, x, y, weights, per_sample=True)
    loops = {"teachgrad": tg_train, "teachgrad, per-sample fetch": ref_train}
    loaders = {"teachgrad DataLoader": load_only(tg_loader),
               "teachgrad, per-sample fetch": load_only(ref_loader)}
    torch = _setup.load_torch()
    if torch is not None:
        th_train, th_loader, _ = make_loop(torch, x, y, weights)
        loops["torch"] = th_train
        loaders["torch DataLoader"] = load_only(th_loader)
    print(f"training loop, {N}x{FEATURES} {source}, batch {BATCH}, shuffle, MLP "
          f"{FEATURES}-{HIDDEN}-{CLASSES}, CrossEntropyLoss, Adam, {EPOCHS} epochs; "
          f"{_setup.describe_threads()}")
    medians = _setup.compare(f"median per {EPOCHS} epochs:", loops, {"torch": "torch"},
                             rounds=rounds, inner=1)
    medians.update(_setup.compare(f"DataLoader alone, median per {EPOCHS} epochs:", loaders,
                                  {"torch": "torch DataLoader"}, rounds=rounds, inner=1))
    return medians


if __name__ == "__main__":
    main()
