"""The reading path: the files README lists for a learner to read, and the lessons' printouts.

README's "Reading path" section lists, in reading order, the files that explain the
whole machine. Here: together they are at most about 1,500 lines; each exists, is at
most 300 lines, and has no function longer than 40 lines (docstrings not counted: an
example in a docstring is reading matter, not code to follow); none uses CPython
reference counts or a private NumPy name; and every "Look inside teachgrad" cell of
every lesson prints only code from those files, at most 40 lines of it.
"""

from __future__ import annotations

import ast
import inspect
import re
from contextlib import nullcontext
from pathlib import Path

import jupytext
import pytest

from teachgrad.fast import reference_mode

ROOT = Path(__file__).resolve().parents[1]
MAX_FILE_LINES = 300
MAX_FUNCTION_LINES = 40
MAX_PRINTED_LINES = 40
# The whole path, as issue 14 asks: "about 1,500 lines", counted as `wc -l` counts them
# (code, docstrings with their examples, comments and blank lines alike).
MAX_PATH_LINES = 1550
FORBIDDEN = {
    "getrefcount": "a CPython reference-count trick",
    "numpy._core": "a private NumPy module",
    "np._core": "a private NumPy module",
    "_extobj_contextvar": "a private NumPy name",
}


def reading_path(readme: str) -> list[str]:
    """The teachgrad/*.py paths in README's "Reading path" section, in order."""
    match = re.search(r"^## Reading path\n(.*?)(?=^## )", readme, re.MULTILINE | re.DOTALL)
    assert match, "README.md has no '## Reading path' section"
    return list(dict.fromkeys(re.findall(r"`(teachgrad/[\w/]+\.py)`", match.group(1))))


PATH = reading_path((ROOT / "README.md").read_text())


def long_functions(source: str) -> list[tuple[str, int]]:
    """(name, lines) of each function longer than the limit, its docstring not counted."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            first = node.body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                length -= first.end_lineno - first.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append((node.name, length))
    return found


def forbidden_names(source: str) -> list[str]:
    return [f"{name} ({why})" for name, why in FORBIDDEN.items() if name in source]


def test_the_path_lists_the_machine_in_order():
    assert PATH[0] == "teachgrad/tensor.py"
    for needed in ("teachgrad/autograd/function.py", "teachgrad/autograd/engine.py",
                   "teachgrad/nn/module.py", "teachgrad/optim/sgd.py",
                   "teachgrad/utils/data.py"):
        assert needed in PATH


@pytest.mark.parametrize("path", PATH)
def test_file_on_the_path_is_short_and_plain(path):
    source = (ROOT / path).read_text()
    assert len(source.splitlines()) <= MAX_FILE_LINES
    assert long_functions(source) == []
    assert forbidden_names(source) == []


def test_the_whole_path_is_an_afternoon_read():
    sources = [(ROOT / path).read_text() for path in PATH]
    assert sum(len(source.splitlines()) for source in sources) <= MAX_PATH_LINES


def test_checks_catch_a_long_function_and_a_refcount_trick():
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    source = f'def f():\n    """Doc."""\n{body}\n    return sys.getrefcount(x0)\n'
    assert long_functions(source) == [("f", MAX_FUNCTION_LINES + 2)]
    assert forbidden_names(source) == ["getrefcount (a CPython reference-count trick)"]
    assert long_functions('def g():\n    """A\n    long\n    doc."""\n    return 1\n') == []


# --- what the lessons print -------------------------------------------------------------


def lesson_cells(name: str) -> list:
    return jupytext.read(ROOT / "notebooks" / f"{name}.md").cells


def look_inside_cells(name: str) -> list[str]:
    """Sources of the code cells of the lesson's "Look inside teachgrad" section(s)."""
    cells, inside = [], False
    for cell in lesson_cells(name):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    inside = "Look inside teachgrad" in line
        elif inside:
            cells.append(cell.source)
    return cells


def lesson_imports(name: str) -> dict:
    """A namespace holding every name the lesson's code cells import."""
    namespace: dict = {}
    for cell in lesson_cells(name):
        if cell.cell_type == "code":
            for line in cell.source.splitlines():
                if re.match(r"^(from \S+ )?import ", line):
                    exec(line, namespace)
    return namespace


def printed_objects(sources: list[str], namespace: dict) -> list[tuple[str, object]]:
    """(cell source, object) for each thing the cells pass to inspect.getsource."""
    printed = []
    for source in sources:
        # A cell that prints inside reference_mode() sees the reference functions where
        # the default mode has swapped in a speed-up; resolve its names the same way.
        mode = reference_mode() if "reference_mode()" in source else nullcontext()
        with mode:
            for target in re.findall(r"inspect\.getsource\(([\w.]+)\)", source):
                head, *rest = target.split(".")
                value = namespace[head]
                for attribute in rest:
                    value = getattr(value, attribute)
                printed.append((source, inspect.unwrap(value)))
    return printed


LESSONS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.md"))


@pytest.mark.parametrize("name", LESSONS)
def test_look_inside_prints_only_the_reading_path(name):
    cells = look_inside_cells(name)
    printed = printed_objects(cells, lesson_imports(name))
    assert printed, f"{name}'s 'Look inside teachgrad' section prints no source"
    for _cell, value in printed:
        file = Path(inspect.getsourcefile(value)).resolve().relative_to(ROOT).as_posix()
        assert file in PATH, f"{name} prints {value!r} from {file}, which is off the path"
    for source in cells:
        lines = sum(len(inspect.getsource(value).splitlines())
                    for cell, value in printed if cell == source)
        assert lines <= MAX_PRINTED_LINES, (name, lines, source)


def test_printouts_resolve_as_the_cell_runs_them():
    # The default mode swaps in the inlined apply, which is off the path: a cell that
    # printed Function.apply without reference_mode() would show the wrong code.
    namespace = {"Function": __import__("teachgrad").autograd.Function}
    plain = "print(inspect.getsource(Function.apply))"
    in_reference = f"with teachgrad.fast.reference_mode():\n    {plain}"
    [(_, fast_apply)] = printed_objects([plain], namespace)
    [(_, reference_apply)] = printed_objects([in_reference], namespace)
    assert inspect.getsourcefile(fast_apply).endswith("fast/apply.py")
    assert inspect.getsourcefile(reference_apply).endswith("autograd/function.py")
