"""Datasets and the DataLoader that cuts them into (shuffled) mini-batches (torch.utils.data).

A Dataset answers two questions: how many samples (len) and what is sample i
(dataset[i]). A DataLoader asks a sampler for the order of the indices (samplers are
in sampler.py), groups them into batches of batch_size, fetches the samples and
*collates* them: a list of (image, label) pairs becomes one tensor of images and one
tensor of labels.

A dataset may also answer "what are the samples at these indices" in one call,
dataset.__getitems__(indices), as in torch: the DataLoader then fetches each batch
with that call instead of one dataset[i] per sample (Subset, in subsets.py, passes
the call on to its dataset; teachgrad.fast gives TensorDataset one, in
fast/batches.py).
"""

from __future__ import annotations

import collections.abc
import copy
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from teachgrad import dtypes
from teachgrad.creation import as_tensor, tensor
from teachgrad.ops.joining import stack
from teachgrad.random import Generator
from teachgrad.tensor import Tensor
from teachgrad.utils.sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = [
    "BatchSampler", "ConcatDataset", "DataLoader", "Dataset", "RandomSampler",
    "SequentialSampler", "Subset", "TensorDataset", "default_collate", "default_convert",
    "random_split",
]


# ---------------------------------------------------------------- datasets


class Dataset:
    """Subclass and define __getitem__ (and __len__) to make any data loadable."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """Sample i is (tensors[0][i], tensors[1][i], ...): e.g. TensorDataset(images, labels)."""

    def __init__(self, *tensors: Tensor) -> None:
        sizes = [t.size(0) for t in tensors]
        if any(size != sizes[0] for size in sizes):
            raise AssertionError(
                f"Size mismatch between tensors: their first dimensions are {sizes}; every "
                "tensor needs one entry per sample."
            )
        self.tensors = tensors

    def __getitem__(self, index: int) -> tuple:
        return tuple(t[index] for t in self.tensors)

    # No batch fetch here: the DataLoader asks for one sample at a time. teachgrad.fast
    # swaps in one that indexes each tensor once per batch (fast/batches.py).
    __getitems__ = None

    def __len__(self) -> int:
        return self.tensors[0].size(0)


# ---------------------------------------------------------------- collating


def default_collate(batch: list) -> Any:
    """Stack a list of samples into a batch, keeping the samples' structure.

    tensors -> one stacked tensor; NumPy arrays -> stacked tensor; floats -> float64
    tensor; ints -> int64 tensor; strings stay a list; dicts, tuples and lists are
    collated field by field (tuples become lists, as in torch).
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "SUO":
            raise TypeError(_COLLATE_ERROR.format(elem.dtype))
        return default_collate([as_tensor(b) for b in batch])
    if isinstance(elem, (np.bool_, np.number)):
        return as_tensor(np.array(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=dtypes.float64)
    if isinstance(elem, int):
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([sample[key] for sample in batch]) for key in elem}
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(collated)
            return clone
        return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple keeps its type
        return type(elem)(*(default_collate(list(field)) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(field)) for field in zip(*batch)]
    raise TypeError(_COLLATE_ERROR.format(type(elem)))


_COLLATE_ERROR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
                  "lists; found {}")


def default_convert(data: Any) -> Any:
    """What a DataLoader without batching (batch_size=None) does to each sample: NumPy
    values become tensors, containers are converted inside (tuples become lists)."""
    if isinstance(data, np.ndarray):
        return as_tensor(data) if data.dtype.kind not in "SUO" else data
    if isinstance(data, (np.bool_, np.number)):
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return {key: default_convert(value) for key, value in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(item) for item in data))
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(item) for item in data]
    return data


# ---------------------------------------------------------------- loader


class DataLoader:
    """Iterate over a dataset in mini-batches.

    for images, labels in DataLoader(dataset, batch_size=64, shuffle=True): ...

    shuffle=True draws a new order every epoch (pass generator= for a stream of its
    own); drop_last=True skips a last, smaller batch. Samples are loaded in this
    process: num_workers is accepted for compatibility and changes nothing.
    """

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Iterable | None = None, batch_sampler: Iterable | None = None,
                 num_workers: int = 0, collate_fn: Callable | None = None,
                 pin_memory: bool = False, drop_last: bool = False,
                 generator: Generator | None = None, **unused: Any) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 "
                             "to disable multiprocessing.")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if shuffle \
                else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.generator = generator
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


# Datasets made from other datasets (Subset, ConcatDataset, random_split) live in
# subsets.py; imported last because they subclass Dataset.
from teachgrad.utils.subsets import ConcatDataset, Subset, random_split  # noqa: E402
