"""Checks for the exercises of lesson 09 (capstone: a digit classifier, end to end).

Each check runs the learner's function on data where the right answer is known,
raises AssertionError with a hint on the first problem (naming the classic mistake
when it recognises one), and returns a confirmation when everything is right. The
first, check_data_loader (section 3), compares the learner's DataLoader with
teachgrad's, batch by batch, for the same seed.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

import teachgrad
from teachgrad import nn
from teachgrad.exercises.verdict import exercise
from teachgrad.utils.data import DataLoader, TensorDataset, random_split

LOADER_SAMPLES = 10


def _run(description: str, thunk: Callable[[], Any]) -> Any:
    """Run thunk(); turn an error into an AssertionError that says where it happened."""
    try:
        return thunk()
    except NotImplementedError:
        raise  # the stub, not yet written
    except (RuntimeError, TypeError, ValueError, IndexError, AttributeError, KeyError,
            ZeroDivisionError) as error:
        raise AssertionError(f"{description} failed: {type(error).__name__}: {error}") from error


# --------------------------------------------------------------- exercise 0: a DataLoader


def _loader_dataset() -> TensorDataset:
    """Ten samples whose label is their index, so a batch's labels show which samples came."""
    rng = np.random.default_rng(9)
    x = teachgrad.tensor(rng.normal(size=(LOADER_SAMPLES, 3)), dtype=teachgrad.float32)
    return TensorDataset(x, teachgrad.arange(LOADER_SAMPLES))


def _fields(batch: Any, where: str) -> tuple[teachgrad.Tensor, teachgrad.Tensor]:
    """The (inputs, labels) tensors of one batch, or an AssertionError that says what is off."""
    if isinstance(batch, (list, tuple)) and len(batch) == 2 \
            and all(isinstance(field, teachgrad.Tensor) for field in batch):
        return batch[0], batch[1]
    if isinstance(batch, (list, tuple)) and batch and isinstance(batch[0], (list, tuple)):
        raise AssertionError(
            f"{where} is a list of {len(batch)} (input, label) samples: collate them into one "
            "batch, [inputs, labels], by stacking each field: "
            "[teachgrad.stack(field) for field in zip(*samples)]")
    raise AssertionError(f"{where} is a {type(batch).__name__}: each batch should be "
                         "[inputs, labels], two tensors whose first dimension is the batch")


def _labels(batches: list, name: str) -> list[list[int]]:
    """Which samples each batch holds (a sample's label is its index)."""
    found = []
    for number, batch in enumerate(batches):
        _, labels = _fields(batch, f"batch {number} of {name}")
        found.append(labels.tolist())
    return found


def _compare_batches(got: list, expected: list, call: str) -> None:
    """Raise an AssertionError with a hint at the first batch where got and expected differ."""
    got_labels = _labels(got, call)
    expected_labels = _labels(expected, "DataLoader")
    flat = [i for labels in got_labels for i in labels]
    if len(got_labels) < len(expected_labels) and flat == \
            [i for labels in expected_labels[:len(got_labels)] for i in labels]:
        left_out = len(expected_labels[-1])
        raise AssertionError(
            f"{call} gave {len(got_labels)} batches; DataLoader gives {len(expected_labels)}: "
            f"the last {left_out} samples never came. A last, smaller batch of {left_out} is "
            "still a batch (DataLoader drops it only with drop_last=True)")
    for number, (mine, theirs) in enumerate(zip(got_labels, expected_labels)):
        if mine != theirs:
            raise AssertionError(
                f"{call}: batch {number} holds the samples {mine}; DataLoader's holds {theirs}")
    if len(got_labels) != len(expected_labels):
        raise AssertionError(f"{call} gave {len(got_labels)} batches, DataLoader "
                             f"{len(expected_labels)} (batch sizes {[len(b) for b in got_labels]})")
    for number, (mine, theirs) in enumerate(zip(got, expected)):
        for field, a, b in zip(("inputs", "labels"), _fields(mine, ""), theirs):
            if a.dtype != b.dtype or tuple(a.shape) != tuple(b.shape) \
                    or not np.array_equal(a.detach().cpu().numpy(), b.numpy()):
                raise AssertionError(
                    f"{call}: the {field} of batch {number} are {a.dtype} of shape "
                    f"{list(a.shape)}; DataLoader's are {b.dtype} of shape {list(b.shape)}, the "
                    "samples' own values stacked along a new first dimension (teachgrad.stack)")


def _epoch(loader: Any, call: str) -> list:
    return _run(f"iterating over {call}", lambda: list(loader))


@exercise
def check_data_loader(loader_class: type) -> str:
    """loader_class(dataset, batch_size, shuffle=False, generator=None): iterating gives the
    batches teachgrad's DataLoader gives for the same settings (and seed); len() counts them."""
    if not isinstance(loader_class, type):
        raise AssertionError(f"pass the class itself, MyDataLoader (got {loader_class!r})")
    dataset = _loader_dataset()

    call = "MyDataLoader(dataset, batch_size=4)"
    loader = _run(call, lambda: loader_class(dataset, 4))
    _compare_batches(_epoch(loader, call), list(DataLoader(dataset, batch_size=4)), call)
    for batch_size, batches in ((4, 3), (5, 2)):
        call = f"MyDataLoader(dataset, batch_size={batch_size})"
        size = _run(f"len({call})", lambda b=batch_size: len(loader_class(dataset, b)))
        if size != batches:
            hint = (" (round up: the last, smaller batch counts)" if size == batches - 1 else
                    " (no batch is left over when the size divides evenly)"
                    if size == batches + 1 else "")
            raise AssertionError(f"len({call}) is {size!r}; {LOADER_SAMPLES} samples in "
                                 f"batches of {batch_size} make {batches} batches{hint}")

    for seed, batch_size in ((0, 4), (3, 3)):
        call = (f"MyDataLoader(dataset, batch_size={batch_size}, shuffle=True, "
                f"generator=teachgrad.Generator().manual_seed({seed}))")
        loader = _run(call, lambda s=seed, b=batch_size: loader_class(
            dataset, b, shuffle=True, generator=teachgrad.Generator().manual_seed(s)))
        first = _epoch(loader, call)
        expected = list(DataLoader(dataset, batch_size=batch_size, shuffle=True,
                                   generator=teachgrad.Generator().manual_seed(seed)))
        order = [i for labels in _labels(first, call) for i in labels]
        if order == list(range(LOADER_SAMPLES)):
            raise AssertionError(f"{call} gave the samples in order: with shuffle=True, draw a "
                                 "random order of the indices first")
        if sorted(order) == list(range(LOADER_SAMPLES)) and order != \
                [i for labels in _labels(expected, "DataLoader") for i in labels]:
            raise AssertionError(
                f"{call} shuffles, but not as DataLoader does with the same seed: draw the "
                "order with teachgrad.randperm(len(dataset), generator=self.generator), from "
                "the loader's own generator (not NumPy's, nor the global one)")
        _compare_batches(first, expected, call)
        second = _epoch(loader, call)
        if _labels(second, call) == _labels(first, call):
            raise AssertionError(
                f"{call}: the second pass gave the same batches as the first. Draw a new order "
                "at the start of every pass (in __iter__, not once in __init__)")
    return ("Correct: your loader gives DataLoader's batches, in order and shuffled with the "
            "same seed, with a smaller last batch, and a new order each pass.")


# --------------------------------------------------------------- exercise 1: evaluate


class _Watched(nn.Module):
    """Wraps a model and writes down, at every forward, whether it was in training mode
    and whether autograd was recording."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner
        self.calls: list[tuple[bool, bool]] = []

    def forward(self, x: teachgrad.Tensor) -> teachgrad.Tensor:
        self.calls.append((self.training, teachgrad.is_grad_enabled()))
        return self.inner(x)


EVAL_SAMPLES, EVAL_BATCH = 50, 16  # 16 + 16 + 16 + 2: the last batch is small


def _evaluation_problem() -> tuple[_Watched, DataLoader, teachgrad.Tensor, teachgrad.Tensor]:
    """A small classifier with BatchNorm and Dropout, in training mode, and its data."""
    rng = np.random.default_rng(7)
    x = teachgrad.tensor(rng.normal(size=(EVAL_SAMPLES, 4)), dtype=teachgrad.float32)
    y = teachgrad.tensor(rng.integers(0, 3, size=EVAL_SAMPLES))
    teachgrad.manual_seed(7)
    inner = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.5),
                          nn.Linear(16, 3))
    with teachgrad.no_grad():  # give BatchNorm running statistics that are not the defaults
        for _ in range(3):
            inner(x * 2 + 1)
    model = _Watched(inner)
    model.train()
    loader = DataLoader(TensorDataset(x, y), batch_size=EVAL_BATCH)
    return model, loader, x, y


def _reference_accuracy(model: nn.Module, x: teachgrad.Tensor, y: teachgrad.Tensor) -> float:
    model.eval()
    with teachgrad.no_grad():
        correct = (model(x).argmax(dim=1) == y).sum().item()
    model.calls.clear()
    return correct / len(y)


def _mean_of_batch_accuracies(model: nn.Module, loader: DataLoader) -> float:
    model.eval()
    with teachgrad.no_grad():
        batch_accuracies = [(model(xb).argmax(dim=1) == yb).float().mean().item()
                            for xb, yb in loader]
    model.calls.clear()
    return sum(batch_accuracies) / len(batch_accuracies)


@exercise
def check_evaluate(evaluate: Callable[[nn.Module, DataLoader], float]) -> str:
    """evaluate(model, loader) must return the fraction of correct predictions over every
    sample of the loader, as a Python float, computed in eval mode and under no_grad."""
    model, loader, x, y = _evaluation_problem()
    expected = _reference_accuracy(model, x, y)
    batch_mean = _mean_of_batch_accuracies(model, loader)
    running_mean = model.inner[1].running_mean.clone()
    model.train()

    result = _run("evaluate(model, loader)", lambda: evaluate(model, loader))

    if not model.calls:
        raise AssertionError("evaluate never called the model: loop over the batches of the "
                             "loader and compute model(images) for each.")
    if any(training for training, _ in model.calls):
        raise AssertionError(
            "the model was in training mode while evaluating: Dropout was still dropping "
            "units and BatchNorm used (and updated) the batch's statistics. Call "
            "model.eval() before the loop."
        )
    if not teachgrad.equal(model.inner[1].running_mean, running_mean):
        raise AssertionError("evaluate changed BatchNorm's running statistics: call "
                             "model.eval() before the first forward pass.")
    if any(recording for _, recording in model.calls):
        raise AssertionError(
            "autograd was recording during evaluation: it keeps every intermediate result "
            "for a backward pass that never comes. Put the loop inside "
            "`with teachgrad.no_grad():`."
        )
    if isinstance(result, teachgrad.Tensor):
        raise AssertionError(f"evaluate returned a tensor ({result!r}): return a Python "
                             "number, for example with .item().")
    if isinstance(result, bool) or not isinstance(result, numbers.Real):
        raise AssertionError(f"evaluate returned {result!r}: return the accuracy as a "
                             "Python float between 0 and 1.")
    if math.isclose(result, 100 * expected, abs_tol=1e-6) and expected > 0:
        raise AssertionError(f"evaluate returned {result}, a percentage: return a fraction "
                             f"between 0 and 1 ({expected:.4f} here).")
    if math.isclose(result, batch_mean, abs_tol=1e-6):
        raise AssertionError(
            f"evaluate returned {result:.4f}, the mean of the batches' accuracies; the true "
            f"accuracy is {expected:.4f}. The last batch holds only "
            f"{EVAL_SAMPLES % EVAL_BATCH} samples but counted as much as a full one: add up "
            "the correct predictions and the samples over all batches, and divide once at "
            "the end."
        )
    if not math.isclose(result, expected, abs_tol=1e-6):
        raise AssertionError(f"evaluate returned {result:.4f}; the accuracy is {expected:.4f} "
                             f"({round(expected * EVAL_SAMPLES)} of {EVAL_SAMPLES} right).")
    return (f"Correct: {expected:.2f} over {EVAL_SAMPLES} samples in batches of {EVAL_BATCH}, "
            "in eval mode, without recording a graph.")


# --------------------------------------------------------------- exercise 2: confusion matrix


def _reference_confusion(predicted: np.ndarray, labels: np.ndarray, num_classes: int
                         ) -> np.ndarray:
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def _confusion_cases() -> list[tuple[teachgrad.Tensor, teachgrad.Tensor, int]]:
    rng = np.random.default_rng(3)
    cases = []
    # 4 classes; class 3 is never predicted and class 0 never occurs.
    labels = rng.integers(1, 4, size=30)
    predicted = np.where(rng.random(30) < 0.6, labels, rng.integers(0, 3, size=30))
    cases.append((predicted, labels, 4))
    # 10 classes of which only 0..7 appear: the matrix is still 10 x 10.
    labels = rng.integers(0, 8, size=200)
    predicted = np.where(rng.random(200) < 0.8, labels, rng.integers(0, 8, size=200))
    cases.append((predicted, labels, 10))
    return [(teachgrad.tensor(p), teachgrad.tensor(t), k) for p, t, k in cases]


@exercise
def check_confusion_matrix(confusion_matrix: Callable[..., teachgrad.Tensor]) -> str:
    """confusion_matrix(predicted, labels, num_classes) must return a (num_classes,
    num_classes) tensor whose entry [i, j] counts the samples of true class i that were
    predicted as class j."""
    for predicted, labels, k in _confusion_cases():
        expected = _reference_confusion(predicted.numpy(), labels.numpy(), k)
        result = _run(f"confusion_matrix(predicted, labels, num_classes={k})",
                      lambda p=predicted, t=labels, k=k: confusion_matrix(p, t, k))
        if not isinstance(result, teachgrad.Tensor):
            raise AssertionError(f"confusion_matrix returned a {type(result).__name__}: "
                                 "return a teachgrad tensor.")
        if tuple(result.shape) != (k, k):
            raise AssertionError(
                f"with num_classes={k} the matrix should be {k} x {k}, got "
                f"{list(result.shape)}: size it from num_classes, not from the classes that "
                "happen to appear."
            )
        if result.requires_grad:
            result = result.detach()
        got = result.cpu().numpy()
        if np.array_equal(got, expected):
            continue
        if np.array_equal(got, expected.T):
            raise AssertionError("the matrix is transposed: row i is the TRUE class i, "
                                 "column j the PREDICTED class j.")
        if got.sum() != len(labels):
            raise AssertionError(f"the entries add up to {got.sum():g}, but there are "
                                 f"{len(labels)} samples: each sample adds 1 to one entry.")
        raise AssertionError(f"wrong counts for num_classes={k}: expected\n{expected}\n"
                             f"got\n{got}")
    return ("Correct: rows are true classes, columns predictions, and classes that never "
            "appear still get their row and column.")


# --------------------------------------------------------------- exercise 3: tuning


TUNE_EPOCHS, TUNE_TARGET, TUNE_BATCH = 5, 0.93, 64


@functools.lru_cache(maxsize=1)
def _tuning_data() -> tuple:
    """Lesson 09's training and validation sets (the same seeds as in the lesson)."""
    split = teachgrad.datasets.load_digits(test_fraction=0.2, seed=0)
    train_set, val_set = random_split(TensorDataset(split.x_train, split.y_train), [0.8, 0.2],
                                      generator=teachgrad.Generator().manual_seed(0))
    return train_set, split.x_train[val_set.indices], split.y_train[val_set.indices]


def _train_briefly(make_optimizer: Callable[[Any], Any]) -> tuple[float, float, bool]:
    """Last batch loss and validation accuracy of a small MLP after TUNE_EPOCHS epochs with
    make_optimizer(model.parameters()), and whether the loss ever shot up above 1.5 times
    where it started (the sign of steps that are too large)."""
    train_set, x_val, y_val = _tuning_data()
    teachgrad.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    optimizer = _run("make_optimizer(model.parameters())",
                     lambda: make_optimizer(model.parameters()))
    if not (callable(getattr(optimizer, "step", None))
            and callable(getattr(optimizer, "zero_grad", None))):
        raise AssertionError(f"make_optimizer returned a {type(optimizer).__name__}: return an "
                             "optimizer, for example optim.SGD(params, lr=...).")
    loader = DataLoader(train_set, batch_size=TUNE_BATCH, shuffle=True,
                        generator=teachgrad.Generator().manual_seed(0))
    loss_fn = nn.CrossEntropyLoss()
    loss, first, shot_up = math.nan, None, False
    for _ in range(TUNE_EPOCHS):
        for images, labels in loader:
            optimizer.zero_grad()
            batch_loss = loss_fn(model(images), labels)
            batch_loss.backward()
            _run("optimizer.step()", optimizer.step)
            loss = batch_loss.item()
            if not math.isfinite(loss):
                return loss, 0.0, True
            first = loss if first is None else first
            shot_up = shot_up or loss > 1.5 * first
    with teachgrad.no_grad():
        accuracy = (model(x_val).argmax(dim=1) == y_val).float().mean().item()
    return loss, accuracy, shot_up


@exercise
def check_fast_optimizer(make_optimizer: Callable[[Any], Any]) -> str:
    """make_optimizer(params) must return an optimizer with which a small MLP reaches
    TUNE_TARGET validation accuracy on the digits in TUNE_EPOCHS epochs."""
    loss, accuracy, shot_up = _train_briefly(make_optimizer)
    if not math.isfinite(loss):
        raise AssertionError("the loss became inf or nan: the steps are far too large. Lower "
                             "the learning rate.")
    if accuracy < TUNE_TARGET:
        if shot_up:
            hint = ("the loss shot up above where it started, so the steps are too large: "
                    "lower the learning rate.")
        elif loss > 1.0:
            hint = ("the loss is still high, so the steps are too small: raise the learning "
                    "rate, add momentum, or use Adam (lesson 08).")
        else:
            hint = ("the loss came down but not far enough: try momentum, or Adam with a "
                    "larger learning rate than its default (lesson 08).")
        raise AssertionError(f"validation accuracy {accuracy:.1%} after {TUNE_EPOCHS} epochs "
                             f"(last batch loss {loss:.3f}), below {TUNE_TARGET:.0%}: {hint}")
    return (f"Correct: the MLP reaches {TUNE_TARGET:.0%} validation accuracy or more within "
            f"{TUNE_EPOCHS} epochs.")
