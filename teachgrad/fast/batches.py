"""A TensorDataset batch fetched in one call, and default_collate taking it as it is.

The reference (teachgrad/utils/data.py) fetches a batch one sample at a time:
dataset[i] for each index, a tuple of small tensors per sample, then default_collate
stacks each field. For a TensorDataset that indexes every tensor once per sample and
stacks the pieces back together. Here TensorDataset.__getitems__ (the batch fetch the
DataLoader looks for, as torch's does) indexes each tensor once with the whole list of
indices, and default_collate hands those tensors on without stacking: the same batches,
bit for bit (tests/test_data_batches.py runs one loader in both modes).

What it buys, measured by `python bench/train_loop.py` (1,797 digits, batch 64, shuffle,
two epochs, one thread; three runs on a loaded 2-core machine; fast mode, against its
line for a dataset with __getitem__ only): the DataLoader alone 18-25x faster (2.7-3.7 ms
instead of 48-94 ms per two epochs; 0.11-0.15x torch's time instead of 2.6-2.7x), the
whole training loop, an MLP with Adam, about 2x faster (0.7-1.0x torch's time instead
of 1.4-1.9x).
"""

from __future__ import annotations

import collections.abc
import functools
from typing import Any

from teachgrad.utils import data

_reference_collate = data.default_collate


class SampleBatch(collections.abc.Sequence):
    """Samples kept as one tensor per field (what fetch_batch returns).

    It reads as the list of per-sample tuples it stands for, so a custom collate_fn
    gets the samples it expects; default_collate takes the fields as they are.
    """

    def __init__(self, fields: tuple) -> None:
        self.fields = fields

    def __len__(self) -> int:
        return len(self.fields[0])

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return tuple(field[index] for field in self.fields)


def fetch_batch(self: data.TensorDataset, indices: list) -> collections.abc.Sequence:
    """TensorDataset.__getitems__: each tensor indexed once with the whole list."""
    if not isinstance(indices, list) or any(t.requires_grad for t in self.tensors):
        return [self[index] for index in indices]  # e.g. to keep stack's grad_fn
    return SampleBatch(tuple(t[indices] for t in self.tensors))


# functools.wraps keeps the reference's name, docstring and source for help() and
# inspect.getsource (lesson 09 prints data.default_collate): this adds one case to it.
@functools.wraps(_reference_collate)
def default_collate(batch: Any) -> Any:
    if isinstance(batch, SampleBatch):  # fetch_batch's samples: already one tensor a field
        return list(batch.fields)
    return _reference_collate(batch)
