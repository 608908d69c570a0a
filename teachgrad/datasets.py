"""Small real datasets that work offline, as tensors split into train and test.

load_digits(): 1,797 handwritten digits as 8x8 grey images (the UCI "optical
recognition of handwritten digits" set), which scikit-learn ships inside its
package, so no download is needed. scikit-learn comes with the `lab`, `test` and
`datasets` extras; in a notebook, `%pip install scikit-learn` adds it to the kernel's
Python.
"""

from __future__ import annotations

from typing import NamedTuple

from teachgrad import dtypes
from teachgrad.creation import randperm, tensor
from teachgrad.random import Generator
from teachgrad.tensor import Tensor


class Split(NamedTuple):
    """Train and test tensors: images (N, 1, H, W) float32 in [0, 1], labels (N,) int64."""

    x_train: Tensor
    y_train: Tensor
    x_test: Tensor
    y_test: Tensor


def load_digits(test_fraction: float = 0.2, seed: int = 0) -> Split:
    """The 8x8 digits, shuffled with `seed` and split into train and test.

    The images come as (N, 1, 8, 8) float32 scaled to [0, 1] (the raw pixels are 0..16),
    ready for Conv2d; flatten them (x.flatten(1)) for a Linear layer. Labels are 0..9.
    The split is the same for the same seed, on every machine.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        import shlex
        import sys

        # Name the interpreter: a bare `pip` may belong to another Python than the kernel's.
        python = shlex.quote(sys.executable)
        raise ModuleNotFoundError(
            "teachgrad.datasets.load_digits needs scikit-learn, which ships the digits data "
            "(no download); teachgrad's `lab` extra includes it. Install it into the Python "
            "that runs this code: in a notebook, run  %pip install scikit-learn  in a cell, "
            f"then restart the kernel; in a shell, run  {python} -m pip install "
            f"\"teachgrad[datasets]\"  (or: {python} -m pip install scikit-learn)."
        ) from None
    digits = sklearn_digits()
    images = tensor(digits.images / 16.0, dtype=dtypes.float32).unsqueeze(1)
    labels = tensor(digits.target, dtype=dtypes.int64)
    order = randperm(len(labels), generator=Generator().manual_seed(seed))
    test_count = round(len(labels) * test_fraction)
    test, train = order[:test_count], order[test_count:]
    return Split(images[train], labels[train], images[test], labels[test])
