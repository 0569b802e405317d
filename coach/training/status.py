"""A rep's status on one drill, from their attempts, and how urgent each task is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from coach.training.drills import DrillRules


class DrillStatus(StrEnum):
    """Where a rep stands on a drill (or a clip task)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    FAILED = "failed"
    OVERDUE = "overdue"


DONE = frozenset({DrillStatus.PASSED, DrillStatus.FAILED})
"""Statuses after which nothing is left to do."""


@dataclass(frozen=True)
class AttemptStats:
    """A rep's attempts at one drill: how many, how many still open, the best final score."""

    attempts: int = 0
    open_attempts: int = 0
    best_score: float | None = None
    last_attempt_at: datetime | None = None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def drill_status(
    rules: DrillRules, stats: AttemptStats, *, due_at: datetime | None, now: datetime
) -> DrillStatus:
    """Passed beats everything; failed when an exam's attempts are used up; then overdue."""
    if rules.passes(stats.best_score):
        return DrillStatus.PASSED
    used_up = (
        rules.is_exam
        and rules.max_attempts is not None
        and stats.attempts >= rules.max_attempts
        and stats.open_attempts == 0
    )
    if used_up:
        return DrillStatus.FAILED
    if due_at is not None and _aware(now) > _aware(due_at):
        return DrillStatus.OVERDUE
    if stats.attempts > 0:
        return DrillStatus.IN_PROGRESS
    return DrillStatus.NOT_STARTED


def attempts_left(rules: DrillRules, stats: AttemptStats) -> int | None:
    """How many more attempts an exam allows (None: no limit)."""
    if not rules.is_exam or rules.max_attempts is None:
        return None
    return max(0, rules.max_attempts - stats.attempts)


_RANK = {
    DrillStatus.OVERDUE: 0,
    DrillStatus.IN_PROGRESS: 1,
    DrillStatus.NOT_STARTED: 1,
    DrillStatus.FAILED: 3,
    DrillStatus.PASSED: 3,
}
_FAR = datetime.max.replace(tzinfo=UTC)


def urgency(status: DrillStatus, due_at: datetime | None) -> tuple[int, datetime]:
    """Sort key for "my drills": overdue first, then open tasks by due date (none last), done last."""
    rank = _RANK[status]
    if rank == 1 and due_at is None:
        rank = 2
    return rank, _aware(due_at) if due_at is not None else _FAR
