"""teachgrad.utils.tensorboard.SummaryWriter against torch.utils.tensorboard.SummaryWriter.

Each test makes the same logging calls with torch's writer (torch tensors) and with
teachgrad's (teachgrad tensors) into two temporary directories, then reads both back:
with TensorBoard's EventAccumulator (what the tensorboard program shows: tags, steps,
values, plugin metadata) and as the raw Event records, which must be equal one by one
but for their wall times. The `tensorboard` package is in the test extra: these tests
are not skipped without it, they fail.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from oracle import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

import teachgrad
import teachgrad.utils.tensorboard.writer as our_writer_module
from teachgrad.utils.tensorboard import SummaryWriter

TorchWriter = pytest.importorskip("torch.utils.tensorboard").SummaryWriter

EVENT_FILE = "events.out.tfevents"


def run_dirs(root: Path) -> list[Path]:
    """Every directory under root that holds an event file (a TensorBoard run)."""
    return sorted(Path(d) for d, _, files in os.walk(root)
                  if any(f.startswith(EVENT_FILE) for f in files))


def without_walltime(event: Any) -> Any:
    # Dataclasses in recent tensorboard releases, namedtuples in older ones.
    if dataclasses.is_dataclass(event):
        return dataclasses.replace(event, wall_time=0)
    return event._replace(wall_time=0)


def accumulated(run: Path) -> dict[tuple[str, str], Any]:
    """What TensorBoard shows for one run: (kind, tag) -> events with wall time zeroed,
    plus each tag's plugin metadata."""
    acc = EventAccumulator(str(run), size_guidance={kind: 0 for kind in (
        "scalars", "histograms", "tensors", "compressedHistograms")})
    acc.Reload()
    read = {"scalars": acc.Scalars, "histograms": acc.Histograms, "tensors": acc.Tensors,
            "distributions": acc.CompressedHistograms}
    shown = {}
    for kind, tags in acc.Tags().items():
        if kind in read:
            for tag in tags:
                shown[kind, tag] = [without_walltime(e) for e in read[kind](tag)]
                try:  # tensor summaries carry their plugin's metadata; simple values none
                    shown["metadata", tag] = acc.SummaryMetadata(tag).SerializeToString()
                except KeyError:
                    pass
    return shown


def raw_events(run: Path) -> list[Any]:
    """The Event records of a run's event files, in order, wall times zeroed."""
    events = []
    for path in sorted(p for p in run.iterdir() if p.name.startswith(EVENT_FILE)):
        for event in EventFileLoader(str(path)).Load():
            event.wall_time = 0
            events.append(event)
    return events


def read_back(root: Path) -> dict[str, Any]:
    return {run.relative_to(root).as_posix(): (accumulated(run), raw_events(run))
            for run in run_dirs(root)}


def log_both(tmp_path: Path, calls: Callable[[Any, Any], None]) -> tuple[dict, dict]:
    """Run calls(writer, tensor_module) with torch's writer and teachgrad's; read back."""
    for writer_class, module, name in ((TorchWriter, torch, "torch"),
                                       (SummaryWriter, teachgrad, "teachgrad")):
        with writer_class(tmp_path / name) as writer:
            calls(writer, module)
    return read_back(tmp_path / "torch"), read_back(tmp_path / "teachgrad")


def assert_same_logs(theirs: dict, ours: dict) -> None:
    assert theirs, "torch wrote nothing: the test logs nothing"
    assert sorted(ours) == sorted(theirs)
    for run, (their_shown, their_events) in theirs.items():
        our_shown, our_events = ours[run]
        assert sorted(our_shown) == sorted(their_shown), run
        for key, value in their_shown.items():
            assert our_shown[key] == value, (run, key)
        assert our_events == their_events, run


def values(seed: int, shape: tuple[int, ...] = (200,), dtype: str = "float32") -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


# --- each add_* call, compared with torch ---------------------------------------------


def scalar_calls(writer: Any, tm: Any) -> None:
    writer.add_scalar("loss", 0.5, 0)
    writer.add_scalar("loss", 2, 1)  # an int
    writer.add_scalar("loss", np.float32(0.25), np.int64(2))  # NumPy scalars, NumPy step
    writer.add_scalar("loss", np.array(1.5), 3)  # a 0-d array
    writer.add_scalar("loss", tm.tensor([[2.5]]), 4)  # one element, squeezed
    writer.add_scalar("f64", tm.tensor(1 / 3, dtype=tm.float64))
    writer.add_scalar("int", tm.tensor(7), 5)
    weight = tm.tensor([1.0, 2.0], requires_grad=True)
    writer.add_scalar("graph", (weight * weight).sum(), 6)  # requires grad
    writer.add_scalar("at", 1.0, 7, walltime=123.0)
    writer.add_scalar("new", tm.tensor(0.1), 8, new_style=True)
    writer.add_scalar("new64", 0.1, 9, new_style=True, double_precision=True)


def test_add_scalar_matches_torch(tmp_path):
    assert_same_logs(*log_both(tmp_path, scalar_calls))


def test_given_walltimes_are_kept_as_torch_keeps_them(tmp_path):
    def calls(writer, tm):
        writer.add_scalar("at", 1.0, 7, walltime=123.0)
        writer.add_scalars("many", {"a": 1.0, "b": 2.0}, 7, walltime=456.0)
        writer.add_text("note", "x", 7, walltime=789.0)

    log_both(tmp_path, calls)  # the comparison zeroes wall times: read them here
    times = {}
    for name in ("torch", "teachgrad"):
        times[name] = sorted(event.wall_time for run in run_dirs(tmp_path / name)
                             for path in run.glob(EVENT_FILE + "*")
                             for event in EventFileLoader(str(path)).Load()
                             if event.HasField("summary"))
    assert times["teachgrad"] == times["torch"] == [123.0, 456.0, 456.0, 789.0]


def test_add_scalars_matches_torch(tmp_path):
    def calls(writer, tm):
        for step in range(3):
            writer.add_scalars("run/loss", {"train": tm.tensor(1.0 / (step + 1)),
                                            "test": 2.0 * step}, step)

    theirs, ours = log_both(tmp_path, calls)
    assert sorted(theirs) == [".", "run_loss_test", "run_loss_train"]
    assert_same_logs(theirs, ours)


@pytest.mark.parametrize("bins, max_bins", [
    ("tensorflow", None), ("auto", None), ("fd", None), (10, None), (30, 7), (64, 8),
    (np.linspace(-4, 4, 17), None),
])
def test_add_histogram_matches_torch(tmp_path, bins, max_bins):
    def calls(writer, tm):
        writer.add_histogram("weights", tm.tensor(values(0)), 0, bins=bins, max_bins=max_bins)
        writer.add_histogram("weights", tm.tensor(values(1, (8, 9)) * 3), 1, bins=bins,
                             max_bins=max_bins)
        writer.add_histogram("array", values(2, dtype="float64"), 2, bins=bins,
                             max_bins=max_bins)

    assert_same_logs(*log_both(tmp_path, calls))


def test_add_histogram_of_integers_and_a_single_value_matches_torch(tmp_path):
    def calls(writer, tm):
        writer.add_histogram("ints", tm.tensor([0, 1, 1, 3, -2]), 0)
        writer.add_histogram("one", tm.tensor(0.0), 1)
        writer.add_histogram("number", 5, 2, bins="auto")

    assert_same_logs(*log_both(tmp_path, calls))


def test_add_histogram_raw_matches_torch(tmp_path):
    def calls(writer, tm):
        counts, limits = np.histogram(values(3), bins=12)
        writer.add_histogram_raw("raw", -3.0, 3.0, 200, 1.5, 190.0, limits[1:].tolist(),
                                 counts.tolist(), global_step=4)

    assert_same_logs(*log_both(tmp_path, calls))


def test_add_text_matches_torch(tmp_path):
    def calls(writer, tm):
        writer.add_text("notes", "lr = **0.1**", 0)
        writer.add_text("notes", "ünïcode ✓", 1)

    assert_same_logs(*log_both(tmp_path, calls))


def test_add_hparams_matches_torch(tmp_path):
    def calls(writer, tm):
        writer.add_scalar("loss", 1.0, 0)
        writer.add_hparams(
            {"lr": 0.1, "batch": 16, "optim": "adam", "nesterov": True, "skipped": None,
             "wd": tm.tensor([0.01])},
            {"hparam/accuracy": 0.9, "hparam/loss": tm.tensor(0.25)},
            hparam_domain_discrete={"optim": ["adam", "sgd"], "batch": [16, 32]},
            run_name="trial", global_step=3)

    theirs, ours = log_both(tmp_path, calls)
    assert sorted(theirs) == [".", "trial"]
    assert_same_logs(theirs, ours)


def test_a_zero_dim_tensor_hparam_logs_its_value(tmp_path):
    # torch indexes the value's array with [0], which fails (IndexError) on a 0-d
    # tensor; teachgrad logs the one element, as torch does for tensor([0.5]).
    def calls(writer, tm):
        lr = tm.tensor([0.5]) if tm is torch else tm.tensor(0.5)
        writer.add_hparams({"lr": lr}, {"acc": 1.0}, run_name="r")

    assert_same_logs(*log_both(tmp_path, calls))


def test_purge_step_matches_torch(tmp_path):
    def calls(writer, tm):
        for step in range(5):
            writer.add_scalar("loss", float(step), step)
        writer.close()
        restarted = type(writer)(writer.get_logdir(), purge_step=2)
        for step in range(2, 4):
            restarted.add_scalar("loss", 10.0 * step, step)
        restarted.close()

    theirs, ours = log_both(tmp_path, calls)
    assert [e.step for e in theirs["."][0]["scalars", "loss"]] == [0, 1, 2, 3]
    assert_same_logs(theirs, ours)


def test_add_after_close_opens_a_new_file_as_torch_does(tmp_path):
    def calls(writer, tm):
        writer.add_scalar("a", 1.0, 0)
        writer.close()
        writer.close()  # a second close does nothing
        writer.add_scalar("a", 2.0, 1)

    theirs, ours = log_both(tmp_path, calls)
    assert [len(list(p.iterdir())) for p in (tmp_path / "torch", tmp_path / "teachgrad")] == [2, 2]
    assert_same_logs(theirs, ours)


def test_values_on_every_device_log_as_on_the_cpu(tmp_path, device):
    def calls(writer, tm):
        kwargs = {"device": device} if tm is teachgrad else {}
        writer.add_scalar("loss", tm.tensor(0.75, **kwargs), 0)
        writer.add_histogram("weights", tm.tensor(values(4), **kwargs), 0)
        writer.add_hparams({"lr": tm.tensor([0.5], **kwargs)},
                           {"acc": tm.tensor(1.0, **kwargs)}, run_name="r")

    assert_same_logs(*log_both(tmp_path, calls))


# --- the writer itself ------------------------------------------------------------------


def test_flush_writes_pending_events_as_torch_does(tmp_path):
    seen = {}
    for writer_class, name in ((TorchWriter, "torch"), (SummaryWriter, "teachgrad")):
        writer = writer_class(tmp_path / name, flush_secs=10_000, max_queue=1000)
        writer.add_scalar("x", 1.0, 0)
        writer.add_scalars("m", {"a": 2.0}, 0)
        writer.flush()
        seen[name] = read_back(tmp_path / name)  # read before close
        writer.close()
    assert [e.value for e in seen["torch"]["."][0]["scalars", "x"]] == [1.0]
    assert_same_logs(seen["torch"], seen["teachgrad"])


def test_context_manager_closes_as_torch_does(tmp_path):
    for writer_class, name in ((TorchWriter, "torch"), (SummaryWriter, "teachgrad")):
        with writer_class(tmp_path / name) as writer:
            assert isinstance(writer, writer_class)
            assert writer.get_logdir() == tmp_path / name
        assert writer.all_writers is None and writer.file_writer is None


class FrozenDatetime(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return cls(2026, 5, 4, 22, 14, 54)


@pytest.mark.parametrize("kwargs", [{}, {"comment": "_lr0.1"}, {"log_dir": "mine",
                                                                 "comment": "_ignored"}])
def test_log_dir_default_and_comment_match_torch(tmp_path, monkeypatch, kwargs):
    monkeypatch.chdir(tmp_path)
    # torch imports datetime when it names the directory; ours at import time.
    monkeypatch.setattr(datetime, "datetime", FrozenDatetime)
    monkeypatch.setattr(our_writer_module, "datetime", FrozenDatetime)
    theirs = TorchWriter(**kwargs)
    ours = SummaryWriter(**kwargs)
    theirs.close()
    ours.close()
    assert ours.get_logdir() == theirs.get_logdir()
    if "log_dir" not in kwargs:
        host = socket.gethostname()
        assert ours.get_logdir() == os.path.join(
            "runs", f"May04_22-14-54_{host}{kwargs.get('comment', '')}")
    assert (tmp_path / ours.get_logdir()).is_dir()


# --- errors: torch's exception types, raised before anything is written -----------------


@pytest.mark.parametrize("call", [
    lambda w, tm: w.add_scalar("s", tm.tensor([1.0, 2.0]), 0),
    lambda w, tm: w.add_scalar("s", [1.0], 0),
    lambda w, tm: w.add_histogram("h", tm.tensor(np.zeros(0, np.float32)), 0),
    lambda w, tm: w.add_histogram_raw("h", 0, 1, 2, 1, 1, [1.0, 2.0], [2], 0),
    lambda w, tm: w.add_hparams([("lr", 0.1)], {"acc": 1.0}),
    lambda w, tm: w.add_hparams({"lr": 0.1}, "acc"),
    lambda w, tm: w.add_hparams({"lr": [0.1, 0.2]}, {"acc": 1.0}),
    lambda w, tm: w.add_hparams({"lr": 0.1}, {"acc": 1.0}, hparam_domain_discrete={"lr": [1]}),
    lambda w, tm: w.add_hparams({"lr": 0.1}, {"acc": 1.0}, hparam_domain_discrete={"b": [1]}),
    lambda w, tm: w.add_hparams({"lr": 0.1}, {"acc": 1.0}, hparam_domain_discrete=[0.1]),
], ids=["scalar-of-two", "scalar-list", "empty-histogram", "raw-lengths", "hparams-list",
        "metrics-str", "hparam-list-value", "domain-type", "domain-unknown", "domain-not-dict"])
def test_errors_match_torch_and_write_nothing(tmp_path, call):
    runs = {}
    for writer_class, module, name in ((TorchWriter, torch, "torch"),
                                       (SummaryWriter, teachgrad, "teachgrad")):
        with writer_class(tmp_path / name) as writer:
            with pytest.raises(Exception) as raised:
                call(writer, module)
        runs[name] = read_back(tmp_path / name)
        if name == "torch":
            expected = raised.type
        else:
            assert raised.type is expected
            assert len(str(raised.value)) > 20  # a sentence, not a bare value
    assert list(runs["torch"]) == ["."]  # nothing but the file header, no run directory
    assert_same_logs(runs["torch"], runs["teachgrad"])


def hide_tensorboard(monkeypatch: pytest.MonkeyPatch, package: str) -> None:
    """Make `import tensorboard` fail, and forget `package` so that it is imported anew
    (monkeypatch puts every module back afterwards)."""
    monkeypatch.setitem(sys.modules, "tensorboard", None)
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        monkeypatch.delitem(sys.modules, name)


def test_without_tensorboard_the_import_fails_as_torch_does_and_says_what_to_install(
        monkeypatch):
    hide_tensorboard(monkeypatch, "torch.utils.tensorboard")
    with pytest.raises(ImportError) as theirs:
        importlib.import_module("torch.utils.tensorboard")
    hide_tensorboard(monkeypatch, "teachgrad.utils.tensorboard")
    with pytest.raises(ImportError) as ours:
        importlib.import_module("teachgrad.utils.tensorboard")
    assert ours.type is theirs.type
    assert ours.value.name == "tensorboard"
    assert "pip install tensorboard" in str(ours.value)
    assert '".[tensorboard]"' in str(ours.value)
