"""tools/course.py: lessons stored as JupyterLab saves them, and a fork retargeted in one go.

- every committed lesson .ipynb is in Lab's form (so running and saving an unchanged
  lesson in Lab leaves git clean), and the check tells nbclient's form apart;
- the stream merging follows JupyterLab's output area, message by message;
- `execute` runs a lesson in a fresh kernel from notebooks/ and writes a pair that a
  second run leaves byte for byte;
- `retarget` moves every badge and install cell to another repository and nothing else,
  and refuses an address that is not https://github.com/OWNER/REPO before writing.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from test_lessons_meta import (
    LESSONS,
    NOTEBOOKS,
    ROOT,
    badge_problems,
    install_cell_problems,
    repository_url,
)
from test_project import load_pyproject

COURSE = ROOT / "tools" / "course.py"


def _load_course():
    spec = importlib.util.spec_from_file_location("course", COURSE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course = _load_course()


def run_course(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(COURSE), *args],
        cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
    )


# --- the committed notebooks are in Lab's form ---------------------------------------------


def lab_form_problems(text: str) -> list[str]:
    """How an .ipynb file's text differs from what JupyterLab would save."""
    notebook = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    problems = []
    for number, cell in enumerate(notebook.cells, 1):
        if cell.cell_type != "code":
            continue
        if "execution" in cell.metadata:
            problems.append(f"cell {number} stores nbclient's execution timings")
        names = [o.get("name") for o in cell.outputs]
        if any(a is not None and a == b for a, b in zip(names, names[1:])):
            problems.append(f"cell {number} has consecutive stream outputs Lab would merge")
    if course.ipynb_text(course.lab_form(notebook)) != text:
        problems.append("a save in Lab would change the file")
    return problems


@pytest.mark.parametrize("name", LESSONS)
def test_committed_notebook_is_in_lab_form(name):
    path = NOTEBOOKS / f"{name}.ipynb"
    if not path.exists():
        pytest.skip("no .ipynb (test_lesson_has_both_files fails)")
    assert lab_form_problems(path.read_text(encoding="utf-8")) == [], (
        f"re-execute it: .venv/bin/python tools/course.py execute notebooks/{name}.md"
    )


def _code_cell(outputs: list[dict], **metadata) -> dict:
    return {"cell_type": "code", "execution_count": 1, "id": "c1", "metadata": metadata,
            "outputs": outputs, "source": "run()"}


def _stream(text: str, name: str = "stdout") -> dict:
    return {"name": name, "output_type": "stream", "text": text}


def _notebook(*cells: dict) -> str:
    notebook = {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return course.ipynb_text(nbformat.from_dict(notebook))


def test_lab_form_check_tells_nbclient_output_apart():
    timings = {"iopub.status.busy": "2026-12-02T07:38:13.408055Z"}
    nbclient_style = _notebook(
        _code_cell([_stream("epoch 1\n"), _stream("epoch 2\n")], execution=timings)
    )
    assert lab_form_problems(nbclient_style) == [
        "cell 1 stores nbclient's execution timings",
        "cell 1 has consecutive stream outputs Lab would merge",
        "a save in Lab would change the file",
    ]
    lab_style = _notebook(_code_cell([_stream("epoch 1\nepoch 2\n")]))
    assert lab_form_problems(lab_style) == []
    # A progress bar redrawn with carriage returns is stored as Lab shows it.
    assert lab_form_problems(_notebook(_code_cell([_stream(" 50%\r100%\n")]))) == [
        "a save in Lab would change the file"
    ]
    # Two-space JSON indentation is not what jupyter_server writes.
    reindented = json.dumps(json.loads(lab_style), indent=2, sort_keys=True) + "\n"
    assert lab_form_problems(reindented) == ["a save in Lab would change the file"]


# --- Lab's stream handling, ported ----------------------------------------------------------


@pytest.mark.parametrize(
    ("pieces", "stored"),
    [
        (["a", "b\n"], "ab\n"),  # print(..., end="") then print()
        ([" 10%", "\r 50%", "\r100%\n"], "100%\n"),  # a progress bar across messages
        (["abc\rX\n"], "Xbc\n"),  # \r overwrites in place, it does not clear the line
        (["line\n\rok\n"], "line\nok\n"),  # \r after \n stays on the new line
        (["ab\bc\n"], "ac\n"),
        (["\bx\n"], "x\n"),  # nothing to delete at the start of a line
        (["déjà vu\n"], "déjà vu\n"),
    ],
)
def test_stream_text_as_lab_stores_it(pieces, stored):
    outputs = course.lab_outputs([_stream(p) for p in pieces])
    assert outputs == [_stream(stored)]


def test_lab_merges_only_neighbours_of_the_same_stream():
    figure = {"output_type": "display_data", "data": {"text/plain": "<Figure>"}, "metadata": {}}
    outputs = [_stream("a\n"), _stream("b\n"), _stream("warn\n", "stderr"), _stream("c\n"),
               figure, _stream("d\n"), _stream("e\n")]
    assert course.lab_outputs(outputs) == [
        _stream("a\nb\n"), _stream("warn\n", "stderr"), _stream("c\n"), figure, _stream("d\ne\n")
    ]
    assert course.lab_outputs(course.lab_outputs(outputs)) == course.lab_outputs(outputs)


# --- execute --------------------------------------------------------------------------------

FAKE_LESSON = '''\
```python
import os
import sys
import time

print(os.path.basename(os.getcwd()))
```

Prose between the cells.

```python
for step in range(3):
    print(f"\\rstep {step}", end="", flush=True)
    time.sleep(0.05)
print()
print("to stderr", file=sys.stderr)
6 * 7
```
'''


def _fake_course(tmp_path: Path) -> Path:
    (tmp_path / "notebooks").mkdir()
    shutil.copy2(ROOT / "jupytext.toml", tmp_path / "jupytext.toml")
    notebook = jupytext.reads(FAKE_LESSON, fmt="md")
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"
    }
    md = tmp_path / "notebooks" / "01_fake.md"
    jupytext.write(notebook, md, fmt="md", config=jupytext.config.load_jupytext_config(str(md)))
    return md


def test_execute_writes_the_pair_as_lab_does_and_again_identically(tmp_path):
    md = _fake_course(tmp_path)
    md_before = md.read_bytes()
    result = run_course("execute", str(md))
    assert result.returncode == 0, result.stderr
    ipynb = md.with_suffix(".ipynb")
    text = ipynb.read_text(encoding="utf-8")
    assert lab_form_problems(text) == []
    outputs = [c.outputs for c in nbformat.reads(text, 4).cells if c.cell_type == "code"]
    assert outputs[0] == [_stream("notebooks\n")], "the kernel must run in notebooks/"
    assert outputs[1][:2] == [_stream("step 2\n"), _stream("to stderr\n", "stderr")]
    assert outputs[1][2]["data"] == {"text/plain": "42"}
    assert md.read_bytes() == md_before, "the .md was already what jupytext writes"
    # An unchanged lesson re-executed gives the same bytes: same cell ids, no timings.
    assert run_course("execute", str(md)).returncode == 0
    assert ipynb.read_text(encoding="utf-8") == text
    assert md.read_bytes() == md_before
    assert not (tmp_path / "notebooks" / ".ipynb_checkpoints").exists()


def test_execute_refuses_a_file_outside_notebooks(tmp_path):
    stray = tmp_path / "01_fake.md"
    stray.write_text("# not a lesson\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="lessons live directly in notebooks/"):
        course.main(["execute", str(stray)])
    assert not stray.with_suffix(".ipynb").exists()


# --- retarget -------------------------------------------------------------------------------

FORK = "https://github.com/someone-else/my-course"


def _course_copy(tmp_path: Path) -> Path:
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks")
    return tmp_path


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_retarget_moves_badges_and_install_cells_to_the_fork(tmp_path):
    root = _course_copy(tmp_path)
    before = _snapshot(root)
    old = repository_url()
    assert course.main(["retarget", "--root", str(root), FORK]) == 0
    assert repository_url_in(root) == FORK
    for name in LESSONS:
        for path in (root / "notebooks" / f"{name}.md", root / "notebooks" / f"{name}.ipynb"):
            notebook = jupytext.read(path)
            assert badge_problems(notebook, name, FORK) == [], path.name
            assert install_cell_problems(notebook, FORK) == [], path.name
            assert old not in path.read_text(encoding="utf-8"), path.name
    # Nothing else changed: going back gives every file's bytes again.
    assert course.main(["retarget", "--root", str(root), old]) == 0
    assert _snapshot(root) == before


def repository_url_in(root: Path) -> str:
    return load_pyproject(root)["project"]["urls"]["Repository"]


@pytest.mark.parametrize(
    "url",
    [
        "http://github.com/someone/fork",
        "https://gitlab.com/someone/fork",
        "https://github.com/someone",
        "https://github.com/someone/fork/",
        "https://github.com/someone/fork.git",
        "https://github.com/someone/fork/tree/main",
        "github.com/someone/fork",
        "https://github.com/some one/fork",
    ],
)
def test_retarget_refuses_other_addresses_and_changes_nothing(tmp_path, url, capsys):
    root = _course_copy(tmp_path)
    before = _snapshot(root)
    with pytest.raises(SystemExit) as refused:
        course.main(["retarget", "--root", str(root), url])
    assert refused.value.code == 2
    stderr = capsys.readouterr().err
    assert "https://github.com/OWNER/REPO" in stderr and repr(url) in stderr
    assert _snapshot(root) == before


def test_retarget_command_exits_2_on_a_bad_address(tmp_path):
    root = _course_copy(tmp_path)
    before = _snapshot(root)
    result = run_course("retarget", "--root", str(root), "https://gitlab.com/someone/fork")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "https://github.com/OWNER/REPO" in result.stderr
    assert _snapshot(root) == before


def test_retarget_leaves_other_github_links_alone():
    source = (
        "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        "(https://colab.research.google.com/github/a/b/blob/main/notebooks/01_x.ipynb)\n"
        '%pip install -q "teachgrad @ git+https://github.com/a/b.git@v1"\n'
        "See https://github.com/a/b and https://github.com/pytorch/pytorch."
    )
    assert course.retarget_source(source, FORK) == source.replace(
        "github/a/b/blob", "github/someone-else/my-course/blob"
    ).replace("git+https://github.com/a/b.git@v1", f"git+{FORK}.git@v1")


def test_lab_form_keeps_a_widgets_text_and_drops_its_random_view_and_state():
    view = {"application/vnd.jupyter.widget-view+json": {"model_id": "3f2a", "version_major": 2},
            "text/plain": "VBox(children=(...))"}
    cell = nbformat.v4.new_code_cell("steps", outputs=[
        nbformat.v4.new_output("display_data", data=dict(view)),
        nbformat.v4.new_output("display_data", data={"image/png": "iVBO"}),
    ])
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    saved = course.lab_form(notebook)
    assert "widgets" not in saved.metadata
    assert saved.cells[0].outputs[0]["data"] == {"text/plain": "VBox(children=(...))"}
    assert saved.cells[0].outputs[1]["data"] == {"image/png": "iVBO"}
    assert notebook.metadata["widgets"] and len(cell.outputs[0]["data"]) == 2  # a copy
