"""Public PyTorch tutorials run unchanged with `import teachgrad as torch`.

tests/tutorials/ retells, in its own words, the code of 'Learning PyTorch with
Examples', the 60-minute blitz, the 'Learn the Basics' series and 'What is torch.nn
really?', making the tutorials' calls in their order; each step is a function
`step(torch)` that prints what the tutorial prints. Here every step runs twice, with
torch and with teachgrad, from the same random numbers (shared_randomness.same_draws),
and the printed text must agree: words and integers exactly, floats up to rounding
in their last printed digit (or a relative 1e-4, float32 arithmetic summed in
another order), object addresses and the library's name aside.

Where a tutorial needs a library outside PyTorch (torchvision's datasets and
models), a stand-in keeps the same calls: random images, a small network, the 8x8
digits of teachgrad.datasets (scikit-learn's copy) in place of MNIST.
"""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

import numpy as np
import pytest
from oracle import torch as real_torch
from tutorials import basics, blitz, learning_with_examples, nn_really
from tutorials.shared_randomness import same_draws

import teachgrad

STEPS = [step for module in (learning_with_examples, blitz, basics, nn_really)
         for step in module.SCRIPTS]
SEED = 0
RTOL = 1e-4

NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def printed(lib: Any, step: Any) -> str:
    """What `step` prints when run with `lib`, its random numbers drawn from SEED."""
    buffer = io.StringIO()
    threads = real_torch.get_num_threads()
    # torch's thread pool on a busy CI machine only adds waiting, to these small ops
    real_torch.set_num_threads(1)
    try:
        with same_draws(lib, SEED), contextlib.redirect_stdout(buffer):
            step(lib)
    finally:
        lib.set_default_device("cpu")  # the autograd step sets it, as the tutorial does
        real_torch.set_num_threads(threads)
    text = buffer.getvalue().replace("teachgrad.", "torch.")
    return re.sub(r" object at 0x[0-9a-fA-F]+", " object", text)


def last_digit(token: str) -> float:
    """One unit in the last printed place of a float: how far rounding can move it."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def assert_same_print(ours: str, theirs: str, where: str) -> None:
    our_lines, their_lines = ours.splitlines(), theirs.splitlines()
    assert len(our_lines) == len(their_lines), \
        f"{where}: teachgrad printed\n{ours}\ntorch printed\n{theirs}"
    for number, (mine, other) in enumerate(zip(our_lines, their_lines), 1):
        context = f"{where}, line {number}:\n  teachgrad: {mine}\n  torch:     {other}"
        # Words must match; the width of a tensor's columns follows its signs.
        assert [part.strip() for part in NUMBER.split(mine)] == \
            [part.strip() for part in NUMBER.split(other)], context
        my_tokens, their_tokens = NUMBER.findall(mine), NUMBER.findall(other)
        # near-zero results of sums: error relative to the line's largest float
        scale = max([1.0] + [abs(float(token)) for token in their_tokens
                             if re.search(r"[.eE]", token)])
        for mine_token, their_token in zip(my_tokens, their_tokens):
            if not re.search(r"[.eE]", their_token):
                assert mine_token == their_token, context  # counts, labels, sizes
                continue
            got, expected = float(mine_token), float(their_token)
            allowed = max(RTOL * abs(expected), 1.01 * last_digit(their_token),
                          1e-5 * scale)
            assert abs(got - expected) <= allowed, context


@pytest.mark.parametrize("step", STEPS,
                         ids=[f"{s.__module__.split('.')[-1]}.{s.__name__}" for s in STEPS])
def test_tutorial_prints_what_torch_prints(step: Any) -> None:
    if step.__module__ in ("tutorials.basics", "tutorials.nn_really"):
        pytest.importorskip("sklearn", reason="the digits data comes with scikit-learn")
    theirs = printed(real_torch, step)
    ours = printed(teachgrad, step)
    assert theirs.strip(), "the step printed nothing"
    assert_same_print(ours, theirs, step.__name__)


def test_tensor_fit_matches_the_numpy_warmup() -> None:
    """The warm-up's NumPy loop (float64) and teachgrad's tensors (float32) agree."""
    in_numpy = printed(teachgrad, learning_with_examples.numpy_warmup)
    on_tensors = printed(teachgrad, learning_with_examples.tensors)
    assert_same_print(on_tensors, in_numpy, "warm-up")


def test_the_comparison_notices_a_difference() -> None:
    """The checker itself: a changed digit, word or count fails; rounding does not."""
    assert_same_print("loss 2.327763 [64]", "loss 2.327764 [64]", "rounding")
    for changed in ("loss 2.330 [64]", "lost 2.327764 [64]", "loss 2.327764 [65]"):
        with pytest.raises(AssertionError):
            assert_same_print(changed, "loss 2.327764 [64]", "changed")


def test_same_draws_gives_both_libraries_the_same_numbers() -> None:
    drawn, originals = [], (teachgrad.randn, real_torch.randn, real_torch.nn.init.uniform_)
    for lib in (teachgrad, real_torch):
        with same_draws(lib, 7):
            layer = lib.nn.Linear(3, 2)
            drawn.append([lib.randn(2, 2).numpy(), lib.rand(()).numpy(),
                          lib.randint(0, 5, (4,)).numpy(), lib.randperm(5).numpy(),
                          layer.weight.detach().numpy(), layer.bias.detach().numpy()])
    for ours, theirs in zip(*drawn):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    # put back afterwards
    assert (teachgrad.randn, real_torch.randn, real_torch.nn.init.uniform_) == originals


# ------------------------------------------------ fixes the tutorials needed


def _scatter_one_place(lib: Any, call: tuple, src: str) -> list:
    """out, x.grad and src.grad (or the exception's type) for a scatter with index tensor(3)."""
    method, *extra = call
    x = lib.zeros(5, requires_grad=True)
    source = {"value": 2.5, "scalar": lib.tensor(2.5, requires_grad=True),
              "vector": lib.tensor([2.5, 4.0], requires_grad=True)}[src]
    out = getattr(x, method)(0, lib.tensor(3), source, *extra)
    try:
        (out * lib.arange(5.0)).sum().backward()
    except RuntimeError as error:  # torch cannot differentiate a src larger than index
        return [out.detach().numpy(), type(error)]
    grads = [x.grad.numpy()] + ([] if src == "value" else [source.grad.numpy()])
    return [out.detach().numpy(), *grads]


SCATTERS = [("scatter",), ("scatter_add",),
            *[("scatter_reduce", reduce) for reduce in ("sum", "prod", "mean", "amax", "amin")]]
# torch's prod/amax/amin backward formulas broadcast a 0-d gather against a longer src and
# answer gradients for it; teachgrad raises there, as both libraries do for sum and mean
# (and for a src longer than a 1-d index): test_longer_src_refused_where_torch_answers.
QUIET_IN_TORCH = {"prod", "amax", "amin"}
SCATTER_CASES = [(call, src) for call in SCATTERS for src in ("value", "scalar", "vector")
                 if (src != "value" or call[0] == "scatter")  # only scatter takes a number
                 and not (src == "vector" and call[-1] in QUIET_IN_TORCH)]


@pytest.mark.parametrize(("call", "src"), SCATTER_CASES,
                         ids=["-".join(call) + "-" + src for call, src in SCATTER_CASES])
def test_scatter_with_a_0d_index_writes_one_place(call: tuple, src: str) -> None:
    """The basics' one-hot target, zeros(10).scatter_(0, tensor(label), value=1): a 0-d
    index names one place (teachgrad used to fill every place)."""
    ours = _scatter_one_place(teachgrad, call, src)
    theirs = _scatter_one_place(real_torch, call, src)
    assert len(ours) == len(theirs)
    for mine, other in zip(ours, theirs):
        if isinstance(other, type):
            assert mine is other
        else:
            np.testing.assert_array_equal(mine, other)


@pytest.mark.parametrize("reduce", sorted(QUIET_IN_TORCH))
def test_longer_src_refused_where_torch_answers(reduce: str) -> None:
    """A known difference, kept on purpose: src's gradient through a 0-d index, src longer."""
    ours = _scatter_one_place(teachgrad, ("scatter_reduce", reduce), "vector")
    theirs = _scatter_one_place(real_torch, ("scatter_reduce", reduce), "vector")
    np.testing.assert_array_equal(ours[0], theirs[0])  # the same values forward
    assert ours[1] is RuntimeError  # teachgrad: torch's error for sum and mean here
    assert len(theirs) == 3  # torch: gradients for x and src, no error


def test_one_hot_by_scatter_in_place() -> None:
    made = [lib.zeros(10, dtype=lib.float).scatter_(0, lib.tensor(4), value=1).tolist()
            for lib in (teachgrad, real_torch)]
    assert made[0] == made[1] == [0.0] * 4 + [1.0] + [0.0] * 5


def test_accelerator_answers_like_torch_on_the_cpu() -> None:
    ours, theirs = teachgrad.accelerator, real_torch.accelerator
    if teachgrad.cuda.is_available():
        assert ours.is_available() and ours.current_accelerator().type == "cuda"
        assert ours.device_count() == teachgrad.cuda.device_count()
        return
    assert ours.is_available() is theirs.is_available() is False
    assert ours.current_accelerator() is None
    assert ours.device_count() == 0
    for accelerator in (ours, theirs):
        with pytest.raises(RuntimeError, match="none is available"):
            accelerator.current_device_index()
