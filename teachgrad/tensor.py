"""Tensor: one NumPy (or CuPy) array plus what autograd needs to know about it.

The array holds the values. `requires_grad` says whether gradients should flow to
this tensor, `grad_fn` is the graph node that produced it (None for leaves: tensors
the user created), and `grad` receives the gradient after backward(). A version
counter, shared with every view of the same memory, lets backward notice that a
tensor it saved was changed in place since.

Ops live in teachgrad/ops/: each is a Function with its forward and backward side by
side. teachgrad/methods.py attaches those same functions to Tensor as methods and
operators, so `x.exp()` and `teachgrad.exp(x)` run the same code, and the long tail
of torch's Tensor API from the tensor_*.py modules beside this one.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from teachgrad import dtypes
from teachgrad.autograd.engine import backward as autograd_backward
from teachgrad.device import as_device, device_of, move_array


class VersionCounter:
    """How many times the memory behind a tensor (and its views) was written in place.

    Shared by a tensor and its views, it also keeps weak references to those views
    (ops/views.py), so that a recorded write can give each a new history.
    """

    __slots__ = ("value", "views")

    def __init__(self) -> None:
        self.value = 0
        self.views: list | None = None


class Size(tuple):
    """A tensor's shape: a tuple that prints as teachgrad.Size([3, 4])."""

    def __repr__(self) -> str:
        return f"teachgrad.Size({list(self)})"

    def numel(self) -> int:
        return math.prod(self)


class Tensor:
    # A tensor's fields: what each one holds is in _init_slots, below the class.
    __slots__ = ("_array", "_requires_grad", "_grad", "grad_fn", "_output_nr", "_version_box",
                 "_accumulator", "_hooks", "_base", "_retains_grad", "__weakref__")

    @classmethod
    def _make(cls, array: Any, requires_grad: bool = False) -> Tensor:
        """Wrap an array without copying: the constructor every op uses.

        (Tensor(data) and Tensor(2, 3), torch's legacy constructor, are in tensor_new.py.)
        """
        if array.__class__ is not np.ndarray and isinstance(array, np.generic):
            array = np.asarray(array)  # NumPy reductions return scalars, not 0-d arrays
        tensor = object.__new__(cls)
        _init_slots(tensor, array)
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

    def backward(self, gradient: Tensor | None = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Any = None) -> None:
        """Compute d(self)/d(leaf) for every leaf that requires grad; add it to leaf.grad."""
        autograd_backward(self, gradient, retain_graph, create_graph, inputs)

    def detach(self) -> Tensor:
        """The same memory, cut off from the graph (and sharing the version counter)."""
        alias = Tensor._make(self._array)
        alias._version_box = self._version_counter()
        return alias

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

    def numel(self) -> int:
        return self._array.size

    def __repr__(self) -> str:
        from teachgrad.printing import tensor_repr

        values = self._array if type(self._array) is np.ndarray else self._array.get()
        grad_fn_name = self.grad_fn.name() if self.grad_fn is not None else None
        return tensor_repr(values, dtype_name=self.dtype.name, device=str(self.device),
                           requires_grad=self._requires_grad, grad_fn_name=grad_fn_name)

    __hash__ = object.__hash__

    # ------------------------------------------------------------------ NumPy, and pickle
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

    def __reduce_ex__(self, protocol: int) -> tuple:
        # pickle (teachgrad.save) stores the values as a NumPy array and names _rebuild by
        # its path, teachgrad.tensor._rebuild: saved files depend on that path.
        return (_rebuild, (type(self), self.numpy(force=True), str(self.device),
                           self._requires_grad))


def _rebuild(cls: type, array: np.ndarray, device: str, requires_grad: bool) -> Tensor:
    tensor = cls._make(move_array(array, as_device(device)))
    tensor._requires_grad = requires_grad
    return tensor


def _init_slots(tensor: Tensor, array: Any) -> None:
    """Every field at its start: a leaf holding `array` that does not require grad."""
    tensor._array = array  # the values: numpy.ndarray on the CPU, cupy.ndarray on a GPU
    tensor._requires_grad = False
    tensor._grad = None  # .grad: where backward() adds up this tensor's gradient
    tensor.grad_fn = None  # the Node that made this tensor, or None for a leaf
    tensor._output_nr = 0  # which output of grad_fn this tensor is
    tensor._version_box = None  # VersionCounter, shared with views; made on first need
    tensor._accumulator = None  # weakref to this leaf's AccumulateGrad node
    tensor._hooks = None  # hooks on a leaf's gradient
    tensor._base = None  # the tensor whose memory this view shares (its root base), or None
    tensor._retains_grad = False  # whether retain_grad() was called


def _wrap_dim(dim: int, ndim: int) -> int:
    """A dim that may be negative, checked against the tensor's number of dims."""
    low, high = -max(ndim, 1), max(ndim, 1) - 1
    if not low <= dim <= high:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})"
        )
    return dim + ndim if dim < 0 and ndim else dim


# Methods and operators: the op functions and the tensor_*.py modules, attached to the
# class. They are imported here, after Tensor exists, because they build Tensors.
from teachgrad import methods as _methods  # noqa: E402

_methods.attach(Tensor)
