"""Function: an op that knows its own derivative, and the graph nodes it leaves behind.

Every differentiable op in teachgrad is a subclass of Function with two static
methods, forward and backward, written side by side. `Fn.apply(*inputs)` runs
forward and, when some input requires grad, records a node in the graph: an
instance of `Fn`'s backward class (`MulBackward0`, `MyReLUBackward`, ...). That node
is the `ctx` both methods receive and the `grad_fn` of every output.

The graph points backwards only: a node holds its inputs' nodes (next_functions)
and the tensors it saved, never its outputs. So dropping the last output frees the
whole graph at once, with no reference cycle left for the garbage collector.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any

from teachgrad.autograd.grad_mode import is_grad_enabled, no_grad
from teachgrad.numerics import float_errors_ignored


class Node:
    """A recorded op in the graph; also the `ctx` its forward and backward receive."""

    #: set on every Function's node class: the Function whose backward this node runs
    _function: type[Function]
    _name: str

    # Defaults live on the class so that creating a node (once per op) costs nothing;
    # apply and forward set on the instance only what they need.
    needs_input_grad: tuple[bool, ...] = ()
    next_functions: tuple[tuple[Node | None, int], ...] = ()
    materialize_grads = True
    _saved: list | tuple | None = ()  # records from save_for_backward; None once freed
    _non_differentiable: tuple = ()
    _output_meta: tuple = ()  # (shape, dtype) of each output, to build zero gradients
    _retained: list | None = None  # (output index, weakref) of outputs that retain_grad()
    _hooks: list | None = None  # (output index, hook) registered on outputs
    _sequence = -1  # when the node was recorded: see _next_sequence

    # ----- what forward calls on ctx -----
    def save_for_backward(self, *tensors: Any) -> None:
        """Keep these tensors for backward (inputs or outputs of forward, or None).

        Python numbers are kept as they are, so an op like `x * 2` can save its `2`
        next to the tensors it saves. Each tensor is kept with its version now, so
        that backward can tell whether it was changed in place since.
        """
        if self._sequence < 0:
            return  # apply records no node for this call: no backward will ask
        saved = []
        for item in tensors:
            if item is None or not hasattr(item, "_version_box"):  # None first: it is common
                saved.append(item)
            else:
                box = item._version_box
                saved.append(SavedInput((item, 0 if box is None else box.value)))
        self._saved = saved

    def mark_non_differentiable(self, *tensors: Any) -> None:
        """Outputs that carry no gradient (indices from argmax, say)."""
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward receives None (not zeros) for outputs that got no gradient."""
        self.materialize_grads = value

    # ----- what backward reads -----
    @property
    def saved_tensors(self) -> tuple:
        if self._saved is None:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved "
                "tensors after they have already been freed). Saved intermediate values of the "
                "graph are freed when you call .backward() or autograd.grad(). Specify "
                "retain_graph=True if you need to backward through the graph a second time or "
                "if you need to access saved tensors after calling backward."
            )
        # One loop with no helper calls for the common case: every backward reads these.
        tensors = []
        for saved in self._saved:
            kind = saved.__class__
            if kind is SavedInput:
                tensor, version = saved
                box = tensor._version_box  # None: never written in place, still version 0
                if box is not None and box.value != version:
                    _check_version(box.value, version, "an input", self)
                tensors.append(tensor)
            elif kind is SavedOutput:
                tensors.append(saved.unpack(self))
            else:
                tensors.append(saved)  # None or a Python number, kept as it was
        return tuple(tensors)

    # ----- graph introspection, as torch's nodes offer -----
    def name(self) -> str:
        return self._name

    def _sequence_nr(self) -> int:
        """The order in which nodes were recorded: backward runs the newest first."""
        return self._sequence

    def register_hook(self, hook: Any) -> None:
        raise NotImplementedError("register hooks on tensors: tensor.register_hook(fn)")

    def __repr__(self) -> str:
        return f"<{self._name} object at {hex(id(self))}>"


class SavedInput(tuple):
    """(tensor, its version when saved): an input of the node kept for backward.

    A bare tuple subclass rather than a class with __init__, because one is made for
    every tensor every op saves, and building a tuple costs a fraction of that.
    """

    __slots__ = ()


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


def _check_version(current: int, expected: int, what: str, node: Node) -> None:
    if current != expected:
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: {what} saved by {node.name()} is at version {current}; "
            f"expected version {expected} instead. Hint: do not change a tensor in place "
            "(add_, mul_, x[...] = v, -=) between the forward pass that used it and backward; "
            "use the out-of-place op (x = x + y) instead."
        )


class AccumulateGrad(Node):
    """The node that ends every path at a leaf: it adds the incoming gradient to leaf.grad."""

    _name = "torch::autograd::AccumulateGrad"
    variable: Any  # the leaf; set by accumulator_of

    def name(self) -> str:
        return self._name

    def _sequence_nr(self) -> int:
        # torch reports the largest 64-bit number for these (it runs them as soon as
        # they are ready); teachgrad's engine orders them by _sequence like other nodes.
        return 2**64 - 1

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


def accumulator_of(leaf: Any) -> AccumulateGrad:
    """The leaf's AccumulateGrad node, shared by every op that uses the leaf.

    The leaf keeps only a weak reference to it (the node holds the leaf strongly), so
    the node lives exactly as long as some graph uses it.
    """
    ref = leaf._accumulator
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad()  # no __init__: made once per leaf per graph, so kept lean
        node.variable = leaf
        node._sequence = _next_sequence()  # older than every op that will use it
        leaf._accumulator = weakref.ref(node)
    return node


# Numbers for nodes, counting up as they are recorded. A node's inputs were recorded
# before it, so running nodes newest first never runs one before all its gradients
# have arrived (teachgrad/autograd/engine.py).
_next_sequence = itertools.count().__next__


def edge_to(value: Any) -> tuple[Node | None, int]:
    """Where the gradient for this input goes: its grad_fn, its AccumulateGrad, or nowhere."""
    if not getattr(value, "_requires_grad", False):
        return (None, 0)
    if value.grad_fn is not None:
        return (value.grad_fn, value._output_nr)
    return (accumulator_of(value), 0)


class FunctionMeta(type):
    """Gives each Function subclass its own node class, named as torch names it."""

    def __init__(cls, name: str, bases: tuple, namespace: dict) -> None:
        super().__init__(name, bases, namespace)
        node_name = namespace.get("node_name", f"{name}Backward")
        cls._node_class = type(node_name, (Node,), {"_function": cls, "_name": node_name})


class Function(metaclass=FunctionMeta):
    """Subclass with `forward(ctx, *args)` and `backward(ctx, *grad_outputs)`, then `.apply`.

    forward runs with gradient recording off and may return arrays or tensors;
    backward gets one gradient per output and returns one per input (None for inputs
    that are not tensors or need no gradient).
    """

    @staticmethod
    def forward(ctx: Node, *args: Any) -> Any:
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx: Node, *grad_outputs: Any) -> Any:
        raise NotImplementedError("a Function subclass must define backward(ctx, *grads)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use "
            "new-style autograd function with static forward method: define forward and "
            "backward as @staticmethod and call MyFunction.apply(x) instead of MyFunction()(x)."
        )

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run forward on values; record a node when some input needs a gradient.

        teachgrad/fast/apply.py holds the same steps inlined for speed; the reference
        mode (teachgrad.fast.reference_mode) runs this one.
        """
        ctx = cls._node_class()
        needs = tuple(is_grad_enabled() and _requires_grad(arg) for arg in args)
        ctx.needs_input_grad = needs
        recording = any(needs)
        if recording:
            ctx.next_functions = tuple(edge_to(arg) for arg in args)
            ctx._sequence = _next_sequence()  # newer than its inputs' nodes, made above
        # forward computes values only: the ops it calls must not record a graph.
        with no_grad(), float_errors_ignored():
            result = cls.forward(ctx, *args)
        outputs = tuple(_as_output(value, args) for value in _as_tuple(result))
        if recording:
            _connect_outputs(ctx, outputs)
        return outputs if isinstance(result, tuple) else outputs[0]


def _requires_grad(value: Any) -> bool:
    return getattr(value, "_requires_grad", False)


def _as_tuple(result: Any) -> tuple:
    return result if isinstance(result, tuple) else (result,)



def _as_output(value: Any, args: tuple) -> Any:
    """Wrap an array forward returned; alias an input forward returned unchanged."""
    tensor_class = _TENSOR or _tensor_class()
    if not isinstance(value, tensor_class):
        return None if value is None else tensor_class._make(value)
    for arg in args:
        if value is arg:
            # The output gets this node as grad_fn; the input must keep its own.
            alias = tensor_class._make(value._array)
            alias._version_box = value._version_counter()
            return alias
    return value


def _tensor_class() -> type:
    # tensor.py imports this module, so Tensor is looked up on first use instead.
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
        if out is None:
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


def _record_saved_outputs(ctx: Node, outputs: tuple) -> None:
    """Saved tensors that forward returned become SavedOutput records (see SavedOutput)."""
    saved = ctx._saved
    for position, item in enumerate(saved):
        if item.__class__ is SavedInput:
            for index, out in enumerate(outputs):
                if out is item[0]:
                    saved[position] = SavedOutput(out, index)


def _contains(items: tuple, wanted: Any) -> bool:
    """Identity membership (`in` would call Tensor.__eq__, an elementwise op)."""
    for item in items:
        if item is wanted:
            return True
    return False
