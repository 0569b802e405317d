"""Accounts: roles, and the users and teams written in seed files."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from coach.domain import Strict, Text


class Role(StrEnum):
    """What a user may do. Checked on the server for every action."""

    REP = "rep"
    TRAINER = "trainer"
    MANAGER = "manager"
    ADMIN = "admin"


class TeamSpec(Strict):
    """A team as written in a seed file."""

    name: Text
    description: str = ""


class UserSpec(Strict):
    """A user as written in a seed file.

    ``demo_password`` is documented in the README and only lets the user log in while the
    app runs in dev mode (``COACH_ENV=dev``); in production demo users cannot log in.
    """

    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,39}$")
    display_name: Text
    role: Role
    team: str | None = None
    language: str = "en"
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
