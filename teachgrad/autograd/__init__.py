"""teachgrad.autograd: Function, backward, grad, grad modes, gradcheck.

Read function.py (Function, its ctx, apply) and engine.py (backward, the loop)
first. What they call but a first reading can skip sits beside them, by concept:
context_options.py (mark_non_differentiable, set_materialize_grads), engine_grad.py
(autograd.grad), outputs.py (forward's results made the op's outputs), saved.py (what
save_for_backward keeps, the in-place check), graph.py (node introspection, node
numbering), gradients.py (root gradients, checks, hooks, zeros for missing
gradients), targets.py (autograd.grad's captured gradients and needed nodes).
"""

from teachgrad.autograd.engine import backward
from teachgrad.autograd.engine_grad import grad
from teachgrad.autograd.function import Function
from teachgrad.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from teachgrad.autograd.gradcheck import GradcheckError, gradcheck
from teachgrad.autograd.variable import Variable


def __getattr__(name: str) -> object:
    # functional and profiler build Tensors, and tensor.py imports this package first:
    # they are imported on first use (teachgrad.autograd.functional.jacobian works).
    if name in ("functional", "profiler"):
        import importlib

        return importlib.import_module(f"teachgrad.autograd.{name}")
    raise AttributeError(f"module 'teachgrad.autograd' has no attribute '{name}'")


__all__ = [
    "Function", "GradcheckError", "Variable", "backward", "enable_grad", "grad", "gradcheck",
    "is_grad_enabled", "no_grad", "set_grad_enabled",
]
