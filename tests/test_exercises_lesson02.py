"""The checks of lesson 02's exercises pass the reference solutions and catch wrong ones.

The checks receive the learner's engine, so these tests need the lesson's own: the
fixture runs the lesson's code cells before its exercises (the engine, its tests and
drawings) in one namespace, then each exercise's folded reference solution, taken
from the .md the way tests/test_lesson_exercises.py takes it.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from exercise_verdicts import assert_correct, assert_not_attempted, assert_wrong
from test_lesson_exercises import exercises, read_lesson

from teachgrad.exercises import two_layer
from teachgrad.exercises.lesson02 import check_divide, check_matmul, check_train

LESSON = "02_build_autograd"


def _run(source: str, namespace: dict, name: str) -> None:
    exec(compile(source, f"<{LESSON} {name}>", "exec"), namespace)


@pytest.fixture(scope="module")
def lesson() -> dict:
    """The sources of the lesson's code cells before its first exercise, and the
    reference solutions by the name of the function each one defines."""
    matplotlib.use("Agg")
    nb = read_lesson(LESSON)
    found = exercises(nb)
    cells = [(i, cell.source) for i, cell in enumerate(nb.cells[:found[0][0]])
             if cell.cell_type == "code" and "%pip" not in cell.source]
    solutions = {}
    for _, _, solution in found:
        solutions[solution.split("def ", 1)[1].split("(", 1)[0]] = solution
    assert sorted(solutions) == ["divide", "matmul", "train"]
    return {"cells": cells, "solutions": solutions}


def engine(lesson: dict, *names: str) -> dict:
    """A fresh namespace holding the lesson's engine, as a learner's kernel has it when
    the exercises begin, with the named solutions run in it. Fresh, because the
    exercises (and the tests) attach operators to the class."""
    namespace: dict = {"__name__": "lesson02"}
    for i, source in lesson["cells"]:
        _run(source, namespace, f"cell {i}")
    for name in names:
        _run(lesson["solutions"][name], namespace, f"solution {name}")
    return namespace


def stub(*args):
    raise NotImplementedError("your turn")


# ------------------------------------------------------------------ the engine itself


def nb_cell_defining(text: str) -> str:
    cells = [c.source for c in read_lesson(LESSON).cells
             if c.cell_type == "code" and text in c.source]
    assert len(cells) == 1, cells
    return cells[0]


def test_the_lesson_meets_the_overwriting_bug(lesson):
    # The engine the lesson keeps adds up the paths; its first backward overwrote them.
    namespace = engine(lesson)
    Value = namespace["Value"]  # noqa: N806 (the lesson's name)
    a, b = Value([1.0, 2.0, 3.0]), Value([4.0, -1.0, 0.5])
    (a * b + a).sum().backward()
    np.testing.assert_array_equal(a.grad, [5.0, 0.0, 1.5])
    _run(nb_cell_defining("parent.grad = rule(value.grad)"), namespace, "first backward")
    (a * b + a).sum().backward()
    np.testing.assert_array_equal(a.grad, [4.0, -1.0, 0.5])  # b alone: the `+ a` path lost


# ------------------------------------------------------------------ exercise 1: matmul


def test_matmul_reference_passes(lesson):
    namespace = engine(lesson, "matmul")
    assert_correct(check_matmul, namespace["Value"])


def test_matmul_stub_is_not_attempted(lesson):
    namespace = engine(lesson)
    namespace["Value"].__matmul__ = stub
    assert_not_attempted(check_matmul, namespace["Value"])


def _matmul_with(lesson: dict, rule_a, rule_b, forward=lambda a, b: a.data @ b.data):
    namespace = engine(lesson)
    Value = namespace["Value"]  # noqa: N806 (the lesson's name)

    def matmul(a, b):
        return Value(forward(a, b), (a, b), (lambda g: rule_a(g, a, b), lambda g: rule_b(g, a, b)),
                     "@")

    Value.__matmul__ = matmul
    return Value


@pytest.mark.parametrize(
    ("rule_a", "rule_b", "match"),
    [
        (lambda g, a, b: b.data.T @ g, lambda g, a, b: a.data.T @ g, "shape"),  # sides swapped
        (lambda g, a, b: g @ b.data, lambda g, a, b: a.data.T @ g, "shape"),  # no transpose
        (lambda g, a, b: g @ b.data.T, lambda g, a, b: np.zeros_like(b.data), "rule for b"),
        (lambda g, a, b: g @ b.data.T, lambda g, a, b: a.data.T @ np.ones_like(g),
         "rule for b"),  # forgot the incoming gradient
    ],
    ids=["swapped", "no-transpose", "zero", "no-upstream"],
)
def test_matmul_wrong_rules_fail(lesson, rule_a, rule_b, match):
    assert_wrong(check_matmul, _matmul_with(lesson, rule_a, rule_b), match=match)


def test_matmul_wrong_forward_fails(lesson):
    doubled = _matmul_with(lesson, lambda g, a, b: g @ b.data.T, lambda g, a, b: a.data.T @ g,
                           forward=lambda a, b: a.data @ b.data * 2)
    assert_wrong(check_matmul, doubled, match="forward pass")


def test_matmul_not_attached_fails_with_a_hint(lesson):
    assert_wrong(check_matmul, engine(lesson)["Value"], match="Value.__matmul__ = matmul")


def test_matmul_returning_an_array_fails(lesson):
    namespace = engine(lesson)
    namespace["Value"].__matmul__ = lambda a, b: a.data @ b.data
    assert_wrong(check_matmul, namespace["Value"], match="not a Value")


def test_matmul_wrong_parents_fail(lesson):
    namespace = engine(lesson)
    Value = namespace["Value"]  # noqa: N806 (the lesson's name)
    Value.__matmul__ = lambda a, b: Value(a.data @ b.data, (b, a),
                                          (lambda g: a.data.T @ g, lambda g: g @ b.data.T))
    assert_wrong(check_matmul, Value, match="parents")


def test_matmul_check_reaches_backward(lesson):
    # Right rules, but a backward() that sends nothing: the end-to-end part finds it.
    namespace = engine(lesson, "matmul")
    namespace["Value"].backward = lambda self: None
    assert_wrong(check_matmul, namespace["Value"], match="look at backward")


def test_matmul_check_wants_the_class(lesson):
    namespace = engine(lesson, "matmul")
    assert_wrong(check_matmul, namespace["Value"]([1.0]), match="pass the class")


# ------------------------------------------------------------------ exercise 2: divide


def test_divide_reference_passes(lesson):
    assert_correct(check_divide, engine(lesson, "divide")["Value"])


def test_divide_stub_is_not_attempted(lesson):
    namespace = engine(lesson)
    namespace["Value"].__truediv__ = stub
    assert_not_attempted(check_divide, namespace["Value"])


def test_the_lessons_broken_divide_fails(lesson):
    namespace = engine(lesson)
    broken = nb_cell_defining("def broken_divide")
    _run(broken.split("\n\n\nValue.__truediv__")[0], namespace, "broken_divide")
    namespace["Value"].__truediv__ = namespace["broken_divide"]
    assert_wrong(check_divide, namespace["Value"], match="lost the factor a")


@pytest.mark.parametrize(
    ("rule_b", "match"),
    [
        (lambda g, a, b: g * a.data / b.data**2, "sign"),
        (lambda g, a, b: -g * a.data / b.data, "squared"),
        (lambda g, a, b: -g / b.data**2, "lost the factor a"),
        (lambda g, a, b: -a.data / b.data**2, "rule for b"),  # no incoming gradient
    ],
    ids=["sign", "not-squared", "no-a", "no-upstream"],
)
def test_divide_wrong_rules_fail(lesson, rule_b, match):
    namespace = engine(lesson)
    Value = namespace["Value"]  # noqa: N806 (the lesson's name)

    def divide(a, b):
        return Value(a.data / b.data, (a, b), (lambda g: g / b.data, lambda g: rule_b(g, a, b)))

    Value.__truediv__ = divide
    assert_wrong(check_divide, Value, match=match)


def test_divide_wrong_rule_for_a_fails(lesson):
    namespace = engine(lesson)
    Value = namespace["Value"]  # noqa: N806 (the lesson's name)
    Value.__truediv__ = lambda a, b: Value(a.data / b.data, (a, b),
                                           (lambda g: g * b.data,
                                            lambda g: -g * a.data / b.data**2))
    assert_wrong(check_divide, Value, match="rule for a")


# ------------------------------------------------------------------ exercise 3: train


def test_train_reference_passes(lesson):
    namespace = engine(lesson, "matmul", "train")
    verdict = assert_correct(check_train, namespace["train"])
    assert "300 losses" in verdict.message


def test_train_stub_is_not_attempted(lesson):
    assert_not_attempted(check_train, stub)


def test_train_without_matmul_is_not_attempted(lesson):
    # Exercise 3 needs exercise 1's @: the unfinished matmul is what the verdict names.
    namespace = engine(lesson, "train")
    namespace["Value"].__matmul__ = stub
    verdict = assert_not_attempted(check_train, namespace["train"])
    assert "`stub`" in verdict.message


def _train_variant(lesson: dict, old: str, new: str):
    namespace = engine(lesson, "matmul")
    source = lesson["solutions"]["train"]
    assert old in source
    _run(source.replace(old, new), namespace, "train variant")
    return namespace["train"]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the ascent variant overflows
@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ("(x @ w1).relu() @ w2", "(x @ w1) @ w2", "first loss"),  # no ReLU
        ("w.data -= ", "w.data += ", "went up"),  # steps up the gradient
        ("two_layer.LEARNING_RATE * w.grad", "1e-4 * w.grad", "update"),  # wrong rate
        ("for w in (w1, w2):", "for w in (w1,):", "update"),  # w2 never trained
        ("losses.append(float(loss.data))", "losses.append(loss)", "float\\(loss.data\\)"),
        ("range(two_layer.STEPS)", "range(100)", "300 steps"),
        ("return losses", "return losses[-1]", "list of the losses"),
    ],
    ids=["no-relu", "ascent", "learning-rate", "w2-frozen", "values", "too-few", "last-only"],
)
def test_train_wrong_answers_fail(lesson, old, new, match):
    assert_wrong(check_train, _train_variant(lesson, old, new), match=match)


def test_train_curve_is_lesson01s(lesson):
    # What the check compares with: lesson 01's hand-written backward pass, step by step.
    namespace = engine(lesson, "matmul", "train")
    losses = namespace["train"]()
    reference = two_layer.curve("01")
    assert len(losses) == two_layer.STEPS
    assert max(abs(a - b) / b for a, b in zip(losses, reference)) < 1e-9
