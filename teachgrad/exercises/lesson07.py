"""Checks for the exercises of lesson 07 (convnets).

Each check runs the learner's code against teachgrad's own modules (or a reference
written here), raises AssertionError with a hint on the first problem, and returns a
confirmation when everything is right.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

import teachgrad
from teachgrad import nn
from teachgrad.exercises.verdict import exercise


def _run(description: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call fn(*args, **kwargs); turn an error into an AssertionError that says where."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise  # the stub, not yet written
    except (RuntimeError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise AssertionError(f"{description} failed: {type(error).__name__}: {error}") from error


def _count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


# ------------------------------------------------------------------ exercise 1


@exercise
def check_parameter_counts(linear_count: Callable[..., int],
                           conv2d_count: Callable[..., int]) -> str:
    """linear_count(in_features, out_features, bias=True) and
    conv2d_count(in_channels, out_channels, kernel_size, bias=True): parameter counts."""
    linear_cases = [(3, 5, True), (400, 120, True), (7, 1, False), (1, 1, True)]
    for in_features, out_features, bias in linear_cases:
        expected = _count(nn.Linear(in_features, out_features, bias=bias))
        call = f"linear_count({in_features}, {out_features}, bias={bias})"
        got = _run(call, linear_count, in_features, out_features, bias=bias)
        if got != expected:
            hint = ("a Linear layer has a weight of shape (out_features, in_features)"
                    + (" and one bias per output" if bias else ", and no bias here"))
            raise AssertionError(f"{call} returned {got!r}, expected {expected}: {hint}")

    conv_cases = [(1, 6, 5, True), (6, 16, 5, True), (3, 8, (3, 5), True), (4, 2, 3, False)]
    for in_channels, out_channels, kernel_size, bias in conv_cases:
        expected = _count(nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias))
        call = f"conv2d_count({in_channels}, {out_channels}, {kernel_size}, bias={bias})"
        got = _run(call, conv2d_count, in_channels, out_channels, kernel_size, bias=bias)
        if got != expected:
            hint = ("each of the out_channels filters has in_channels * kh * kw weights"
                    + (", plus one bias per filter" if bias else "; there is no bias here"))
            if not isinstance(kernel_size, int):
                hint += ". kernel_size may be a pair (kh, kw)"
            raise AssertionError(f"{call} returned {got!r}, expected {expected}: {hint}")

    lenet = (linear_count(400, 120) + linear_count(120, 84) + linear_count(84, 10)
             + conv2d_count(1, 6, 5) + conv2d_count(6, 16, 5))
    return f"Correct: both formulas match teachgrad's layers (LeNet: {lenet:,} parameters)."


# ------------------------------------------------------------------ exercise 2

# The architecture of exercise 2, as (parameter shape) for each parameter tensor.
SMALL_CONVNET_SHAPES = [(8, 3, 3, 3), (8,), (16, 8, 3, 3), (16,), (10, 144), (10,)]
SMALL_CONVNET_COUNT = sum(math.prod(shape) for shape in SMALL_CONVNET_SHAPES)  # 2842


@exercise
def check_small_convnet(net_class: type) -> str:
    """net_class(): a Module mapping (N, 3, 16, 16) images to (N, 10) class scores."""
    if not (isinstance(net_class, type) and issubclass(net_class, nn.Module)):
        raise AssertionError(
            f"pass the class itself, a subclass of nn.Module (got {net_class!r})"
        )
    net = _run(f"{net_class.__name__}()", net_class)
    params = list(net.named_parameters())
    if not params:
        raise AssertionError(
            "the model has no parameters at all: assign the layers as attributes in "
            "__init__ (self.conv1 = nn.Conv2d(...)), after super().__init__(). Layers kept in "
            "a plain Python list are not registered"
        )
    shapes = sorted(tuple(p.shape) for _, p in params)
    if shapes != sorted(SMALL_CONVNET_SHAPES):
        listing = ", ".join(f"{name} {tuple(p.shape)}" for name, p in params)
        raise AssertionError(
            f"the parameters are [{listing}] ({_count(net):,} numbers); expected tensors of "
            f"shapes {SMALL_CONVNET_SHAPES} ({SMALL_CONVNET_COUNT:,} numbers). Check "
            "in_channels/out_channels of each layer, and the flattened size that goes into "
            "the Linear layer (follow the shapes through the network)"
        )

    generator = np.random.default_rng(5)
    for batch in (4, 1):
        x = teachgrad.tensor(generator.standard_normal((batch, 3, 16, 16)).astype(np.float32))
        out = _run(f"forward on a batch of shape {list(x.shape)}", net, x)
        if not isinstance(out, teachgrad.Tensor) or tuple(out.shape) != (batch, 10):
            got = tuple(out.shape) if isinstance(out, teachgrad.Tensor) else type(out).__name__
            raise AssertionError(
                f"for input of shape {tuple(x.shape)} forward returned {got}, expected "
                f"{(batch, 10)}: one row of 10 scores per image (flatten with x.flatten(1), "
                "which keeps the batch dimension)"
            )

    net.zero_grad()
    _run("backward", out.sum().backward)
    unused = [name for name, p in params if p.grad is None]
    if unused:
        raise AssertionError(
            f"no gradient reached {unused}: forward must use every layer"
        )

    reference = _reference_convnet(net, x)
    if not np.allclose(out.detach().numpy(), reference, rtol=1e-4, atol=1e-5):
        raise AssertionError(
            "the output shape is right but the values are not: check the order "
            "conv -> ReLU -> max-pool (2x2) for each block, the padding (1 for the first "
            "convolution, none for the second), and that there is no activation after "
            "the Linear layer"
        )
    return (f"Correct: (N, 3, 16, 16) -> (N, 10), {SMALL_CONVNET_COUNT:,} parameters, and every "
            "layer is used in the right order.")


def _reference_convnet(net: nn.Module, x: teachgrad.Tensor) -> np.ndarray:
    """The expected output, computed with the learner's own parameters found by shape."""
    F = nn.functional  # noqa: N806 - torch's name
    by_shape = {tuple(p.shape): p for p in net.parameters()}
    with teachgrad.no_grad():
        h = F.conv2d(x, by_shape[(8, 3, 3, 3)], by_shape[(8,)], padding=1)
        h = F.max_pool2d(F.relu(h), 2)
        h = F.conv2d(h, by_shape[(16, 8, 3, 3)], by_shape[(16,)])
        h = F.max_pool2d(F.relu(h), 2)
        h = F.linear(h.flatten(1), by_shape[(10, 144)], by_shape[(10,)])
    return h.numpy()
