"""How an exercise check answers the learner: one short verdict, never a traceback.

A check function (``check_*`` in the lesson modules) raises AssertionError with a hint
on the first thing that is wrong and returns a confirmation when all is right. The
``exercise`` decorator turns it into what the lesson calls: it prints one of

- ``Not attempted yet: ...`` while the learner's stub still raises NotImplementedError,
- ``Not yet right: ...`` with the check's hint, or where the learner's code crashed,
- ``Correct: ...``,

and never raises, so Run All goes on past an unfinished exercise. Tests ask for the
verdict itself with ``check.judge(answer)``.
"""

from __future__ import annotations

import functools
import inspect
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

_PACKAGE = Path(__file__).resolve().parents[1]

CORRECT = "correct"
WRONG = "wrong"
NOT_ATTEMPTED = "not attempted"


class Verdict(NamedTuple):
    status: str  # CORRECT, WRONG or NOT_ATTEMPTED
    message: str


def _is_checker(frame: traceback.FrameSummary, check_file: Path) -> bool:
    path = Path(frame.filename).resolve()
    return path == check_file or path.is_relative_to(_PACKAGE)


def _learner_frame(error: BaseException, check_file: Path) -> traceback.FrameSummary | None:
    """The innermost frame of the traceback that is the learner's code."""
    frames = traceback.extract_tb(error.__traceback__)
    outside = [f for f in frames if not _is_checker(f, check_file)]
    return outside[-1] if outside else None


def _where(frame: traceback.FrameSummary | None) -> str:
    # The line number counts from the top of the learner's cell; the file name is a
    # temporary path that would only confuse.
    return f" in `{frame.name}`, line {frame.lineno} of its cell" if frame else ""


def judge(check: Callable[..., str], *answers: Any) -> Verdict:
    """Run check(*answers) and classify what happened.

    Whether an error is the learner's or the checker's depends on where it was raised:
    in the learner's code (a stub, a crash, their own assert) or in the check's file or
    teachgrad (a failed comparison, or an error teachgrad raised on the learner's input).
    """
    check_file = Path(inspect.getsourcefile(check)).resolve()
    try:
        confirmation = check(*answers)
    except Exception as error:
        stub = _stub_in(error, check_file)
        if stub is not None:
            return Verdict(NOT_ATTEMPTED, f"Not attempted yet: `{stub.name}` still raises "
                           "NotImplementedError. Write your code in the cell above, run it, "
                           "then run this check again.")
        if isinstance(error, AssertionError) and _raised_by_checker(error, check_file):
            return Verdict(WRONG, f"Not yet right: {error}")
        return Verdict(WRONG, f"Not yet right: your code raised {type(error).__name__}"
                       f"{_where(_learner_frame(error, check_file))}: {error}")
    return Verdict(CORRECT, confirmation)


def _raised_by_checker(error: BaseException, check_file: Path) -> bool:
    return _is_checker(traceback.extract_tb(error.__traceback__)[-1], check_file)


def _stub_in(error: BaseException | None, check_file: Path) -> traceback.FrameSummary | None:
    """The learner frame of a NotImplementedError the learner's code raised, if the error
    is one or was caused by one (a check may wrap what it caught in its own message)."""
    while error is not None:
        if isinstance(error, NotImplementedError) and not _raised_by_checker(error, check_file):
            return _learner_frame(error, check_file)
        error = error.__cause__ or error.__context__
    return None


class exercise:
    """Decorator: a check that prints a one-line verdict and never raises."""

    def __init__(self, check: Callable[..., str]) -> None:
        self._check = check
        functools.update_wrapper(self, check)

    def __call__(self, *answers: Any) -> None:
        print(self.judge(*answers).message)

    def judge(self, *answers: Any) -> Verdict:
        return judge(self._check, *answers)
