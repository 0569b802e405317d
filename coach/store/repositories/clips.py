"""Repository functions for calls, clips, tags, likes and favourites."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Text, cast, delete, func, select
from sqlalchemy.orm import Session, selectinload

from coach.clip_library.model import TAG_KINDS
from coach.errors import NotFoundError
from coach.store.models import (
    CallRow,
    ClipFavouriteRow,
    ClipLikeRow,
    ClipRow,
    ClipTagRow,
)

Change = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class ClipCounts:
    """How many users liked and saved a clip, and whether the asking user did."""

    likes: int
    favourites: int
    liked: bool = False
    saved: bool = False


def create_call(
    *,
    session: Session,
    title: str,
    language: str,
    turns: list[dict[str, Any]],
    scenario_id: str | None = None,
    audio_path: str | None = None,
    source: str = "",
    source_hash: str | None = None,
    outcome: str = "",
    duration_s: float | None = None,
    imported_by: int | None = None,
    call_id: str | None = None,
    created_at: datetime | None = None,
) -> CallRow:
    """Store an imported call (its transcript turns, and audio path if any).

    ``created_at`` is when the call took place, when known (mining trends use it); it
    defaults to now.
    """
    row = CallRow(
        title=title,
        language=language,
        turns=turns,
        scenario_id=scenario_id,
        audio_path=audio_path,
        source=source,
        source_hash=source_hash,
        outcome=outcome,
        duration_s=duration_s,
        imported_by=imported_by,
    )
    if call_id is not None:
        row.id = call_id
    if created_at is not None:
        row.created_at = created_at
    session.add(row)
    session.flush()
    return row


def get_call_by_hash(*, session: Session, source_hash: str) -> CallRow | None:
    """The call imported from a file with this content hash, or None (for resumable imports)."""
    return session.scalar(select(CallRow).where(CallRow.source_hash == source_hash))


def get_call(*, session: Session, call_id: str) -> CallRow:
    """The imported call with this id; raise NotFoundError if there is none."""
    row = session.get(CallRow, call_id)
    if row is None:
        raise NotFoundError(f"no imported call with id {call_id!r} (see `coach clips calls`)")
    return row


def list_calls(
    *,
    session: Session,
    language: str | None = None,
    scenario_id: str | None = None,
    limit: int | None = None,
) -> list[CallRow]:
    """Imported calls, newest first (by call date)."""
    query = select(CallRow).order_by(CallRow.created_at.desc(), CallRow.id)
    if language is not None:
        query = query.where(CallRow.language == language)
    if scenario_id is not None:
        query = query.where(CallRow.scenario_id == scenario_id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def count_calls(*, session: Session) -> int:
    """How many calls were imported."""
    return session.scalar(select(func.count()).select_from(CallRow)) or 0


def _check_tags(tags: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    unique = list(dict.fromkeys((kind, value.strip()) for kind, value in tags))
    for kind, value in unique:
        if kind not in TAG_KINDS:
            raise ValueError(f"unknown tag kind {kind!r}; use one of {', '.join(TAG_KINDS)}")
        if not value:
            raise ValueError(f"empty {kind} tag")
    return unique


def upsert_clip(
    *,
    session: Session,
    clip_id: str,
    title: str,
    language: str,
    turns: list[dict[str, Any]],
    tags: Iterable[tuple[str, str]] = (),
    scenario_id: str | None = None,
    call_id: str | None = None,
    start_turn: int | None = None,
    end_turn: int | None = None,
    start_s: float | None = None,
    end_s: float | None = None,
    audio_path: str | None = None,
    notes: str = "",
    outcome: str = "",
    source: str = "",
    created_by: int | None = None,
) -> tuple[ClipRow, Change]:
    """Create a clip, or bring an existing one with this id up to date (tags replaced)."""
    wanted_tags = _check_tags(tags)
    fields: dict[str, Any] = {
        "title": title,
        "language": language,
        "turns": turns,
        "scenario_id": scenario_id,
        "call_id": call_id,
        "start_turn": start_turn,
        "end_turn": end_turn,
        "start_s": start_s,
        "end_s": end_s,
        "audio_path": audio_path,
        "notes": notes,
        "outcome": outcome,
        "source": source,
    }
    row = session.scalar(
        select(ClipRow).where(ClipRow.id == clip_id).options(selectinload(ClipRow.tags))
    )
    if row is None:
        row = ClipRow(id=clip_id, created_by=created_by, **fields)
        row.tags = [ClipTagRow(kind=kind, value=value) for kind, value in wanted_tags]
        session.add(row)
        session.flush()
        return row, "created"
    current_tags = [(tag.kind, tag.value) for tag in row.tags]
    if (
        all(getattr(row, name) == value for name, value in fields.items())
        and current_tags == wanted_tags
    ):
        return row, "unchanged"
    for name, value in fields.items():
        setattr(row, name, value)
    if current_tags != wanted_tags:
        row.tags.clear()
        session.flush()
        row.tags.extend(ClipTagRow(kind=kind, value=value) for kind, value in wanted_tags)
    session.flush()
    return row, "updated"


def get_clip(*, session: Session, clip_id: str) -> ClipRow:
    """The clip with this id and its tags; raise NotFoundError if there is none."""
    row = session.scalar(
        select(ClipRow).where(ClipRow.id == clip_id).options(selectinload(ClipRow.tags))
    )
    if row is None:
        raise NotFoundError(f"no clip with id {clip_id!r}")
    return row


def list_clips(
    *,
    session: Session,
    language: str | None = None,
    scenario_id: str | None = None,
    tag: tuple[str, str] | None = None,
    ids: Iterable[str] | None = None,
    limit: int | None = None,
) -> list[ClipRow]:
    """Clips with their tags, filtered by language, scenario, one (kind, value) tag, or ids."""
    query = select(ClipRow).options(selectinload(ClipRow.tags)).order_by(ClipRow.id)
    if language is not None:
        query = query.where(ClipRow.language == language)
    if scenario_id is not None:
        query = query.where(ClipRow.scenario_id == scenario_id)
    if tag is not None:
        kind, value = tag
        query = query.where(
            ClipRow.id.in_(
                select(ClipTagRow.clip_id).where(ClipTagRow.kind == kind, ClipTagRow.value == value)
            )
        )
    if ids is not None:
        query = query.where(ClipRow.id.in_(list(ids)))
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def set_tags(*, session: Session, clip_id: str, tags: Iterable[tuple[str, str]]) -> ClipRow:
    """Replace a clip's tags (kinds checked as in :func:`upsert_clip`)."""
    wanted = _check_tags(tags)
    row = get_clip(session=session, clip_id=clip_id)
    if [(tag.kind, tag.value) for tag in row.tags] != wanted:
        row.tags.clear()
        session.flush()
        row.tags.extend(ClipTagRow(kind=kind, value=value) for kind, value in wanted)
        session.flush()
    return row


def library_fingerprint(*, session: Session) -> tuple[Any, ...]:
    """A cheap summary that changes when clips, their text or their tags change.

    Counts, the newest creation time and summed text lengths: processes that cache a
    search index compare it to know when to reload (an edit that keeps every length the
    same is missed until the next change; ``coach clips reindex`` forces a reload).
    """
    clip_stats = session.execute(
        select(
            func.count(),
            func.max(ClipRow.created_at),
            func.coalesce(func.sum(func.length(ClipRow.title)), 0),
            func.coalesce(func.sum(func.length(ClipRow.notes)), 0),
            func.coalesce(func.sum(func.length(cast(ClipRow.turns, Text))), 0),
        )
    ).one()
    tag_stats = session.execute(
        select(
            func.count(),
            func.coalesce(func.max(ClipTagRow.id), 0),
            func.coalesce(func.sum(func.length(ClipTagRow.value)), 0),
        )
    ).one()
    stamp = clip_stats[1].isoformat() if clip_stats[1] is not None else None
    return (
        int(clip_stats[0]),
        stamp,
        int(clip_stats[2]),
        int(clip_stats[3]),
        int(clip_stats[4]),
        *(int(v) for v in tag_stats),
    )


def like_counts(*, session: Session) -> dict[str, int]:
    """How many likes each liked clip has (clips without likes are left out)."""
    query = select(ClipLikeRow.clip_id, func.count()).group_by(ClipLikeRow.clip_id)
    return {clip_id: int(count) for clip_id, count in session.execute(query)}


def count_clips(*, session: Session) -> int:
    """How many clips there are."""
    return session.scalar(select(func.count()).select_from(ClipRow)) or 0


def delete_clip(*, session: Session, clip_id: str) -> None:
    """Delete a clip with its tags, likes and favourites."""
    row = get_clip(session=session, clip_id=clip_id)
    session.execute(delete(ClipLikeRow).where(ClipLikeRow.clip_id == clip_id))
    session.execute(delete(ClipFavouriteRow).where(ClipFavouriteRow.clip_id == clip_id))
    session.delete(row)
    session.flush()


def _toggle(
    session: Session,
    table: type[ClipLikeRow] | type[ClipFavouriteRow],
    user_id: int,
    clip_id: str,
    on: bool,
) -> None:
    get_clip(session=session, clip_id=clip_id)
    existing = session.get(table, (user_id, clip_id))
    if on and existing is None:
        session.add(table(user_id=user_id, clip_id=clip_id))
    elif not on and existing is not None:
        session.delete(existing)
    session.flush()


def set_like(*, session: Session, user_id: int, clip_id: str, liked: bool = True) -> None:
    """Like (or unlike) a clip; liking twice counts once."""
    _toggle(session, ClipLikeRow, user_id, clip_id, liked)


def set_favourite(*, session: Session, user_id: int, clip_id: str, saved: bool = True) -> None:
    """Save (or unsave) a clip to the user's favourites; saving twice counts once."""
    _toggle(session, ClipFavouriteRow, user_id, clip_id, saved)


def _count_by_clip(
    session: Session, table: type[ClipLikeRow] | type[ClipFavouriteRow], ids: list[str]
) -> dict[str, int]:
    query = (
        select(table.clip_id, func.count()).where(table.clip_id.in_(ids)).group_by(table.clip_id)
    )
    return {clip_id: int(count) for clip_id, count in session.execute(query)}


def clip_counts(
    *, session: Session, clip_ids: Iterable[str], user_id: int | None = None
) -> dict[str, ClipCounts]:
    """Like and favourite counts for clips (and whether ``user_id`` liked or saved each)."""
    ids = list(clip_ids)
    likes = _count_by_clip(session, ClipLikeRow, ids)
    saves = _count_by_clip(session, ClipFavouriteRow, ids)
    liked: set[str] = set()
    saved: set[str] = set()
    if user_id is not None:
        liked = set(
            session.scalars(
                select(ClipLikeRow.clip_id).where(
                    ClipLikeRow.user_id == user_id, ClipLikeRow.clip_id.in_(ids)
                )
            )
        )
        saved = set(
            session.scalars(
                select(ClipFavouriteRow.clip_id).where(
                    ClipFavouriteRow.user_id == user_id, ClipFavouriteRow.clip_id.in_(ids)
                )
            )
        )
    return {
        clip_id: ClipCounts(
            likes.get(clip_id, 0), saves.get(clip_id, 0), clip_id in liked, clip_id in saved
        )
        for clip_id in ids
    }


def list_favourites(*, session: Session, user_id: int) -> list[ClipRow]:
    """The clips a user saved, most recently saved first."""
    query = (
        select(ClipRow)
        .join(ClipFavouriteRow, ClipFavouriteRow.clip_id == ClipRow.id)
        .where(ClipFavouriteRow.user_id == user_id)
        .options(selectinload(ClipRow.tags))
        .order_by(ClipFavouriteRow.created_at.desc(), ClipRow.id)
    )
    return list(session.scalars(query))


def clip_facets(*, session: Session) -> dict[str, list[str]]:
    """Distinct values clips have: tag values per kind, plus ``scenario`` and ``language``."""
    out: dict[str, set[str]] = {}
    for kind, value in session.execute(select(ClipTagRow.kind, ClipTagRow.value).distinct()):
        out.setdefault(str(kind), set()).add(str(value))
    for scenario_id, language in session.execute(
        select(ClipRow.scenario_id, ClipRow.language).distinct()
    ):
        if scenario_id:
            out.setdefault("scenario", set()).add(str(scenario_id))
        out.setdefault("language", set()).add(str(language))
    return {kind: sorted(values) for kind, values in out.items()}
