"""Every layer against torch's: same weights and inputs give the same outputs and grads."""

from __future__ import annotations

import numpy as np
import pytest
from nn_oracle import assert_close, both, copy_weights, seed_both, values  # noqa: F401 - seed_both is autouse

import teachgrad
import teachgrad.nn as nn

torch = pytest.importorskip("torch", reason="torch is the oracle")


def run_both(ours: nn.Module, theirs, x_array: np.ndarray, seed: int = 100) -> None:
    """Forward and backward through both layers; compare outputs and every gradient."""
    x, tx = both(x_array, requires_grad=x_array.dtype.kind == "f")
    out, expected = ours(x), theirs(tx)
    assert_close(out, expected)
    if not expected.requires_grad:
        return
    assert (out.grad_fn is None) == (expected.grad_fn is None)
    upstream = values(tuple(expected.shape), seed=seed, dtype=str(x_array.dtype)
                      if x_array.dtype.kind == "f" else "float32")
    out.backward(teachgrad.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    if x.requires_grad:
        assert_close(x.grad, tx.grad)
    ours_params = dict(ours.named_parameters())
    for name, param in theirs.named_parameters():
        assert_close(ours_params[name].grad, param.grad)


def paired(ours_class: type, theirs_class: type, *args, **kwargs) -> tuple:
    theirs = theirs_class(*args, **kwargs)
    ours = ours_class(*args, **kwargs)
    copy_weights(ours, theirs)
    return ours, theirs


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(4, 5), (5,), (2, 3, 5)])
def test_linear(bias: bool, shape: tuple) -> None:
    ours, theirs = paired(nn.Linear, torch.nn.Linear, 5, 3, bias=bias)
    run_both(ours, theirs, values(shape, seed=1))
    out = ours(teachgrad.tensor(values(shape, seed=1)).requires_grad_())
    assert out.grad_fn.name() == theirs(torch.tensor(values(shape, seed=1))
                                        .requires_grad_()).grad_fn.name()


@pytest.mark.parametrize("options", [
    {}, {"stride": 2, "padding": 1}, {"dilation": 2, "bias": False},
    {"padding": "same"}, {"groups": 2, "stride": (1, 2)},
])
def test_conv2d(options: dict) -> None:
    ours, theirs = paired(nn.Conv2d, torch.nn.Conv2d, 4, 6, 3, **options)
    run_both(ours, theirs, values((2, 4, 8, 7), seed=2))


@pytest.mark.parametrize("layer, options", [
    ("MaxPool2d", {"kernel_size": 2}), ("MaxPool2d", {"kernel_size": 3, "stride": 2,
                                                      "padding": 1, "ceil_mode": True}),
    ("AvgPool2d", {"kernel_size": 2}), ("AvgPool2d", {"kernel_size": 3, "stride": 1,
                                                      "padding": 1,
                                                      "count_include_pad": False}),
])
def test_pooling(layer: str, options: dict) -> None:
    ours, theirs = paired(getattr(nn, layer), getattr(torch.nn, layer), **options)
    run_both(ours, theirs, values((2, 3, 7, 6), seed=3))


@pytest.mark.parametrize("layer, args", [
    ("ReLU", ()), ("LeakyReLU", ()), ("LeakyReLU", (0.2,)), ("Sigmoid", ()), ("Tanh", ()),
    ("GELU", ()), ("GELU", ("tanh",)), ("Softmax", (1,)), ("Softmax", (-1,)),
    ("LogSoftmax", (1,)), ("Identity", ()), ("Flatten", ()), ("Flatten", (0, 1)),
])
def test_activations_and_shape_layers(layer: str, args: tuple) -> None:
    ours, theirs = paired(getattr(nn, layer), getattr(torch.nn, layer), *args)
    run_both(ours, theirs, values((3, 4, 5), seed=4) * 3)


def test_gelu_far_into_both_tails() -> None:
    x = np.linspace(-12, 12, 97, dtype="float32")
    ours, theirs = paired(nn.GELU, torch.nn.GELU)
    run_both(ours, theirs, x)


def test_inplace_activations_change_their_input() -> None:
    for ours, theirs in (paired(nn.ReLU, torch.nn.ReLU, inplace=True),
                         paired(nn.LeakyReLU, torch.nn.LeakyReLU, 0.1, inplace=True)):
        x, tx = both(values((4, 5), seed=5))
        assert ours(x) is x
        theirs(tx)
        assert_close(x, tx)


@pytest.mark.parametrize("layer, shape", [
    ("BatchNorm1d", (8, 4)), ("BatchNorm1d", (8, 4, 3)), ("BatchNorm2d", (5, 4, 3, 3)),
])
@pytest.mark.parametrize("options", [
    {}, {"affine": False}, {"momentum": None}, {"track_running_stats": False},
    {"eps": 1e-3, "momentum": 0.3},
])
def test_batch_norm_train_then_eval(layer: str, shape: tuple, options: dict) -> None:
    ours, theirs = paired(getattr(nn, layer), getattr(torch.nn, layer), 4, **options)
    for step in range(3):  # several batches, to move the running averages
        run_both(ours, theirs, values(shape, seed=10 + step) * 2 + 1, seed=20 + step)
    for (name, buffer), (_, expected) in zip(ours.named_buffers(), theirs.named_buffers()):
        assert_close(buffer, expected)
        assert buffer.dtype == getattr(teachgrad, str(expected.dtype).split(".")[1]), name
    ours.eval()
    theirs.eval()
    for step in range(2):
        run_both(ours, theirs, values(shape, seed=30 + step), seed=40 + step)


def test_batch_norm_double_backward_matches_torch() -> None:
    x, tx = both(values((6, 3), seed=6, dtype="float64"), requires_grad=True)
    ours, theirs = paired(nn.BatchNorm1d, torch.nn.BatchNorm1d, 3)
    ours.double()
    theirs.double()
    results = []
    for lib, layer, a in ((teachgrad, ours, x), (torch, theirs, tx)):
        out = layer(a)
        (grad_x,) = lib.autograd.grad((out ** 3).sum(), a, create_graph=True)
        (second,) = lib.autograd.grad((grad_x * grad_x).sum(), a)
        results.append(second)
    assert_close(*results)


@pytest.mark.parametrize("padding_idx", [None, 2, -1])
def test_embedding(padding_idx) -> None:
    ours, theirs = paired(nn.Embedding, torch.nn.Embedding, 6, 3, padding_idx=padding_idx)
    ids = np.array([[0, 2, 5], [2, 2, 1]])
    run_both(ours, theirs, ids)
    assert ours.padding_idx == theirs.padding_idx


def test_embedding_from_pretrained() -> None:
    table = values((4, 2), seed=7)
    ours = nn.Embedding.from_pretrained(teachgrad.tensor(table))
    theirs = torch.nn.Embedding.from_pretrained(torch.tensor(table))
    assert ours.weight.requires_grad == theirs.weight.requires_grad is False
    run_both(ours, theirs, np.array([3, 0, 3]))


def test_dropout_in_eval_mode_and_with_p_zero_returns_the_input() -> None:
    x = teachgrad.randn(4, 5)
    assert nn.Dropout(0.5).eval()(x) is x
    assert nn.Dropout(0.0)(x) is x
    ours, theirs = paired(nn.Dropout, torch.nn.Dropout, 1.0)
    run_both(ours, theirs, values((4, 5), seed=8))


def test_dropout_in_training_keeps_the_expectation() -> None:
    teachgrad.manual_seed(0)
    x = teachgrad.ones(200, 500, requires_grad=True)
    out = nn.Dropout(0.3)(x)
    kept = out.detach().numpy() != 0
    # Survivors are scaled by 1/(1-p); the fraction kept is close to 1-p.
    np.testing.assert_allclose(out.detach().numpy()[kept], 1 / 0.7, rtol=1e-6)
    assert abs(kept.mean() - 0.7) < 0.01
    assert out.grad_fn.name() == "MulBackward0"
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), out.detach().numpy())


def test_dropout_uses_teachgrads_seeded_generator() -> None:
    teachgrad.manual_seed(3)
    first = nn.Dropout(0.5)(teachgrad.ones(50))
    teachgrad.manual_seed(3)
    second = nn.Dropout(0.5)(teachgrad.ones(50))
    np.testing.assert_array_equal(first.numpy(), second.numpy())


def test_sequential_lenet_forward_and_backward() -> None:
    def build(lib):
        return lib.nn.Sequential(
            lib.nn.Conv2d(1, 4, 3), lib.nn.ReLU(), lib.nn.MaxPool2d(2),
            lib.nn.Conv2d(4, 6, 3, padding=1), lib.nn.BatchNorm2d(6), lib.nn.ReLU(),
            lib.nn.AvgPool2d(2), lib.nn.Flatten(), lib.nn.Linear(6 * 3 * 3, 10),
            lib.nn.LogSoftmax(1),
        )

    theirs = build(torch)
    ours = build(teachgrad)
    copy_weights(ours, theirs)
    run_both(ours, theirs, values((4, 1, 14, 14), seed=9))
