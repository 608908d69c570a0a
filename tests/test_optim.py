"""Every optimizer against torch's: 25 steps on the same problem give the same parameters
(and the same optimizer state), for every option; state_dict round trips; misuse errors."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from nn_oracle import as_numpy, assert_close, copy_weights, seed_both, torch_message, values  # noqa: F401 - seed_both is autouse

import teachgrad
import teachgrad.nn as nn
import teachgrad.optim as optim

torch = pytest.importorskip("torch", reason="torch is the oracle")
STEPS = 25


def make_model(lib):
    return lib.nn.Sequential(lib.nn.Linear(5, 8), lib.nn.Tanh(), lib.nn.Linear(8, 3))


def make_pair(seed: int = 0):
    torch.manual_seed(seed)
    theirs = make_model(torch)
    ours = make_model(teachgrad)
    copy_weights(ours, theirs)
    return ours, theirs


INPUTS, TARGETS = values((16, 5), seed=1), values((16, 3), seed=2)


def train(lib, model, optimizer, steps: int = STEPS, closure_style: bool = False,
          dtype: str = "float32") -> list:
    """Run `steps` optimizer steps on a fixed regression problem; return the losses."""
    x, y = lib.tensor(INPUTS.astype(dtype)), lib.tensor(TARGETS.astype(dtype))
    losses = []

    def closure():
        optimizer.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        return loss

    for _ in range(steps):
        if closure_style:
            losses.append(optimizer.step(closure).item())
        else:
            losses.append(closure().item())
            optimizer.step()
    return losses


def assert_same_parameters(ours, theirs) -> None:
    for (_name, mine), (_, reference) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(mine, reference)


OPTIMIZER_CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.5}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.01, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6, "amsgrad": True,
              "weight_decay": 0.05}),
    ("Adam", {"lr": 0.01, "maximize": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.01, "betas": (0.5, 0.9)}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.005, "centered": True, "momentum": 0.5, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-4}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.5}),
    ("Adagrad", {"lr": 0.1, "eps": 1e-3, "maximize": True}),
]


def trained_in_float64(lib, model, name: str, options: dict):
    """The model in float64 after 25 steps of the named optimizer; returns the optimizer."""
    model.double()
    optimizers = optim if lib is teachgrad else torch.optim
    extra = {} if lib is teachgrad else {"foreach": False}
    optimizer = getattr(optimizers, name)(model.parameters(), **extra, **options)
    train(lib, model, optimizer, dtype="float64")
    return optimizer


def float64_state(name: str, options: dict) -> dict:
    """torch's optimizer state after the same 25 steps in float64: the reference answer."""
    optimizer = trained_in_float64(torch, make_pair()[1], name, options)
    return {index: {key: as_numpy(value) for key, value in state.items()}
            for index, state in optimizer.state_dict()["state"].items()}


@pytest.mark.parametrize("name, options", OPTIMIZER_CASES)
def test_optimizer_matches_torch_for_25_steps(name: str, options: dict) -> None:
    ours, theirs = make_pair()
    ours_opt = getattr(optim, name)(ours.parameters(), **options)
    theirs_opt = getattr(torch.optim, name)(theirs.parameters(), foreach=False, **options)
    losses = train(teachgrad, ours, ours_opt)
    expected = train(torch, theirs, theirs_opt)
    np.testing.assert_allclose(losses, expected, rtol=1e-5)
    assert_same_parameters(ours, theirs)
    # The optimizer's memory too: momentum buffers, running averages, step counts. A
    # buffer of gradients divided by their own RMS magnifies float32 rounding where a
    # gradient is near zero, so torch's float32 state is itself off from the float64
    # answer there; ours must be about as close to that answer as torch's is.
    mine, reference = ours_opt.state_dict(), theirs_opt.state_dict()
    assert mine["state"].keys() == reference["state"].keys()
    exact = float64_state(name, options)
    for index, state in reference["state"].items():
        assert mine["state"][index].keys() == state.keys()
        for key, value in state.items():
            truth, ours_now = exact[index][key], as_numpy(mine["state"][index][key])
            assert ours_now.shape == truth.shape, (key, ours_now.shape, truth.shape)
            torch_error = np.abs(as_numpy(value) - truth).max()
            our_error = np.abs(ours_now - truth).max()
            assert our_error <= 4 * torch_error + 1e-6 * np.abs(truth).max(), \
                (key, our_error, torch_error)
    assert [g["params"] for g in mine["param_groups"]] == \
        [g["params"] for g in reference["param_groups"]]
    for group, expected_group in zip(mine["param_groups"], reference["param_groups"]):
        assert {k: v for k, v in expected_group.items() if k in group} == group


@pytest.mark.parametrize("name, options", OPTIMIZER_CASES)
def test_optimizer_formulas_are_torchs_in_float64(name: str, options: dict) -> None:
    """In float64 rounding cannot hide a different formula: agree to 1e-12."""
    ours, theirs = make_pair()
    trained_in_float64(teachgrad, ours, name, options)
    trained_in_float64(torch, theirs, name, options)
    for mine, reference in zip(ours.parameters(), theirs.parameters()):
        assert_close(mine, reference, rtol=1e-12, atol=1e-12)


def test_closure_returns_the_loss_like_torch() -> None:
    ours, theirs = make_pair()
    losses = train(teachgrad, ours, optim.SGD(ours.parameters(), lr=0.1), closure_style=True)
    expected = train(torch, theirs, torch.optim.SGD(theirs.parameters(), lr=0.1),
                     closure_style=True)
    np.testing.assert_allclose(losses, expected, rtol=1e-5)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad"])
def test_param_groups_with_their_own_hyperparameters(name: str) -> None:
    ours, theirs = make_pair()

    def groups(model):
        return [{"params": model[0].parameters(), "lr": 0.05},
                {"params": model[2].parameters(), "weight_decay": 0.1}]

    extra = {"momentum": 0.9} if name in ("SGD", "RMSprop") else {}
    ours_opt = getattr(optim, name)(groups(ours), lr=0.01, **extra)
    theirs_opt = getattr(torch.optim, name)(groups(theirs), lr=0.01, foreach=False, **extra)
    assert [g["lr"] for g in ours_opt.param_groups] == [0.05, 0.01]
    train(teachgrad, ours, ours_opt)
    train(torch, theirs, theirs_opt)
    assert_same_parameters(ours, theirs)


def test_parameters_without_a_gradient_are_left_alone() -> None:
    frozen = nn.Parameter(teachgrad.ones(3))
    model = nn.Linear(2, 2)
    optimizer = optim.Adam([*model.parameters(), frozen], lr=0.1)
    model(teachgrad.ones(1, 2)).sum().backward()
    optimizer.step()
    np.testing.assert_array_equal(frozen.detach().numpy(), np.ones(3))
    assert frozen not in optimizer.state


def test_add_param_group_joins_the_updates() -> None:
    ours, theirs = make_pair()
    ours_opt = optim.SGD(ours[0].parameters(), lr=0.1, momentum=0.5)
    theirs_opt = torch.optim.SGD(theirs[0].parameters(), lr=0.1, momentum=0.5)
    ours_opt.add_param_group({"params": ours[2].parameters(), "lr": 0.01})
    theirs_opt.add_param_group({"params": theirs[2].parameters(), "lr": 0.01})
    assert ours_opt.param_groups[1]["momentum"] == 0.5
    train(teachgrad, ours, ours_opt)
    train(torch, theirs, theirs_opt)
    assert_same_parameters(ours, theirs)


# ---------------------------------------------------------------- Lookahead


def torch_lookahead_reference(model, inner, k: int, alpha: float, steps: int) -> list:
    """The Lookahead paper's update written out, with a torch optimizer inside."""
    params = list(model.parameters())
    slow = [p.detach().clone() for p in params]
    x, y = torch.tensor(INPUTS), torch.tensor(TARGETS)
    losses = []
    for step in range(1, steps + 1):
        inner.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        losses.append(loss.item())
        inner.step()
        if step % k == 0:
            with torch.no_grad():
                for param, slow_param in zip(params, slow):
                    slow_param += alpha * (param - slow_param)
                    param.copy_(slow_param)
    return losses


@pytest.mark.parametrize("inner, options", [
    ("SGD", {"lr": 0.05, "momentum": 0.9}), ("Adam", {"lr": 0.02}),
    ("RMSprop", {"lr": 0.01}),
])
@pytest.mark.parametrize("k, alpha", [(5, 0.5), (3, 0.8), (1, 1.0)])
def test_lookahead_matches_the_papers_update(inner: str, options: dict, k: int,
                                             alpha: float) -> None:
    ours, theirs = make_pair()
    ours_opt = optim.Lookahead(getattr(optim, inner)(ours.parameters(), **options), k, alpha)
    theirs_inner = getattr(torch.optim, inner)(theirs.parameters(), foreach=False, **options)
    losses = train(teachgrad, ours, ours_opt)
    expected = torch_lookahead_reference(theirs, theirs_inner, k, alpha, STEPS)
    np.testing.assert_allclose(losses, expected, rtol=1e-5)
    assert_same_parameters(ours, theirs)


def test_lookahead_state_dict_round_trip_and_scheduler() -> None:
    model = make_model(teachgrad)
    optimizer = optim.Lookahead(optim.SGD(model.parameters(), lr=0.1, momentum=0.9), k=4)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    train(teachgrad, model, optimizer, steps=6)
    for _ in range(3):
        scheduler.step()
    assert optimizer.optimizer.param_groups[0]["lr"] == 0.05
    clone = copy.deepcopy(model)
    clone_opt = optim.Lookahead(optim.SGD(clone.parameters(), lr=0.1, momentum=0.9))
    clone_opt.load_state_dict(copy.deepcopy(optimizer.state_dict()))
    assert clone_opt.k == 4 and clone_opt.fast_steps == 6
    train(teachgrad, model, optimizer, steps=7)
    train(teachgrad, clone, clone_opt, steps=7)
    for a, b in zip(model.parameters(), clone.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


@pytest.mark.parametrize("k, alpha", [(0, 0.5), (5, 1.5), (2.5, 0.5)])
def test_lookahead_rejects_bad_settings(k, alpha) -> None:
    with pytest.raises(ValueError, match="Invalid"):
        optim.Lookahead(optim.SGD(make_model(teachgrad).parameters()), k, alpha)


# ---------------------------------------------------------------- state_dict


@pytest.mark.parametrize("name, options", [
    ("SGD", {"lr": 0.05, "momentum": 0.9}), ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("AdamW", {"lr": 0.01}), ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
    ("Adagrad", {"lr": 0.1}),
])
def test_state_dict_round_trip_continues_the_same_trajectory(name: str, options: dict) -> None:
    model = make_model(teachgrad)
    optimizer = getattr(optim, name)(model.parameters(), **options)
    train(teachgrad, model, optimizer, steps=10)
    saved_model = copy.deepcopy(model.state_dict())
    saved = copy.deepcopy(optimizer.state_dict())
    restored = make_model(teachgrad)
    restored.load_state_dict(saved_model)
    restored_opt = getattr(optim, name)(restored.parameters(), lr=123.0)
    restored_opt.load_state_dict(saved)
    assert restored_opt.param_groups[0]["lr"] == options["lr"]
    train(teachgrad, model, optimizer, steps=10)
    train(teachgrad, restored, restored_opt, steps=10)
    for a, b in zip(model.parameters(), restored.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_state_dict_loads_into_torch_shaped_structure() -> None:
    ours, theirs = make_pair()
    ours_opt = optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    theirs_opt = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    train(teachgrad, ours, ours_opt, steps=3)
    train(torch, theirs, theirs_opt, steps=3)
    mine, reference = ours_opt.state_dict(), theirs_opt.state_dict()
    assert set(mine) == set(reference) == {"state", "param_groups"}
    assert sorted(mine["state"]) == sorted(reference["state"])


def test_load_state_dict_refuses_a_different_layout() -> None:
    model = make_model(teachgrad)
    saved = optim.SGD(model.parameters(), lr=0.1).state_dict()
    for lib, build in ((teachgrad, make_model), (torch, make_model)):
        other = build(lib)
        params = list(other.parameters())
        cases = [
            lib.optim.SGD([{"params": params[:2]}, {"params": params[2:]}], lr=0.1),
            lib.optim.SGD(params[:3], lr=0.1),
        ]
        reference = lib.optim.SGD(make_model(torch).parameters(), lr=0.1).state_dict() \
            if lib is torch else saved
        for optimizer in cases:
            with pytest.raises(ValueError, match="loaded state dict"):
                optimizer.load_state_dict(reference)


# ---------------------------------------------------------------- misuse


MISUSE = [
    lambda lib: lib.optim.SGD([], lr=0.1),
    lambda lib: lib.optim.Adam(iter([])),
    lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True) * 2], lr=0.1),
    lambda lib: lib.optim.SGD(lib.ones(2, requires_grad=True), lr=0.1),
    lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True)], lr=-1.0),
    lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True)], lr=0.1, momentum=-0.5),
    lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True)], lr=0.1, nesterov=True),
    lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True)], weight_decay=-1),
    lambda lib: lib.optim.Adam([lib.ones(2, requires_grad=True)], betas=(1.0, 0.9)),
    lambda lib: lib.optim.Adam([lib.ones(2, requires_grad=True)], betas=(0.9, -0.1)),
    lambda lib: lib.optim.Adam([lib.ones(2, requires_grad=True)], eps=-1e-8),
    lambda lib: lib.optim.RMSprop([lib.ones(2, requires_grad=True)], alpha=-0.1),
    lambda lib: lib.optim.Adagrad([lib.ones(2, requires_grad=True)], lr_decay=-1),
    lambda lib: lib.optim.Adagrad([lib.ones(2, requires_grad=True)],
                                  initial_accumulator_value=-1),
    lambda lib: lib.optim.SGD([{"params": [p]} for p in [lib.ones(2, requires_grad=True)]
                               * 2], lr=0.1),
    lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True), 3], lr=0.1),
    lambda lib: lib.optim.SGD([{"params": {lib.ones(2, requires_grad=True)}}], lr=0.1),
]


@pytest.mark.parametrize("call", MISUSE)
def test_misuse_raises_torchs_error_before_anything_changes(call) -> None:
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(type(expected.value)) as error:
        call(teachgrad)
    assert str(error.value).startswith(torch_message(expected.value).split(", but got")[0])


def test_non_leaf_and_empty_errors_name_the_fix() -> None:
    with pytest.raises(ValueError, match=r"model.parameters\(\)"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match=r"detach\(\)"):
        optim.SGD([teachgrad.ones(2, requires_grad=True) * 2], lr=0.1)


def test_zero_grad_matches_torch() -> None:
    ours, theirs = make_pair()
    ours_opt, theirs_opt = optim.SGD(ours.parameters()), torch.optim.SGD(theirs.parameters())
    train(teachgrad, ours, ours_opt, steps=1)
    train(torch, theirs, theirs_opt, steps=1)
    ours_opt.zero_grad(set_to_none=False)
    theirs_opt.zero_grad(set_to_none=False)
    for mine, reference in zip(ours.parameters(), theirs.parameters()):
        assert_close(mine.grad, reference.grad)
    ours_opt.zero_grad()
    assert all(p.grad is None for p in ours.parameters())


def test_repr_lists_the_hyperparameters_like_torch() -> None:
    ours = optim.SGD(make_model(teachgrad).parameters(), lr=0.1, momentum=0.9)
    theirs = torch.optim.SGD(make_model(torch).parameters(), lr=0.1, momentum=0.9)
    keys = set(ours.param_groups[0])
    expected = "\n".join(line for line in repr(theirs).split("\n")
                         if ":" not in line or line.split(":")[0].strip() in keys)
    assert repr(ours) == expected
