"""A strict load_state_dict that fails: teachgrad changes nothing, torch has copied.

Lesson 07 section 4 says both: teachgrad checks every name and shape before it copies
(DESIGN: errors are raised before any state changes), while torch copies each entry
that fits and raises about the rest afterwards. Each case below mixes entries that fit
with one that does not; the ones that fit are zeros, so a copy is easy to see.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import teachgrad

torch = pytest.importorskip("torch", reason="torch is the oracle; install torch==2.13.0")


def build(library: Any) -> Any:
    library.manual_seed(0)
    nn = library.nn
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))


def broken_state(library: Any, model: Any, case: str) -> dict:
    """Zeros for every entry of model's state_dict, then one entry made wrong."""
    state = {name: library.zeros(tuple(value.shape))
             for name, value in model.state_dict().items()}
    if case == "missing key":
        del state["2.bias"]
    elif case == "unexpected key":
        state["9.weight"] = library.zeros(1)
    elif case == "wrong shape":
        state["2.bias"] = library.zeros(5)
    return state


def values(model: Any) -> dict:
    return {name: np.array(value.detach().numpy()) for name, value in model.state_dict().items()}


@pytest.mark.parametrize("case", ["missing key", "unexpected key", "wrong shape"])
def test_failed_strict_load_leaves_teachgrad_unchanged_and_torch_half_loaded(case: str) -> None:
    ours, theirs = build(teachgrad), build(torch)
    ours_before = values(ours)
    assert all(np.any(v != 0) for v in ours_before.values())  # zeros would hide a copy

    with pytest.raises(RuntimeError, match="Error\\(s\\) in loading state_dict"):
        ours.load_state_dict(broken_state(teachgrad, ours, case))
    with pytest.raises(RuntimeError, match="Error\\(s\\) in loading state_dict"):
        theirs.load_state_dict(broken_state(torch, theirs, case))

    for name, before in ours_before.items():
        np.testing.assert_array_equal(values(ours)[name], before, err_msg=name)
    # The entries that fit in every case: torch copied them before raising.
    for name in ("0.weight", "0.bias", "2.weight"):
        assert np.all(values(theirs)[name] == 0), f"torch did not copy {name} ({case})"
