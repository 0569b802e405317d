"""Clips: excerpts of top-performer calls, tagged so reps can find and learn from them."""

from __future__ import annotations

from pydantic import Field

from coach.domain import Ident, Language, Slug, Strict, Text
from coach.personas.model import ObjectionKind
from coach.transcripts import Turn

TAG_KINDS = ("key_point", "objection", "scenario", "language", "stage", "free")
"""The kinds of tags a clip carries; search filters use them."""


class ClipSpec(Strict):
    """A clip as written in a seed or import file: its turns and its tags."""

    id: Slug
    title: Text
    language: Language
    scenario: Slug | None = None
    stage: str = ""
    key_points: list[Ident] = Field(default_factory=list)
    objection: ObjectionKind | None = None
    tags: list[Text] = Field(default_factory=list)
    turns: list[Turn] = Field(min_length=1)
    notes: str = ""
    source: str = ""
    outcome: str = ""

    def tag_pairs(self) -> list[tuple[str, str]]:
        """All the clip's tags as (kind, value) pairs."""
        pairs: list[tuple[str, str]] = [("language", self.language)]
        if self.scenario:
            pairs.append(("scenario", self.scenario))
        if self.stage:
            pairs.append(("stage", self.stage))
        pairs += [("key_point", point) for point in self.key_points]
        if self.objection:
            pairs.append(("objection", self.objection))
        pairs += [("free", tag) for tag in self.tags]
        return list(dict.fromkeys(pairs))


class ClipPack(Strict):
    """A clip file: a list of clips under ``clips:``."""

    clips: list[ClipSpec] = Field(min_length=1)
