"""Repository functions for API tokens. All arguments are keyword-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.errors import NotFoundError
from coach.store.models import ApiTokenRow, utcnow


def create_token(
    *,
    session: Session,
    user_id: int,
    prefix: str,
    secret_hash: str,
    name: str = "",
    created_by: int | None = None,
) -> ApiTokenRow:
    """Store a new token (its digest only)."""
    row = ApiTokenRow(
        prefix=prefix, secret_hash=secret_hash, user_id=user_id, name=name, created_by=created_by
    )
    session.add(row)
    session.flush()
    return row


def get_by_prefix(*, session: Session, prefix: str) -> ApiTokenRow | None:
    """The token with this public prefix, revoked or not, or None."""
    return session.scalar(select(ApiTokenRow).where(ApiTokenRow.prefix == prefix))


def get_token(*, session: Session, token_id: int) -> ApiTokenRow:
    """The token with this id; NotFoundError if there is none."""
    row = session.get(ApiTokenRow, token_id)
    if row is None:
        raise NotFoundError(f"no API token with id {token_id} (see `coach tokens list`)")
    return row


def list_tokens(*, session: Session, user_id: int | None = None) -> list[ApiTokenRow]:
    """Tokens, newest first: one user's, or everyone's when ``user_id`` is None."""
    query = select(ApiTokenRow).order_by(ApiTokenRow.created_at.desc(), ApiTokenRow.id.desc())
    if user_id is not None:
        query = query.where(ApiTokenRow.user_id == user_id)
    return list(session.scalars(query))


def touch(*, session: Session, row: ApiTokenRow, when: datetime | None = None) -> None:
    """Record that the token was just used."""
    row.last_used_at = when or utcnow()
    session.flush()


def revoke(*, session: Session, row: ApiTokenRow) -> ApiTokenRow:
    """Mark the token revoked (kept, so its history stays visible)."""
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return row
