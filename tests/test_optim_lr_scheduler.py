"""Every LR scheduler gives torch's learning-rate sequence (and momentum, for OneCycleLR)."""

from __future__ import annotations

import copy
import math
import warnings

import pytest

import teachgrad
import teachgrad.optim as optim

torch = pytest.importorskip("torch", reason="torch is the oracle")


def optimizer_for(lib, name: str = "SGD", two_groups: bool = False):
    first = lib.zeros(2, requires_grad=True)
    second = lib.zeros(3, requires_grad=True)
    kwargs = {"momentum": 0.9} if name == "SGD" else {}
    if two_groups:
        return getattr(lib.optim, name)([{"params": [first]}, {"params": [second], "lr": 0.3}],
                                        lr=0.1, **kwargs)
    return getattr(lib.optim, name)([first, second], lr=0.1, **kwargs)


def lr_history(lib, scheduler_name: str, kwargs: dict, epochs: int, optimizer_name: str = "SGD",
               two_groups: bool = False) -> list:
    optimizer = optimizer_for(lib, optimizer_name, two_groups)
    scheduler = getattr(lib.optim.lr_scheduler, scheduler_name)(optimizer, **kwargs)
    history = [(scheduler.get_last_lr(), _momenta(optimizer))]
    for _ in range(epochs):
        optimizer.step()
        scheduler.step()
        history.append((scheduler.get_last_lr(), _momenta(optimizer)))
    return history


def _momenta(optimizer) -> list:
    return [group.get("momentum", group.get("betas")) for group in optimizer.param_groups]


def halve_every_other(epoch: int) -> float:
    return 0.5 ** (epoch // 2)


SCHEDULES = [
    ("StepLR", {"step_size": 3}, 12),
    ("StepLR", {"step_size": 2, "gamma": 0.5}, 9),
    ("MultiStepLR", {"milestones": [2, 5, 5, 9]}, 12),
    ("MultiStepLR", {"milestones": [3], "gamma": 0.3}, 6),
    ("ExponentialLR", {"gamma": 0.9}, 15),
    ("CosineAnnealingLR", {"T_max": 10}, 35),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.01}, 30),
    ("LambdaLR", {"lr_lambda": halve_every_other}, 10),
    ("LambdaLR", {"lr_lambda": lambda epoch: 1 / (1 + epoch)}, 10),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 20}, 20),
    ("OneCycleLR", {"max_lr": [1.0, 2.0], "epochs": 4, "steps_per_epoch": 5,
                    "anneal_strategy": "linear", "pct_start": 0.25}, 20),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 30, "three_phase": True,
                    "div_factor": 10.0, "final_div_factor": 100.0}, 30),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 12, "cycle_momentum": False}, 12),
]


@pytest.mark.parametrize("name, kwargs, epochs", SCHEDULES)
@pytest.mark.parametrize("two_groups", [False, True])
def test_schedule_matches_torch(name: str, kwargs: dict, epochs: int, two_groups: bool) -> None:
    if name == "OneCycleLR" and isinstance(kwargs["max_lr"], list) and not two_groups:
        kwargs = {**kwargs, "max_lr": 1.0}
    ours = lr_history(teachgrad, name, kwargs, epochs, two_groups=two_groups)
    expected = lr_history(torch, name, kwargs, epochs, two_groups=two_groups)
    assert ours == expected  # the same float formulas in the same order: equal, not close


def test_one_cycle_cycles_adams_beta1_like_torch() -> None:
    kwargs = {"max_lr": 0.01, "total_steps": 10}
    assert lr_history(teachgrad, "OneCycleLR", kwargs, 10, "Adam") == \
        lr_history(torch, "OneCycleLR", kwargs, 10, "Adam")


def test_stepping_with_an_epoch_uses_the_closed_form_like_torch() -> None:
    results = []
    for lib in (teachgrad, torch):
        optimizer = optimizer_for(lib)
        scheduler = lib.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=10)
        optimizer.step()
        with pytest.warns(UserWarning, match="epoch parameter"):
            scheduler.step(4)
        results.append(scheduler.get_last_lr())
    assert results[0] == results[1]


def test_stepping_the_scheduler_first_warns_like_torch() -> None:
    for lib in (teachgrad, torch):
        scheduler = lib.optim.lr_scheduler.StepLR(optimizer_for(lib), 2)
        with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
            scheduler.step()
    for lib in (teachgrad, torch):
        optimizer = optimizer_for(lib)
        scheduler = lib.optim.lr_scheduler.StepLR(optimizer, 2)
        optimizer.step()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            scheduler.step()


def test_scheduler_state_dict_round_trip() -> None:
    optimizer = optimizer_for(teachgrad)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=6)
    for _ in range(4):
        optimizer.step()
        scheduler.step()
    saved_optimizer = copy.deepcopy(optimizer.state_dict())
    saved = copy.deepcopy(scheduler.state_dict())
    assert "optimizer" not in saved and saved["last_epoch"] == 4
    fresh_optimizer = optimizer_for(teachgrad)
    fresh_optimizer.load_state_dict(saved_optimizer)
    fresh = optim.lr_scheduler.CosineAnnealingLR(fresh_optimizer, T_max=6)
    fresh.load_state_dict(saved)
    for _ in range(5):
        optimizer.step(), fresh_optimizer.step()
        scheduler.step(), fresh.step()
        assert scheduler.get_last_lr() == fresh.get_last_lr()


def test_lambda_scheduler_state_skips_functions_like_torch() -> None:
    ours = optim.lr_scheduler.LambdaLR(optimizer_for(teachgrad), halve_every_other)
    theirs = torch.optim.lr_scheduler.LambdaLR(optimizer_for(torch), halve_every_other)
    assert ours.state_dict()["lr_lambdas"] == theirs.state_dict()["lr_lambdas"] == [None]


SCHEDULER_ERRORS = [
    lambda lib: lib.optim.lr_scheduler.StepLR("not an optimizer", 2),
    lambda lib: lib.optim.lr_scheduler.LambdaLR(optimizer_for(lib), [halve_every_other] * 2),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(optimizer_for(lib), 1.0),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(optimizer_for(lib), 1.0, total_steps=0),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(optimizer_for(lib), 1.0, total_steps=5,
                                                  pct_start=1.5),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(optimizer_for(lib), 1.0, total_steps=5,
                                                  anneal_strategy="step"),
    lambda lib: lib.optim.lr_scheduler.OneCycleLR(optimizer_for(lib, "Adagrad"), 1.0,
                                                  total_steps=5),
    lambda lib: lib.optim.lr_scheduler.StepLR(optimizer_for(lib), 2, last_epoch=3),
]


@pytest.mark.parametrize("call", SCHEDULER_ERRORS)
def test_scheduler_errors_match_torch(call) -> None:
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(type(expected.value)) as error:
        call(teachgrad)
    assert str(error.value).split(".")[0] == str(expected.value).split(".")[0]


def test_one_cycle_refuses_to_step_past_its_total() -> None:
    for lib in (teachgrad, torch):
        optimizer = optimizer_for(lib)
        scheduler = lib.optim.lr_scheduler.OneCycleLR(optimizer, 1.0, total_steps=3)
        for _ in range(3):
            optimizer.step()
            scheduler.step()
        with pytest.raises(ValueError, match="Tried to step 4 times"):
            scheduler.step()


def test_cosine_reaches_eta_min_after_t_max() -> None:
    history = lr_history(teachgrad, "CosineAnnealingLR", {"T_max": 8, "eta_min": 0.02}, 8)
    assert math.isclose(history[-1][0][0], 0.02, rel_tol=1e-12)
