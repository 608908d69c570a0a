"""The gradients at a node's edges: where backward starts, and what each node passes on.

The engine (teachgrad/autograd/engine.py) moves gradients from node to node; the
functions here make and check them:
- _root_gradients: the gradients backward starts from (1 for a one-element output,
  or the `gradient=` given), checked against the outputs;
- _checked: what a backward formula returned for an input, checked against that
  input's shape and cast to its dtype;
- _apply_output_hooks and _materialize: what a node's output gradients go through
  before its formula runs: tensor hooks and retain_grad, then zeros for outputs
  that got none.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import AccumulateGrad, Node
from teachgrad.autograd.outputs import _tensor_class
from teachgrad.device import array_module


def _as_tuple(value: Any, length: int | None = None) -> tuple:
    if value is None:
        return (None,) * (length or 0)
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,)



def _root_gradients(roots: tuple, given: tuple) -> list:
    Tensor = _tensor_class()  # noqa: N806 (tensor.py imports autograd: looked up on use)
    grads = []
    for index, (root, grad_value) in enumerate(zip(roots, given)):
        if not root._requires_grad:
            raise RuntimeError(
                f"element {index} of tensors does not require grad and does not have a grad_fn"
            )
        if grad_value is None:
            array = root._array
            if array.size != 1:
                raise RuntimeError(
                    "grad can be implicitly created only for scalar outputs (this output has "
                    f"shape {list(root.shape)}). Pass gradient= with the output's shape, or "
                    "reduce the output first, e.g. out.sum().backward()."
                )
            ones = array_module(array).empty(array.shape, array.dtype)
            ones.fill(1)  # xp.ones is Python code around these two calls
            grad_value = Tensor._make(ones)
        elif not isinstance(grad_value, Tensor):
            grad_value = Tensor._make(root._array.dtype.type(grad_value) + 0 * root._array)
        elif grad_value.shape != root.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{index}] has a shape of {grad_value.shape} "
                f"and output[{index}] has a shape of {root.shape}."
            )
        grads.append(grad_value)
    return grads


def _checked(node: Node, child: Node, output_nr: int, grad_value: Any) -> Any:
    """The gradient must match the shape of the tensor it is for; cast it to its dtype."""
    if child.__class__ is AccumulateGrad:
        shape, dtype = child.variable._array.shape, child.variable._array.dtype
    else:
        shape, dtype = child._output_meta[output_nr]
    try:
        array = grad_value._array
    except AttributeError:
        kind = type(grad_value)
        raise RuntimeError(f"expected Variable or None (got {kind.__module__}.{kind.__name__})"
                           f": {node.name()}'s backward must return tensors (wrap an array "
                           "with teachgrad.from_numpy)") from None
    if array.shape == shape and (array.dtype is dtype or array.dtype == dtype):
        return grad_value
    if array.shape != shape:
        raise RuntimeError(
            f"Function {node.name()} returned an invalid gradient - got {list(array.shape)} "
            f"but expected shape compatible with {list(shape)}. backward must return one "
            "gradient per input, each with the shape of that input."
        )
    if array.dtype != dtype:
        grad_value = grad_value.to(dtype=_teachgrad_dtype(dtype))
    return grad_value


def _teachgrad_dtype(numpy_dtype: Any) -> Any:
    from teachgrad.dtypes import from_numpy_dtype

    return from_numpy_dtype(numpy_dtype)


def _apply_leaf_hooks(leaf: Any, grad_value: Any) -> Any:
    """The gradient after the leaf's hooks (register_hook), each may replace it."""
    for hook in leaf._hooks or ():
        replaced = hook(grad_value)
        if replaced is not None:
            grad_value = replaced
    return grad_value


def _apply_output_hooks(node: Node, grads: list) -> None:
    if node._hooks:
        for output_nr, hook in node._hooks:
            if grads[output_nr] is not None:
                replaced = hook(grads[output_nr])
                if replaced is not None:
                    grads[output_nr] = replaced
    if node._retained:
        for output_nr, tensor_ref in node._retained:
            tensor = tensor_ref()
            if tensor is not None and grads[output_nr] is not None:
                new = grads[output_nr]
                tensor._grad = new.clone() if tensor._grad is None else tensor._grad + new


def _has_missing(grads: list) -> bool:
    for grad_value in grads:  # not `None in grads`: that would call Tensor.__eq__
        if grad_value is None:
            return True
    return False


def _materialize(node: Node, grads: list) -> None:
    """Outputs that got no gradient get zeros, so backward can always do arithmetic."""
    if not node.materialize_grads:
        return
    # At least one gradient arrived (the node is in the buffers): it tells the device.
    xp = array_module(next(g for g in grads if g is not None)._array)
    for index, grad_value in enumerate(grads):
        if grad_value is None and node._output_meta[index] is not None:
            shape, dtype = node._output_meta[index]
            grads[index] = _tensor_class()._make(xp.zeros(shape, dtype))
