"""What apply does with forward's results: the op's outputs, connected to its node.

forward may return arrays or tensors, one or a tuple. Each array becomes a tensor;
an input returned unchanged becomes a new tensor on the same memory, because the
output gets the new node as grad_fn and the input must keep its own. Each floating
output that forward did not mark non-differentiable gets the node as grad_fn.

An output that forward also saved for backward is kept as a SavedOutput record
rather than as the tensor itself, to keep the graph free of reference cycles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from teachgrad.autograd.saved import SavedInput, _check_version

if TYPE_CHECKING:
    from teachgrad.autograd.function import Node


def _as_output(value: Any, args: tuple) -> Any:
    """Wrap an array forward returned; alias an input forward returned unchanged."""
    tensor_class = _TENSOR or _tensor_class()
    if not isinstance(value, tensor_class):
        if value is None or type(value) in _PYTHON_NUMBERS:  # (not NumPy's float64)
            return value  # a Python number forward returned passes through, as in torch
        return tensor_class._make(value)
    for arg in args:
        if value is arg:
            # The output gets this node as grad_fn; the input must keep its own.
            alias = tensor_class._make(value._array)
            alias._version_box = value._version_counter()
            return alias
    return value


_PYTHON_NUMBERS = (bool, int, float, complex)


def _outputs_of(result: Any) -> tuple:
    return result if isinstance(result, tuple) else (result,)


def _tensor_class() -> type:
    # tensor.py imports autograd (engine -> function -> this module), so Tensor is
    # looked up on first use instead.
    global _TENSOR
    if _TENSOR is None:
        from teachgrad.tensor import Tensor

        _TENSOR = Tensor
    return _TENSOR


_TENSOR = None


def _connect_outputs(ctx: Node, outputs: tuple) -> None:
    """Make ctx the grad_fn of each floating output; turn what forward saved into records."""
    meta = []
    non_differentiable = ctx._non_differentiable
    for index, out in enumerate(outputs):
        if not isinstance(out, _TENSOR or _tensor_class()):  # None, or a Python number
            meta.append(None)
            continue
        array = out._array
        meta.append((array.shape, array.dtype))
        if array.dtype.kind == "f" and not _contains(non_differentiable, out):
            out.grad_fn = ctx
            out._requires_grad = True
            out._output_nr = index
    ctx._output_meta = tuple(meta)
    _record_saved_outputs(ctx, outputs)


def _contains(items: tuple, wanted: Any) -> bool:
    """Identity membership (`in` would call Tensor.__eq__, an elementwise op)."""
    for item in items:
        if item is wanted:
            return True
    return False

class SavedOutput:
    """An output of the node kept for backward, with the version it had when saved.

    It holds the output's array, not the output tensor: that tensor's grad_fn is this
    node, so keeping it would make a reference cycle. Backward rebuilds the tensor.
    """

    __slots__ = ("array", "version_box", "version", "requires_grad", "output_nr")

    def __init__(self, tensor: Any, output_nr: int) -> None:
        self.array = tensor._array
        self.version_box = tensor._version_counter()
        self.version = self.version_box.value
        self.requires_grad = tensor._requires_grad
        self.output_nr = output_nr

    def unpack(self, node: Node) -> Any:
        _check_version(self.version_box.value, self.version, "an output", node)
        tensor = _tensor_class()._make(self.array)
        tensor._version_box = self.version_box
        if self.requires_grad:
            tensor._requires_grad = True
            tensor.grad_fn = node
            tensor._output_nr = self.output_nr
        return tensor


def _record_saved_outputs(ctx: Node, outputs: tuple) -> None:
    """Saved tensors that forward returned become SavedOutput records (see SavedOutput)."""
    saved = ctx._saved
    for position, item in enumerate(saved):
        if item.__class__ is SavedInput:
            for index, out in enumerate(outputs):
                if out is item[0]:
                    saved[position] = SavedOutput(out, index)

