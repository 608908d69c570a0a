"""Initialisation: the same distributions and bounds as torch (the numbers themselves
come from teachgrad's generator, so statistics are compared, not values)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import teachgrad
import teachgrad.nn as nn
import teachgrad.nn.init as init

torch = pytest.importorskip("torch", reason="torch is the oracle")


@pytest.fixture(autouse=True)
def seeded() -> None:
    """Statistics of random draws: seed both libraries so every run draws the same."""
    teachgrad.manual_seed(0)
    torch.manual_seed(0)


def spread(tensor) -> tuple[float, float, float, float]:
    array = tensor.detach().numpy().astype("float64")
    return float(array.mean()), float(array.std()), float(array.min()), float(array.max())


def assert_same_distribution(ours, theirs, uniform: bool) -> None:
    mean, std, low, high = spread(ours)
    their_mean, their_std, their_low, their_high = spread(theirs)
    assert abs(mean - their_mean) < 0.05 * their_std
    assert std == pytest.approx(their_std, rel=0.03)
    if uniform:  # same bounds: the extreme draws sit just inside the bounds in both
        width = their_high - their_low
        assert abs(low - their_low) < 0.01 * width and abs(high - their_high) < 0.01 * width


@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.Linear(300, 200),
    lambda lib: lib.nn.Linear(50, 400),
    lambda lib: lib.nn.Conv2d(16, 32, 3),
    lambda lib: lib.nn.Conv2d(8, 64, (5, 3), groups=2),
])
def test_layer_defaults_follow_torchs_bounds(make) -> None:
    ours, theirs = make(teachgrad), make(torch)
    fan_in = theirs.weight[0].numel()
    bound = 1 / math.sqrt(fan_in)
    for name in ("weight", "bias"):
        mine, reference = getattr(ours, name), getattr(theirs, name)
        assert mine.shape == tuple(reference.shape) and mine.dtype == teachgrad.float32
        assert float(np.abs(mine.detach().numpy()).max()) <= bound
        assert mine.requires_grad and mine.grad_fn is None
    assert_same_distribution(ours.weight, theirs.weight, uniform=True)


def test_embedding_and_batch_norm_defaults() -> None:
    ours, theirs = nn.Embedding(500, 64, padding_idx=3), torch.nn.Embedding(500, 64,
                                                                            padding_idx=3)
    assert_same_distribution(ours.weight, theirs.weight, uniform=False)
    assert not ours.weight[3].detach().numpy().any()
    for layer in (nn.BatchNorm1d(5), nn.BatchNorm2d(5)):
        reference = getattr(torch.nn, type(layer).__name__)(5)
        for (name, ours_value), (_, their_value) in zip(layer.state_dict().items(),
                                                         reference.state_dict().items()):
            np.testing.assert_array_equal(ours_value.numpy(), their_value.numpy(), name)


@pytest.mark.parametrize("function, kwargs, uniform", [
    ("uniform_", {"a": -2.0, "b": 3.0}, True),
    ("normal_", {"mean": 1.5, "std": 0.3}, False),
    ("xavier_uniform_", {}, True), ("xavier_uniform_", {"gain": 2.0}, True),
    ("xavier_normal_", {}, False), ("xavier_normal_", {"gain": 0.5}, False),
    ("kaiming_uniform_", {}, True),
    ("kaiming_uniform_", {"a": math.sqrt(5)}, True),
    ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}, True),
    ("kaiming_normal_", {}, False),
    ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "tanh"}, False),
])
@pytest.mark.parametrize("shape", [(300, 400), (64, 32, 3, 3)])
def test_init_functions_match_torchs_distributions(function: str, kwargs: dict,
                                                   uniform: bool, shape: tuple) -> None:
    ours = getattr(init, function)(teachgrad.empty(shape), **kwargs)
    theirs = getattr(torch.nn.init, function)(torch.empty(shape), **kwargs)
    assert_same_distribution(ours, theirs, uniform)
    if function == "uniform_":
        values = ours.numpy()
        assert values.min() >= kwargs["a"] and values.max() < kwargs["b"]


def test_constant_initialisers_match_torch() -> None:
    for function, args in (("zeros_", ()), ("ones_", ()), ("constant_", (0.25,))):
        ours = getattr(init, function)(teachgrad.empty(3, 4), *args)
        theirs = getattr(torch.nn.init, function)(torch.empty(3, 4), *args)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_init_runs_outside_autograd_on_parameters() -> None:
    param = nn.Parameter(teachgrad.empty(3, 4))
    assert init.xavier_uniform_(param) is param
    assert param.grad_fn is None and param.requires_grad


def test_init_is_reproducible_with_a_seed_or_a_generator() -> None:
    teachgrad.manual_seed(7)
    first = nn.Linear(4, 3).weight.detach().numpy().copy()
    teachgrad.manual_seed(7)
    np.testing.assert_array_equal(nn.Linear(4, 3).weight.detach().numpy(), first)
    draws = [init.normal_(teachgrad.empty(5), generator=teachgrad.Generator().manual_seed(1))
             for _ in range(2)]
    np.testing.assert_array_equal(draws[0].numpy(), draws[1].numpy())


@pytest.mark.parametrize("nonlinearity, param", [
    ("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
    ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None),
])
def test_calculate_gain_matches_torch(nonlinearity: str, param) -> None:
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(
        torch.nn.init.calculate_gain(nonlinearity, param), rel=1e-12)


@pytest.mark.parametrize("shape", [(3, 4), (6, 2, 5, 5), (2, 3, 4)])
def test_fans_match_torch(shape: tuple) -> None:
    assert init._calculate_fan_in_and_fan_out(teachgrad.empty(shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.init.xavier_uniform_(lib.empty(5)),
    lambda lib: lib.nn.init.kaiming_normal_(lib.empty(3, 3), mode="fan_avg"),
    lambda lib: lib.nn.init.calculate_gain("swish"),
    lambda lib: lib.nn.init.calculate_gain("leaky_relu", "big"),
])
def test_init_errors_match_torch(call) -> None:
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(type(expected.value)) as error:
        call(teachgrad)
    assert str(error.value) == str(expected.value)
