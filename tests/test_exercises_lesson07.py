"""The checks of lesson 07's exercises accept the reference answers and reject wrong ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from exercise_verdicts import assert_correct, assert_not_attempted, assert_wrong

import teachgrad
import teachgrad.nn as nn
import teachgrad.nn.functional as F
from teachgrad.exercises import lesson07

# --- exercise 1: parameter counts ---------------------------------------------------------


def linear_count(in_features, out_features, bias=True):
    return out_features * in_features + (out_features if bias else 0)


def conv2d_count(in_channels, out_channels, kernel_size, bias=True):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return out_channels * in_channels * kh * kw + (out_channels if bias else 0)


def test_counts_accept_reference(capsys):
    lesson07.check_parameter_counts(linear_count, conv2d_count)
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
    assert_wrong(lesson07.check_parameter_counts, linear, conv)


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
    lesson07.check_small_convnet(net_class)
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
    assert_wrong(lesson07.check_small_convnet, net_class)


def test_convnet_rejects_an_instance():
    assert_wrong(lesson07.check_small_convnet, SmallConvNet())


def test_expected_count_is_the_formula():
    assert lesson07.SMALL_CONVNET_COUNT == (3 * 8 * 9 + 8) + (8 * 16 * 9 + 16) + (144 * 10 + 10)




def test_stubs_are_not_hidden():
    def stub(*args, **kwargs):
        raise NotImplementedError("your turn")

    class StubNet(nn.Module):
        def __init__(self):
            super().__init__()
            raise NotImplementedError("your turn")

    assert_not_attempted(lesson07.check_parameter_counts, stub, stub)
    assert_not_attempted(lesson07.check_small_convnet, StubNet)


def test_solutions_in_the_lesson_are_the_ones_tested():
    text = (Path(__file__).resolve().parents[1] / "notebooks" / "07_convnets.md").read_text()
    solutions = [part.split("</details>")[0].replace("```python", "").replace("```", "")
                 for part in text.split("<summary>Reference solution</summary>")[1:]]
    namespace = {}
    exec("import teachgrad\nimport teachgrad.nn as nn\nimport teachgrad.nn.functional as F\n"
         + "\n".join(solutions), namespace)
    assert_correct(lesson07.check_parameter_counts, namespace["linear_count"],
                   namespace["conv2d_count"])
    assert_correct(lesson07.check_small_convnet, namespace["SmallConvNet"])
    assert_correct(lesson07.check_centered, namespace["Centered"])


# --- exercise 3: a running mean kept in a buffer ------------------------------------------


class Centered(nn.Module):
    def __init__(self, num_features, momentum=0.1):
        super().__init__()
        self.momentum = momentum
        self.register_buffer("running_mean", teachgrad.zeros(num_features))

    def forward(self, x):
        if not self.training:
            return x - self.running_mean
        mean = x.mean(dim=0)
        with teachgrad.no_grad():
            self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
        return x - mean


class CenteredByAssignment(Centered):
    """Also right: a new tensor assigned to the buffer's name, from a detached mean."""

    def forward(self, x):
        if not self.training:
            return x - self.running_mean
        mean = x.mean(dim=0)
        self.running_mean = (1 - self.momentum) * self.running_mean \
            + self.momentum * mean.detach()
        return x - mean


@pytest.mark.parametrize("centered", [Centered, CenteredByAssignment])
def test_centered_accepts_reference(centered, capsys):
    lesson07.check_centered(centered)
    assert capsys.readouterr().out.startswith("Correct: ")


class PlainAttribute(Centered):
    def __init__(self, num_features, momentum=0.1):
        nn.Module.__init__(self)
        self.momentum = momentum
        self.running_mean = teachgrad.zeros(num_features)


class AsParameter(Centered):
    def __init__(self, num_features, momentum=0.1):
        nn.Module.__init__(self)
        self.momentum = momentum
        self.running_mean = nn.Parameter(teachgrad.zeros(num_features), requires_grad=False)


class NotPersistent(Centered):
    def __init__(self, num_features, momentum=0.1):
        nn.Module.__init__(self)
        self.momentum = momentum
        self.register_buffer("running_mean", teachgrad.zeros(num_features), persistent=False)


class RecordsTheUpdate(Centered):
    def forward(self, x):
        if not self.training:
            return x - self.running_mean
        mean = x.mean(dim=0)
        self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mean
        return x - mean


class BatchMeanInEval(Centered):
    def forward(self, x):
        mean = x.mean(dim=0)
        if self.training:
            with teachgrad.no_grad():
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
        return x - mean


class MomentumReversed(Centered):
    def forward(self, x):
        if not self.training:
            return x - self.running_mean
        mean = x.mean(dim=0)
        with teachgrad.no_grad():
            self.running_mean.mul_(self.momentum).add_((1 - self.momentum) * mean)
        return x - mean


class RunningMeanWhileTraining(Centered):
    def forward(self, x):
        super().forward(x)
        return x - self.running_mean


class UpdatesInEval(Centered):
    def forward(self, x):
        mean = x.mean(dim=0)
        with teachgrad.no_grad():
            self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
        return x - (mean if self.training else self.running_mean)


class WholeMean(Centered):
    def forward(self, x):
        if not self.training:
            return x - self.running_mean
        mean = x.mean()
        with teachgrad.no_grad():
            self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
        return x - mean


@pytest.mark.parametrize("centered", [
    PlainAttribute, AsParameter, NotPersistent, RecordsTheUpdate, BatchMeanInEval,
    MomentumReversed, RunningMeanWhileTraining, UpdatesInEval, WholeMean, Centered(3),
])
def test_centered_rejects_wrong_layers(centered):
    assert_wrong(lesson07.check_centered, centered)


def test_centered_hints_name_the_fault():
    assert_wrong(lesson07.check_centered, PlainAttribute, match="no buffer named running_mean")
    assert_wrong(lesson07.check_centered, AsParameter, match="must not be an nn.Parameter")
    assert_wrong(lesson07.check_centered, RecordsTheUpdate, match="no_grad")


def test_centered_stub_is_not_attempted():
    class Stub(nn.Module):
        def __init__(self, num_features, momentum=0.1):
            super().__init__()
            raise NotImplementedError("your turn")

        def forward(self, x):
            raise NotImplementedError("your turn")

    assert_not_attempted(lesson07.check_centered, Stub)
