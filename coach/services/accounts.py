"""Accounts service: add, list and authenticate users; role checks happen here.

Every function but :func:`authenticate` (which is how a user becomes an actor) takes a
required ``actor``: a username, or :data:`coach.accounts.LOCAL_ADMIN` for the operator at
the command line. A forgotten actor is a TypeError, an unknown one is refused.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from coach.accounts import Role
from coach.errors import CoachError, NotFoundError, PermissionDenied
from coach.security import (
    check_password_strength,
    hash_password,
    needs_rehash,
    verify_password,
)
from coach.services.actors import Actor, act
from coach.services.records import UserRecord
from coach.services.runtime import Runtime
from coach.store.models import TeamRow, UserRow
from coach.store.repositories import users as users_repo


class LoginError(CoachError):
    """Wrong username or password, a disabled account, or a demo account outside dev mode."""


def user_record(row: UserRow) -> UserRecord:
    """A user row as people see it (no password hash)."""
    return UserRecord(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        team=row.team.name if row.team else None,
        language=row.language,
        is_active=row.is_active,
        is_demo=row.is_demo,
        created_at=row.created_at,
        ui_language=row.ui_language,
    )


def add_user(
    runtime: Runtime,
    *,
    username: str,
    password: str,
    role: Role | str,
    display_name: str | None = None,
    team: str | None = None,
    language: str = "en",
    actor: str,
) -> UserRecord:
    """Create a user with a hashed password, creating the team if it is new (admins only)."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        # The role check comes first: someone who may not add users learns nothing more.
        act(session, actor, "users.manage")
        check_password_strength(password, username=username)
        team_row = users_repo.get_or_create_team(session=session, name=team) if team else None
        row = users_repo.create_user(
            session=session,
            username=username.strip().lower(),
            display_name=display_name or username,
            password_hash=hash_password(password),
            role=Role(role),
            team_id=team_row.id if team_row else None,
            language=language,
        )
        session.refresh(row, ["team"])
        return user_record(row)


def list_users(
    runtime: Runtime, *, actor: str, team: str | None = None, role: Role | str | None = None
) -> list[UserRecord]:
    """Users (or one team's, or one role's), by username.

    Admins (and the local operator) see everyone; trainers and managers only their own team,
    which is also what they get without ``team``; reps may not list users.
    """
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = act(session, actor, "scores.read_team")
        team_row: TeamRow | None = None
        if not who.can("users.manage"):
            team_row = _own_team(session, who, team)
        elif team is not None:
            team_row = users_repo.get_team_by_name(session=session, name=team)
            if team_row is None:
                return []
        rows = users_repo.list_users(
            session=session,
            team_id=team_row.id if team_row else None,
            role=Role(role) if role else None,
        )
        return [user_record(row) for row in rows]


def _own_team(session: Session, who: Actor, asked: str | None) -> TeamRow:
    """The one team a trainer or manager may list: their own."""
    own = session.get(TeamRow, who.team_id) if who.team_id is not None else None
    if own is None:
        raise PermissionDenied(
            f"{who.username} is in no team, so has no users to see; ask an admin"
        )
    if asked is not None and asked != own.name:
        raise PermissionDenied(
            f"a {who.role.value} sees only their own team ({own.name!r}), not {asked!r}"
        )
    return own


def authenticate(runtime: Runtime, *, username: str, password: str) -> UserRecord:
    """Check a username and password; demo accounts only work in dev mode."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        row = users_repo.get_user_by_username(session=session, username=username)
        if row is None or not verify_password(row.password_hash, password):
            raise LoginError("wrong username or password")
        if not row.is_active:
            raise LoginError("this account is disabled; ask an admin")
        if row.is_demo and not runtime.settings.is_dev:
            raise LoginError("demo accounts only work in dev mode (COACH_ENV=dev)")
        if needs_rehash(row.password_hash):
            row.password_hash = hash_password(password)
        return user_record(row)


def change_role(runtime: Runtime, *, actor: str, username: str, role: Role | str) -> UserRecord:
    """Change a user's role; only an admin may."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "users.manage")
        row = users_repo.get_user_by_username(session=session, username=username)
        if row is None:
            raise NotFoundError(f"no user {username!r} (see `coach users list`)")
        users_repo.set_role(session=session, user_id=row.id, role=Role(role))
        return user_record(row)
