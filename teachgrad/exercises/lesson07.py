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


# ------------------------------------------------------------------ exercise 3


def _centered_reference(batches: list[np.ndarray], momentum: float) -> tuple[list, np.ndarray]:
    """Training outputs (x - batch mean) and the running mean after the batches."""
    running = np.zeros(batches[0].shape[1])
    outputs = []
    for batch in batches:
        mean = batch.mean(axis=0)
        outputs.append(batch - mean)
        running = (1 - momentum) * running + momentum * mean
    return outputs, running


@exercise
def check_centered(centered_class: type) -> str:
    """centered_class(num_features, momentum=0.1): subtracts the batch mean while
    training, keeps a running mean in a buffer, and subtracts that in eval()."""
    if not (isinstance(centered_class, type) and issubclass(centered_class, nn.Module)):
        raise AssertionError(f"pass the class itself, a subclass of nn.Module (got "
                             f"{centered_class!r})")
    layer = _run("Centered(3, momentum=0.25)", centered_class, 3, momentum=0.25)
    if list(layer.parameters()):
        raise AssertionError(
            "Centered has parameters: the running mean is not trained, so it must not be an "
            "nn.Parameter (a gradient step would change it). Register it as a buffer"
        )
    buffers = dict(layer.named_buffers())
    if "running_mean" not in buffers:
        raise AssertionError(
            f"no buffer named running_mean (buffers: {sorted(buffers) or 'none'}): create it "
            "with self.register_buffer('running_mean', teachgrad.zeros(num_features)); a "
            "plain attribute is missed by .to() and state_dict()"
        )
    running = buffers["running_mean"]
    if tuple(running.shape) != (3,) or bool(running.abs().sum() != 0):
        raise AssertionError(f"running_mean should start as zeros of shape (3,), one per "
                             f"feature; it is {running.tolist()}")
    if "running_mean" not in layer.state_dict():
        raise AssertionError("running_mean is missing from state_dict(): register it as a "
                             "persistent buffer (the default), so it is saved")

    generator = np.random.default_rng(7)
    batches = [generator.normal(2.0, 1.0, (5, 3)).astype(np.float32) for _ in range(2)]
    expected_out, expected_running = _centered_reference(batches, 0.25)
    layer.train()
    for step, (batch, expected) in enumerate(zip(batches, expected_out)):
        x = teachgrad.tensor(batch, requires_grad=True)
        out = _run("calling the layer in training mode", layer, x)
        if not isinstance(out, teachgrad.Tensor) or not np.allclose(
                out.detach().numpy(), expected, atol=1e-5):
            raise AssertionError(
                f"in training mode, batch {step}: the output should be x minus the mean of "
                "this batch, per feature (x.mean(dim=0))"
            )
        _run("backward through the layer", out.sum().backward)
    running = layer.running_mean
    if not np.allclose(running.detach().numpy(), expected_running, atol=1e-5):
        raise AssertionError(
            f"after two training batches running_mean is {np.round(running.tolist(), 4)}, "
            f"expected {np.round(expected_running, 4)}: update it as (1 - momentum) * "
            "running_mean + momentum * batch_mean, once per call in training mode"
        )
    if running.requires_grad or running.grad_fn is not None:
        raise AssertionError(
            "running_mean has become part of the autograd graph: update it inside "
            "`with teachgrad.no_grad():`, in place (self.running_mean.mul_(...).add_(...)) "
            "or by assigning the new tensor to self.running_mean"
        )

    layer.eval()
    x = teachgrad.tensor(generator.normal(2.0, 1.0, (4, 3)).astype(np.float32))
    out = _run("calling the layer in eval mode", layer, x)
    if not np.allclose(out.detach().numpy(), x.numpy() - expected_running, atol=1e-5):
        raise AssertionError(
            "in eval mode the output should be x - running_mean (check self.training), "
            "with no batch statistics"
        )
    if not np.allclose(layer.running_mean.numpy(), expected_running, atol=1e-6):
        raise AssertionError("in eval mode the running mean must not change")

    layer.double()
    if layer.running_mean.dtype != teachgrad.float64:
        raise AssertionError("after .double() running_mean is still "
                             f"{layer.running_mean.dtype}: it should be a buffer")
    return ("Correct: the running mean is a buffer (saved, converted by .double(), never "
            "trained), updated while training and used in eval().")
