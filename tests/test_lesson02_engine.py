"""Lesson 02's engine is right, and what the lesson says about it stays true.

- every operation of the learner's engine (the lesson's, with the reference `@` and `/`
  of its exercises) gives teachgrad's gradients, values used several times included;
- the first backward of section 4, which overwrites, is right exactly when no Value is
  used twice: the bug the lesson meets on purpose is that one and no other;
- the numbers section 5 quotes are the ones its cells printed;
- the engine is "about 60 lines";
- the teachgrad code section 9 prints does what the prose says it does.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import numpy as np
import pytest
from test_exercises_lesson02 import LESSON, _run, engine, lesson, nb_cell_defining  # noqa: F401

import teachgrad
from teachgrad.autograd import engine as teachgrad_engine
from teachgrad.ops.arithmetic import Mul

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

def _squared_error(d):
    return (d * d).sum()  # d used twice, as in exercise 3


# (name, the computation on three inputs of shape (2, 3), (2, 3), (3, 2)); the same
# code runs on the lesson's Values and on teachgrad tensors.
CASES = [
    ("add", lambda a, b, c: (a + b).sum()),
    ("mul", lambda a, b, c: (a * b).sum()),
    ("sub-neg", lambda a, b, c: (a - b).sum()),
    ("tanh", lambda a, b, c: (a.tanh() * b).sum()),
    ("relu", lambda a, b, c: (a.relu() * b).sum()),
    ("exp", lambda a, b, c: (a.exp() * b).sum()),
    ("matmul", lambda a, b, c: (a @ c).tanh().sum()),
    ("divide", lambda a, b, c: (a / b.exp()).sum()),
    # From here on, some Value is used twice.
    ("square", lambda a, b, c: (a * a).sum()),
    ("matmul-twice", lambda a, b, c: ((a @ c) * (b @ c)).sum()),
    ("divide-twice", lambda a, b, c: (a / (b.exp() + b.exp())).sum()),
    ("reused", lambda a, b, c: ((a * b).tanh() + a.exp() * b - (b - a).relu()).sum()),
    ("network", lambda a, b, c: _squared_error((a @ c).relu() @ b - a)),
]


def _inputs(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((2, 3)), rng.standard_normal((2, 3)),
            rng.standard_normal((3, 2))]


@pytest.mark.parametrize(("name", "compute"), CASES, ids=[name for name, _ in CASES])
def test_engine_gives_teachgrads_gradients(lesson, name, compute):  # noqa: F811
    namespace = engine(lesson, "matmul", "divide")
    for seed in range(3):
        arrays = _inputs(seed)
        ours = [namespace["Value"](x.copy()) for x in arrays]
        theirs = [teachgrad.tensor(x, requires_grad=True) for x in arrays]
        out, out_t = compute(*ours), compute(*theirs)
        out.backward()
        out_t.backward()
        np.testing.assert_allclose(out.data, out_t.item(), rtol=1e-12)
        for mine, tensor in zip(ours, theirs):
            expected = tensor.grad.numpy() if tensor.grad is not None else np.zeros_like(mine.data)
            np.testing.assert_allclose(mine.grad, expected, rtol=1e-10, atol=1e-12)


def _overwriting(lesson):  # noqa: F811
    namespace = engine(lesson, "matmul", "divide")
    accumulating = namespace["Value"].backward
    _run(nb_cell_defining("parent.grad = rule(value.grad)"), namespace, "first backward")
    return namespace, accumulating


@pytest.mark.parametrize(("name", "compute"), CASES[:8], ids=[name for name, _ in CASES[:8]])
def test_overwriting_is_right_when_nothing_is_used_twice(lesson, name, compute):  # noqa: F811
    namespace, accumulating = _overwriting(lesson)
    values = [namespace["Value"](x) for x in _inputs(0)]
    out = compute(*values)
    out.backward()
    overwritten = [v.grad.copy() for v in values]
    accumulating(out)
    for got, right in zip(overwritten, (v.grad for v in values)):
        np.testing.assert_array_equal(got, right)


@pytest.mark.parametrize(("name", "compute"), CASES[8:], ids=[name for name, _ in CASES[8:]])
def test_overwriting_is_wrong_when_a_value_is_used_twice(lesson, name, compute):  # noqa: F811
    namespace, accumulating = _overwriting(lesson)
    values = [namespace["Value"](x) for x in _inputs(0)]
    out = compute(*values)
    out.backward()
    overwritten = [v.grad.copy() for v in values]
    accumulating(out)
    assert not all(np.allclose(got, v.grad) for got, v in zip(overwritten, values))


# ------------------------------------------------------------------ the lesson's words


def _printed(marker: str) -> str:
    cells = json.loads((NOTEBOOKS / f"{LESSON}.ipynb").read_text())["cells"]
    found = [cell for cell in cells
             if cell["cell_type"] == "code" and "".join(cell["source"]).startswith(marker)]
    assert len(found) == 1, marker
    return "".join("".join(out.get("text", "")) for out in found[0].get("outputs", []))


def _numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d*)?", text)]


def test_section_5_quotes_what_its_cells_printed():
    text = (NOTEBOOKS / f"{LESSON}.md").read_text()
    reused = _printed('verify(lambda: (a * b + a).sum(), {"a": a, "b": b})')
    line = next(line for line in reused.splitlines() if line.startswith("a:"))
    backward, numeric = line.split("finite differences")
    assert _numbers(backward.split("[")[1]) == [4, -1, 0.5]
    assert _numbers(numeric.split("[")[1]) == [5, 0, 1.5]
    assert "agree: False" in line
    assert "backward says `[4, -1, 0.5]`, which is `b`" in text
    assert "finite differences say `[5, 0, 1.5]`, which is `b + 1`" in text
    square = _printed('verify(lambda: (a * a).sum(), {"a": a})')
    assert _numbers(square.split("finite differences")[1].split("]")[0]) == [2, 4, 6]
    assert "`2a = [2, 4, 6]`" in text
    fixed = _printed("def backward(self):\n    order = topological_order(self)")
    assert fixed.count("agree: True") == 3 and "agree: False" not in fixed


def test_the_engine_is_about_60_lines():
    cells = [nb_cell_defining(marker) for marker in
             ("class Value:", "def topological_order(root):", "parent.grad += rule",
              "def tanh(self):")]
    engine_code = [c.split("\n\n\nprint(")[0].split("\n\nverify(")[0] for c in cells]
    lines = sum(1 for c in engine_code for line in c.splitlines() if line.strip())
    assert 50 <= lines <= 70, lines


def test_the_printed_teachgrad_code_does_what_section_9_says():
    mul = inspect.getsource(Mul.backward)
    assert "grad * b" in mul and "grad * a" in mul and "saved_tensors" in mul
    receive = inspect.getsource(teachgrad_engine._receive)
    assert "current + grad_value" in receive and "heappush(ready" in receive
