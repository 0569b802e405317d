"""Accounts: roles, the rules for names, and the users and teams written in seed files.

The rules are checked here, where every caller (the command line, the web app, a seed
file) passes through, so nothing stores a name the rest of the coach cannot show or use.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

from pydantic import Field

from coach.domain import Strict, Text
from coach.errors import CoachError
from coach.text.terminal import safe_terminal


class Role(StrEnum):
    """What a user may do. Checked on the server for every action."""

    REP = "rep"
    TRAINER = "trainer"
    MANAGER = "manager"
    ADMIN = "admin"


USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,31}$"
"""2-32 characters (``li`` and ``wu`` are names): lower case letters, digits, ``.``, ``_``, ``-``;
a letter or digit first."""
USERNAME_RULE = (
    "2-32 characters: lower case letters, digits and . _ -, starting with a letter or digit",
    "2-32 个字符：小写字母、数字和 . _ -，以字母或数字开头",
)
LANGUAGES = ("en", "zh")
"""The languages a user can work in."""
MAX_DISPLAY_NAME = 80
MAX_TEAM_NAME = 64
_USERNAME_RE = re.compile(USERNAME_PATTERN)


class AccountError(CoachError):
    """A username, name, team, role or language that cannot be stored; in English and Chinese."""

    def __init__(self, en: str, zh: str):
        self.messages = {"en": en, "zh": zh}
        super().__init__(f"{en} / {zh}")

    def text(self, language: str) -> str:
        """The message in ``language`` (``en`` or ``zh``; English for any other)."""
        return self.messages.get(language, self.messages["en"])


def _shown(value: str) -> str:
    """A value quoted for an error message: escaped, and cut when it is long."""
    return repr(value) if len(value) <= 40 else f"{value[:40]!r}... ({len(value)} characters)"


def check_username(username: str) -> str:
    """The stored form of a new username (trimmed, lower case), or AccountError.

    The rule (:data:`USERNAME_PATTERN`) keeps names safe in paths, URLs and terminals, and
    keeps :data:`LOCAL_ADMIN` (which starts with ``@``) impossible as a stored name.
    """
    name = username.strip().lower() if isinstance(username, str) else ""
    if not _USERNAME_RE.fullmatch(name):
        raise AccountError(
            f"the username {_shown(username)} is not allowed: use {USERNAME_RULE[0]}",
            f"用户名 {_shown(username)} 不可用：请使用{USERNAME_RULE[1]}",
        )
    return name


def check_language(language: str) -> str:
    """``language`` if it is one the coach speaks (en, zh), else AccountError."""
    if language not in LANGUAGES:
        raise AccountError(
            f"unknown language {_shown(language)}: use en or zh",
            f"未知语言 {_shown(language)}：请使用 en 或 zh",
        )
    return language


def check_role(role: str) -> Role:
    """``role`` as a :class:`Role`, else AccountError listing the roles."""
    try:
        return Role(role)
    except ValueError:
        raise AccountError(
            f"unknown role {_shown(str(role))}; use rep, trainer, manager or admin",
            f"未知角色 {_shown(str(role))}：请使用 rep、trainer、manager 或 admin",
        ) from None


def _has_controls(text: str) -> bool:
    return safe_terminal(text, multiline=False) != text


def check_label(value: str, *, what: str, what_zh: str, limit: int) -> str:
    """A display name or team name, trimmed: 1-``limit`` characters, no control characters."""
    text = value.strip()
    if not text or len(text) > limit or _has_controls(text):
        raise AccountError(
            f"the {what} {_shown(value)} is not allowed: use 1-{limit} characters without control characters",
            f"{what_zh} {_shown(value)} 不可用：请使用 1-{limit} 个字符，不含控制字符",
        )
    return text


class TeamSpec(Strict):
    """A team as written in a seed file."""

    name: Text
    description: str = ""


class UserSpec(Strict):
    """A user as written in a seed file.

    ``demo_password`` is documented in the README and only lets the user log in while the
    app runs in dev mode (``COACH_ENV=dev``); in production demo users cannot log in.
    """

    username: str = Field(pattern=USERNAME_PATTERN)
    display_name: Text
    role: Role
    team: str | None = None
    language: Literal["en", "zh"] = "en"
    demo_password: str | None = Field(default=None, min_length=8)


class UsersFile(Strict):
    """The seed users file: teams and users."""

    teams: list[TeamSpec] = Field(default_factory=list)
    users: list[UserSpec] = Field(default_factory=list)


LOCAL_ADMIN = "@local"
"""The operator at this machine's command line: acts as an admin without an account.

Services take the acting user as a required ``actor`` argument; the CLI passes this value
when no ``--user`` is given, so a forgotten argument fails closed instead of acting as
nobody. It can never be a stored username (usernames start with a letter or digit), so a
web request can never carry it: the web app takes the actor from the signed session cookie.
"""
