"""Datasets, and the DataLoader that serves them in (shuffled) mini-batches (torch.utils.data)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from teachgrad import dtypes
from teachgrad.creation import tensor
from teachgrad.ops.joining import stack
from teachgrad.random import Generator
from teachgrad.tensor import Tensor
from teachgrad.utils import collate
from teachgrad.utils.collate import default_convert
from teachgrad.utils.data_checks import check_loader_options, check_sizes
from teachgrad.utils.sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["BatchSampler", "ConcatDataset", "DataLoader", "Dataset", "RandomSampler",
           "SequentialSampler", "Subset", "TensorDataset", "default_collate", "default_convert",
           "random_split"]


class Dataset:
    """Subclass and define __getitem__ (and __len__) to make any data loadable."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """Sample i is (tensors[0][i], tensors[1][i], ...): e.g. TensorDataset(images, labels)."""

    def __init__(self, *tensors: Tensor) -> None:
        check_sizes(tensors)  # one entry per sample in each
        self.tensors = tensors

    def __getitem__(self, index: int) -> tuple:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].size(0)


def default_collate(batch: list) -> Any:
    """Stack a list of samples into one batch of the same structure: tensors are stacked,
    Python numbers become a tensor, tuples and lists are collated field by field."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if collate.is_numpy(elem):  # arrays and NumPy scalars (np.float64 is a float too)
        return collate.numpy_batch(batch, default_collate)
    if isinstance(elem, float):
        return tensor(batch, dtype=dtypes.float64)
    if isinstance(elem, int):
        return tensor(batch)
    if collate.keeps_its_type(elem):  # strings, dicts, namedtuples
        return collate.same_type_batch(batch, default_collate)
    if isinstance(elem, Sequence):  # e.g. (image, label) pairs: field by field, into a list
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(field)) for field in zip(*batch)]
    raise TypeError(collate.ERROR.format(type(elem)))


class DataLoader:
    """Iterate over a dataset in mini-batches: for x, y in DataLoader(data, batch_size=64).

    Samples load in this process: num_workers is accepted and changes nothing."""

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Iterable | None = None, batch_sampler: Iterable | None = None,
                 num_workers: int = 0, collate_fn: Callable | None = None,
                 pin_memory: bool = False, drop_last: bool = False,
                 generator: Generator | None = None, **unused: Any) -> None:
        check_loader_options(batch_size, shuffle, sampler, batch_sampler, num_workers, drop_last)
        if batch_sampler is not None:  # it makes the batches: no batch_size, no drop_last
            batch_size, drop_last = None, False
        if sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if shuffle \
                else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset, self.sampler, self.batch_sampler = dataset, sampler, batch_sampler
        self.batch_size, self.drop_last = batch_size, drop_last
        self.num_workers, self.generator = num_workers, generator
        # batch_size=None turns batching off: each sample is only converted (collate.py).
        self.collate_fn = collate_fn or (default_collate if batch_sampler is not None
                                         else default_convert)

    def __iter__(self) -> Iterator[Any]:
        if self.batch_sampler is None:  # no batching: one sample at a time
            for index in self.sampler:
                yield self.collate_fn(self.dataset[index])
            return
        for indices in self.batch_sampler:
            if getattr(self.dataset, "__getitems__", None):  # the whole batch in one call
                samples = self.dataset.__getitems__(indices)
            else:  # one sample at a time: works for any dataset
                samples = [self.dataset[index] for index in indices]
            yield self.collate_fn(samples)

    def __len__(self) -> int:
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)


# Subset, ConcatDataset, random_split (subsets.py) subclass Dataset, so come last.
from teachgrad.utils.subsets import ConcatDataset, Subset, random_split  # noqa: E402
