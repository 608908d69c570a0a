"""Graphs die as soon as nothing refers to them, by reference counting alone.

A training loop builds a new graph every step. If any part of an old graph stayed
reachable (a node pointing back at its output, a hook holding a tensor, a leaf
holding its accumulator strongly), memory would grow with every step, or be freed
only when the cyclic garbage collector happens to run. These tests keep weak
references to step 1's graph and check that it is gone with the cyclic collector
switched off, and that the collector, run afterwards, finds no teachgrad object.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import teachgrad
from teachgrad.autograd.function import AccumulateGrad, Node


def _graph_nodes(root: Any) -> list:
    """Every node reachable from root through next_functions (root included)."""
    seen, stack = {id(root): root}, [root]
    while stack:
        for child, _ in stack.pop().next_functions:
            if child is not None and id(child) not in seen:
                seen[id(child)] = child
                stack.append(child)
    return list(seen.values())


def _teachgrad_objects(objects: list) -> list:
    # type(), not isinstance(): isinstance reads obj.__class__, which some lazy modules
    # among gc's objects answer with a deprecation warning.
    return [obj for obj in objects if issubclass(type(obj), (teachgrad.Tensor, Node))]


@pytest.fixture
def collector_off() -> Iterator[None]:
    """Run with the cyclic GC disabled (starting from a clean slate); restore it after."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def _live_nodes() -> int:
    return sum(1 for obj in gc.get_objects() if issubclass(type(obj), Node))


def test_training_loop_frees_every_old_graph(collector_off: None) -> None:
    rng = np.random.default_rng(0)
    x = teachgrad.from_numpy(rng.standard_normal((16, 8)).astype(np.float32))
    y = teachgrad.from_numpy(rng.standard_normal((16, 3)).astype(np.float32))
    w1 = teachgrad.from_numpy((rng.standard_normal((8, 12)) * 0.3).astype(np.float32))
    w2 = teachgrad.from_numpy((rng.standard_normal((12, 3)) * 0.3).astype(np.float32))
    w1.requires_grad_()
    w2.requires_grad_()
    learning_rate = 2e-3
    nodes_before = _live_nodes()

    first_step: dict[str, weakref.ref] = {}
    losses = []
    for step in range(2000):
        h = x.mm(w1)
        h_relu = h.relu()  # ReluBackward saves its output: a cycle would show here
        y_pred = h_relu.mm(w2)
        loss = ((y_pred - y) ** 2).sum()
        if step == 0:
            h.retain_grad()  # a retained non-leaf grad must not pin the graph either
            h.register_hook(lambda grad: grad)  # nor a hook on a non-leaf
            # A leaf's AccumulateGrad node is shared by every graph that uses the leaf
            # while one is alive (as in torch): it belongs to the leaf, not to a step.
            nodes = _graph_nodes(loss.grad_fn)
            accumulators = [node for node in nodes if isinstance(node, AccumulateGrad)]
            first_step = {f"node {i} {node.name()}": weakref.ref(node)
                          for i, node in enumerate(nodes) if node not in accumulators}
            del nodes
            first_step.update(h=weakref.ref(h), h_relu=weakref.ref(h_relu),
                              y_pred=weakref.ref(y_pred), loss=weakref.ref(loss))
        loss.backward()
        with teachgrad.no_grad():
            w1 -= learning_rate * w1.grad
            w2 -= learning_rate * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()
        losses.append(loss.item())
        if step == 1:
            # Step 2's tensors replaced step 1's names: step 1's graph is gone already.
            assert [name for name, ref in first_step.items() if ref() is not None] == []

    assert len(first_step) >= 8 and len(accumulators) == 2
    assert {id(node.variable) for node in accumulators} == {id(w1), id(w2)}
    assert losses[-1] < 0.5 * losses[0]  # it did train
    assert [name for name, ref in first_step.items() if ref() is not None] == []
    del h, h_relu, y_pred, loss, accumulators
    assert _live_nodes() <= nodes_before  # nothing accumulates step after step

    gc.set_debug(gc.DEBUG_SAVEALL)  # keep what the collector finds, to look at it
    gc.collect()
    assert _teachgrad_objects(gc.garbage) == []


def test_graph_is_freed_right_after_backward(collector_off: None) -> None:
    x = teachgrad.tensor([0.5, -1.0, 2.0], requires_grad=True)
    h = x.exp()
    loss = (h * h).sin().sum()  # MulBackward and SinBackward save h and h*h
    saved_h = weakref.ref(h)
    del h
    assert saved_h() is not None  # the graph still needs h for backward
    loss.backward()
    # loss is still alive, but backward released what the graph had saved
    assert saved_h() is None
    nodes = [weakref.ref(node) for node in _graph_nodes(loss.grad_fn)]
    del loss  # the output goes out of scope: the whole graph goes with it
    assert [ref for ref in nodes if ref() is not None] == []
    assert x.grad is not None and x._accumulator() is None

    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect()
    assert _teachgrad_objects(gc.garbage) == []


def test_retained_graph_lives_until_its_output_dies(collector_off: None) -> None:
    x = teachgrad.tensor([0.5, -1.0], requires_grad=True)
    h = x.tanh()
    loss = h.sin().sum()  # SinBackward saves its input h
    saved_h = weakref.ref(h)
    del h
    loss.backward(retain_graph=True)
    assert saved_h() is not None  # retain_graph keeps the saved tensors
    loss.backward()
    assert saved_h() is None
    nodes = [weakref.ref(node) for node in _graph_nodes(loss.grad_fn)]
    del loss
    assert all(ref() is None for ref in nodes)


def test_graph_never_backpropagated_is_freed_with_its_output(collector_off: None) -> None:
    w = teachgrad.ones(4, 4, requires_grad=True)
    out = (w @ w).relu().softmax(0)[1:, ::2].mean()
    nodes = [weakref.ref(node) for node in _graph_nodes(out.grad_fn)]
    assert len(nodes) >= 6
    del out
    assert [ref().name() for ref in nodes if ref() is not None] == []
    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect()
    assert _teachgrad_objects(gc.garbage) == []


def test_create_graph_and_inplace_graphs_leave_no_cycles(collector_off: None) -> None:
    x = teachgrad.tensor([0.3, -0.7, 1.1], requires_grad=True)
    (first,) = teachgrad.autograd.grad((x ** 3).sum(), x, create_graph=True)
    (second,) = teachgrad.autograd.grad(first.sum(), x)
    y = x * 2
    y[0] = 5.0
    y.mul_(x)
    y.sum().backward()
    refs = [weakref.ref(node) for node in _graph_nodes(y.grad_fn)]
    del first, second, y
    assert all(ref() is None for ref in refs)
    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect()
    assert _teachgrad_objects(gc.garbage) == []


def test_backward_through_a_very_deep_graph_needs_no_recursion() -> None:
    """A chain far deeper than Python's recursion limit still backpropagates (the engine
    loops over a queue), and deleting it does not overflow the stack either."""
    import sys

    depth = sys.getrecursionlimit() * 5
    x = teachgrad.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(depth):
        y = y * 1.0001
    y.sum().backward()
    torch = pytest.importorskip("torch", reason="torch is the oracle")
    tx = torch.tensor([1.0], requires_grad=True)
    ty = tx
    for _ in range(depth):
        ty = ty * 1.0001
    ty.sum().backward()
    assert abs(x.grad.item() - tx.grad.item()) <= 1e-4 * abs(tx.grad.item())
    del y  # freeing a deep chain must not recurse either
