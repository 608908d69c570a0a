"""A stand-in for CuPy that runs on the CPU, so that CI exercises teachgrad's GPU path.

Not a test module. `make_fake_cupy()` returns a module object that looks to teachgrad
like `cupy`: its arrays (FakeGpuArray) hold a NumPy array inside and behave like
cupy.ndarray where teachgrad depends on CuPy's behaviour, including where CuPy is
stricter than NumPy:

- a NumPy array (of any shape) given to a ufunc, a matmul, concatenate/stack/where
  ... together with a device array raises TypeError ("Unsupported type <class
  'numpy.ndarray'>"), as CuPy does. Python and NumPy scalars are fine, and so are 0-d
  NumPy arrays in comparisons, as in CuPy;
- np.asarray(device_array), np.array(...) and every other implicit conversion raise
  CuPy's TypeError ("Implicit conversion to a NumPy array is not allowed. Please use
  `.get()` ..."); `.get()` returns a NumPy copy;
- it is not an np.ndarray subclass (cupy.ndarray is not one either), so
  `isinstance(a, np.ndarray)` and `type(a) is np.ndarray` are False;
- reductions return 0-d arrays, never NumPy scalars; `ndarray.reshape` has no copy=
  argument and `astype` no casting=; `flags` has only c_contiguous, f_contiguous and
  owndata (no writeable: CuPy arrays, broadcast views included, are always writable);
  an out-of-bounds integer-array index wraps around instead of raising;
- `add.at` is a scatter-add that, like CuPy's atomicAdd, refuses int64 values for
  integer-array indices;
- `random` is CuPy's legacy module API (seed, random, standard_normal, randint,
  permutation ...), with no `integers` and one stream per device;
- `cuda.runtime.getDeviceCount()`, `cuda.Device(i).use()`, `cuda.Device().id` and
  `cuda.runtime.deviceSynchronize()` work, for a configurable number of "GPUs"; the
  factory can also make getDeviceCount or the first allocation fail, as a machine
  without a driver or a CuPy wheel built for another CUDA does.

NumPy functions called on device arrays dispatch to this module, as CuPy's
__array_ufunc__/__array_function__ make them do on a real GPU.

`install(monkeypatch)` puts a fresh fake in sys.modules["cupy"] and clears
teachgrad.cuda's probe, so `teachgrad.cuda.is_available()` is True and "cuda" tensors
hold FakeGpuArrays until the test ends (monkeypatch restores everything).
"""

from __future__ import annotations

import functools
import operator
import sys
import types
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

_SCALAR_TYPES = (bool, int, float, complex, np.generic)
_IMPLICIT = ("Implicit conversion to a NumPy array is not allowed. Please use `.get()` to "
             "construct a NumPy array explicitly.")


class CUDARuntimeError(RuntimeError):
    """What cupy_backends.cuda.api.runtime raises (cudaErrorNoDevice, ...)."""


class _State:
    """One fake machine: its GPU count, the current device, one random stream per GPU."""

    def __init__(self, device_count: int, fail_count: str | None, fail_alloc: str | None
                 ) -> None:
        self.device_count = device_count
        self.fail_count = fail_count
        self.fail_alloc = fail_alloc
        self.current = 0
        self.random = {}
        self.synchronized = 0

    def random_state(self) -> np.random.RandomState:
        if self.current not in self.random:
            self.random[self.current] = np.random.RandomState(12345 + self.current)
        return self.random[self.current]


# ---------------------------------------------------------------------------- arrays


class _Flags:
    __slots__ = ("c_contiguous", "f_contiguous", "owndata")

    def __init__(self, host: np.ndarray, owndata: bool) -> None:
        self.c_contiguous = bool(host.flags.c_contiguous)
        self.f_contiguous = bool(host.flags.f_contiguous)
        self.owndata = owndata

    def __getitem__(self, name: str) -> bool:
        return {"C_CONTIGUOUS": self.c_contiguous, "F_CONTIGUOUS": self.f_contiguous,
                "OWNDATA": self.owndata}[name]


class _MemoryPointer:
    __slots__ = ("ptr", "device_id")

    def __init__(self, ptr: int, device_id: int) -> None:
        self.ptr, self.device_id = ptr, device_id


class FakeGpuArray:
    """cupy.ndarray's behaviour over a NumPy array that stands for device memory."""

    __slots__ = ("_host", "_device_id", "_state", "_is_view", "__weakref__")
    __array_priority__ = 100
    __hash__ = None  # arrays are unhashable, as NumPy's and CuPy's are

    def __init__(self, host: np.ndarray, state: _State, device_id: int | None = None) -> None:
        if type(host) is not np.ndarray:
            raise AssertionError(f"FakeGpuArray needs an np.ndarray, got {type(host)}")
        if host.dtype.kind not in "biufc":
            raise ValueError(f"Unsupported dtype {host.dtype}")
        self._host = host
        self._state = state
        self._device_id = state.current if device_id is None else device_id
        # A view (reshape, slice, transpose, broadcast_to ...) has a base, as in CuPy.
        self._is_view = host.base is not None

    # ----- what the array is
    shape = property(lambda self: self._host.shape, lambda self, new: self._set_shape(new))
    dtype = property(lambda self: self._host.dtype)
    ndim = property(lambda self: self._host.ndim)
    size = property(lambda self: self._host.size)
    strides = property(lambda self: self._host.strides)
    itemsize = property(lambda self: self._host.itemsize)
    nbytes = property(lambda self: self._host.nbytes)

    @property
    def flags(self) -> _Flags:
        return _Flags(self._host, not self._is_view)

    @property
    def base(self) -> FakeGpuArray | None:
        # CuPy: the array this one is a view of. Only "is it a view" matters here.
        if not self._is_view:
            return None
        base = self._host.base
        return self._new(base if type(base) is np.ndarray else self._host)

    @property
    def device(self) -> FakeDevice:
        return FakeDevice(self._state, self._device_id)

    @property
    def data(self) -> _MemoryPointer:
        return _MemoryPointer(self._host.ctypes.data, self._device_id)

    @property
    def T(self) -> FakeGpuArray:
        return self._new(self._host.T)

    def _new(self, host: Any) -> FakeGpuArray:
        return _wrap(self._state, host)

    def _set_shape(self, new_shape: Any) -> None:
        try:
            self._host = self._host.reshape(new_shape, copy=False)
        except ValueError:
            raise AttributeError("incompatible shape") from None
        self._is_view = True

    # ----- conversions to the host: only explicit ones
    def get(self, stream: Any = None, order: str = "C", out: Any = None) -> np.ndarray:
        """A NumPy copy of the values (what cupy.ndarray.get does)."""
        copy = np.array(self._host, order=order, copy=True)
        if out is not None:
            out[...] = copy
            return out
        return copy

    def set(self, arr: np.ndarray) -> None:
        if not isinstance(arr, np.ndarray):
            raise TypeError(f"Only numpy.ndarray can be set to cupy.ndarray, got {type(arr)}")
        if arr.shape != self.shape:
            raise ValueError(f"Shape mismatch. Old shape: {self.shape}, new shape: {arr.shape}")
        self._host[...] = arr

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise TypeError(_IMPLICIT)

    def item(self) -> Any:
        if self._host.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return self._host.item()

    def tolist(self) -> Any:
        return self._host.tolist()

    def __int__(self) -> int:
        return int(self.get())

    def __float__(self) -> float:
        return float(self.get())

    def __complex__(self) -> complex:
        return complex(self.get())

    def __bool__(self) -> bool:
        if self._host.size == 1:
            return bool(self._host.reshape(()))
        if self._host.size == 0:
            return False
        raise ValueError("The truth value of an array with more than one element is "
                         "ambiguous. Use a.any() or a.all()")

    def __len__(self) -> int:
        if self._host.ndim == 0:
            raise TypeError("len() of unsized object")
        return self._host.shape[0]

    def __iter__(self) -> Any:
        if self._host.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self._host.shape[0]))

    def __repr__(self) -> str:
        return repr(self.get())

    def __str__(self) -> str:
        return str(self.get())

    def __format__(self, spec: str) -> str:
        return format(self.get(), spec)

    def __copy__(self) -> FakeGpuArray:
        return self.copy()

    def __deepcopy__(self, memo: dict) -> FakeGpuArray:
        return self.copy()

    def __reduce__(self) -> tuple:
        return (_rebuild, (self.get(),))

    # ----- methods cupy.ndarray has (and only those)
    def astype(self, dtype: Any, order: str = "K", casting: Any = None, subok: Any = None,
               copy: bool = True) -> FakeGpuArray:
        if casting is not None:
            raise TypeError("casting is not supported yet")
        if subok is not None:
            raise TypeError("subok is not supported yet")
        result = self._host.astype(dtype, order=order, copy=copy)
        return self if result is self._host else self._new(result)

    def copy(self, order: str = "C") -> FakeGpuArray:
        return self._new(self._host.copy(order=order))

    def view(self, dtype: Any = None) -> FakeGpuArray:
        return self._new(self._host.view() if dtype is None else self._host.view(dtype))

    def fill(self, value: Any) -> None:
        self._host.fill(_fill_value(value))

    def reshape(self, *shape: Any, order: str = "C") -> FakeGpuArray:
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        result = self._host.reshape(shape, order=order)
        return self._new(result)

    def transpose(self, *axes: Any) -> FakeGpuArray:
        return self._new(self._host.transpose(*axes))

    def swapaxes(self, axis1: int, axis2: int) -> FakeGpuArray:
        return self._new(self._host.swapaxes(axis1, axis2))

    def squeeze(self, axis: Any = None) -> FakeGpuArray:
        return self._new(self._host.squeeze(axis))

    def ravel(self, order: str = "C") -> FakeGpuArray:
        result = self._host.ravel(order)
        return self._new(result)

    def flatten(self) -> FakeGpuArray:
        return self._new(self._host.flatten())

    def take(self, indices: Any, axis: Any = None, out: Any = None) -> FakeGpuArray:
        return self._new(self._host.take(_index_array(indices), axis=axis))

    def repeat(self, repeats: Any, axis: Any = None) -> FakeGpuArray:
        return self._new(self._host.repeat(repeats, axis))

    def nonzero(self) -> tuple:
        return tuple(self._new(part) for part in self._host.nonzero())

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> FakeGpuArray:
        return self._new(self._host.diagonal(offset, axis1, axis2))

    def sort(self, axis: int = -1) -> None:
        self._host.sort(axis)

    def argsort(self, axis: int = -1) -> FakeGpuArray:
        return self._new(self._host.argsort(axis, kind="stable"))

    def dot(self, b: FakeGpuArray, out: Any = None) -> FakeGpuArray:
        return self._new(np.dot(self._host, _operand(b)))

    def clip(self, a_min: Any = None, a_max: Any = None, out: Any = None) -> FakeGpuArray:
        bounds = [None if bound is None else _operand(bound) for bound in (a_min, a_max)]
        return self._new(np.clip(self._host, *bounds))

    def round(self, decimals: int = 0, out: Any = None) -> FakeGpuArray:
        return self._new(self._host.round(decimals))

    def _reduce(self, name: str, **kwargs: Any) -> FakeGpuArray:
        if kwargs.pop("out", None) is not None:
            raise NotImplementedError("the fake does not take out= in reductions")
        kwargs = {key: value for key, value in kwargs.items() if value is not None}
        return self._new(getattr(self._host, name)(**kwargs))

    def sum(self, axis: Any = None, dtype: Any = None, out: Any = None,
            keepdims: bool = False) -> FakeGpuArray:
        return self._reduce("sum", axis=axis, dtype=dtype, out=out, keepdims=keepdims)

    def prod(self, axis: Any = None, dtype: Any = None, out: Any = None,
             keepdims: bool = False) -> FakeGpuArray:
        return self._reduce("prod", axis=axis, dtype=dtype, out=out, keepdims=keepdims)

    def mean(self, axis: Any = None, dtype: Any = None, out: Any = None,
             keepdims: bool = False) -> FakeGpuArray:
        return self._reduce("mean", axis=axis, dtype=dtype, out=out, keepdims=keepdims)

    def var(self, axis: Any = None, dtype: Any = None, out: Any = None, ddof: int = 0,
            keepdims: bool = False) -> FakeGpuArray:
        return self._reduce("var", axis=axis, dtype=dtype, out=out, ddof=ddof,
                            keepdims=keepdims)

    def std(self, axis: Any = None, dtype: Any = None, out: Any = None, ddof: int = 0,
            keepdims: bool = False) -> FakeGpuArray:
        return self._reduce("std", axis=axis, dtype=dtype, out=out, ddof=ddof,
                            keepdims=keepdims)

    def max(self, axis: Any = None, out: Any = None, keepdims: bool = False) -> FakeGpuArray:
        return self._reduce("max", axis=axis, out=out, keepdims=keepdims)

    def min(self, axis: Any = None, out: Any = None, keepdims: bool = False) -> FakeGpuArray:
        return self._reduce("min", axis=axis, out=out, keepdims=keepdims)

    def argmax(self, axis: Any = None, out: Any = None, dtype: Any = None,
               keepdims: bool = False) -> FakeGpuArray:
        result = self._reduce("argmax", axis=axis, out=out, keepdims=keepdims)
        return result if dtype is None else result.astype(dtype)

    def argmin(self, axis: Any = None, out: Any = None, dtype: Any = None,
               keepdims: bool = False) -> FakeGpuArray:
        result = self._reduce("argmin", axis=axis, out=out, keepdims=keepdims)
        return result if dtype is None else result.astype(dtype)

    def all(self, axis: Any = None, out: Any = None, keepdims: bool = False) -> FakeGpuArray:
        return self._reduce("all", axis=axis, out=out, keepdims=keepdims)

    def any(self, axis: Any = None, out: Any = None, keepdims: bool = False) -> FakeGpuArray:
        return self._reduce("any", axis=axis, out=out, keepdims=keepdims)

    def cumsum(self, axis: Any = None, dtype: Any = None, out: Any = None) -> FakeGpuArray:
        return self._reduce("cumsum", axis=axis, dtype=dtype, out=out)

    def cumprod(self, axis: Any = None, dtype: Any = None, out: Any = None) -> FakeGpuArray:
        return self._reduce("cumprod", axis=axis, dtype=dtype, out=out)

    # ----- indexing
    def __getitem__(self, index: Any) -> FakeGpuArray:
        host_index, _ = _device_index(index, self._host.shape)
        return self._new(self._host[host_index])

    def __setitem__(self, index: Any, value: Any) -> None:
        host_index, advanced = _device_index(index, self._host.shape)
        if isinstance(value, FakeGpuArray):
            value = value._host
        elif isinstance(value, np.ndarray):
            if not advanced and value.ndim != 0:
                # cupy fills basic-index targets with ndarray.fill, which refuses them
                raise ValueError("non-scalar numpy.ndarray cannot be used for fill")
        elif not advanced:
            value = _fill_value(value)
        self._host[host_index] = value

    # ----- NumPy interoperability: what cupy.ndarray does with NumPy's functions
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any
                        ) -> Any:
        fake = self._state.module
        if method == "at" and hasattr(fake, ufunc.__name__):  # np.add.at -> cupy.add.at
            return getattr(fake, ufunc.__name__).at(*inputs, **kwargs)
        if method != "__call__" or not hasattr(fake, ufunc.__name__):
            return NotImplemented
        for value in inputs + tuple(kwargs.get("out", ())):
            if not isinstance(value, (FakeGpuArray, np.ndarray) + _SCALAR_TYPES):
                return NotImplemented
        if "out" in kwargs:
            (kwargs["out"],) = kwargs["out"]
        return getattr(fake, ufunc.__name__)(*inputs, **kwargs)

    def __array_function__(self, func: Callable, types: tuple, args: tuple, kwargs: dict
                           ) -> Any:
        fake_func = getattr(self._state.module, func.__name__, None)
        if fake_func is None or fake_func is func or not all(
                t in (FakeGpuArray, np.ndarray) for t in types):
            return NotImplemented
        return fake_func(*args, **kwargs)


def _rebuild(host: np.ndarray) -> FakeGpuArray:
    module = sys.modules.get("cupy")
    if not isinstance(getattr(module, "_fake_state", None), _State):
        raise RuntimeError("unpickling a fake GPU array needs the fake cupy installed")
    return module.array(host)


def _fill_value(value: Any) -> Any:
    """What ndarray.fill (and so basic-index assignment) accepts: scalars and 0-d arrays."""
    if isinstance(value, FakeGpuArray):
        if value.ndim != 0:
            raise ValueError("non-scalar cupy.ndarray cannot be used for fill")
        return value._host
    if isinstance(value, np.ndarray):
        if value.ndim != 0:
            raise ValueError("non-scalar numpy.ndarray cannot be used for fill")
        return value
    if not isinstance(value, _SCALAR_TYPES):
        raise TypeError(f"Unsupported type {type(value)}")
    return value


def _operand(value: Any, compare: bool = False) -> Any:
    """An argument of a device kernel: device arrays and scalars only, as in CuPy."""
    if isinstance(value, FakeGpuArray):
        return value._host
    if isinstance(value, np.ndarray):
        if compare and value.ndim == 0:
            return value.item()  # cupy's workaround for NumPy 0-d arrays in comparisons
        raise TypeError(f"Unsupported type {type(value)}")
    if isinstance(value, _SCALAR_TYPES):
        return value
    raise TypeError(f"Unsupported type {type(value)}")


def _index_array(part: Any) -> Any:
    """An index array: device arrays, or host data CuPy copies to the device first."""
    if isinstance(part, FakeGpuArray):
        return part._host
    if isinstance(part, (list, tuple, np.ndarray)):
        return np.asarray(_unwrap_nested(part))
    return part


def _unwrap_nested(data: Any) -> Any:
    if isinstance(data, FakeGpuArray):
        return data._host
    if isinstance(data, (list, tuple)):
        return [_unwrap_nested(item) for item in data]
    return data


def _device_index(index: Any, shape: tuple) -> tuple[Any, bool]:
    """The host index for an index given to a device array, and whether it is advanced.

    Integer-array indices wrap around modulo the axis length, as CuPy's gather and
    scatter kernels do (NumPy raises IndexError instead).
    """
    parts = list(index) if isinstance(index, tuple) else [index]
    converted, advanced = [], False
    for part in parts:
        if isinstance(part, (FakeGpuArray, np.ndarray, list)):
            part = _index_array(part)
            advanced = True
        converted.append(part)
    if not advanced:
        return (tuple(converted) if isinstance(index, tuple) else converted[0]), False
    consumed = sum(part.ndim if isinstance(part, np.ndarray) and part.dtype.kind == "b" else 1
                   for part in converted if part is not None and part is not Ellipsis)
    axis = 0
    for position, part in enumerate(converted):
        if part is None:
            continue
        if part is Ellipsis:
            axis += len(shape) - consumed
            continue
        if isinstance(part, np.ndarray) and part.dtype.kind == "b":
            axis += part.ndim
            continue
        if isinstance(part, np.ndarray) and part.dtype.kind in "iu" and axis < len(shape) \
                and shape[axis]:
            converted[position] = np.mod(part, shape[axis])
        axis += 1
    return tuple(converted), True


# ---------------------------------------------------------------------------- operators


def _binary(name: str, reflected: bool = False, inplace: bool = False) -> Callable:
    compare = name in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal")

    def method(self: FakeGpuArray, other: Any) -> Any:
        ufunc = getattr(self._state.module, name)
        if isinstance(other, np.ndarray) and compare and other.ndim == 0:
            other = other.item()
        if inplace:
            return ufunc(self, other, out=self)
        return ufunc(other, self) if reflected else ufunc(self, other)

    return method


_OPERATORS = {
    "add": "add", "sub": "subtract", "mul": "multiply", "truediv": "true_divide",
    "floordiv": "floor_divide", "mod": "remainder", "pow": "power", "and": "bitwise_and",
    "or": "bitwise_or", "xor": "bitwise_xor", "lshift": "left_shift", "rshift": "right_shift",
    "matmul": "matmul",
}
for _short, _name in _OPERATORS.items():
    setattr(FakeGpuArray, f"__{_short}__", _binary(_name))
    setattr(FakeGpuArray, f"__r{_short}__", _binary(_name, reflected=True))
    if _short != "matmul":
        setattr(FakeGpuArray, f"__i{_short}__", _binary(_name, inplace=True))
for _short, _name in {"eq": "equal", "ne": "not_equal", "lt": "less", "le": "less_equal",
                      "gt": "greater", "ge": "greater_equal"}.items():
    setattr(FakeGpuArray, f"__{_short}__", _binary(_name))
# cupy.ndarray's type lives in the cupy package; code that recognises CuPy arrays by
# their type's module (teachgrad.tensor(cupy_array) does) must recognise these too.
FakeGpuArray.__module__ = "cupy"
FakeGpuArray.__neg__ = lambda self: self._state.module.negative(self)
FakeGpuArray.__pos__ = lambda self: self
FakeGpuArray.__abs__ = lambda self: self._state.module.absolute(self)
FakeGpuArray.__invert__ = lambda self: self._state.module.invert(self)


# ---------------------------------------------------------------------------- ufuncs


class FakeUfunc:
    """A CuPy ufunc: device arrays and scalars in, a device array out (out= a device array)."""

    def __init__(self, state: _State, numpy_ufunc: np.ufunc, name: str | None = None) -> None:
        self._state = state
        self._ufunc = numpy_ufunc
        self.__name__ = name or numpy_ufunc.__name__
        self.nin, self.nout = numpy_ufunc.nin, numpy_ufunc.nout
        self._compare = self.__name__ in ("equal", "not_equal", "less", "less_equal",
                                          "greater", "greater_equal")

    def __repr__(self) -> str:
        return f"<ufunc 'cupy_{self.__name__}'>"

    def __call__(self, *args: Any, out: Any = None, dtype: Any = None,
                 casting: str | None = None) -> Any:
        if len(args) != self.nin:
            raise TypeError(f"Wrong number of arguments for {self.__name__}")
        inputs = [_operand(arg, self._compare) for arg in args]
        # NumPy's default casting is CuPy's ('same_kind'); passing it explicitly would
        # take np.matmul off its BLAS path.
        kwargs: dict = {} if casting is None else {"casting": casting}
        if dtype is not None:
            kwargs["dtype"] = dtype
        if out is not None:
            if not isinstance(out, FakeGpuArray):
                raise TypeError("Output arguments must be cupy.ndarray")
            kwargs["out"] = out._host
        result = self._ufunc(*inputs, **kwargs)
        if out is not None:
            return out
        if isinstance(result, tuple):
            return tuple(_wrap(self._state, part) for part in result)
        return _wrap(self._state, result)

    def at(self, a: FakeGpuArray, indices: Any, b: Any = None) -> None:
        """Scatter in place (add.at sums repeated indices), as CuPy's scatter kernels."""
        if self.__name__ not in ("add", "maximum", "minimum"):
            raise NotImplementedError(f"`{self.__name__}.at` is not supported yet")
        if not isinstance(a, FakeGpuArray):
            raise TypeError("cupy ufunc.at needs a cupy.ndarray to scatter into")
        host_index, _ = _device_index(indices, a.shape)
        parts = host_index if isinstance(host_index, tuple) else (host_index,)
        integer_arrays = [p for p in parts if isinstance(p, np.ndarray) and p.dtype.kind in "iu"]
        if integer_arrays and a.dtype not in (np.int32, np.float16, np.float32, np.float64,
                                              np.uint32, np.uint64):
            raise TypeError("scatter_add only supports int32, float16, float32, float64, "
                            "uint32, uint64, as data type")
        value = b._host if isinstance(b, FakeGpuArray) else b
        self._ufunc.at(a._host, host_index, value)

    def reduce(self, array: FakeGpuArray, axis: Any = 0, dtype: Any = None, out: Any = None,
               keepdims: bool = False) -> FakeGpuArray:
        if self.__name__ == "add":
            return array.sum(axis, dtype, out, keepdims)
        if self.__name__ == "multiply":
            return array.prod(axis, dtype, out, keepdims)
        raise NotImplementedError(f"`{self.__name__}.reduce` is not supported yet")

    def accumulate(self, array: FakeGpuArray, axis: Any = 0, dtype: Any = None,
                   out: Any = None) -> FakeGpuArray:
        if self.__name__ == "add":
            return array.cumsum(axis, dtype, out)
        if self.__name__ == "multiply":
            return array.cumprod(axis, dtype, out)
        raise NotImplementedError(f"`{self.__name__}.accumulate` is not supported yet")


def _wrap(state: _State, value: Any) -> FakeGpuArray:
    """A NumPy result as a device array: scalars become 0-d arrays, as CuPy returns."""
    return FakeGpuArray(value if type(value) is np.ndarray else np.asarray(value), state)


_UFUNCS = [
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "remainder",
    "mod", "power", "negative", "positive", "absolute", "abs", "exp", "exp2", "expm1", "log",
    "log2", "log10", "log1p", "sqrt", "square", "reciprocal", "sign", "sin", "cos", "tan",
    "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh", "arcsinh", "arccosh",
    "arctanh", "logaddexp", "logaddexp2", "floor", "ceil", "trunc",
    "rint", "maximum", "minimum", "fmax", "fmin", "equal", "not_equal", "less", "less_equal",
    "greater", "greater_equal", "logical_and", "logical_or", "logical_xor", "logical_not",
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "invert", "left_shift",
    "right_shift", "isnan", "isinf", "isfinite", "signbit", "copysign", "hypot", "matmul", "fmod",
]


# ---------------------------------------------------------------------------- functions


def _device_arrays(values: Any, what: str) -> list:
    arrays = []
    for value in values:
        if not isinstance(value, FakeGpuArray):
            raise TypeError(f"Only cupy arrays can be {what}")
        arrays.append(value._host)
    return arrays


def _build_module(state: _State) -> types.ModuleType:
    cupy = types.ModuleType("cupy", "A CPU stand-in for CuPy (tests/fake_cupy.py).")
    state.module = cupy
    cupy._fake_state = state
    cupy.__version__ = "13.0.0+fake"
    cupy.ndarray = FakeGpuArray
    cupy.ufunc = FakeUfunc

    def wrap(value: Any) -> FakeGpuArray:
        return _wrap(state, value)

    def allocate(host: np.ndarray) -> FakeGpuArray:
        if state.fail_alloc:
            raise CUDARuntimeError(state.fail_alloc)
        return wrap(host)

    # numpy names that are plain data (dtypes, constants) are shared, as CuPy shares them
    for name in ("dtype", "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16",
                 "uint32", "uint64", "float16", "float32", "float64", "complex64",
                 "complex128", "intp", "newaxis", "inf", "nan", "pi", "e", "finfo", "iinfo",
                 "promote_types", "can_cast", "broadcast_shapes", "integer",
                 "floating", "number", "generic", "bool"):
        setattr(cupy, name, getattr(np, name))

    def result_type(*arrays_and_dtypes: Any) -> np.dtype:
        return np.result_type(*[value.dtype if isinstance(value, FakeGpuArray) else value
                                for value in arrays_and_dtypes])

    cupy.result_type = result_type

    for name in _UFUNCS:
        numpy_name = {"divide": "true_divide", "mod": "remainder", "abs": "absolute",
                      "bitwise_not": "invert"}.get(name, name)
        numpy_ufunc = getattr(np, numpy_name, None) or getattr(np, name, None)
        if numpy_ufunc is None:
            continue
        setattr(cupy, name, FakeUfunc(state, numpy_ufunc, name))

    # ----- creation
    def array(obj: Any, dtype: Any = None, copy: bool = True, order: str = "K",
              subok: bool = False, ndmin: int = 0) -> FakeGpuArray:
        if isinstance(obj, FakeGpuArray):
            host = np.array(obj._host, dtype=dtype, copy=copy, order=order, ndmin=ndmin)
            return obj if host is obj._host else allocate(host)
        return allocate(np.array(_unwrap_nested(obj), dtype=dtype, order=order, ndmin=ndmin))

    def asarray(a: Any, dtype: Any = None, order: Any = None) -> FakeGpuArray:
        """Device arrays pass through; host data (NumPy arrays included) is copied over."""
        return array(a, dtype=dtype, copy=False, order=order or "K")

    def ascontiguousarray(a: Any, dtype: Any = None) -> FakeGpuArray:
        if not isinstance(a, FakeGpuArray):
            raise TypeError("ascontiguousarray needs a cupy.ndarray")
        host = np.ascontiguousarray(a._host, dtype=dtype)
        return a if host is a._host else wrap(host)

    def asnumpy(a: Any, stream: Any = None, order: str = "C") -> np.ndarray:
        return a.get(order=order) if isinstance(a, FakeGpuArray) else np.asarray(a, order=order)

    def get_array_module(*args: Any) -> types.ModuleType:
        return cupy if any(isinstance(arg, FakeGpuArray) for arg in args) else np

    def filled(maker: Callable) -> Callable:
        def create(shape: Any, *args: Any, **kwargs: Any) -> FakeGpuArray:
            if "fill_value" in kwargs:
                kwargs["fill_value"] = _fill_value(kwargs["fill_value"])
            elif maker is np.full and args:
                args = (_fill_value(args[0]),) + args[1:]
            return allocate(maker(shape, *args, **kwargs))

        create.__name__ = maker.__name__
        return create

    def like(maker: Callable) -> Callable:
        def create(a: FakeGpuArray, *args: Any, **kwargs: Any) -> FakeGpuArray:
            (host,) = _device_arrays([a], f"used by {maker.__name__}")
            if maker is np.full_like:
                args = (_fill_value(args[0]),) + args[1:]
            return wrap(maker(host, *args, **kwargs))

        create.__name__ = maker.__name__
        return create

    for maker in (np.empty, np.zeros, np.ones, np.full):
        setattr(cupy, maker.__name__, filled(maker))
    for maker in (np.empty_like, np.zeros_like, np.ones_like, np.full_like):
        setattr(cupy, maker.__name__, like(maker))

    def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> FakeGpuArray:
        args = (start,) if stop is None else (start, stop, step)
        return allocate(np.arange(*args, dtype=dtype))

    def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True,
                 retstep: bool = False, dtype: Any = None, axis: int = 0) -> Any:
        result = np.linspace(start, stop, num, endpoint, retstep, dtype, axis)
        return (wrap(result[0]), result[1]) if retstep else wrap(result)

    def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = float,  # noqa: N803
            order: str = "C") -> FakeGpuArray:
        return allocate(np.eye(N, M, k, dtype, order))

    for function in (array, asarray, ascontiguousarray, asnumpy, get_array_module, arange,
                     linspace, eye):
        setattr(cupy, function.__name__, function)

    # ----- everything else: device arrays in (NumPy arrays refused), device arrays out
    def device_function(name: str, what: str = "used together with cupy arrays") -> Callable:
        numpy_function = getattr(np, name)

        def function(*args: Any, **kwargs: Any) -> Any:
            def convert(value: Any) -> Any:
                if isinstance(value, (list, tuple)) and name in _SEQUENCE_ARGS:
                    return _device_arrays(value, what)
                return _operand(value) if isinstance(value, (FakeGpuArray, np.ndarray)) \
                    else value

            result = numpy_function(*[convert(arg) for arg in args],
                                    **{key: convert(value) for key, value in kwargs.items()})
            if name in _RETURNS_SHAPE:
                return result
            if isinstance(result, (tuple, list)):
                return type(result)(wrap(part) for part in result)
            return wrap(result)

        function.__name__ = name
        return function

    for name in _FUNCTIONS:
        if hasattr(np, name):
            setattr(cupy, name, device_function(name))
    for name in ("concatenate", "stack", "vstack", "hstack"):
        setattr(cupy, name, device_function(name, "concatenated"))
    cupy.amax, cupy.amin = cupy.max, cupy.min

    # ----- submodules
    lib = types.ModuleType("cupy.lib")
    stride_tricks = types.ModuleType("cupy.lib.stride_tricks")

    def as_strided(x: FakeGpuArray, shape: Any = None, strides: Any = None) -> FakeGpuArray:
        (host,) = _device_arrays([x], "viewed with as_strided")
        return FakeGpuArray(np.lib.stride_tricks.as_strided(host, shape, strides), state)

    stride_tricks.as_strided = as_strided
    lib.stride_tricks = stride_tricks
    cupy.lib = lib

    linalg = types.ModuleType("cupy.linalg")

    def norm(x: FakeGpuArray, ord: Any = None, axis: Any = None,
             keepdims: bool = False) -> FakeGpuArray:
        return wrap(np.linalg.norm(_operand(x), ord, axis, keepdims))

    linalg.norm = norm
    cupy.linalg = linalg

    cupy.random = _random_module(state, allocate)
    cupy.cuda = _cuda_module(state)
    return cupy


_SEQUENCE_ARGS = {"concatenate", "stack", "vstack", "hstack"}
_RETURNS_SHAPE = {"shape", "ndim", "size"}
_FUNCTIONS = [
    "where", "sum", "prod", "mean", "var", "std", "max", "min", "argmax", "argmin", "all",
    "any", "cumsum", "cumprod", "allclose", "isclose", "array_equal", "reshape", "transpose",
    "swapaxes", "moveaxis", "squeeze", "expand_dims", "broadcast_to", "split", "flip",
    "take", "take_along_axis", "pad", "tile", "repeat", "ravel", "atleast_1d", "dot",
    "tensordot", "outer", "tril", "triu", "diag", "nonzero", "argwhere", "sort", "argsort",
    "roll", "clip", "round", "around", "count_nonzero", "shape", "ndim", "size", "einsum",
    "broadcast_arrays", "copy", "unique",
]


def _random_module(state: _State, allocate: Callable) -> types.ModuleType:
    """CuPy's legacy module-level random API, one RandomState per device."""
    random = types.ModuleType("cupy.random")

    def floats(values: Any, dtype: Any) -> FakeGpuArray:
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise TypeError(f"cupy.random only supports float32 and float64 (got {dtype})")
        return allocate(np.asarray(values, dtype=dtype))

    def random_sample(size: Any = None, dtype: Any = float) -> FakeGpuArray:
        return floats(state.random_state().random_sample(size), dtype)

    def standard_normal(size: Any = None, dtype: Any = float) -> FakeGpuArray:
        return floats(state.random_state().standard_normal(size), dtype)

    def normal(loc: Any = 0.0, scale: Any = 1.0, size: Any = None, dtype: Any = float
               ) -> FakeGpuArray:
        return floats(state.random_state().normal(loc, scale, size), dtype)

    def uniform(low: Any = 0.0, high: Any = 1.0, size: Any = None, dtype: Any = float
                ) -> FakeGpuArray:
        return floats(state.random_state().uniform(low, high, size), dtype)

    for function in (random_sample, standard_normal, normal, uniform):
        setattr(random, function.__name__, function)
    random.random = random.ranf = random.sample = random_sample

    def seed(seed: Any = None) -> None:
        state.random[state.current] = np.random.RandomState(seed)

    def rand(*size: int, dtype: Any = float) -> FakeGpuArray:
        return random_sample(size=size, dtype=dtype)

    def randn(*size: int, dtype: Any = float) -> FakeGpuArray:
        return standard_normal(size=size, dtype=dtype)

    def randint(low: int, high: int | None = None, size: Any = None, dtype: Any = "l"
                ) -> FakeGpuArray:
        return allocate(np.asarray(state.random_state().randint(low, high, size), dtype=dtype))

    def permutation(a: Any) -> FakeGpuArray:
        if isinstance(a, (int, np.integer)):
            return allocate(state.random_state().permutation(int(a)).astype(np.int64))
        (host,) = _device_arrays([a], "permuted")
        return allocate(state.random_state().permutation(host))

    def shuffle(a: FakeGpuArray) -> None:
        (host,) = _device_arrays([a], "shuffled")
        state.random_state().shuffle(host)

    for function in (seed, rand, randn, randint, permutation, shuffle):
        setattr(random, function.__name__, function)
    return random


class FakeDevice:
    """cupy.cuda.Device: a GPU by number; use() makes it current."""

    def __init__(self, state: _State, device: int | None = None) -> None:
        self._state = state
        self.id = state.current if device is None else int(device)
        self._previous: list = []

    def use(self) -> None:
        if not 0 <= self.id < self._state.device_count:
            raise CUDARuntimeError("cudaErrorInvalidDevice: invalid device ordinal")
        self._state.current = self.id

    def synchronize(self) -> None:
        self._state.synchronized += 1

    def __enter__(self) -> FakeDevice:
        self._previous.append(self._state.current)
        self.use()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._state.current = self._previous.pop()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FakeDevice) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<CUDA Device {self.id}>"


def _cuda_module(state: _State) -> types.ModuleType:
    cuda = types.ModuleType("cupy.cuda")
    runtime = types.ModuleType("cupy.cuda.runtime")
    runtime.CUDARuntimeError = CUDARuntimeError

    def getDeviceCount() -> int:
        if state.fail_count:
            raise CUDARuntimeError(state.fail_count)
        return state.device_count

    def getDevice() -> int:
        return state.current

    def setDevice(device: int) -> None:
        FakeDevice(state, device).use()

    def deviceSynchronize() -> None:
        state.synchronized += 1

    def getDeviceProperties(device: int) -> dict:
        return {"name": b"Fake GPU (tests/fake_cupy.py)", "totalGlobalMem": 1 << 30}

    for function in (getDeviceCount, getDevice, setDevice, deviceSynchronize,
                     getDeviceProperties):
        setattr(runtime, function.__name__, function)
    cuda.runtime = runtime
    cuda.Device = lambda device=None: FakeDevice(state, device)
    cuda.is_available = lambda: not state.fail_count and state.device_count > 0
    cuda.get_device_id = lambda: state.current
    cuda.CUDARuntimeError = CUDARuntimeError
    return cuda


def make_fake_cupy(device_count: int = 1, fail_count: str | None = None,
                   fail_alloc: str | None = None) -> types.ModuleType:
    """A fresh fake cupy module (its own device state and random streams).

    fail_count: getDeviceCount() raises CUDARuntimeError with this text (no driver).
    fail_alloc: every allocation raises it (a CuPy build that does not match the driver).
    """
    return _build_module(_State(device_count, fail_count, fail_alloc))


def install(monkeypatch: Any, **options: Any) -> types.ModuleType:
    """Make `import cupy` give a fresh fake until the test ends; re-probe teachgrad.cuda."""
    import teachgrad.cuda
    import teachgrad.random

    fake = make_fake_cupy(**options)
    monkeypatch.setitem(sys.modules, "cupy", fake)
    for name in ("cuda", "cuda.runtime", "random", "lib", "lib.stride_tricks", "linalg"):
        monkeypatch.setitem(sys.modules, f"cupy.{name}", operator.attrgetter(name)(fake))
    # teachgrad seeds each GPU's generator lazily; the fake's GPUs start unseeded, and
    # whatever a real GPU's generator had is given back afterwards.
    monkeypatch.setattr(teachgrad.random, "_cuda_seeded", set())
    monkeypatch.setattr(teachgrad.random, "_cuda_seed", list(teachgrad.random._cuda_seed))
    fresh_probe(monkeypatch)
    return fake


def fresh_probe(monkeypatch: Any) -> None:
    """Give teachgrad.cuda a probe with an empty cache for this test only.

    The real probe's cache keeps what it learnt about this machine, and monkeypatch
    puts that probe back when the test ends, so no fake GPU outlives its test.
    """
    import teachgrad.cuda

    probe = teachgrad.cuda._probe
    monkeypatch.setattr(teachgrad.cuda, "_probe",
                        functools.lru_cache(maxsize=None)(getattr(probe, "__wrapped__", probe)))


# ---------------------------------------------------------------------------- fixtures

#: why the real-GPU case of a device-parametrized test is skipped
NO_GPU = "no CUDA GPU (CuPy) on this machine"
REAL_GPU = pytest.param("cuda", marks=pytest.mark.gpu)


def _activate(which: str, monkeypatch: Any) -> str:
    """The device string for one parametrization: 'cpu', 'cuda' (real) or 'fake-cuda'."""
    if which == "fake-cuda":
        install(monkeypatch)
        return "cuda"
    if which == "cuda":
        import teachgrad.cuda

        if not teachgrad.cuda.is_available():
            pytest.skip(NO_GPU)
    return which


@pytest.fixture(params=["cpu", REAL_GPU, "fake-cuda"])
def device(request: Any, monkeypatch: Any) -> str:
    """Every device teachgrad can run on: the CPU, the real GPU, the fake GPU.

    The value is what to pass as device=: "cpu" or "cuda". The "cuda" case needs a
    real GPU and CuPy and is skipped (mark gpu) without them; "fake-cuda" always runs,
    on tests/fake_cupy.py's CPU stand-in for CuPy.
    """
    return _activate(request.param, monkeypatch)


@pytest.fixture(params=[REAL_GPU, "fake-cuda"])
def gpu_device(request: Any, monkeypatch: Any) -> str:
    """Like `device`, GPUs only: "cuda" on the real GPU (skipped without one) or the fake."""
    return _activate(request.param, monkeypatch)
