"""nn.functional helpers not covered by the layer tests, against torch."""

from __future__ import annotations

import numpy as np
import pytest
from nn_oracle import assert_close, both, seed_both, torch_message, values  # noqa: F401 - seed_both is autouse

import teachgrad
import teachgrad.nn.functional as F

torch = pytest.importorskip("torch", reason="torch is the oracle")
TF = torch.nn.functional


@pytest.mark.parametrize("name, kwargs", [
    ("relu", {}), ("leaky_relu", {"negative_slope": 0.3}), ("gelu", {}),
    ("gelu", {"approximate": "tanh"}), ("sigmoid", {}), ("tanh", {}),
    ("softmax", {"dim": 0}), ("log_softmax", {"dim": -1}),
])
def test_activation_functions(name: str, kwargs: dict) -> None:
    x, tx = both(values((4, 6), seed=1) * 4, requires_grad=True)
    out, expected = getattr(F, name)(x, **kwargs), getattr(TF, name)(tx, **kwargs)
    assert_close(out, expected)
    assert out.grad_fn.name() == expected.grad_fn.name()
    upstream = values((4, 6), seed=2)
    out.backward(teachgrad.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    assert_close(x.grad, tx.grad)


@pytest.mark.parametrize("name", ["gelu", "leaky_relu"])
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_second_derivatives_of_activations(name: str, approximate: str) -> None:
    x, tx = both(values((10,), seed=3, dtype="float64") * 3, requires_grad=True)
    kwargs = {"approximate": approximate} if name == "gelu" else {}
    results = []
    for lib, fn, a in ((teachgrad, getattr(F, name), x), (torch, getattr(TF, name), tx)):
        (grad,) = lib.autograd.grad(fn(a, **kwargs).sum(), a, create_graph=True)
        (second,) = lib.autograd.grad((grad * a).sum(), a)
        results.append(second)
    assert_close(*results, rtol=1e-6, atol=1e-7)  # GELU's erf is exact to ~1e-7


def test_softmax_without_dim_warns_and_picks_torchs_dim() -> None:
    for shape in [(5,), (3, 4), (2, 3, 4)]:
        x, tx = both(values(shape, seed=4))
        with pytest.warns(UserWarning, match="Implicit dimension choice"):
            out = F.softmax(x)
        with pytest.warns(UserWarning):
            expected = TF.softmax(tx)
        assert_close(out, expected)


def test_one_hot_matches_torch() -> None:
    labels = np.array([[0, 3], [1, 1]])
    for classes in (-1, 6):
        out = F.one_hot(teachgrad.tensor(labels), classes)
        expected = TF.one_hot(torch.tensor(labels), classes)
        assert out.dtype == teachgrad.int64
        np.testing.assert_array_equal(out.numpy(), expected.numpy())


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.one_hot(lib.tensor([0, 3, 1]), 3),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([0.0, 1.0])),
    lambda lib: lib.nn.functional.embedding(lib.tensor([0, 5]), lib.ones(3, 2)),
    lambda lib: lib.nn.functional.embedding(lib.tensor([0.0, 1.0]), lib.ones(3, 2)),
    lambda lib: lib.nn.functional.dropout(lib.ones(3), 1.5),
    lambda lib: lib.nn.functional.gelu(lib.ones(3), approximate="fast"),
    lambda lib: lib.nn.Embedding(3, 2, padding_idx=3),
    lambda lib: lib.nn.Dropout(-0.1),
])
def test_functional_errors_match_torch(call) -> None:
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(type(expected.value)) as error:
        call(teachgrad)
    assert str(error.value).startswith(torch_message(expected.value).split(" (while")[0]
                                       .split("instead")[0])


def test_functional_batch_norm_updates_the_running_stats_like_torch() -> None:
    x, tx = both(values((6, 3, 2), seed=5) + 2)
    mean, t_mean = both(np.zeros(3, dtype="float32"))
    var, t_var = both(np.ones(3, dtype="float32"))
    out = F.batch_norm(x, mean, var, training=True, momentum=0.2)
    expected = TF.batch_norm(tx, t_mean, t_var, training=True, momentum=0.2)
    assert_close(out, expected)
    assert_close(mean, t_mean)
    assert_close(var, t_var)
    assert_close(F.batch_norm(x, mean, var), TF.batch_norm(tx, t_mean, t_var))


def test_dropout_outside_training_returns_its_input() -> None:
    x = teachgrad.ones(3)
    assert F.dropout(x, 0.5, training=False) is x


def test_linear_on_a_batch_of_sequences_matches_torch() -> None:
    x, tx = both(values((2, 3, 4), seed=6), requires_grad=True)
    w, tw = both(values((5, 4), seed=7), requires_grad=True)
    out, expected = F.linear(x, w), TF.linear(tx, tw)
    assert_close(out, expected)
    out.sum().backward()
    expected.sum().backward()
    assert_close(x.grad, tx.grad)
    assert_close(w.grad, tw.grad)
