"""In-place ops through a view: `b[0].mul_(2)` changes b, so b's history must change too.

A view shares its base's memory, so writing into the view writes into the base. When
autograd records the write, both tensors get a new history, as in torch:

- the base becomes the output of a CopySlices node: its old values everywhere but
  where the view lies, and the op's result there. Backward sends the gradient of the
  untouched places to the base's old history and the rest to the op's node;
- the view becomes the output of an AsStridedBackward0 node on the new base: the
  elements of the base it covers, picked by their positions;
- so does every other live view of the base (refresh_views): their values changed
  too. The same holds after a write to the base itself.

Where a view lies in its base is found once, from the memory addresses (`positions`),
as one index array: the flat (row-major) position in the base of each view element.
Every node here works with that array, so any view (a slice, a transpose, a diagonal,
a view of a view) is handled alike.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.autograd.outputs import SavedOutput
from teachgrad.device import array_module
from teachgrad.ops.views import live_views
from teachgrad.ops.where import where
from teachgrad.tensor import Tensor


def _address(array: Any) -> int:
    """Where an array's first element lies in memory (CuPy: .data.ptr)."""
    pointer = getattr(array.data, "ptr", None)
    return array.__array_interface__["data"][0] if pointer is None else pointer


def _offsets(array: Any, start: int) -> Any:
    """The byte offset of each element of array from `start`, in array's shape."""
    xp = array_module(array)
    offsets = xp.full(array.shape, _address(array) - start, dtype=xp.int64)
    for axis, (size, stride) in enumerate(zip(array.shape, array.strides)):
        steps = xp.arange(size, dtype=xp.int64) * stride
        offsets = offsets + steps.reshape((size,) + (1,) * (array.ndim - axis - 1))
    return offsets


def positions(view: Any, base: Any) -> Any:
    """For each element of `view`, its flat row-major position in `base` (same memory)."""
    xp = array_module(base)
    itemsize = max(base.itemsize, 1)
    offsets = _offsets(view, _address(base)) // itemsize
    if base.flags.c_contiguous:
        return offsets
    # A base with its own strides (a transposed array, say): a table from each memory
    # slot the base spans to the flat position of the base element stored there.
    slots = _offsets(base, _address(base)).reshape(-1) // itemsize
    low = int(slots.min()) if slots.size else 0
    table = xp.zeros(int(slots.max()) - low + 1 if slots.size else 0, dtype=xp.int64)
    table[slots - low] = xp.arange(slots.size, dtype=xp.int64)
    return table[offsets - low]


class AsStrided(Function):
    """The elements of a base at given flat positions: how a view reads its base."""

    node_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx: Node, base: Tensor, index: Any, values: Any = None) -> Any:
        ctx.index, ctx.base_shape = index, base._array.shape
        # values: the elements already read (the caller has them), else gathered here
        return base._array.reshape(-1)[index] if values is None else values

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return AsStridedScatter.apply(grad, ctx.index, ctx.base_shape), None, None


class AsStridedScatter(Function):
    """Zeros the base's shape with `values` at the positions: AsStrided's backward."""

    node_name = "AsStridedScatterBackward0"

    @staticmethod
    def forward(ctx: Node, values: Tensor, index: Any, shape: tuple) -> Any:
        ctx.index = index
        array = values._array
        xp = array_module(array)
        out = xp.zeros(int(_numel(shape)), dtype=array.dtype)
        # added, not assigned: a view that repeats elements (expand, unfold) sends each
        # base element the sum of its copies' gradients
        xp.add.at(out, index.reshape(-1), array.reshape(-1))
        return out.reshape(shape)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        return AsStrided.apply(grad, ctx.index, None), None, None


class WriteThroughView(Function):
    """The base after a write through its view: the base's old values, the op's result
    at the view's positions. forward gets the base already written (the op wrote
    through the view) and returns it; the node only routes gradients."""

    node_name = "CopySlices"

    @staticmethod
    def forward(ctx: Node, base: Tensor, index: Any, value: Tensor) -> Any:
        ctx.index = index
        return base

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        grad_base = grad_value = None
        if ctx.needs_input_grad[0]:  # the overwritten places: no longer the old base's
            written = array_module(grad._array).zeros(grad._array.size, dtype=bool)
            written[ctx.index.reshape(-1)] = True
            grad_base = where(Tensor._make(written.reshape(grad._array.shape)), 0.0, grad)
        if ctx.needs_input_grad[2]:
            grad_value = AsStrided.apply(grad, ctx.index, None)
        return grad_base, None, grad_value


def _numel(shape: tuple) -> int:
    count = 1
    for size in shape:
        count *= size
    return count


def old_values(view: Tensor) -> tuple[Tensor, Any]:
    """(the view's values now, as a new tensor in its base's graph; the positions).

    Read through the base's history as it is now, not the view's own grad_fn: the base
    may have been written in place since the view was made."""
    index = positions(view._array, view._base._array)
    return AsStrided.apply(view._base, index, view._array.copy()), index


def rebase(view: Tensor, index: Any, result: Tensor) -> None:
    """After `result` was written through `view`: the base becomes CopySlices' output,
    and the view AsStrided's output on that new base."""
    base = view._base
    written = WriteThroughView.apply(base, index, result)
    base.grad_fn, base._output_nr, base._requires_grad = written.grad_fn, 0, True
    read = AsStrided.apply(base, index, view._array)
    view.grad_fn, view._output_nr, view._requires_grad = read.grad_fn, 0, True


def refresh_views(base: Tensor, required_grad: bool, written: Tensor | None = None) -> None:
    """After a recorded write to `base` (or through its view `written`): every other live
    view now holds values that come from the base's new history, so it gets a new
    grad_fn, AsStrided on the base, as torch gives it (torch does it lazily, when it
    finds the view's version moved; here it is done once, at the write). Without it, a
    view would still send its gradient through the history the base had before.

    required_grad: whether the base required grad before the write. A view of such a
    base with no grad_fn was made under no_grad. torch refuses to differentiate it, and
    a piece of split/chunk/unbind: those get a RefusedView node that says why."""
    for view in live_views(base):
        if view is written:
            continue
        node = view.grad_fn
        refusal = _refusal(view, node, required_grad)
        read = (AsStrided if refusal is None else RefusedView).apply(
            base, positions(view._array, base._array), view._array)
        read.grad_fn.refusal = refusal
        view.grad_fn, view._output_nr, view._requires_grad = read.grad_fn, 0, True


def _refusal(view: Tensor, node: Node | None, required_grad: bool) -> str | None:
    """Why torch refuses to differentiate `view` now that its base was written, or None."""
    if node is None:
        return _NO_GRAD_VIEW if required_grad else None
    if node._function is RefusedView:
        return node.refusal
    if node.name() in MULTI_VIEW_NODES:
        return (f"Output {view._output_nr} of {node.name().removesuffix('Backward0')} is a "
                f"view and its base or another view of its base has been modified inplace. "
                f"This view is the output of a function that returns multiple views. Such "
                f"functions do not allow the output views to be modified inplace. You should "
                f"replace the inplace operation by an out-of-place one, or clone() the pieces.")
    return None


_NO_GRAD_VIEW = (
    "A view was created in no_grad mode and its base or another view of its base has been "
    "modified inplace with grad mode enabled. Given that this use case is ambiguous and "
    "error-prone, it is forbidden. You can clarify your code by moving both the view and "
    "the inplace either both inside the no_grad block (if you don't want the inplace to be "
    "tracked) or both outside (if you want the inplace to be tracked).")

#: the nodes of functions that return several views of one tensor
MULTI_VIEW_NODES = ("SplitBackward0", "SplitWithSizesBackward0", "UnbindBackward0")


class RefusedView(AsStrided):
    """A view that torch refuses to differentiate once its base was written (see
    refresh_views). torch raises when the view's grad_fn is read; teachgrad, when the
    view is written in place or when backward reaches this node."""

    node_name = "AsStridedBackward0"

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        raise RuntimeError(ctx.refusal)


def saved_output_is(x: Tensor, result: Tensor) -> None:
    """An op that saved its output (exp_ keeps exp(x)) now saves x, at x's version now.

    The result was computed in new memory and copied into x; backward must read x, and
    notice (as torch does) when a later in-place op changes it.
    """
    node = result.grad_fn
    for saved in (node._saved or ()) if node is not None else ():
        if saved.__class__ is SavedOutput and saved.array is result._array:
            saved.array, saved.version_box = x._array, x._version_counter()
            saved.version = saved.version_box.value
