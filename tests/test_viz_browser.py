"""The interactive stepper in a real JupyterLab, driven by headless Chromium (slow).

Starts JupyterLab on a free port in a temporary folder holding one notebook, opens it
in Chromium through Playwright, runs the cell and clicks Next. Needs Debian's chromium
(/usr/bin/chromium), `pip install playwright` (its own browser download is not used)
and ipywidgets; skipped with the reason when one of them is missing, except in CI
(.ci/run sets TEACHGRAD_REQUIRE_BROWSER=1), where a missing piece fails it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow

# .ci/run sets this: there the test must run, so a missing piece is a failure, not a skip.
REQUIRED = os.environ.get("TEACHGRAD_REQUIRE_BROWSER") == "1"


def missing(what: str) -> None:
    """Skip the module for `what`, or fail it where CI requires the browser test."""
    if REQUIRED:
        pytest.fail(f"TEACHGRAD_REQUIRE_BROWSER=1 but {what}", pytrace=False)
    pytest.skip(what, allow_module_level=True)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    missing("headless Chromium is not installed (apt-get install -y chromium)")
try:
    from playwright import sync_api
except ImportError:
    missing("playwright is not installed (pip install playwright)")
try:
    import ipywidgets  # noqa: F401 - the interactive stepper needs it
except ImportError:
    missing("the interactive stepper needs ipywidgets (pip install ipywidgets)")
nbformat = pytest.importorskip("nbformat")

CELL = """\
import teachgrad
from teachgrad.viz import step_backward

x = teachgrad.tensor([1., 2.], requires_grad=True)
w = teachgrad.tensor([3., 4.], requires_grad=True)
y = ((x * w).relu() + x).sum()
step_backward(y, names={"x": x, "w": w})"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, tmp_path / "stepper.ipynb")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
         f"--port={port}", "--IdentityProvider.token=", f"--ServerApp.root_dir={tmp_path}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_next_and_prev_redraw_the_step_in_jupyterlab(lab):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        try:
            drive(page, lab)
        finally:  # what the page showed, to look at when the test fails
            page.screenshot(path=str(_screenshot_path()))
            browser.close()


def drive(page, lab: str) -> None:
    """Open the notebook, run its cell, step with Next and Prev."""
    page.goto(f"{lab}/lab/tree/stepper.ipynb", timeout=60_000)
    editor = page.locator(".jp-Cell .jp-InputArea-editor").first
    editor.wait_for(timeout=60_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
        timeout=60_000)
    words = page.locator(".widget-html pre").first
    # A cell run just after the kernel reports idle can be dropped while Lab is still
    # connecting to it: run again until the widget appears, three tries at most.
    for attempt in range(3):
        try:
            dialog = page.locator(".jp-Dialog")  # Lab may ask which kernel to start
            if dialog.count():
                dialog.get_by_role("button", name="Select").click(timeout=5_000)
            page.get_by_text("Run", exact=True).first.click(timeout=5_000)
            page.get_by_text("Run All Cells", exact=True).click(timeout=5_000)
            words.wait_for(timeout=20_000)
            break
        except sync_api.Error:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")  # close a menu left open
    assert "step 1 of 6: SumBackward0" in words.inner_text()
    page.get_by_role("button", name="Next").click()
    page.get_by_text("step 2 of 6: AddBackward0").wait_for(timeout=10_000)
    page.get_by_role("button", name="Next").click()
    page.get_by_text("step 3 of 6: ReluBackward0").wait_for(timeout=10_000)
    page.get_by_role("button", name="Prev").click()
    page.get_by_text("step 2 of 6: AddBackward0").wait_for(timeout=10_000)
    if shutil.which("dot"):
        image = page.locator(".jp-OutputArea img").first
        assert image.bounding_box()["height"] > 100  # the frame was drawn


def _screenshot_path():
    import tempfile
    from pathlib import Path

    return Path(tempfile.gettempdir()) / "teachgrad_stepper_in_lab.png"
