"""Exercise checks answer with one short verdict and never stop Run All.

Covers teachgrad/exercises/verdict.py on small made-up checks, and guards that every
check of every lesson is shown to reject at least two typical wrong answers.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from exercise_verdicts import assert_not_attempted, assert_wrong

import teachgrad
import teachgrad.exercises
from teachgrad.exercises.verdict import exercise

TESTS = Path(__file__).parent


@exercise
def check_double(fn) -> str:
    """A check as the lessons write them: AssertionError with a hint, or a confirmation."""
    got = fn(teachgrad.tensor([1.0, -2.0]))
    if got.tolist() != [2.0, -4.0]:
        raise AssertionError(f"double gives {got.tolist()} for [1., -2.]; multiply by 2")
    return "Correct: double doubles."


def cell(source: str) -> dict:
    """Run source as a notebook cell would: compiled under a name that is no file here."""
    namespace = {"teachgrad": teachgrad}
    exec(compile(source, "<learner cell>", "exec"), namespace)
    return namespace


STUB = "def double(x):\n    raise NotImplementedError('your turn')\n"


def test_right_answer_is_confirmed(capsys):
    check_double(cell("def double(x):\n    return x * 2\n")["double"])
    assert capsys.readouterr().out == "Correct: double doubles.\n"


def test_untouched_stub_is_not_attempted_and_does_not_raise(capsys):
    check_double(cell(STUB)["double"])  # must not raise: Run All goes on
    out = capsys.readouterr().out
    assert out.startswith("Not attempted yet: `double` still raises NotImplementedError")
    assert out.count("\n") == 1


def test_wrong_answer_gets_the_hint_without_traceback_or_checker_source(capsys):
    check_double(cell("def double(x):\n    return x * 3\n")["double"])
    out = capsys.readouterr().out
    assert out == "Not yet right: double gives [3.0, -6.0] for [1., -2.]; multiply by 2\n"


def test_a_crash_in_the_learner_code_says_where():
    double = cell("def double(x):\n    y = x * 2\n    return y.view(3)\n")["double"]
    verdict = assert_wrong(check_double, double)
    assert verdict.message.startswith("Not yet right: your code raised RuntimeError in "
                                      "`double`, line 3 of its cell: ")


def test_an_assert_in_the_learner_code_is_a_crash_not_the_checker_verdict():
    double = cell("def double(x):\n    assert x.dtype == teachgrad.int64, 'ints only'\n"
                  "    return x * 2\n")["double"]
    verdict = assert_wrong(check_double, double)
    assert "your code raised AssertionError in `double`, line 2" in verdict.message


def test_not_implemented_inside_teachgrad_is_not_mistaken_for_a_stub():
    # Function.forward is abstract: teachgrad raises NotImplementedError, not the learner.
    double = cell("def double(x):\n    return teachgrad.autograd.Function.forward(None, x)\n")
    verdict = assert_wrong(check_double, double["double"])
    assert "your code raised NotImplementedError in `double`" in verdict.message


def test_partly_written_answer_names_the_part_still_missing():
    source = ("class Half:\n    def forward(self):\n        return 1\n"
              "    def backward(self):\n        raise NotImplementedError('your turn')\n")

    @exercise
    def check_half(obj) -> str:
        obj.forward()
        obj.backward()
        return "Correct"

    verdict = assert_not_attempted(check_half, cell(source)["Half"]())
    assert "`backward`" in verdict.message


# --- every lesson's checks are shown to reject at least two typical wrong answers ---------


def lesson_checks() -> dict[str, exercise]:
    checks = {}
    for info in pkgutil.iter_modules(teachgrad.exercises.__path__):
        if info.name.startswith("lesson"):
            module = importlib.import_module(f"teachgrad.exercises.{info.name}")
            for name, value in inspect.getmembers(module, lambda v: isinstance(v, exercise)):
                checks[f"{info.name}.{name}"] = value
    return checks


def _cases(decorator: ast.expr) -> int:
    """How many runs a @pytest.mark.parametrize decorator makes (1 if not one)."""
    if (isinstance(decorator, ast.Call) and ast.unparse(decorator.func).endswith("parametrize")
            and len(decorator.args) >= 2 and isinstance(decorator.args[1], ast.List | ast.Tuple)):
        return len(decorator.args[1].elts)
    return 1


def wrong_answer_counts(source: str, lesson: str) -> dict[str, int]:
    """Per check, how many test runs call assert_wrong on it in one test module's source."""
    counts: dict[str, int] = {}
    for function in ast.parse(source).body:
        if not isinstance(function, ast.FunctionDef):
            continue
        runs = 1
        for decorator in function.decorator_list:
            runs *= _cases(decorator)
        for node in ast.walk(function):
            if (isinstance(node, ast.Call) and ast.unparse(node.func) == "assert_wrong"
                    and node.args):
                name = f"{lesson}.{ast.unparse(node.args[0]).split('.')[-1]}"
                counts[name] = counts.get(name, 0) + runs
    return counts


def all_wrong_answer_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in sorted(TESTS.glob("test_exercises_lesson*.py")):
        lesson = path.stem.removeprefix("test_exercises_")
        counts.update(wrong_answer_counts(path.read_text(), lesson))
    return counts


@pytest.mark.parametrize("name", sorted(lesson_checks()))
def test_every_check_rejects_at_least_two_wrong_answers(name):
    assert all_wrong_answer_counts().get(name, 0) >= 2, f"{name}: fewer than two wrong answers"


def test_wrong_answer_count_reads_parametrize_and_plain_calls():
    source = (
        "@pytest.mark.parametrize('w', [a, b, c])\n"
        "def test_a(w):\n    assert_wrong(lesson09.check_x, w)\n"
        "def test_b():\n    assert_wrong(check_y, lambda: 1)\n"
    )
    assert wrong_answer_counts(source, "lesson09") == {"lesson09.check_x": 3,
                                                       "lesson09.check_y": 1}


def test_a_stub_is_not_attempted_even_when_the_check_wraps_its_error():
    @exercise
    def check_wrapping(fn) -> str:
        try:
            fn(teachgrad.ones(2))
        except RuntimeError as error:  # NotImplementedError is a RuntimeError
            raise AssertionError(f"double failed with {error}") from error
        return "Correct"

    verdict = assert_not_attempted(check_wrapping, cell(STUB)["double"])
    assert "`double`" in verdict.message
