"""The stepper's gradients, for every tensor of a graph, against torch's for the same graph."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("graphviz", reason='the stepper needs graphviz: pip install "teachgrad[lab]"')

from oracle import F32, make_pair, to_numpy, torch

from teachgrad.viz import step_backward


def build(lib, x, w):
    """y = (relu(x * w) + x) * x, summed: x is used three times. Returns y and the tensors."""
    product = x * w
    rectified = lib.relu(product) if lib is torch else product.relu()
    total = rectified + x
    scaled = total * x
    return scaled.sum(), [product, rectified, total, scaled]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_gradient_the_stepper_shows_is_torchs(seed):
    rng = np.random.default_rng(seed)
    ours_x, theirs_x = make_pair(rng.standard_normal(4).astype(np.float32), requires_grad=True)
    ours_w, theirs_w = make_pair(rng.standard_normal(4).astype(np.float32), requires_grad=True)
    ours_y, ours_inner = build(None, ours_x, ours_w)
    theirs_y, theirs_inner = build(torch, theirs_x, theirs_w)
    for t in theirs_inner:
        t.retain_grad()

    steps = step_backward(ours_y)
    theirs_y.backward()

    for ours, theirs in zip(ours_inner, theirs_inner):
        shown = steps.gradient_of((ours.grad_fn, 0))
        np.testing.assert_allclose(to_numpy(shown), to_numpy(theirs.grad), **F32)
    for ours, theirs in [(ours_x, theirs_x), (ours_w, theirs_w)]:
        np.testing.assert_allclose(to_numpy(ours.grad), to_numpy(theirs.grad), **F32)
    leaf_steps = [step for step in steps if step.grad_after is not None]
    assert {id(step.node.variable) for step in leaf_steps} == {id(ours_x), id(ours_w)}


def test_order_matches_torchs_node_names_and_sequence():
    ours_x, theirs_x = make_pair(np.array([1.0, -2.0], np.float32), requires_grad=True)
    ours_w, theirs_w = make_pair(np.array([3.0, 4.0], np.float32), requires_grad=True)
    ours_y, _ = build(None, ours_x, ours_w)
    theirs_y, _ = build(torch, theirs_x, theirs_w)
    ops = [name for name in step_backward(ours_y).order() if "Accumulate" not in name]
    # torch runs its op nodes newest first too: walk its graph and sort by sequence number
    nodes, stack = {}, [theirs_y.grad_fn]
    while stack:
        node = stack.pop()
        if node is not None and "Accumulate" not in node.name():
            nodes[node._sequence_nr()] = node.name()
            stack.extend(child for child, _ in node.next_functions)
    assert ops == [nodes[key] for key in sorted(nodes, reverse=True)]
