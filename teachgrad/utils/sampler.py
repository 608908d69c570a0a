"""Samplers: the order in which a DataLoader visits a dataset (torch.utils.data.sampler).

A sampler is any iterable of indices. SequentialSampler gives 0, 1, 2, ...;
RandomSampler a new permutation every epoch; BatchSampler groups another sampler's
indices into the lists the DataLoader fetches as batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from teachgrad.creation import randint, randperm
from teachgrad.random import Generator

__all__ = ["BatchSampler", "RandomSampler", "SequentialSampler"]


class SequentialSampler:
    """Indices 0, 1, 2, ... in order."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler:
    """Indices in a new random order every epoch, from `generator` (or teachgrad's seeded
    default generator): the same seed gives the same sequence of epochs."""

    def __init__(self, data_source: Any, replacement: bool = False,
                 num_samples: int | None = None, generator: Generator | None = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        size = len(self.data_source)
        if self.replacement:
            yield from randint(size, (self.num_samples,), generator=self.generator).tolist()
            return
        for _ in range(self.num_samples // size):
            yield from randperm(size, generator=self.generator).tolist()
        yield from randperm(size, generator=self.generator).tolist()[:self.num_samples % size]

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler:
    """Groups the indices of another sampler into lists of batch_size."""

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return -(-len(self.sampler) // self.batch_size)

