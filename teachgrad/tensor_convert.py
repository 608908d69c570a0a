"""Tensor methods that move a tensor to another device or convert it to another dtype.

`x.to(...)` reads its arguments the way torch does (a device, a dtype, both, or a
tensor to match) and returns `x` itself when nothing changes, otherwise a copy that
autograd records (teachgrad/ops/convert.py). The rest are torch's shorthands for it:
`x.cuda()`, `x.float()`, `x.long()`, `x.type_as(y)`... teachgrad/methods.py attaches
each function here to Tensor under torch's name.
"""

from __future__ import annotations

from typing import Any

from teachgrad import dtypes
from teachgrad.device import as_device
from teachgrad.tensor import Tensor


def parse_to_args(args: tuple, kwargs: dict) -> tuple[Any, Any]:
    """The (device, dtype) that to(...) asks for, None for what it leaves alone.

    Shared by Tensor.to and Module.to.
    """
    target_device = kwargs.get("device")
    target_dtype = kwargs.get("dtype")
    for arg in args:
        if isinstance(arg, Tensor):
            target_device, target_dtype = arg.device, arg.dtype
        elif isinstance(arg, dtypes.dtype) or arg in (float, int, bool):
            target_dtype = dtypes.to_dtype(arg)  # x.to(float) means float64, as in torch
        elif arg is not None:
            target_device = arg
    return (as_device(target_device) if target_device is not None else None), target_dtype


def to(x: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """to(device), to(dtype), to(device, dtype), to(other_tensor): a copy only if needed."""
    target_device, target_dtype = parse_to_args(args, kwargs)
    from teachgrad.ops.convert import to_copy

    return to_copy(x, target_device, target_dtype, kwargs.get("copy", False))


def cpu(x: Tensor) -> Tensor:
    return x.to("cpu")


def cuda(x: Tensor, device: Any = None) -> Tensor:
    return x.to(as_device(device if device is not None else "cuda:0"))


# x.float(), x.double(), ...: the names torch gives these dtypes.
def as_float32(x: Tensor) -> Tensor:
    return x.to(dtypes.float32)


def as_float64(x: Tensor) -> Tensor:
    return x.to(dtypes.float64)


def as_float16(x: Tensor) -> Tensor:
    return x.to(dtypes.float16)


def as_int64(x: Tensor) -> Tensor:
    return x.to(dtypes.int64)


def as_int32(x: Tensor) -> Tensor:
    return x.to(dtypes.int32)


def as_int16(x: Tensor) -> Tensor:
    return x.to(dtypes.int16)


def as_bool(x: Tensor) -> Tensor:
    return x.to(dtypes.bool)


def as_uint8(x: Tensor) -> Tensor:
    return x.to(dtypes.uint8)


def type_as(x: Tensor, other: Tensor) -> Tensor:
    return x.to(other.dtype)


def legacy_type(x: Tensor, dtype: Any = None) -> Any:
    """x.type(): the legacy type name ('teachgrad.FloatTensor'); x.type(dtype): x.to(dtype)."""
    if dtype is None:
        return f"teachgrad.{dtypes.legacy_type_name(x.dtype)}"
    return x.to(dtypes.to_dtype(dtype))


def is_floating_point(x: Tensor) -> bool:
    return x._array.dtype.kind == "f"
