"""Accounts service: add, list and authenticate users; role checks happen here."""

from __future__ import annotations

from coach.accounts import Role
from coach.errors import CoachError, PermissionDenied
from coach.security import (
    check_password_strength,
    hash_password,
    needs_rehash,
    require,
    verify_password,
)
from coach.services.records import UserRecord
from coach.services.runtime import Runtime
from coach.store.models import UserRow
from coach.store.repositories import users as users_repo


class LoginError(CoachError):
    """Wrong username or password, a disabled account, or a demo account outside dev mode."""


def _record(row: UserRow) -> UserRecord:
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
    actor_role: Role | str | None = None,
) -> UserRecord:
    """Create a user with a hashed password, creating the team if it is new.

    ``actor_role`` is the role of the person asking; ``None`` means the local operator at
    the command line, who owns the installation.
    """
    if actor_role is not None:
        require(actor_role, "users.manage")
    check_password_strength(password, username=username)
    runtime.require_initialised()
    with runtime.transaction() as session:
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
        return _record(row)


def list_users(
    runtime: Runtime, *, team: str | None = None, role: Role | str | None = None
) -> list[UserRecord]:
    """Every user (or one team's, or one role's), by username."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        team_id = None
        if team is not None:
            team_row = users_repo.get_team_by_name(session=session, name=team)
            if team_row is None:
                return []
            team_id = team_row.id
        rows = users_repo.list_users(
            session=session, team_id=team_id, role=Role(role) if role else None
        )
        return [_record(row) for row in rows]


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
        return _record(row)


def change_role(
    runtime: Runtime, *, actor_role: Role | str, username: str, role: Role | str
) -> UserRecord:
    """Change a user's role; only an admin may."""
    require(actor_role, "users.manage")
    with runtime.transaction() as session:
        row = users_repo.get_user_by_username(session=session, username=username)
        if row is None:
            raise PermissionDenied(f"no user {username!r}")
        users_repo.set_role(session=session, user_id=row.id, role=Role(role))
        return _record(row)
