"""Checks for the exercises of lesson 05 (custom autograd Functions).

Each check runs the learner's Function forward and backward against teachgrad's own
ops and against gradcheck, raises AssertionError with a hint on the first problem,
and returns a confirmation when everything agrees.
"""

from __future__ import annotations

import numpy as np

import teachgrad
from teachgrad.autograd import Function, gradcheck
from teachgrad.exercises.verdict import exercise


def _require_function(fn_class: type, name: str) -> None:
    if not (isinstance(fn_class, type) and issubclass(fn_class, Function)):
        raise AssertionError(
            f"{name} should be a class that subclasses teachgrad.autograd.Function (got "
            f"{fn_class!r}); it is then called as {name}.apply(...)"
        )


def _values(seed: int, shape: tuple, low: float, high: float) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def _run(description: str, thunk):
    """Run thunk(); turn an autograd error into an AssertionError that says where it happened."""
    try:
        return thunk()
    except NotImplementedError:
        raise  # the stub, not yet written
    except (RuntimeError, TypeError, ValueError) as error:  # GradcheckError is a RuntimeError
        raise AssertionError(f"{description} failed: {type(error).__name__}: {error}") from error


@exercise
def check_sigmoid(fn_class: type) -> str:
    """fn_class: a Function computing 1 / (1 + exp(-x)) with a correct backward."""
    _require_function(fn_class, "MySigmoid")
    x_values = _values(0, (2, 5), -6.0, 6.0)
    upstream = teachgrad.tensor(_values(1, (2, 5), -2.0, 2.0))  # not all ones, on purpose

    x = teachgrad.tensor(x_values, requires_grad=True)
    out = _run("MySigmoid.apply(x)", lambda: fn_class.apply(x))
    expected = teachgrad.sigmoid(x.detach())
    if not isinstance(out, teachgrad.Tensor) or out.shape != x.shape:
        raise AssertionError("forward should return a tensor of the input's shape")
    if not teachgrad.allclose(out.detach(), expected, atol=1e-6):
        def show(values):
            return [round(float(v), 4) for v in values]

        raise AssertionError(
            f"forward gives {show(out.detach()[0, :3])} for inputs {show(x_values[0, :3])}, "
            f"but sigmoid is {show(expected[0, :3])}"
        )
    if out.grad_fn is None:
        raise AssertionError("the output has no grad_fn: call MySigmoid.apply(x), not forward")

    _run("backward", lambda: out.backward(upstream))
    reference = teachgrad.tensor(x_values, requires_grad=True)
    teachgrad.sigmoid(reference).backward(upstream)
    if x.grad is None or not teachgrad.allclose(x.grad, reference.grad, atol=1e-6):
        raise AssertionError(
            "backward disagrees with teachgrad.sigmoid's gradient. Remember to multiply by "
            "grad_output, and that d sigmoid/dx = s * (1 - s) where s is the output"
        )

    x64 = teachgrad.tensor(_values(2, (6,), -4.0, 4.0), requires_grad=True)
    _run("gradcheck", lambda: gradcheck(fn_class.apply, (x64,)))
    return ("Correct: MySigmoid matches teachgrad.sigmoid forward and backward, and passes "
            "gradcheck.")


@exercise
def check_hypot(fn_class: type) -> str:
    """fn_class: a Function of two tensors, sqrt(a**2 + b**2), with a gradient for each."""
    _require_function(fn_class, "Hypot")
    a_values = _values(3, (3, 4), 0.5, 3.0) * np.where(_values(4, (3, 4), 0, 1) > 0.5, 1, -1)
    b_values = _values(5, (3, 4), -3.0, 3.0)

    a = teachgrad.tensor(a_values, requires_grad=True)
    b = teachgrad.tensor(b_values, requires_grad=True)
    out = _run("Hypot.apply(a, b)", lambda: fn_class.apply(a, b))
    expected = np.sqrt(a_values**2 + b_values**2)
    if not isinstance(out, teachgrad.Tensor) or tuple(out.shape) != expected.shape:
        raise AssertionError("forward should return one tensor of the inputs' shape")
    if not np.allclose(out.detach().numpy(), expected):
        raise AssertionError("forward does not compute sqrt(a**2 + b**2)")

    upstream = teachgrad.tensor(_values(6, (3, 4), -2.0, 2.0))
    _run("backward", lambda: out.backward(upstream))
    for name, tensor, values in (("a", a, a_values), ("b", b, b_values)):
        wanted = upstream.numpy() * values / expected
        if tensor.grad is None or not np.allclose(tensor.grad.numpy(), wanted):
            raise AssertionError(
                f"the gradient for {name} is wrong: d hypot / d {name} = {name} / hypot, times "
                "grad_output. backward returns one gradient per input, in the order of forward's "
                "arguments"
            )

    a64 = teachgrad.tensor(_values(7, (5,), 0.5, 2.0), requires_grad=True)
    b64 = teachgrad.tensor(_values(8, (5,), -2.0, -0.5), requires_grad=True)
    _run("gradcheck with both inputs", lambda: gradcheck(fn_class.apply, (a64, b64)))
    constant = teachgrad.tensor(_values(9, (5,), 0.5, 2.0))
    _run("gradcheck with b a constant",
         lambda: gradcheck(fn_class.apply, (a64, constant)))
    return "Correct: Hypot's forward and both gradients are right, and it passes gradcheck."
