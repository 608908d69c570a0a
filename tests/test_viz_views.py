"""teachgrad.viz's two views of one graph: forward (data's way) and backward (gradients' way)."""

from __future__ import annotations

import pytest

pytest.importorskip("graphviz", reason='the views need graphviz: pip install "teachgrad[lab]"')

from test_viz import edges, labels

import teachgrad
from teachgrad.viz import backward_view, draw_graph, forward_view


def example():
    """The issue's example: y = (relu(x * w) + x).sum(), x used twice."""
    x = teachgrad.tensor([1.0, 2.0], requires_grad=True)
    w = teachgrad.tensor([3.0, 4.0], requires_grad=True)
    y = ((x * w).relu() + x).sum()
    return x, w, y


def fill_of(graph, label: str) -> str:
    """The fillcolor of the one node with this label."""
    names = [name for name, text in labels(graph).items() if text == label]
    assert len(names) == 1, (label, labels(graph))
    line = next(line for line in graph.body if line.strip().startswith(names[0] + " [label="))
    return line.split("fillcolor=")[1].split()[0]


# ------------------------------------------------------------------ forward view


def test_forward_view_has_ops_and_tensors_with_arrows_along_the_data():
    x, w, y = example()
    graph = forward_view(y, names={"x": x, "w": w, "y": y})
    x_box, w_box = "x\\n(2,)\\nvalue [1. 2.]", "w\\n(2,)\\nvalue [3. 4.]"
    assert sorted(edges(graph)) == sorted([
        (x_box, "Mul"), (w_box, "Mul"), ("Mul", "(2,)"),
        ("(2,)", "Relu"), ("Relu", "(2,)"),
        ("(2,)", "Add"), (x_box, "Add"), ("Add", "(2,)"),
        ("(2,)", "Sum"), ("Sum", "y\\nscalar\\nvalue 14."),
    ])


def test_forward_view_draws_a_tensor_used_twice_once_with_two_arrows():
    x, w, y = example()
    drawn = edges(forward_view(y, names={"x": x}))
    assert [end for start, end in drawn if start.startswith("x\\n")] == ["Add", "Mul"]


def test_forward_view_colours_leaves_named_tensors_and_the_output():
    x, w, _ = example()
    product = x * w
    y = (product.relu() + x).sum()
    graph = forward_view(y, names={"x": x, "product": product}, values=False)
    assert fill_of(graph, "x\\n(2,)") == "lightblue"
    leaves = [line for line in graph.body if "lightblue" in line]
    assert len(leaves) == 2  # w, unnamed, is a leaf too
    assert fill_of(graph, "product\\n(2,)") == "lightyellow"
    assert fill_of(graph, "scalar") == "darkolivegreen1"


def test_forward_view_shows_grads_after_backward_only():
    x, w, y = example()
    before = labels(forward_view(y, names={"x": x}))
    assert not any("grad" in text for text in before.values())
    y.backward()
    after = set(labels(forward_view(y, names={"x": x})).values())
    assert "x\\n(2,)\\nvalue [1. 2.]\\ngrad [4. 5.]" in after
    assert "(2,)\\nvalue [3. 4.]\\ngrad [1. 2.]" in after


def test_forward_view_leaves_out_values_of_big_tensors():
    big = teachgrad.ones(3, 4, requires_grad=True)
    label = labels(forward_view(big.sum(), names={"big": big}))
    assert "big\\n(3, 4)" in label.values()


def test_forward_view_leaves_out_inputs_that_need_no_gradient():
    x, _, _ = example()
    data = teachgrad.tensor([5.0, 6.0])
    graph = forward_view((x * data).sum(dim=0), values=False)
    assert sorted(edges(graph)) == [("(2,)", "Mul"), ("(2,)", "Sum"), ("Mul", "(2,)"),
                                    ("Sum", "scalar")]


def test_forward_view_of_an_op_with_two_outputs_draws_the_used_one():
    m = teachgrad.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
    first, _ = m.unbind(0)
    drawn = edges(forward_view(first.sum(), values=False))
    assert drawn.count(("Unbind", "(2,)")) == 1


def test_forward_view_of_several_outputs_shares_their_inputs():
    x, w, y = example()
    other = (x * 2).mean()
    graph = forward_view([y, other], names={"x": x})
    assert sum(text.startswith("x\\n") for text in labels(graph).values()) == 1
    assert [text for text in labels(graph).values() if text.startswith("scalar")] == [
        "scalar\\nvalue 14.", "scalar\\nvalue 3."]


# ----------------------------------------------------------------- backward view


def test_backward_view_runs_from_the_output_to_the_leaves():
    x, w, y = example()
    drawn = edges(backward_view(y, names={"x": x, "w": w, "y": y}))
    assert sorted(drawn) == sorted([
        ("y\\nscalar", "SumBackward0"), ("SumBackward0", "AddBackward0"),
        ("AddBackward0", "ReluBackward0"), ("AddBackward0", "AccumulateGrad"),
        ("ReluBackward0", "MulBackward0"), ("MulBackward0", "AccumulateGrad"),
        ("MulBackward0", "AccumulateGrad"),
        ("AccumulateGrad", "x\\n(2,)"), ("AccumulateGrad", "w\\n(2,)"),
    ])


def test_backward_view_gives_a_tensor_used_twice_one_accumulator_with_two_arrows_in():
    x, _, _ = example()
    graph = backward_view((x * x).sum(), names={"x": x})
    assert list(labels(graph).values()).count("AccumulateGrad") == 1
    assert edges(graph).count(("MulBackward0", "AccumulateGrad")) == 2


def test_draw_graph_is_the_backward_view():
    assert draw_graph is backward_view


def test_views_are_the_same_text_on_every_run():
    sources = []
    for _ in range(2):
        x, w, y = example()
        names = {"x": x, "w": w, "y": y}
        sources.append((forward_view(y, names=names).source, backward_view(y, names=names).source))
    assert sources[0] == sources[1]
    assert "0x" not in "".join(sources[0])


def test_readme_pictures_are_drawn_by_the_script_it_names(tmp_path):
    import importlib.util
    import shutil
    from pathlib import Path

    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot program is not installed (apt-get install graphviz)")
    root = Path(__file__).resolve().parents[1]
    script_path = root / "tools" / "viz_pictures.py"
    spec = importlib.util.spec_from_file_location("viz_pictures", script_path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    written = script.draw(tmp_path)
    readme = (root / "README.md").read_text()
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path.name
        assert f"docs/pictures/{path.name}" in readme
        assert (root / "docs" / "pictures" / path.name).exists()
