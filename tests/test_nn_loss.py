"""Every loss against torch's, for every reduction: values and gradients."""

from __future__ import annotations

import numpy as np
import pytest
from nn_oracle import assert_close, both, seed_both, torch_message, values  # noqa: F401 - seed_both is autouse

import teachgrad
import teachgrad.nn as nn
import teachgrad.nn.functional as F

torch = pytest.importorskip("torch", reason="torch is the oracle")
TF = torch.nn.functional
REDUCTIONS = ["mean", "sum", "none"]


def compare(ours_fn, theirs_fn, inputs: list, grads_of: tuple = (0,), seed: int = 50) -> None:
    """Call both functions on the same inputs; compare values and the chosen gradients."""
    pairs = [both(array, requires_grad=index in grads_of) if isinstance(array, np.ndarray)
             else (array, array) for index, array in enumerate(inputs)]
    out = ours_fn(*[p[0] for p in pairs])
    expected = theirs_fn(*[p[1] for p in pairs])
    assert_close(out, expected)
    if expected.grad_fn.name() != "DivBackward1":  # torch's C++ division by a Scalar;
        assert out.grad_fn.name() == expected.grad_fn.name()  # Python's `/` gives DivBackward0
    upstream = values(tuple(expected.shape), seed=seed)
    out.backward(teachgrad.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    for index in grads_of:
        assert_close(pairs[index][0].grad, pairs[index][1].grad)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss(reduction: str) -> None:
    compare(lambda a, b: F.mse_loss(a, b, reduction=reduction),
            lambda a, b: TF.mse_loss(a, b, reduction=reduction),
            [values((4, 3), seed=1), values((4, 3), seed=2)], grads_of=(0, 1))


@pytest.mark.filterwarnings("ignore:Using a target size")
def test_mse_loss_broadcasts_its_target_with_torchs_warning() -> None:
    with pytest.warns(UserWarning, match="different to the input size"):
        compare(F.mse_loss, TF.mse_loss, [values((4, 3), seed=1), values((3,), seed=2)],
                grads_of=(0, 1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_l1_loss(reduction: str) -> None:
    compare(lambda a, b: F.l1_loss(a, b, reduction=reduction),
            lambda a, b: TF.l1_loss(a, b, reduction=reduction),
            [values((4, 3), seed=3), values((4, 3), seed=4)], grads_of=(0, 1))


CLASS_CASES = [((6, 4), (6,)), ((4,), ()), ((3, 5, 2, 2), (3, 2, 2)), ((3, 5, 4), (3, 4)),
               ((2, 3, 2, 2, 2), (2, 2, 2, 2))]


def class_targets(target_shape: tuple, classes: int, seed: int, ignore: int | None = None):
    labels = np.random.default_rng(seed).integers(0, classes, size=target_shape)
    if ignore is not None and labels.ndim:
        labels.reshape(-1)[::3] = ignore
    return labels.astype("int64")


@pytest.mark.parametrize("shape, target_shape", CLASS_CASES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore_index", [-100, 1])
def test_nll_and_cross_entropy(shape: tuple, target_shape: tuple, reduction: str,
                               weighted: bool, ignore_index: int) -> None:
    classes = shape[0] if len(shape) == 1 else shape[1]
    target = class_targets(target_shape, classes, seed=5, ignore=ignore_index)
    weight = values((classes,), seed=6, low=0.5, high=2.0) if weighted else None
    logits = values(shape, seed=7)
    for ours_fn, theirs_fn in ((F.nll_loss, TF.nll_loss), (F.cross_entropy, TF.cross_entropy)):
        def ours(x, t, w, fn=ours_fn):
            return fn(x, t, weight=w, ignore_index=ignore_index, reduction=reduction)

        def theirs(x, t, w, fn=theirs_fn):
            return fn(x, t, weight=w, ignore_index=ignore_index, reduction=reduction)

        compare(ours, theirs, [logits, target, weight])


@pytest.mark.parametrize("shape, target_shape", CLASS_CASES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_label_smoothing(shape: tuple, target_shape: tuple, reduction: str,
                                       weighted: bool) -> None:
    classes = shape[0] if len(shape) == 1 else shape[1]
    target = class_targets(target_shape, classes, seed=8, ignore=-100)
    weight = values((classes,), seed=9, low=0.5, high=2.0) if weighted else None
    compare(lambda x, t, w: F.cross_entropy(x, t, w, reduction=reduction, label_smoothing=0.2),
            lambda x, t, w: TF.cross_entropy(x, t, w, reduction=reduction,
                                             label_smoothing=0.2),
            [values(shape, seed=10), target, weight])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
def test_cross_entropy_with_class_probabilities(reduction: str, smoothing: float) -> None:
    probabilities = np.random.default_rng(11).dirichlet(np.ones(5), size=4).astype("float32")
    compare(lambda x, p: F.cross_entropy(x, p, reduction=reduction, label_smoothing=smoothing),
            lambda x, p: TF.cross_entropy(x, p, reduction=reduction,
                                          label_smoothing=smoothing),
            [values((4, 5), seed=12), probabilities])


def test_cross_entropy_with_every_target_ignored_is_nan_like_torch() -> None:
    target = np.full(3, -100, dtype="int64")
    ours = F.cross_entropy(teachgrad.tensor(values((3, 4))), teachgrad.tensor(target))
    theirs = TF.cross_entropy(torch.tensor(values((3, 4))), torch.tensor(target))
    assert np.isnan(ours.item()) and np.isnan(theirs.item())


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy(reduction: str, weighted: bool) -> None:
    probabilities = values((5, 3), seed=13, low=0.02, high=0.98)
    probabilities[0, 0], probabilities[1, 1] = 0.0, 1.0  # the clamped logs
    target = values((5, 3), seed=14, low=0.0, high=1.0)
    weight = values((5, 3), seed=15, low=0.5, high=2.0) if weighted else None
    compare(lambda p, t, w: F.binary_cross_entropy(p, t, w, reduction=reduction),
            lambda p, t, w: TF.binary_cross_entropy(p, t, w, reduction=reduction),
            [probabilities, target, weight], grads_of=(0, 1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("pos_weighted", [False, True])
def test_binary_cross_entropy_with_logits(reduction: str, weighted: bool,
                                          pos_weighted: bool) -> None:
    logits = values((5, 3), seed=16) * 10  # large scores: the stable formula matters
    target = values((5, 3), seed=17, low=0.0, high=1.0)
    weight = values((5, 3), seed=18, low=0.5, high=2.0) if weighted else None
    pos_weight = values((3,), seed=19, low=0.5, high=3.0) if pos_weighted else None
    compare(lambda x, t, w, pw: F.binary_cross_entropy_with_logits(
                x, t, w, reduction=reduction, pos_weight=pw),
            lambda x, t, w, pw: TF.binary_cross_entropy_with_logits(
                x, t, w, reduction=reduction, pos_weight=pw),
            [logits, target, weight, pos_weight], grads_of=(0, 1))


@pytest.mark.parametrize("name, theirs_options", [
    ("MSELoss", {"reduction": "sum"}), ("L1Loss", {}), ("CrossEntropyLoss", {}),
    ("CrossEntropyLoss", {"label_smoothing": 0.1, "ignore_index": 0}),
    ("NLLLoss", {"reduction": "none"}), ("BCELoss", {}), ("BCEWithLogitsLoss", {}),
])
def test_loss_modules_call_their_functions(name: str, theirs_options: dict) -> None:
    if name in ("CrossEntropyLoss", "NLLLoss"):
        inputs = [values((6, 4), seed=20), class_targets((6,), 4, seed=21)]
    elif name == "BCELoss":
        inputs = [values((6, 4), seed=20, low=0.1, high=0.9),
                  values((6, 4), seed=21, low=0, high=1)]
    else:
        inputs = [values((6, 4), seed=20), values((6, 4), seed=21, low=0, high=1)]
    compare(getattr(nn, name)(**theirs_options), getattr(torch.nn, name)(**theirs_options),
            inputs)


def test_class_weights_are_a_buffer_like_torchs() -> None:
    weight = values((3,), seed=22, low=0.5, high=2)
    ours = nn.CrossEntropyLoss(weight=teachgrad.tensor(weight))
    theirs = torch.nn.CrossEntropyLoss(weight=torch.tensor(weight))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]


LOSS_ERRORS = [
    ("nll_loss", lambda lib: (lib.ones(3, 4), lib.tensor([0, 1, 2, 3]))),
    ("nll_loss", lambda lib: (lib.ones(3, 4), lib.tensor([0, 1, 5]))),
    ("nll_loss", lambda lib: (lib.ones(3, 4), lib.tensor([0, 1, -3]))),
    ("nll_loss", lambda lib: (lib.ones(3, 4), lib.tensor([0.0, 1.0, 2.0]))),
    ("cross_entropy", lambda lib: (lib.ones(3, 4), lib.tensor([0, 1, 4]))),
    ("cross_entropy", lambda lib: (lib.ones(3, 4), lib.ones(3, 5))),
    ("nll_loss", lambda lib: (lib.ones(2, 4, 5), lib.zeros(2, 4, dtype=lib.int64))),
    ("mse_loss", lambda lib: (lib.ones(3, 4), lib.ones(5))),
    ("binary_cross_entropy", lambda lib: (lib.ones(3, 4) * 0.5, lib.ones(3, 1))),
    ("binary_cross_entropy", lambda lib: (lib.ones(3, 4) * 2, lib.ones(3, 4))),
    ("binary_cross_entropy_with_logits", lambda lib: (lib.ones(3, 4), lib.ones(3, 1))),
]


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("name, make", LOSS_ERRORS)
def test_loss_errors_match_torch(name: str, make) -> None:
    with pytest.raises(Exception) as expected:
        getattr(TF, name)(*make(torch))
    with pytest.raises(type(expected.value)) as error:
        getattr(F, name)(*make(teachgrad))
    assert str(error.value).startswith(torch_message(expected.value).split(". ")[0])


def test_bad_reduction_is_a_value_error_like_torchs() -> None:
    with pytest.raises(ValueError) as expected:
        TF.mse_loss(torch.ones(2), torch.ones(2), reduction="avg")
    with pytest.raises(ValueError) as error:
        F.mse_loss(teachgrad.ones(2), teachgrad.ones(2), reduction="avg")
    assert str(error.value).startswith(str(expected.value))
