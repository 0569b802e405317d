"""API tokens for the REST API: create (shown once), list, revoke, and check a presented token.

A token reads ``coach_<prefix>_<secret>``: the prefix is its public id (for lookup and
listing), the secret 32 random bytes of which only the SHA-256 digest is stored. Users
create and revoke their own tokens; admins anyone's. A token of a disabled user, or a
revoked one, stops working at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from coach.errors import CoachError, PermissionDenied
from coach.services import actors, scope
from coach.services.runtime import Runtime
from coach.store.models import ApiTokenRow, UserRow, utcnow
from coach.store.repositories import tokens as tokens_repo
from coach.store.repositories import users as users_repo

PREFIX = "coach_"
SECRET_BYTES = 32
TOUCH_EVERY = timedelta(seconds=60)
"""How stale ``last_used_at`` may get: a busy integration does not write on every request."""


class TokenRecord(BaseModel):
    """An API token as its owner and admins see it (never its secret)."""

    model_config = ConfigDict(frozen=True)

    id: int
    prefix: str
    name: str
    user: str
    created_by: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None


class NewToken(BaseModel):
    """A token just created: ``token`` is shown this once and cannot be read again."""

    model_config = ConfigDict(frozen=True)

    token: str
    record: TokenRecord


def digest(secret: str) -> str:
    """The stored form of a token's secret: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _record(session: Session, row: ApiTokenRow) -> TokenRecord:
    by = session.get(UserRow, row.created_by) if row.created_by is not None else None
    return TokenRecord(
        id=row.id,
        prefix=row.prefix,
        name=row.name,
        user=row.user.username,
        created_by=by.username if by is not None else None,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def _owner(session: Session, who: actors.Actor, username: str | None) -> UserRow:
    """Whose token: the actor's own, or (admins only) the named user's."""
    if username is None or (who.user_id is not None and username.strip().lower() == who.username):
        if who.user_id is None:
            raise PermissionDenied("say whose token it is: pass --for NAME (or --user NAME)")
        row = session.get(UserRow, who.user_id)
        assert row is not None
        return row
    if not scope.is_admin(who):
        raise PermissionDenied("you can only manage your own API tokens (admins: anyone's)")
    row = users_repo.get_user_by_username(session=session, username=username.strip().lower())
    if row is None:
        raise CoachError(f"no user {username!r} (see `coach users list`)")
    return row


def create_token(
    runtime: Runtime, *, actor: str, username: str | None = None, name: str = ""
) -> NewToken:
    """Make a token for the actor (admins: for ``username``); its text is returned only now."""
    name = name.strip()
    if len(name) > 120:
        raise CoachError("the token name is too long: use at most 120 characters")
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = actors.resolve(session, actor)
        owner = _owner(session, who, username)
        if not owner.is_active:
            raise CoachError(f"{owner.username} is disabled; enable the account first")
        prefix = secrets.token_hex(6)
        secret = secrets.token_urlsafe(SECRET_BYTES)
        row = tokens_repo.create_token(
            session=session,
            user_id=owner.id,
            prefix=prefix,
            secret_hash=digest(secret),
            name=name,
            created_by=who.user_id,
        )
        return NewToken(token=f"{PREFIX}{prefix}_{secret}", record=_record(session, row))


def list_tokens(
    runtime: Runtime, *, actor: str, username: str | None = None, everyone: bool = False
) -> list[TokenRecord]:
    """The actor's tokens, newest first; admins may list one user's (``username``) or all."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = actors.resolve(session, actor)
        if everyone:
            if not scope.is_admin(who):
                raise PermissionDenied("only admins may list everyone's API tokens")
            rows = tokens_repo.list_tokens(session=session)
        else:
            rows = tokens_repo.list_tokens(
                session=session, user_id=_owner(session, who, username).id
            )
        return [_record(session, row) for row in rows]


def revoke_token(runtime: Runtime, *, actor: str, token_id: int) -> TokenRecord:
    """Revoke a token (its owner or an admin); it stops working at once."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = actors.resolve(session, actor)
        row = tokens_repo.get_token(session=session, token_id=token_id)
        if not scope.is_admin(who) and row.user_id != who.user_id:
            raise PermissionDenied("you can only revoke your own API tokens (admins: anyone's)")
        return _record(session, tokens_repo.revoke(session=session, row=row))


def split(token: str) -> tuple[str, str] | None:
    """(prefix, secret) of a token's text, or None when it is not shaped like one."""
    if not token.startswith(PREFIX):
        return None
    prefix, sep, secret = token[len(PREFIX) :].partition("_")
    if not sep or not prefix or not secret or len(prefix) > 16:
        return None
    return prefix, secret


def authenticate(runtime: Runtime, token: str, *, now: datetime | None = None) -> str | None:
    """The username a presented token acts for, or None (unknown, wrong, revoked, user disabled)."""
    parts = split(token.strip())
    if parts is None:
        return None
    prefix, secret = parts
    with runtime.transaction() as session:
        row = tokens_repo.get_by_prefix(session=session, prefix=prefix)
        if row is None or not hmac.compare_digest(row.secret_hash, digest(secret)):
            return None
        if row.revoked_at is not None or not row.user.is_active:
            return None
        now = now or utcnow()
        last = row.last_used_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        if last is None or now - last >= TOUCH_EVERY:
            tokens_repo.touch(session=session, row=row, when=now)
        return row.user.username
