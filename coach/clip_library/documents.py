"""Clip documents: a clip as the search index, mining and retrieval see it (no database)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from coach.clip_library.model import TAG_KINDS, ClipSpec

TAG_KEY = "tag:{kind}:{value}"
"""Index metadata key for a tag of a known kind (value True)."""
ANY_TAG_KEY = "tagv:{value}"
"""Index metadata key for a tag value of any kind (value True)."""


@dataclass(frozen=True)
class ClipDocument:
    """A clip's text, tags and pointers: what search, mining and retrieval work on."""

    clip_id: str
    title: str
    language: str
    turns: tuple[Mapping[str, Any], ...]
    tags: tuple[tuple[str, str], ...] = ()
    scenario: str | None = None
    notes: str = ""
    outcome: str = ""
    call_id: str | None = None
    start_turn: int | None = None
    start_s: float | None = None
    end_s: float | None = None
    audio_path: str | None = None
    created_at: datetime | None = None
    likes: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The turns as ``speaker: text`` lines."""
        return "\n".join(f"{turn['speaker']}: {turn['text']}" for turn in self.turns)

    def tag_values(self, kind: str) -> list[str]:
        """The values of one kind of tag."""
        return [value for k, value in self.tags if k == kind]

    @property
    def index_text(self) -> str:
        """What the vector index embeds: title, turns, tag values, then notes."""
        free = [value for kind, value in self.tags if kind in ("free", "key_point", "objection")]
        parts = [self.title, self.text]
        if free:
            parts.append(" ".join(value.replace("_", " ") for value in free))
        if self.notes:
            parts.append(self.notes)
        return "\n".join(parts)

    @property
    def content_hash(self) -> str:
        """A hash of everything the index stores for this clip (to sync only what changed)."""
        payload = json.dumps(
            [self.index_text, sorted(self.tags), self.language, self.scenario],
            ensure_ascii=False,
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def filter_keys(self) -> dict[str, Any]:
        """Flat scalar metadata: language, scenario and one boolean key per tag."""
        meta: dict[str, Any] = {"language": self.language}
        if self.scenario:
            meta["scenario"] = self.scenario
        for kind, value in self.tags:
            meta[TAG_KEY.format(kind=kind, value=value)] = True
            meta[ANY_TAG_KEY.format(value=value)] = True
        return meta

    def index_metadata(self) -> dict[str, Any]:
        """What the vector index keeps beside the vector (scalars only, as chroma wants)."""
        return {**self.filter_keys(), "title": self.title, "content_hash": self.content_hash}


@dataclass(frozen=True)
class SearchFilters:
    """Search filters: every one given must match.

    ``tags`` are ``kind:value`` (e.g. ``objection:price``) or a bare value matching any kind.
    """

    tags: tuple[str, ...] = ()
    language: str | None = None
    scenario: str | None = None

    def where(self) -> dict[str, Any]:
        """The filters as equality items on :meth:`ClipDocument.filter_keys`."""
        out: dict[str, Any] = {}
        if self.language:
            out["language"] = self.language
        if self.scenario:
            out["scenario"] = self.scenario
        for tag in self.tags:
            out[tag_key(tag)] = True
        return out


def tag_key(tag: str) -> str:
    """The metadata key for a ``kind:value`` tag, or a bare value of any kind."""
    kind, sep, value = tag.partition(":")
    if sep and kind in TAG_KINDS and value.strip():
        return TAG_KEY.format(kind=kind, value=value.strip())
    return ANY_TAG_KEY.format(value=tag.strip())


def parse_tag(tag: str, default_kind: str = "free") -> tuple[str, str]:
    """``kind:value`` as a pair; a bare value is a tag of ``default_kind``."""
    kind, sep, value = tag.partition(":")
    if sep and kind in TAG_KINDS:
        return kind, value.strip()
    return default_kind, tag.strip()


def documents_by_id(documents: Sequence[ClipDocument]) -> dict[str, ClipDocument]:
    """Documents keyed by clip id."""
    return {doc.clip_id: doc for doc in documents}


def document_from_spec(spec: ClipSpec, *, likes: int = 0) -> ClipDocument:
    """A clip file entry as a document (the benchmark and tests search seed files directly)."""
    return ClipDocument(
        clip_id=spec.id,
        title=spec.title,
        language=spec.language,
        turns=tuple(turn.model_dump(exclude_none=True) for turn in spec.turns),
        tags=tuple(spec.tag_pairs()),
        scenario=spec.scenario,
        notes=spec.notes,
        outcome=spec.outcome,
        likes=likes,
    )
