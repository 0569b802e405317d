"""Records: the plain data services hand to the UI, the CLI and the API (never ORM rows)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """Base of every record: immutable, built from attributes."""

    model_config = ConfigDict(from_attributes=True, frozen=True)


class UserRecord(Record):
    """A user as shown to people (no password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    team: str | None
    language: str
    is_active: bool
    is_demo: bool
    created_at: datetime
    ui_language: str | None = None


class ScenarioSummary(Record):
    """A scenario in a list."""

    id: str
    title: str
    language: str
    key_points: int
    personas: list[str]
    modes: list[str]
    version: int


class PersonaSummary(Record):
    """A persona in a list."""

    id: str
    name: str
    language: str
    difficulty: int


class LibraryStats(Record):
    """How much content the coach holds."""

    scenarios: int
    personas: int
    clips: int
    users: int
    teams: int
