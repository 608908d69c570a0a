"""Samplers: the order in which a DataLoader visits a dataset (torch.utils.data.sampler)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sized

from teachgrad.creation import randint, randperm
from teachgrad.random import Generator
from teachgrad.utils.data_checks import check_batch_size, check_num_samples

__all__ = ["BatchSampler", "RandomSampler", "SequentialSampler"]

class SequentialSampler:
    """Indices 0, 1, 2, ... in order."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler:
    """A new random order every epoch, from `generator` or the default one (manual_seed)."""

    def __init__(self, data_source: Sized, replacement: bool = False,
                 num_samples: int | None = None, generator: Generator | None = None) -> None:
        self.data_source, self.replacement = data_source, replacement
        self._num_samples, self.generator = num_samples, generator
        check_num_samples(self.num_samples)

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
        check_batch_size(batch_size)
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

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
        full, rest = divmod(len(self.sampler), self.batch_size)
        return full if self.drop_last or not rest else full + 1
