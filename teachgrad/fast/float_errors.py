"""A faster switch for NumPy's float errors than np.seterr (teachgrad/numerics.py).

Since NumPy 2.0 the error state is a context variable, and setting that variable
directly costs about 0.3 us, against about 3 us for np.seterr and 1.3 us for entering
np.errstate (timeit, NumPy 2.4, on this project's CI machine kind). An op's whole
overhead is about 6 us (bench/op_overhead.py), so the public switch would add half of
it again. The variable is private to NumPy, so it is looked up defensively: without
it (NumPy 1.x, or a NumPy that moved it) np.seterr stands in, behind the same set and
reset.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:  # NumPy >= 2.0
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj
except ImportError:
    _extobj_contextvar = None


class _Seterr:
    @staticmethod
    def set(value: dict) -> dict:
        return np.seterr(**value)

    @staticmethod
    def reset(token: dict) -> None:
        np.seterr(**token)


if _extobj_contextvar is not None:
    FLOAT_ERRORS: Any = _extobj_contextvar
    IGNORE: Any = _make_extobj(all="ignore")
else:
    FLOAT_ERRORS = _Seterr()
    IGNORE = {"all": "ignore"}


def ignore_float_errors() -> Any:
    return FLOAT_ERRORS.set(IGNORE)


def restore_float_errors(token: Any) -> None:
    FLOAT_ERRORS.reset(token)
