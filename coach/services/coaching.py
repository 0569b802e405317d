"""Coaching service: comments on a session or a turn, "Coaching for me", and score overrides.

Trainers and managers comment on their own team's sessions (admins on any); the rep whose
session it is reads them and marks them read. Managers (and admins) override a session's
score or one key point's status, with a comment; the evaluator's original stays stored and
is shown next to the override, and analytics use the override.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from coach.errors import CoachError, NotFoundError, PermissionDenied
from coach.services import actors, scope
from coach.services import training as training_service
from coach.services.runtime import Runtime
from coach.store.models import CoachingCommentRow, PracticeSessionRow, UserRow
from coach.store.repositories import coaching as coaching_repo
from coach.store.repositories import scorecards as scorecards_repo


class Record(BaseModel):
    """Base of the records this service returns: plain, immutable data."""

    model_config = ConfigDict(frozen=True)


class CommentRecord(Record):
    """A coaching comment as the rep and the coach see it."""

    id: int
    session_id: str
    turn_index: int | None
    turn_text: str | None
    author: str | None
    body: str
    created_at: datetime
    read_at: datetime | None
    scenario_id: str
    session_started_at: datetime


class KeyPointReview(Record):
    """One key point: what the evaluator said, and a manager's override if any."""

    id: str
    stage: str
    original: str
    override: str | None
    status: str
    comment: str | None
    override_by: str | None
    evidence: str | None


class ScorecardReview(Record):
    """A scorecard with the evaluator's original values next to the overrides."""

    session_id: str
    rep: str
    original_score: float
    override_score: float | None
    score: float
    override_comment: str | None
    override_by: str | None
    override_at: datetime | None
    key_points: list[KeyPointReview]


def _name(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    row = session.get(UserRow, user_id)
    return row.username if row is not None else None


def _comment_record(
    session: Session, row: CoachingCommentRow, practice: PracticeSessionRow
) -> CommentRecord:
    turn = next((t for t in practice.turns if t.index == row.turn_index), None)
    return CommentRecord(
        id=row.id,
        session_id=row.session_id,
        turn_index=row.turn_index,
        turn_text=turn.text if turn is not None else None,
        author=_name(session, row.author_id),
        body=row.body,
        created_at=row.created_at,
        read_at=row.read_at,
        scenario_id=practice.scenario_id,
        session_started_at=practice.started_at,
    )


def _coachee_session(
    session: Session, actor: str, session_id: str, roles: frozenset, what: str
) -> tuple[actors.Actor, PracticeSessionRow]:
    who = actors.resolve(session, actor)
    scope.require_role(who, roles, what)
    if who.user_id is None:
        # Comments and overrides are signed by their author.
        raise PermissionDenied(f"say who you are to {what}: pass --user NAME")
    return who, scope.practice_session(session, who, session_id, coach_only=True)


def add_comment(
    runtime: Runtime,
    *,
    actor: str,
    session_id: str,
    body: str,
    turn_index: int | None = None,
) -> CommentRecord:
    """Leave a comment on a session of a rep one coaches, or on one turn of it."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        who, practice = _coachee_session(
            session, actor, session_id, scope.COACHES, "leave coaching comments"
        )
        if turn_index is not None and not any(t.index == turn_index for t in practice.turns):
            raise NotFoundError(
                f"session {session_id} has no turn {turn_index} "
                f"(it has {len(practice.turns)} turns, numbered from 0)"
            )
        try:
            row = coaching_repo.add_comment(
                session=session,
                session_id=session_id,
                author_id=who.user_id,
                body=body,
                turn_index=turn_index,
            )
        except ValueError as exc:
            raise CoachError(str(exc)) from exc
        return _comment_record(session, row, practice)


def session_comments(runtime: Runtime, *, actor: str, session_id: str) -> list[CommentRecord]:
    """The comments on a session: for its rep, their coaches and admins."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = actors.resolve(session, actor)
        practice = scope.practice_session(session, who, session_id)
        return [
            _comment_record(session, row, practice)
            for row in coaching_repo.comments_on(session=session, session_id=session_id)
        ]


def coaching_for_me(
    runtime: Runtime, *, actor: str, unread_only: bool = False
) -> list[CommentRecord]:
    """Every comment on the actor's own sessions, newest first."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        user = actors.account(session, actor, "practice", "asking for their coaching")
        return [
            _comment_record(session, row, practice)
            for row, practice in coaching_repo.comments_for(
                session=session, user_id=user.id, unread_only=unread_only
            )
        ]


def mark_read(runtime: Runtime, *, actor: str, comment_id: int) -> CommentRecord:
    """The rep marks a comment on their own session read."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        user = actors.account(session, actor, "practice", "marking it read")
        row = coaching_repo.get_comment(session=session, comment_id=comment_id)
        practice = session.get(PracticeSessionRow, row.session_id)
        if practice is None or practice.user_id != user.id:
            raise NotFoundError(f"no coaching comment with id {comment_id} for {user.username}")
        coaching_repo.mark_read(session=session, comment=row)
        return _comment_record(session, row, practice)


def override_score(
    runtime: Runtime, *, actor: str, session_id: str, score: float, comment: str
) -> ScorecardReview:
    """A manager sets a session's score over the evaluator's, saying why."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        who, _ = _coachee_session(session, actor, session_id, scope.MANAGERS, "override scores")
        assert who.user_id is not None  # _coachee_session asked for an account
        try:
            scorecards_repo.override_score(
                session=session,
                session_id=session_id,
                score=score,
                comment=comment,
                user_id=who.user_id,
            )
        except ValueError as exc:
            raise CoachError(str(exc)) from exc
        training_service.record_scorecard(session, session_id)
        return _review(session, session_id)


def override_key_point(
    runtime: Runtime,
    *,
    actor: str,
    session_id: str,
    key_point_id: str,
    status: str,
    comment: str,
) -> ScorecardReview:
    """A manager sets one key point's status (hit, partial, missed), saying why."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        who, _ = _coachee_session(session, actor, session_id, scope.MANAGERS, "override scores")
        card = scorecards_repo.get_scorecard(session=session, session_id=session_id)
        known = [k.key_point_id for k in card.key_points]
        if key_point_id not in known:
            raise NotFoundError(
                f"the scorecard has no key point {key_point_id!r}; it has: {', '.join(known)}"
            )
        try:
            coaching_repo.override_key_point(
                session=session,
                session_id=session_id,
                key_point_id=key_point_id,
                status=status,
                comment=comment,
                user_id=who.user_id,
            )
        except ValueError as exc:
            raise CoachError(str(exc)) from exc
        return _review(session, session_id)


def review(runtime: Runtime, *, actor: str, session_id: str) -> ScorecardReview:
    """A session's scorecard with originals and overrides (its rep, their coaches, admins)."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = actors.resolve(session, actor)
        scope.practice_session(session, who, session_id)
        return _review(session, session_id)


def _review(session: Session, session_id: str) -> ScorecardReview:
    card = scorecards_repo.get_scorecard(session=session, session_id=session_id)
    overrides = coaching_repo.key_point_overrides(session=session, session_id=session_id)
    points = []
    for kp in card.key_points:
        over = overrides.get(kp.key_point_id)
        points.append(
            KeyPointReview(
                id=kp.key_point_id,
                stage=kp.stage,
                original=kp.status,
                override=over.status if over else None,
                status=over.status if over else kp.status,
                comment=over.comment if over else None,
                override_by=_name(session, over.override_by) if over else None,
                evidence=kp.evidence,
            )
        )
    return ScorecardReview(
        session_id=session_id,
        rep=card.session.user.username,
        original_score=card.score,
        override_score=card.override_score,
        score=card.final_score,
        override_comment=card.override_comment,
        override_by=_name(session, card.override_by),
        override_at=card.override_at,
        key_points=points,
    )
