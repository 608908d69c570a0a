"""The checks of lesson 06's exercises accept the reference answers and reject wrong ones."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from exercise_verdicts import assert_correct, assert_not_attempted, assert_wrong

import teachgrad
import teachgrad.nn as nn
import teachgrad.nn.functional as F
from teachgrad.exercises import lesson06

# --- exercise 1: a Module and a Linear layer, built by hand ------------------------------


class Module:
    def __init__(self):
        self._parameters = {}
        self._modules = {}

    def __setattr__(self, name, value):
        if isinstance(value, nn.Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        super().__setattr__(name, value)

    def __call__(self, *args):
        return self.forward(*args)

    def parameters(self):
        found = list(self._parameters.values())
        for module in self._modules.values():
            found += module.parameters()
        return found

    def zero_grad(self):
        for p in self.parameters():
            p.grad = None


class MyLinear(Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter((2 * teachgrad.rand(out_features, in_features) - 1) * bound)
        self.bias = nn.Parameter((2 * teachgrad.rand(out_features) - 1) * bound) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        return out if self.bias is None else out + self.bias


class GeneratorModule:
    """Also right: dicts set with object.__setattr__, a generator, zeroed gradients,
    and the layer written with nn.init and F.linear."""

    def __init__(self):
        object.__setattr__(self, "_params", {})
        object.__setattr__(self, "_children", {})

    def __setattr__(self, name, value):
        if isinstance(value, nn.Parameter):
            self._params[name] = value
        if isinstance(value, GeneratorModule):
            self._children[name] = value
        object.__setattr__(self, name, value)

    def __call__(self, x):
        return self.forward(x)

    def parameters(self):
        yield from self._params.values()
        for child in self._children.values():
            yield from child.parameters()

    def zero_grad(self):
        for p in self.parameters():
            if p.grad is not None:
                p.grad.zero_()


class GeneratorLinear(GeneratorModule):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(teachgrad.empty(out_features, in_features))
        nn.init.uniform_(self.weight, -bound, bound)
        self.bias = None
        if bias:
            self.bias = nn.Parameter(teachgrad.empty(out_features))
            nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)


@pytest.mark.parametrize(("module", "linear"),
                         [(Module, MyLinear), (GeneratorModule, GeneratorLinear)])
def test_module_accepts_reference(module, linear, capsys):
    lesson06.check_module_and_linear(module, linear)
    assert capsys.readouterr().out.startswith("Correct: ")


def test_module_solution_in_the_lesson_is_the_one_tested():
    text = (Path(__file__).resolve().parents[1] / "notebooks" / "06_modules.md").read_text()
    solution = text.split("<summary>Reference solution</summary>", 1)[1].split("</details>")[0]
    namespace = {}
    exec("import math\nimport teachgrad\nimport teachgrad.nn as nn\n"
         + solution.replace("```python", "").replace("```", ""), namespace)
    assert_correct(lesson06.check_module_and_linear, namespace["Module"], namespace["MyLinear"])


class RegistersEveryTensor(Module):
    def __setattr__(self, name, value):
        if isinstance(value, teachgrad.Tensor):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)


class ShallowParameters(Module):
    def parameters(self):
        return list(self._parameters.values())


class ForgetsToStore(Module):
    def __setattr__(self, name, value):
        if isinstance(value, nn.Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value


class ClearsOnlyItsOwn(Module):
    def zero_grad(self):
        for p in self._parameters.values():
            p.grad = None


class NotCallable(Module):
    __call__ = None


def linear_on(base):
    class Linear(base):
        def __init__(self, in_features, out_features, bias=True):
            super().__init__()
            bound = 1 / math.sqrt(in_features)
            self.weight = nn.Parameter((2 * teachgrad.rand(out_features, in_features) - 1)
                                       * bound)
            self.bias = (nn.Parameter((2 * teachgrad.rand(out_features) - 1) * bound)
                         if bias else None)

        def forward(self, x):
            out = x @ self.weight.T
            return out if self.bias is None else out + self.bias

    return Linear


class TransposedWeight(MyLinear):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__(in_features, out_features, bias)
        self.weight = nn.Parameter(self.weight.detach().T.clone())

    def forward(self, x):
        return x @ self.weight + self.bias


class RandnStart(MyLinear):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__(in_features, out_features, bias)
        self.weight = nn.Parameter(teachgrad.randn(out_features, in_features))


class ZeroBias(MyLinear):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__(in_features, out_features, bias)
        if bias:
            self.bias = nn.Parameter(teachgrad.zeros(out_features))


class AlwaysBias(MyLinear):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__(in_features, out_features, True)


class ThroughNumPy(MyLinear):
    def forward(self, x):
        out = x.numpy() @ self.weight.detach().numpy().T + self.bias.detach().numpy()
        return teachgrad.tensor(out)


class WrongBound(MyLinear):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__(in_features, out_features, bias)
        with teachgrad.no_grad():
            self.weight.mul_(2.0)


class SwappedAlready(nn.Module):
    pass


@pytest.mark.parametrize(
    ("module", "linear"),
    [
        (RegistersEveryTensor, linear_on(RegistersEveryTensor)),
        (ShallowParameters, linear_on(ShallowParameters)),
        (ForgetsToStore, linear_on(ForgetsToStore)),
        (ClearsOnlyItsOwn, linear_on(ClearsOnlyItsOwn)),
        (NotCallable, linear_on(NotCallable)),
        (Module, TransposedWeight),
        (Module, RandnStart),
        (Module, ZeroBias),
        (Module, AlwaysBias),
        (Module, ThroughNumPy),
        (Module, WrongBound),
        (SwappedAlready, nn.Linear),
        (nn.Module, nn.Linear),
        (Module, nn.Linear),
        (Module(), MyLinear),
    ],
    ids=["every-tensor", "shallow", "forgets-to-store", "clears-own", "not-callable",
         "transposed", "randn", "zero-bias", "always-bias", "numpy", "wrong-bound",
         "subclass-of-nn", "nn-itself", "linear-not-on-module", "instance"],
)
def test_module_rejects_wrong_answers(module, linear):
    assert_wrong(lesson06.check_module_and_linear, module, linear)


def test_module_hints_name_the_fault():
    assert_wrong(lesson06.check_module_and_linear, RegistersEveryTensor,
                 linear_on(RegistersEveryTensor), match="plain tensor")
    assert_wrong(lesson06.check_module_and_linear, ShallowParameters,
                 linear_on(ShallowParameters), match="sub-modules")
    assert_wrong(lesson06.check_module_and_linear, Module, RandnStart, match="uniformly")


def test_module_stub_is_not_attempted():
    class StubModule:
        def __init__(self):
            raise NotImplementedError("your turn")

    class StubLinear(StubModule):
        def __init__(self, in_features, out_features, bias=True):
            super().__init__()
            raise NotImplementedError("your turn")

    assert_not_attempted(lesson06.check_module_and_linear, StubModule, StubLinear)


# --- exercise 2: mini-batch SGD -------------------------------------------------------------


def fit(model, loss_fn, x, y, lr, epochs, batch_size):
    losses = []
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            x_batch, y_batch = x[start:start + batch_size], y[start:start + batch_size]
            loss = loss_fn(model(x_batch), y_batch)
            model.zero_grad()
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
            losses.append(loss.item())
    return losses


def fit_zeroing_after_update(model, loss_fn, x, y, lr, epochs, batch_size):
    """Also right: zero the gradients after the update instead of before backward."""
    losses = []
    n_batches = math.ceil(x.shape[0] / batch_size)
    for _ in range(epochs):
        for b in range(n_batches):
            sl = slice(b * batch_size, (b + 1) * batch_size)
            loss = loss_fn(model(x[sl]), y[sl])
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p.sub_(lr * p.grad)
                    p.grad.zero_()
            losses.append(float(loss))
    return losses


def test_fit_accepts_reference(capsys):
    lesson06.check_fit(fit)
    lesson06.check_fit(fit_zeroing_after_update)
    assert "9 steps" in capsys.readouterr().out


def fit_without_zero_grad(model, loss_fn, x, y, lr, epochs, batch_size):
    losses = []
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            loss = loss_fn(model(x[start:start + batch_size]), y[start:start + batch_size])
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
            losses.append(loss.item())
    return losses


def fit_without_no_grad(model, loss_fn, x, y, lr, epochs, batch_size):
    losses = []
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            loss = loss_fn(model(x[start:start + batch_size]), y[start:start + batch_size])
            model.zero_grad()
            loss.backward()
            for p in model.parameters():
                p -= lr * p.grad
            losses.append(loss.item())
    return losses


def fit_rebinding(model, loss_fn, x, y, lr, epochs, batch_size):
    losses = []
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            loss = loss_fn(model(x[start:start + batch_size]), y[start:start + batch_size])
            model.zero_grad()
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p = p - lr * p.grad  # the mistake being tested
            losses.append(loss.item())
    return losses


def fit_dropping_last_batch(model, loss_fn, x, y, lr, epochs, batch_size):
    losses = []
    for _ in range(epochs):
        for start in range(0, len(x) - batch_size + 1, batch_size):
            loss = loss_fn(model(x[start:start + batch_size]), y[start:start + batch_size])
            model.zero_grad()
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
            losses.append(loss.item())
    return losses


def fit_gradient_ascent(model, loss_fn, x, y, lr, epochs, batch_size):
    losses = []
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            loss = loss_fn(model(x[start:start + batch_size]), y[start:start + batch_size])
            model.zero_grad()
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p += lr * p.grad
            losses.append(loss.item())
    return losses


def fit_full_batch(model, loss_fn, x, y, lr, epochs, batch_size):
    return fit(model, loss_fn, x, y, lr, epochs * math.ceil(len(x) / batch_size), len(x))


def fit_returning_pairs(model, loss_fn, x, y, lr, epochs, batch_size):
    """One pair per step instead of one number."""
    out = []
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            loss = loss_fn(model(x[start:start + batch_size]), y[start:start + batch_size])
            model.zero_grad()
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
            out.append([loss.item(), loss.item()])
    return out


@pytest.mark.parametrize(
    "wrong",
    [
        fit_without_zero_grad,
        fit_without_no_grad,
        fit_rebinding,
        fit_dropping_last_batch,
        fit_gradient_ascent,
        fit_full_batch,
        fit_returning_pairs,
    ],
)
def test_fit_rejects_wrong_loops(wrong):
    assert_wrong(lesson06.check_fit, wrong)


def test_stubs_are_not_hidden():
    def stub(*args, **kwargs):
        raise NotImplementedError("your turn")

    assert_not_attempted(lesson06.check_fit, stub)
