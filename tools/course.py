#!/usr/bin/env python3
"""Course maintenance, run from the repository root with the project's Python:

    .venv/bin/python tools/course.py execute notebooks/04_autograd.md [...]
    .venv/bin/python tools/course.py retarget https://github.com/OWNER/REPO

execute: runs each lesson's .md top to bottom in a fresh kernel (cwd notebooks/) and
writes its .ipynb with the outputs, plus the paired .md, exactly as JupyterLab saves
them. So opening, running and saving an unchanged lesson in Lab leaves git clean.

retarget: points pyproject.toml's Repository URL, and every lesson's Colab badge and
Colab install cell (in the .md and the .ipynb), at another GitHub repository: the one
command a fork needs. Nothing is re-executed; outputs are left as they are.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import jupytext
import nbformat
from jupytext import AsyncTextFileContentsManager
from jupytext.combine import combine_inputs_with_outputs
from jupytext.config import load_jupytext_config
from nbclient import NotebookClient
from nbformat.sign import NotebookNotary

ROOT = Path(__file__).resolve().parents[1]
CELL_TIMEOUT_S = 600
KERNEL_NAME = "python3"
BAD_USAGE = 2  # argparse's exit status for bad arguments; a bad URL is one

GITHUB_REPO = re.compile(
    r"https://github\.com/(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?P<repo>[A-Za-z0-9._-]+)"
)
# The two places a lesson names its repository (tests/test_lessons_meta.py checks both):
# the badge links to .../github/OWNER/REPO/blob/..., the install cell pip-installs
# "teachgrad @ git+https://github.com/OWNER/REPO[.git][@ref]".
COLAB_LINK = re.compile(r"(https://colab\.research\.google\.com/github/)[^/\s\"')]+/[^/\s\"')]+(/blob/)")
GIT_URL = re.compile(r"(git\+)https://github\.com/[^/\s\"'@]+/[^/\s\"'@]+?(?=(?:\.git)?(?:[@\"'\s]|$))")
REPOSITORY_LINE = re.compile(r'^(Repository\s*=\s*)"[^"\n]*"', re.MULTILINE)


# --- the form JupyterLab saves a notebook in ---------------------------------------------

_CONTROL = re.compile(r"[\n\b\r]")


def _overwrite(buffer: str, cursor: int, text: str) -> str:
    return buffer[:cursor] + text + buffer[cursor + len(text) :]


def terminal_text(text: str, buffer: str = "", cursor: int = 0) -> tuple[str, int]:
    """Write `text` into `buffer` at `cursor` the way Lab's output area does, and return
    the new buffer and cursor. A port of JupyterLab 4.6's outputarea Private.processText:
    a carriage return moves the cursor to the start of the line (progress bars redraw
    themselves that way), a backspace deletes, a newline always goes at the very end.
    The quirks (a backspace removes two characters) are Lab's, kept so the stored text
    is the text Lab would store."""
    if not _CONTROL.search(text):
        return _overwrite(buffer, cursor, text), cursor + len(text)
    start = 0
    while True:
        match = _CONTROL.search(text, start)
        end = match.start() if match else len(text)
        piece = text[start:end]
        buffer = _overwrite(buffer, cursor, piece)
        cursor += len(piece)
        if match is None:
            return buffer, cursor
        start = end + 1
        if text[end] == "\b":
            if cursor > 0 and buffer[cursor - 1] != "\n":
                buffer = buffer[: cursor - 1] + buffer[cursor + 1 :]
                cursor -= 1
        elif text[end] == "\r":
            while cursor > 0 and buffer[cursor - 1] != "\n":
                cursor -= 1
        else:
            buffer += "\n"
            cursor = len(buffer)


def lab_outputs(outputs: Sequence[dict]) -> list[dict]:
    """A cell's outputs as Lab's OutputAreaModel keeps them: a stream output that follows
    one of the same name (stdout after stdout) is written into it, so the kernel's many
    small stream messages become one output; any other output ends the run."""
    merged: list[dict] = []
    last_stream, cursor = "", 0
    for output in outputs:
        if output["output_type"] != "stream":
            merged.append(_without_widget_view(copy.deepcopy(output)))
            last_stream = ""
            continue
        text = output["text"] if isinstance(output["text"], str) else "".join(output["text"])
        if output["name"] == last_stream:
            merged[-1]["text"], cursor = terminal_text(text, merged[-1]["text"], cursor)
            continue
        stream = copy.deepcopy(output)
        stream["text"], cursor = terminal_text(text)
        merged.append(stream)
        last_stream = output["name"]
    return merged


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _without_widget_view(output: dict) -> dict:
    """An interactive widget's output keeps only its text form. Its view names a model
    by a random id that lives only in the kernel that ran it, so storing it would change
    the file on every run and show nothing when opened; the widget comes back when the
    learner runs the cell."""
    data = output.get("data")
    if data and WIDGET_VIEW in data and len(data) > 1:
        del data[WIDGET_VIEW]
    return output


def lab_form(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of `notebook` as Lab would save it after running it: no per-cell
    `execution` timings (Lab records them only when asked to, nbclient always), stream
    outputs merged as Lab's output area merges them, and no widget state (Lab saves it
    only when asked to) nor widget views (see _without_widget_view)."""
    notebook = copy.deepcopy(notebook)
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.metadata.pop("execution", None)
            cell.outputs = [nbformat.from_dict(o) for o in lab_outputs(cell.outputs)]
    return notebook


def ipynb_text(notebook: nbformat.NotebookNode) -> str:
    """The .ipynb file's text as jupyter_server writes it (nbformat.write, no conversion:
    indent 1, sorted keys, non-ASCII kept, one trailing newline)."""
    text = nbformat.writes(notebook, version=nbformat.NO_CONVERT)
    return text if text.endswith("\n") else text + "\n"


def save_like_lab(notebook: nbformat.NotebookNode, ipynb: Path) -> None:
    """Save `notebook` to `ipynb` through the same jupytext contents manager that
    JupyterLab's server saves through, so the .ipynb and its paired .md get the bytes
    a save in Lab would give them."""
    root = lesson_root(ipynb)
    with tempfile.TemporaryDirectory() as checkpoints:
        # Checkpoints and notebook signatures are Lab's undo and trust stores: keep both
        # out of the repository and out of the user's Jupyter data folder.
        manager = AsyncTextFileContentsManager(
            root_dir=str(root), checkpoints_kwargs={"root_dir": checkpoints}
        )
        manager.notary = NotebookNotary(db_file=":memory:")
        model = {"type": "notebook", "content": notebook}
        asyncio.run(manager.save(model, ipynb.resolve().relative_to(root).as_posix()))


def lesson_root(path: Path) -> Path:
    """The repository root of a lesson file: jupytext.toml pairs notebooks/ below it."""
    path = path.resolve()
    if path.parent.name != "notebooks":
        raise SystemExit(f"{path} is not a lesson: lessons live directly in notebooks/")
    return path.parent.parent


# --- execute ------------------------------------------------------------------------------


def read_lesson(md: Path) -> nbformat.NotebookNode:
    """The lesson's cells from its .md; outputs dropped. Cell ids and cell metadata that the
    .md does not carry come from the existing .ipynb, as when Lab opens the pair, so
    re-running an unchanged lesson does not give every cell a new id."""
    notebook = jupytext.read(md, config=load_jupytext_config(str(md)))
    ipynb = md.with_suffix(".ipynb")
    if ipynb.exists():
        stored = nbformat.read(ipynb, as_version=nbformat.NO_CONVERT)
        notebook = combine_inputs_with_outputs(notebook, stored, fmt="md")
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


def execute_lesson(md: Path) -> None:
    md = md.resolve()
    if md.suffix != ".md" or not md.is_file():
        raise SystemExit(f"{md}: expected a lesson's .md file (notebooks/NN_topic.md)")
    lesson_root(md)
    notebook = read_lesson(md)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(md.parent)}},
    )
    client.execute()
    save_like_lab(lab_form(notebook), md.with_suffix(".ipynb"))


# --- retarget -----------------------------------------------------------------------------


def parse_repository(url: str) -> str:
    """`url` if it is https://github.com/OWNER/REPO, else SystemExit with status 2."""
    match = GITHUB_REPO.fullmatch(url)
    if match is None or match["repo"] in (".", "..") or match["repo"].endswith(".git"):
        print(
            f"retarget: {url!r} is not a GitHub repository address; give it as "
            "https://github.com/OWNER/REPO (no .git, no trailing slash, no subpath)",
            file=sys.stderr,
        )
        raise SystemExit(BAD_USAGE)
    return url


def retarget_source(source: str, url: str) -> str:
    """`source` with its Colab links and git+ installs pointing at `url` (branch, .git and
    @ref kept)."""
    owner_repo = url.removeprefix("https://github.com/")
    source = COLAB_LINK.sub(lambda m: f"{m[1]}{owner_repo}{m[2]}", source)
    return GIT_URL.sub(lambda m: f"{m[1]}{url}", source)


def _badge_and_install_cells(notebook: nbformat.NotebookNode) -> list[int]:
    """Indexes of the first Markdown cell (the badge) and the first code cell (the
    install cell): the only cells retarget touches."""
    firsts = {}
    for index, cell in enumerate(notebook.cells):
        firsts.setdefault(cell.cell_type, index)
    return sorted(firsts[kind] for kind in ("markdown", "code") if kind in firsts)


def retarget_md(text: str, url: str) -> str:
    """The .md's text with the badge and install cells retargeted, edited in place so the
    rest of the file (and any edit not yet executed) stays byte for byte."""
    notebook = jupytext.reads(text, fmt="md")
    pieces, offset = [], 0
    for index in _badge_and_install_cells(notebook):
        old = notebook.cells[index].source
        start = text.find(old, offset)
        if not old or start < 0:
            raise ValueError(f"cannot find cell {index}'s source in the .md text")
        pieces += [text[offset:start], retarget_source(old, url)]
        offset = start + len(old)
    return "".join(pieces) + text[offset:]


def retarget_ipynb(text: str, url: str) -> str:
    notebook = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    for index in _badge_and_install_cells(notebook):
        cell = notebook.cells[index]
        cell.source = retarget_source(cell.source, url)
    return ipynb_text(notebook)


def retarget_pyproject(text: str, url: str) -> str:
    new, count = REPOSITORY_LINE.subn(lambda m: f'{m[1]}"{url}"', text)
    if count != 1:
        raise ValueError(f"pyproject.toml should have one `Repository = ...` line, found {count}")
    return new


def retarget(url: str, root: Path = ROOT) -> list[Path]:
    """Point the course at `url`; return the files that changed. Every new text is made
    before any file is written, so a failure leaves the course as it was."""
    url = parse_repository(url)
    edits = {root / "pyproject.toml": retarget_pyproject}
    for path in sorted((root / "notebooks").glob("*.md")):
        edits[path] = retarget_md
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        edits[path] = retarget_ipynb
    texts = {path: path.read_text(encoding="utf-8") for path in edits}
    new_texts = {path: edit(texts[path], url) for path, edit in edits.items()}
    changed = [path for path in edits if new_texts[path] != texts[path]]
    for path in changed:
        path.write_text(new_texts[path], encoding="utf-8", newline="\n")
    return changed


# --- command line -------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/course.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("execute", help="run lessons and store them as Lab saves them")
    run.add_argument("lessons", nargs="+", type=Path, metavar="notebooks/NN_topic.md")
    fork = commands.add_parser("retarget", help="point badges and install cells at a fork")
    fork.add_argument("url", metavar="https://github.com/OWNER/REPO")
    fork.add_argument(
        "--root", type=Path, default=ROOT, help="the course to change (default: this one)"
    )
    args = parser.parse_args(argv)
    if args.command == "execute":
        for md in args.lessons:
            print(f"executing {md}", flush=True)
            execute_lesson(md)
    else:
        for path in retarget(args.url, args.root):
            print(f"retargeted {path.relative_to(args.root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
