"""Statements in the lessons' prose that were once false stay true (project issue 13).

Each check reads a lesson's .md (the source of truth) and returns what is wrong with
it; the tests assert that the lessons give no problems, and that each check does
find the problem in the old wording, so that none of them passes vacuously:
- the cost of the backward pass (01 section 3, 03's introduction);
- lesson 01's network as 02 and 05 describe it: same sizes, start and learning rate;
- what teachgrad's printed ReLU and matrix-product backward do (01, look inside);
- saving, and what a failed load_state_dict leaves behind (07 section 4);
- lesson 06's copy of lesson 01's network: lesson 01's problem, and lesson 05's curve.

The tests named test_printed_* compare a number in the prose with what the cell
printed in the committed .ipynb, so they pass only once the lesson has been
re-executed after its .md changed.
"""

from __future__ import annotations

import importlib
import inspect
import json
import linecache
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import teachgrad

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CODE_BLOCK = re.compile(r"^```python\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
SIZES = re.compile(r"^N, D_in, H, D_out = ([\d, ]+)", re.MULTILINE)
# Internals of autograd that lesson 01 must explain wherever it prints them.
INTERNALS = ("_GradState", "Tensor._make", "Node")


def md(name: str) -> str:
    return (NOTEBOOKS / f"{name}.md").read_text()


def section(text: str, title: str) -> str:
    """The text from the '## ...title' heading to the next '## ' heading."""
    match = re.search(rf"^## [^\n]*{re.escape(title)}.*?(?=^## |\Z)", text,
                      re.MULTILINE | re.DOTALL)
    assert match, f"no section titled {title!r}"
    return match.group(0)


def prose(text: str) -> str:
    """Markdown without code blocks, each run of whitespace made one space."""
    return " ".join(CODE_BLOCK.sub(" ", text).split())


def code(text: str) -> str:
    return "\n".join(CODE_BLOCK.findall(text))


def squeeze(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------- phrases that were false

FALSE_PHRASES = {
    # Two products per layer are twice the forward's one, not "about as much".
    "01_numpy_backprop": ["about as much as the forward pass"],
    "04_autograd": ["about as much as the forward pass"],
    # Lesson 01's network has 100 inputs and 50 hidden units.
    "03_tensors": ["1000 features", "hidden layer of 100"],
    "06_modules": ["1000 inputs", "100 hidden units"],
    "07_convnets": [# teachgrad.save / teachgrad.load exist (teachgrad/serialization.py).
                    "no file format of its own", "np.savez",
                    # True of teachgrad only: torch copies what fits before raising.
                    "Loading checks the names and shapes before copying anything"],
}


def false_phrases(text: str, phrases: list[str]) -> list[str]:
    flat = prose(text).lower()
    return [phrase for phrase in phrases if squeeze(phrase).lower() in flat]


@pytest.mark.parametrize("name", sorted(FALSE_PHRASES))
def test_false_statements_stay_out(name: str) -> None:
    assert false_phrases(md(name), FALSE_PHRASES[name]) == []


def test_false_phrase_check_finds_the_old_wording() -> None:
    old = ("Notice that the backward pass costs about as much as the forward pass: two\n"
           "matrix products per layer instead of one.")
    assert false_phrases(old, FALSE_PHRASES["01_numpy_backprop"]) == [
        "about as much as the forward pass"]


# ------------------------------------------------------- lesson 01's network, elsewhere


def sizes(text: str) -> tuple[int, ...] | None:
    """N, D_in, H, D_out as the first code line that sets them says."""
    match = SIZES.search(code(text))
    return tuple(int(size) for size in match.group(1).split(",")) if match else None


def network_problems(lesson01: str, other: str, *, training: bool) -> list[str]:
    """How other's copy of lesson 01's network differs from lesson 01's."""
    ours, theirs = sizes(lesson01), sizes(other)
    if not (ours and theirs):
        return ["no 'N, D_in, H, D_out = ...' line"]
    problems = []
    if theirs != ours:
        problems.append(f"sizes {theirs}, lesson 01 has {ours}")
    if training:  # 02 says: same start, learning rate and number of steps as well
        rate = re.search(r"train\(learning_rate=([^,)]+)\)", lesson01).group(1)
        steps = re.search(r"def train\(learning_rate, steps=(\d+)\)", lesson01).group(1)
        if not re.search(rf"^learning_rate = {re.escape(rate)}$", other, re.MULTILINE):
            problems.append(f"learning rate is not lesson 01's {rate}")
        if f"for step in range({steps}):" not in other:
            problems.append(f"not lesson 01's {steps} steps")
        if "/ D_in**0.5" not in other or "/ H**0.5" not in other:
            problems.append("weights not scaled by 1/sqrt(fan-in) as in lesson 01")
    return problems


@pytest.mark.parametrize(("name", "title", "training"), [
    ("06_modules", "`nn.Sequential`", False),
])
def test_lesson01_network_comes_back_as_it_was(name: str, title: str, training: bool) -> None:
    lesson01 = md("01_numpy_backprop")
    assert network_problems(lesson01, section(md(name), title), training=training) == []


def shared_problem_problems(text: str, previous: str) -> list[str]:
    """How a section that brings lesson 01's network back strays from two_layer's problem.

    It must take lesson 01's data, weights, learning rate and steps from
    teachgrad.exercises.two_layer (float64 tensors by from_numpy), draw its curve over
    lesson `previous`'s, and draw no random numbers of its own.
    """
    body = code(text)
    problems = []
    for needed, why in [("two_layer.problem()", "does not take lesson 01's data and weights"),
                        ("teachgrad.from_numpy(", "does not keep them as float64 (from_numpy)"),
                        ("two_layer.LEARNING_RATE", "does not use lesson 01's learning rate"),
                        ("range(two_layer.STEPS)", "does not take lesson 01's number of steps"),
                        (f'two_layer.curve("{previous}")',
                         f"does not draw over lesson {previous}'s curve")]:
        if needed not in body:
            problems.append(why)
    if re.search(r"\b(randn|rand|manual_seed)\(", body):
        problems.append("draws random numbers of its own")
    return problems


@pytest.mark.parametrize(("name", "title", "previous"), [
    ("03_tensors", "Lesson 01's network, written with tensors", "01"),
    ("05_custom_functions", "A first Function: ReLU", "04"),
    ("04_autograd", "lesson 01's network with autograd", "03"),
])
def test_lesson01_network_comes_back_with_lesson01s_problem(name: str, title: str,
                                                            previous: str) -> None:
    assert shared_problem_problems(section(md(name), title), previous) == []
    # and the numbers two_layer hands out are lesson 01's own
    from teachgrad.exercises import two_layer

    lesson01 = md("01_numpy_backprop")
    assert sizes(lesson01) == (two_layer.N, two_layer.D_IN, two_layer.H, two_layer.D_OUT)
    assert float(re.search(r"train\(learning_rate=([^,)]+)\)", lesson01).group(1)) \
        == two_layer.LEARNING_RATE
    assert f"def train(learning_rate, steps={two_layer.STEPS})" in lesson01


def test_shared_problem_check_finds_the_old_copy() -> None:
    old = ("```python\nN, D_in, H, D_out = 64, 100, 50, 10\nlearning_rate = 1e-3\n\n"
           "teachgrad.manual_seed(0)\nx = teachgrad.randn(N, D_in).to(device)\n"
           "for step in range(300):\n    pass\n```\n")
    assert len(shared_problem_problems(old, "01")) == 6


def test_network_check_finds_the_old_copy() -> None:
    old = ("```python\nN, D_in, H, D_out = 64, 1000, 100, 10\nlearning_rate = 1e-6\n\n"
           "w1 = teachgrad.randn(D_in, H)\nfor step in range(500):\n    pass\n```\n")
    problems = network_problems(md("01_numpy_backprop"), old, training=True)
    assert len(problems) == 4, problems


# ------------------------------------------------------- lesson 01: look inside teachgrad


def printed_objects(text: str) -> list[Any]:
    """What the section's cells pass to inspect.getsource, imported as they import it."""
    body = code(text)
    names = {name.strip(): module
             for module, imported in re.findall(r"^from ([\w.]+) import ([\w, ]+)$", body,
                                                re.MULTILINE)
             for name in imported.split(",")}
    printed = []
    for target in re.findall(r"inspect\.getsource\(([\w.]+)\)", body):
        head, *rest = target.split(".")
        value = getattr(importlib.import_module(names[head]), head)
        for attribute in rest:
            value = getattr(value, attribute)
        printed.append(value)
    return printed


def executed_lines(functions: list[Callable], run: Callable[[], Any]) -> set[str]:
    """The source lines of functions that run() executes, stripped."""
    codes = {inspect.unwrap(function).__code__ for function in functions}
    seen: set[str] = set()

    def in_function(frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            seen.add(linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip())
        return in_function

    def on_call(frame: Any, event: str, arg: Any) -> Any:
        return in_function if frame.f_code in codes else None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        run()
    finally:
        sys.settrace(previous)
    return seen


def functions_in(printed: list[Any]) -> list[Callable]:
    """The printed functions, and the methods of the printed classes."""
    functions = []
    for value in printed:
        if inspect.isclass(value):
            functions += [getattr(value, name) for name, member in vars(value).items()
                          if isinstance(member, staticmethod) or inspect.isfunction(member)]
        else:
            functions.append(value)
    return functions


def lesson01_backward() -> None:
    """Section 6's step: float64 data, two weights that require grad, mm-relu-mm.

    In the reference mode: the lesson prints the reference code (the reading path),
    and says that the default fast mode runs an array copy of it with equal numbers.
    """
    rng = np.random.default_rng(0)
    x, y = teachgrad.from_numpy(rng.standard_normal((6, 5))), teachgrad.zeros(6, 2)
    w1 = teachgrad.tensor(rng.standard_normal((5, 4)), requires_grad=True)
    w2 = teachgrad.tensor(rng.standard_normal((4, 2)), requires_grad=True)
    with teachgrad.fast.reference_mode():
        (x.mm(w1).relu().mm(w2) - y).pow(2).sum().backward()


def look_inside_problems(text: str, before: str, printed: list[Any]) -> list[str]:
    """Where the look-inside prose and the source it prints disagree.

    text is the section, before the lesson up to it (the learner's own formulas),
    printed the objects whose source the section prints.
    """
    words = prose(text)
    sources = [inspect.getsource(value) for value in printed]
    shown = squeeze("\n".join(sources))
    problems = [f"prints {len(s.splitlines())} lines in one cell (at most 40)"
                for s in sources if len(s.splitlines()) > 40]
    # Internals: explained where printed, not talked about where not.
    for name in INTERNALS:
        in_source = re.search(rf"\b{re.escape(name)}\b", shown) is not None
        in_prose = re.search(rf"`[^`]*\b{re.escape(name)}\b[^`]*`", words) is not None
        if in_source != in_prose:
            problems.append(f"{name} is {'' if in_source else 'not '}printed but "
                            f"{'not ' if not in_prose else ''}explained")
    # Expressions in backticks quote the printed source or the lesson's own code.
    for span in re.findall(r"`([^`]*[*@>][^`]*)`", words):
        if squeeze(span) not in shown and squeeze(span) not in squeeze(before):
            problems.append(f"`{span}` is neither in the printed source nor earlier")
    if "rather than arrays" in words and "._array" in shown:
        problems.append("says backward works on tensors, but the printed code uses ._array")
    # 'X is our Y' / 'X (our Y)': X must be a line that ran in section 6's backward.
    ran = squeeze("\n".join(executed_lines(functions_in(printed), lesson01_backward)))
    for span in re.findall(r"`([^`]+)`,? (?:is our|\(our|which is our)", words):
        if squeeze(span) not in ran:
            problems.append(f"`{span}` is not a line that ran for lesson 01's network")
    return problems


def test_lesson01_look_inside_says_what_the_printed_code_does() -> None:
    text = md("01_numpy_backprop")
    inside = section(text, "Look inside teachgrad")
    printed = printed_objects(inside)
    assert printed, "the section prints no source"
    assert look_inside_problems(inside, text[:text.index(inside)], printed) == []


OLD_LOOK_INSIDE = """## 8. Look inside teachgrad

```python
from teachgrad.ops.unary import Relu

print(inspect.getsource(Relu))
```

`forward` computes `max(x, 0)` and saves its result for later. `backward` receives
the gradient and returns `grad * (result > 0)`, which is our `grad_h_relu * (h > 0)`.
teachgrad's backward works on tensors rather than arrays.

```python
from teachgrad.ops.linalg import MatMul

print(inspect.getsource(MatMul.backward))
```

Find `grad @ b_matrix.transpose(-1, -2)` (our `grad_C @ B.T`).
"""


def test_look_inside_check_finds_the_old_wording() -> None:
    before = md("01_numpy_backprop").split("## 8.")[0]
    problems = look_inside_problems(OLD_LOOK_INSIDE, before, printed_objects(OLD_LOOK_INSIDE))
    text = "\n".join(problems)
    # (Relu's source no longer touches _GradState, and its comment now quotes
    # `grad * (result > 0)`: the old text's other two faults are gone from the source.)
    for expected in ("Tensor._make is printed but not explained",
                     "Node is printed but not explained",
                     "uses ._array",
                     "`grad @ b_matrix.transpose(-1, -2)` is not a line that ran"):
        assert expected in text, problems


# ------------------------------------------------------- lesson 07: saving and loading


def saving_problems(text: str) -> list[str]:
    words = prose(section(text, "Saving and restoring"))
    problems = [f"does not mention {name}" for name in ("teachgrad.save", "teachgrad.load")
                if f"`{name}(" not in words]
    sentences = re.split(r"(?<=\.) ", words)

    def said(*parts: str) -> bool:
        return any(all(part in sentence for part in parts) for sentence in sentences)

    # Both libraries raise; they differ in what the model holds afterwards.
    if not said("teachgrad", "load_state_dict", "before it copies"):
        problems.append("does not say that teachgrad checks before it copies")
    if not said("PyTorch", "load_state_dict", "copies", "before it raises"):
        problems.append("does not say that torch's load_state_dict copies before raising")
    return problems


def test_lesson07_saving_matches_teachgrad() -> None:
    assert callable(teachgrad.save) and callable(teachgrad.load)
    assert saving_problems(md("07_convnets")) == []


def test_saving_check_finds_the_old_wording() -> None:
    old = ("## 10. Saving and restoring: `state_dict()`\n\n(teachgrad has no file format of"
           " its own: use `np.savez`.)\nLoading checks the names and shapes before copying"
           " anything:\n\nIt is what you save to disk (PyTorch writes it with `torch.save`),"
           " and `load_state_dict` copies such a dictionary back into a model.\n")
    assert saving_problems(old) == [
        "does not mention teachgrad.save", "does not mention teachgrad.load",
        "does not say that teachgrad checks before it copies",
        "does not say that torch's load_state_dict copies before raising"]


# ----------------------------------------- numbers in the prose, as the cells printed them


def printed_output(name: str, marker: str) -> str:
    """The stream output of the committed .ipynb cell whose source contains marker."""
    cells = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text())["cells"]
    for cell in cells:
        if cell["cell_type"] == "code" and marker in "".join(cell["source"]):
            return "".join("".join(out.get("text", "")) for out in cell.get("outputs", []))
    pytest.fail(f"{name}.ipynb has no cell with {marker!r}: re-execute the lesson from its .md")


def markdown_after(name: str, marker: str) -> str:
    """The prose between the .md code cell that contains marker and the next code cell."""
    text = md(name)
    start = text.index(marker)
    end = text.index("```\n", start) + 4
    following = text.find("```python", end)
    return squeeze(text[end:following if following != -1 else None])


@pytest.mark.parametrize(("name", "marker", "in_prose", "printed"), [
    # 01 section 3: the cost ratio and the number of derivatives.
    ("01_numpy_backprop", "backward_cost =", "only 1.09 times the forward pass",
     "backward / forward multiplications: 1.09"),
    ("01_numpy_backprop", "backward_cost =", "all 5500 derivatives",
     "derivatives from one backward pass: 5500"),
    # 03 section 12: where the loss starts, how far it falls, and lesson 01's curve again.
    # 05 section 1: MyReLU's curve against lesson 04's, the same to the bit.
    ("05_custom_functions", 'lesson04_losses = two_layer.curve("04")',
     "the largest difference is 0.0",
     "largest difference between the two loss curves, over 300 steps: 0.0"),
    ("03_tensors", "orders of magnitude it fell", "a loss of about 893",
     "loss at the start: 893"),
    ("03_tensors", "orders of magnitude it fell", "more than 7 orders of magnitude",
     "orders of magnitude it fell, at least: 7"),
    ("03_tensors", 'lesson01 = two_layer.curve("01")', "The curves lie on top of each other",
     "largest relative gap below 1e-9: True"),
    # 04 section 11: lesson 01's network with autograd, over lesson 03's curve.
    ("04_autograd", "for step in range(two_layer.STEPS)", "The loss starts at 893",
     "step   0  loss 893"),
    ("04_autograd", 'lesson03 = two_layer.curve("03")', "The gap is 0.0e+00",
     "largest relative gap from lesson 03's curve: 0.0e+00"),
    # 04 section 13: the stepper's order and a's three gradients, as the frames print them.
    ("04_autograd", "steps = step_backward(", "ran once, at step 7, with their sum 1.",
     "AccumulateGrad of q, MulBackward0, AccumulateGrad of a, AccumulateGrad of p"),
])
def test_printed_number_is_the_one_in_the_prose(name: str, marker: str, in_prose: str,
                                                printed: str) -> None:
    assert in_prose in markdown_after(name, marker)
    assert printed in printed_output(name, marker)


def test_printed_sizes_of_lesson06_sequential_are_lesson01s() -> None:
    _, d_in, hidden, d_out = sizes(md("01_numpy_backprop"))
    shown = printed_output("06_modules", "model = nn.Sequential(")
    # Lesson 01's network has no biases, and neither has 06's copy of it.
    assert f"Linear(in_features={d_in}, out_features={hidden}, bias=False)" in shown
    assert f"Linear(in_features={hidden}, out_features={d_out}, bias=False)" in shown


def test_printed_failed_load_left_the_model_as_it_was() -> None:
    # 07 section 4 says so; the cell prints whether the model still computes the same.
    shown = printed_output("07_convnets", "# still the trained values")
    assert shown.splitlines()[-1] == "True"


# ------------------------------------------- lesson 06: lesson 01's network, as modules


def test_lesson06_brings_back_lesson01s_problem() -> None:
    # Section 3 builds the network from two_layer.problem(); section 7 trains it.
    text = md("06_modules")
    both = section(text, "`nn.Sequential`") + section(text, "Training lesson 01's network")
    assert shared_problem_problems(both, "05") == []


def test_printed_first_loss_of_lesson06_is_lesson01s() -> None:
    # 06 section 5: the summed loss, computed two ways, and lesson 01's first loss.
    shown = printed_output("06_modules", 'criterion = nn.MSELoss(reduction="sum")')
    first = shown.splitlines()[0].split()
    assert len(first) == 3 and len(set(first)) == 1, first
    assert "is the first loss lesson 01 printed" in squeeze(prose(md("06_modules")))


def test_printed_gap_of_lesson06_is_the_one_in_the_prose() -> None:
    # 06 section 7: how far the nn.Sequential curve is from lesson 05's.
    shown = printed_output("06_modules", 'two_layer.curve("05")')
    gap = re.search(r"from lesson 05's curve: (\S+)", shown).group(1)
    assert float(gap) < 1e-9
    assert f"the printed difference is {gap}" in squeeze(prose(md("06_modules")))


def test_printed_first_lenet_loss_of_lesson07_is_ln3() -> None:
    # 07 section 3 says the first loss is ln 3; the cell prints both.
    shown = printed_output("07_convnets", "lenet_losses = sgd_steps(")
    match = re.search(r"first batch: (\S+) \(ln 3 = (\S+)\)", shown)
    assert match and match.group(1) == match.group(2) == f"{math.log(3):.2f}"
    assert "The first loss is ln 3" in markdown_after("07_convnets", "lenet_losses = sgd_steps(")


def test_printed_fine_tuning_and_sharing_numbers_of_lesson07() -> None:
    # 07 sections 6 and 7 quote the losses of the four depths and the two accuracies.
    text = squeeze(prose(md("07_convnets")))
    shown = printed_output("07_convnets", "scratch = LeNet(num_classes=4)")
    tuned, scratch = re.search(r"after 40 steps: (\d+%) fine-tuned, (\d+%) from scratch",
                               shown).groups()
    assert f"fine-tuned network to {tuned}" in text and f"random weights reach {scratch}" in text
    losses = [float(v) for v in re.findall(
        r"loss (\S+)", printed_output("07_convnets", "for repeats in range(4):"))]
    assert len(losses) == 4
    assert f"a loss between {min(losses):.4f} and {max(losses):.4f}" in text
