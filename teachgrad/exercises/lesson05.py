"""Checks for the exercises of lesson 05 (custom autograd Functions).

Each check runs the learner's Function forward and backward against teachgrad's own
ops, NumPy or a formula, and against gradcheck (finite differences), raises
AssertionError with a hint on the first problem, and returns a confirmation when
everything agrees.
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


# --- exercise 3: a NumPy-only op, the determinant ------------------------------------------


def _not_a_tensor(error: AttributeError) -> bool:
    """teachgrad's engine meets a backward's NumPy array where it expects a tensor."""
    return ("'_array'" in str(error) or "has no attribute 'dtype'" in str(error)
            or "expected Variable or None" in str(error))


def _run_numpy(description: str, thunk):
    """_run, and a hint when the learner's Function hands back NumPy where a tensor belongs."""
    try:
        with np.errstate(all="ignore"):
            return _run(description, thunk)
    except (AttributeError, RuntimeError) as error:
        if _not_a_tensor(error):
            raise AssertionError(
                f"{description}: a NumPy array or a Python number came back where a tensor "
                "belongs. forward and backward return tensors: wrap NumPy results with "
                "teachgrad.from_numpy(...) or teachgrad.tensor(...)"
            ) from error
        raise


def _matrix(seed: int, size: int) -> np.ndarray:
    """A well-conditioned, non-symmetric matrix (its determinant is far from zero)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((size, size)) + 2 * np.eye(size)


@exercise
def check_det(fn_class: type) -> str:
    """fn_class: a Function computing det(A) with NumPy, and its gradient det(A) * inv(A).T."""
    _require_function(fn_class, "NumpyDet")
    values = _matrix(10, 3)
    a = teachgrad.tensor(values, requires_grad=True)
    out = _run_numpy("NumpyDet.apply(a)", lambda: fn_class.apply(a))
    if not np.array_equal(a.detach().numpy(), values):
        raise AssertionError(
            "forward changed the input matrix: a.detach().numpy() shares the tensor's memory, "
            "so work on a copy if you modify it"
        )
    if not isinstance(out, teachgrad.Tensor) or tuple(out.shape) != ():
        raise AssertionError(
            "forward should return one number as a 0-dimensional tensor: "
            "teachgrad.tensor(np.linalg.det(...))"
        )
    if out.dtype != teachgrad.float64:
        raise AssertionError(
            f"forward returns {out.dtype} for a float64 matrix: keep NumPy's float64, "
            "e.g. teachgrad.tensor(np.linalg.det(...)), not a Python float"
        )
    det = np.linalg.det(values)
    if not np.isclose(out.item(), det):
        raise AssertionError(f"forward gives {out.item():.6g}, but det(A) is {det:.6g}")
    if out.grad_fn is None:
        raise AssertionError("the output has no grad_fn: call NumpyDet.apply(a), not forward")

    upstream = 2.5
    seed = teachgrad.tensor(upstream, dtype=teachgrad.float64)
    _run_numpy("backward", lambda: out.backward(seed))
    grad = None if a.grad is None else a.grad.numpy()
    jacobi = det * np.linalg.inv(values).T
    if grad is None or grad.shape != values.shape:
        raise AssertionError("backward should return one gradient with the matrix's shape")
    if not np.allclose(grad, upstream * jacobi):
        if np.allclose(grad, jacobi):
            hint = "it ignores grad_output: multiply by it (here grad_output is 2.5)"
        elif np.allclose(grad, upstream * jacobi.T):
            hint = "it is the transpose of the right one: det(A) * inv(A).T, with the .T"
        else:
            hint = "d det(A) / dA = det(A) * inv(A).T, times grad_output"
        raise AssertionError(f"backward's gradient is wrong: {hint}")

    a4 = teachgrad.tensor(_matrix(11, 4), requires_grad=True)
    _run_numpy("gradcheck", lambda: gradcheck(fn_class.apply, (a4,)))
    return ("Correct: NumpyDet computes det(A) in NumPy, its backward matches Jacobi's formula, "
            "and it passes gradcheck.")


# --- exercise 4: a numerically stable log-sum-exp ----------------------------------------


def _lse_inputs() -> dict[str, np.ndarray]:
    moderate = _values(20, (3, 5), -3.0, 3.0)
    large = _values(21, (2, 4), -2.0, 2.0) + np.array([[1000.0], [-1000.0]])
    return {"moderate": moderate, "large": large}


def _lse_reference(values: np.ndarray, upstream: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = teachgrad.tensor(values, requires_grad=True)
    out = teachgrad.logsumexp(x, dim=-1)
    out.backward(teachgrad.tensor(upstream))
    return out.detach().numpy(), x.grad.numpy()


@exercise
def check_logsumexp(fn_class: type) -> str:
    """fn_class: log(sum(exp(x))) over the last dim, stable for inputs near +-1000."""
    _require_function(fn_class, "StableLogSumExp")
    for kind, values in _lse_inputs().items():
        near = "" if kind == "moderate" else " for rows near 1000 and -1000"
        x = teachgrad.tensor(values, requires_grad=True)
        out = _run_numpy(f"StableLogSumExp.apply(x){near}", lambda x=x: fn_class.apply(x))
        upstream = _values(22, values.shape[:-1], 0.5, 2.0)
        want_out, want_grad = _lse_reference(values, upstream)
        if not isinstance(out, teachgrad.Tensor) or tuple(out.shape) != want_out.shape:
            got = tuple(out.shape) if isinstance(out, teachgrad.Tensor) else type(out).__name__
            raise AssertionError(
                f"forward should give one number per row, shape {want_out.shape} for input "
                f"{values.shape}, not {got}: reduce over the last dimension (dim=-1)"
            )
        got_out = out.detach().numpy()
        if not np.all(np.isfinite(got_out)):
            raise AssertionError(
                f"forward gives {got_out.tolist()}{near}: exp overflows (or underflows to 0). "
                "Subtract each row's max before exp, and add it back after the log"
            )
        if not np.allclose(got_out, want_out):
            raise AssertionError(
                f"forward gives {np.round(got_out, 4).tolist()}{near}, but "
                f"teachgrad.logsumexp gives {np.round(want_out, 4).tolist()}"
            )
        if out.grad_fn is None:
            raise AssertionError("the output has no grad_fn: call StableLogSumExp.apply(x)")
        _run_numpy(f"backward{near}", lambda out=out, up=upstream: out.backward(
            teachgrad.tensor(up)))
        grad = None if x.grad is None else x.grad.numpy()
        if grad is None or grad.shape != values.shape:
            raise AssertionError("backward should return one gradient with the input's shape")
        if not np.all(np.isfinite(grad)):
            raise AssertionError(
                f"backward gives inf or nan{near}: exp(x) / exp(x).sum() overflows. The "
                "softmax is exp(x - out), with out the forward's result, so save it and use it"
            )
        if not np.allclose(grad, want_grad):
            raise AssertionError(
                f"backward disagrees with teachgrad.logsumexp's gradient{near}: it is "
                "softmax(x) times grad_output, grad_output broadcast along each row "
                "(grad_output.unsqueeze(-1))"
            )
    x64 = teachgrad.tensor(_lse_inputs()["large"], requires_grad=True)
    _run_numpy("gradcheck near 1000", lambda: gradcheck(fn_class.apply, (x64,)))
    return ("Correct: StableLogSumExp matches teachgrad.logsumexp forward and backward, stays "
            "finite near 1000 and -1000, and passes gradcheck.")


# --- exercise 5: repair a backward that gradcheck rejects --------------------------------


def _normalize_reference(values: np.ndarray, upstream: np.ndarray) -> np.ndarray:
    x = teachgrad.tensor(values, requires_grad=True)
    (x / x.norm()).backward(teachgrad.tensor(upstream))
    return x.grad.numpy()


@exercise
def check_normalize(fn_class: type) -> str:
    """fn_class: x / ||x|| for a vector x, with a backward that gradcheck accepts."""
    _require_function(fn_class, "Normalize")
    values = _values(30, (5,), -2.0, 2.0)
    x = teachgrad.tensor(values, requires_grad=True)
    out = _run("Normalize.apply(x)", lambda: fn_class.apply(x))
    if not isinstance(out, teachgrad.Tensor) or not np.allclose(
            out.detach().numpy(), values / np.linalg.norm(values)):
        raise AssertionError("forward should return x / ||x||: keep the forward as it was given")
    upstream = _values(34, (5,), -1.0, 1.0)
    _run("backward", lambda: out.backward(teachgrad.tensor(upstream)))
    if x.grad is not None and np.allclose(x.grad.numpy(), upstream / np.linalg.norm(values)):
        raise AssertionError(
            "backward is still grad_output / norm, the one gradcheck rejected: it treats the "
            "norm as a constant, but the norm depends on x too"
        )
    for seed in (31, 32, 33):
        x64 = teachgrad.tensor(_values(seed, (4,), -2.0, 2.0), requires_grad=True)
        try:
            gradcheck(fn_class.apply, (x64,))
        except NotImplementedError:
            raise
        except RuntimeError as error:
            raise AssertionError(
                f"gradcheck still rejects backward: {error} Hint: with y = x / r and "
                "r = ||x||, d r / d x_j = x_j / r"
            ) from error
        except (TypeError, ValueError) as error:
            raise AssertionError(f"gradcheck failed: {type(error).__name__}: {error}") from error
    if x.grad is None or not np.allclose(x.grad.numpy(), _normalize_reference(values, upstream),
                                         rtol=1e-6, atol=1e-9):
        raise AssertionError(
            "backward passes gradcheck but is not exact: compare it with autograd's gradient "
            "of x / x.norm()"
        )
    return ("Correct: Normalize's backward passes gradcheck and equals autograd's gradient of "
            "x / x.norm().")
