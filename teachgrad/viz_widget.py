"""Showing a BackwardStepper in a notebook: a slider where widgets run, frames where not.

ipywidgets is optional (JupyterLab needs it installed; Colab ships it). With it, the
learner gets Prev/Next buttons and a slider that redraw the backward view for the
chosen step. Without it, or with interactive=False, every step is shown in turn as
its text and its drawing: plain outputs that nbval compares (the text) or skips (the
PNG), the same on every run.
"""

from __future__ import annotations

import html
from typing import Any

import graphviz

from teachgrad.viz_drawing import INSTALL_HINT


def ipywidgets_module() -> Any:
    """ipywidgets, or None where it is not installed (looked up on each call, not cached)."""
    try:
        import ipywidgets
    except ImportError:
        return None
    return ipywidgets


def show(stepper: Any, interactive: bool | None = None) -> Any:
    """Display the stepper; return the widget when one was made (else None)."""
    try:
        from IPython.display import display
    except ImportError:  # plain Python, no notebook: the words are all we can show
        print(stepper.text())
        return None
    if interactive is None:
        interactive = ipywidgets_module() is not None
    if interactive and len(stepper):
        widget = stepper_widget(stepper)
        display(widget)
        return widget
    for number in range(1, len(stepper) + 1):
        # Text as a display output, not print(): JupyterLab and nbclient group print()
        # streams differently, and the stored notebook should not depend on who ran it.
        display({"text/plain": stepper.text(number)}, raw=True)
        display(stepper.frame(number, caption=False))
    return None


def stepper_widget(stepper: Any) -> Any:
    """A slider, Prev/Next buttons, the step's text and its drawing, kept in step."""
    widgets = ipywidgets_module()
    if widgets is None:
        raise ImportError("the interactive stepper needs ipywidgets: pip install ipywidgets "
                          "(or call show(interactive=False) for every step in turn)")
    count = len(stepper)
    slider = widgets.IntSlider(value=1, min=1, max=count, description="step",
                               continuous_update=False)
    back = widgets.Button(description="Prev", icon="arrow-left")
    forward = widgets.Button(description="Next", icon="arrow-right")
    words = widgets.HTML()
    # Natural size: left to the flex box, the picture would be stretched to full width.
    picture = widgets.Image(format="png", layout=widgets.Layout(width="auto", height="auto"))
    fallback = widgets.HTML()  # the DOT text, when Graphviz's dot program is missing
    cache: dict[int, bytes | None] = {}

    def redraw(change: Any = None) -> None:
        number = slider.value
        words.value = f"<pre>{html.escape(stepper.text(number))}</pre>"
        if number not in cache:
            cache[number] = _png(stepper.frame(number, caption=False))
        if cache[number] is None:
            fallback.value = f"<pre>{html.escape(INSTALL_HINT)}</pre>"
        else:
            picture.value = cache[number]
        back.disabled, forward.disabled = number == 1, number == count

    def move(by: int) -> Any:
        return lambda _: setattr(slider, "value", min(count, max(1, slider.value + by)))

    back.on_click(move(-1))
    forward.on_click(move(+1))
    slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([back, slider, forward]), words, picture, fallback],
                        layout=widgets.Layout(align_items="flex-start"))


def _png(drawing: Any) -> bytes | None:
    try:
        return drawing.pipe(format="png")
    except graphviz.ExecutableNotFound:
        return None
