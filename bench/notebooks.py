"""Benchmark 4: wall time of the whole lesson suite under strict nbval, as CI runs it.

    python bench/notebooks.py

Runs `python -m pytest notebooks/` (pyproject.toml adds --nbval and its options) from
the repository root and prints the total and each notebook's time.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> float:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    print(f"{len(notebooks)} notebooks under strict nbval, one after another")
    total = 0.0
    for notebook in notebooks:
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             str(notebook.relative_to(ROOT))],
            cwd=ROOT, capture_output=True, text=True,
        )
        seconds = time.perf_counter() - start
        total += seconds
        status = "passed" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        print(f"  {notebook.name:<28}{seconds:7.1f} s  {status}")
    print(f"  total{'':<23}{total:7.1f} s  (target: under 180 s on 2 cores)")
    return total


if __name__ == "__main__":
    main()
