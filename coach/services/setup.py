"""Setup service: create or migrate the database, load the seed content, build the clip index.

All of it is idempotent: a second ``coach init`` changes nothing and embeds nothing again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coach.accounts import Role
from coach.content.catalog import Catalog, load_catalog
from coach.security import hash_password
from coach.services.runtime import Runtime
from coach.store.db import migrate
from coach.store.repositories import clips as clips_repo
from coach.store.repositories import content as content_repo
from coach.store.repositories import users as users_repo

if TYPE_CHECKING:
    from coach.services.clips import ClipEngine


@dataclass
class InitReport:
    """What ``coach init`` did."""

    database: str
    revision: str
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """A readable summary, one line per kind of record."""
        out = [f"database: {self.database} (schema {self.revision})"]
        for kind, counter in self.counts.items():
            parts = ", ".join(f"{n} {change}" for change, n in sorted(counter.items()))
            out.append(f"{kind}: {parts or 'none'}")
        return out + self.notes


def initialise(
    runtime: Runtime, *, seeds: Path | None = None, load_seeds: bool = True
) -> InitReport:
    """Bring the schema up to date and register the seed content (safe to run again)."""
    revision = migrate(runtime.engine)
    report = InitReport(
        database=runtime.engine.url.render_as_string(hide_password=True), revision=revision
    )
    if not load_seeds:
        return report
    folder = seeds or runtime.settings.resolved_seeds_dir
    saved = runtime.settings.data_dir / "content"  # trainers' saves (content.save_document)
    catalog = load_catalog([folder, saved] if saved.is_dir() else [folder])
    catalog.raise_for_issues()
    load_catalog_into_db(runtime, catalog, report)
    return report


def load_catalog_into_db(runtime: Runtime, catalog: Catalog, report: InitReport) -> None:
    """Register a validated catalog's content; users are created only once."""
    counts = {kind: Counter[str]() for kind in ("scenarios", "personas", "clips", "teams", "users")}
    with runtime.transaction() as session:
        for persona_id, persona in catalog.personas.items():
            _, change = content_repo.upsert_persona(
                session=session,
                persona=persona,
                source_path=catalog.sources[("persona", persona_id)],
            )
            counts["personas"][change] += 1
        for scenario_id, scenario in catalog.scenarios.items():
            _, change = content_repo.upsert_scenario(
                session=session,
                scenario=scenario,
                source_path=catalog.sources[("scenario", scenario_id)],
            )
            counts["scenarios"][change] += 1
        for clip_id, clip in catalog.clips.items():
            _, change = clips_repo.upsert_clip(
                session=session,
                clip_id=clip_id,
                title=clip.title,
                language=clip.language,
                turns=[turn.model_dump(mode="json", exclude_none=True) for turn in clip.turns],
                tags=clip.tag_pairs(),
                scenario_id=clip.scenario,
                notes=clip.notes,
                outcome=clip.outcome,
                source=clip.source or catalog.sources[("clips", clip_id)],
            )
            counts["clips"][change] += 1
        if catalog.users is not None:
            for team in catalog.users.teams:
                if users_repo.get_team_by_name(session=session, name=team.name) is None:
                    users_repo.create_team(
                        session=session, name=team.name, description=team.description
                    )
                    counts["teams"]["created"] += 1
                else:
                    counts["teams"]["unchanged"] += 1
            for spec in catalog.users.users:
                if (
                    users_repo.get_user_by_username(session=session, username=spec.username)
                    is not None
                ):
                    counts["users"]["unchanged"] += 1
                    continue
                if spec.demo_password is None:
                    report.notes.append(
                        f"user {spec.username!r} has no demo_password; add it with coach users add"
                    )
                    continue
                team_row = (
                    users_repo.get_team_by_name(session=session, name=spec.team)
                    if spec.team
                    else None
                )
                users_repo.create_user(
                    session=session,
                    username=spec.username,
                    display_name=spec.display_name,
                    password_hash=hash_password(spec.demo_password),
                    role=Role(spec.role),
                    team_id=team_row.id if team_row else None,
                    language=spec.language,
                    is_demo=True,
                )
                counts["users"]["created"] += 1
    if catalog.users is not None and not runtime.settings.is_dev:
        report.notes.append("demo users exist but cannot log in outside dev mode (COACH_ENV=dev)")
    report.counts = counts


@dataclass(frozen=True)
class IndexBuilt:
    """What building the clip search index did."""

    clips: int
    embedded: int

    def line(self) -> str:
        """One line for the ``coach init`` report."""
        return f"clip index: {self.clips} clips ready ({self.embedded} embedded now)"


def build_clip_index(
    runtime: Runtime,
    *,
    progress: Callable[[int, int], None] | None = None,
    engine: ClipEngine | None = None,
) -> IndexBuilt:
    """Embed the clip library into the search index now, so no search has to wait for it.

    The same warm-up as ``coach serve`` (the clip engine's searcher), embedding only the
    clips that are new or changed; ``progress`` hears ``(done, total)`` while it embeds.
    """
    from coach.services import clips

    embedded = 0

    def report(done: int, total: int) -> None:
        nonlocal embedded
        embedded = done
        if progress is not None:
            progress(done, total)

    searcher = (engine or clips.default_engine(runtime)).searcher(runtime, report)
    return IndexBuilt(clips=len(searcher.documents), embedded=embedded)
