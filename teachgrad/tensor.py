"""Tensor: one NumPy (or CuPy) array plus what autograd needs to know about it.

`requires_grad`: whether gradients flow to it; `grad_fn`: the node that made it (None
for leaves); `grad`: where backward() adds its gradient. A version counter, shared
with its views, lets backward notice a saved tensor changed in place. The ops are
functions in teachgrad/ops/, attached as methods and operators by methods.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from teachgrad.autograd.engine import backward as autograd_backward
from teachgrad.tensor_autograd import check_grad_value, check_requires_grad, warn_non_leaf_grad
from teachgrad.tensor_description import Size, TensorDescription, _wrap_dim  # noqa: F401
from teachgrad.tensor_pickle import PickledAsArray, _rebuild  # noqa: F401 (old files name it)


class VersionCounter:
    """How many times the memory behind a tensor (and its views) was written in place;
    also weak references to those views (ops/views.py), to refresh after a write."""

    __slots__ = ("value", "views")

    def __init__(self) -> None:
        self.value = 0
        self.views: list | None = None


class Tensor(TensorDescription, PickledAsArray):
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
        check_requires_grad(self, requires_grad)  # a leaf, of a floating dtype
        if self.grad_fn is None:
            self._requires_grad = bool(requires_grad)
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self) -> Tensor | None:
        if self.grad_fn is not None and not self._retains_grad and self._grad is None:
            warn_non_leaf_grad()  # backward() will not fill it
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            check_grad_value(self, value)  # a Tensor of this tensor's shape
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
        """The version counter, made on first need: most tensors never need one."""
        box = self._version_box
        if box is None:
            box = self._version_box = VersionCounter()
        return box

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


# Methods and operators: the op functions and the tensor_*.py modules, attached to the
# class. They are imported here, after Tensor exists, because they build Tensors.
from teachgrad import methods as _methods  # noqa: E402

_methods.attach(Tensor)
