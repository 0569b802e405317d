"""The signed-in user's own profile: who they are, their app language, the demo accounts.

What the web app's sign-in and header call. Role checks for everything else live in the
services that act; this module only ever reads or changes the actor's own row.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from coach.errors import CoachError, NotFoundError
from coach.services import actors
from coach.services.accounts import user_record
from coach.services.records import UserRecord
from coach.services.runtime import Runtime
from coach.store.repositories import users as users_repo

UI_LANGUAGES = ("en", "zh")


def get_active_user(runtime: Runtime, *, username: str) -> UserRecord:
    """The active account called ``username``; NotFoundError if it is missing or disabled.

    Demo accounts count as missing outside dev mode, so their old cookies stop working too.
    """
    with runtime.transaction() as session:
        row = users_repo.get_user_by_username(session=session, username=username)
        if row is None or not row.is_active or (row.is_demo and not runtime.settings.is_dev):
            raise NotFoundError(f"no active user {username!r}")
        return user_record(row)


def me(runtime: Runtime, *, actor: str) -> UserRecord:
    """The acting user's own record."""
    with runtime.transaction() as session:
        return user_record(actors.account(session, actor, "practice", "asking"))


def set_ui_language(runtime: Runtime, *, actor: str, language: str | None) -> UserRecord:
    """Store the app language the actor chose (``en``, ``zh``, or None to follow the browser)."""
    if language is not None and language not in UI_LANGUAGES:
        raise CoachError(f"unknown app language {language!r}; use en or zh")
    with runtime.transaction() as session:
        row = actors.account(session, actor, "practice", "choosing a language")
        users_repo.set_ui_language(session=session, user_id=row.id, language=language)
        return user_record(row)


def demo_accounts(runtime: Runtime) -> list[tuple[str, str, str]]:
    """(username, role, password) of the seed's demo accounts, for the dev-mode sign-in page.

    Empty outside dev mode: demo passwords are public and only work in dev mode.
    """
    if not runtime.settings.is_dev:
        return []
    path = Path(runtime.settings.resolved_seeds_dir) / "users.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return []
    with runtime.transaction() as session:
        out: list[tuple[str, str, str]] = []
        for spec in data.get("users") or []:
            name, password = spec.get("username"), spec.get("demo_password")
            row = users_repo.get_user_by_username(session=session, username=str(name or ""))
            if row is not None and row.is_demo and row.is_active and password:
                out.append((row.username, row.role, str(password)))
        return out
