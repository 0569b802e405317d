"""The pure rules: drill validation, status, urgency, periods, labels."""

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from coach.training import (
    AttemptStats,
    DrillRules,
    DrillStatus,
    Period,
    drill_status,
    label,
    urgency,
)
from coach.training.status import attempts_left

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def rules(**kw):
    return DrillRules(scenario_id="s", mode="freeform", **kw)


def status(r, due=None, **stats):
    return drill_status(r, AttemptStats(**stats), due_at=due, now=NOW)


def test_status_precedence():
    exam = rules(exam=True, max_attempts=2, target_score=80)
    assert status(exam) == DrillStatus.NOT_STARTED
    assert status(exam, attempts=1, best_score=50) == DrillStatus.IN_PROGRESS
    assert status(exam, attempts=2, best_score=50) == DrillStatus.FAILED
    # The last attempt is still running: not failed yet.
    assert status(exam, attempts=2, open_attempts=1, best_score=50) == DrillStatus.IN_PROGRESS
    assert status(exam, attempts=2, best_score=80) == DrillStatus.PASSED
    late = NOW - timedelta(days=1)
    assert status(exam, due=late, attempts=1, best_score=10) == DrillStatus.OVERDUE
    assert status(exam, due=late, attempts=1, best_score=90) == DrillStatus.PASSED
    assert status(exam, due=late, attempts=2, best_score=10) == DrillStatus.FAILED
    # Without a target any scored attempt passes; an unscored one does not.
    assert status(rules(), attempts=1, best_score=0) == DrillStatus.PASSED
    assert status(rules(), attempts=1) == DrillStatus.IN_PROGRESS
    # A naive due date is read as UTC.
    assert status(rules(), due=datetime(2026, 3, 9)) == DrillStatus.OVERDUE


def test_rules():
    assert rules(certification=True, target_score=70).hints is False
    assert rules().hints and rules().is_exam is False
    assert attempts_left(rules(exam=True, max_attempts=3), AttemptStats(attempts=1)) == 2
    assert attempts_left(rules(), AttemptStats(attempts=9)) is None
    for bad in (
        {"mode": "x"},
        {"target_score": -1},
        {"max_attempts": 0, "exam": True},
        {"certification": True},
    ):
        with pytest.raises(ValidationError):
            DrillRules(**{"scenario_id": "s", "mode": "freeform", **bad})


def test_urgency_order():
    soon, later = NOW + timedelta(days=1), NOW + timedelta(days=5)
    items = [
        ("passed", DrillStatus.PASSED, soon),
        ("undated", DrillStatus.NOT_STARTED, None),
        ("later", DrillStatus.IN_PROGRESS, later),
        ("late", DrillStatus.OVERDUE, NOW - timedelta(days=3)),
        ("soon", DrillStatus.NOT_STARTED, soon),
    ]
    ordered = [name for name, *_ in sorted(items, key=lambda i: urgency(i[1], i[2]))]
    assert ordered == ["late", "soon", "later", "undated", "passed"]


def test_periods():
    period = Period.of(date(2026, 3, 1), date(2026, 3, 15))
    assert period.since == datetime(2026, 3, 1, tzinfo=UTC)
    assert period.previous() == Period(datetime(2026, 2, 15, tzinfo=UTC), period.since)
    assert Period.of(None, now=NOW).since == NOW - timedelta(days=28)
    with pytest.raises(ValueError, match="before"):
        Period.of(date(2026, 3, 2), date(2026, 3, 1))


def test_labels_in_both_languages():
    assert label("overdue") == "overdue" and label("overdue", "zh") == "已逾期"
    assert label("unknown-key", "zh") == "unknown-key" and label("passed", "fr") == "passed"


def test_both_catalogues_have_the_same_words():
    from coach.training.labels import CATALOGUE

    assert set(CATALOGUE["en"]) == set(CATALOGUE["zh"])
