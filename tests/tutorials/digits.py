"""The 8x8 digits as NumPy arrays, where the tutorials read MNIST or FashionMNIST files.

'What is torch.nn really?' unpickles MNIST into NumPy arrays and turns them into
tensors itself; this hands the scripts the same kind of arrays, from
teachgrad.datasets.load_digits (scikit-learn's copy, no download), flattened to 64
pixels per image as the tutorial's MNIST rows are flattened to 784.
"""

from __future__ import annotations

import functools

import numpy as np

from teachgrad.datasets import load_digits

PIXELS = 64
SIDE = 8


@functools.cache
def arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """x_train (N, 64) float32 in [0, 1], y_train (N,) int64, then the same for validation."""
    split = load_digits(test_fraction=0.2, seed=0)
    return (split.x_train.flatten(1).numpy(), split.y_train.numpy(),
            split.x_test.flatten(1).numpy(), split.y_test.numpy())
