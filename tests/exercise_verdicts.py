"""Assertions on exercise verdicts, shared by the tests of every lesson's checks."""

from __future__ import annotations

import re
from typing import Any

from teachgrad.exercises.verdict import CORRECT, NOT_ATTEMPTED, WRONG, Verdict, exercise


def _verdict(check: exercise, status: str, answers: tuple) -> Verdict:
    verdict = check.judge(*answers)
    assert verdict.status == status, f"expected {status!r}, got {verdict}"
    # What the learner reads: one short verdict, never a traceback.
    assert "Traceback" not in verdict.message
    assert len(verdict.message) < 600, verdict.message
    return verdict


def assert_correct(check: exercise, *answers: Any) -> Verdict:
    return _verdict(check, CORRECT, answers)


def assert_wrong(check: exercise, *answers: Any, match: str | None = None) -> Verdict:
    verdict = _verdict(check, WRONG, answers)
    if match is not None:
        assert re.search(match, verdict.message), verdict.message
    return verdict


def assert_not_attempted(check: exercise, *answers: Any) -> Verdict:
    return _verdict(check, NOT_ATTEMPTED, answers)
