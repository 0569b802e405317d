"""Accounts service: users (add, list, authenticate, change) and teams; role checks happen here.

Every function but :func:`authenticate` (which is how a user becomes an actor) takes a
required ``actor``: a username, or :data:`coach.accounts.LOCAL_ADMIN` for the operator at
the command line. A forgotten actor is a TypeError, an unknown one is refused.
"""

from __future__ import annotations

import functools
import secrets
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from coach.accounts import (
    MAX_DISPLAY_NAME,
    MAX_TEAM_NAME,
    Role,
    check_label,
    check_language,
    check_role,
    check_username,
)
from coach.errors import CoachError, NotFoundError, PermissionDenied
from coach.security import (
    check_password_strength,
    hash_password,
    needs_rehash,
    verify_password,
)
from coach.services.actors import Actor, act
from coach.services.records import Record, UserRecord
from coach.services.runtime import Runtime
from coach.store.models import TeamRow, UserRow
from coach.store.repositories import users as users_repo
from coach.store.repositories.users import DuplicateError


class LoginError(CoachError):
    """Wrong username or password, a disabled account, or a demo account outside dev mode."""


E = TypeVar("E", bound=Exception)


def bilingual(kind: type[E], en: str, zh: str) -> E:
    """A ``kind`` error that says ``en`` and ``zh``.

    Both are in ``str()`` (the CLI), and one each in ``messages``, which the pages pick from
    (``ui.i18n.Translator.detail``), as for :class:`coach.accounts.AccountError`.
    """
    error = kind(f"{en} / {zh}")
    error.messages = {"en": en, "zh": zh}  # type: ignore[attr-defined]
    return error


_session_changes = [0]
"""Bumped after a password reset or (de)activation commits: cookie checkers drop their cache."""


def sessions_changed() -> int:
    """How many sign-in changes (password resets, activations) this process has committed.

    :class:`coach.api.auth.SessionCookies` caches who is active for a few seconds; when this
    number moves it forgets, so a change made in this process takes effect on the next request.
    """
    return _session_changes[0]


def _changed() -> None:
    _session_changes[0] += 1


def session_version(runtime: Runtime, *, username: str) -> int | None:
    """The session version of an active account (signed into its cookies), else None.

    None for a missing or disabled account and for a demo account outside dev mode. A
    password reset bumps the version, so cookies signed before it stop working.
    """
    with runtime.transaction() as session:
        row = users_repo.get_user_by_username(session=session, username=username)
        if row is None or not row.is_active or (row.is_demo and not runtime.settings.is_dev):
            return None
        return int(row.session_version or 0)


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


def check_can_manage_users(runtime: Runtime, *, actor: str) -> None:
    """PermissionDenied unless ``actor`` may add and change users (ask before a password)."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "users.manage")


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
    """Create a user with a hashed password, creating the team if it is new (admins only).

    The username, role, language, display name, team and password are checked here
    (:func:`coach.accounts.check_username` and friends), whoever calls.
    """
    runtime.require_initialised()
    with runtime.transaction() as session:
        # The role check comes first: someone who may not add users learns nothing more.
        act(session, actor, "users.manage")
        name = check_username(username)
        new_role = check_role(role)
        check_language(language)
        shown = check_label(
            display_name if display_name is not None else name,
            what="display name",
            what_zh="显示名",
            limit=MAX_DISPLAY_NAME,
        )
        team_name = (
            check_label(team, what="team name", what_zh="团队名", limit=MAX_TEAM_NAME)
            if team is not None
            else None
        )
        check_password_strength(password, username=name)
        if users_repo.get_user_by_username(session=session, username=name) is not None:
            raise bilingual(
                DuplicateError, f"the username {name!r} is taken", f"用户名 {name!r} 已被使用"
            )
        team_row = (
            users_repo.get_or_create_team(session=session, name=team_name) if team_name else None
        )
        row = users_repo.create_user(
            session=session,
            username=name,
            display_name=shown,
            password_hash=hash_password(password),
            role=new_role,
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
            role=check_role(role) if role else None,
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


@functools.cache
def _unknown_user_hash() -> str:
    """A hash of a random password, checked against when the username is unknown."""
    return hash_password(secrets.token_urlsafe(32))


def authenticate(runtime: Runtime, *, username: str, password: str) -> UserRecord:
    """Check a username and password; demo accounts only work in dev mode."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        row = users_repo.get_user_by_username(session=session, username=username)
        if row is None:
            # As slow as a wrong password, so the time taken does not tell who exists.
            verify_password(_unknown_user_hash(), password)
            raise LoginError("wrong username or password")
        if not verify_password(row.password_hash, password):
            raise LoginError("wrong username or password")
        if not row.is_active:
            raise LoginError("this account is disabled; ask an admin")
        if row.is_demo and not runtime.settings.is_dev:
            raise LoginError("demo accounts only work in dev mode (COACH_ENV=dev)")
        if needs_rehash(row.password_hash):
            row.password_hash = hash_password(password)
        return user_record(row)


class LastAdminError(CoachError):
    """A change that would leave no active admin to manage users from the web app."""


def _keep_an_admin(session: Session, row: UserRow, *, role: Role, active: bool) -> None:
    """Refuse to demote or disable the last active admin."""
    if row.role != Role.ADMIN.value or not row.is_active or (role is Role.ADMIN and active):
        return
    others = [
        other
        for other in users_repo.list_users(session=session, role=Role.ADMIN)
        if other.is_active and other.id != row.id
    ]
    if not others:
        raise bilingual(
            LastAdminError,
            f"{row.username} is the last active admin: make another user admin first",
            f"{row.username} 是最后一个有效的管理员：请先将其他用户设为管理员",
        )


def _user_row(session: Session, username: str) -> UserRow:
    row = users_repo.get_user_by_username(session=session, username=username.strip())
    if row is None:
        raise bilingual(
            NotFoundError,
            f"no user {username!r} (see `coach users list`)",
            f"没有名为 {username!r} 的用户（见 `coach users list`）",
        )
    return row


def change_role(runtime: Runtime, *, actor: str, username: str, role: Role | str) -> UserRecord:
    """Change a user's role; only an admin may, and never the last active admin's."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "users.manage")
        new_role = check_role(role)
        row = _user_row(session, username)
        _keep_an_admin(session, row, role=new_role, active=row.is_active)
        users_repo.set_role(session=session, user_id=row.id, role=new_role)
        return user_record(row)


def set_active(runtime: Runtime, *, actor: str, username: str, active: bool) -> UserRecord:
    """Enable or disable a user's login (admins only); the last active admin stays enabled."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "users.manage")
        row = _user_row(session, username)
        _keep_an_admin(session, row, role=Role(row.role), active=active)
        users_repo.set_active(session=session, user_id=row.id, active=active)
        record = user_record(row)
    _changed()
    return record


# -- the admin pages: passwords, teams -------------------------------------------------------


class TeamRecord(Record):
    """A team as the admin pages list it: who is in it and who manages it."""

    id: int
    name: str
    description: str
    members: int
    active_members: int
    managers: list[str]
    created_at: datetime


class PasswordReset(Record):
    """The user whose password was set, and the password when the coach made one up.

    ``generated`` is shown once to the admin and never stored (only its hash is).
    """

    user: UserRecord
    generated: str | None = None


def _team_record(row: TeamRow) -> TeamRecord:
    members = sorted(row.members, key=lambda m: m.username)
    return TeamRecord(
        id=row.id,
        name=row.name,
        description=row.description or "",
        members=len(members),
        active_members=sum(1 for m in members if m.is_active),
        managers=[m.username for m in members if m.role == Role.MANAGER.value and m.is_active],
        created_at=row.created_at,
    )


def _team_name(name: str) -> str:
    return check_label(name, what="team name", what_zh="团队名", limit=MAX_TEAM_NAME)


def _team_row(session: Session, name: str) -> TeamRow:
    row = users_repo.get_team_by_name(session=session, name=name.strip())
    if row is None:
        raise bilingual(
            NotFoundError, f"no team {name!r} (see `coach teams list`)", f"没有名为 {name!r} 的团队"
        )
    return row


def generate_password(username: str = "") -> str:
    """A random password that passes the password policy, for an admin to hand over once."""
    while True:
        candidate = secrets.token_urlsafe(12)  # 16 characters, about 96 bits
        try:
            check_password_strength(candidate, username=username)
        except CoachError:
            continue
        return candidate


def reset_password(
    runtime: Runtime, *, actor: str, username: str, password: str | None = None
) -> PasswordReset:
    """Set a user's password (admins only): the one given, or a generated one returned once.

    The given password goes through the same policy as a new user's; only its argon2 hash
    is stored. The user's open sessions end: the session version signed into their cookies
    (web pages, voice socket and the API by cookie) moves on, so old cookies are refused on
    the next request. Their API tokens stay valid (integrations are not a login; the user or
    an admin revokes them with ``coach tokens revoke``).
    """
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "users.manage")
        row = _user_row(session, username)
        generated = generate_password(row.username) if password is None else None
        secret = generated if generated is not None else str(password)
        check_password_strength(secret, username=row.username)
        users_repo.set_password_hash(
            session=session, user_id=row.id, password_hash=hash_password(secret)
        )
        row.session_version = int(row.session_version or 0) + 1
        session.flush()
        reset = PasswordReset(user=user_record(row), generated=generated)
    _changed()
    return reset


def set_team(runtime: Runtime, *, actor: str, username: str, team: str | None) -> UserRecord:
    """Move a user to an existing team, or out of every team with ``None`` (admins only)."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "users.manage")
        row = _user_row(session, username)
        team_row = _team_row(session, team) if team is not None and team.strip() else None
        row.team_id = team_row.id if team_row else None
        session.flush()
        session.refresh(row, ["team"])
        return user_record(row)


def list_teams(runtime: Runtime, *, actor: str) -> list[TeamRecord]:
    """Every team with its member counts and active managers, by name (admins only)."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "users.manage")
        return [_team_record(row) for row in users_repo.list_teams(session=session)]


def _refuse_taken_team(session: Session, name: str) -> None:
    if users_repo.get_team_by_name(session=session, name=name) is not None:
        raise bilingual(
            DuplicateError, f"a team named {name!r} already exists", f"已有名为 {name!r} 的团队"
        )


def add_team(runtime: Runtime, *, actor: str, name: str, description: str = "") -> TeamRecord:
    """Create an empty team (admins only); a taken name is refused."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "users.manage")
        team_name = _team_name(name)
        shown = (
            check_label(
                description, what="team description", what_zh="团队说明", limit=MAX_DISPLAY_NAME
            )
            if description.strip()
            else ""
        )
        _refuse_taken_team(session, team_name)
        row = users_repo.create_team(session=session, name=team_name, description=shown)
        session.refresh(row, ["members"])
        return _team_record(row)


def rename_team(runtime: Runtime, *, actor: str, name: str, new_name: str) -> TeamRecord:
    """Rename a team (admins only); its members, drills and reports follow it."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "users.manage")
        row = _team_row(session, name)
        wanted = _team_name(new_name)
        if wanted != row.name:
            _refuse_taken_team(session, wanted)
            row.name = wanted
            session.flush()
        return _team_record(row)
