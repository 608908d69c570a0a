"""Finite-difference gradient checks (float64) for nn.functional's breadth.

Each case is small: gradcheck perturbs every input element twice. Values that a max
could tie on are drawn distinct, so finite differences see one winner.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import teachgrad
import teachgrad.nn.functional as F
from teachgrad.autograd import gradcheck

RNG = np.random.default_rng(7)


def leaf(*shape: int) -> teachgrad.Tensor:
    return teachgrad.tensor(RNG.standard_normal(shape), requires_grad=True)


def distinct(*shape: int) -> teachgrad.Tensor:
    count = int(np.prod(shape))
    values = RNG.permutation(count).reshape(shape) * 0.37 - count * 0.15
    return teachgrad.tensor(values.astype(np.float64), requires_grad=True)


CASES: dict[str, tuple[Callable, Callable]] = {
    "pad-constant": (lambda x: F.pad(x, (1, -1, 2, 0), value=0.5), lambda: [leaf(2, 3, 3)]),
    "pad-reflect": (lambda x: F.pad(x, (2, 1, 0, 2), mode="reflect"), lambda: [leaf(1, 3, 4)]),
    "pad-replicate": (lambda x: F.pad(x, (2, -1), mode="replicate"), lambda: [leaf(2, 3)]),
    "pad-circular": (lambda x: F.pad(x, (1, 2, 1, 0, 1, 1), mode="circular"),
                     lambda: [leaf(1, 2, 2, 3)]),
    "conv1d": (lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1, dilation=2, groups=2),
               lambda: [leaf(2, 4, 7), leaf(4, 2, 2), leaf(4)]),
    "conv3d": (lambda x, w: F.conv3d(x, w, padding=(1, 0, 1)),
               lambda: [leaf(1, 2, 3, 2, 3), leaf(2, 2, 2, 2, 2)]),
    "conv_transpose2d": (lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1,
                                                            output_padding=1, dilation=(1, 2)),
                         lambda: [leaf(2, 2, 3, 2), leaf(2, 3, 2, 2), leaf(3)]),
    "conv_transpose2d-groups": (lambda x, w: F.conv_transpose2d(x, w, stride=(1, 2), groups=2),
                                lambda: [leaf(1, 4, 2, 3), leaf(4, 1, 2, 2)]),
    "conv_transpose1d": (lambda x, w, b: F.conv_transpose1d(x, w, b, stride=3, padding=1,
                                                            output_padding=2),
                         lambda: [leaf(2, 2, 3), leaf(2, 2, 3), leaf(2)]),
    "conv_transpose3d": (lambda x, w: F.conv_transpose3d(x, w, stride=(1, 2, 1)),
                         lambda: [leaf(1, 2, 2, 2, 1), leaf(2, 1, 2, 1, 2)]),
    "max_pool1d": (lambda x: F.max_pool1d(x, 3, 2, padding=1, ceil_mode=True),
                   lambda: [distinct(2, 2, 6)]),
    "avg_pool1d": (lambda x: F.avg_pool1d(x, 3, 2, padding=1, count_include_pad=False),
                   lambda: [leaf(2, 6)]),
    "max_pool3d": (lambda x: F.max_pool3d(x, 2, (1, 2, 1), dilation=(1, 1, 2)),
                   lambda: [distinct(1, 2, 3, 4, 4)]),
    "avg_pool3d": (lambda x: F.avg_pool3d(x, 2, 1, padding=1, ceil_mode=True),
                   lambda: [leaf(2, 3, 2, 3)]),
    "adaptive_avg_pool2d": (lambda x: F.adaptive_avg_pool2d(x, (3, 2)), lambda: [leaf(2, 5, 3)]),
    "adaptive_max_pool2d": (lambda x: F.adaptive_max_pool2d(x, (3, 4)),
                            lambda: [distinct(1, 2, 5, 6)]),
    "adaptive_avg_pool3d": (lambda x: F.adaptive_avg_pool3d(x, (2, 1, 3)),
                            lambda: [leaf(1, 3, 2, 4)]),
    "adaptive_max_pool1d": (lambda x: F.adaptive_max_pool1d(x, 3), lambda: [distinct(2, 7)]),
    "interpolate-nearest": (lambda x: F.interpolate(x, scale_factor=1.6),
                            lambda: [leaf(1, 2, 3, 2)]),
    "interpolate-bilinear": (lambda x: F.interpolate(x, size=(4, 3), mode="bilinear"),
                             lambda: [leaf(1, 2, 3, 5)]),
    "interpolate-bilinear-corners": (lambda x: F.interpolate(x, scale_factor=(1.5, 0.7),
                                                             mode="bilinear", align_corners=True),
                                     lambda: [leaf(2, 1, 3, 4)]),
    "interpolate-bicubic": (lambda x: F.interpolate(x, size=5, mode="bicubic"),
                            lambda: [leaf(1, 1, 3, 4)]),
    "max_unpool2d": (lambda v, i: F.max_unpool2d(v, i, 2, output_size=(5, 4)),
                     lambda: _pooled(distinct(2, 1, 5, 4))),
    "attention": (lambda q, k, v: F.scaled_dot_product_attention(q, k, v),
                  lambda: [leaf(2, 3, 2), leaf(2, 4, 2), leaf(2, 4, 3)]),
    "attention-causal-scale": (lambda q, k, v: F.scaled_dot_product_attention(
        q, k, v, is_causal=True, scale=0.7), lambda: [leaf(1, 2, 3, 2), leaf(1, 2, 3, 2),
                                                       leaf(1, 2, 3, 2)]),
    "attention-float-mask": (lambda q, k, v, m: F.scaled_dot_product_attention(
        q, k, v, attn_mask=m), lambda: [leaf(3, 2), leaf(4, 2), leaf(4, 1), leaf(3, 4)]),
    "attention-bool-mask": (lambda q, k, v: F.scaled_dot_product_attention(
        q, k, v, attn_mask=teachgrad.tensor([[True, False, True], [False, False, False]])),
        lambda: [leaf(2, 2), leaf(3, 2), leaf(3, 2)]),
    "normalize": (lambda x: F.normalize(x, dim=-1), lambda: [leaf(2, 3, 4)]),
    "unfold": (lambda x: F.unfold(x, 2, padding=1, stride=(2, 1)), lambda: [leaf(1, 2, 3, 3)]),
    "fold": (lambda c: F.fold(c, (3, 4), 2, dilation=(1, 2)), lambda: [leaf(1, 8, 4)]),
    "normalize-p1": (lambda x: F.normalize(x, p=1, dim=0), lambda: [leaf(3, 4)]),
    "interpolate-linear": (lambda x: F.interpolate(x, scale_factor=2.5, mode="linear",
                                                   align_corners=True), lambda: [leaf(2, 1, 3)]),
    "interpolate-nearest-exact": (lambda x: F.interpolate(x, size=(4, 2), mode="nearest-exact"),
                                  lambda: [leaf(1, 1, 3, 3)]),
    "interpolate-area": (lambda x: F.interpolate(x, size=(2, 3), mode="area"),
                         lambda: [leaf(1, 1, 3, 5)]),
    "adaptive_max_pool3d": (lambda x: F.adaptive_max_pool3d(x, (2, 1, 2)),
                            lambda: [distinct(1, 3, 2, 3)]),
    "adaptive_avg_pool1d": (lambda x: F.adaptive_avg_pool1d(x, 4), lambda: [leaf(2, 2, 5)]),
    "max_unpool3d": (lambda v, i: F.max_unpool3d(v, i, 2),
                     lambda: _pooled(distinct(1, 1, 2, 4, 2), F.max_pool3d)),
    "interpolate-trilinear": (lambda x: F.interpolate(x, size=(3, 2, 3), mode="trilinear"),
                              lambda: [leaf(1, 1, 2, 3, 2)]),
}


def _pooled(x: teachgrad.Tensor, pool: Callable = F.max_pool2d) -> list:
    values, indices = pool(x, 2, return_indices=True)
    return [values.detach().requires_grad_(), indices]


def second_order(fn: Callable, inputs: list) -> None:
    """Gradients of the gradient: backward of the op's backward, also by differences."""
    weights = teachgrad.tensor(RNG.standard_normal(tuple(fn(*inputs).shape)))

    def grads(*xs: teachgrad.Tensor) -> tuple:
        with teachgrad.enable_grad():  # gradcheck's differences run without recording
            xs = tuple(x if x.requires_grad else x.detach().requires_grad_() for x in xs)
            out = (fn(*xs) * weights).sum()
            return teachgrad.autograd.grad(out, xs, create_graph=True)

    assert gradcheck(grads, inputs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name: str) -> None:
    fn, make = CASES[name]
    assert gradcheck(fn, make())


# Convolutions are linear in each input: their second derivatives are the cross terms
# (x with w), which run backward's own ops (Im2Col/Col2Im and products) backwards.
# Attention and normalize are not linear at all.
SECOND_ORDER = {
    "attention": (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),
                  lambda: [leaf(3, 2), leaf(3, 2), leaf(3, 2)]),
    "normalize": (lambda x: F.normalize(x, dim=0), lambda: [leaf(3, 2)]),
    "conv1d": (lambda x, w: F.conv1d(x, w, stride=2, padding=1, groups=2),
               lambda: [leaf(1, 4, 5), leaf(2, 2, 2)]),
    "conv_transpose2d": (lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1,
                                                         output_padding=1),
                         lambda: [leaf(1, 2, 2, 2), leaf(2, 2, 2, 2)]),
}


@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
def test_second_order(name: str) -> None:
    fn, make = SECOND_ORDER[name]
    second_order(fn, make())
