"""Exports of a team's sessions, scorecards (one row per key-point result) and assignments.

CSV is UTF-8 with a byte-order mark so Excel opens Chinese text correctly; the same rows
are available as JSON-ready dicts for the API. Sessions and scorecards: the team's
manager and admins; assignments: its trainers too. Rows are streamed from the database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.orm import Session

from coach.errors import CoachError
from coach.services import actors, scope
from coach.services import training as training_service
from coach.services.runtime import Runtime
from coach.store.models import TeamRow, utcnow
from coach.store.repositories import exports as exports_repo
from coach.store.repositories import training as training_repo
from coach.store.repositories.analytics import Who
from coach.training.periods import Period

COLUMNS: dict[str, tuple[str, ...]] = {
    "sessions": (
        "session_id",
        "rep",
        "team",
        "scenario_id",
        "mode",
        "persona_id",
        "status",
        "ended_by",
        "started_at",
        "ended_at",
        "evaluator_score",
        "override_score",
        "score",
        "assignment_id",
        "drill_id",
    ),
    "scorecards": (
        "session_id",
        "rep",
        "scenario_id",
        "started_at",
        "key_point_id",
        "stage",
        "evaluator_status",
        "override_status",
        "status",
        "evidence",
        "turn",
        "override_comment",
    ),
    "assignments": (
        "assignment_id",
        "kind",
        "drill_id",
        "clip_id",
        "title",
        "rep",
        "team",
        "status",
        "attempts",
        "best_score",
        "target_score",
        "due_at",
        "last_attempt_at",
    ),
}
KINDS = tuple(COLUMNS)


def _check(session: Session, actor: str, kind: str, team: str) -> TeamRow:
    if kind not in COLUMNS:
        raise CoachError(f"unknown export {kind!r}; use one of: {', '.join(KINDS)}")
    who = actors.resolve(session, actor)
    roles = scope.COACHES if kind == "assignments" else scope.MANAGERS
    scope.require_role(who, roles, f"export {kind}")
    return scope.team(session, who, team)


def _assignment_rows(
    session: Session, who: actors.Actor, team: TeamRow, period: Period, now: datetime
) -> Iterator[dict[str, Any]]:
    given = {
        row.id
        for row in training_repo.drill_assignments(
            session=session, team_ids=[team.id], created_since=period.since
        )
        if _utc(row.created_at) < period.until
    }
    for status in training_service.statuses_in_scope(session, who, now=now, team_ids=[team.id]):
        if status.assignment_id in given:
            yield {
                "assignment_id": status.assignment_id,
                "kind": "drill",
                "drill_id": status.drill_id,
                "clip_id": None,
                "title": status.title,
                "rep": status.rep,
                "team": status.team,
                "status": status.status.value,
                "attempts": status.attempts,
                "best_score": status.best_score,
                "target_score": status.target_score,
                "due_at": status.due_at,
                "last_attempt_at": status.last_attempt_at,
            }
    for task, reps, done in exports_repo.clip_tasks(
        session=session, team_id=team.id, period=period
    ):
        for rep in reps:
            if rep.id in done:
                state = "done"
            elif task.due_at is not None and _utc(task.due_at) < now:
                state = "overdue"
            else:
                state = "not_started"
            yield {
                "assignment_id": task.id,
                "kind": "clip",
                "drill_id": None,
                "clip_id": task.clip_id,
                "title": task.title,
                "rep": rep.username,
                "team": team.name,
                "status": state,
                "attempts": None,
                "best_score": None,
                "target_score": None,
                "due_at": task.due_at,
                "last_attempt_at": None,
            }


def _rows(
    session: Session, actor: str, kind: str, team: str, period: Period, now: datetime
) -> Iterator[dict[str, Any]]:
    row = _check(session, actor, kind, team)
    columns = COLUMNS[kind]
    if kind == "assignments":
        yield from _assignment_rows(session, actors.resolve(session, actor), row, period, now)
        return
    source = exports_repo.session_rows if kind == "sessions" else exports_repo.key_point_rows
    for values in source(session=session, who=Who(team_id=row.id), period=period):
        yield dict(zip(columns, values, strict=True))


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    return value


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def export_json(
    runtime: Runtime,
    *,
    actor: str,
    kind: str,
    team: str,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """The export's rows as JSON-ready dicts (timestamps as ISO strings, UTC)."""
    period = Period.of(since, until, now=now, default_days=365)
    runtime.require_initialised()
    with runtime.transaction() as session:
        return [
            {k: _json_value(v) for k, v in row.items()}
            for row in _rows(session, actor, kind, team, period, now or utcnow())
        ]


def write_csv(
    runtime: Runtime,
    *,
    actor: str,
    kind: str,
    team: str,
    out: Path | TextIO,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    now: datetime | None = None,
) -> int:
    """Write the export as CSV (UTF-8 with BOM) to a file or text stream; return the rows written.

    The period defaults to the last 365 days. Permissions are checked before the file is
    opened, so a refused export leaves no file behind.
    """
    period = Period.of(since, until, now=now, default_days=365)
    runtime.require_initialised()
    with runtime.transaction() as session:
        _check(session, actor, kind, team)
        if isinstance(out, Path):
            with out.open("w", encoding="utf-8-sig", newline="") as handle:
                return _write(
                    handle, _rows(session, actor, kind, team, period, now or utcnow()), kind
                )
        out.write("\ufeff")
        return _write(out, _rows(session, actor, kind, team, period, now or utcnow()), kind)


def _write(handle: TextIO, rows: Iterator[dict[str, Any]], kind: str) -> int:
    writer = csv.writer(handle)
    writer.writerow(COLUMNS[kind])
    count = 0
    for row in rows:
        writer.writerow([_csv_value(row[c]) for c in COLUMNS[kind]])
        count += 1
    return count


def csv_text(
    runtime: Runtime,
    *,
    actor: str,
    kind: str,
    team: str,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> str:
    """The CSV export as one string (BOM first), for a download button."""
    buffer = io.StringIO()
    write_csv(runtime, actor=actor, kind=kind, team=team, out=buffer, since=since, until=until)
    return buffer.getvalue()
