"""Repository functions for scorecards, per-key-point results and manager overrides."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from coach.errors import NotFoundError
from coach.evaluator.result import EvaluationResult
from coach.store.models import (
    KeyPointResultRow,
    PracticeSessionRow,
    ScorecardRow,
    UserRow,
    utcnow,
)

KEY_POINT_STATUSES = ("hit", "partial", "missed")


def save_scorecard(*, session: Session, session_id: str, result: dict[str, Any]) -> ScorecardRow:
    """Store an evaluation result (the ``coach evaluate --json`` object) for a session.

    Replaces an earlier scorecard of the same session (a re-evaluation).
    """
    practice = session.get(PracticeSessionRow, session_id)
    if practice is None:
        raise NotFoundError(f"no practice session with id {session_id!r}")
    try:
        EvaluationResult.model_validate(result)
    except ValidationError as exc:
        raise ValueError(f"not an evaluation result: {exc}") from exc
    existing = session.scalar(select(ScorecardRow).where(ScorecardRow.session_id == session_id))
    if existing is not None:
        session.delete(existing)
        session.flush()
    card = ScorecardRow(
        session_id=session_id,
        score=float(result["score"]),
        stage_scores=dict(result.get("stage_scores", {})),
        delivery=dict(result.get("delivery", {})),
        compliance=list(result.get("compliance", [])),
        feedback=dict(result.get("feedback", {})),
        result=result,
    )
    for position, point in enumerate(result.get("key_points", [])):
        status = point["status"]
        if status not in KEY_POINT_STATUSES:
            raise ValueError(
                f"key point status must be one of {KEY_POINT_STATUSES}, not {status!r}"
            )
        card.key_points.append(
            KeyPointResultRow(
                position=position,
                key_point_id=point["id"],
                stage=point.get("stage", ""),
                status=status,
                evidence=point.get("evidence"),
                turn_index=point.get("turn"),
                weight=float(point.get("weight", 1.0)),
            )
        )
    session.add(card)
    session.flush()
    return card


def get_scorecard(*, session: Session, session_id: str) -> ScorecardRow:
    """The scorecard of a session with its key points; raise NotFoundError if none."""
    card = session.scalar(
        select(ScorecardRow)
        .where(ScorecardRow.session_id == session_id)
        .options(selectinload(ScorecardRow.key_points))
    )
    if card is None:
        raise NotFoundError(f"session {session_id!r} has no scorecard yet")
    return card


def override_score(
    *, session: Session, session_id: str, score: float, comment: str, user_id: int
) -> ScorecardRow:
    """Set a manager's score over the evaluator's, with a comment that explains why."""
    if not 0 <= score <= 100:
        raise ValueError("a score is between 0 and 100")
    if not comment.strip():
        raise ValueError("an override needs a comment that says why")
    card = get_scorecard(session=session, session_id=session_id)
    card.override_score = score
    card.override_comment = comment.strip()
    card.override_by = user_id
    card.override_at = utcnow()
    session.flush()
    return card


def key_point_mention_rates(
    *, session: Session, scenario_id: str, team_id: int | None = None, user_id: int | None = None
) -> dict[str, float]:
    """Share of scored sessions of a scenario in which each key point was hit (partial = half)."""
    credit = case(
        (KeyPointResultRow.status == "hit", 1.0),
        (KeyPointResultRow.status == "partial", 0.5),
        else_=0.0,
    )
    query = (
        select(KeyPointResultRow.key_point_id, func.avg(credit))
        .join(ScorecardRow, ScorecardRow.id == KeyPointResultRow.scorecard_id)
        .join(PracticeSessionRow, PracticeSessionRow.id == ScorecardRow.session_id)
        .where(PracticeSessionRow.scenario_id == scenario_id)
        .group_by(KeyPointResultRow.key_point_id)
    )
    if user_id is not None:
        query = query.where(PracticeSessionRow.user_id == user_id)
    if team_id is not None:
        query = query.join(UserRow, UserRow.id == PracticeSessionRow.user_id).where(
            UserRow.team_id == team_id
        )
    return {point: float(rate) for point, rate in session.execute(query)}
