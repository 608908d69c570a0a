"""The argument checks of TensorDataset, DataLoader and the samplers, with torch's errors.

data.py and sampler.py call these first, before they keep or build anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def check_sizes(tensors: tuple) -> None:
    """TensorDataset's tensors must have one entry per sample: the same first dimension."""
    sizes = [t.size(0) for t in tensors]
    if any(size != sizes[0] for size in sizes):
        raise AssertionError(
            f"Size mismatch between tensors: their first dimensions are {sizes}; every "
            "tensor needs one entry per sample."
        )


def check_loader_options(batch_size: int | None, shuffle: bool | None,
                         sampler: Iterable | None, batch_sampler: Iterable | None,
                         num_workers: int, drop_last: bool) -> None:
    """Raise torch's ValueError for the DataLoader options that exclude each other."""
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use num_workers=0 "
                         "to disable multiprocessing.")
    if sampler is not None and shuffle:
        raise ValueError("sampler option is mutually exclusive with shuffle")
    if batch_sampler is not None:
        if batch_size != 1 or shuffle or sampler is not None or drop_last:
            raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                             "shuffle, sampler, and drop_last")
    elif batch_size is None and drop_last:
        raise ValueError("batch_size=None option disables auto-batching and is mutually "
                         "exclusive with drop_last")


def check_num_samples(num_samples: Any) -> None:
    """RandomSampler draws a positive whole number of indices per epoch."""
    if not isinstance(num_samples, int) or num_samples <= 0:
        raise ValueError(f"num_samples should be a positive integer value, but got "
                         f"num_samples={num_samples}")


def check_batch_size(batch_size: Any) -> None:
    """BatchSampler's batch_size: a positive int (not a bool, which is an int too)."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
        raise ValueError(f"batch_size should be a positive integer value, but got "
                         f"batch_size={batch_size}")
