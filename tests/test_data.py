"""teachgrad.utils.data and teachgrad.datasets, against torch.utils.data where torch defines
the behaviour (collation, batching, lengths, errors)."""

from __future__ import annotations

import builtins
import sys
from collections import namedtuple

import numpy as np
import pytest

import teachgrad
from teachgrad.utils.data import (
    DataLoader,
    Dataset,
    RandomSampler,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)

torch = pytest.importorskip("torch", reason="torch is the oracle")

Point = namedtuple("Point", ["x", "y"])


def same(ours, theirs) -> None:
    """Recursively: the same structure, types and values."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, teachgrad.Tensor)
        assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs)
        for key in theirs:
            same(ours[key], theirs[key])
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            same(a, b)
    else:
        assert ours == theirs


SAMPLES = [
    lambda lib: [lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])],
    lambda lib: [1.5, 2.5, 3.0],
    lambda lib: [1, 2, 3],
    lambda lib: [True, False],
    lambda lib: ["a", "b"],
    lambda lib: [np.ones((2, 2), dtype="float32"), np.zeros((2, 2), dtype="float32")],
    lambda lib: [np.float64(1.5), np.float64(2.0)],
    lambda lib: [np.int32(3), np.int32(4)],
    lambda lib: [(lib.tensor([1.0]), 0), (lib.tensor([2.0]), 1)],
    lambda lib: [[lib.tensor(1.0), 2.0], [lib.tensor(3.0), 4.0]],
    lambda lib: [{"image": lib.ones(2), "label": 3}, {"image": lib.zeros(2), "label": 5}],
    lambda lib: [Point(1.0, lib.tensor([1])), Point(2.0, lib.tensor([2]))],
]


@pytest.mark.parametrize("make", SAMPLES)
def test_default_collate_matches_torch(make) -> None:
    same(default_collate(make(teachgrad)), torch.utils.data.default_collate(make(torch)))


@pytest.mark.parametrize("batch", [[(1, 2), (3,)], [object(), object()]])
def test_default_collate_errors_match_torch(batch) -> None:
    with pytest.raises(Exception) as expected:
        torch.utils.data.default_collate(batch)
    with pytest.raises(type(expected.value)) as error:
        default_collate(batch)
    assert str(error.value).split(";")[0] == str(expected.value).split(";")[0]


def datasets(n: int = 10):
    features = np.arange(n * 3, dtype="float32").reshape(n, 3)
    labels = np.arange(n) % 3
    return (TensorDataset(teachgrad.tensor(features), teachgrad.tensor(labels)),
            torch.utils.data.TensorDataset(torch.tensor(features), torch.tensor(labels)))


@pytest.mark.parametrize("batch_size, drop_last", [(1, False), (3, False), (3, True),
                                                   (10, False), (4, True), (None, False)])
def test_sequential_batches_match_torch(batch_size, drop_last: bool) -> None:
    ours_data, theirs_data = datasets()
    ours = DataLoader(ours_data, batch_size=batch_size, drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(theirs_data, batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs)
    ours_batches, theirs_batches = list(ours), list(theirs)
    assert len(ours_batches) == len(theirs_batches)
    for a, b in zip(ours_batches, theirs_batches):
        same(a, b)


def test_shuffle_is_a_permutation_reproducible_with_a_seeded_generator() -> None:
    data, _ = datasets(20)

    def first_column(loader) -> list:
        return [row for features, _ in loader for row in features[:, 0].tolist()]

    first = DataLoader(data, batch_size=6, shuffle=True,
                       generator=teachgrad.Generator().manual_seed(7))
    second = DataLoader(data, batch_size=6, shuffle=True,
                        generator=teachgrad.Generator().manual_seed(7))
    epochs = [first_column(first) for _ in range(2)]
    assert epochs == [first_column(second) for _ in range(2)]
    assert epochs[0] != epochs[1]  # a new order every epoch
    assert sorted(epochs[0]) == sorted(range(0, 60, 3))  # every sample exactly once
    assert epochs[0] != sorted(epochs[0])
    teachgrad.manual_seed(3)
    unseeded = first_column(DataLoader(data, batch_size=5, shuffle=True))
    teachgrad.manual_seed(3)
    assert first_column(DataLoader(data, batch_size=5, shuffle=True)) == unseeded


def test_random_sampler_with_replacement() -> None:
    data, _ = datasets(5)
    sampler = RandomSampler(data, replacement=True, num_samples=50,
                            generator=teachgrad.Generator().manual_seed(1))
    drawn = list(sampler)
    assert len(drawn) == len(sampler) == 50 and set(drawn) <= set(range(5))


def test_random_split_sizes_and_fractions_match_torch() -> None:
    ours_data, theirs_data = datasets(11)
    first = random_split(ours_data, [3, 8], generator=teachgrad.Generator().manual_seed(0))
    again = random_split(ours_data, [3, 8], generator=teachgrad.Generator().manual_seed(0))
    assert [s.indices for s in first] == [s.indices for s in again]
    for lengths in ([3, 8], [0.5, 0.5], [0.2, 0.3, 0.5]):
        ours = random_split(ours_data, lengths, generator=teachgrad.Generator().manual_seed(0))
        theirs = torch.utils.data.random_split(theirs_data, lengths)
        assert [len(s) for s in ours] == [len(s) for s in theirs]
        indices = sorted(i for subset in ours for i in subset.indices)
        assert indices == list(range(11))
        assert all(isinstance(s, Subset) for s in ours)


def test_subset_and_concat_index_like_torch() -> None:
    ours_data, theirs_data = datasets(6)
    same(Subset(ours_data, [4, 1])[1], torch.utils.data.Subset(theirs_data, [4, 1])[1])
    ours, theirs = ours_data + ours_data, theirs_data + theirs_data
    assert len(ours) == len(theirs) == 12
    for index in (0, 7, -1):
        same(ours[index], theirs[index])


def test_every_name_torch_utils_data_exports_that_teachgrad_has_imports_the_same_way() -> None:
    """teachgrad.utils.data re-exports its samplers, as torch.utils.data does."""
    from teachgrad.utils import data, sampler

    ours = {"BatchSampler", "ConcatDataset", "DataLoader", "Dataset", "RandomSampler",
            "SequentialSampler", "Subset", "TensorDataset", "default_collate",
            "default_convert", "random_split"}
    assert ours <= set(torch.utils.data.__all__)
    assert set(data.__all__) == ours and all(hasattr(data, name) for name in ours)
    samplers = set(sampler.__all__)
    assert samplers == ours & set(torch.utils.data.sampler.__all__)
    assert all(getattr(data, name) is getattr(sampler, name) for name in samplers)


ERRORS = [
    lambda lib: lib.utils.data.TensorDataset(lib.ones(3), lib.ones(4)),
    lambda lib: lib.utils.data.DataLoader([1, 2], sampler=[0, 1], shuffle=True),
    lambda lib: lib.utils.data.DataLoader([1, 2], batch_size=0),
    lambda lib: lib.utils.data.DataLoader([1, 2], batch_size=None, drop_last=True),
    lambda lib: lib.utils.data.random_split([1, 2, 3], [1, 1]),
    lambda lib: lib.utils.data.Dataset()[0],
]


@pytest.mark.parametrize("call", ERRORS)
def test_misuse_raises_torchs_errors(call) -> None:
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(type(expected.value)) as error:
        call(teachgrad)
    assert str(error.value).startswith(str(expected.value).split(" (")[0].split("!")[0])


def test_a_custom_dataset_of_dicts_loads_in_batches() -> None:
    class Squares(Dataset):
        def __len__(self) -> int:
            return 7

        def __getitem__(self, index: int) -> dict:
            return {"x": teachgrad.tensor([float(index)]), "y": index * index}

    batches = list(DataLoader(Squares(), batch_size=3))
    assert [b["y"].tolist() for b in batches] == [[0, 1, 4], [9, 16, 25], [36]]
    assert batches[0]["x"].shape == (3, 1)


def test_load_digits_gives_a_seeded_tensor_split() -> None:
    pytest.importorskip("sklearn")
    from teachgrad.datasets import load_digits

    split = load_digits(test_fraction=0.25, seed=1)
    assert split.x_train.shape == (1348, 1, 8, 8) and split.x_test.shape == (449, 1, 8, 8)
    assert split.x_train.dtype == teachgrad.float32 and split.y_train.dtype == teachgrad.int64
    assert 0.0 <= split.x_train.min().item() and split.x_train.max().item() <= 1.0
    assert set(split.y_train.tolist()) == set(range(10))
    again = load_digits(test_fraction=0.25, seed=1)
    np.testing.assert_array_equal(again.y_test.numpy(), split.y_test.numpy())
    other = load_digits(test_fraction=0.25, seed=2)
    assert other.y_test.tolist() != split.y_test.tolist()


def test_load_digits_without_scikit_learn_names_the_extra(monkeypatch) -> None:
    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError("No module named 'sklearn'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    monkeypatch.delitem(sys.modules, "sklearn.datasets", raising=False)
    from teachgrad.datasets import load_digits

    with pytest.raises(ModuleNotFoundError, match=r'pip install "teachgrad\[datasets\]"'):
        load_digits()


def test_importing_teachgrad_does_not_import_scikit_learn() -> None:
    import subprocess

    code = "import sys, teachgrad; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
