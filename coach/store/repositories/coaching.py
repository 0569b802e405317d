"""Repository functions for coaching comments and key-point overrides."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.errors import NotFoundError
from coach.store.models import (
    CoachingCommentRow,
    KeyPointOverrideRow,
    PracticeSessionRow,
    utcnow,
)

MAX_COMMENT = 4000
KEY_POINT_STATUSES = ("hit", "partial", "missed")


def add_comment(
    *, session: Session, session_id: str, author_id: int | None, body: str, turn_index: int | None
) -> CoachingCommentRow:
    """Store a comment on a session (or on one of its turns)."""
    text = body.strip()
    if not text:
        raise ValueError("the comment is empty: write what the rep should hear")
    if len(text) > MAX_COMMENT:
        raise ValueError(f"the comment is too long ({len(text)} characters; at most {MAX_COMMENT})")
    row = CoachingCommentRow(
        session_id=session_id, turn_index=turn_index, author_id=author_id, body=text
    )
    session.add(row)
    session.flush()
    return row


def get_comment(*, session: Session, comment_id: int) -> CoachingCommentRow:
    """The comment with this id; NotFoundError if there is none."""
    row = session.get(CoachingCommentRow, comment_id)
    if row is None:
        raise NotFoundError(f"no coaching comment with id {comment_id}")
    return row


def comments_on(*, session: Session, session_id: str) -> list[CoachingCommentRow]:
    """A session's comments, oldest first."""
    query = (
        select(CoachingCommentRow)
        .where(CoachingCommentRow.session_id == session_id)
        .order_by(CoachingCommentRow.created_at, CoachingCommentRow.id)
    )
    return list(session.scalars(query))


def comments_for(
    *, session: Session, user_id: int, unread_only: bool = False
) -> list[tuple[CoachingCommentRow, PracticeSessionRow]]:
    """Comments on a rep's sessions, newest first, with their session."""
    query = (
        select(CoachingCommentRow, PracticeSessionRow)
        .join(PracticeSessionRow, PracticeSessionRow.id == CoachingCommentRow.session_id)
        .where(PracticeSessionRow.user_id == user_id)
        .order_by(CoachingCommentRow.created_at.desc(), CoachingCommentRow.id.desc())
    )
    if unread_only:
        query = query.where(CoachingCommentRow.read_at.is_(None))
    return [(c, s) for c, s in session.execute(query)]


def mark_read(*, session: Session, comment: CoachingCommentRow) -> CoachingCommentRow:
    """Mark a comment read (keeps the first time it was read)."""
    if comment.read_at is None:
        comment.read_at = utcnow()
        session.flush()
    return comment


def override_key_point(
    *,
    session: Session,
    session_id: str,
    key_point_id: str,
    status: str,
    comment: str,
    user_id: int | None,
) -> KeyPointOverrideRow:
    """Set (or replace) a manager's status for one key point of a session."""
    if status not in KEY_POINT_STATUSES:
        raise ValueError(f"a key point is {', '.join(KEY_POINT_STATUSES)}, not {status!r}")
    if not comment.strip():
        raise ValueError("an override needs a comment that says why")
    row = session.scalar(
        select(KeyPointOverrideRow).where(
            KeyPointOverrideRow.session_id == session_id,
            KeyPointOverrideRow.key_point_id == key_point_id,
        )
    )
    if row is None:
        row = KeyPointOverrideRow(session_id=session_id, key_point_id=key_point_id)
        session.add(row)
    row.status = status
    row.comment = comment.strip()
    row.override_by = user_id
    row.override_at = utcnow()
    session.flush()
    return row


def key_point_overrides(*, session: Session, session_id: str) -> dict[str, KeyPointOverrideRow]:
    """A session's key-point overrides by key point id."""
    query = select(KeyPointOverrideRow).where(KeyPointOverrideRow.session_id == session_id)
    return {row.key_point_id: row for row in session.scalars(query)}
