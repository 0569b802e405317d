"""The clip library as a rep browses it: the filter choices (facets) for the search page.

Search, likes, saves and tasks are in :mod:`coach.services.clips`; this module only answers
"what can I filter by", from the clips that exist, so the page never offers an empty choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.services import actors
from coach.services.runtime import Runtime
from coach.store.repositories import clips as clips_repo


@dataclass(frozen=True)
class Facets:
    """Values that clips in the library have, per filter."""

    tags: list[str] = field(default_factory=list)
    key_points: list[str] = field(default_factory=list)
    objections: list[str] = field(default_factory=list)
    scenarios: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


def facets(runtime: Runtime, *, actor: str) -> Facets:
    """The distinct tag values, key points, objections, scenarios and languages of all clips."""
    with runtime.transaction() as session:
        actors.act(session, actor, "clips.read")
        found = clips_repo.clip_facets(session=session)
    return Facets(
        tags=found.get("free", []),
        key_points=found.get("key_point", []),
        objections=found.get("objection", []),
        scenarios=found.get("scenario", []),
        languages=found.get("language", []),
    )
