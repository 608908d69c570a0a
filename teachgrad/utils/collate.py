"""Collating beyond the core: NumPy values, strings, dicts, namedtuples; default_convert.

default_collate (data.py) stacks tensors and Python numbers and collates tuples and
lists field by field; for the other values torch's default_collate takes, it calls
these, passing itself so that the fields inside are collated by the same function
(the one teachgrad.fast may have swapped in).
"""

from __future__ import annotations

import collections.abc
import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from teachgrad.creation import as_tensor

ERROR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
         "found {}")


def is_numpy(elem: Any) -> bool:
    """A NumPy array or scalar (np.float64 is also a float: this is asked first)."""
    return isinstance(elem, (np.ndarray, np.bool_, np.number))


def numpy_batch(batch: list, collate: Callable[[list], Any]) -> Any:
    """Arrays become tensors, then are collated as tensors; scalars become one tensor."""
    elem = batch[0]
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "SUO":
            raise TypeError(ERROR.format(elem.dtype))
        return collate([as_tensor(b) for b in batch])
    return as_tensor(np.array(batch))


def keeps_its_type(elem: Any) -> bool:
    """Strings, mappings and namedtuples: their batches keep the samples' own type."""
    return (isinstance(elem, (str, bytes, collections.abc.Mapping))
            or isinstance(elem, tuple) and hasattr(elem, "_fields"))


def same_type_batch(batch: list, collate: Callable[[list], Any]) -> Any:
    """Strings stay the list they are; a mapping is collated key by key (into a copy of a
    mutable mapping, else a dict), a namedtuple field by field into its own type."""
    elem = batch[0]
    if isinstance(elem, (str, bytes)):
        return batch
    if not isinstance(elem, collections.abc.Mapping):  # a namedtuple
        return type(elem)(*(collate(list(field)) for field in zip(*batch)))
    collated = {key: collate([sample[key] for sample in batch]) for key in elem}
    if isinstance(elem, collections.abc.MutableMapping):
        clone = copy.copy(elem)
        clone.update(collated)
        return clone
    return collated


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
