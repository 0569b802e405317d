"""Repository functions for practice sessions and their turns, persisted turn by turn."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from coach.errors import CoachError, NotFoundError
from coach.store.models import CertificateRow, PracticeSessionRow, TurnRow, UserRow, utcnow

MODES = ("readalong", "recitation", "scripted", "freeform")
STATUSES = ("active", "completed", "abandoned")


class SessionClosedError(CoachError):
    """A turn was added to a session that has already ended."""


def create_session(
    *,
    session: Session,
    user_id: int,
    scenario_id: str,
    mode: str,
    language: str,
    persona_id: str | None = None,
    assignment_id: int | None = None,
    engine: str = "builtin",
    seed: int | None = None,
) -> PracticeSessionRow:
    """Start a practice session."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
    row = PracticeSessionRow(
        user_id=user_id,
        scenario_id=scenario_id,
        persona_id=persona_id,
        assignment_id=assignment_id,
        mode=mode,
        language=language,
        engine=engine,
        seed=seed,
        state={},
    )
    session.add(row)
    session.flush()
    return row


def get_session(*, session: Session, session_id: str) -> PracticeSessionRow:
    """A practice session with its turns and scorecard; raise NotFoundError if missing."""
    row = session.scalar(
        select(PracticeSessionRow)
        .where(PracticeSessionRow.id == session_id)
        .options(selectinload(PracticeSessionRow.turns), selectinload(PracticeSessionRow.scorecard))
    )
    if row is None:
        raise NotFoundError(f"no practice session with id {session_id!r}")
    return row


def add_turn(
    *,
    session: Session,
    session_id: str,
    speaker: str,
    text: str,
    audio_path: str | None = None,
    start: float | None = None,
    end: float | None = None,
    meta: dict[str, Any] | None = None,
) -> TurnRow:
    """Append a turn to an active session, numbered after the last one."""
    practice = session.get(PracticeSessionRow, session_id)
    if practice is None:
        raise NotFoundError(f"no practice session with id {session_id!r}")
    if practice.status != "active":
        raise SessionClosedError(f"session {session_id} has ended ({practice.status})")
    last = session.scalar(select(func.max(TurnRow.index)).where(TurnRow.session_id == session_id))
    turn = TurnRow(
        session_id=session_id,
        index=0 if last is None else last + 1,
        speaker=speaker,
        text=text,
        audio_path=audio_path,
        start=start,
        end=end,
        meta=meta or {},
    )
    session.add(turn)
    session.flush()
    return turn


def update_state(*, session: Session, session_id: str, state: dict[str, Any]) -> None:
    """Save the session's engine state (persona state, flow position, current line)."""
    practice = session.get(PracticeSessionRow, session_id)
    if practice is None:
        raise NotFoundError(f"no practice session with id {session_id!r}")
    practice.state = dict(state)
    session.flush()


def set_engine(*, session: Session, session_id: str, engine: str) -> None:
    """Switch the engine that plays the customer (e.g. to ``builtin`` when the LLM is down)."""
    practice = session.get(PracticeSessionRow, session_id)
    if practice is None:
        raise NotFoundError(f"no practice session with id {session_id!r}")
    practice.engine = engine
    session.flush()


def end_session(
    *, session: Session, session_id: str, ended_by: str, status: str = "completed"
) -> PracticeSessionRow:
    """Mark a session as ended (completed or abandoned) and say why."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    practice = session.get(PracticeSessionRow, session_id)
    if practice is None:
        raise NotFoundError(f"no practice session with id {session_id!r}")
    practice.status = status
    practice.ended_by = ended_by
    practice.ended_at = utcnow()
    session.flush()
    return practice


def list_sessions(
    *,
    session: Session,
    user_id: int | None = None,
    team_id: int | None = None,
    scenario_id: str | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[PracticeSessionRow]:
    """Sessions, newest first, filtered by rep, team, scenario or status."""
    query = (
        select(PracticeSessionRow)
        .options(selectinload(PracticeSessionRow.scorecard))
        .order_by(PracticeSessionRow.started_at.desc(), PracticeSessionRow.id)
        .limit(limit)
        .offset(offset)
    )
    if user_id is not None:
        query = query.where(PracticeSessionRow.user_id == user_id)
    if team_id is not None:
        query = query.join(UserRow, UserRow.id == PracticeSessionRow.user_id).where(
            UserRow.team_id == team_id
        )
    if scenario_id is not None:
        query = query.where(PracticeSessionRow.scenario_id == scenario_id)
    if status is not None:
        query = query.where(PracticeSessionRow.status == status)
    return list(session.scalars(query))


def update_turn(
    *,
    session: Session,
    session_id: str,
    index: int,
    text: str | None = None,
    meta: dict[str, Any] | None = None,
) -> TurnRow:
    """Change a stored turn's text and/or merge keys into its meta (ended sessions too)."""
    turn = session.scalar(
        select(TurnRow).where(TurnRow.session_id == session_id, TurnRow.index == index)
    )
    if turn is None:
        raise NotFoundError(f"session {session_id} has no turn {index}")
    if text is not None:
        turn.text = text
    if meta:
        turn.meta = {**(turn.meta or {}), **meta}
    session.flush()
    return turn


def backdate(
    *, session: Session, session_id: str, started_at: datetime, seconds_per_turn: float
) -> None:
    """Move an ended session to ``started_at``: its turns, scorecard and any certificate too.

    For generated history (the demo team's weeks of practice): each turn is taken to last
    ``seconds_per_turn``, and the session ends after its last turn.
    """
    practice = get_session(session=session, session_id=session_id)
    practice.started_at = started_at
    for n, turn in enumerate(practice.turns):
        turn.created_at = started_at + timedelta(seconds=seconds_per_turn * n)
    ended = started_at + timedelta(seconds=seconds_per_turn * max(1, len(practice.turns)))
    practice.ended_at = ended
    if practice.scorecard is not None:
        practice.scorecard.created_at = ended
    for cert in session.scalars(
        select(CertificateRow).where(CertificateRow.session_id == session_id)
    ):
        cert.certified_at = ended
    session.flush()
