"""The code style rule that a linter can check: ruff is clean on the whole repository.

The rules live in pyproject.toml ([tool.ruff]); notebooks are linted too, with the
exceptions their exercise cells need.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def ruff_command() -> list[str]:
    try:
        import ruff  # noqa: F401 - only to know the module is there
    except ImportError:
        executable = shutil.which("ruff")
        if executable is None:
            pytest.skip('ruff is not installed: pip install -e ".[test]"')
        return [executable]
    return [sys.executable, "-m", "ruff"]


def test_ruff_finds_nothing() -> None:
    result = subprocess.run([*ruff_command(), "check", "--no-cache", "--output-format", "concise",
                             str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, f"ruff found problems:\n{result.stdout}{result.stderr}"
