"""Loaded by pytest before anything else: one BLAS thread for tests and lesson kernels.

The lessons multiply small matrices. On a busy 2-core machine a multi-threaded BLAS
can make such a product hundreds of times slower, and thread count also changes the
last digits of float32 sums. One thread keeps the suite fast and its outputs the same
everywhere. The kernels nbval starts inherit these variables; set them yourself to
override.
"""

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
