#!/usr/bin/env python3
"""Draw README's three pictures of autograd (teachgrad.viz) into docs/pictures/:

    .venv/bin/python tools/viz_pictures.py [FOLDER]

forward_view.png   the graph as written: tensors (shape, values, grad) and ops;
backward_view.png  the graph backward runs: grad_fn nodes, arrows along the gradients;
stepper_step.png   one frame of step_backward: the node the engine runs at step 4.

The example uses x twice, so the pictures also show two gradients adding up in x.grad.
Needs Graphviz's `dot` program.
"""

from __future__ import annotations

import sys
from pathlib import Path

import teachgrad
from teachgrad.viz import backward_view, forward_view, step_backward

FOLDER = Path(__file__).resolve().parents[1] / "docs" / "pictures"
STEP = 4


def example() -> tuple:
    x = teachgrad.tensor([1.0, -2.0], requires_grad=True)
    w = teachgrad.tensor([3.0, 4.0], requires_grad=True)
    y = ((x * w).relu() + x).sum()
    return x, w, y


def draw(folder: Path = FOLDER) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    x, w, y = example()
    names = {"x": x, "w": w, "y": y}
    pictures = {"backward_view": backward_view(y, names=names)}
    steps = step_backward(y, names=names, retain_graph=True)  # fills x.grad and w.grad
    pictures["forward_view"] = forward_view(y, names=names)  # drawn after: shows .grad
    pictures["stepper_step"] = steps.frame(STEP)
    written = []
    for name, drawing in pictures.items():
        path = folder / f"{name}.png"
        path.write_bytes(drawing.pipe(format="png"))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in draw(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER):
        print(path)
