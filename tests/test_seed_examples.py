"""The seed tutorials' autograd examples, in today's API, run with teachgrad and torch.

Each example is written once, as a function of the module it runs on (its parameter
is called `torch`, so the body reads as PyTorch code). The test calls it with
teachgrad and with torch on the same starting values (made with NumPy, handed to
each library with from_numpy) and compares what it returns: losses step by step,
gradients, the final weights, printed reprs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from oracle import torch as real_torch

import teachgrad

BATCH, D_IN, HIDDEN, D_OUT = 16, 40, 20, 5
STEPS = 50
LEARNING_RATE = 2e-4
F32 = {"rtol": 2e-5, "atol": 1e-5}


def starting_values(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "x": rng.standard_normal((BATCH, D_IN)).astype(np.float32),
        "y": rng.standard_normal((BATCH, D_OUT)).astype(np.float32),
        "w1": rng.standard_normal((D_IN, HIDDEN)).astype(np.float32),
        "w2": rng.standard_normal((HIDDEN, D_OUT)).astype(np.float32),
    }


def as_tensors(torch: Any, values: dict) -> dict:
    # from_numpy shares memory, and the loops update weights in place: each library
    # gets its own copy of the starting values.
    return {name: torch.from_numpy(array.copy()) for name, array in values.items()}


def numbers(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach()
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value, dtype=np.float64)


# ------------------------------------------------------------------ the examples


def two_layer_by_hand(torch: Any, values: dict) -> dict:
    """Tensors only: the forward pass and the chain rule written out, no autograd."""
    t = as_tensors(torch, values)
    x, y, w1, w2 = t["x"], t["y"], t["w1"], t["w2"]
    losses = []
    for _ in range(STEPS):
        hidden = x.mm(w1)
        hidden_relu = hidden.clamp(min=0)
        prediction = hidden_relu.mm(w2)
        loss = (prediction - y).pow(2).sum()
        losses.append(loss.item())

        grad_prediction = 2.0 * (prediction - y)
        grad_w2 = hidden_relu.t().mm(grad_prediction)
        grad_hidden = grad_prediction.mm(w2.t()).clone()
        grad_hidden[hidden < 0] = 0
        grad_w1 = x.t().mm(grad_hidden)

        w1 -= LEARNING_RATE * grad_w1
        w2 -= LEARNING_RATE * grad_w2
    return {"losses": losses, "w1": w1, "w2": w2}


def two_layer_autograd(torch: Any, values: dict) -> dict:
    """The same net; backward() computes the gradients, the update runs under no_grad."""
    t = as_tensors(torch, values)
    x, y = t["x"], t["y"]
    w1 = t["w1"].requires_grad_()
    w2 = t["w2"].requires_grad_()
    losses, first_grads = [], None
    for step in range(STEPS):
        prediction = x.mm(w1).clamp(min=0).mm(w2)
        loss = (prediction - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        if step == 0:
            first_grads = (w1.grad.clone(), w2.grad.clone())
        with torch.no_grad():
            w1 -= LEARNING_RATE * w1.grad
            w2 -= LEARNING_RATE * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    return {"losses": losses, "w1": w1, "w2": w2, "grad_w1": first_grads[0],
            "grad_w2": first_grads[1], "loss_repr": repr(loss)}


def make_my_relu(torch: Any) -> type:
    class MyReLU(torch.autograd.Function):
        """max(x, 0), with its derivative (1 where x > 0, else 0) written by hand."""

        @staticmethod
        def forward(ctx: Any, inputs: Any) -> Any:
            ctx.save_for_backward(inputs)
            return inputs.clamp(min=0)

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            (inputs,) = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[inputs < 0] = 0
            return grad_input

    return MyReLU


def two_layer_custom_relu(torch: Any, values: dict) -> dict:
    """The autograd net with the ReLU as a custom Function."""
    relu = make_my_relu(torch).apply
    t = as_tensors(torch, values)
    x, y = t["x"], t["y"]
    w1 = t["w1"].requires_grad_()
    w2 = t["w2"].requires_grad_()
    losses, names = [], None
    for _ in range(STEPS):
        prediction = relu(x.mm(w1)).mm(w2)
        loss = (prediction - y).pow(2).sum()
        losses.append(loss.item())
        if names is None:
            names = [type(prediction.grad_fn).__name__,
                     type(prediction.grad_fn.next_functions[0][0]).__name__]
        loss.backward()
        with torch.no_grad():
            for weight in (w1, w2):
                weight -= LEARNING_RATE * weight.grad
                weight.grad = None
    return {"losses": losses, "w1": w1, "w2": w2, "names": names}


def two_layer_legacy_variable(torch: Any, values: dict) -> dict:
    """The pre-0.4 style: Variable wrappers, updates through .data, grads zeroed by hand."""
    Variable = torch.autograd.Variable  # noqa: N806 - the legacy name, as old code spelled it
    t = as_tensors(torch, values)
    x = Variable(t["x"], requires_grad=False)
    y = Variable(t["y"], requires_grad=False)
    w1 = Variable(t["w1"], requires_grad=True)
    w2 = Variable(t["w2"], requires_grad=True)
    losses = []
    for _ in range(STEPS):
        prediction = x.mm(w1).clamp(min=0).mm(w2)
        loss = (prediction - y).pow(2).sum()
        losses.append(loss.data.item())
        loss.backward()
        w1.data -= LEARNING_RATE * w1.grad.data
        w2.data -= LEARNING_RATE * w2.grad.data
        w1.grad.data.zero_()
        w2.grad.data.zero_()
    return {"losses": losses, "w1": w1, "w2": w2}


def graph_attributes(torch: Any, values: dict) -> dict:
    """grad_fn of leaves and results, grads None until backward, then a.grad."""
    a = torch.from_numpy(values["w1"][:3, :3].copy()).requires_grad_()
    before = [a.grad_fn is None, a.grad is None, a.is_leaf]
    b = a * 2
    c = b.sum()
    names = [type(b.grad_fn).__name__, type(c.grad_fn).__name__]
    c.backward()
    return {"before": before, "names": names, "a_grad": a.grad, "b_is_leaf": b.is_leaf}


def vector_backward(torch: Any, values: dict) -> dict:
    """Q = 3a^3 - b^2 is a vector: backward needs the upstream gradient dQ/dQ."""
    a = torch.tensor([2.0, 3.0], requires_grad=True)
    b = torch.tensor([6.0, 4.0], requires_grad=True)
    q = 3 * a ** 3 - b ** 2
    q.backward(gradient=torch.tensor([1.0, 1.0]))
    checks = [(9 * a ** 2 == a.grad).tolist(), (-2 * b == b.grad).tolist()]
    a.grad = None
    b.grad = None
    q2 = 3 * a ** 3 - b ** 2
    q2.sum().backward()  # the same gradients, through a scalar
    return {"a_grad": a.grad, "b_grad": b.grad, "checks": checks, "q_repr": repr(q2)}


def small_graph(torch: Any, values: dict) -> dict:
    """b = w1 a, c = w2 a, d = w3 b + w4 c, L = 10 - d, and dL/dw for every w."""
    a, w1, w2, w3, w4 = (torch.tensor([value], requires_grad=True)
                         for value in (1.0, 2.0, -1.0, 0.5, 3.0))
    b = w1 * a
    c = w2 * a
    d = w3 * b + w4 * c
    loss = 10 - d
    shown = [repr(b), repr(d), repr(loss)]
    loss.backward()
    return {"grads": [w.grad for w in (a, w1, w2, w3, w4)], "shown": shown}


def scalar_derivatives(torch: Any, values: dict) -> dict:
    """y = w x + b with numbers: dy/dw = x, dy/db = 1, and x (no requires_grad) gets none."""
    x = torch.tensor(3.0)
    w = torch.tensor(4.0, requires_grad=True)
    b = torch.tensor(5.0, requires_grad=True)
    y = w * x + b
    shown = repr(y)
    y.backward()
    return {"x_grad": x.grad, "w_grad": w.grad, "b_grad": b.grad, "shown": shown}


def gradient_descent_on_a_line(torch: Any, values: dict) -> dict:
    """Fit y = w x + b to points with plain gradient descent (no nn, no optim)."""
    rng = np.random.default_rng(3)
    x = torch.from_numpy(rng.uniform(-1, 1, 30).astype(np.float32))
    y = 2.5 * x - 0.7 + torch.from_numpy((rng.standard_normal(30) * 0.05).astype(np.float32))
    w = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    losses = []
    for _ in range(STEPS):
        loss = ((w * x + b - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w.sub_(0.3 * w.grad)
            b.sub_(0.3 * b.grad)
        w.grad.zero_()
        b.grad.zero_()
    return {"losses": losses, "w": w, "b": b}


EXAMPLES = [two_layer_by_hand, two_layer_autograd, two_layer_custom_relu,
            two_layer_legacy_variable, graph_attributes, vector_backward, small_graph,
            scalar_derivatives, gradient_descent_on_a_line]


def _compare(ours: Any, theirs: Any, key: str) -> None:
    if isinstance(theirs, str):
        assert ours == theirs.replace("torch.", "teachgrad."), key
    elif theirs is None or isinstance(theirs, bool):
        assert ours is theirs, key
    elif isinstance(theirs, (list, tuple)) and theirs and not isinstance(
            theirs[0], (int, float)):
        assert len(ours) == len(theirs), key
        for index, (mine, other) in enumerate(zip(ours, theirs)):
            _compare(mine, other, f"{key}[{index}]")
    else:
        # float32 sums of large terms of both signs: the absolute error scales with the
        # largest magnitude, not with each (possibly small) result.
        expected = numbers(theirs)
        scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
        np.testing.assert_allclose(numbers(ours), expected, err_msg=key, rtol=F32["rtol"],
                                   atol=F32["atol"] * scale)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.__name__ for e in EXAMPLES])
def test_seed_example_runs_the_same_in_teachgrad_and_torch(example: Any) -> None:
    values = starting_values()
    ours = example(teachgrad, values)
    theirs = example(real_torch, values)
    assert ours.keys() == theirs.keys()
    for key in theirs:
        _compare(ours[key], theirs[key], key)


@pytest.mark.parametrize("example", [two_layer_by_hand, two_layer_autograd,
                                     two_layer_custom_relu, two_layer_legacy_variable,
                                     gradient_descent_on_a_line])
def test_training_examples_learn(example: Any) -> None:
    losses = example(teachgrad, starting_values())["losses"]
    assert len(losses) == STEPS
    assert losses[-1] < 0.5 * losses[0]
    assert all(later <= earlier * 1.0001 for earlier, later in zip(losses, losses[1:]))


def test_all_two_layer_variants_agree_with_each_other() -> None:
    """By hand, autograd, custom ReLU and legacy Variable compute the same thing."""
    values = starting_values(seed=5)
    reference = two_layer_by_hand(teachgrad, values)
    for variant in (two_layer_autograd, two_layer_custom_relu, two_layer_legacy_variable):
        result = variant(teachgrad, values)
        np.testing.assert_allclose(result["losses"], reference["losses"], rtol=1e-5)
        np.testing.assert_allclose(numbers(result["w1"]), numbers(reference["w1"]),
                                   rtol=1e-5, atol=1e-5)


def test_legacy_variable_import_and_alias() -> None:
    from torch.autograd import Variable as TheirVariable

    from teachgrad.autograd import Variable as OurVariable

    for m, Variable in ((teachgrad, OurVariable), (real_torch, TheirVariable)):  # noqa: N806
        data = m.tensor([1.0, 2.0])
        wrapped = Variable(data, requires_grad=True)
        assert isinstance(wrapped, m.Tensor) and wrapped.requires_grad and wrapped.is_leaf
        assert wrapped is not data and not data.requires_grad  # the data is left alone...
        wrapped.data.mul_(3)
        assert data.tolist() == [3.0, 6.0]  # ...but its memory is shared
        assert not Variable(data).requires_grad
        result = Variable(m.ones(2, requires_grad=True) * 2)
        assert result.is_leaf and not result.requires_grad and result.grad_fn is None
        with pytest.raises(TypeError, match="Variable data has to be a tensor"):
            Variable([1.0, 2.0])


def test_my_relu_gradcheck_and_matches_builtin() -> None:
    my_relu = make_my_relu(teachgrad).apply
    x = teachgrad.tensor([[-1.5, 0.3], [2.0, -0.2]], dtype=teachgrad.float64, requires_grad=True)
    assert teachgrad.autograd.gradcheck(my_relu, (x,))
    out = my_relu(x)
    assert type(out.grad_fn).__name__ == "MyReLUBackward"
    (out * teachgrad.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=teachgrad.float64)).sum().backward()
    assert x.grad.tolist() == [[0.0, 2.0], [3.0, 0.0]]
