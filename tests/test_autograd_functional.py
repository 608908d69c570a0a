"""teachgrad.autograd.functional against torch.autograd.functional.

The same function, written once with `lib` standing for teachgrad or torch, is
differentiated by both libraries at the same point; results are compared in value,
dtype, shape and structure (tensor, tuple, tuple of tuples). create_graph=True must
leave results that can be differentiated again, to the same second derivatives. Bad
calls raise torch's exception type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from oracle import F64, assert_same_error, torch

import teachgrad
from teachgrad.autograd import functional as tg_functional

RNG = np.random.default_rng(20261203)


def both(array: np.ndarray) -> tuple[Any, Any]:
    return teachgrad.tensor(array), torch.tensor(array)


def assert_same_structure(ours: Any, theirs: Any) -> None:
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same_structure(a, b)
        return
    assert isinstance(ours, teachgrad.Tensor), type(ours)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), **F64)


# Functions of one or two inputs, built from lib's ops so both libraries run them.
FUNCTIONS: dict[str, tuple[Callable, int]] = {
    "square": (lambda lib, x: x ** 2, 1),
    "matrix-out": (lambda lib, x: (x * 2).reshape(3, 2), 1),
    "tanh-matmul": (lambda lib, x, w: lib.tanh(x @ w), 2),
    "two-outputs": (lambda lib, x, w: (x * w.sum(), (x.exp() * w).sum()), 2),
    "unused-input": (lambda lib, x, w: x.sin(), 2),
    "scalar": (lambda lib, x: (x ** 3).sum() + x.prod(), 1),
}
SHAPES = {"square": [(4,)], "matrix-out": [(2, 3)], "tanh-matmul": [(2, 3), (3, 2)],
          "two-outputs": [(3,), (3,)], "unused-input": [(3,), (2,)], "scalar": [(2, 2)]}


def point(name: str) -> list[np.ndarray]:
    return [RNG.uniform(0.5, 1.5, shape) for shape in SHAPES[name]]


def call(lib: Any, name: str, arrays: list, as_tuple: bool) -> Any:
    function, _ = FUNCTIONS[name]
    tensors = [lib.tensor(a) for a in arrays]
    inputs = tuple(tensors) if as_tuple or len(tensors) > 1 else tensors[0]
    return (lambda *xs: function(lib, *xs)), inputs


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("as_tuple", [False, True])
def test_jacobian_matches_torch(name: str, as_tuple: bool) -> None:
    arrays = point(name)
    ours = tg_functional.jacobian(*call(teachgrad, name, arrays, as_tuple))
    theirs = torch.autograd.functional.jacobian(*call(torch, name, arrays, as_tuple))
    assert_same_structure(ours, theirs)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_vjp_and_jvp_match_torch(name: str) -> None:
    arrays = point(name)
    for kind in ("vjp", "jvp"):
        ours_fn, ours_in = call(teachgrad, name, arrays, False)
        theirs_fn, theirs_in = call(torch, name, arrays, False)
        outputs = theirs_fn(*(theirs_in if isinstance(theirs_in, tuple) else (theirs_in,)))
        like = outputs if kind == "vjp" else theirs_in
        like = like if isinstance(like, tuple) else (like,)
        vs = [RNG.standard_normal(tuple(t.shape)) for t in like]
        v_ours = tuple(teachgrad.tensor(v) for v in vs)
        v_theirs = tuple(torch.tensor(v) for v in vs)
        if len(vs) == 1:
            v_ours, v_theirs = v_ours[0], v_theirs[0]
        ours = getattr(tg_functional, kind)(ours_fn, ours_in, v_ours)
        theirs = getattr(torch.autograd.functional, kind)(theirs_fn, theirs_in, v_theirs)
        assert_same_structure(ours, theirs)


@pytest.mark.parametrize("as_tuple", [False, True])
def test_hessian_vhp_hvp_match_torch(as_tuple: bool) -> None:
    arrays = [RNG.uniform(0.5, 1.5, (3,)), RNG.uniform(0.5, 1.5, (3,))]

    def scalar(lib: Any) -> Callable:
        if as_tuple:
            return lambda x, w: (x ** 3 * w).sum() + (x * w).exp().sum()
        return lambda x: (x ** 3).sum() + x.prod() * x.sin().sum()

    inputs = arrays if as_tuple else arrays[:1]
    ours_in = tuple(teachgrad.tensor(a) for a in inputs)
    theirs_in = tuple(torch.tensor(a) for a in inputs)
    if not as_tuple:
        ours_in, theirs_in = ours_in[0], theirs_in[0]
    assert_same_structure(tg_functional.hessian(scalar(teachgrad), ours_in),
                          torch.autograd.functional.hessian(scalar(torch), theirs_in))
    v = [RNG.standard_normal(3) for _ in inputs]
    v_ours = tuple(teachgrad.tensor(a) for a in v) if as_tuple else teachgrad.tensor(v[0])
    v_theirs = tuple(torch.tensor(a) for a in v) if as_tuple else torch.tensor(v[0])
    for kind in ("vhp", "hvp"):
        assert_same_structure(getattr(tg_functional, kind)(scalar(teachgrad), ours_in, v_ours),
                              getattr(torch.autograd.functional, kind)(scalar(torch), theirs_in,
                                                                       v_theirs))


def test_results_are_detached_unless_create_graph() -> None:
    array = RNG.uniform(0.5, 1.5, (3,))
    for lib, functional in ((teachgrad, tg_functional), (torch, torch.autograd.functional)):
        x = lib.tensor(array, requires_grad=True)
        plain = functional.jacobian(lambda a: a ** 3, x)
        assert not plain.requires_grad
        output, product = functional.vjp(lambda a: a ** 3, x, lib.ones(3))
        assert not output.requires_grad and not product.requires_grad
        assert x.grad is None  # the caller's tensor is left alone


def test_create_graph_gives_second_derivatives_as_torch() -> None:
    array = RNG.uniform(0.5, 1.5, (3,))
    grads = []
    for lib, functional in ((teachgrad, tg_functional), (torch, torch.autograd.functional)):
        x = lib.tensor(array, requires_grad=True)
        jac = functional.jacobian(lambda a: a ** 3 * a.sum(), x, create_graph=True)
        assert jac.requires_grad
        jac.sum().backward()
        grads.append(x.grad)
        y = lib.tensor(array, requires_grad=True)
        _, product = functional.jvp(lambda a: a.sin() * a, y, lib.ones(3), create_graph=True)
        product.sum().backward()
        grads.append(y.grad)
    for ours, theirs in zip(grads[:2], grads[2:]):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), **F64)


def test_strict_mode_raises_as_torch() -> None:
    x_ours, x_theirs = both(np.ones(2))
    assert_same_error(
        lambda: tg_functional.jacobian(lambda a: teachgrad.ones(2), x_ours, strict=True),
        lambda: torch.autograd.functional.jacobian(lambda a: torch.ones(2), x_theirs,
                                                   strict=True))
    # Without strict, an output that does not depend on the input has a zero jacobian.
    assert_same_structure(tg_functional.jacobian(lambda a: teachgrad.ones(2), x_ours),
                          torch.autograd.functional.jacobian(lambda a: torch.ones(2), x_theirs))


BAD_CALLS = {
    "list-inputs": lambda lib, f: f.jacobian(lambda a: a, [lib.ones(2)]),
    "int-output": lambda lib, f: f.jacobian(lambda a: 3, lib.ones(2)),
    "vjp-needs-v": lambda lib, f: f.vjp(lambda a: a * 2, lib.ones(2)),
    "jvp-needs-v": lambda lib, f: f.jvp(lambda a: a * 2, lib.ones(2)),
    "v-wrong-size": lambda lib, f: f.vjp(lambda a: a * 2, lib.ones(2), lib.ones(3)),
    "v-wrong-count": lambda lib, f: f.vjp(lambda a: a * 2, lib.ones(2),
                                          (lib.ones(2), lib.ones(2))),
    "hessian-not-scalar": lambda lib, f: f.hessian(lambda a: a * 2, lib.ones(2)),
    "bad-strategy": lambda lib, f: f.jacobian(lambda a: a, lib.ones(2), strategy="bogus"),
    "forward-mode": lambda lib, f: f.jacobian(lambda a: a, lib.ones(2), strategy="forward-mode"),
}


@pytest.mark.parametrize("name", sorted(BAD_CALLS))
def test_bad_calls_raise_torchs_errors(name: str) -> None:
    call_with = BAD_CALLS[name]
    with pytest.raises(Exception) as theirs:
        call_with(torch, torch.autograd.functional)
    with pytest.raises(type(theirs.value)) as ours:
        call_with(teachgrad, tg_functional)
    assert type(ours.value) is type(theirs.value)
    if name not in ("forward-mode", "bad-strategy"):
        # same message, with torch's names for the sizes read as teachgrad's
        assert str(ours.value) == str(theirs.value).replace("torch.", "teachgrad."), name


def test_scalar_input_and_output() -> None:
    ours = tg_functional.jacobian(lambda a: a.exp() * 2, teachgrad.tensor(0.5))
    theirs = torch.autograd.functional.jacobian(lambda a: a.exp() * 2, torch.tensor(0.5))
    assert_same_structure(ours, theirs)
    assert_same_structure(tg_functional.vjp(lambda a: (a ** 2).sum(), teachgrad.tensor([1., 2.])),
                          torch.autograd.functional.vjp(lambda a: (a ** 2).sum(),
                                                        torch.tensor([1., 2.])))
