"""teachgrad.autograd: Function, backward, grad, grad modes, gradcheck."""

from teachgrad.autograd.engine import backward, grad
from teachgrad.autograd.function import Function
from teachgrad.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from teachgrad.autograd.gradcheck import GradcheckError, gradcheck
from teachgrad.autograd.variable import Variable

__all__ = [
    "Function", "GradcheckError", "Variable", "backward", "enable_grad", "grad", "gradcheck",
    "is_grad_enabled", "no_grad", "set_grad_enabled",
]
