"""Nodes whose next_functions are torch's: one edge per tensor input torch differentiates.

A Function's node gets an edge for every argument of forward, numbers and index
tensors included ((None, 0) for those). torch's nodes have edges only for the inputs
their derivative formula covers: ScatterBackward0 has two (self and src), not one for
dim and one for index too. A Function that lists those positions in `_edges` records
only them, and its backward's answer is cut to the same positions, so a graph printed
or walked (grad_fn.next_functions) looks as torch's does.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function


class TorchEdges(Function):
    """A Function whose node keeps the edges of the inputs at `_edges` only."""

    _edges: tuple[int, ...] = (0,)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("backward")
        if own is None:  # (a renamed variant: its parent's backward is wrapped already)
            return
        formula = own.__func__ if isinstance(own, staticmethod) else own

        def backward(ctx: Any, *grads: Any) -> Any:
            result = formula(ctx, *grads)
            kept = getattr(ctx, "_kept_edges", None)
            if kept is None:
                return result
            result = result if isinstance(result, tuple) else (result,)
            return tuple(result[position] for position in kept)

        backward.__doc__ = formula.__doc__
        cls.backward = staticmethod(backward)

    @classmethod
    def apply(cls, *args: Any) -> Any:
        result = super().apply(*args)
        for output in result if isinstance(result, tuple) else (result,):
            node = getattr(output, "grad_fn", None)
            if node is not None and node._function is cls and \
                    len(node.next_functions) == len(args):
                node.next_functions = tuple(node.next_functions[p] for p in cls._edges)
                node._kept_edges = cls._edges
                break
        return result
