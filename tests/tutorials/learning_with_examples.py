"""'Learning PyTorch with Examples': fit a cubic to sin(x) on [-pi, pi], six ways.

Each function takes the library as `torch` and prints what the tutorial prints: the
loss every REPORT steps and the fitted polynomial. The tutorial runs 2,000 steps (the
dynamic net 30,000); STEPS is shorter, to keep the test quick, with the same calls.
"""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np

STEPS = 200
REPORT = 50


def numpy_warmup(torch: Any) -> None:
    """The warm-up in NumPy alone, from the weights the tensor version starts at."""
    x = np.linspace(-math.pi, math.pi, 2000)
    y = np.sin(x)
    a, b, c, d = (float(torch.randn(())) for _ in range(4))
    learning_rate = 1e-6
    for t in range(STEPS):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = np.square(y_pred - y).sum()
        if t % REPORT == REPORT - 1:
            print(t, loss)
        grad_y_pred = 2.0 * (y_pred - y)
        a -= learning_rate * grad_y_pred.sum()
        b -= learning_rate * (grad_y_pred * x).sum()
        c -= learning_rate * (grad_y_pred * x ** 2).sum()
        d -= learning_rate * (grad_y_pred * x ** 3).sum()
    print(f"Result: y = {a} + {b} x + {c} x^2 + {d} x^3")


def tensors(torch: Any) -> None:
    """The same loop on tensors, gradients still written out by hand."""
    dtype = torch.float
    device = torch.device("cpu")
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)
    a = torch.randn((), device=device, dtype=dtype)
    b = torch.randn((), device=device, dtype=dtype)
    c = torch.randn((), device=device, dtype=dtype)
    d = torch.randn((), device=device, dtype=dtype)
    learning_rate = 1e-6
    for t in range(STEPS):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum().item()
        if t % REPORT == REPORT - 1:
            print(t, loss)
        grad_y_pred = 2.0 * (y_pred - y)
        grad_a = grad_y_pred.sum()
        grad_b = (grad_y_pred * x).sum()
        grad_c = (grad_y_pred * x ** 2).sum()
        grad_d = (grad_y_pred * x ** 3).sum()
        a -= learning_rate * grad_a
        b -= learning_rate * grad_b
        c -= learning_rate * grad_c
        d -= learning_rate * grad_d
    print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")


def autograd(torch: Any) -> None:
    """requires_grad=True on the weights; backward() finds the gradients."""
    dtype = torch.float
    device = torch.device("cpu")
    torch.set_default_device(device)
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    a = torch.randn((), dtype=dtype, requires_grad=True)
    b = torch.randn((), dtype=dtype, requires_grad=True)
    c = torch.randn((), dtype=dtype, requires_grad=True)
    d = torch.randn((), dtype=dtype, requires_grad=True)
    learning_rate = 1e-6
    for t in range(STEPS):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        if t % REPORT == REPORT - 1:
            print(t, loss.item())
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")


def legendre_function(torch: Any) -> Any:
    class LegendrePolynomial3(torch.autograd.Function):
        """P3(x) = (5x^3 - 3x) / 2, with its derivative 3(5x^2 - 1) / 2 written by hand."""

        @staticmethod
        def forward(ctx: Any, input: Any) -> Any:
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    return LegendrePolynomial3


def custom_function(torch: Any) -> None:
    """y = a + b P3(c + d x), P3 a custom autograd Function."""
    dtype = torch.float
    device = torch.device("cpu")
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)
    # Starting close to the answer, as the tutorial does: P3 diverges from far away.
    a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)
    learning_rate = 5e-6
    P3 = legendre_function(torch).apply  # noqa: N806 - the tutorial's name
    for t in range(STEPS):
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        if t % REPORT == REPORT - 1:
            print(t, loss.item())
        loss.backward()
        with torch.no_grad():
            for weight in (a, b, c, d):
                weight -= learning_rate * weight.grad
                weight.grad = None
    print(f"Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)")
    print(type(y_pred.grad_fn).__name__, y_pred.grad_fn.next_functions[1][0].name())


def _features(torch: Any) -> tuple[Any, Any]:
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)  # (2000, 3): x, x^2, x^3
    return xx, y


def nn_sequential(torch: Any) -> None:
    """nn.Sequential(Linear(3, 1), Flatten(0, 1)), an MSELoss, a hand-written update."""
    xx, y = _features(torch)
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    loss_fn = torch.nn.MSELoss(reduction="sum")
    learning_rate = 1e-6
    for t in range(STEPS):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        if t % REPORT == REPORT - 1:
            print(t, loss.item())
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad
    linear_layer = model[0]
    print(f"Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + "
          f"{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3")
    print(model)


def optim(torch: Any) -> None:
    """The same model, stepped by RMSprop."""
    xx, y = _features(torch)
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    loss_fn = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
    for t in range(STEPS):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        if t % REPORT == REPORT - 1:
            print(t, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    linear_layer = model[0]
    print(f"Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + "
          f"{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3")


def polynomial_module(torch: Any) -> Any:
    class Polynomial3(torch.nn.Module):
        """Four scalar Parameters, registered by assignment."""

        def __init__(self) -> None:
            super().__init__()
            self.a = torch.nn.Parameter(torch.randn(()))
            self.b = torch.nn.Parameter(torch.randn(()))
            self.c = torch.nn.Parameter(torch.randn(()))
            self.d = torch.nn.Parameter(torch.randn(()))

        def forward(self, x: Any) -> Any:
            return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

        def string(self) -> str:
            return (f"y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + "
                    f"{self.d.item()} x^3")

    return Polynomial3


def custom_module(torch: Any) -> None:
    """A Module subclass with its own Parameters, trained by SGD on MSELoss."""
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    model = polynomial_module(torch)()
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
    for t in range(STEPS):
        y_pred = model(x)
        loss = criterion(y_pred, y)
        if t % REPORT == REPORT - 1:
            print(t, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"Result: {model.string()}")
    print([name for name, _ in model.named_parameters()])


def dynamic_module(torch: Any) -> Any:
    class DynamicNet(torch.nn.Module):
        """A cubic plus a random number (0 to 2) of extra terms e x^4, e x^5, reusing e."""

        def __init__(self) -> None:
            super().__init__()
            self.a = torch.nn.Parameter(torch.randn(()))
            self.b = torch.nn.Parameter(torch.randn(()))
            self.c = torch.nn.Parameter(torch.randn(()))
            self.d = torch.nn.Parameter(torch.randn(()))
            self.e = torch.nn.Parameter(torch.randn(()))

        def forward(self, x: Any) -> Any:
            y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
            for exp in range(4, random.randint(4, 6)):
                y = y + self.e * x ** exp
            return y

        def string(self) -> str:
            return (f"y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + "
                    f"{self.d.item()} x^3 + {self.e.item()} x^4 ? + {self.e.item()} x^5 ?")

    return DynamicNet


def dynamic_control_flow(torch: Any) -> None:
    """The graph is rebuilt every step, with a different number of terms each time."""
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    model = dynamic_module(torch)()
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    for t in range(STEPS):
        y_pred = model(x)
        loss = criterion(y_pred, y)
        if t % REPORT == REPORT - 1:
            print(t, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"Result: {model.string()}")


SCRIPTS = [numpy_warmup, tensors, autograd, custom_function, nn_sequential, optim,
           custom_module, dynamic_control_flow]
