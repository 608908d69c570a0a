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
from teachgrad.size_arguments import size_given
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


def new_tensor(x: Tensor, data: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    from teachgrad.creation import tensor

    return tensor(data, dtype=dtype or x.dtype, device=device or x.device,
                  requires_grad=requires_grad)


# torch's signature is new_zeros(size, *, dtype, device, requires_grad): the sizes may
# come one by one, as a sequence, or as size=.
def new_zeros(x: Tensor, *sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return _new_filled(x, size_given(sizes, size, "new_zeros"), 0, dtype, device, requires_grad)


def new_ones(x: Tensor, *sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    return _new_filled(x, size_given(sizes, size, "new_ones"), 1, dtype, device, requires_grad)


def new_empty(x: Tensor, *sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return _new_filled(x, size_given(sizes, size, "new_empty"), 0, dtype, device, requires_grad)


def new_full(x: Tensor, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    return _new_filled(x, (size,), fill_value, dtype, device, requires_grad)


def _new_filled(x: Tensor, sizes: tuple, value: Any, dtype: Any, device: Any,
                requires_grad: bool) -> Tensor:
    from teachgrad.creation import full

    return full(sizes[0] if len(sizes) == 1 and not isinstance(sizes[0], int) else sizes,
                value, dtype=x.dtype if dtype is None else dtype,
                device=x.device if device is None else device, requires_grad=requires_grad)
