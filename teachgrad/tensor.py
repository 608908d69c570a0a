"""Tensor: one NumPy (or CuPy) array plus what autograd needs to know about it.

The array holds the values. `requires_grad` says whether gradients should flow to
this tensor, `grad_fn` is the graph node that produced it (None for leaves: tensors
the user created), and `grad` receives the gradient after backward(). A version
counter, shared with every view of the same memory, lets backward notice that a
tensor it saved was changed in place since.

Ops live in teachgrad/ops/: each is a Function with its forward and backward side by
side. The Tensor methods at the bottom of this file are those same functions, so
`x.exp()` and `teachgrad.exp(x)` run the same code.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from teachgrad import dtypes
from teachgrad.autograd.engine import backward as autograd_backward
from teachgrad.device import array_module, as_device, device_of, move_array


class VersionCounter:
    """How many times the memory behind a tensor (and its views) was written in place."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


class Size(tuple):
    """A tensor's shape: a tuple that prints as teachgrad.Size([3, 4])."""

    def __repr__(self) -> str:
        return f"teachgrad.Size({list(self)})"

    def numel(self) -> int:
        count = 1
        for length in self:
            count *= length
        return count


class RemovableHandle:
    """What register_hook returns: handle.remove() unregisters that hook."""

    __slots__ = ("_owner", "_entry")

    def __init__(self, owner: Any, entry: Any) -> None:
        self._owner = weakref.ref(owner)  # a handle must not keep a graph alive
        self._entry = entry

    def remove(self) -> None:
        owner = self._owner()
        if owner is not None and owner._hooks:
            owner._hooks = [entry for entry in owner._hooks if entry is not self._entry] or None


class Tensor:
    __slots__ = (
        "_array",  # the values: numpy.ndarray on the CPU, cupy.ndarray on a GPU
        "_requires_grad",
        "_grad",
        "grad_fn",  # the Node that made this tensor, or None for a leaf
        "_output_nr",  # which output of grad_fn this tensor is
        "_version_box",  # VersionCounter, shared with views
        "_accumulator",  # weakref to this leaf's AccumulateGrad node
        "_hooks",  # hooks on a leaf's gradient
        "_base",  # the tensor this one is a view of, when the base requires grad
        "_retains_grad",
        "__weakref__",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # torch.Tensor(2, 3) makes an uninitialised 2x3 float tensor; Tensor([1, 2]) copies
        # data. Prefer teachgrad.tensor(...), which infers the dtype.
        from teachgrad.creation import _array_from_data

        if len(args) == 1 and not isinstance(args[0], int):
            array = _array_from_data(args[0], dtypes.get_default_dtype(), None)
        else:
            sizes = args[0] if len(args) == 1 and isinstance(args[0], tuple) else args
            array = np.zeros(sizes, dtypes.get_default_dtype().numpy_dtype)
        _init_slots(self, array)
        if kwargs.get("requires_grad"):
            self.requires_grad = True

    @classmethod
    def _make(cls, array: Any, requires_grad: bool = False) -> Tensor:
        """Wrap an array without copying: the constructor every op uses."""
        if array.__class__ is not np.ndarray and isinstance(array, np.generic):
            array = np.asarray(array)  # NumPy reductions return scalars, not 0-d arrays
        tensor = object.__new__(cls)
        # _init_slots, inlined: this runs once per op.
        tensor._array = array
        tensor._requires_grad = False
        tensor._grad = None
        tensor.grad_fn = None
        tensor._output_nr = 0
        tensor._version_box = None  # made on first need: see _version_counter
        tensor._accumulator = None
        tensor._hooks = None
        tensor._base = None
        tensor._retains_grad = False
        if requires_grad:
            tensor.requires_grad = True
        return tensor

    # ------------------------------------------------------------------ autograd state
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if requires_grad and self._array.dtype.kind not in "f":
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients (this one is "
                f"{self.dtype}). Convert it first, e.g. x.float().requires_grad_()."
            )
        if self.grad_fn is None:
            self._requires_grad = bool(requires_grad)
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self) -> Tensor | None:
        if self.grad_fn is not None and not self._retains_grad and self._grad is None:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                "Its .grad attribute won't be populated during autograd.backward(). If you "
                "indeed want the gradient for a non-leaf Tensor, use .retain_grad() on the "
                "non-leaf Tensor.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got "
                                f"{type(value).__name__}")
            if value._array.shape != self._array.shape:
                raise RuntimeError(
                    f"assigned grad has data of a different size: {list(value.shape)} for a "
                    f"tensor of size {list(self.shape)}"
                )
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in .grad after backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        node = self.grad_fn
        if node._retained is None:
            node._retained = []
        node._retained.append((self._output_nr, weakref.ref(self)))
        self._retains_grad = True

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call hook(grad) when this tensor's gradient is computed; it may return a new one.

        Returns a handle whose remove() unregisters the hook again.
        """
        if not self._requires_grad:
            raise RuntimeError(
                "cannot register a hook on a tensor that doesn't require gradient"
            )
        # A leaf keeps its hooks; a non-leaf's hooks live on its grad_fn node, with the
        # output they belong to. Lists are replaced, never changed, while backward runs.
        owner, entry = (self, hook) if self.grad_fn is None else \
            (self.grad_fn, (self._output_nr, hook))
        owner._hooks = (owner._hooks or []) + [entry]
        return RemovableHandle(owner, entry)

    def backward(self, gradient: Tensor | None = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Any = None) -> None:
        """Compute d(self)/d(leaf) for every leaf that requires grad; add it to leaf.grad."""
        autograd_backward(self, gradient, retain_graph, create_graph, inputs)

    def detach(self) -> Tensor:
        """The same memory, cut off from the graph (and sharing the version counter)."""
        alias = Tensor._make(self._array)
        alias._version_box = self._version_counter()
        return alias

    def detach_(self) -> Tensor:
        if self._base is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        """The values as a tensor outside autograd's view: in-place changes go unnoticed."""
        return Tensor._make(self._array)

    @data.setter
    def data(self, value: Tensor) -> None:
        self._array = value._array

    @property
    def _version(self) -> int:
        box = self._version_box
        return 0 if box is None else box.value

    def _version_counter(self) -> VersionCounter:
        """The version counter, made when first needed (to share with a view, to bump).

        Most tensors are never viewed nor written in place, so most never need one,
        and an op's output is made without it: one object fewer per op.
        """
        box = self._version_box
        if box is None:
            box = self._version_box = VersionCounter()
        return box

    # ------------------------------------------------------------------ description
    @property
    def shape(self) -> Size:
        return Size(self._array.shape)

    def size(self, dim: int | None = None) -> Size | int:
        if dim is None:
            return Size(self._array.shape)
        return self._array.shape[_wrap_dim(dim, self._array.ndim)]

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes.from_numpy_dtype(self._array.dtype)

    @property
    def device(self) -> Any:
        return device_of(self._array)

    @property
    def is_cuda(self) -> bool:
        return type(self._array) is not np.ndarray

    @property
    def ndim(self) -> int:
        return self._array.ndim

    def dim(self) -> int:
        return self._array.ndim

    def ndimension(self) -> int:
        return self._array.ndim

    def numel(self) -> int:
        return self._array.size

    def nelement(self) -> int:
        return self._array.size

    def element_size(self) -> int:
        return self._array.itemsize

    def is_floating_point(self) -> bool:
        return self._array.dtype.kind == "f"

    def is_contiguous(self) -> bool:
        return bool(self._array.flags.c_contiguous)

    def stride(self, dim: int | None = None) -> tuple[int, ...] | int:
        strides = tuple(step // self._array.itemsize for step in self._array.strides)
        return strides if dim is None else strides[_wrap_dim(dim, self._array.ndim)]

    def data_ptr(self) -> int:
        return self._array.data.ptr if self.is_cuda else self._array.ctypes.data

    def __len__(self) -> int:
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._array.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[index] for index in range(self._array.shape[0]))

    def __repr__(self) -> str:
        from teachgrad.printing import tensor_repr

        values = self._array if type(self._array) is np.ndarray else self._array.get()
        grad_fn_name = self.grad_fn.name() if self.grad_fn is not None else None
        return tensor_repr(values, dtype_name=self.dtype.name, device=str(self.device),
                           requires_grad=self._requires_grad, grad_fn_name=grad_fn_name)

    def __format__(self, spec: str) -> str:
        if self._array.ndim == 0:
            return format(self.item(), spec)
        return format(repr(self), spec)

    __hash__ = object.__hash__

    # ------------------------------------------------------------------ conversions
    def item(self) -> float | int | bool:
        if self._array.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._array.size} elements cannot be converted to Scalar. "
                "item() needs exactly one element: index or reduce first (x[0].item(), "
                "x.sum().item())."
            )
        return self._array.item()

    def tolist(self) -> Any:
        return self._array.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The values as a NumPy array that shares memory with this tensor."""
        if self.is_cuda and not force:
            raise TypeError(
                f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() to "
                "copy the tensor to host memory first."
            )
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._array.get() if self.is_cuda else self._array

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = self.numpy()
        return array if dtype is None else array.astype(dtype)

    def __bool__(self) -> bool:
        if self._array.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with more than one value is ambiguous (it has "
                f"{self._array.size}). Use .any() or .all() to reduce it first."
            )
        return bool(self._array.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._array.dtype.kind not in "iub" or self._array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """to(device), to(dtype), to(device, dtype), to(other_tensor): a copy only if needed."""
        target_device, target_dtype = _parse_to_args(args, kwargs)
        from teachgrad.ops.convert import to_copy

        return to_copy(self, target_device, target_dtype, kwargs.get("copy", False))

    def cpu(self) -> Tensor:
        return self.to("cpu")

    def cuda(self, device: Any = None) -> Tensor:
        return self.to(as_device(device if device is not None else "cuda:0"))

    def float(self) -> Tensor:
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        return self.to(dtypes.float64)

    def half(self) -> Tensor:
        return self.to(dtypes.float16)

    def long(self) -> Tensor:
        return self.to(dtypes.int64)

    def int(self) -> Tensor:
        return self.to(dtypes.int32)

    def short(self) -> Tensor:
        return self.to(dtypes.int16)

    def bool(self) -> Tensor:
        return self.to(dtypes.bool)

    def byte(self) -> Tensor:
        return self.to(dtypes.uint8)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def type(self, dtype: Any = None) -> Any:
        if dtype is None:
            return f"teachgrad.{dtypes.legacy_type_name(self.dtype)}"
        return self.to(dtypes.to_dtype(dtype))

    # ------------------------------------------------------------------ new tensors alike
    def new_tensor(self, data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        from teachgrad.creation import tensor

        return tensor(data, dtype=dtype or self.dtype, device=self.device,
                      requires_grad=requires_grad)

    def new_zeros(self, *size: Any, dtype: Any = None) -> Tensor:
        return self._new_filled(size, 0, dtype)

    def new_ones(self, *size: Any, dtype: Any = None) -> Tensor:
        return self._new_filled(size, 1, dtype)

    def new_full(self, size: Any, fill_value: Any, dtype: Any = None) -> Tensor:
        return self._new_filled((size,), fill_value, dtype)

    def new_empty(self, *size: Any, dtype: Any = None) -> Tensor:
        return self._new_filled(size, 0, dtype)

    def _new_filled(self, size: tuple, value: Any, dtype: Any) -> Tensor:
        if len(size) == 1 and isinstance(size[0], (tuple, list)):
            size = tuple(size[0])
        numpy_dtype = self._array.dtype if dtype is None else dtypes.to_dtype(dtype).numpy_dtype
        xp = array_module(self._array)
        return Tensor._make(xp.full(size, value, numpy_dtype))

    def __deepcopy__(self, memo: dict) -> Tensor:
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment. Use .detach() first."
            )
        copy = type(self)._make(self._array.copy())
        copy._requires_grad = self._requires_grad
        if self._grad is not None:
            copy._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = copy
        return copy

    def __reduce_ex__(self, protocol: int) -> tuple:
        return (_rebuild, (type(self), self.numpy(force=True), str(self.device),
                           self._requires_grad))


def _rebuild(cls: type, array: np.ndarray, device: str, requires_grad: bool) -> Tensor:
    tensor = cls._make(move_array(array, as_device(device)))
    tensor._requires_grad = requires_grad
    return tensor


def _init_slots(tensor: Tensor, array: Any) -> None:
    tensor._array = array
    tensor._requires_grad = False
    tensor._grad = None
    tensor.grad_fn = None
    tensor._output_nr = 0
    tensor._version_box = None
    tensor._accumulator = None
    tensor._hooks = None
    tensor._base = None
    tensor._retains_grad = False


def _wrap_dim(dim: int, ndim: int) -> int:
    """A dim that may be negative, checked against the tensor's number of dims."""
    low, high = -max(ndim, 1), max(ndim, 1) - 1
    if not low <= dim <= high:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})"
        )
    return dim + ndim if dim < 0 and ndim else dim


def _parse_to_args(args: tuple, kwargs: dict) -> tuple[Any, Any]:
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


# Methods and operators: the functions teachgrad exports, attached to the class. They
# are imported here, after Tensor exists, because the op modules build Tensors.
from teachgrad import methods as _methods  # noqa: E402

_methods.attach(Tensor)
