"""New tensors through Tensor itself: torch's legacy constructor, and x.new_zeros(...).

`Tensor(2, 3)` and `Tensor([1.0, 2.0])` are how old code makes tensors; new code calls
teachgrad.tensor(...), which infers the dtype (teachgrad/creation.py). `x.new_zeros`
and its siblings make a tensor with x's dtype and device. teachgrad/methods.py
attaches each function here to Tensor (legacy_init as Tensor.__init__).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachgrad import dtypes
from teachgrad.device import array_module
from teachgrad.tensor import Tensor, _init_slots


def legacy_init(x: Tensor, *args: Any, **kwargs: Any) -> None:
    """Tensor(2, 3): an uninitialised 2x3 float tensor; Tensor([1, 2]): a copy of the data.

    Ops never come here: they wrap their results with Tensor._make.
    """
    from teachgrad.creation import _array_from_data

    if len(args) == 1 and not isinstance(args[0], int):
        array = _array_from_data(args[0], dtypes.get_default_dtype(), None)
    else:
        sizes = args[0] if len(args) == 1 and isinstance(args[0], tuple) else args
        array = np.zeros(sizes, dtypes.get_default_dtype().numpy_dtype)
    _init_slots(x, array)
    if kwargs.get("requires_grad"):
        x.requires_grad = True


def new_tensor(x: Tensor, data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    from teachgrad.creation import tensor

    return tensor(data, dtype=dtype or x.dtype, device=x.device, requires_grad=requires_grad)


def new_zeros(x: Tensor, *size: Any, dtype: Any = None) -> Tensor:
    return _new_filled(x, size, 0, dtype)


def new_ones(x: Tensor, *size: Any, dtype: Any = None) -> Tensor:
    return _new_filled(x, size, 1, dtype)


def new_full(x: Tensor, size: Any, fill_value: Any, dtype: Any = None) -> Tensor:
    return _new_filled(x, (size,), fill_value, dtype)


def new_empty(x: Tensor, *size: Any, dtype: Any = None) -> Tensor:
    return _new_filled(x, size, 0, dtype)


def _new_filled(x: Tensor, size: tuple, value: Any, dtype: Any) -> Tensor:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    numpy_dtype = x._array.dtype if dtype is None else dtypes.to_dtype(dtype).numpy_dtype
    xp = array_module(x._array)
    return Tensor._make(xp.full(size, value, numpy_dtype))
