"""Lists of practice sessions, one page at a time: a rep's own, a rep's, or a team's.

Reps list their own sessions; trainers and managers those of their team's members (the
team, or one rep of it); admins anyone's. The permission checks are those of
:mod:`coach.services.scope`, so the API and the pages refuse the same requests.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coach.errors import CoachError
from coach.services import actors, scope
from coach.services.runtime import Runtime
from coach.store.models import PracticeSessionRow, UserRow
from coach.store.repositories import sessions as sessions_repo

MAX_LIMIT = 500


class SessionItem(BaseModel):
    """One session in a list."""

    model_config = ConfigDict(frozen=True)

    id: str
    rep: str
    scenario_id: str
    mode: str
    language: str
    status: str
    ended_by: str | None
    started_at: datetime
    ended_at: datetime | None
    score: float | None
    """The final score: a manager's override when there is one, else the evaluator's."""
    assignment_id: int | None


class SessionPage(BaseModel):
    """A page of sessions, newest first, and how many there are in all."""

    model_config = ConfigDict(frozen=True)

    total: int
    limit: int
    offset: int
    items: list[SessionItem]


def _count(session: Session, *, user_id: int | None, team_id: int | None) -> int:
    query = select(func.count()).select_from(PracticeSessionRow)
    if user_id is not None:
        query = query.where(PracticeSessionRow.user_id == user_id)
    if team_id is not None:
        query = query.join(UserRow, UserRow.id == PracticeSessionRow.user_id).where(
            UserRow.team_id == team_id
        )
    return int(session.scalar(query) or 0)


def _item(row: PracticeSessionRow) -> SessionItem:
    card = row.scorecard
    score = None
    if card is not None:
        score = card.override_score if card.override_score is not None else card.score
    return SessionItem(
        id=row.id,
        rep=row.user.username,
        scenario_id=row.scenario_id,
        mode=row.mode,
        language=row.language,
        status=row.status,
        ended_by=row.ended_by,
        started_at=row.started_at,
        ended_at=row.ended_at,
        score=score,
        assignment_id=row.assignment_id,
    )


def list_sessions(
    runtime: Runtime,
    *,
    actor: str,
    team: str | None = None,
    rep: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> SessionPage:
    """A page of sessions: the actor's own, or (coaches) one rep's or one team's."""
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise CoachError(f"limit must be 1-{MAX_LIMIT} and offset 0 or more")
    runtime.require_initialised()
    with runtime.transaction() as session:
        user_id = team_id = None
        if team is None and rep is None:
            user_id = actors.account(session, actor, "practice", "asking").id
        else:
            who = actors.resolve(session, actor)
            if team is not None:
                scope.require_role(who, scope.COACHES, "list a team's sessions")
                team_id = scope.team(session, who, team).id
            if rep is not None:
                owner = scope.user(session, who, rep)
                if team_id is not None and owner.team_id != team_id:
                    raise CoachError(f"{owner.username} is not in team {team!r}; pass one of them")
                user_id, team_id = owner.id, None
        total = _count(session, user_id=user_id, team_id=team_id)
        rows = sessions_repo.list_sessions(
            session=session, user_id=user_id, team_id=team_id, limit=limit, offset=offset
        )
        return SessionPage(
            total=total, limit=limit, offset=offset, items=[_item(row) for row in rows]
        )
