"""teachgrad.autograd.functional: derivatives of a whole function, as torch.autograd.functional.

Each takes a Python function of tensors and the point to differentiate it at:
- vjp(f, x, v): v^T J, one backward pass (what .backward(v) computes);
- jvp(f, x, v): J v, by the "double backward" trick: the vjp u -> u^T J is linear in u,
  so differentiating it with respect to u, in direction v, gives J v;
- jacobian(f, x): the whole J, one backward pass per output element;
- hessian(f, x): the jacobian of the gradient; vhp and hvp: its products with v.

Inputs are detached copies that require grad, so f's graph starts at them and the
caller's tensors are left alone; with create_graph=True the results keep a graph
back to the caller's inputs, to be differentiated again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from teachgrad.autograd.engine_grad import grad as autograd_grad
from teachgrad.autograd.grad_mode import enable_grad
from teachgrad.ops.joining import stack
from teachgrad.tensor import Tensor

Tensors = Tensor | tuple[Tensor, ...]


def vjp(func: Callable, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Tensors, Tensors]:
    """(func(inputs), v^T J): the vector-Jacobian product at inputs.

    Examples::

        >>> import teachgrad
        >>> from teachgrad.autograd.functional import vjp
        >>> vjp(lambda x: x ** 2, teachgrad.tensor([1., 2.]), teachgrad.ones(2))
        (tensor([1., 4.]), tensor([2., 4.]))
    """
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
    inputs = _prepare(inputs, create_graph)
    with enable_grad():
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                           "vjp")
        _check_differentiable(outputs, strict, "outputs")
        vs = _vectors(v, outputs, "the user-provided function returns")
        grads = _grads(outputs, inputs, vs, create_graph, strict)
    return (_result(outputs, outputs_tuple, create_graph),
            _result(grads, inputs_tuple, create_graph))


def jvp(func: Callable, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Tensors, Tensors]:
    """(func(inputs), J v): the Jacobian-vector product at inputs.

    Examples::

        >>> import teachgrad
        >>> from teachgrad.autograd.functional import jvp
        >>> jvp(lambda x: x ** 2, teachgrad.tensor([1., 2.]), teachgrad.tensor([1., 0.]))
        (tensor([1., 4.]), tensor([2., 0.]))
    """
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
    vs = _vectors(v, inputs, "the input to the user-provided function is")
    inputs = _prepare(inputs, create_graph)
    with enable_grad():
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                           "jvp")
        _check_differentiable(outputs, strict, "outputs")
        # u^T J is linear in u: its derivative with respect to u, in direction v, is J v.
        dummies = tuple(out.new_zeros(out.shape).requires_grad_() for out in outputs)
        vjps = _grads(outputs, inputs, dummies, True, strict)
        grads = _grads(vjps, dummies, vs, create_graph, strict)
    return (_result(outputs, outputs_tuple, create_graph),
            _result(grads, outputs_tuple, create_graph))


def jacobian(func: Callable, inputs: Tensors, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """d func(inputs) / d inputs, of shape output.shape + input.shape for each pair.

    A tuple per output when func returns a tuple, and within it one entry per input when
    inputs is a tuple. One backward pass per output element (reverse mode).

    Examples::

        >>> import teachgrad
        >>> from teachgrad.autograd.functional import jacobian
        >>> jacobian(lambda x: x ** 2, teachgrad.tensor([1., 2.]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more '
            'performant. Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        raise NotImplementedError(
            "Computing Jacobian using forward-AD or forward-over-reverse Hessian is only "
            "implemented for `vectorize=True` in torch; teachgrad has no forward-mode AD. "
            "Use strategy='reverse-mode'.")
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    inputs = _prepare(inputs, create_graph)
    with enable_grad():
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                           "jacobian")
        _check_differentiable(outputs, strict, "outputs")
        rows = tuple(_jacobian_rows(out, inputs, create_graph, strict) for out in outputs)
    rows = tuple(_result(row, inputs_tuple, create_graph) for row in rows)
    return rows if outputs_tuple else rows[0]


def hessian(func: Callable, inputs: Tensors, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The matrix of second derivatives of a scalar func at inputs: the jacobian of its
    gradient, of shape input.shape + input.shape (a tuple of tuples for several inputs).

    Examples::

        >>> import teachgrad
        >>> from teachgrad.autograd.functional import hessian
        >>> hessian(lambda x: (x ** 3).sum(), teachgrad.tensor([1., 2.]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*values: Tensor) -> tuple[Tensor, ...]:
        output = func(*values)
        _check_scalar(output, "hessian")
        return _grads((output,), values, (None,), True, strict)

    # gradient returns a tuple and gets a tuple: the jacobian is a tuple of tuples.
    blocks = jacobian(gradient, inputs, create_graph, strict, strategy=outer_jacobian_strategy)
    return blocks if inputs_tuple else blocks[0][0]


def vhp(func: Callable, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Tensor, Tensors]:
    """(func(inputs), v^T H): a vector times the Hessian of a scalar func."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func: Callable, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Tensor, Tensors]:
    """(func(inputs), H v). The Hessian is symmetric, so this equals vhp's product."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


# --------------------------------------------------------------------------- helpers


def _hessian_product(func: Callable, inputs: Tensors, v: Tensors | None, create_graph: bool,
                     strict: bool, name: str) -> tuple[Tensor, Tensors]:
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", name)
    vs = _vectors(v, inputs, "the input to the user-provided function is")
    inputs = _prepare(inputs, create_graph)
    with enable_grad():
        output = func(*inputs)
        _check_scalar(output, name)
        _check_differentiable((output,), strict, "outputs")
        first = _grads((output,), inputs, (None,), True, strict)
        second = _grads(first, inputs, vs, create_graph, strict)
    return _result((output,), False, create_graph), _result(second, inputs_tuple, create_graph)


def _as_tuple(value: Any, what: str, name: str) -> tuple[bool, tuple]:
    """(whether value was a tuple, value as a tuple), refusing anything but tensors."""
    is_tuple = isinstance(value, tuple)
    values = value if is_tuple else (value,)
    if not all(isinstance(item, Tensor) for item in values):
        kind = "Tensor or a tuple of Tensors"
        raise TypeError(f"The {what} given to {name} must be either a {kind} but the given "
                        f"{what} has type {type(value)}.")
    return is_tuple, values


def _prepare(inputs: tuple, create_graph: bool) -> tuple:
    """Inputs f's graph can start from. With create_graph, a view keeps the caller's graph."""
    if create_graph:
        return tuple(x.view_as(x) if x.requires_grad else x.detach().requires_grad_()
                     for x in inputs)
    return tuple(x.detach().requires_grad_() for x in inputs)


def _vectors(v: Any, like: tuple, subject: str) -> tuple:
    """v as one tensor per entry of `like`, each of its shape; None only for one scalar."""
    if v is None:
        if len(like) != 1 or like[0].numel() != 1:
            raise RuntimeError(f"The vector v can only be None if {subject} a single Tensor "
                               "with a single element.")
        return (like[0].new_ones(like[0].shape),)
    vs = v if isinstance(v, tuple) else (v,)
    if len(vs) != len(like):
        raise RuntimeError(f"The given v should contain {_count(len(like))} Tensor"
                           f"{'s' if len(like) > 1 else ''}.")
    for given, target in zip(vs, like):
        if given.shape != target.shape:
            raise RuntimeError(f"v has invalid size: should be {target.shape} but got "
                               f"{given.shape}.")
    return vs


def _count(number: int) -> str:
    return "a single" if number == 1 else str(number)


def _check_scalar(output: Any, name: str) -> None:
    if not isinstance(output, Tensor):
        raise TypeError(f"The function given to {name} should return a single Tensor")
    if output.numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {name} should "
                           "contain a single element")


def _check_differentiable(outputs: tuple, strict: bool, what: str) -> None:
    if not strict:
        return
    for index, out in enumerate(outputs):
        if not out.requires_grad:
            raise RuntimeError(
                f"Output {index} of the user-provided function does not require gradients. "
                "The outputs must be computed in a differentiable manner from the input when "
                "running in strict mode.")


def _grads(outputs: tuple, inputs: tuple, vs: tuple, create_graph: bool,
           strict: bool) -> tuple:
    """d(sum of v . output)/d input for each input; zeros for inputs outputs don't reach."""
    pairs = [(out, v) for out, v in zip(outputs, vs) if out.requires_grad]
    grads: tuple = (None,) * len(inputs)
    if pairs:
        grads = autograd_grad([out for out, _ in pairs], inputs, [v for _, v in pairs],
                              retain_graph=True, create_graph=create_graph,
                              allow_unused=True)
    if strict and any(g is None for g in grads):
        index = next(i for i, g in enumerate(grads) if g is None)
        raise RuntimeError(
            f"The output of the user-provided function is independent of input {index}. This "
            "is not allowed in strict mode.")
    return tuple(x.new_zeros(x.shape) if g is None else g for g, x in zip(grads, inputs))


def _jacobian_rows(output: Tensor, inputs: tuple, create_graph: bool, strict: bool) -> tuple:
    """Per input: d output[j] / d input for every j, shaped output.shape + input.shape."""
    flat = output.reshape(-1)
    per_element = []
    for index in range(flat.shape[0]):
        one_hot = flat.new_zeros(flat.shape)
        one_hot[index] = 1
        per_element.append(_grads((flat,), inputs, (one_hot,), create_graph, strict))
    entries = []
    for position, x in enumerate(inputs):
        rows = [grads[position] for grads in per_element]
        stacked = stack(rows) if rows else x.new_zeros((0,) + tuple(x.shape))
        entries.append(stacked.reshape(tuple(output.shape) + tuple(x.shape)))
    return tuple(entries)


def _result(values: tuple, as_tuple: bool, create_graph: bool) -> Tensors:
    values = values if create_graph else tuple(value.detach() for value in values)
    return values if as_tuple else values[0]
