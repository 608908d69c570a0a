"""teachgrad.viz.step_backward: the engine's order and gradients, seen from a real backward()."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest

pytest.importorskip("graphviz", reason='the stepper needs graphviz: pip install "teachgrad[lab]"')

from test_viz import edges, labels
from test_viz_views import example

import teachgrad
from teachgrad.autograd import engine
from teachgrad.autograd.function import AccumulateGrad
from teachgrad.viz import GraphDrawing, forward_view, step_backward

EXAMPLE_TEXT = """\
step 1 of 6: SumBackward0
  receives 1.
  sends [1. 1.] to AddBackward0

step 2 of 6: AddBackward0
  receives [1. 1.]
  sends [1. 1.] to ReluBackward0
  sends [1. 1.] to AccumulateGrad of x

step 3 of 6: ReluBackward0
  receives [1. 1.]
  sends [1. 1.] to MulBackward0

step 4 of 6: MulBackward0
  receives [1. 1.]
  sends [3. 4.] to AccumulateGrad of x
  sends [1. 2.] to AccumulateGrad of w

step 5 of 6: AccumulateGrad of w
  receives [1. 2.]
  w.grad is now [1. 2.]

step 6 of 6: AccumulateGrad of x
  receives [4. 5.]
  x.grad is now [4. 5.]"""


def values(t) -> list:
    return t.detach().cpu().numpy().tolist()


def reachable(tensors) -> list:
    seen, stack = [], [t.grad_fn for t in tensors]
    while stack:
        node = stack.pop()
        if node is not None and all(node is not s for s in seen):
            seen.append(node)
            stack.extend(child for child, _ in node.next_functions)
    return seen


def test_text_of_the_example_step_by_step():
    x, w, y = example()
    steps = step_backward(y, names={"x": x, "w": w})
    assert steps.text() == EXAMPLE_TEXT
    assert repr(steps) == EXAMPLE_TEXT
    assert values(x.grad) == [4.0, 5.0] and values(w.grad) == [1.0, 2.0]


def test_order_is_newest_node_first_as_the_engine_sorts():
    x, w, y = example()
    expected = sorted(reachable([y]), key=lambda node: -node._sequence)
    steps = step_backward(y)
    assert [step.node for step in steps] == expected


def test_order_and_gradients_are_what_the_engine_itself_ran():
    """Log each node the reference engine._run hands to _call_backward or _accumulate."""
    ran = []

    def logged_call(node, grads, retain_graph):
        ran.append((node, [values(g) for g in grads]))
        return call_backward(node, grads, retain_graph)

    def logged_accumulate(variable, holder, create_graph):
        ran.append((variable, [values(holder[0])]))
        accumulate(variable, holder, create_graph)

    x, w, y = example()
    # Patched inside reference_mode, which itself sets engine._call_backward on entry
    # and on exit (so monkeypatch, restoring later, would undo the fast mode).
    with teachgrad.fast.reference_mode():
        call_backward, accumulate = engine._call_backward, engine._accumulate
        engine._call_backward, engine._accumulate = logged_call, logged_accumulate
        try:
            steps = step_backward(y)
        finally:
            engine._call_backward, engine._accumulate = call_backward, accumulate
    seen = [(step.node.variable if isinstance(step.node, AccumulateGrad) else step.node,
             [values(g) for g in step.received]) for step in steps]
    assert len(seen) == len(ran)
    for (ours, our_grads), (theirs, their_grads) in zip(seen, ran):
        assert ours is theirs and our_grads == their_grads


def test_sends_add_up_to_what_arrives():
    x, w, y = example()
    steps = step_backward(y)
    arrived = {}
    for step in steps:
        for _, (child, index), grad in step.sent:
            key = (id(child), index)
            arrived[key] = grad if key not in arrived else arrived[key] + grad
    for step in steps[1:]:
        assert values(step.received[0]) == values(arrived[(id(step.node), 0)])


def test_a_tensor_used_twice_gets_both_gradients_summed():
    x = teachgrad.tensor([1.0, -2.0], requires_grad=True)
    steps = step_backward((x * x).sum(), names={"x": x})
    mul = steps[1]
    assert [values(grad) for _, _, grad in mul.sent] == [[1.0, -2.0], [1.0, -2.0]]
    assert mul.sent[0][1] == mul.sent[1][1]  # both to x's one AccumulateGrad
    assert values(steps[2].received[0]) == [2.0, -4.0] == values(x.grad)


def test_a_second_pass_adds_to_grad_and_says_so():
    x = teachgrad.tensor([1.0, 2.0], requires_grad=True)
    step_backward((x * 3).sum())
    steps = step_backward((x * 3).sum(), names={"x": x})
    assert values(steps[-1].grad_after) == [6.0, 6.0] == values(x.grad)
    assert steps.text().endswith("x.grad is now [6. 6.]")


def test_several_outputs_and_a_gradient_argument():
    x = teachgrad.tensor([1.0, 2.0], requires_grad=True)
    twice, square = x * 2, x * x
    seeds = [teachgrad.ones(2), teachgrad.tensor([1.0, 10.0])]
    steps = step_backward([twice, square], gradient=seeds)
    assert values(x.grad) == [2.0 + 2.0, 2.0 + 40.0]
    assert steps.order() == ["MulBackward0", "MulBackward0", "AccumulateGrad of a leaf (2,)"]
    assert values(steps.seeds[1]) == [1.0, 10.0]


def test_inputs_that_need_no_gradient_are_skipped():
    x = teachgrad.tensor([1.0, 2.0], requires_grad=True)
    data = teachgrad.tensor([5.0, 6.0])
    steps = step_backward((x * data).sum(dim=0), names={"x": x})
    assert steps.order() == ["SumBackward1", "MulBackward0", "AccumulateGrad of x"]
    assert [position for position, _, _ in steps[1].sent] == [0]  # data's input: no edge
    assert values(x.grad) == [5.0, 6.0]


def test_an_op_with_an_output_that_got_no_gradient():
    m = teachgrad.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
    first, _ = m.unbind(0)
    steps = step_backward((first * 2).sum())
    unbind = steps[2]
    assert unbind.received[1] is None
    assert "receives nothing for output 1 (zeros)" in steps.text(3)
    assert values(m.grad) == [[2.0, 2.0], [0.0, 0.0]]


def test_max_with_indices_a_non_differentiable_output():
    m = teachgrad.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
    top, _ = m.max(dim=1)
    step_backward(top.sum())
    assert values(m.grad) == [[0.0, 1.0], [1.0, 0.0]]


def test_after_retain_graph_and_with_it():
    x, w, y = example()
    y.backward(retain_graph=True)
    steps = step_backward(y, retain_graph=True)
    assert values(x.grad) == [8.0, 10.0] and values(steps[-1].grad_after) == [8.0, 10.0]
    step_backward(y)  # the graph was kept, so a third pass works; it frees the graph
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_without_retain_graph_the_graph_is_freed_as_backward_frees_it():
    x, w, y = example()
    step_backward(y)
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_the_stepper_leaves_no_hooks_behind_and_user_hooks_still_run():
    x, w, y = example()
    called = []
    x.register_hook(lambda grad: called.append(values(grad)))
    step_backward(y)
    assert called == [[4.0, 5.0]]
    assert len(x._hooks) == 1 and w._hooks is None
    assert all(node._hooks is None for node in reachable([y]))


def test_a_hook_that_changes_a_gradient_shows_the_changed_one():
    x = teachgrad.tensor([1.0, 2.0], requires_grad=True)
    doubled = x * 3
    doubled.register_hook(lambda grad: grad * 10)
    steps = step_backward(doubled.sum(), names={"x": x})
    assert values(steps[1].received[0]) == [10.0, 10.0]
    assert values(x.grad) == [30.0, 30.0] == values(steps[-1].grad_after)


def test_frames_mark_the_current_node_and_label_the_gradients_so_far():
    x, w, y = example()
    steps = step_backward(y, names={"x": x, "w": w, "y": y})
    frames = steps.frames()
    assert len(frames) == 6 and all(isinstance(f, GraphDrawing) for f in frames)
    for number, frame in enumerate(frames, start=1):
        current = [line for line in frame.body if "fillcolor=orange" in line]
        assert len(current) == 1 and f"step {number}\"" in current[0]
        assert f'label="step {number} of 6' in frame.source
    four = frames[3].source
    assert re.search(r'-> n\d+ \[label="\[3\. 4\.\]"\]', four)  # Mul sent [3, 4] towards x
    assert "grad None" in four  # no leaf has accumulated yet
    assert "x\\n(2,)\\ngrad [4. 5.]" in frames[5].source
    # same directions as the backward view: from the output down into the leaves
    assert ("AccumulateGrad\\nstep 6", "x\\n(2,)\\ngrad [4. 5.]") in edges(frames[5])
    assert "0x" not in "".join(f.source for f in frames)


def test_forward_view_with_the_stepper_shows_every_gradient():
    x, w, y = example()
    steps = step_backward(y, names={"x": x})
    shown = set(labels(forward_view(y, names={"x": x}, steps=steps)).values())
    assert "(2,)\\ngrad [1. 1.]" in shown  # an intermediate tensor's gradient
    assert "x\\n(2,)\\nvalue [1. 2.]\\ngrad [4. 5.]" in shown


def test_show_without_ipywidgets_displays_text_and_a_frame_per_step(monkeypatch):
    shown = []
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # makes `import ipywidgets` fail
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    x, w, y = example()
    steps = step_backward(y, names={"x": x, "w": w})
    assert steps.show() is None
    assert len(shown) == 12
    assert [item["text/plain"] for item in shown[::2]] == EXAMPLE_TEXT.split("\n\n")
    assert all(isinstance(frame, GraphDrawing) for frame in shown[1::2])


def test_widget_steps_with_next_and_prev(monkeypatch):
    pytest.importorskip("ipywidgets", reason="the interactive stepper needs ipywidgets")
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: None)
    x, w, y = example()
    widget = step_backward(y, names={"x": x, "w": w}).show(interactive=True)
    buttons, words, picture, _ = widget.children
    back, slider, forward = buttons.children
    assert "step 1 of 6: SumBackward0" in words.value and back.disabled
    forward.click()
    forward.click()
    assert slider.value == 3 and "step 3 of 6: ReluBackward0" in words.value
    back.click()
    assert "step 2 of 6" in words.value
    slider.value = 6
    assert forward.disabled and "x.grad is now [4. 5.]" in words.value
    if picture.value:  # empty where Graphviz's dot is missing
        assert bytes(picture.value).startswith(b"\x89PNG")


def test_gradients_match_a_float64_finite_difference():
    rng = np.random.default_rng(0)
    a = teachgrad.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    b = teachgrad.tensor(rng.standard_normal((2, 4)), requires_grad=True)
    steps = step_backward((a.mm(b).tanh() * a.sum()).sum())
    numeric = np.zeros((3, 2))
    for index in np.ndindex(3, 2):
        bump = np.zeros((3, 2))
        bump[index] = 1e-6
        up = np.tanh((a.detach().numpy() + bump) @ b.detach().numpy()) * (
            a.detach().numpy() + bump).sum()
        down = np.tanh((a.detach().numpy() - bump) @ b.detach().numpy()) * (
            a.detach().numpy() - bump).sum()
        numeric[index] = (up.sum() - down.sum()) / 2e-6
    leaf_a = next(s for s in steps if isinstance(s.node, AccumulateGrad) and s.node.variable is a)
    np.testing.assert_allclose(leaf_a.grad_after.numpy(), numeric, rtol=1e-6)
