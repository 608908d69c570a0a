"""The DataLoader's batch fetch (dataset.__getitems__), against the per-sample fetch and
against torch.utils.data: the same batches, in the same order, with the same dtypes and
shapes; one call per batch where the dataset defines __getitems__, one per sample where
it does not. Every test runs with teachgrad's speed-ups and in the reference mode
(TensorDataset's batch fetch is one of them, teachgrad/fast/batches.py), and one loader
gives bit-identical batches in both."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import numpy as np
import pytest

import teachgrad
from teachgrad import fast
from teachgrad.fast import batches as fast_batches
from teachgrad.utils import data as data_module
from teachgrad.utils.data import DataLoader, Subset, TensorDataset, random_split

torch = pytest.importorskip("torch", reason="torch is the oracle")


@pytest.fixture(scope="module", autouse=True, params=["fast", "reference"])
def autograd_mode(request: pytest.FixtureRequest):
    """Overrides conftest's: every test of this module runs in both modes."""
    with fast.reference_mode() if request.param == "reference" else nullcontext():
        yield request.param


@contextmanager
def speed_ups(enabled: bool) -> Iterator[None]:
    """teachgrad's speed-ups on (True) or off (False) for the block."""
    was_enabled = fast.is_enabled()
    fast.set_enabled(enabled)
    try:
        yield
    finally:
        fast.set_enabled(was_enabled)


class OnlyGetitem:
    """A map-style dataset with __getitem__ and __len__ only (the per-sample reference)."""

    def __init__(self, dataset) -> None:
        self.dataset = dataset

    def __getitem__(self, index: int):
        return self.dataset[index]

    def __len__(self) -> int:
        return len(self.dataset)


def arrays(n: int = 10) -> list[np.ndarray]:
    """Images (n, 1, 2, 2) float32, labels (n,) int64, weights (n,) float64, flags (n,) bool:
    every sample different, so that a batch in the wrong order shows."""
    return [np.arange(n * 4, dtype="float32").reshape(n, 1, 2, 2),
            np.arange(n) % 3 + 10 * np.arange(n), np.linspace(0.0, 1.0, n), np.arange(n) % 2 == 0]


def tensor_dataset(lib, n: int = 10):
    return lib.utils.data.TensorDataset(*(lib.tensor(a) for a in arrays(n)))


def as_numpy(batches) -> list[list]:
    """Each batch as [(dtype name, shape, values), ...], comparable across libraries (a
    Python number stays itself)."""
    return [[(str(t.dtype).split(".")[1], tuple(t.shape), t.numpy().tolist())
             if hasattr(t, "dtype") else t for t in batch] for batch in batches]


def epochs(loader, count: int = 2) -> list:
    out = []
    for _ in range(count):
        batches = list(loader)
        assert all(isinstance(batch, list) for batch in batches)  # tuples collate to lists
        out.extend(batches)
    return out


LOADERS = [dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=4),
           dict(batch_size=10), dict(batch_size=1), dict(batch_size=64)]


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("options", LOADERS)
def test_batch_fetch_gives_the_per_sample_batches(options: dict, shuffle: bool) -> None:
    data = tensor_dataset(teachgrad)

    def loader(dataset):
        return DataLoader(dataset, shuffle=shuffle, **options,
                          generator=teachgrad.Generator().manual_seed(5))

    fast, reference = epochs(loader(data)), epochs(loader(OnlyGetitem(data)))
    assert as_numpy(fast) == as_numpy(reference)
    assert all(t.grad_fn is None and not t.requires_grad for batch in fast for t in batch)
    assert len(fast[-1][0]) == (10 % options["batch_size"] if 10 % options["batch_size"]
                                and not options.get("drop_last") else options["batch_size"])


@pytest.mark.parametrize("shuffle", [False, True])
def test_random_split_subsets_fetch_the_per_sample_batches(shuffle: bool) -> None:
    data = tensor_dataset(teachgrad, 11)
    train, _ = random_split(data, [7, 4], generator=teachgrad.Generator().manual_seed(2))
    reference = Subset(OnlyGetitem(data), train.indices)

    def loader(dataset):
        return DataLoader(dataset, batch_size=3, shuffle=shuffle,
                          generator=teachgrad.Generator().manual_seed(4))

    assert as_numpy(epochs(loader(train))) == as_numpy(epochs(loader(reference)))


class Counting:
    """A dataset of lib that logs every call: ('item', i) or ('items', [i, ...])."""

    def __init__(self, lib, batched: bool, n: int = 7) -> None:
        self.lib, self.n, self.calls = lib, n, []
        if batched:
            self.__getitems__ = self.getitems

    def __getitem__(self, index: int):
        self.calls.append(("item", index))
        return self.lib.tensor([float(index)]), index

    def getitems(self, indices: list) -> list:
        self.calls.append(("items", list(indices)))
        return [(self.lib.tensor([float(i)]), i) for i in indices]

    def __len__(self) -> int:
        return self.n


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("options", [dict(batch_size=3), dict(batch_size=3, drop_last=True),
                                     dict(batch_size=None), dict(batch_size=7)])
@pytest.mark.parametrize("wrap", ["plain", "subset"])
def test_calls_per_batch_and_per_sample_match_torch(batched: bool, options: dict,
                                                    wrap: str) -> None:
    logs, loaded = [], []
    for lib in (teachgrad, torch):
        data = Counting(lib, batched)
        dataset = data if wrap == "plain" else lib.utils.data.Subset(data, [6, 0, 5, 1, 4, 2])
        batches = list(lib.utils.data.DataLoader(dataset, **options))
        logs.append(data.calls)
        loaded.append(as_numpy(batches))
    assert logs[0] == logs[1]
    assert loaded[0] == loaded[1]
    kinds = {kind for kind, _ in logs[0]}
    assert kinds == ({"items"} if batched and options["batch_size"] else {"item"})


@pytest.mark.parametrize("enabled", [True, False])
def test_fast_mode_fetches_a_batch_in_one_call_reference_mode_one_sample_at_a_time(
        enabled: bool) -> None:
    data, calls = tensor_dataset(teachgrad), []
    with speed_ups(enabled), pytest.MonkeyPatch.context() as patch:
        getitem, getitems = TensorDataset.__getitem__, TensorDataset.__getitems__
        patch.setattr(TensorDataset, "__getitem__",
                      lambda self, index: calls.append(index) or getitem(self, index))
        if getitems:
            patch.setattr(TensorDataset, "__getitems__",
                          lambda self, indices: calls.append(list(indices))
                          or getitems(self, indices))
        batches = list(DataLoader(data, batch_size=4))
    assert calls == ([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]] if enabled else list(range(10)))
    assert [b[1].tolist() for b in batches] == [[0, 11, 22, 30], [41, 52, 60, 71], [82, 90]]


def test_reference_mode_has_no_batch_fetch_and_the_reference_collate() -> None:
    with speed_ups(False):
        assert not getattr(tensor_dataset(teachgrad), "__getitems__", None)
        reference = data_module.default_collate
        assert reference.__module__ == "teachgrad.utils.data"
    with speed_ups(True):
        assert getattr(tensor_dataset(teachgrad), "__getitems__", None)
        assert data_module.default_collate is fast_batches.default_collate
        # What lesson 09 prints is still the reading path's default_collate.
        assert inspect.getsource(data_module.default_collate) == inspect.getsource(reference)


@pytest.mark.parametrize("built_in", [True, False])
@pytest.mark.parametrize("wrap", ["plain", "random_split", "requires_grad"])
@pytest.mark.parametrize("options", [dict(batch_size=3), dict(batch_size=4, drop_last=True),
                                     dict(batch_size=64), dict(batch_size=None)])
def test_one_loader_gives_bit_identical_batches_in_both_modes(built_in: bool, wrap: str,
                                                              options: dict) -> None:
    """The same DataLoader (built in either mode) iterated with and without the speed-ups:
    the same batch structure, dtypes, shapes and values, bit for bit."""
    data = tensor_dataset(teachgrad, 11)
    if wrap == "random_split":
        data, _ = random_split(data, [8, 3], generator=teachgrad.Generator().manual_seed(3))
    elif wrap == "requires_grad":
        data = TensorDataset(teachgrad.randn(11, 3, requires_grad=True), teachgrad.arange(11))
    generator = teachgrad.Generator()
    with speed_ups(built_in):
        loader = DataLoader(data, shuffle=True, generator=generator, **options)
    runs = []
    for enabled in (True, False):
        generator.manual_seed(7)
        with speed_ups(enabled):
            loaded = epochs(loader)
        runs.append([[(type(t.grad_fn).__name__, t.dtype, t.shape, t.detach().numpy().tobytes())
                      for t in batch] for batch in loaded])
    assert runs[0] == runs[1]


@pytest.mark.parametrize("options", LOADERS)
def test_batches_match_torch_in_order(options: dict) -> None:
    """torch's and teachgrad's generators draw different permutations, so the shuffled
    order is given to both as the same sampler."""
    order = [7, 2, 9, 0, 4, 1, 8, 3, 6, 5]
    for sampler in (None, order):
        ours = DataLoader(tensor_dataset(teachgrad), sampler=sampler, **options)
        theirs = torch.utils.data.DataLoader(tensor_dataset(torch), sampler=sampler, **options)
        assert as_numpy(epochs(ours)) == as_numpy(epochs(theirs))


def test_random_split_subset_batches_match_torch() -> None:
    ours = Subset(tensor_dataset(teachgrad, 11), [9, 3, 0, 10, 4, 7, 1])
    theirs = torch.utils.data.Subset(tensor_dataset(torch, 11), [9, 3, 0, 10, 4, 7, 1])
    assert as_numpy(epochs(DataLoader(ours, batch_size=3))) == as_numpy(
        epochs(torch.utils.data.DataLoader(theirs, batch_size=3)))


def test_a_custom_collate_fn_sees_the_samples_torch_gives_it() -> None:
    def describe(batch) -> list:
        pairs = [(x.numpy().tolist(), int(y.item())) for x, y, _, _ in batch]
        columns = [len(column) for column in zip(*batch)]
        return [len(batch), pairs, columns, [y.item() for _, y, _, _ in batch[1:]],
                [y.item() for _, y, _, _ in reversed(batch)]]

    order = [3, 8, 1, 6, 0, 9, 2, 7, 4, 5]
    ours = DataLoader(tensor_dataset(teachgrad), batch_size=4, sampler=order,
                      collate_fn=describe)
    theirs = torch.utils.data.DataLoader(tensor_dataset(torch), batch_size=4, sampler=order,
                                         collate_fn=describe)
    assert list(ours) == list(theirs)


def test_a_dataset_that_requires_grad_collates_through_stack_as_torch() -> None:
    batches = []
    for lib in (teachgrad, torch):
        data = lib.utils.data.TensorDataset(lib.ones(5, 2, requires_grad=True), lib.arange(5))
        batches.append(next(iter(lib.utils.data.DataLoader(data, batch_size=2))))
    assert type(batches[0][0].grad_fn).__name__ == batches[1][0].grad_fn.name()


def test_a_subset_subclass_that_overrides_only_getitem_raises_as_torch() -> None:
    errors = []
    for lib in (teachgrad, torch):
        class Doubled(lib.utils.data.Subset):
            def __getitem__(self, index):
                return 2 * super().__getitem__(index)

        with pytest.raises(NotImplementedError) as error:
            Doubled([1, 2, 3], [0, 1])
        errors.append(str(error.value))

        class DoubledBoth(Doubled):
            def __getitems__(self, indices):
                return [self[i] for i in indices]

        assert list(lib.utils.data.DataLoader(DoubledBoth([1, 2, 3], [2, 0]),
                                              batch_size=2))[0].tolist() == [6, 2]
    assert errors[0] == errors[1]


def test_a_batch_sampler_of_tuples_or_tensors_fetches_the_per_sample_batches() -> None:
    """A custom batch_sampler may yield any sequence of indices: a tuple must not turn into
    a multi-dimensional index."""
    data = tensor_dataset(teachgrad)
    plans = [[(4, 1), (0,)], [teachgrad.tensor([4, 1]), teachgrad.tensor([7, 0, 2])],
             [[3, 5], [9]]]
    for plan in plans:
        fast = DataLoader(data, batch_sampler=plan)
        reference = DataLoader(OnlyGetitem(data), batch_sampler=plan)
        assert as_numpy(fast) == as_numpy(reference)
