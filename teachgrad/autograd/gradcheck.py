"""gradcheck: compare the gradients backward computes with finite differences.

For every input element x_i, the central difference (f(x + eps) - f(x - eps)) / 2eps
approximates df/dx_i with an error of order eps^2. In float64 with eps = 1e-6 that
is accurate to about 1e-9, so a wrong backward formula stands out clearly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from teachgrad.autograd.engine_grad import grad as autograd_grad
from teachgrad.autograd.grad_mode import no_grad


class GradcheckError(RuntimeError):
    """Raised when analytical and numerical gradients disagree."""


def gradcheck(func: Callable, inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True) -> bool:
    """True when backward's gradients match central differences for every element.

    Checks every output element against every input element that requires grad, in
    float64. On a mismatch it raises (or returns False with raise_exception=False)
    naming the input, the element and both values.
    """
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    differentiable = [i for i, x in enumerate(inputs) if getattr(x, "requires_grad", False)]
    if not differentiable:
        raise ValueError("gradcheck expects at least one input tensor to require gradient")
    for index in differentiable:
        if inputs[index].dtype.name != "float64":
            raise ValueError(
                f"gradcheck needs float64 inputs for accurate finite differences, but input "
                f"{index} is {inputs[index].dtype}. Use x.double()."
            )
    outputs = _as_outputs(func(*inputs))
    for output_index, output in enumerate(outputs):
        numerical = _numerical_jacobian(func, inputs, differentiable, output_index, eps)
        analytical = _analytical_jacobian(output, inputs, differentiable)
        for index in differentiable:
            mismatch = _worst_mismatch(analytical[index], numerical[index], atol, rtol)
            if mismatch is None:
                continue
            if not raise_exception:
                return False
            (out_elem, in_elem), got, expected = mismatch
            raise GradcheckError(
                f"Jacobian mismatch for output {output_index} with respect to input {index}: "
                f"d out[{out_elem}] / d in[{in_elem}] is {got:.10g} from backward but "
                f"{expected:.10g} from finite differences (the worst of "
                f"{analytical[index].size} entries; atol={atol}, rtol={rtol})."
            )
    return True


def _as_outputs(result: Any) -> tuple:
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


def _numerical_jacobian(func: Callable, inputs: tuple, differentiable: list, output_index: int,
                        eps: float) -> dict:
    jacobians = {}
    with no_grad():
        for index in differentiable:
            values = inputs[index]._array  # perturbed in place, restored after each element
            flat = values.reshape(-1)
            columns = []
            for element in range(flat.size):
                original = flat[element].item()
                flat[element] = original + eps
                plus = _as_outputs(func(*inputs))[output_index]._array.astype(np.float64)
                flat[element] = original - eps
                minus = _as_outputs(func(*inputs))[output_index]._array.astype(np.float64)
                flat[element] = original
                columns.append(((plus - minus) / (2 * eps)).reshape(-1))
            jacobians[index] = _to_numpy(_stack_columns(columns, values))
    return jacobians


def _stack_columns(columns: list, like: Any) -> Any:
    from teachgrad.device import array_module

    xp = array_module(like)
    if not columns:
        return xp.zeros((0, 0))
    return xp.stack(columns, axis=1)  # rows: output elements, columns: input elements


def _analytical_jacobian(output: Any, inputs: tuple, differentiable: list) -> dict:
    from teachgrad.device import array_module
    from teachgrad.tensor import Tensor

    xp = array_module(output._array)
    targets = [inputs[i] for i in differentiable]
    rows = {index: [] for index in differentiable}
    for element in range(output.numel()):
        seed = xp.zeros(output._array.size, output._array.dtype)
        seed[element] = 1
        grads = autograd_grad(output, targets, Tensor._make(seed.reshape(output._array.shape)),
                              retain_graph=True, allow_unused=True)
        for index, grad_value in zip(differentiable, grads):
            row = xp.zeros(inputs[index].numel()) if grad_value is None \
                else grad_value._array.reshape(-1).astype(np.float64)
            rows[index].append(row)
    return {index: _to_numpy(xp.stack(rows[index]) if rows[index]
                             else xp.zeros((0, inputs[index].numel())))
            for index in differentiable}


def _to_numpy(array: Any) -> np.ndarray:
    return array if isinstance(array, np.ndarray) else array.get()


def _worst_mismatch(analytical: np.ndarray, numerical: np.ndarray, atol: float,
                    rtol: float) -> tuple | None:
    excess = np.abs(analytical - numerical) - (atol + rtol * np.abs(numerical))
    # A NaN on either side is a mismatch, as torch's allclose counts it: `excess > 0`
    # alone is False for NaN, and would let a NaN gradient pass.
    excess = np.where(np.isnan(excess), np.inf, excess)
    if excess.size == 0 or not (excess > 0).any():
        return None
    worst = np.unravel_index(int(np.argmax(excess)), excess.shape)
    return worst, float(analytical[worst]), float(numerical[worst])
