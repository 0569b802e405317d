"""Streaming queries for exports: sessions, key-point results, clip-task completion.

Each yields plain tuples in batches (``yield_per``), so exporting a team's year never holds
every row in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from coach.store.models import (
    AssignmentCompletionRow,
    AssignmentRow,
    KeyPointOverrideRow,
    KeyPointResultRow,
    PracticeSessionRow,
    ScorecardRow,
    TeamRow,
    UserRow,
)
from coach.store.repositories.analytics import Who, final_status, scoped, with_points
from coach.store.repositories.training import final_score
from coach.training.periods import Period

S = PracticeSessionRow
BATCH = 1000


def session_rows(*, session: Session, who: Who, period: Period) -> Iterator[tuple[Any, ...]]:
    """A team's or rep's sessions in the period, oldest first, one tuple each.

    (id, rep, team, scenario, mode, persona, status, ended_by, started, ended, score,
    override score, final score, assignment, drill).
    """
    query = (
        scoped(
            select(
                S.id,
                UserRow.username,
                TeamRow.name,
                S.scenario_id,
                S.mode,
                S.persona_id,
                S.status,
                S.ended_by,
                S.started_at,
                S.ended_at,
                ScorecardRow.score,
                ScorecardRow.override_score,
                final_score(),
                S.assignment_id,
                AssignmentRow.drill_id,
            )
            .outerjoin(ScorecardRow, ScorecardRow.session_id == S.id)
            .outerjoin(AssignmentRow, AssignmentRow.id == S.assignment_id),
            who,
            period,
        )
        .outerjoin(TeamRow, TeamRow.id == UserRow.team_id)
        .order_by(S.started_at, S.id)
        .execution_options(yield_per=BATCH)
    )
    for row in session.execute(query):
        yield tuple(row)


def key_point_rows(*, session: Session, who: Who, period: Period) -> Iterator[tuple[Any, ...]]:
    """Every key-point result of the sessions in the period, by session then position.

    (session, rep, scenario, started, key point, stage, evaluator status, override status,
    final status, evidence, turn, override comment).
    """
    query = (
        scoped(
            with_points(
                select(
                    S.id,
                    UserRow.username,
                    S.scenario_id,
                    S.started_at,
                    KeyPointResultRow.key_point_id,
                    KeyPointResultRow.stage,
                    KeyPointResultRow.status,
                    KeyPointOverrideRow.status,
                    final_status(),
                    KeyPointResultRow.evidence,
                    KeyPointResultRow.turn_index,
                    KeyPointOverrideRow.comment,
                )
            ),
            who,
            period,
        )
        .order_by(S.started_at, S.id, KeyPointResultRow.position)
        .execution_options(yield_per=BATCH)
    )
    for row in session.execute(query):
        yield tuple(row)


def clip_tasks(
    *, session: Session, team_id: int, period: Period
) -> list[tuple[AssignmentRow, list[UserRow], set[int]]]:
    """Clip tasks given to a team or its members in the period: (task, reps it reaches, who did it)."""
    members = list(session.scalars(select(UserRow).where(UserRow.team_id == team_id)))
    ids = [m.id for m in members]
    query = (
        select(AssignmentRow)
        .where(
            AssignmentRow.kind == "clip",
            AssignmentRow.created_at >= period.since,
            AssignmentRow.created_at < period.until,
            or_(AssignmentRow.assignee_team_id == team_id, AssignmentRow.assignee_user_id.in_(ids)),
        )
        .order_by(AssignmentRow.id)
    )
    out = []
    for task in session.scalars(query):
        if task.assignee_user_id is not None:
            reach = [m for m in members if m.id == task.assignee_user_id]
        else:
            reach = [m for m in members if m.role == "rep" and m.is_active]
        done = set(
            session.scalars(
                select(AssignmentCompletionRow.user_id).where(
                    AssignmentCompletionRow.assignment_id == task.id
                )
            )
        )
        out.append((task, sorted(reach, key=lambda m: m.username), done))
    return out
