"""teachgrad.viz.draw_graph: what it draws, and how a notebook shows it."""

from __future__ import annotations

import importlib
import re
import shutil
import sys
from types import SimpleNamespace

import pytest

pytest.importorskip("graphviz", reason='draw_graph needs graphviz: pip install "teachgrad[lab]"')

import teachgrad
from teachgrad.viz import INSTALL_HINT, draw_graph

NODE = re.compile(r"^\s*(n\d+) \[label=(\"[^\"]*\"|\S+)")
EDGE = re.compile(r"^\s*(n\d+) -> (n\d+)")


def labels(graph) -> dict[str, str]:
    """DOT name -> label, e.g. {"n0": "SumBackward0", "n3": "a\\n(2,)"}."""
    found = {}
    for line in graph.body:
        match = NODE.match(line)
        if match:
            found[match.group(1)] = match.group(2).strip('"')
    return found


def edges(graph) -> list[tuple[str, str]]:
    """Every arrow, as (label of its start, label of its end)."""
    names = labels(graph)
    return [(names[m.group(1)], names[m.group(2)]) for m in map(EDGE.match, graph.body) if m]


def small_graph():
    """loss = (a * b).sum() with two leaves that require grad and one constant."""
    a = teachgrad.tensor([1.0, 2.0], requires_grad=True)
    b = teachgrad.tensor([3.0, 4.0], requires_grad=True)
    c = a * b
    loss = (c * 10.0).sum()
    return SimpleNamespace(a=a, b=b, c=c, loss=loss)


def test_op_nodes_carry_torch_names():
    loss = small_graph().loss
    drawn = set(labels(draw_graph(loss)).values())
    # the ops, then the unnamed tensors (leaves and output) labelled by their shape
    assert drawn == {"SumBackward0", "MulBackward0", "AccumulateGrad", "(2,)", "scalar"}


def test_arrows_follow_the_gradients_from_the_output_into_the_leaves():
    g = small_graph()
    drawn = edges(draw_graph(g.loss, names={"a": g.a, "b": g.b, "loss": g.loss}))
    assert ("loss\\nscalar", "SumBackward0") in drawn  # the seed gradient enters here
    assert ("SumBackward0", "MulBackward0") in drawn
    assert ("MulBackward0", "MulBackward0") in drawn  # (a * b) * 10 sends to a * b
    assert drawn.count(("MulBackward0", "AccumulateGrad")) == 2  # a * b sends to a and b
    assert ("AccumulateGrad", "a\\n(2,)") in drawn  # each leaf is where its grad ends up
    assert ("AccumulateGrad", "b\\n(2,)") in drawn
    assert len(drawn) == 7


def test_leaves_are_sinks():
    g = small_graph()
    drawn = edges(draw_graph(g.loss, names={"a": g.a, "b": g.b}))
    assert not [edge for edge in drawn if edge[0] in ("a\\n(2,)", "b\\n(2,)")]


def test_constants_are_not_drawn():
    loss = small_graph().loss
    # Two leaves, three ops, two accumulators, one output: the constant 10.0 is not a node.
    assert len(labels(draw_graph(loss))) == 8


def test_named_intermediate_tensor_sits_between_its_op_and_the_next():
    g = small_graph()
    drawn = edges(draw_graph(g.loss, names={"c": g.c}))
    assert ("MulBackward0", "c\\n(2,)") in drawn
    assert ("c\\n(2,)", "MulBackward0") in drawn


def test_values_and_grads_only_when_asked():
    g = small_graph()
    g.loss.backward()
    plain = labels(draw_graph(g.loss, names={"a": g.a}))
    assert "a\\n(2,)" in plain.values()
    shown = labels(draw_graph(g.loss, names={"a": g.a}, show_values=True, show_grads=True))
    # a = [1, 2]; d loss / d a = 10 * b = [30, 40]
    assert "a\\n(2,)\\nvalue [1. 2.]\\ngrad [30. 40.]" in shown.values()


def test_several_outputs_share_one_graph():
    g = small_graph()
    other = (g.c * g.c).mean()
    ops = list(labels(draw_graph([g.loss, other])).values())
    assert ops.count("AccumulateGrad") == 2  # a and b are drawn once, not once per output
    assert ops.count("MeanBackward0") == 1


def test_a_lone_leaf_is_just_a_tensor():
    x = teachgrad.ones(2, 3, requires_grad=True)
    assert list(labels(draw_graph(x, names={"x": x})).values()) == ["x\\n(2, 3)"]


def test_repr_has_no_address():
    loss = small_graph().loss
    assert "0x" not in repr(draw_graph(loss))


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed")
def test_notebook_shows_png_only():
    loss = small_graph().loss
    bundle = draw_graph(loss)._repr_mimebundle_()
    assert list(bundle) == ["image/png"]
    assert bundle["image/png"].startswith(b"\x89PNG")


def test_without_dot_the_notebook_shows_dot_text_and_a_hint(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no `dot` on the PATH
    loss = small_graph().loss
    graph = draw_graph(loss)
    bundle = graph._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    text = bundle["text/plain"]
    assert text.splitlines()[0] == INSTALL_HINT
    assert "apt-get install graphviz" in text and "conda install graphviz" in text
    assert graph.source in text


def test_missing_graphviz_package_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes `import graphviz` fail
    monkeypatch.delitem(sys.modules, "teachgrad.viz")
    with pytest.raises(ImportError, match=re.escape('pip install "teachgrad[lab]"')):
        importlib.import_module("teachgrad.viz")
