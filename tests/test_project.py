"""Checks on the project's own set-up files: they must agree with each other.

- every dependency in pyproject.toml (except the GPU extra) is in environment.yml;
- jupytext pairs notebooks/ and nothing else, and README.md has no .ipynb twin;
- .ci/run runs the very test command that README.md tells people to run;
- the nbval sanitize file masks addresses and timings, and leaves other text alone;
- the README's JupyterLab hides the lessons' .md twins and opens Markdown as Markdown;
- the `lab` extra installs every module a lesson imports, directly or through teachgrad.

Each check is written as a small function returning the problems it found, and
is also run on a broken example, so a check that can never fail is noticed.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]

# PyPI name -> conda-forge name, where they differ.
CONDA_NAMES = {"graphviz": "python-graphviz"}
# Extras that the conda environment deliberately leaves out.
EXTRAS_NOT_IN_CONDA = {"gpu"}
# Conda-only entries: the interpreter, pip, and Graphviz's `dot` program.
CONDA_ONLY = {"python", "pip", "graphviz"}


def load_pyproject(root: Path = ROOT) -> dict:
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def pyproject_requirements(pyproject: dict) -> dict[str, str]:
    """Map conda-style canonical name -> where it comes from, for every requirement
    in `dependencies` and in each extra except the ones conda leaves out."""
    project = pyproject["project"]
    sources = {"dependencies": project.get("dependencies", [])}
    for extra, reqs in project.get("optional-dependencies", {}).items():
        if extra not in EXTRAS_NOT_IN_CONDA:
            sources[f"extra '{extra}'"] = reqs
    names: dict[str, str] = {}
    for where, reqs in sources.items():
        for spec in reqs:
            name = canonicalize_name(Requirement(spec).name)
            names.setdefault(CONDA_NAMES.get(name, name), where)
    return names


def conda_packages(env: dict) -> set[str]:
    """Canonical names of the conda packages listed in an environment.yml mapping."""
    names = set()
    for dep in env.get("dependencies", []):
        if isinstance(dep, str):
            name = re.split(r"[\s=<>!~\[]", dep.strip(), maxsplit=1)[0]
            names.add(canonicalize_name(name.split("::")[-1]))
    return names


def missing_from_conda(pyproject: dict, env: dict) -> list[str]:
    conda = conda_packages(env)
    return sorted(
        f"{name} (from {where})"
        for name, where in pyproject_requirements(pyproject).items()
        if name not in conda
    )


def extra_in_conda(pyproject: dict, env: dict) -> list[str]:
    wanted = set(pyproject_requirements(pyproject)) | CONDA_ONLY
    return sorted(conda_packages(env) - wanted)


def load_environment(root: Path = ROOT) -> dict:
    with open(root / "environment.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


# --- (a) pyproject.toml and environment.yml name the same packages ----------------------


def test_every_pyproject_dependency_is_in_environment_yml():
    missing = missing_from_conda(load_pyproject(), load_environment())
    assert not missing, f"add these to environment.yml: {missing}"


def test_environment_yml_has_nothing_pyproject_lacks():
    extra = extra_in_conda(load_pyproject(), load_environment())
    assert not extra, f"environment.yml lists packages that pyproject.toml does not: {extra}"


def test_environment_yml_channels_and_editable_install():
    env = load_environment()
    assert env.get("channels") == ["conda-forge", "nodefaults"]
    conda = conda_packages(env)
    assert {"python", "graphviz", "python-graphviz"} <= conda
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert pip_sections == [["-e ."]], pip_sections


def test_dependency_check_catches_a_missing_package():
    pyproject = {
        "project": {
            "dependencies": ["numpy>=1.26"],
            "optional-dependencies": {
                "lab": ["graphviz>=0.20", "Jupytext>=1.16"],
                "gpu": ["cupy-cuda12x"],
            },
        }
    }
    env = {"dependencies": ["python>=3.10", "numpy", "graphviz", "jupytext"]}
    # The Python graphviz package is python-graphviz on conda-forge; graphviz there is `dot`.
    assert missing_from_conda(pyproject, env) == ["python-graphviz (from extra 'lab')"]
    env["dependencies"].append("python-graphviz >=0.20")
    assert missing_from_conda(pyproject, env) == []
    env["dependencies"].append("conda-forge::scipy")
    assert extra_in_conda(pyproject, env) == ["scipy"]


def test_pyproject_basics():
    pyproject = load_pyproject()
    project = pyproject["project"]
    assert project["name"] == "teachgrad"
    assert project["requires-python"] == ">=3.10"
    assert [Requirement(r).name for r in project["dependencies"]] == ["numpy"]
    assert set(project["optional-dependencies"]) >= {"lab", "test", "gpu", "datasets"}
    assert project["urls"]["Repository"].startswith("https://github.com/")
    assert pyproject["tool"]["setuptools"]["packages"]["find"]["include"] == ["teachgrad*"]


def test_lower_bounds_admit_colab():
    """Colab (2026-08): Python 3.13, numpy 2.1.3, matplotlib 3.10, graphviz 0.21,
    jupytext 1.19.5. Nothing we require may exclude those versions."""
    colab = {"numpy": "2.1.3", "matplotlib": "3.10.0", "graphviz": "0.21", "jupytext": "1.19.5"}
    project = load_pyproject()["project"]
    assert SpecifierSet(project["requires-python"]).contains("3.13")
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    for spec in reqs:
        req = Requirement(spec)
        version = colab.get(canonicalize_name(req.name))
        if version is not None:
            assert req.specifier.contains(version), f"{spec} excludes Colab's {version}"


def test_pytest_runs_notebooks_strictly():
    options = load_pyproject()["tool"]["pytest"]["ini_options"]
    addopts = " ".join(options["addopts"])
    assert "--nbval-lax" not in addopts
    assert re.search(r"(^|\s)--nbval(\s|$)", addopts)
    assert "--nbval-current-env" in addopts
    assert "--nbval-sanitize-with=tests/nbval_sanitize.cfg" in addopts
    assert options["testpaths"] == ["tests", "notebooks"]
    assert any(m.startswith("gpu:") for m in options["markers"])


# --- (b) jupytext pairs notebooks/ only --------------------------------------------------


def jupytext_config(root: Path = ROOT):
    from jupytext.config import load_jupytext_configuration_file

    return load_jupytext_configuration_file(str(root / "jupytext.toml"))


def pairing_problems(config, root: Path = ROOT) -> list[str]:
    problems = []
    for lesson in ("notebooks/01_numpy_backprop.md", "notebooks/01_numpy_backprop.ipynb"):
        for path in (lesson, str(root / lesson)):
            formats = config.default_formats(path) or ""
            if not ("ipynb" in formats and "md" in formats):
                problems.append(f"{path} is not paired as ipynb+md (formats={formats!r})")
    for other in ("README.md", "docs/notes.md", "notebooks/drafts/x.md", "tests/x.ipynb"):
        for path in (other, str(root / other)):
            formats = config.default_formats(path)
            if formats:
                problems.append(f"{path} would be paired (formats={formats!r})")
    return problems


def test_jupytext_pairs_notebooks_only():
    assert pairing_problems(jupytext_config()) == []


def test_jupytext_drops_its_version_from_headers():
    config = jupytext_config()
    assert config.notebook_metadata_filter == "-jupytext.text_representation.jupytext_version"


def test_pairing_check_catches_a_repo_wide_pairing():
    from jupytext.config import JupytextConfiguration

    problems = pairing_problems(JupytextConfiguration(formats="ipynb,md"))
    assert any(p.startswith("README.md would be paired") for p in problems)


def ipynb_outside_notebooks(root: Path = ROOT) -> list[str]:
    skip = {".venv", ".git", ".ipynb_checkpoints", "node_modules", "build"}
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in skip and not d.endswith(".egg-info")]
        rel = Path(dirpath).relative_to(root)
        if rel.parts[:1] == ("notebooks",):
            continue
        found += [str(rel / f) for f in filenames if f.endswith(".ipynb")]
    return sorted(found)


def test_no_notebook_outside_notebooks_dir():
    assert not (ROOT / "README.ipynb").exists()
    assert ipynb_outside_notebooks() == []


def test_stray_notebook_check_catches_readme_ipynb(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_x.ipynb").write_text("{}")
    assert ipynb_outside_notebooks(tmp_path) == []
    (tmp_path / "README.ipynb").write_text("{}")
    assert ipynb_outside_notebooks(tmp_path) == ["README.ipynb"]


# --- (c) CI runs the README's test command ------------------------------------------------


def pytest_command_lines(text: str) -> list[str]:
    """Non-comment lines that run pytest, stripped."""
    return [
        line.strip()
        for line in text.splitlines()
        if "-m pytest" in line and not line.strip().startswith("#")
    ]


def test_ci_runs_the_readme_test_command():
    ci = pytest_command_lines((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    readme = pytest_command_lines((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(ci) == 1, f".ci/run should run pytest on exactly one line, found {ci}"
    assert len(readme) == 1, f"README.md should show exactly one test command, found {readme}"
    assert ci == readme


def test_command_comparison_catches_a_drift():
    ci = pytest_command_lines("set -e\n.venv/bin/python -m pytest -x\n")
    readme = pytest_command_lines("```bash\n.venv/bin/python -m pytest\n```\n")
    assert ci != readme


def test_ci_script_is_strict_and_executable():
    script = ROOT / ".ci" / "run"
    text = script.read_text(encoding="utf-8")
    assert text.startswith(("#!/usr/bin/env bash\n", "#!/bin/bash\n"))
    assert "set -euo pipefail" in text
    assert "torch==2.13.0" in text
    assert re.search(r"pip install\s+torch(\s|$)", text) is None, "never an unpinned torch"
    if os.name == "posix":
        assert os.access(script, os.X_OK), ".ci/run must be executable (chmod +x)"
    result = subprocess.run(
        ["bash", "-n", str(script)], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_readme_lab_command_uses_the_shipped_settings():
    lines = [
        line.strip()
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if "jupyter lab" in line and "pip install" in line
    ]
    assert len(lines) == 1, lines
    assert 'JUPYTER_CONFIG_PATH="$PWD/jupyter-config"' in lines[0]
    assert '-e ".[lab]"' in lines[0]
    assert jupyter_config_problems(ROOT / "jupyter-config") == []


# --- (d) the shipped Jupyter settings -------------------------------------------------------

# Lessons are opened as .ipynb; their paired .md twins stay out of the file browser so that
# nobody has one lesson open twice (two kernels, and one save discarding the other's edit).
LESSON_MD_GLOB = "[0-9][0-9]_*.md"


def jupyter_config_problems(config_dir: Path) -> list[str]:
    """What is wrong with the settings that README's lab command puts on JUPYTER_CONFIG_PATH."""
    from fnmatch import fnmatch

    from jupyter_server.services.contents.manager import ContentsManager

    problems = []
    server_config = config_dir / "jupyter_server_config.json"
    if not server_config.is_file():
        return [f"{server_config} is missing"]
    globs = json.loads(server_config.read_text(encoding="utf-8"))
    globs = globs.get("ContentsManager", {}).get("hide_globs", [])
    if LESSON_MD_GLOB not in globs:
        problems.append(f"ContentsManager.hide_globs does not hide {LESSON_MD_GLOB}")
    # The setting replaces jupyter_server's list, so it must repeat it.
    lost = [g for g in ContentsManager().hide_globs if g not in globs]
    if lost:
        problems.append(f"ContentsManager.hide_globs drops jupyter_server's defaults {lost}")
    shown = [n for n in ("README.md", "01_x.ipynb") if any(fnmatch(n, g) for g in globs)]
    if shown:
        problems.append(f"ContentsManager.hide_globs hides {shown}")
    # A Markdown default viewer of "Jupytext Notebook" opened README.md as a notebook,
    # and autosave wrote a jupytext header into it.
    for overrides in sorted(config_dir.glob("labconfig/*.json")):
        if "Jupytext Notebook" in overrides.read_text(encoding="utf-8"):
            problems.append(f"{overrides.name} makes Jupytext Notebook a default viewer")
    return problems


def test_jupyter_config_check_catches_the_old_settings(tmp_path):
    (tmp_path / "labconfig").mkdir()
    (tmp_path / "labconfig" / "default_setting_overrides.json").write_text(
        json.dumps(
            {"@jupyterlab/docmanager-extension:plugin": {
                "defaultViewers": {"markdown": "Jupytext Notebook"}}}
        )
    )
    assert jupyter_config_problems(tmp_path) == [
        f"{tmp_path / 'jupyter_server_config.json'} is missing"
    ]
    hide = {"ContentsManager": {"hide_globs": ["*.md"]}}
    (tmp_path / "jupyter_server_config.json").write_text(json.dumps(hide))
    problems = jupyter_config_problems(tmp_path)
    assert len(problems) == 4, problems
    assert "does not hide" in problems[0] and "drops jupyter_server's defaults" in problems[1]
    assert "hides ['README.md']" in problems[2] and "Jupytext Notebook" in problems[3]


# --- (e) the lab extra runs every lesson -----------------------------------------------------

OWN_PACKAGE = "teachgrad"
IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(t, ast.Name) and t.id in IMPORT_ERRORS for t in types)


def _optional_import_nodes(tree: ast.AST) -> set[int]:
    """ids of the import statements the code can run without: inside a `try:` whose
    ImportError handler carries on (one that raises only rewords the error), or under
    `if TYPE_CHECKING:`."""
    guarded: list[ast.stmt] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            _catches_import_error(h) and not any(isinstance(n, ast.Raise) for n in ast.walk(h))
            for h in node.handlers
        ):
            guarded += node.body
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            guarded += node.body
    return {
        id(inner)
        for stmt in guarded
        for inner in ast.walk(stmt)
        if isinstance(inner, (ast.Import, ast.ImportFrom))
    }


def imported_modules(source: str, package: str = "") -> list[tuple[str, bool]]:
    """(dotted module name, optional?) for every import in `source`, at any depth (an
    import inside a function runs when the function does). Relative imports are
    resolved against `package`; `from p import name` also yields p.name, which is a
    module when p/name.py exists."""
    tree = ast.parse(source)
    optional = _optional_import_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in optional) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node.module, node.level, package)
            found.append((module, id(node) in optional))
            found += [(f"{module}.{alias.name}", id(node) in optional) for alias in node.names]
    return found


def _absolute(module: str | None, level: int, package: str) -> str:
    parts = package.split(".")[: len(package.split(".")) - level + 1] if level else []
    return ".".join([*parts, *([module] if module else [])])


def _own_module_files(module: str, package_root: Path) -> list[tuple[Path, str]]:
    """(file, the package it belongs to) for every file that `import module` runs: each
    package's __init__.py on the way down, then the module itself."""
    parts = module.split(".")
    files = []
    for depth in range(1, len(parts) + 1):
        base = package_root.joinpath(*parts[:depth])
        if (base / "__init__.py").is_file():
            files.append((base / "__init__.py", ".".join(parts[:depth])))
        elif base.with_suffix(".py").is_file():
            files.append((base.with_suffix(".py"), ".".join(parts[: depth - 1])))
    return files


def code_cell_sources(notebook) -> list[tuple[int, str]]:
    """(cell number, Python source) of each code cell; IPython's `%` and `!` lines become
    `pass`, so a magic inside an `if` still leaves valid Python."""
    cells = []
    for number, cell in enumerate(notebook.cells, 1):
        if cell.cell_type != "code":
            continue
        lines = [
            line[: len(line) - len(line.lstrip())] + "pass"
            if line.lstrip().startswith(("%", "!"))
            else line
            for line in cell.source.splitlines()
        ]
        cells.append((number, "\n".join(lines)))
    return cells


def required_modules(sources: list[tuple[str, str]], package_root: Path = ROOT) -> dict[str, str]:
    """Top-level module -> a place that needs it, for every non-optional import of a module
    outside the standard library, in `sources` ((place, code) pairs) and in every module of
    our own package that they reach."""
    needed: dict[str, str] = {}
    queue = [(where, where, code, "") for where, code in sources]
    seen: set[Path] = set()
    while queue:
        where, origin, code, package = queue.pop(0)
        for module, optional in imported_modules(code, package):
            top = module.split(".")[0]
            if top != OWN_PACKAGE:
                if not optional and top not in sys.stdlib_module_names:
                    needed.setdefault(top, where)
                continue
            for path, inner in _own_module_files(module, package_root):
                if path not in seen:
                    seen.add(path)
                    label = f"{path.relative_to(package_root).as_posix()}, reached from {origin}"
                    queue.append((label, origin, path.read_text(encoding="utf-8"), inner))
    return needed


def lesson_modules(md: Path, package_root: Path = ROOT) -> dict[str, str]:
    notebook = jupytext.read(md)
    sources = [(f"{md.name} cell {n}", code) for n, code in code_cell_sources(notebook)]
    return required_modules(sources, package_root)


def lab_extra_problems(needed: dict[str, str], pyproject: dict, distributions) -> list[str]:
    """Modules in `needed` that `pip install -e ".[lab]"` would not install. `distributions`
    maps a top-level module to the distributions providing it, as
    importlib.metadata.packages_distributions() does."""
    project = pyproject["project"]
    installed = [*project.get("dependencies", []), *project["optional-dependencies"]["lab"]]
    allowed = {canonicalize_name(Requirement(r).name) for r in installed}
    problems = []
    for module, where in sorted(needed.items()):
        providers = {canonicalize_name(d) for d in distributions.get(module, [])}
        if not providers:
            problems.append(f"{where} imports {module}, which nothing installed here provides")
        elif not providers & allowed:
            problems.append(
                f"{where} imports {module} (from {', '.join(sorted(providers))}), which the lab "
                "extra does not install: add it to [project.optional-dependencies] lab"
            )
    return problems


LESSON_MDS = sorted((ROOT / "notebooks").glob("*.md"))


@pytest.mark.parametrize("md", LESSON_MDS, ids=[p.stem for p in LESSON_MDS])
def test_lab_extra_installs_what_the_lesson_imports(md):
    from importlib.metadata import packages_distributions

    needed = lesson_modules(md)
    assert lab_extra_problems(needed, load_pyproject(), packages_distributions()) == []


def _fake_lesson(tmp_path: Path, code: str) -> Path:
    md = tmp_path / "01_fake.md"
    md.write_text(
        '```python\nimport sys\n\nif "google.colab" in sys.modules:\n    %pip install -q x\n```\n'
        f"\nSome prose.\n\n```python\n{code}\n```\n",
        encoding="utf-8",
    )
    return md


def test_lab_extra_check_catches_a_missing_package(tmp_path):
    from importlib.metadata import packages_distributions

    pyproject = {"project": {"dependencies": ["numpy>=1.26"], "optional-dependencies": {
        "lab": ["matplotlib>=3.8"]}}}
    lesson = _fake_lesson(tmp_path, "import os\nimport numpy as np\nfrom sklearn import datasets")
    needed = lesson_modules(lesson)
    assert needed == {"numpy": "01_fake.md cell 3", "sklearn": "01_fake.md cell 3"}
    problems = lab_extra_problems(needed, pyproject, packages_distributions())
    assert problems == [
        "01_fake.md cell 3 imports sklearn (from scikit-learn), which the lab extra does not "
        "install: add it to [project.optional-dependencies] lab"
    ]
    pyproject["project"]["optional-dependencies"]["lab"].append("scikit-learn>=1.3")
    assert lab_extra_problems(needed, pyproject, packages_distributions()) == []
    assert lab_extra_problems({"nosuchmodule": "x"}, pyproject, {}) == [
        "x imports nosuchmodule, which nothing installed here provides"
    ]


def test_lab_extra_check_follows_teachgrad_and_allows_optional_imports(tmp_path):
    """Issue 13's case: lesson 09 imports only teachgrad, whose datasets module imports
    scikit-learn inside load_digits (a handler that re-raises still needs it). An import
    whose ImportError handler carries on, like lesson 09's torch, is optional."""
    package = tmp_path / "teachgrad"
    package.mkdir()
    (package / "__init__.py").write_text("from . import datasets\nfrom .core import x\n")
    (package / "core.py").write_text("import numpy\nx = 1\n")
    (package / "datasets.py").write_text(
        "def load():\n    try:\n        import sklearn\n"
        "    except ImportError:\n        raise ModuleNotFoundError('install it') from None\n"
    )
    lesson = _fake_lesson(
        tmp_path, "import teachgrad\ntry:\n    import torch\nexcept ImportError:\n    torch = None"
    )
    assert lesson_modules(lesson, tmp_path) == {
        "numpy": "teachgrad/core.py, reached from 01_fake.md cell 3",
        "sklearn": "teachgrad/datasets.py, reached from 01_fake.md cell 3",
    }
    # The real teachgrad, with the lab extra that issue 13 found lacking scikit-learn.
    from importlib.metadata import packages_distributions

    pyproject = load_pyproject()
    lab = pyproject["project"]["optional-dependencies"]["lab"]
    lab[:] = [r for r in lab if Requirement(r).name != "scikit-learn"]
    needed = lesson_modules(_fake_lesson(tmp_path, "import teachgrad.datasets"))
    problems = lab_extra_problems(needed, pyproject, packages_distributions())
    assert problems and all("sklearn" in p for p in problems), problems


# --- the nbval sanitize file --------------------------------------------------------------


def sanitize(text: str) -> str:
    from nbval.plugin import get_sanitize_patterns

    patterns = get_sanitize_patterns(
        (ROOT / "tests" / "nbval_sanitize.cfg").read_text(encoding="utf-8")
    )
    assert patterns, "no regex/replace pairs found in tests/nbval_sanitize.cfg"
    for regex, replace in patterns:
        text = re.sub(regex, replace, text)
    return text


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("<object object at 0x7f3a2b1c0d10>", "<object object at 0x7fe0aa123450>"),
        ("<function f at 0x10b2c3d40>", "<function f at 0x7f00deadbeef>"),
        ("epoch 3 took 1.52 s", "epoch 3 took 0.98 s"),
        ("step: 412 µs", "step: 1.3 ms"),
        ("Wall time: 2.1 s", "Wall time: 812 ms"),
        (
            "1.23 µs ± 45.6 ns per loop (mean ± std. dev. of 7 runs, 1,000,000 loops each)",
            "980 ns ± 12 ns per loop (mean ± std. dev. of 7 runs, 100,000 loops each)",
        ),
        (
            "100%|##########| 50/50 [00:02<00:00, 24.1it/s]",
            "100%|##########| 50/50 [00:01<00:00, 38.0it/s]",
        ),
    ],
)
def test_sanitize_masks_addresses_and_timings(first, second):
    assert first != second
    assert sanitize(first) == sanitize(second)


@pytest.mark.parametrize(
    "text",
    [
        "tensor([1., 2., 3.], requires_grad=True)",
        "tensor(0.5000, grad_fn=<MulBackward0>)",
        "teachgrad.Size([3, 4])",
        "loss 0.1234 after 10 steps",
        "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 2",
        "{'lr': 0.01, 'momentum': 0.9}",
        "x = 0x1f",
    ],
)
def test_sanitize_leaves_other_output_alone(text):
    assert sanitize(text) == text
