"""The checks of lesson 09's exercises accept the reference answers and reject wrong ones."""

from __future__ import annotations

import pytest
from exercise_verdicts import assert_not_attempted, assert_wrong

import teachgrad
import teachgrad.nn.functional as F
from teachgrad import optim
from teachgrad.exercises import lesson09

pytest.importorskip("sklearn", reason="exercise 3 trains on the digits, which scikit-learn ships")

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
