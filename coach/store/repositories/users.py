"""Repository functions for users and teams. All arguments are keyword-only."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coach.accounts import Role
from coach.errors import CoachError, NotFoundError
from coach.store.models import TeamRow, UserRow


class DuplicateError(CoachError):
    """A record with the same unique name already exists."""


def create_team(*, session: Session, name: str, description: str = "") -> TeamRow:
    """Create a team; raise DuplicateError if the name is taken."""
    if get_team_by_name(session=session, name=name) is not None:
        raise DuplicateError(f"a team named {name!r} already exists")
    team = TeamRow(name=name, description=description)
    session.add(team)
    session.flush()
    return team


def get_team_by_name(*, session: Session, name: str) -> TeamRow | None:
    """The team with this name, or None."""
    return session.scalar(select(TeamRow).where(TeamRow.name == name))


def get_or_create_team(*, session: Session, name: str, description: str = "") -> TeamRow:
    """The team with this name, created if missing."""
    return get_team_by_name(session=session, name=name) or create_team(
        session=session, name=name, description=description
    )


def list_teams(*, session: Session) -> list[TeamRow]:
    """Every team, by name."""
    return list(session.scalars(select(TeamRow).order_by(TeamRow.name)))


def create_user(
    *,
    session: Session,
    username: str,
    display_name: str,
    password_hash: str,
    role: Role,
    team_id: int | None = None,
    language: str = "en",
    is_demo: bool = False,
) -> UserRow:
    """Create a user from an already hashed password; raise DuplicateError if taken."""
    if get_user_by_username(session=session, username=username) is not None:
        raise DuplicateError(f"the username {username!r} is taken")
    user = UserRow(
        username=username,
        display_name=display_name,
        password_hash=password_hash,
        role=Role(role).value,
        team_id=team_id,
        language=language,
        is_demo=is_demo,
    )
    session.add(user)
    session.flush()
    return user


def get_user(*, session: Session, user_id: int) -> UserRow:
    """The user with this id; raise NotFoundError if there is none."""
    user = session.get(UserRow, user_id)
    if user is None:
        raise NotFoundError(f"no user with id {user_id}")
    return user


def get_user_by_username(*, session: Session, username: str) -> UserRow | None:
    """The user with this username (case-insensitive), or None."""
    return session.scalar(select(UserRow).where(func.lower(UserRow.username) == username.lower()))


def list_users(
    *, session: Session, team_id: int | None = None, role: Role | None = None
) -> list[UserRow]:
    """Users, optionally of one team or one role, by username."""
    query = select(UserRow).order_by(UserRow.username)
    if team_id is not None:
        query = query.where(UserRow.team_id == team_id)
    if role is not None:
        query = query.where(UserRow.role == Role(role).value)
    return list(session.scalars(query))


def set_password_hash(*, session: Session, user_id: int, password_hash: str) -> UserRow:
    """Replace a user's password hash."""
    user = get_user(session=session, user_id=user_id)
    user.password_hash = password_hash
    session.flush()
    return user


def set_role(*, session: Session, user_id: int, role: Role) -> UserRow:
    """Change a user's role."""
    user = get_user(session=session, user_id=user_id)
    user.role = Role(role).value
    session.flush()
    return user


def set_active(*, session: Session, user_id: int, active: bool) -> UserRow:
    """Enable or disable a user's login."""
    user = get_user(session=session, user_id=user_id)
    user.is_active = active
    session.flush()
    return user


def set_ui_language(*, session: Session, user_id: int, language: str | None) -> UserRow:
    """Store the web app's language for a user (None: follow the browser)."""
    user = get_user(session=session, user_id=user_id)
    user.ui_language = language
    session.flush()
    return user
