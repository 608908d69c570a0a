"""Making tensors: from data (tensor, as_tensor, from_numpy), filled (zeros, ones, full,
arange, linspace, eye) and random (rand, randn, randint, randperm), each with torch's
dtype=, device= and requires_grad= where torch takes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from teachgrad import dtypes
from teachgrad.device import as_device, module_for, move_array
from teachgrad.random import Generator, generator_for
from teachgrad.size_arguments import size_given
from teachgrad.tensor import Size, Tensor


def _sizes(size: Sequence[Any]) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    for length in size:
        if not isinstance(length, (int, np.integer)) or isinstance(length, bool):
            raise TypeError(
                f"size must be a sequence of ints, but got an element of type "
                f"{type(length).__name__}: {length!r}"
            )
        if length < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {length}: "
                               f"{list(size)}")
    return tuple(int(length) for length in size)


def _finish(array: Any, device: Any, requires_grad: bool) -> Tensor:
    if device is not None:
        array = move_array(array, as_device(device))
    tensor_out = Tensor._make(array)
    if requires_grad:
        tensor_out.requires_grad_(True)
    return tensor_out


def _numpy_dtype(dtype: Any, default: dtypes.dtype) -> np.dtype:
    return (default if dtype is None else dtypes.to_dtype(dtype)).numpy_dtype


# ---------------------------------------------------------------- from data


def _plain(data: Any) -> Any:
    """Nested lists may hold tensors (e.g. 0-dim ones): replace them by their values."""
    if isinstance(data, Tensor):
        return data._array if not data.is_cuda else data._array.get()
    if isinstance(data, (list, tuple)):
        return [_plain(item) for item in data]
    return data


def _array_from_data(data: Any, dtype: Any, device: Any) -> Any:
    """A fresh array holding `data`, with torch's dtype inference."""
    if isinstance(data, (np.ndarray, np.generic)):  # a NumPy scalar keeps its dtype too
        array = np.array(data, dtype=None if dtype is None else dtypes.to_dtype(dtype).numpy_dtype)
        dtypes.from_numpy_dtype(array.dtype)  # TypeError for dtypes torch does not have
        return array
    if isinstance(data, Tensor):
        array = data._array.copy()
        return array if dtype is None else array.astype(dtypes.to_dtype(dtype).numpy_dtype)
    if type(data).__module__.startswith("cupy"):
        return data.copy() if dtype is None else data.astype(dtypes.to_dtype(dtype).numpy_dtype)
    array = np.array(_plain(data))
    _check_int_range(data, array, None if dtype is None else dtypes.to_dtype(dtype))
    if dtype is not None:
        return array.astype(dtypes.to_dtype(dtype).numpy_dtype)
    kind = array.dtype.kind
    if kind == "f" or array.size == 0 and kind not in "biu":
        return array.astype(dtypes.get_default_dtype().numpy_dtype)
    if kind in "iu":
        return array.astype(np.int64)
    if kind == "b":
        return array
    raise TypeError(
        f"Could not infer dtype of {type(data).__name__}: teachgrad.tensor takes numbers, "
        "bools, nested lists of them, NumPy arrays or tensors"
    )


_INT64_RANGE = (-2**63, 2**63 - 1)


def _python_numbers(data: Any) -> Any:
    """The Python numbers in nested lists and tuples (bools, ints, floats), in order."""
    if isinstance(data, (list, tuple)):
        for item in data:
            yield from _python_numbers(item)
    elif isinstance(data, (int, float, complex)):
        yield data


def _check_int_range(data: Any, array: np.ndarray, target: dtypes.dtype | None) -> None:
    """torch's errors for Python ints that the (given or inferred) integer dtype cannot hold.

    NumPy would quietly make 2**63 a uint64 and then wrap it to -2**63, or make a list
    holding it floats; torch refuses: ValueError beyond int64, RuntimeError beyond a
    narrower integer dtype asked for.
    """
    if target is not None and (target.is_floating_point or target is dtypes.bool):
        return
    kind = array.dtype.kind
    if target is None and (kind in "ib" or kind == "f" and not (
            array.size and np.abs(array).max() >= 2.0**63)):
        return  # int64 (or bool, or floats of int64's size) as NumPy inferred them
    low, high = _INT64_RANGE
    if target is not None and kind in "ib":
        ints = array.reshape(-1) if array.size else ()
        values = (int(ints.min()), int(ints.max())) if len(ints) else ()
    else:
        numbers = list(_python_numbers(data))
        if target is None and any(isinstance(n, (float, complex)) for n in numbers):
            return  # a float among them: the tensor is floating, as torch infers
        values = [n for n in numbers if not isinstance(n, bool)]
    for value in values:
        if not low <= value <= high:
            raise ValueError(f"Overflow when unpacking long long: {value} does not fit in "
                             f"int64 (-2**63 to 2**63 - 1). Use a float: "
                             f"tensor({float(value)}).")
    if target is not None:
        info = np.iinfo(target.numpy_dtype)
        lowest = -(2**63) if target is dtypes.uint8 else int(info.min)  # (torch wraps -1)
        for value in values:
            if not lowest <= value <= int(info.max):
                raise RuntimeError(f"value cannot be converted to type {target.name} without "
                                   f"overflow: {value} is outside [{info.min}, {info.max}]")


def tensor(data: Any, *, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """A new tensor that copies `data`. Python floats become float32, ints int64."""
    array = _array_from_data(data, dtype, None)
    if device is None and type(array) is np.ndarray and as_device(None).type != "cpu":
        device = as_device(None)  # set_default_device's; data already on a GPU stays there
    return _finish(array, device, requires_grad)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like tensor(), but shares memory with a NumPy array or tensor when it can."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtypes.to_dtype(dtype).numpy_dtype
                                         == data.dtype):
        return _finish(data, device, False) if device is not None else from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor over the same memory: writing to one changes the other."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray)


# ---------------------------------------------------------------- filled


def full(size: Sequence[int], fill_value: Any, *, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = dtypes.scalar_dtype(fill_value)
    xp = module_for(as_device(device))
    numpy_dtype = _numpy_dtype(dtype, dtypes.float32)
    from teachgrad.ops.broadcast_shapes import fill_value_checked  # (imports Tensor)

    fill_value = fill_value_checked(fill_value, numpy_dtype)  # -2 wraps into uint8
    array = xp.full(_sizes((size,)), fill_value, numpy_dtype)
    return _finish(array, None, requires_grad)


def zeros(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    xp = module_for(as_device(device))
    shape = _sizes(size_given(sizes, size, "zeros"))
    array = xp.zeros(shape, _numpy_dtype(dtype, dtypes.get_default_dtype()))
    return _finish(array, None, requires_grad)


def ones(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    xp = module_for(as_device(device))
    shape = _sizes(size_given(sizes, size, "ones"))
    array = xp.ones(shape, _numpy_dtype(dtype, dtypes.get_default_dtype()))
    return _finish(array, None, requires_grad)


def empty(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    # Uninitialised memory would make lessons print different numbers on every run;
    # zeros cost next to nothing more.
    return zeros(*size_given(sizes, size, "empty"), dtype=dtype, device=device,
                 requires_grad=requires_grad)


def _like(input: Tensor, dtype: Any, device: Any) -> tuple:
    return (dtype if dtype is not None else input.dtype,
            device if device is not None else input.device)


def zeros_like(input: Tensor, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return zeros(input.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def ones_like(input: Tensor, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return ones(input.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def empty_like(input: Tensor, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    return zeros_like(input, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input: Tensor, fill_value: Any, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return full(input.shape, fill_value, dtype=dtype, device=device, requires_grad=requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(
            "upper bound and larger bound inconsistent with step sign: arange needs start < end "
            "for a positive step (or start > end for a negative one)"
        )
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = dtypes.get_default_dtype() if is_float else dtypes.int64
    xp = module_for(as_device(device))
    # Count the steps in float64 first, as torch does, then build in the target dtype.
    count = int(np.ceil((end - start) / step))
    values = start + xp.arange(count, dtype=np.float64) * step
    return _finish(values.astype(_numpy_dtype(dtype, dtypes.int64)), None, requires_grad)


def linspace(start: float, end: float, steps: int, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    xp = module_for(as_device(device))
    array = xp.linspace(start, end, steps).astype(_numpy_dtype(dtype, dtypes.get_default_dtype()))
    return _finish(array, None, requires_grad)


def eye(n: int, m: int | None = None, *, dtype: Any = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:
    xp = module_for(as_device(device))
    array = xp.eye(n, n if m is None else m, dtype=_numpy_dtype(dtype, dtypes.get_default_dtype()))
    return _finish(array, None, requires_grad)


# ---------------------------------------------------------------- random


def _random_float(kind: str, size: tuple, generator: Generator | None, dtype: Any, device: Any,
                  requires_grad: bool) -> Tensor:
    target = dtypes.get_default_dtype() if dtype is None else dtypes.to_dtype(dtype)
    if not target.is_floating_point:
        raise RuntimeError(f"\"{kind}\" not implemented for '{target.name}': random floats need "
                           "a floating dtype")
    xp = module_for(as_device(device))
    rng = generator_for(xp, generator)
    draw_dtype = np.float64 if target is dtypes.float64 else np.float32
    draw = rng.random if kind == "uniform" else rng.standard_normal
    array = draw(_sizes(size), dtype=draw_dtype).astype(target.numpy_dtype, copy=False)
    return _finish(array, None, requires_grad)


def rand(*sizes: Any, size: Any = None, generator: Generator | None = None, dtype: Any = None,
         device: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1)."""
    return _random_float("uniform", size_given(sizes, size, "rand"), generator, dtype, device,
                         requires_grad)


def randn(*sizes: Any, size: Any = None, generator: Generator | None = None, dtype: Any = None,
          device: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal: mean 0, variance 1."""
    return _random_float("normal", size_given(sizes, size, "randn"), generator, dtype, device,
                         requires_grad)


def randint(*args: Any, low: int | None = None, high: int | None = None, size: Any = None,
            generator: Generator | None = None, dtype: Any = None, device: Any = None,
            requires_grad: bool = False) -> Tensor:
    """randint(high, size) or randint(low, high, size): integers in [low, high).

    Each of low, high and size may also be given by keyword, as in torch.
    """
    low, high, size = _randint_arguments(list(args), low, high, size)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    xp = module_for(as_device(device))
    rng = generator_for(xp, generator)
    shape = _sizes((size,))
    array = rng.integers(low, high, shape) if hasattr(rng, "integers") else \
        rng.randint(low, high, shape)
    return _finish(array.astype(_numpy_dtype(dtype, dtypes.int64)), None, requires_grad)


def _randint_arguments(positional: list, low: Any, high: Any, size: Any) -> tuple:
    """randint's (low, high, size) from positions and keywords, filled from the right."""
    missing = []
    if size is None:
        size = positional.pop() if positional else missing.append("size")
    if high is None:
        high = positional.pop() if positional else missing.append("high")
    if low is None:
        low = positional.pop() if positional else 0
    if missing or positional:
        raise TypeError("randint() takes (high, size) or (low, high, size), by position or "
                        "keyword" + (f"; missing {', '.join(missing)}" if missing else ""))
    return low, high, size


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None,
             device: Any = None) -> Tensor:
    xp = module_for(as_device(device))
    rng = generator_for(xp, generator)
    return _finish(rng.permutation(n).astype(_numpy_dtype(dtype, dtypes.int64)), None, False)


def rand_like(input: Tensor, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return rand(input.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def randn_like(input: Tensor, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return randn(input.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def randint_like(input: Tensor, low: int, high: int | None = None, *,
                 dtype: Any = None, device: Any = None) -> Tensor:
    if high is None:
        low, high = 0, low
    dtype, device = _like(input, dtype, device)
    return randint(low, high, tuple(input.shape), dtype=dtype, device=device)
