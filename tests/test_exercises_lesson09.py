"""The checks of lesson 09's exercises accept the reference answers and reject wrong ones."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from exercise_verdicts import assert_correct, assert_not_attempted, assert_wrong

import teachgrad
import teachgrad.nn.functional as F
from teachgrad import optim
from teachgrad.exercises import lesson09

pytest.importorskip("sklearn", reason="exercise 3 trains on the digits, which scikit-learn ships")

LESSON = Path(__file__).resolve().parents[1] / "notebooks" / "09_capstone.md"

# --- section 3: a DataLoader of your own ----------------------------------------------------


class MyDataLoader:
    """The reference answer (as folded in the lesson; the test below runs the lesson's copy)."""

    def __init__(self, dataset, batch_size, shuffle=False, generator=None):
        self.dataset, self.batch_size = dataset, batch_size
        self.shuffle, self.generator = shuffle, generator

    def __len__(self):
        return -(-len(self.dataset) // self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            order = teachgrad.randperm(n, generator=self.generator).tolist()
        else:
            order = list(range(n))
        for start in range(0, n, self.batch_size):
            samples = [self.dataset[i] for i in order[start:start + self.batch_size]]
            yield [teachgrad.stack(field) for field in zip(*samples)]


def folded_solution(check_name: str) -> str:
    """The reference solution folded under the lesson's cell that calls check_name."""
    text = LESSON.read_text()
    call = text.index(f"lesson09.{check_name}(")
    folded = re.compile(r"<details>\n<summary>Reference solution</summary>\n\n"
                        r"```python\n(.*?)\n```", re.S).search(text, call)
    assert folded, f"no folded reference solution after {check_name}"
    return folded.group(1)


def test_data_loader_accepts_the_lessons_folded_solution():
    namespace = {"teachgrad": teachgrad}
    exec(folded_solution("check_data_loader"), namespace)
    assert_correct(lesson09.check_data_loader, namespace["MyDataLoader"])


class IndexedAtOnce(MyDataLoader):
    """Also right: TensorDataset indexes each tensor with the whole list of indices."""

    def __iter__(self):
        n = len(self.dataset)
        order = (teachgrad.randperm(n, generator=self.generator) if self.shuffle
                 else teachgrad.arange(n))
        for start in range(0, n, self.batch_size):
            yield self.dataset[order[start:start + self.batch_size]]


class TensorIndices(MyDataLoader):
    """Also right: iterating over the permutation tensor gives 0-d tensors as indices."""

    def __iter__(self):
        n = len(self.dataset)
        order = (teachgrad.randperm(n, generator=self.generator) if self.shuffle
                 else teachgrad.arange(n))
        for start in range(0, n, self.batch_size):
            samples = [self.dataset[i] for i in order[start:start + self.batch_size]]
            yield [teachgrad.stack(field) for field in zip(*samples)]


@pytest.mark.parametrize("answer", [MyDataLoader, IndexedAtOnce, TensorIndices])
def test_data_loader_accepts_reference(answer, capsys):
    lesson09.check_data_loader(answer)
    assert capsys.readouterr().out.startswith("Correct")


class DropsLast(MyDataLoader):
    def __len__(self):
        return len(self.dataset) // self.batch_size

    def __iter__(self):
        for batch in super().__iter__():
            if len(batch[1]) == self.batch_size:
                yield batch


class LenRoundsDown(MyDataLoader):
    def __len__(self):
        return len(self.dataset) // self.batch_size


class LenOneMore(MyDataLoader):
    def __len__(self):
        return len(self.dataset) // self.batch_size + 1


class IgnoresShuffle(MyDataLoader):
    def __init__(self, dataset, batch_size, shuffle=False, generator=None):
        super().__init__(dataset, batch_size, False, generator)


class GlobalGenerator(MyDataLoader):
    def __iter__(self):
        self.generator = None  # teachgrad.randperm then draws from the global generator
        return super().__iter__()


class NumpyShuffle(MyDataLoader):
    def __iter__(self):
        n = len(self.dataset)
        order = np.random.default_rng(42).permutation(n).tolist() if self.shuffle else range(n)
        order = list(order)
        for start in range(0, n, self.batch_size):
            samples = [self.dataset[i] for i in order[start:start + self.batch_size]]
            yield [teachgrad.stack(field) for field in zip(*samples)]


class ShufflesOnce(MyDataLoader):
    def __init__(self, dataset, batch_size, shuffle=False, generator=None):
        super().__init__(dataset, batch_size, shuffle, generator)
        n = len(dataset)
        self.order = (teachgrad.randperm(n, generator=generator).tolist() if shuffle
                      else list(range(n)))

    def __iter__(self):
        for start in range(0, len(self.order), self.batch_size):
            samples = [self.dataset[i] for i in self.order[start:start + self.batch_size]]
            yield [teachgrad.stack(field) for field in zip(*samples)]


class NotCollated(MyDataLoader):
    def __iter__(self):
        for images, labels in super().__iter__():
            yield list(zip(images, labels))


class Concatenated(MyDataLoader):
    """cat instead of stack: a batch of scalar labels cannot be concatenated."""

    def __iter__(self):
        for images, labels in super().__iter__():
            yield [images.reshape(-1), labels]


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (DropsLast, "never came"),
        (LenRoundsDown, "round up"),
        (LenOneMore, "divides evenly"),
        (IgnoresShuffle, "in order"),
        (GlobalGenerator, "own generator"),
        (NumpyShuffle, "own generator"),
        (ShufflesOnce, "second pass"),
        (NotCollated, "collate"),
        (Concatenated, "shape"),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_data_loader_rejects(wrong, message):
    assert_wrong(lesson09.check_data_loader, wrong, match=message)


def test_data_loader_stub_is_not_attempted():
    class Stub:
        def __init__(self, dataset, batch_size, shuffle=False, generator=None):
            raise NotImplementedError("your turn")

        def __iter__(self):
            raise NotImplementedError("your turn")

    assert_not_attempted(lesson09.check_data_loader, Stub)


# --- exercise 1: evaluate -------------------------------------------------------------------


def evaluate(model, loader):
    """The reference answer (as in the notebook's hidden cell)."""
    model.eval()
    correct, count = 0, 0
    with teachgrad.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(dim=1) == labels).sum().item()
            count += len(labels)
    return correct / count


def test_evaluate_accepts_reference(capsys):
    lesson09.check_evaluate(evaluate)
    assert capsys.readouterr().out.startswith("Correct")


def evaluate_in_train_mode(model, loader):
    correct, count = 0, 0
    with teachgrad.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(dim=1) == labels).sum().item()
            count += len(labels)
    return correct / count


def evaluate_recording(model, loader):
    model.eval()
    correct, count = 0, 0
    for images, labels in loader:
        correct += (model(images).argmax(dim=1) == labels).sum().item()
        count += len(labels)
    return correct / count


def evaluate_mean_of_batches(model, loader):
    model.eval()
    accuracies = []
    with teachgrad.no_grad():
        for images, labels in loader:
            accuracies.append((model(images).argmax(dim=1) == labels).float().mean().item())
    return sum(accuracies) / len(accuracies)


def evaluate_returns_tensor(model, loader):
    model.eval()
    correct, count = 0, 0
    with teachgrad.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(dim=1) == labels).sum()
            count += len(labels)
    return correct / count


def evaluate_percent(model, loader):
    return 100 * evaluate(model, loader)


def evaluate_first_batch_only(model, loader):
    model.eval()
    with teachgrad.no_grad():
        images, labels = next(iter(loader))
        return (model(images).argmax(dim=1) == labels).float().mean().item()


def evaluate_never_calls(model, loader):
    return 0.5


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (evaluate_in_train_mode, "training mode"),
        (evaluate_recording, "no_grad"),
        (evaluate_mean_of_batches, "last batch"),
        (evaluate_returns_tensor, ".item()"),
        (evaluate_percent, "percentage"),
        (evaluate_first_batch_only, "accuracy is"),
        (evaluate_never_calls, "never called"),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_evaluate_rejects(wrong, message):
    assert message in assert_wrong(lesson09.check_evaluate, wrong).message


def test_evaluate_stub_raises_not_implemented():
    def stub(model, loader):
        raise NotImplementedError("your turn")

    assert_not_attempted(lesson09.check_evaluate, stub)


# --- exercise 2: confusion matrix -----------------------------------------------------------


def confusion_matrix(predicted, labels, num_classes):
    """The reference answer: one-hot rows of the true classes times one-hot predictions."""
    return F.one_hot(labels, num_classes).T @ F.one_hot(predicted, num_classes)


def confusion_matrix_by_index(predicted, labels, num_classes):
    """Another correct answer: number each (true, predicted) pair and count the numbers."""
    pair = labels * num_classes + predicted
    counts = (pair.unsqueeze(1) == teachgrad.arange(num_classes * num_classes)).sum(dim=0)
    return counts.view(num_classes, num_classes)


@pytest.mark.parametrize("answer", [confusion_matrix, confusion_matrix_by_index])
def test_confusion_accepts_reference(answer, capsys):
    lesson09.check_confusion_matrix(answer)
    assert capsys.readouterr().out.startswith("Correct")


def confusion_transposed(predicted, labels, num_classes):
    return confusion_matrix(labels, predicted, num_classes)


def confusion_sized_by_data(predicted, labels, num_classes):
    k = int(max(predicted.max().item(), labels.max().item())) + 1
    return confusion_matrix(predicted, labels, k)


def confusion_numpy(predicted, labels, num_classes):
    return confusion_matrix(predicted, labels, num_classes).numpy()


def confusion_diagonal_only(predicted, labels, num_classes):
    """Counts only the correct predictions (on the diagonal)."""
    hits = F.one_hot(labels, num_classes) * F.one_hot(predicted, num_classes)
    return hits.T @ hits


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (confusion_transposed, "transposed"),
        (confusion_sized_by_data, "size it from num_classes"),
        (confusion_numpy, "teachgrad tensor"),
        (confusion_diagonal_only, "add up to"),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_confusion_rejects(wrong, message):
    assert message in assert_wrong(lesson09.check_confusion_matrix, wrong).message


# --- exercise 3: an optimizer fast enough ---------------------------------------------------


def make_optimizer(params):
    """The reference answer."""
    return optim.Adam(params, lr=0.02)


def test_fast_optimizer_accepts_reference(capsys):
    lesson09.check_fast_optimizer(make_optimizer)
    assert capsys.readouterr().out.startswith("Correct")


def test_fast_optimizer_accepts_momentum(capsys):
    lesson09.check_fast_optimizer(lambda params: optim.SGD(params, lr=0.1, momentum=0.9))
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda params: optim.SGD(params, lr=0.01), "too small"),  # the stub's starting point
        (lambda params: optim.Adam(params), "too small"),  # Adam's default lr is too slow here
        (lambda params: optim.SGD(params, lr=50.0), "too large"),
        (lambda params: optim.SGD(params, lr=1e10), "inf or nan"),
        (lambda params: list(params), "return an optimizer"),
    ],
    ids=["sgd-0.01", "adam-default", "sgd-50", "sgd-1e10", "not-an-optimizer"],
)
def test_fast_optimizer_rejects(wrong, message):
    assert message in assert_wrong(lesson09.check_fast_optimizer, wrong).message
