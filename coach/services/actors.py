"""Who is acting: the acting user behind every service call, resolved once, checked on the server.

Every service takes ``actor`` (a username, or :data:`coach.accounts.LOCAL_ADMIN` for the
operator at the command line) and resolves it here, inside its own transaction, before it
reads or writes anything. Unknown or disabled users are refused, so a forged or stale name
fails closed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from coach.accounts import LOCAL_ADMIN, Role
from coach.errors import PermissionDenied
from coach.security import require
from coach.store.models import UserRow
from coach.store.repositories import users as users_repo


@dataclass(frozen=True)
class Actor:
    """The acting user: name, role, and (for stored users) the row's id and team."""

    username: str
    role: Role
    user_id: int | None = None
    team_id: int | None = None

    @property
    def is_local(self) -> bool:
        """True for the command-line operator, who has no account."""
        return self.username == LOCAL_ADMIN

    def can(self, permission: str) -> bool:
        """Whether this actor's role has ``permission``."""
        try:
            require(self.role, permission)
        except PermissionDenied:
            return False
        return True


def resolve(session: Session, actor: str) -> Actor:
    """The acting user named ``actor``; PermissionDenied for an unknown or disabled user."""
    if not isinstance(actor, str) or not actor.strip():
        raise PermissionDenied("say who is acting (a signed-in user, or --user NAME)")
    if actor == LOCAL_ADMIN:
        return Actor(username=LOCAL_ADMIN, role=Role.ADMIN)
    row = users_repo.get_user_by_username(session=session, username=actor.strip().lower())
    if row is None or not row.is_active:
        raise PermissionDenied(f"no active user {actor!r} (see `coach users list`)")
    return from_row(row)


def from_row(row: UserRow) -> Actor:
    """The actor for a stored user."""
    return Actor(username=row.username, role=Role(row.role), user_id=row.id, team_id=row.team_id)


def act(session: Session, actor: str, permission: str) -> Actor:
    """Resolve ``actor`` and check that its role has ``permission``."""
    who = resolve(session, actor)
    require(who.role, permission)
    return who


def account(session: Session, actor: str, permission: str, what: str) -> UserRow:
    """The acting user's stored row (for likes, saves, sessions: things owned by an account).

    The local operator has no account, so it is asked to name one (``--user NAME``).
    """
    who = act(session, actor, permission)
    if who.user_id is None:
        raise PermissionDenied(f"say who is {what}: pass --user NAME (the local operator has no account)")
    row = session.get(UserRow, who.user_id)
    assert row is not None
    return row
