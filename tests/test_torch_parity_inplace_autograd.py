"""In-place ops and autograd, against torch: writes through views, in-place comparisons,
outputs saved by in-place ops, and the dtype of pow's exponent gradient.

Each case is one function of `lib` (teachgrad or torch) that builds leaves, runs the
in-place calls and returns (leaves, outputs). Both libraries must give the same
outputs (values, dtype, requires_grad, grad_fn's name), the same gradients of a
weighted sum of the outputs that require grad, or the same exception type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from oracle import assert_same, assert_same_error, assert_same_grads, grad_fn_name, torch

import teachgrad

DATA = np.array([0.5, -1.0, 2.0, 0.25, 1.5, -0.3], dtype=np.float32)


def leaf(lib: Any, data: np.ndarray = DATA, grad: bool = True) -> Any:
    return lib.tensor(data.copy(), requires_grad=grad)


def run(lib: Any, case: Callable) -> tuple[list, list]:
    leaves, outputs = case(lib)
    wanted = [out for out in outputs if out.requires_grad]
    if wanted:
        total = sum((out * lib.tensor(_weights(out))).sum() for out in wanted)
        total.backward()
    return leaves, outputs


def _weights(out: Any) -> np.ndarray:
    count = int(np.prod(tuple(out.shape)))
    values = (np.arange(1, count + 1) * (-1.0) ** np.arange(count) / 3).reshape(tuple(out.shape))
    return values.astype(str(out.dtype).split(".")[-1])


def check(case: Callable) -> None:
    """Same outputs, grad_fn names and leaf gradients in both libraries."""
    ours_leaves, ours = run(teachgrad, case)
    theirs_leaves, theirs = run(torch, case)
    assert len(ours) == len(theirs)
    for mine, other in zip(ours, theirs):
        assert_same(mine, other)
        assert grad_fn_name(mine) == grad_fn_name(other)
    assert_same_grads(ours_leaves, theirs_leaves)


def written(make: Callable, write: Callable) -> Callable:
    """A case: base = make(lib, x); write(lib, base, x) writes through a view of base."""
    def case(lib: Any) -> tuple[list, list]:
        x = leaf(lib)
        base = make(lib, x)
        view = write(lib, base, x)
        return [x], [base, view]
    return case


# --------------------------------------------------------------------------- views

VIEW_WRITES = {
    "slice add_": (lambda lib, x: x.clone(), lambda lib, b, x: b[1:].add_(1)),
    "slice mul_ by a tensor": (lambda lib, x: x * 2, lambda lib, b, x: b[1:4].mul_(x[:3])),
    "select mul_": (lambda lib, x: x.clone(), lambda lib, b, x: b[0].mul_(3)),
    "strided exp_": (lambda lib, x: x.clone(), lambda lib, b, x: b[::2].exp_()),
    "view of a view": (lambda lib, x: x.clone(), lambda lib, b, x: b[1:][::2].sigmoid_()),
    "diagonal": (lambda lib, x: x.reshape(2, 3).clone(),
                 lambda lib, b, x: b.diagonal().mul_(3)),
    "transposed view": (lambda lib, x: x.reshape(2, 3).clone(),
                        lambda lib, b, x: b.t()[1].pow_(2)),
    "base in column-major order": (lambda lib, x: x.reshape(3, 2).t() * 1,
                                   lambda lib, b, x: b[0].mul_(2)),
    "view(...) mul_": (lambda lib, x: x.clone(), lambda lib, b, x: b.view(3, 2).mul_(2)),
    "clamp_": (lambda lib, x: x.clone(), lambda lib, b, x: b[1:5].clamp_(0.0, 1.0)),
    "setitem on a view": (lambda lib, x: x.clone(),
                          lambda lib, b, x: b[1:].__setitem__(0, x[5] * 4) or b[1:]),
    "copy_ into a view": (lambda lib, x: x.clone(), lambda lib, b, x: b[2:].copy_(x[:4] ** 2)),
    "zero_": (lambda lib, x: x.clone(), lambda lib, b, x: b[2:].zero_()),
    "fill_ with a tensor": (lambda lib, x: x.clone(), lambda lib, b, x: b[::3].fill_(x[1])),
    "two writes": (lambda lib, x: x.clone(),
                   lambda lib, b, x: (b[:3].mul_(2), b[2:].mul_(x[:4]))[1]),
    "expand of a 0-d tensor": (lambda lib, x: x.sum() * 1,
                               lambda lib, b, x: b.expand(()).mul_(x[0])),
}


@pytest.mark.parametrize("name", sorted(VIEW_WRITES))
def test_write_through_a_view_rebases_the_base(name: str) -> None:
    check(written(*VIEW_WRITES[name]))


def test_the_base_written_after_the_view_was():
    def case(lib: Any) -> tuple[list, list]:
        x = leaf(lib)
        base = x.clone()
        view = base[1:3]
        base.mul_(2)  # the view's values change: its next write reads the base's new history
        view.add_(x[:2])
        return [x], [base, view]
    check(case)


def test_write_through_a_view_under_no_grad_records_nothing():
    def case(lib: Any) -> tuple[list, list]:
        x = leaf(lib)
        base = x.clone()
        with lib.no_grad():
            base[1:].mul_(2)
        return [x], [base]
    check(case)


def test_second_derivative_through_a_write_into_a_view():
    def case(lib: Any) -> tuple[list, list]:
        x = leaf(lib)
        base = x.clone()
        base[1:4].mul_(x[:3])
        (grad,) = lib.autograd.grad((base ** 3).sum(), x, create_graph=True)
        return [x], [grad]
    check(case)


@pytest.mark.parametrize("write", [
    lambda lib: leaf(lib)[1:].add_(1),
    lambda lib: leaf(lib).t()[0].mul_(leaf(lib)[0]),
    lambda lib: leaf(lib)[2:].exp_(),
])
def test_write_through_a_view_of_a_leaf_that_requires_grad_raises(write: Callable) -> None:
    assert_same_error(lambda: write(teachgrad), lambda: write(torch))


@pytest.mark.parametrize("write", [
    lambda lib: leaf(lib).clone().split(2)[1].add_(1),
    lambda lib: leaf(lib).clone().split([2, 4])[0].mul_(2),
    lambda lib: leaf(lib).clone().chunk(3)[2].exp_(),
    lambda lib: leaf(lib).clone().reshape(2, 3).unbind()[0].__setitem__(0, 1.0),
])
def test_a_piece_of_split_or_unbind_cannot_be_written_in_place(write: Callable) -> None:
    assert_same_error(lambda: write(teachgrad), lambda: write(torch))


@pytest.mark.parametrize("index", [0, (0, 0), (slice(None), 0)])
def test_a_bad_index_into_a_leaf_is_an_index_error_first(index: Any) -> None:
    def write(lib: Any) -> None:
        x = lib.zeros(0, requires_grad=True)
        x[index] = 1.0
    assert_same_error(lambda: write(teachgrad), lambda: write(torch))


def test_a_write_through_a_view_bumps_the_version_of_what_was_saved():
    def backward(lib: Any) -> None:
        x = leaf(lib)
        base = x.clone()
        product = base * 2  # saves nothing of base; base ** 2 saves base
        square = base ** 2
        base[1:].add_(1)
        (product.sum() + square.sum()).backward()
    assert_same_error(lambda: backward(teachgrad), lambda: backward(torch))


# --------------------------------------------------------------------------- other views

#: name: (a view of base, made first; then a write to base or through another view).
#: The view's values now come from the base's new history: its grad_fn must too.
OTHER_VIEWS = {
    "slice, base mul_": (lambda b: b[:4], lambda b, x: b.mul_(2)),
    "select, base mul_ by a tensor": (lambda b: b[1], lambda b, x: b.mul_(x)),
    "slice, a sibling written": (lambda b: b[2:], lambda b, x: b[:3].mul_(x[3:])),
    "view of a view, base exp_": (lambda b: b[1:][::2], lambda b, x: b.exp_()),
    "transpose of a view": (lambda b: b.view(2, 3).t(), lambda b, x: b[1:3].mul_(x[:2])),
    "reshape, base add_": (lambda b: b.reshape(3, 2), lambda b, x: b.add_(x)),
    "unsqueeze, base sigmoid_": (lambda b: b.unsqueeze(0), lambda b, x: b.sigmoid_()),
    "expand of a slice": (lambda b: b[:1].expand(3), lambda b, x: b[0].mul_(x[1])),
    "select of a transpose": (lambda b: b.view(3, 2).t()[1], lambda b, x: b[::3].add_(x[:2])),
    "two writes": (lambda b: b[::2], lambda b, x: (b.mul_(x), b[1:].add_(x[:5]))),
    "written through a view of a view": (lambda b: b[3:],
                                         lambda b, x: b[:4][1:].mul_(x[:3])),
    "setitem on the base": (lambda b: b[1:4], lambda b, x: b.__setitem__(2, x[0] * 3)),
}


def other_view(make_view: Callable, write: Callable, base_grad: bool = True) -> Callable:
    def case(lib: Any) -> tuple[list, list]:
        x = leaf(lib)
        base = x.clone() if base_grad else lib.tensor(DATA[::-1].copy())
        view = make_view(base)
        write(base, x)
        return [x], [view, base]
    return case


@pytest.mark.parametrize("name", sorted(OTHER_VIEWS))
def test_the_other_views_of_a_written_base_follow_its_new_history(name: str) -> None:
    check(other_view(*OTHER_VIEWS[name]))


@pytest.mark.parametrize("name", ["select, base mul_ by a tensor", "slice, a sibling written",
                                  "expand of a slice", "written through a view of a view"])
def test_the_other_views_of_a_plain_base_written_with_a_tensor_requiring_grad(name: str) -> None:
    """The base and its views come to require grad, as in torch (CopySlices, AsStrided)."""
    check(other_view(*OTHER_VIEWS[name], base_grad=False))


def test_a_view_used_before_and_after_the_base_was_written():
    def case(lib: Any) -> tuple[list, list]:
        x = leaf(lib)
        base = x.clone()
        view = base[1:4]
        before = view + x[:3]  # saves nothing of view, which mul_ below changes
        base.mul_(x)
        after = view * x[3:]
        return [x], [before, after, view]
    check(case)


def test_a_refreshed_view_with_retain_graph():
    def case(lib: Any) -> tuple[list, list]:
        x = leaf(lib)
        base = x.clone()
        view = base[::2]
        base.mul_(x)
        loss = (view ** 2).sum()
        loss.backward(retain_graph=True)  # run() goes through the graph a second time
        return [x], [loss]
    check(case)


@pytest.mark.parametrize("use", [
    lambda piece: (piece * 1).sum().backward(),
    lambda piece: piece.mul_(2),
])
@pytest.mark.parametrize("pieces", [lambda b: b.split(2), lambda b: b.view(2, 3).unbind()])
def test_a_piece_of_split_whose_base_was_written_is_refused(pieces: Callable,
                                                            use: Callable) -> None:
    def run_case(lib: Any) -> None:
        base = leaf(lib).clone()
        piece = pieces(base)[1]
        base.mul_(2)
        use(piece)
    ours, theirs = assert_same_error(lambda: run_case(teachgrad), lambda: run_case(torch))
    assert str(ours).split(" is a view")[0] == str(theirs).split(" is a view")[0]


def test_a_view_made_under_no_grad_whose_base_was_written_is_refused():
    def run_case(lib: Any) -> None:
        base = leaf(lib).clone()
        with lib.no_grad():
            view = base[1:]
        base.mul_(2)
        (view * 1).sum().backward()
    assert_same_error(lambda: run_case(teachgrad), lambda: run_case(torch))


@pytest.mark.parametrize("grad", [False, True])
@pytest.mark.parametrize("make", [
    lambda b: b[1:], lambda b: b[1:][::2], lambda b: b.view(2, 3).t()[0],
    lambda b: b.reshape(3, 2).unsqueeze(0).expand(2, 3, 2), lambda b: b.detach(),
    lambda b: b * 1, lambda b: b.diagonal() if b.dim() == 2 else b.unfold(0, 2, 1)[0],
])
def test_base_of_a_view_is_the_tensor_that_owns_the_memory(make: Callable, grad: bool) -> None:
    found = {}
    for lib in (teachgrad, torch):
        owner = leaf(lib, grad=grad)
        view = make(owner)
        found[lib.__name__] = (view._base is owner, view._base is None)
    assert found["teachgrad"] == found["torch"]


@pytest.mark.parametrize("grad", [False, True])
def test_detach_in_place_of_a_view_raises(grad: bool) -> None:
    assert_same_error(lambda: leaf(teachgrad, grad=grad)[1:].detach_(),
                      lambda: leaf(torch, grad=grad)[1:].detach_())


def test_a_tensor_requiring_grad_written_into_a_view_of_a_plain_tensor():
    """The example from torch's docs of CopySlices: x becomes part of the graph."""
    def case(lib: Any) -> tuple[list, list]:
        factor = lib.ones(1, requires_grad=True)
        base = lib.zeros(2)
        view = base[::2].mul_(factor)
        return [factor], [base, view]
    check(case)


# --------------------------------------------------------------------------- comparisons

COMPARISONS = ("gt", "lt", "ge", "le", "eq", "ne", "greater", "less_equal", "not_equal")


@pytest.mark.parametrize("name", COMPARISONS)
@pytest.mark.parametrize("other", ["number", "tensor", "tensor that requires grad"])
def test_in_place_comparison_keeps_a_float_tensor_in_the_graph(name: str, other: str) -> None:
    def case(lib: Any) -> tuple[list, list]:
        x = leaf(lib)
        y = leaf(lib, DATA[::-1].copy(), grad=other == "tensor that requires grad")
        value = 0.25 if other == "number" else y
        out = getattr((x * 2).clone(), f"{name}_")(value)
        return [x, y], [out]
    check(case)


def test_in_place_comparison_against_a_tensor_that_requires_grad():
    def case(lib: Any) -> tuple[list, list]:
        y = leaf(lib)
        out = lib.zeros(6, dtype=lib.float64).ge_(y)  # out does not require grad; y does
        return [y], [out]
    check(case)


def test_in_place_comparison_of_a_leaf_that_requires_grad_raises():
    assert_same_error(lambda: leaf(teachgrad).gt_(0), lambda: leaf(torch).gt_(0))


@pytest.mark.parametrize("name, args", [("logical_not", ()), ("logical_and", (0.0,)),
                                        ("logical_or", (1.0,)), ("logical_xor", (0.5,))])
def test_in_place_logical_ops_keep_the_old_history(name: str, args: tuple) -> None:
    def case(lib: Any) -> tuple[list, list]:
        x = leaf(lib)
        y = leaf(lib, DATA[::-1].copy())
        operands = tuple(lib.full((6,), value).mul(y) for value in args)
        out = getattr(x.clone(), f"{name}_")(*operands)  # out keeps CloneBackward0
        untouched = getattr(lib.ones(6), f"{name}_")(*operands)  # records nothing
        return [x, y], [out, untouched]
    check(case)


def test_in_place_logical_op_on_a_leaf_that_requires_grad_is_allowed():
    def case(lib: Any) -> tuple[list, list]:
        x = leaf(lib)
        x.logical_not_()
        return [x], [x]
    check(case)


# --------------------------------------------------------------------------- saved outputs

@pytest.mark.parametrize("first, then", [
    ("reciprocal_", "cos_"), ("exp_", "exp_"), ("sigmoid_", "neg_"), ("tanh_", "mul_"),
    ("sqrt_", "zero_"),
])
def test_an_in_place_op_saves_the_tensor_it_wrote(first: str, then: str) -> None:
    """exp_ saves its output, which is x: a later in-place op makes its backward raise."""
    def backward(lib: Any) -> None:
        x = leaf(lib, np.abs(DATA) + 0.5)
        y = getattr(x.clone(), first)()
        getattr(y, then)(*((2.0,) if then == "mul_" else ()))
        y.sum().backward()
    assert_same_error(lambda: backward(teachgrad), lambda: backward(torch))


@pytest.mark.parametrize("first", ["reciprocal_", "exp_", "sigmoid_", "tanh_", "sqrt_"])
def test_an_in_place_op_that_saved_its_output_differentiates(first: str) -> None:
    def case(lib: Any) -> tuple[list, list]:
        x = leaf(lib, np.abs(DATA) + 0.5)
        y = getattr(x.clone(), first)()
        return [x], [y.cos()]  # cos reads y; nothing writes it again
    check(case)


def test_an_in_place_op_through_a_view_saves_the_view():
    def backward(lib: Any) -> None:
        base = leaf(lib).clone()
        view = base[1:4].exp_()
        view.add_(1)
        base.sum().backward()
    assert_same_error(lambda: backward(teachgrad), lambda: backward(torch))


# --------------------------------------------------------------------------- pow

@pytest.mark.parametrize("base_dtype", ["float32", "int64", "float64"])
def test_pow_exponent_gradient_in_the_result_dtype(base_dtype: str) -> None:
    def case(lib: Any) -> tuple[list, list]:
        base = lib.tensor(np.array([0.25, 3.0, 1.7, 0.0], dtype=base_dtype))
        exponent = lib.tensor(np.array([-0.25, 1.7, 2.3, 0.5]), requires_grad=True)
        return [exponent], [base ** exponent]
    ours_leaves, _ = run(teachgrad, case)
    theirs_leaves, _ = run(torch, case)
    assert_same_grads(ours_leaves, theirs_leaves, rtol=1e-15, atol=0.0)


# --------------------------------------------------------------------------- on a GPU

@pytest.mark.parametrize("name", ["base in column-major order", "diagonal", "two writes"])
def test_write_through_a_view_on_a_gpu(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The positions of a view in its base come from device memory addresses too."""
    import fake_cupy

    fake_cupy.install(monkeypatch)
    make, write = VIEW_WRITES[name]
    results = []
    for device in ("cpu", "cuda"):
        x = teachgrad.tensor(DATA.copy(), device=device, requires_grad=True)
        base = make(teachgrad, x)
        write(teachgrad, base, x)
        (base * teachgrad.tensor(_weights(base), device=device)).sum().backward()
        assert base.device.type == device and x.grad.device.type == device
        results.append((base.detach().cpu().numpy(), x.grad.cpu().numpy()))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-6)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-6)


@pytest.mark.parametrize("name", ["expand of a slice", "transpose of a view", "two writes"])
def test_other_views_follow_a_written_base_on_a_gpu(name: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The other views' new histories, on a (fake) GPU, give the CPU's gradients."""
    import fake_cupy

    fake_cupy.install(monkeypatch)
    make_view, write = OTHER_VIEWS[name]
    grads = []
    for device in ("cpu", "cuda"):
        x = teachgrad.tensor(DATA.copy(), device=device, requires_grad=True)
        base = x.clone()
        view = make_view(base)
        write(base, x)
        (view * teachgrad.tensor(_weights(view), device=device)).sum().backward()
        assert x.grad.device.type == device
        grads.append(x.grad.cpu().numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-6)
