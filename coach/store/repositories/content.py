"""Repository functions for scenarios and personas, stored as their validated documents."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.errors import NotFoundError
from coach.personas.model import Persona
from coach.scenarios.model import Scenario
from coach.store.models import PersonaRow, ScenarioRow

Change = Literal["created", "updated", "unchanged"]


def _upsert(
    session: Session,
    row_type: type[ScenarioRow] | type[PersonaRow],
    item_id: str,
    columns: dict[str, Any],
    document: dict[str, Any],
    source_path: str | None,
    user_id: int | None,
) -> tuple[Any, Change]:
    """Create the row, or update it and bump its version only when the document changed."""
    row: Any = session.get(row_type, item_id)
    if row is None:
        row = row_type(
            id=item_id, document=document, source_path=source_path, updated_by=user_id, **columns
        )
        session.add(row)
        session.flush()
        return row, "created"
    archived = bool(getattr(row, "is_archived", False))
    if row.document == document and not archived:
        return row, "unchanged"
    for name, value in columns.items():
        setattr(row, name, value)
    row.document = document
    row.version += 1
    row.updated_by = user_id
    if archived:
        row.is_archived = False
    if source_path is not None:
        row.source_path = source_path
    session.flush()
    return row, "updated"


def upsert_scenario(
    *,
    session: Session,
    scenario: Scenario,
    source_path: str | None = None,
    user_id: int | None = None,
) -> tuple[ScenarioRow, Change]:
    """Register or update a scenario; the version goes up only when its content changes.

    Re-registering an archived scenario brings it back.
    """
    return _upsert(
        session,
        ScenarioRow,
        scenario.id,
        {"title": scenario.title, "language": scenario.language},
        scenario.model_dump(mode="json", exclude_defaults=True),
        source_path,
        user_id,
    )


def get_scenario(*, session: Session, scenario_id: str) -> Scenario:
    """The scenario with this id, as the domain model; raise NotFoundError if missing."""
    row = session.get(ScenarioRow, scenario_id)
    if row is None:
        raise NotFoundError(f"no scenario with id {scenario_id!r} (see: coach scenarios list)")
    return Scenario.model_validate(row.document)


def get_scenario_row(*, session: Session, scenario_id: str) -> ScenarioRow | None:
    """The stored row of a scenario, or None."""
    return session.get(ScenarioRow, scenario_id)


def list_scenarios(
    *, session: Session, language: str | None = None, include_archived: bool = False
) -> list[ScenarioRow]:
    """Scenario rows, optionally of one language, by id."""
    query = select(ScenarioRow).order_by(ScenarioRow.id)
    if language is not None:
        query = query.where(ScenarioRow.language == language)
    if not include_archived:
        query = query.where(ScenarioRow.is_archived.is_(False))
    return list(session.scalars(query))


def archive_scenario(*, session: Session, scenario_id: str) -> None:
    """Hide a scenario from lists without losing the sessions that used it."""
    row = session.get(ScenarioRow, scenario_id)
    if row is None:
        raise NotFoundError(f"no scenario with id {scenario_id!r}")
    row.is_archived = True
    session.flush()


def upsert_persona(
    *,
    session: Session,
    persona: Persona,
    source_path: str | None = None,
    user_id: int | None = None,
) -> tuple[PersonaRow, Change]:
    """Register or update a persona; the version goes up only when its content changes."""
    return _upsert(
        session,
        PersonaRow,
        persona.id,
        {"name": persona.name, "language": persona.language, "difficulty": persona.difficulty},
        persona.model_dump(mode="json", exclude_defaults=True),
        source_path,
        user_id,
    )


def get_persona(*, session: Session, persona_id: str) -> Persona:
    """The persona with this id, as the domain model; raise NotFoundError if missing."""
    row = session.get(PersonaRow, persona_id)
    if row is None:
        raise NotFoundError(f"no persona with id {persona_id!r}")
    return Persona.model_validate(row.document)


def list_personas(*, session: Session, language: str | None = None) -> list[PersonaRow]:
    """Persona rows, optionally of one language, by id."""
    query = select(PersonaRow).order_by(PersonaRow.id)
    if language is not None:
        query = query.where(PersonaRow.language == language)
    return list(session.scalars(query))
