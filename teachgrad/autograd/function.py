"""Function: an op that knows its own derivative, and the graph nodes it leaves behind.

`Fn.apply(*inputs)` runs Fn.forward and, when some input requires grad, records a
node (`MulBackward0`, ...): the `ctx` both static methods receive and the grad_fn of
the outputs. A node holds its inputs' nodes and what it saved, never its outputs, so
dropping the last output frees the whole graph, with no reference cycle.
"""

from __future__ import annotations

import weakref
from typing import Any

from teachgrad.autograd.context_options import ContextOptions
from teachgrad.autograd.grad_mode import is_grad_enabled, no_grad
from teachgrad.autograd.graph import GraphNode, _next_sequence
from teachgrad.autograd.outputs import SavedOutput, _as_output, _connect_outputs, _outputs_of
from teachgrad.autograd.saved import FREED, SavedInput, _check_version
from teachgrad.numerics import float_errors_ignored


class Node(ContextOptions, GraphNode):
    """A recorded op in the graph; also the `ctx` its forward and backward receive."""

    _function: type[Function]  # the Function whose backward this node runs

    # Defaults on the class, so that making a node (once per op) costs nothing.
    needs_input_grad: tuple[bool, ...] = ()
    next_functions: tuple[tuple[Node | None, int], ...] = ()
    _saved: list | tuple | None = ()  # records from save_for_backward; None once freed
    _output_meta: tuple = ()  # (shape, dtype) of each output, to build zero gradients
    _retained: list | None = None  # (output index, weakref) of outputs that retain_grad()
    _hooks: list | None = None  # (output index, hook) registered on outputs
    _sequence = -1  # when the node was recorded: see _next_sequence

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep these tensors (or None, or numbers) for backward; call it once, in forward.

        Each tensor is kept with its version now, so backward can tell whether it was
        changed in place since.

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

    @property
    def saved_tensors(self) -> tuple:
        """What save_for_backward kept, each checked not to be changed in place since.

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
            >>> _ = x.detach().add_(1)  # x's memory, changed in place: backward refuses
            >>> y.backward()  # doctest: +IGNORE_EXCEPTION_DETAIL
            Traceback (most recent call last):
            RuntimeError: one of the variables needed for gradient computation has been modified
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
        return 2**64 - 1  # what torch reports; teachgrad's engine orders by _sequence


def accumulator_of(leaf: Any) -> AccumulateGrad:
    """The leaf's AccumulateGrad node, shared by the ops that use it (held weakly by
    the leaf, so it lives as long as some graph uses it)."""
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
    """Subclass with `forward(ctx, *args)` and `backward(ctx, *grad_outputs)`; call `.apply`.

    forward runs with recording off; backward gets one gradient per output and returns
    one per input: None where `ctx.needs_input_grad` is False.

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
        raise RuntimeError("Legacy autograd function with non-static forward method is "
                           "deprecated. Please use new-style autograd function with static "
                           "forward method: define forward and backward as @staticmethod and "
                           "call MyFunction.apply(x) instead of MyFunction()(x).")

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run forward; record a node when some input needs a gradient.

        (teachgrad/fast/apply.py is the same steps inlined for speed.)
        """
        ctx = cls._node_class()
        needs = tuple(is_grad_enabled() and getattr(arg, "_requires_grad", False)
                      for arg in args)
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
