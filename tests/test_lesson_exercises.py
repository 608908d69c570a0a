"""The lessons' exercises: nothing runs a solution unasked, and every solution passes.

A lesson's exercise is three cells: the learner's stub (it raises NotImplementedError),
a check cell (`...check_name(answer)`), and a Markdown cell with the reference solution
folded in a <details> block, which no Run All executes. Here:
- no code cell of any lesson is a solution, and every check cell has its folded solution;
- the committed outputs (Run All with the stubs untouched) say "Not attempted yet" on
  every check, never "Correct";
- with each stub replaced by its folded solution, the lesson runs top to bottom and every
  check says "Correct".
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
LESSONS = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.md"))
CHECK_CALL = re.compile(r"\bcheck_\w+\(")
FOLDED = re.compile(r"^<details>\n<summary>Reference solution</summary>\n\n```python\n(.*?)\n```"
                    r"\n\n</details>$", re.S)


def exercises(nb) -> list[tuple[int, int, str]]:
    """(stub cell index, check cell index, solution source) for each exercise of nb."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and CHECK_CALL.search(cell.source):
            following = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
            folded = FOLDED.match(following.source) if following is not None else None
            assert folded and following.cell_type == "markdown", (
                f"cell {i} ({cell.source!r}) is not followed by a folded reference solution")
            assert nb.cells[i - 1].cell_type == "code", f"no stub cell before cell {i}"
            found.append((i - 1, i, folded.group(1)))
    return found


def read_lesson(name: str):
    return jupytext.read(NOTEBOOKS / f"{name}.md")


def output_text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


@pytest.mark.parametrize("name", LESSONS)
def test_no_code_cell_is_a_solution_and_every_stub_is_untouched(name):
    nb = read_lesson(name)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert "solution" not in cell.metadata.get("tags", []), cell.source
            assert not cell.metadata.get("jupyter", {}).get("source_hidden"), cell.source
    found = exercises(nb)
    assert found, f"{name} has no exercise"
    for stub, _, _ in found:
        assert 'raise NotImplementedError("your turn")' in nb.cells[stub].source


@pytest.mark.parametrize("name", LESSONS)
def test_run_all_with_untouched_stubs_solves_nothing(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    for _, check, _ in exercises(nb):
        verdict = output_text(nb.cells[check])
        assert verdict.startswith("Not attempted yet: "), (check, verdict)
        assert "Correct" not in verdict


def with_solutions(nb):
    """nb with every stub cell replaced by its folded reference solution."""
    for stub, _, solution in exercises(nb):
        nb.cells[stub].source = solution
    return nb


@pytest.mark.parametrize("name", LESSONS)
def test_every_reference_solution_passes_its_check_in_the_lesson(name):
    from nbclient import NotebookClient

    nb = with_solutions(read_lesson(name))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    for _, check, _ in exercises(nb):
        assert output_text(nb.cells[check]).startswith("Correct: "), nb.cells[check].source


def test_exercise_reader_rejects_a_solution_left_as_code():
    nb = jupytext.reads(
        "```python\ndef f():\n    raise NotImplementedError(\"your turn\")\n```\n\n"
        "```python\ndef f():\n    return 1\n```\n\n```python\ncheck_f(f)\n```\n", fmt="md")
    with pytest.raises(AssertionError, match="folded reference solution"):
        exercises(nb)


def test_lesson03_zero_negatives_is_called_relus_forward_not_its_backward():
    # Statement 3 of the trust issue: zeroing negatives is ReLU's forward; the backward
    # masks grad_h by the sign of h.
    text = (NOTEBOOKS / "03_tensors.md").read_text()
    assert "exactly what the\nReLU's backward pass did" not in text
    assert "That is the ReLU's forward\npass" in text
