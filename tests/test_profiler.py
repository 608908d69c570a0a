"""teachgrad.profiler (and teachgrad.autograd.profiler): a real, small op profiler.

The same code is profiled in teachgrad and in torch: every backward node torch's
profiler names (MulBackward0, ...) must appear in teachgrad's, with the same number
of calls; teachgrad's forward events count each op call. Times nest (self <= total,
a record_function block contains its ops), the table has torch's columns, and
leaving the profile puts back exactly what it replaced.
"""

from __future__ import annotations

import json
from contextlib import nullcontext

import numpy as np
import pytest
from oracle import torch

import teachgrad
from teachgrad.autograd.function import Function
from teachgrad.fast import reference_mode
from teachgrad.fast.array_backward import ARRAY_FORMULAS


def small_step(lib, x_array, w_array):
    x = lib.tensor(x_array, requires_grad=True)
    w = lib.tensor(w_array, requires_grad=True)
    loss = ((x @ w).relu() * 2 + x.sum()).sum()
    loss.backward()


def backward_counts(events) -> dict[str, int]:
    return {e.key: e.count for e in events
            if e.key.endswith(("Backward0", "Backward1")) and not e.key.startswith("autograd::")}


@pytest.mark.parametrize("reference", [False, True])
def test_backward_nodes_are_torchs(reference):
    rng = np.random.default_rng(0)
    x_array, w_array = rng.standard_normal((4, 3)), rng.standard_normal((3, 5))
    with torch.autograd.profiler.profile() as theirs:
        small_step(torch, x_array, w_array)
    with reference_mode() if reference else nullcontext(), \
            teachgrad.autograd.profiler.profile() as ours:
        small_step(teachgrad, x_array, w_array)
    assert backward_counts(ours.key_averages()) == backward_counts(theirs.key_averages())


def test_forward_calls_are_counted_and_times_nest():
    x = teachgrad.ones(3, requires_grad=True)
    with teachgrad.profiler.profile() as prof:
        with teachgrad.profiler.record_function("three muls"):
            y = x * 2 * 3 * 4
        y.sum().backward()
    rows = {row.key: row for row in prof.key_averages()}
    # three in forward, and each MulBackward0 multiplies its gradient by the number
    assert rows["teachgrad::mul"].count == 6
    assert rows["MulBackward0"].count == 3
    assert rows["three muls"].count == 1
    for row in rows.values():
        assert 0 <= row.self_cpu_time_total <= row.cpu_time_total + 1e-9
    block = rows["three muls"]
    assert block.self_cpu_time_total < block.cpu_time_total


def test_table_has_torchs_columns_and_sorts():
    x = teachgrad.ones(50, 50, requires_grad=True)
    with teachgrad.profiler.profile() as prof:
        (x @ x).exp().sum().backward()
    with torch.profiler.profile() as theirs:
        (torch.ones(2) * 2).sum()
    ours_header = prof.key_averages().table().splitlines()[1].split()
    theirs_header = theirs.key_averages().table().splitlines()[1].split()
    assert ours_header == theirs_header
    table = prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=2)
    body = [line for line in table.splitlines() if "teachgrad::" in line or "Backward" in line]
    assert len(body) == 2
    assert table.splitlines()[-1].startswith("Self CPU time total:")
    with pytest.raises(AttributeError):
        prof.key_averages().table(sort_by="no_such_column")


def test_leaving_the_profile_restores_everything(tmp_path):
    apply_before = Function.__dict__["apply"]
    formulas_before = dict(ARRAY_FORMULAS)
    backward_before = teachgrad.ops.arithmetic.Mul.__dict__["backward"]
    x = teachgrad.ones(2, requires_grad=True)
    with teachgrad.profiler.profile() as prof:
        (x * x).sum().backward()
        assert Function.__dict__["apply"] is not apply_before
    assert Function.__dict__["apply"] is apply_before
    assert ARRAY_FORMULAS == formulas_before
    assert teachgrad.ops.arithmetic.Mul.__dict__["backward"] is backward_before
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    names = {event["name"] for event in json.loads(path.read_text())["traceEvents"]}
    assert {"teachgrad::mul", "MulBackward0"} <= names


def test_an_inner_profile_records_nothing_and_the_outer_everything():
    x = teachgrad.ones(2, requires_grad=True)
    with teachgrad.profiler.profile() as outer:
        with pytest.warns(UserWarning, match="already recording"), \
                teachgrad.profiler.profile() as inner:
            x * 2
    assert inner.key_averages().table().count("teachgrad::") == 0
    assert [row.key for row in outer.key_averages()] == ["teachgrad::mul"]


def test_a_disabled_profile_changes_nothing():
    apply_before = Function.__dict__["apply"]
    with teachgrad.profiler.profile(enabled=False) as prof:
        assert Function.__dict__["apply"] is apply_before
        teachgrad.ones(2) * 2
    assert len(prof.key_averages()) == 0
