"""Checks for the exercises of lesson 06 (modules).

Each check runs the learner's code against teachgrad's own modules (or a reference
written here), raises AssertionError with a hint on the first problem, and returns a
confirmation when everything is right.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

import teachgrad
from teachgrad import nn
from teachgrad.exercises.verdict import exercise


def _run(description: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call fn(*args, **kwargs); turn an error into an AssertionError that says where."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise  # the stub, not yet written
    except (RuntimeError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise AssertionError(f"{description} failed: {type(error).__name__}: {error}") from error


def _count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


# ------------------------------------------------------------------ exercise 1


def _parameters_of(module: Any, description: str) -> list:
    found = _built(f"{description}.parameters()", lambda: list(module.parameters()))
    if any(isinstance(p, teachgrad.Tensor) and not isinstance(p, nn.Parameter) for p in found):
        raise AssertionError(
            f"{description}.parameters() lists a plain tensor: register only values that are "
            "nn.Parameter (isinstance(value, nn.Parameter)); a plain tensor attribute is "
            "not trained"
        )
    if not all(isinstance(p, nn.Parameter) for p in found):
        kinds = sorted({type(p).__name__ for p in found})
        raise AssertionError(
            f"{description}.parameters() gave objects of type {kinds}: it should give the "
            "nn.Parameter objects themselves, not names or copies"
        )
    return found


def _built(description: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """_run, with a hint for the usual reason an attribute goes missing."""
    try:
        return _run(description, fn, *args, **kwargs)
    except AssertionError as error:
        if isinstance(error.__cause__, AttributeError):
            raise AssertionError(
                f"{error}. Does __setattr__ still store every value as a normal attribute "
                "(super().__setattr__(name, value)) after recording it?") from error.__cause__
        raise


def _described(shapes: list) -> str:
    return ", ".join(str(tuple(s)) for s in shapes) or "nothing"


def _check_linear_parameters(linear_class: type) -> Any:
    layer = _built("MyLinear(3, 5)", linear_class, 3, 5)
    shapes = sorted(tuple(p.shape) for p in _parameters_of(layer, "MyLinear(3, 5)"))
    if shapes != [(5,), (5, 3)]:
        raise AssertionError(
            f"MyLinear(3, 5).parameters() gave tensors of shapes {_described(shapes)}; "
            "nn.Linear(3, 5) has a weight (5, 3), (out_features, in_features), and a bias "
            "(5,). Are both assigned as nn.Parameter attributes after super().__init__()?"
        )
    for name, shape in (("weight", (5, 3)), ("bias", (5,))):
        value = getattr(layer, name, None)
        if not isinstance(value, nn.Parameter) or tuple(value.shape) != shape:
            raise AssertionError(
                f"MyLinear(3, 5).{name} should be a Parameter of shape {shape}, as in "
                f"nn.Linear: store it as self.{name}"
            )
    no_bias = _built("MyLinear(3, 5, bias=False)", linear_class, 3, 5, bias=False)
    shapes = [tuple(p.shape) for p in _parameters_of(no_bias, "MyLinear(3, 5, bias=False)")]
    if shapes != [(5, 3)] or getattr(no_bias, "bias", "missing") is not None:
        raise AssertionError(
            f"MyLinear(3, 5, bias=False) should hold only a weight (5, 3) and have bias None, "
            f"as nn.Linear does; its parameters() gave {_described(shapes)}"
        )
    return layer


def _check_linear_start(linear_class: type) -> None:
    layer = _built("MyLinear(400, 120)", linear_class, 400, 120)
    bound = 1 / math.sqrt(400)
    for name in ("weight", "bias"):
        values = getattr(layer, name).detach().numpy()
        if np.abs(values).max() > bound * (1 + 1e-6) or np.abs(values).max() < 0.9 * bound:
            raise AssertionError(
                f"MyLinear(400, 120).{name} ranges over [{values.min():.4f}, {values.max():.4f}];"
                f" nn.Linear draws it uniformly from [-1/sqrt(in_features), 1/sqrt("
                f"in_features)] = [-{bound}, {bound}] (teachgrad.rand(...) is uniform on [0, 1))"
            )
        spread = values.std() / (bound / math.sqrt(3))  # a uniform's std is bound / sqrt(3)
        if name == "weight" and not 0.9 < spread < 1.1:
            raise AssertionError(
                f"MyLinear(400, 120).weight stays within +-{bound} but its spread is "
                f"{values.std():.4f}, not the {bound / math.sqrt(3):.4f} of a uniform "
                "distribution over that range: draw every weight uniformly"
            )


def _check_linear_computes(layer: Any) -> None:
    reference = nn.Linear(3, 5)
    with teachgrad.no_grad():
        layer.weight.copy_(reference.weight)
        layer.bias.copy_(reference.bias)
    generator = np.random.default_rng(6)
    for shape in ((4, 3), (2, 4, 3), (3,)):
        x = teachgrad.tensor(generator.standard_normal(shape).astype(np.float32))
        out = _built(f"MyLinear(3, 5) called on an input of shape {shape}", layer, x)
        expected = reference(x)
        if not isinstance(out, teachgrad.Tensor) or tuple(out.shape) != tuple(expected.shape):
            got = tuple(out.shape) if isinstance(out, teachgrad.Tensor) else type(out).__name__
            raise AssertionError(
                f"for an input of shape {shape} your layer returned {got}, nn.Linear "
                f"{tuple(expected.shape)}: compute x @ weight.T + bias (calling the layer "
                "should run forward)"
            )
        if not teachgrad.allclose(out, expected, rtol=1e-5, atol=1e-6):
            raise AssertionError(
                "with the same weight and bias your layer's output differs from nn.Linear's: "
                "it computes x @ weight.T + bias, with weight of shape (out, in)"
            )
    upstream = teachgrad.tensor(generator.standard_normal((4, 5)).astype(np.float32))
    x = teachgrad.tensor(generator.standard_normal((4, 3)).astype(np.float32))
    _run("backward through your layer", lambda: (layer(x) * upstream).sum().backward())
    (reference(x) * upstream).sum().backward()
    for name in ("weight", "bias"):
        grad = getattr(layer, name).grad
        if grad is None or not teachgrad.allclose(grad, getattr(reference, name).grad,
                                                  rtol=1e-5, atol=1e-6):
            raise AssertionError(
                f"after a backward pass the gradient of {name} differs from nn.Linear's: "
                "build the output from the Parameters themselves with tensor operations "
                "(no .detach(), no .numpy()), so autograd can reach them"
            )
    _run("MyLinear(3, 5).zero_grad()", layer.zero_grad)
    if any(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in (layer.weight,
                                                                          layer.bias)):
        raise AssertionError(
            "zero_grad() left a gradient in place: set each parameter's .grad to None "
            "(or zero it)"
        )


def _nets(module_class: type, linear_class: type) -> tuple[Any, nn.Module]:
    """The same small network built on the learner's classes and on teachgrad.nn's."""

    def build(base: type, linear: type) -> Any:
        class Net(base):
            def __init__(self) -> None:
                super().__init__()
                self.first = linear(4, 3)
                self.scale = nn.Parameter(teachgrad.ones(1))
                self.offset = teachgrad.zeros(2)  # a plain tensor: not trained
                self.second = linear(3, 2)
                self.size = 4  # a plain number

            def forward(self, x: teachgrad.Tensor) -> teachgrad.Tensor:
                return self.second(self.first(x).relu()) * self.scale - self.offset

        return Net()

    return (_built("a network with your Module holding two MyLinear layers", build,
                 module_class, linear_class),
            build(nn.Module, nn.Linear))


def _check_network(module_class: type, linear_class: type) -> int:
    net, reference = _nets(module_class, linear_class)
    found = _parameters_of(net, "the network")
    expected = [net.first.weight, net.first.bias, net.scale, net.second.weight, net.second.bias]
    if any(p is net.offset for p in found):
        raise AssertionError(
            "parameters() lists a plain tensor attribute (self.offset = teachgrad.zeros(2)): "
            "register only values that are nn.Parameter (isinstance(value, nn.Parameter))"
        )
    missing = [p for p in expected if not any(p is q for q in found)]
    if any(p is net.scale for p in missing):
        raise AssertionError(
            "parameters() misses the network's own Parameter (self.scale): __setattr__ "
            "should record every nn.Parameter assigned to the module"
        )
    if missing:
        raise AssertionError(
            f"a network holding two MyLinear layers and one Parameter gave {len(found)} "
            f"parameters, nn.Module finds {len(list(reference.parameters()))}: parameters() "
            "must also walk into the sub-modules (record Module values in __setattr__, and "
            "yield each sub-module's parameters())"
        )
    if len(found) != len(expected):
        raise AssertionError(
            f"parameters() gave {len(found)} tensors where there are {len(expected)}: each "
            "parameter should appear once"
        )
    if getattr(net, "size", None) != 4:
        raise AssertionError("after self.size = 4 the attribute should still read 4: "
                             "__setattr__ must store every value as a normal attribute too")
    x = teachgrad.ones(5, 4)
    _run("backward through the network", lambda: net(x).sum().backward())
    if any(p.grad is None for p in expected):
        raise AssertionError("after backward some parameters have no gradient")
    _run("the network's zero_grad()", net.zero_grad)
    if any(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in expected):
        raise AssertionError(
            "the network's zero_grad() left gradients in the sub-modules' parameters: clear "
            "every tensor that parameters() gives"
        )
    return len(found)


@exercise
def check_module_and_linear(module_class: type, linear_class: type) -> str:
    """Module (registration, parameters(), zero_grad(), calling runs forward) and
    MyLinear(in_features, out_features, bias=True), compared with teachgrad.nn."""
    if not (isinstance(module_class, type) and isinstance(linear_class, type)):
        raise AssertionError("pass the two classes themselves: "
                             "check_module_and_linear(Module, MyLinear)")
    if issubclass(module_class, nn.Module):
        raise AssertionError("write Module from scratch (class Module:), not as a subclass of "
                             "nn.Module: nn.Module is what it will be swapped for")
    if not issubclass(linear_class, module_class):
        raise AssertionError("MyLinear should be built on your Module: class MyLinear(Module)")
    layer = _check_linear_parameters(linear_class)
    _check_linear_start(linear_class)
    _check_linear_computes(layer)
    count = _check_network(module_class, linear_class)
    return ("Correct: MyLinear has nn.Linear's parameters, starting range, outputs and "
            f"gradients, and your Module finds the same {count} parameters as nn.Module in a "
            "network of two layers, skips the plain tensor and clears every gradient.")


# ------------------------------------------------------------------ exercise 2


def _reference_fit(model: nn.Module, loss_fn: Callable, x: teachgrad.Tensor,
                   y: teachgrad.Tensor, lr: float, epochs: int, batch_size: int) -> list[float]:
    losses = []
    for _ in range(epochs):
        for start in range(0, x.shape[0], batch_size):
            loss = loss_fn(model(x[start:start + batch_size]), y[start:start + batch_size])
            model.zero_grad()
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
            losses.append(loss.item())
    return losses


def _toy_problem() -> tuple[nn.Module, nn.Module, teachgrad.Tensor, teachgrad.Tensor]:
    """Two identical small models (same starting values) and 10 samples of a regression."""
    generator = np.random.default_rng(11)
    x = teachgrad.tensor(generator.uniform(-1, 1, (10, 2)).astype(np.float32))
    y = teachgrad.tensor(generator.uniform(-1, 1, (10, 1)).astype(np.float32))

    def make() -> nn.Module:
        return nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))

    learner_model, reference_model = make(), make()
    with teachgrad.no_grad():
        for p, q in zip(learner_model.parameters(), reference_model.parameters()):
            values = generator.uniform(-0.8, 0.8, tuple(p.shape)).astype(np.float32)
            p.copy_(teachgrad.tensor(values))
            q.copy_(teachgrad.tensor(values))
    return learner_model, reference_model, x, y


@exercise
def check_fit(fit: Callable[..., list]) -> str:
    """fit(model, loss_fn, x, y, lr, epochs, batch_size) -> one loss (float) per step."""
    lr, epochs, batch_size = 0.2, 3, 4  # 10 samples: batches of 4, 4 and 2 per epoch
    model, reference_model, x, y = _toy_problem()
    loss_fn = nn.MSELoss()
    originals = [id(p) for p in model.parameters()]
    start_values = [p.detach().clone() for p in model.parameters()]

    losses = _run("fit(...)", fit, model, loss_fn, x, y, lr, epochs, batch_size)
    expected = _reference_fit(reference_model, loss_fn, x, y, lr, epochs, batch_size)

    if [id(p) for p in model.parameters()] != originals:
        raise AssertionError(
            "the model's Parameters were replaced by new objects: update them in place "
            "(p -= lr * p.grad inside `with teachgrad.no_grad():`)"
        )
    if all(teachgrad.equal(p.detach(), v) for p, v in zip(model.parameters(), start_values)):
        raise AssertionError(
            "the parameters did not change. `p = p - lr * p.grad` only rebinds the name p; "
            "update in place: p -= lr * p.grad (inside `with teachgrad.no_grad():`)"
        )
    if not isinstance(losses, (list, tuple)) or len(losses) != len(expected):
        count = len(losses) if isinstance(losses, (list, tuple)) else type(losses).__name__
        raise AssertionError(
            f"fit should return a list with one loss per step: {epochs} epochs of "
            f"{math.ceil(x.shape[0] / batch_size)} batches = {len(expected)} values, got "
            f"{count}. With 10 samples and batch_size=4 the last batch of each epoch has 2 "
            "samples: x[8:12] gives just those"
        )
    try:
        got = np.array([float(v) for v in losses])
    except (TypeError, ValueError):
        raise AssertionError("each entry of the returned list should be a number: use "
                             "loss.item()") from None
    if not np.allclose(got, expected, rtol=1e-4, atol=1e-6):
        step = int(np.argmax(~np.isclose(got, expected, rtol=1e-4, atol=1e-6)))
        hint = ("the first loss is already different: compute it as loss_fn(model(x_batch), "
                "y_batch), on the batches in order" if step == 0 else
                "the first steps agree but later ones do not. Forgot model.zero_grad() before "
                "backward (gradients add up)? Or the sign of the update (p -= lr * p.grad)?")
        raise AssertionError(
            f"loss at step {step} is {got[step]:.6f}, expected {expected[step]:.6f}: {hint}"
        )
    for (name, p), q in zip(model.named_parameters(), reference_model.parameters()):
        if not teachgrad.allclose(p.detach(), q.detach(), rtol=1e-4, atol=1e-6):
            raise AssertionError(
                f"the losses are right but {name} ends at different values: take the last "
                "step's update too (update after every batch, including the last)"
            )
    return (f"Correct: {len(expected)} steps of mini-batch SGD, loss {expected[0]:.4f} -> "
            f"{expected[-1]:.4f}, parameters as expected.")
