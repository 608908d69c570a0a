"""teachgrad.exercises.two_layer: lesson 01's problem, brought back by later lessons.

Each later lesson draws its loss curve over the previous lesson's, computed by
two_layer.curve. These tests hold that module to lesson 01 itself: the data and
starting weights are what lesson 01's task cell makes, and every version's curve is
lesson 01's NumPy curve to rounding.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from teachgrad.exercises import two_layer

LESSON_01 = Path(__file__).resolve().parents[1] / "notebooks" / "01_numpy_backprop.md"


def lesson01_task_cell() -> str:
    cells = re.findall(r"```python\n(.*?)```", LESSON_01.read_text(), re.DOTALL)
    return next(cell for cell in cells if "default_rng(0)" in cell)


def test_problem_is_what_lesson_01_draws() -> None:
    namespace: dict = {"np": np}
    exec(lesson01_task_cell().replace("print(", "(lambda *a, **k: None)("), namespace)
    for name, ours in zip(("x", "y", "w1", "w2"), two_layer.problem(), strict=True):
        assert np.array_equal(ours, namespace[name]), name


def test_learning_rate_and_steps_are_lesson_01s() -> None:
    text = LESSON_01.read_text()
    rate = re.search(r"losses = train\(learning_rate=([^,)]+)\)", text).group(1)
    assert float(rate) == two_layer.LEARNING_RATE
    assert f"def train(learning_rate, steps={two_layer.STEPS})" in text


@pytest.mark.parametrize("lesson", ["03", "04", "05", "06"])
def test_every_version_follows_lesson_01s_curve(lesson: str) -> None:
    reference = two_layer.curve("01")
    losses = two_layer.curve(lesson)
    assert len(losses) == two_layer.STEPS
    np.testing.assert_allclose(losses, reference, rtol=1e-9)
    assert losses[-1] < 1e-3 * losses[0]  # it did train


def test_unknown_lesson_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="the lessons that do are 01, 03"):
        two_layer.curve("02")
