"""The checks of lesson 06's exercises accept the reference answers and reject wrong ones."""

from __future__ import annotations

import math

import pytest
from exercise_verdicts import assert_not_attempted, assert_wrong

import teachgrad
import teachgrad.nn as nn
import teachgrad.nn.functional as F
from teachgrad.exercises import lesson06

# --- exercise 1: parameter counts ---------------------------------------------------------


def linear_count(in_features, out_features, bias=True):
    return out_features * in_features + (out_features if bias else 0)


def conv2d_count(in_channels, out_channels, kernel_size, bias=True):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return out_channels * in_channels * kh * kw + (out_channels if bias else 0)


def test_counts_accept_reference(capsys):
    lesson06.check_parameter_counts(linear_count, conv2d_count)
    assert "61,706" in capsys.readouterr().out


def linear_count_always_bias(in_features, out_features, bias=True):
    return out_features * in_features + out_features


def linear_count_no_bias(in_features, out_features, bias=True):
    return out_features * in_features


def conv2d_count_ignores_in_channels(in_channels, out_channels, kernel_size, bias=True):
    k = kernel_size if isinstance(kernel_size, int) else kernel_size[0]
    return out_channels * k * k + (out_channels if bias else 0)


def conv2d_count_square_only(in_channels, out_channels, kernel_size, bias=True):
    k = kernel_size if isinstance(kernel_size, int) else kernel_size[0]
    return out_channels * in_channels * k * k + (out_channels if bias else 0)


@pytest.mark.parametrize(
    ("linear", "conv"),
    [
        (linear_count_always_bias, conv2d_count),
        (linear_count_no_bias, conv2d_count),
        (linear_count, conv2d_count_ignores_in_channels),
        (linear_count, conv2d_count_square_only),
    ],
)
def test_counts_reject_wrong_formulas(linear, conv):
    assert_wrong(lesson06.check_parameter_counts, linear, conv)


# --- exercise 2: a small convolutional network -------------------------------------------


class SmallConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, kernel_size=3)
        self.fc = nn.Linear(16 * 3 * 3, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.flatten(1))


class SmallConvNetSequential(nn.Module):
    """Also right: the same layers in a Sequential, with other names."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(144, 10),
        )

    def forward(self, x):
        return self.body(x)


@pytest.mark.parametrize("net_class", [SmallConvNet, SmallConvNetSequential])
def test_convnet_accepts_reference(net_class, capsys):
    lesson06.check_small_convnet(net_class)
    assert "2,842" in capsys.readouterr().out


class NoPadding(SmallConvNet):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, kernel_size=3)
        self.fc = nn.Linear(16 * 2 * 2, 10)


class LayersInAList(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Conv2d(3, 8, 3, padding=1), nn.Conv2d(8, 16, 3), nn.Linear(144, 10)]

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.layers[0](x)), 2)
        x = F.max_pool2d(F.relu(self.layers[1](x)), 2)
        return self.layers[2](x.flatten(1))


class FlattensTheBatch(SmallConvNet):
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.reshape(-1, 144)[:1])  # loses the batch


class ReluAfterLast(SmallConvNet):
    def forward(self, x):
        return F.relu(super().forward(x))


class SkipsSecondConv(SmallConvNet):
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(teachgrad.cat([x, x], dim=1)[:, :, :6, :6], 2)  # conv2 unused
        return self.fc(x.flatten(1))


class WrongOrder(SmallConvNet):
    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 4)
        x = x[:, :, :3, :3]
        return self.fc(x.flatten(1))


@pytest.mark.parametrize(
    "net_class",
    [NoPadding, LayersInAList, FlattensTheBatch, ReluAfterLast, SkipsSecondConv, WrongOrder],
)
def test_convnet_rejects_wrong_models(net_class):
    assert_wrong(lesson06.check_small_convnet, net_class)


def test_convnet_rejects_an_instance():
    assert_wrong(lesson06.check_small_convnet, SmallConvNet())


def test_expected_count_is_the_formula():
    assert lesson06.SMALL_CONVNET_COUNT == (3 * 8 * 9 + 8) + (8 * 16 * 9 + 16) + (144 * 10 + 10)


# --- exercise 3: mini-batch SGD -------------------------------------------------------------


def fit(model, loss_fn, x, y, lr, epochs, batch_size):
    losses = []
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            x_batch, y_batch = x[start:start + batch_size], y[start:start + batch_size]
            loss = loss_fn(model(x_batch), y_batch)
            model.zero_grad()
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
            losses.append(loss.item())
    return losses


def fit_zeroing_after_update(model, loss_fn, x, y, lr, epochs, batch_size):
    """Also right: zero the gradients after the update instead of before backward."""
    losses = []
    n_batches = math.ceil(x.shape[0] / batch_size)
    for _ in range(epochs):
        for b in range(n_batches):
            sl = slice(b * batch_size, (b + 1) * batch_size)
            loss = loss_fn(model(x[sl]), y[sl])
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p.sub_(lr * p.grad)
                    p.grad.zero_()
            losses.append(float(loss))
    return losses


def test_fit_accepts_reference(capsys):
    lesson06.check_fit(fit)
    lesson06.check_fit(fit_zeroing_after_update)
    assert "9 steps" in capsys.readouterr().out


def fit_without_zero_grad(model, loss_fn, x, y, lr, epochs, batch_size):
    losses = []
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            loss = loss_fn(model(x[start:start + batch_size]), y[start:start + batch_size])
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
            losses.append(loss.item())
    return losses


def fit_without_no_grad(model, loss_fn, x, y, lr, epochs, batch_size):
    losses = []
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            loss = loss_fn(model(x[start:start + batch_size]), y[start:start + batch_size])
            model.zero_grad()
            loss.backward()
            for p in model.parameters():
                p -= lr * p.grad
            losses.append(loss.item())
    return losses


def fit_rebinding(model, loss_fn, x, y, lr, epochs, batch_size):
    losses = []
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            loss = loss_fn(model(x[start:start + batch_size]), y[start:start + batch_size])
            model.zero_grad()
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p = p - lr * p.grad  # the mistake being tested
            losses.append(loss.item())
    return losses


def fit_dropping_last_batch(model, loss_fn, x, y, lr, epochs, batch_size):
    losses = []
    for _ in range(epochs):
        for start in range(0, len(x) - batch_size + 1, batch_size):
            loss = loss_fn(model(x[start:start + batch_size]), y[start:start + batch_size])
            model.zero_grad()
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
            losses.append(loss.item())
    return losses


def fit_gradient_ascent(model, loss_fn, x, y, lr, epochs, batch_size):
    losses = []
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            loss = loss_fn(model(x[start:start + batch_size]), y[start:start + batch_size])
            model.zero_grad()
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p += lr * p.grad
            losses.append(loss.item())
    return losses


def fit_full_batch(model, loss_fn, x, y, lr, epochs, batch_size):
    return fit(model, loss_fn, x, y, lr, epochs * math.ceil(len(x) / batch_size), len(x))


def fit_returning_pairs(model, loss_fn, x, y, lr, epochs, batch_size):
    """One pair per step instead of one number."""
    out = []
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            loss = loss_fn(model(x[start:start + batch_size]), y[start:start + batch_size])
            model.zero_grad()
            loss.backward()
            with teachgrad.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
            out.append([loss.item(), loss.item()])
    return out


@pytest.mark.parametrize(
    "wrong",
    [
        fit_without_zero_grad,
        fit_without_no_grad,
        fit_rebinding,
        fit_dropping_last_batch,
        fit_gradient_ascent,
        fit_full_batch,
        fit_returning_pairs,
    ],
)
def test_fit_rejects_wrong_loops(wrong):
    assert_wrong(lesson06.check_fit, wrong)


def test_stubs_are_not_hidden():
    def stub(*args, **kwargs):
        raise NotImplementedError("your turn")

    assert_not_attempted(lesson06.check_fit, stub)
    assert_not_attempted(lesson06.check_parameter_counts, stub, stub)
