"""teachgrad's random draws shaped by tensors (multinomial, normal, bernoulli, poisson)
against torch: what does not depend on the generator. Shapes, dtypes, requires_grad,
node names and the zero gradients torch gives, value ranges, errors, that manual_seed
repeats a draw, and statistics over many draws (loosely); also on tests/fake_cupy.py's GPU.
"""

from __future__ import annotations

import numpy as np
import pytest
from oracle import assert_same, assert_same_error, torch

import teachgrad

NAN = float("nan")


def errors_match(call) -> None:
    assert_same_error(lambda: call(teachgrad), lambda: call(torch))


def _install_fake_gpu(monkeypatch) -> None:
    """tests/fake_cupy.py, lent the CuPy functions it lacks (CuPy has them, with these
    signatures), taking and giving device arrays."""
    import fake_cupy

    fake = fake_cupy.install(monkeypatch)

    def on_device(function):
        def lent(*args, **kwargs):
            host = [a._host if hasattr(a, "_host") else a for a in args]
            return fake.asarray(np.asarray(function(*host, **kwargs)))
        return lent

    monkeypatch.setattr(fake, "searchsorted", on_device(np.searchsorted), raising=False)
    monkeypatch.setattr(fake.random, "poisson", on_device(
        lambda lam, size=None: np.random.default_rng(0).poisson(lam, size)), raising=False)


PROBS = np.array([[0.1, 0.0, 0.6, 0.3], [2.0, 1.0, 1.0, 0.0]], dtype=np.float32)
RANDOM_CALLS = {
    "multinomial(p, 3)": lambda lib, p: lib.multinomial(p, 3),
    "p[0].multinomial(5, replacement=True)": lambda lib, p: p[0].multinomial(5, True),
    "multinomial(p, 2, generator=)": lambda lib, p: lib.multinomial(
        p, 2, generator=lib.Generator().manual_seed(1)),
    "normal(p, p)": lambda lib, p: lib.normal(p, p),
    "normal(p, 2.0)": lambda lib, p: lib.normal(p, 2.0),
    "normal(p[0], p[:, :1]) broadcast": lambda lib, p: lib.normal(p[0], p[:, :1]),
    "normal(1.0, p)": lambda lib, p: lib.normal(1.0, p),
    "normal(mean=p.double(), std=1)": lambda lib, p: lib.normal(mean=p.double(), std=1),
    "normal(0, 1, (2, 3))": lambda lib, p: lib.normal(0.0, 1.0, (2, 3)),
    "normal(2, 3, size=, dtype=, requires_grad=)": lambda lib, p: lib.normal(
        2.0, 3.0, size=(4,), dtype=lib.float64, requires_grad=True),
    "bernoulli(p / 2)": lambda lib, p: lib.bernoulli(p / 2),
    "(p / 2).bernoulli(generator=)": lambda lib, p: (p / 2).bernoulli(
        generator=lib.Generator()),
    "bernoulli(p, 0.25)": lambda lib, p: lib.bernoulli(p.double(), 0.25),
    "poisson(p * 3)": lambda lib, p: lib.poisson(p * 3),
}


@pytest.mark.parametrize("grad", [False, True])
@pytest.mark.parametrize("name", RANDOM_CALLS)
def test_random_draws_shaped_as_torch(name: str, grad: bool) -> None:
    results = {}
    for lib in (teachgrad, torch):
        p = lib.tensor(PROBS, requires_grad=grad)
        out = RANDOM_CALLS[name](lib, p)
        results[lib] = (out, p, out.grad_fn)
    if name == "bernoulli(p, 0.25)" and grad:  # torch has no derivative for this form
        errors_match(lambda lib: results[lib][0].sum().backward())
        grad = False
    for lib in results:
        out, p, node = results[lib]
        if grad and out.requires_grad:
            out.sum().backward()
        results[lib] = (out, p.grad, node)
    (ours, our_grad, our_node), (theirs, their_grad, their_node) = results.values()
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    assert ours.requires_grad == theirs.requires_grad
    if their_grad is None:
        assert our_grad is None
    else:  # torch: a draw's gradient with respect to its parameters is zero
        assert_same(our_grad, their_grad)
        assert our_node.name() == type(their_node).__name__
    if name.startswith(("multinomial", "p[0]")):  # valid categories, never a 0 one early
        picks = ours.numpy()
        assert ((0 <= picks) & (picks < 4)).all()
    if name.startswith(("bernoulli", "(p / 2)")):
        assert set(np.unique(ours.detach().numpy())) <= {0.0, 1.0}


@pytest.mark.parametrize("name", RANDOM_CALLS)
def test_manual_seed_repeats_draws(name: str) -> None:
    p = teachgrad.tensor(PROBS)
    teachgrad.manual_seed(7)
    first = RANDOM_CALLS[name](teachgrad, p).detach().numpy()
    teachgrad.manual_seed(7)
    again = RANDOM_CALLS[name](teachgrad, p).detach().numpy()
    np.testing.assert_array_equal(first, again)


def _frequencies(draws, categories: int) -> np.ndarray:
    counts = np.bincount(np.asarray(draws).reshape(-1), minlength=categories)
    return counts / counts.sum()


def test_draw_statistics_agree_with_torch() -> None:
    """Over many draws, both libraries' samples have the same statistics (loosely)."""
    teachgrad.manual_seed(0)
    torch.manual_seed(0)
    n = 20000
    stats = {}
    for lib in (teachgrad, torch):
        p = lib.tensor(PROBS[0])
        without = lib.multinomial(lib.tensor(PROBS).repeat(n // 2, 1), 2)
        rate, spread = lib.full((n,), 2.5), lib.full((n,), 3.0)
        stats[lib] = np.concatenate([
            _frequencies(lib.multinomial(p, n, replacement=True).numpy(), 4),
            _frequencies(without[::2, 0].numpy(), 4),  # first picks follow p
            _frequencies(without[::2, 1].numpy(), 4),  # second picks, given the first
            [float(lib.normal(rate, spread).mean()), float(lib.normal(rate, spread).std())],
            [float(lib.bernoulli(lib.full((n,), 0.3)).mean()),
             float(lib.poisson(rate).mean()), float(lib.poisson(rate).var())],
        ])
        assert (without[:, 0] != without[:, 1]).all()
    np.testing.assert_allclose(stats[teachgrad], stats[torch], atol=0.1, rtol=0.05)


RANDOM_ERRORS = {
    "multinomial of integers": lambda lib: lib.multinomial(lib.tensor([1, 2]), 1),
    "multinomial of 0 samples": lambda lib: lib.multinomial(lib.ones(2), 0),
    "multinomial too many without replacement": lambda lib: lib.multinomial(lib.ones(2), 3),
    "multinomial negative probability": lambda lib: lib.multinomial(lib.tensor([1.0, -2]),
                                                                    1),
    "multinomial nan probability": lambda lib: lib.multinomial(lib.tensor([1.0, NAN]), 1),
    "multinomial all zero": lambda lib: lib.multinomial(lib.zeros(2), 1),
    "multinomial 3-d": lambda lib: lib.multinomial(lib.ones(1, 1, 2), 1),
    "normal negative std": lambda lib: lib.normal(lib.ones(2), -1.0),
    "normal negative std numbers": lambda lib: lib.normal(0.0, -1.0, (2,)),
    "normal negative std tensor": lambda lib: lib.normal(lib.ones(1), -lib.ones(1)),
    "normal of integers": lambda lib: lib.normal(lib.tensor([1, 2]), 1.0),
    "normal shapes do not broadcast": lambda lib: lib.normal(lib.ones(2), lib.ones(3)),
    "normal tensor mean with size": lambda lib: lib.normal(lib.ones(1), 1.0, (2,)),
    "bernoulli probability above 1": lambda lib: lib.bernoulli(lib.tensor([2.0])),
    "bernoulli p above 1": lambda lib: lib.bernoulli(lib.ones(1), 2.0),
    "bernoulli of integers": lambda lib: lib.bernoulli(lib.tensor([1, 0])),
    "poisson negative rate": lambda lib: lib.poisson(lib.tensor([-1.0])),
    "poisson of integers": lambda lib: lib.poisson(lib.tensor([1])),
}


@pytest.mark.parametrize("name", RANDOM_ERRORS)
def test_random_errors_as_torch(name: str) -> None:
    errors_match(RANDOM_ERRORS[name])


@pytest.mark.parametrize("name", RANDOM_CALLS)
def test_random_draws_on_the_fake_gpu(name: str, monkeypatch) -> None:
    _install_fake_gpu(monkeypatch)
    p = teachgrad.tensor(PROBS, device="cuda")
    cpu = RANDOM_CALLS[name](teachgrad, teachgrad.tensor(PROBS))
    out = RANDOM_CALLS[name](teachgrad, p)
    assert (out.shape, out.dtype) == (cpu.shape, cpu.dtype)
    assert out.device.type == ("cpu" if name.startswith("normal(0") or "size=" in name
                               else "cuda")
