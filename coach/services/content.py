"""Content service: validate content files, list scenarios and personas, count the library."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from coach.content.catalog import Catalog, load_catalog
from coach.errors import ContentIssue
from coach.scenarios.model import Scenario
from coach.services.records import LibraryStats, PersonaSummary, ScenarioSummary
from coach.services.runtime import Runtime
from coach.store.models import Base, ClipRow, PersonaRow, ScenarioRow, TeamRow, UserRow
from coach.store.repositories import content as content_repo


@dataclass
class ValidationReport:
    """The outcome of validating content files."""

    catalog: Catalog

    @property
    def issues(self) -> list[ContentIssue]:
        """Every problem found, each with file, field and line."""
        return self.catalog.issues

    def summary(self) -> str:
        """One line saying what was checked and whether it is fine."""
        c = self.catalog
        counts = (
            f"{len(c.scenarios)} scenarios, {len(c.personas)} personas, {len(c.clips)} clips"
            f"{', 1 users file' if c.users else ''} in {len(c.files)} files"
        )
        if c.issues:
            return f"{len(c.issues)} problem(s) found; checked {counts}"
        return f"OK: {counts}"

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data for ``--json``."""
        c = self.catalog
        return {
            "ok": c.ok,
            "files": c.files,
            "scenarios": sorted(c.scenarios),
            "personas": sorted(c.personas),
            "clips": len(c.clips),
            "issues": [
                {"file": i.file, "field": i.field, "line": i.line, "message": i.message}
                for i in c.issues
            ],
        }


def validate_paths(paths: Iterable[str | Path]) -> ValidationReport:
    """Load and check every content file under ``paths``."""
    return ValidationReport(load_catalog(paths))


def _modes(document: dict[str, Any]) -> list[str]:
    modes = []
    if document.get("script"):
        modes += ["readalong", "recitation"]
    if document.get("flow"):
        modes.append("scripted")
    if document.get("personas"):
        modes.append("freeform")
    return modes


def list_scenarios(runtime: Runtime, *, language: str | None = None) -> list[ScenarioSummary]:
    """The registered scenarios, with the practice modes each one supports."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        return [
            ScenarioSummary(
                id=row.id,
                title=row.title,
                language=row.language,
                key_points=len(row.document.get("key_points", [])),
                personas=list(row.document.get("personas", [])),
                modes=_modes(row.document),
                version=row.version,
            )
            for row in content_repo.list_scenarios(session=session, language=language)
        ]


def list_personas(runtime: Runtime, *, language: str | None = None) -> list[PersonaSummary]:
    """The registered personas."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        return [
            PersonaSummary(
                id=row.id, name=row.name, language=row.language, difficulty=row.difficulty
            )
            for row in content_repo.list_personas(session=session, language=language)
        ]


def get_scenario(runtime: Runtime, *, scenario_id: str) -> Scenario:
    """One registered scenario, whole."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        return content_repo.get_scenario(session=session, scenario_id=scenario_id)


def library_stats(runtime: Runtime) -> LibraryStats:
    """How many scenarios, personas, clips, users and teams the coach holds."""
    runtime.require_initialised()
    with runtime.transaction() as session:

        def count(table: type[Base]) -> int:
            return session.scalar(select(func.count()).select_from(table)) or 0

        return LibraryStats(
            scenarios=count(ScenarioRow),
            personas=count(PersonaRow),
            clips=count(ClipRow),
            users=count(UserRow),
            teams=count(TeamRow),
        )
