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

import weakref
from typing import Any

from teachgrad.autograd.grad_mode import is_grad_enabled, no_grad
from teachgrad.autograd.graph import GraphNode, _next_sequence
from teachgrad.autograd.outputs import SavedOutput, _as_output, _connect_outputs, _outputs_of
from teachgrad.autograd.saved import FREED, SavedInput, _check_version
from teachgrad.numerics import float_errors_ignored


class Node(GraphNode):
    """A recorded op in the graph; also the `ctx` its forward and backward receive."""

    #: set on every Function's node class: the Function whose backward this node runs
    _function: type[Function]

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

        Call it once, in forward. Python numbers are kept as they are, so an op like
        `x * 2` can save its `2` next to its tensors. Each tensor is kept with its
        version now, so that backward can tell whether it was changed in place since.

        Examples::

            >>> import teachgrad
            >>> class Cube(teachgrad.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.save_for_backward(x)
            ...         return x ** 3
            ...     @staticmethod
            ...     def backward(ctx, grad_output):
            ...         (x,) = ctx.saved_tensors
            ...         return grad_output * 3 * x ** 2
            >>> x = teachgrad.tensor([1., 2.], requires_grad=True)
            >>> Cube.apply(x).sum().backward()
            >>> x.grad
            tensor([ 3., 12.])
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
        """Mark outputs of forward that carry no gradient (a mask, indices, say).

        Call it in forward, on tensors forward returns: they get requires_grad=False,
        and backward still takes a gradient for each (zeros), to be ignored.

        Examples::

            >>> import teachgrad
            >>> class ReluAndMask(teachgrad.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         mask = (x > 0).float()
            ...         ctx.mark_non_differentiable(mask)
            ...         ctx.save_for_backward(mask)
            ...         return x.clamp(min=0), mask
            ...     @staticmethod
            ...     def backward(ctx, grad_output, grad_mask):
            ...         (mask,) = ctx.saved_tensors
            ...         return grad_output * mask
            >>> x = teachgrad.tensor([-1., 2.], requires_grad=True)
            >>> out, mask = ReluAndMask.apply(x)
            >>> out, mask
            (tensor([0., 2.], grad_fn=<ReluAndMaskBackward>), tensor([0., 1.]))
        """
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward receives None (not zeros) for outputs that got no gradient.

        By default an output that no path of the backward pass reaches gets a zero
        gradient, so backward can always do arithmetic; None saves making the zeros.

        Examples::

            >>> import teachgrad
            >>> class DoubleAndTriple(teachgrad.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.set_materialize_grads(False)
            ...         return x * 2, x * 3
            ...     @staticmethod
            ...     def backward(ctx, grad_double, grad_triple):
            ...         print(grad_double, grad_triple)
            ...         return grad_double * 2
            >>> double, triple = DoubleAndTriple.apply(teachgrad.ones(1, requires_grad=True))
            >>> double.sum().backward()
            tensor([1.]) None
        """
        self.materialize_grads = value

    # ----- what backward reads -----
    # saved_tensors is one loop with no helper calls for the common case (an input
    # never changed in place): every backward reads it.
    @property
    def saved_tensors(self) -> tuple:
        """The tensors save_for_backward kept, each checked not to be changed in place since.

        Examples::

            >>> import teachgrad
            >>> class Square(teachgrad.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.save_for_backward(x)
            ...         return x * x
            ...     @staticmethod
            ...     def backward(ctx, grad_output):
            ...         (x,) = ctx.saved_tensors
            ...         return 2 * x * grad_output
            >>> x = teachgrad.tensor([3.], requires_grad=True)
            >>> y = Square.apply(x)
            >>> y.grad_fn.saved_tensors
            (tensor([3.], requires_grad=True),)
            >>> _ = x.detach().add_(1)  # x's memory, changed in place
            >>> y.backward()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            RuntimeError: one of the variables needed for gradient computation has been modified ...
        """
        if self._saved is None:
            raise RuntimeError(FREED)  # backward freed them (retain_graph=False)
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


class AccumulateGrad(Node):
    """The node that ends every path at a leaf: it adds the incoming gradient to leaf.grad."""

    _name = "torch::autograd::AccumulateGrad"
    variable: Any  # the leaf; set by accumulator_of

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
    backward gets one gradient per output and returns one per input: None for an
    input that is not a tensor or needs no gradient (`ctx.needs_input_grad` holds one
    bool per input). Call the op as `MyFn.apply(*args)`, which records the node: the
    `ctx` both methods receive and the grad_fn of the outputs.

    Examples::

        >>> import teachgrad
        >>> class MyMul(teachgrad.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, a, b):
        ...         ctx.save_for_backward(a, b)
        ...         return a * b
        ...     @staticmethod
        ...     def backward(ctx, grad_output):
        ...         a, b = ctx.saved_tensors
        ...         print("needs_input_grad:", ctx.needs_input_grad)
        ...         grad_a = grad_output * b if ctx.needs_input_grad[0] else None
        ...         grad_b = grad_output * a if ctx.needs_input_grad[1] else None
        ...         return grad_a, grad_b
        >>> a = teachgrad.tensor([2., 3.], requires_grad=True)
        >>> y = MyMul.apply(a, teachgrad.tensor([5., 7.]))
        >>> y
        tensor([10., 21.], grad_fn=<MyMulBackward>)
        >>> y.sum().backward()
        needs_input_grad: (True, False)
        >>> a.grad
        tensor([5., 7.])
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
        outputs = tuple(_as_output(value, args) for value in _outputs_of(result))
        if recording:
            _connect_outputs(ctx, outputs)
        return outputs if isinstance(result, tuple) else outputs[0]


def _requires_grad(value: Any) -> bool:
    return getattr(value, "_requires_grad", False)
