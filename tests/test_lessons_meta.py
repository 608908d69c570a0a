"""Checks on the lessons as files, not on what they teach (nbval runs them).

For every lesson found in notebooks/:
- the .md and the .ipynb both exist and hold the same cells;
- the first Markdown cell has an "Open in Colab" badge for this lesson;
- the first code cell installs teachgrad, and only teachgrad, and only in Colab.
Then: the lessons present are the ones planned, and a real Jupyter server started
the README's way (on a copy of the course, since some checks save files) lists each
lesson once, as its .ipynb; opens README.md as a plain file, never as a notebook;
and saves README.md and every unchanged lesson pair back byte for byte.

Lesson authors: add your lesson to EXPECTED_LESSONS when you commit it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import jupytext
import pytest
from packaging.requirements import InvalidRequirement, Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

# The nine lessons of the design, in order.
ALL_LESSONS = (
    "01_numpy_backprop",
    "02_build_autograd",
    "03_tensors",
    "04_autograd",
    "05_custom_functions",
    "06_modules",
    "07_convnets",
    "08_optimizers",
    "09_capstone",
)

# Lessons that must be present (both .md and .ipynb). Lesson authors extend this as they
# commit their lesson; once it lists all nine, the test also requires that nothing else
# is in notebooks/.
EXPECTED_LESSONS: tuple[str, ...] = ALL_LESSONS

COLAB_BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
COLAB_CHECK = re.compile(
    r"""^([ \t]*)if\s+(["'])google\.colab\2\s+in\s+sys\.modules\s*:""", re.MULTILINE
)


def lesson_names(folder: Path = NOTEBOOKS) -> list[str]:
    """Names (without extension) of every .md and .ipynb directly in notebooks/."""
    if not folder.is_dir():
        return []
    return sorted({p.stem for p in folder.iterdir() if p.suffix in (".md", ".ipynb")})


LESSONS = lesson_names()


def repository_url() -> str:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["urls"]["Repository"]


def colab_url(name: str, repo_url: str | None = None) -> str:
    parsed = urlparse(repo_url or repository_url())
    assert parsed.netloc == "github.com", "Colab's /github/ links need a GitHub repository"
    owner_repo = parsed.path.strip("/").removesuffix(".git")
    return f"https://colab.research.google.com/github/{owner_repo}/blob/main/notebooks/{name}.ipynb"


def lesson_files(name: str) -> list[Path]:
    return [p for p in (NOTEBOOKS / f"{name}.md", NOTEBOOKS / f"{name}.ipynb") if p.exists()]


def first_cell(nb, cell_type: str):
    return next((c for c in nb.cells if c.cell_type == cell_type), None)


def comparable_cells(nb) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source, sorted(c.metadata.get("tags", []))) for c in nb.cells]


def badge_problems(nb, name: str, repo_url: str) -> list[str]:
    cell = first_cell(nb, "markdown")
    if cell is None:
        return ["there is no Markdown cell"]
    url = colab_url(name, repo_url)
    problems = []
    if f"]({url})" not in cell.source and f'href="{url}"' not in cell.source:
        problems.append(f"the first Markdown cell does not link to {url}")
    if COLAB_BADGE_IMAGE not in cell.source:
        problems.append(f"the first Markdown cell does not show the badge {COLAB_BADGE_IMAGE}")
    return problems


def install_cell_problems(nb, repo_url: str) -> list[str]:
    """The first code cell must look like

        import sys
        if "google.colab" in sys.modules:
            %pip install -q "teachgrad @ git+<repository URL>"

    i.e. install teachgrad from the repository, nothing else, and only inside Colab.
    """
    cell = first_cell(nb, "code")
    if cell is None:
        return ["there is no code cell"]
    src = cell.source
    lines = src.splitlines()
    problems = []
    if not re.search(r"^\s*import\s+sys\b", src, re.MULTILINE):
        problems.append("the first code cell does not `import sys`")
    guard = COLAB_CHECK.search(src)
    if guard is None:
        return problems + ['the first code cell has no `if "google.colab" in sys.modules:`']
    guard_line = src[: guard.start()].count("\n")
    guard_indent = len(guard.group(1))
    pip_lines = [
        i
        for i, line in enumerate(lines)
        if re.search(r"\bpip\s+install\b", line) and not line.lstrip().startswith("#")
    ]
    if not pip_lines:
        problems.append("the first code cell installs nothing")
    url = repo_url.removesuffix(".git")
    allowed = re.compile(rf"git\+{re.escape(url)}(\.git)?(@[\w./-]+)?")
    for i in pip_lines:
        line = lines[i]
        block = lines[guard_line + 1 : i + 1]
        inside = i > guard_line and all(
            not b.strip() or len(b) - len(b.lstrip()) > guard_indent for b in block
        )
        if not inside:
            problems.append(f"`{line.strip()}` is not inside the google.colab check")
        words = shlex.split(line.split("pip", 1)[1], comments=True)
        packages = [w for w in words[1:] if not w.startswith("-")]
        if words[:1] != ["install"] or len(packages) != 1:
            problems.append(f"`{line.strip()}` should install exactly one thing: teachgrad")
            continue
        try:
            req = Requirement(packages[0])
        except InvalidRequirement:
            problems.append(f"`{packages[0]}` is not a requirement like 'teachgrad @ git+URL'")
            continue
        if req.name != "teachgrad" or req.extras or req.specifier or req.marker:
            problems.append(f"`{packages[0]}` installs something other than plain teachgrad")
        elif not (req.url and allowed.fullmatch(req.url)):
            problems.append(f"`{packages[0]}` does not install from git+{url}")
    return problems


# --- every lesson present --------------------------------------------------------------


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_has_both_files(name):
    missing = [ext for ext in (".md", ".ipynb") if not (NOTEBOOKS / f"{name}{ext}").exists()]
    assert not missing, (
        f"notebooks/{name} lacks {missing}: run `jupytext --sync notebooks/{name}.md` "
        "from the repository root"
    )


@pytest.mark.parametrize("name", LESSONS)
def test_md_and_ipynb_hold_the_same_cells(name):
    md, ipynb = NOTEBOOKS / f"{name}.md", NOTEBOOKS / f"{name}.ipynb"
    if not (md.exists() and ipynb.exists()):
        pytest.skip("only one of the pair exists (test_lesson_has_both_files fails)")
    from_md, from_ipynb = (
        comparable_cells(jupytext.read(md)),
        comparable_cells(jupytext.read(ipynb)),
    )
    assert from_md == from_ipynb, (
        f"{name}.md and {name}.ipynb differ: edit the .md, then re-run it with "
        f"`.venv/bin/python tools/course.py execute notebooks/{name}.md`"
    )


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_can_be_executed_by_jupytext(name):
    for path in lesson_files(name):
        kernelspec = jupytext.read(path).metadata.get("kernelspec", {})
        assert kernelspec.get("name"), f"{path.name} has no kernelspec in its metadata/header"


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_has_colab_badge(name):
    url = repository_url()
    for path in lesson_files(name):
        assert badge_problems(jupytext.read(path), name, url) == [], path.name


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_installs_teachgrad_only_in_colab(name):
    url = repository_url()
    for path in lesson_files(name):
        assert install_cell_problems(jupytext.read(path), url) == [], path.name



# A lesson is read in one sitting: about 45 code cells at most (issue 16's limit).
MAX_CODE_CELLS = 45


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_has_at_most_45_code_cells(name):
    for path in lesson_files(name):
        cells = [cell for cell in jupytext.read(path).cells if cell.cell_type == "code"]
        assert len(cells) <= MAX_CODE_CELLS, (
            f"{path.name} has {len(cells)} code cells, more than {MAX_CODE_CELLS}: merge "
            "cells that make one point, or move a topic to the lesson where it belongs")

# --- the set of lessons ----------------------------------------------------------------


def test_expected_lessons_exist():
    assert set(EXPECTED_LESSONS) <= set(ALL_LESSONS), "EXPECTED_LESSONS names an unknown lesson"
    missing = [
        f"notebooks/{name}{ext}"
        for name in EXPECTED_LESSONS
        for ext in (".md", ".ipynb")
        if not (NOTEBOOKS / f"{name}{ext}").exists()
    ]
    assert not missing, f"expected lesson files are missing: {missing}"
    if set(EXPECTED_LESSONS) == set(ALL_LESSONS):
        assert LESSONS == list(ALL_LESSONS)


def test_no_unplanned_lessons():
    unplanned = sorted(set(LESSONS) - set(ALL_LESSONS))
    assert not unplanned, (
        f"notebooks/ holds {unplanned}, which are not among the planned lessons {ALL_LESSONS}"
    )


# --- the checks above can fail ---------------------------------------------------------

REPO = "https://github.com/teachgrad/teachgrad"
GOOD_MD = f"""\
[![Open In Colab]({COLAB_BADGE_IMAGE})]({colab_url("01_numpy_backprop", REPO)})

# A lesson

```python
import sys

if "google.colab" in sys.modules:
    %pip install -q "teachgrad @ git+{REPO}"
```
"""


def _nb(text: str):
    return jupytext.reads(text, fmt="md")


def test_checks_accept_a_good_lesson():
    nb = _nb(GOOD_MD)
    assert badge_problems(nb, "01_numpy_backprop", REPO) == []
    assert install_cell_problems(nb, REPO) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/notebooks/01_numpy_backprop.ipynb", "/notebooks/03_tensors.ipynb"),
        ("github/teachgrad/teachgrad", "github/someone/teachgrad"),
        (COLAB_BADGE_IMAGE, "https://example.com/badge.svg"),
    ],
    ids=["other-lesson", "other-owner", "no-badge-image"],
)
def test_badge_check_rejects(old, new):
    assert badge_problems(_nb(GOOD_MD.replace(old, new)), "01_numpy_backprop", REPO)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('if "google.colab" in sys.modules:\n    ', ""),  # installs everywhere
        ('"teachgrad @ git+', 'numpy "teachgrad @ git+'),  # installs something Colab has
        ('"teachgrad @ git+', '"teachgrad[datasets] @ git+'),
        ("git+https://github.com/teachgrad/", "git+https://github.com/fork/"),
        (f'"teachgrad @ git+{REPO}"', "teachgrad"),  # from PyPI, not the repository
        ("import sys\n", ""),
        ('%pip install -q "teachgrad @ git+', '# %pip install -q "teachgrad @ git+'),
    ],
    ids=[
        "not-guarded",
        "extra-package",
        "with-extras",
        "other-repository",
        "from-pypi",
        "no-import-sys",
        "commented-out",
    ],
)
def test_install_cell_check_rejects(old, new):
    text = GOOD_MD.replace(old, new)
    assert text != GOOD_MD
    assert install_cell_problems(_nb(text), REPO)


def test_install_cell_check_rejects_install_after_the_block():
    pip = f'%pip install -q "teachgrad @ git+{REPO}"'
    guarded = f'if "google.colab" in sys.modules:\n    {pip}\n'
    assert guarded in GOOD_MD
    text = GOOD_MD.replace(guarded, f'if "google.colab" in sys.modules:\n    pass\n{pip}\n')
    assert install_cell_problems(_nb(text), REPO)


# --- a real Jupyter server, started the way README.md starts JupyterLab -----------------


def readme_lab_command(folder: Path = ROOT) -> tuple[dict[str, str], list[str]]:
    """Environment variables and `jupyter lab` options from the README's lab command, as
    they would be when run from `folder`."""
    lines = [
        line.strip()
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if "jupyter lab" in line and "pip install" in line
    ]
    assert len(lines) == 1, f"README.md should hold exactly one lab command, found {lines}"
    last = lines[0].split("&&")[-1].replace("$PWD", str(folder))
    words = shlex.split(last)
    env = {}
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    assert words[:2] == [".venv/bin/jupyter", "lab"], last
    return env, words[2:]


def _request(url: str, token: str, method: str = "GET", body: dict | None = None,
             timeout: float = 30.0):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method=method,
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.read().decode("utf-8")


def _get(url: str, token: str, timeout: float = 5.0):
    return _request(url, token, timeout=timeout)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# What the README's lab command serves: the course as a learner's clone has it.
COURSE_FILES = ("README.md", "jupytext.toml", "pyproject.toml", "notebooks", "jupyter-config")


def copy_course(destination: Path) -> Path:
    """Copy the course files the server needs, keeping modification times (jupytext
    compares them to decide which file of a pair holds the newer cells)."""
    for name in COURSE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        elif source.exists():
            shutil.copy2(source, destination / name)
    return destination


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """JupyterLab started with the README's settings on a free port, in a copy of the
    course (the save checks below write files); yields (url, token, course folder)."""
    tmp = tmp_path_factory.mktemp("jupyter")
    course = copy_course(tmp_path_factory.mktemp("course"))
    readme_env, readme_args = readme_lab_command(course)
    token = secrets.token_hex(16)
    env = dict(os.environ)
    env.update(readme_env)
    # Keep the test away from the user's own Jupyter files (and the user's files from it).
    env.update(
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp / "user-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
    )
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        *readme_args,
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        "--port=0",
        f"--IdentityProvider.token={token}",
    ]
    log_path = tmp / "server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{log_path.read_text()}")
            info = sorted((tmp / "runtime").glob(f"jpserver-{proc.pid}.json"))
            if info:
                try:
                    port = json.loads(info[0].read_text())["port"]
                    url = f"http://127.0.0.1:{port}"
                    if _get(f"{url}/api/status", token)[0] == 200:
                        break
                except (ValueError, KeyError, OSError):
                    pass  # file half-written or server not listening yet
            time.sleep(0.2)
        else:
            pytest.fail(f"jupyter lab did not come up in 60 s:\n{log_path.read_text()}")
        yield url, token, course
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def listing(url: str, token: str, folder: str) -> dict[str, str]:
    """name -> contents type of each entry the file browser shows in `folder`."""
    status, body = _get(f"{url}/api/contents/{folder}?content=1", token)
    assert status == 200
    return {item["name"]: item["type"] for item in json.loads(body)["content"]}


def file_browser_problems(notebooks: dict[str, str], top: dict[str, str],
                          lessons: list[str]) -> list[str]:
    """Each lesson must be listed once, as its .ipynb, and README.md must be listed."""
    problems = [f"{n}.md is listed: a lesson could be opened twice" for n in lessons
                if f"{n}.md" in notebooks]
    problems += [f"{n}.ipynb is not listed" for n in lessons
                 if notebooks.get(f"{n}.ipynb") != "notebook"]
    if "README.md" not in top:
        problems.append("README.md is not listed")
    return problems


def test_file_browser_check_catches_a_listed_md():
    lessons = ["01_numpy_backprop"]
    good = {"01_numpy_backprop.ipynb": "notebook"}
    assert file_browser_problems(good, {"README.md": "file"}, lessons) == []
    both = {**good, "01_numpy_backprop.md": "notebook"}
    assert file_browser_problems(both, {}, lessons) == [
        "01_numpy_backprop.md is listed: a lesson could be opened twice",
        "README.md is not listed",
    ]
    assert file_browser_problems({}, {"README.md": "file"}, lessons) == [
        "01_numpy_backprop.ipynb is not listed"
    ]


def test_file_browser_lists_each_lesson_once_as_ipynb(lab_server):
    url, token, _ = lab_server
    problems = file_browser_problems(
        listing(url, token, "notebooks"), listing(url, token, ""), LESSONS
    )
    assert problems == []


def test_lab_opens_markdown_as_markdown(lab_server):
    """No default-viewer override: double-clicking README.md opens Lab's Markdown editor,
    which asks the server for a plain file, never for a notebook with a kernel."""
    url, token, _ = lab_server
    status, body = _get(f"{url}/lab/api/settings/@jupyterlab/docmanager-extension:plugin", token)
    assert status == 200
    schema = json.loads(body)["schema"]
    defaults = schema["properties"]["defaultViewers"]["default"]
    assert "Jupytext Notebook" not in defaults.values(), defaults
    status, body = _get(f"{url}/api/contents/README.md?type=file&format=text&content=1", token)
    assert status == 200
    model = json.loads(body)
    assert (model["type"], model["format"]) == ("file", "text")


def test_readme_saved_from_lab_is_unchanged(lab_server):
    url, token, course = lab_server
    readme = course / "README.md"
    before = readme.read_bytes()
    _, body = _get(f"{url}/api/contents/README.md?type=file&format=text&content=1", token)
    model = json.loads(body)
    saved = {"type": "file", "format": "text", "content": model["content"]}
    assert _request(f"{url}/api/contents/README.md", token, "PUT", saved)[0] == 200
    assert readme.read_bytes() == before
    assert not (course / "README.ipynb").exists()


@pytest.mark.parametrize("name", LESSONS)
def test_unchanged_lesson_saved_from_lab_is_unchanged(lab_server, name):
    """Open the .ipynb, save it: neither it nor its .md may change. Fails when the pair
    disagree or when the .ipynb is not in the form Lab writes (re-execute the lesson with
    tools/course.py execute)."""
    url, token, course = lab_server
    pair = [course / "notebooks" / f"{name}{ext}" for ext in (".ipynb", ".md")]
    before = [p.read_bytes() for p in pair]
    path = f"notebooks/{name}.ipynb"
    _, body = _get(f"{url}/api/contents/{path}?type=notebook&content=1", token, timeout=30)
    model = json.loads(body)
    assert model["type"] == "notebook"
    saved = {"type": "notebook", "content": model["content"]}
    assert _request(f"{url}/api/contents/{path}", token, "PUT", saved)[0] == 200
    changed = [p.name for p, b in zip(pair, before) if p.read_bytes() != b]
    assert changed == [], (
        f"saving {name}.ipynb unchanged from Lab rewrote {changed}: re-execute it with "
        f"`.venv/bin/python tools/course.py execute notebooks/{name}.md`"
    )


def test_lab_lands_in_notebooks_folder(lab_server):
    url, token, _ = lab_server
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(f"{url}/", headers={"Authorization": f"token {token}"})
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(request, timeout=5)
    assert redirect.value.code in (301, 302)
    assert urlparse(redirect.value.headers["Location"]).path.endswith("/lab/tree/notebooks")


@pytest.mark.skipif(
    not (NOTEBOOKS / "01_numpy_backprop.md").exists(),
    reason="notebooks/01_numpy_backprop.md has not been written yet",
)
def test_server_pairs_lesson_md_with_its_ipynb(lab_server):
    """Hidden from the listing, the .md is still the lesson's source: the server reads it
    as a notebook, so saving the .ipynb keeps the pair in step."""
    url, token, _ = lab_server
    status, body = _get(f"{url}/api/contents/notebooks/01_numpy_backprop.md?content=1", token)
    assert status == 200
    model = json.loads(body)
    assert model["type"] == "notebook", model["type"]
    assert model["content"]["cells"], "the lesson was served with no cells"
