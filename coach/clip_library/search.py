"""Hybrid clip search: meaning (the vector index) plus exact words (BM25), fused by rank.

A rep asks "how do top reps answer 'too expensive'" (meaning) or types "FleetFlow" or 植发
(exact words). Each side returns its best candidates under the same filters; reciprocal rank
fusion (RRF) adds ``weight / (k + rank)`` per side, so a clip both sides like rises, and
neither side's raw scores (cosine vs BM25) need calibrating against the other. The lexical
side's vote is scaled by how much of the query's word weight (idf) the clip contains: a clip
holding the rare name the rep typed gets a full vote, one sharing only a common word with a
paraphrase barely any. Results carry highlights: the sentences that matched, with the
query's words marked.

The vector index is derived data: :func:`sync_index` brings it in line with the clips in the
database (only what changed), and :func:`rebuild_index` makes it again from scratch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from coach.backends.ports import ClipIndex, Embedder
from coach.clip_library.documents import ClipDocument, SearchFilters
from coach.clip_library.lexical import LexicalIndex, mark_terms, terms
from coach.text.normalize import detect_language
from coach.text.sentences import split_sentences

SearchMode = Literal["hybrid", "vector", "lexical"]
SEARCH_MODES: tuple[SearchMode, ...] = ("hybrid", "vector", "lexical")
RRF_K = 10
"""RRF constant. The usual 60 flattens ranks so much in a library of a few hundred clips that a
weak word match outvotes a strong meaning match; 5-20 all did best on bench/data."""


@dataclass(frozen=True)
class Highlight:
    """A sentence of a clip that matched, with the query's words marked ``**like this**``."""

    turn: int
    speaker: str
    text: str


@dataclass(frozen=True)
class SearchHit:
    """One search result: the clip, its fused score (0-1), each side's rank and highlights."""

    document: ClipDocument
    score: float
    vector_rank: int | None = None
    lexical_rank: int | None = None
    vector_score: float | None = None
    lexical_score: float | None = None
    highlights: tuple[Highlight, ...] = ()


@runtime_checkable
class ListableIndex(Protocol):
    """An index that can say what it holds and be emptied (the chroma adapter can)."""

    def stored_hashes(self) -> dict[str, str]:
        """Each entry's content hash."""
        ...

    def clear(self) -> None:
        """Drop every entry."""
        ...


@dataclass(frozen=True)
class SyncReport:
    """What syncing the vector index with the clips did."""

    upserted: int
    deleted: int
    total: int


IndexProgress = Callable[[int, int], None]
"""Called as clips are embedded into the index: (done, total)."""


def _upsert(
    index: ClipIndex,
    documents: Sequence[ClipDocument],
    progress: IndexProgress | None = None,
    batch: int = 32,
) -> None:
    for start in range(0, len(documents), batch):
        part = documents[start : start + batch]
        index.upsert(
            [doc.clip_id for doc in part],
            [doc.index_text for doc in part],
            [doc.index_metadata() for doc in part],
        )
        if progress is not None:
            progress(start + len(part), len(documents))


def sync_index(
    index: ClipIndex,
    documents: Sequence[ClipDocument],
    *,
    known: Mapping[str, str] | None = None,
    progress: IndexProgress | None = None,
) -> SyncReport:
    """Bring the vector index in line with ``documents``, embedding only what changed.

    What the index holds comes from the index itself when it can list it, else from
    ``known`` (the hashes this process last synced); with neither, an index with as many
    entries as there are documents is trusted, and any other is filled again.
    """
    wanted = {doc.clip_id: doc for doc in documents}
    stored: Mapping[str, str] | None
    stored = index.stored_hashes() if isinstance(index, ListableIndex) else known
    if stored is None:
        if index.count() == len(wanted):
            return SyncReport(0, 0, len(wanted))
        _upsert(index, list(wanted.values()), progress)
        return SyncReport(len(wanted), 0, len(wanted))
    changed = [doc for cid, doc in wanted.items() if stored.get(cid) != doc.content_hash]
    gone = [cid for cid in stored if cid not in wanted]
    if gone:
        index.delete(gone)
    _upsert(index, changed, progress)
    return SyncReport(len(changed), len(gone), len(wanted))


def rebuild_index(
    index: ClipIndex,
    documents: Sequence[ClipDocument],
    *,
    previous_ids: Iterable[str] = (),
    progress: IndexProgress | None = None,
) -> SyncReport:
    """Empty the vector index and embed every document again."""
    removed = 0
    if isinstance(index, ListableIndex):
        removed = len(index.stored_hashes())
        index.clear()
    else:
        stale = list(previous_ids)
        index.delete(stale)
        removed = len(stale)
    _upsert(index, list(documents), progress)
    return SyncReport(len(documents), removed, len(documents))


@dataclass
class _Filterable:
    """Per-key document positions, for masks on the lexical side."""

    size: int
    positions: dict[str, list[int]] = field(default_factory=dict)

    def mask(self, where: Mapping[str, Any]) -> npt.NDArray[np.bool_] | None:
        if not where:
            return None
        mask = np.ones(self.size, dtype=bool)
        for key, value in where.items():
            allowed = np.zeros(self.size, dtype=bool)
            allowed[self.positions.get(f"{key}={value}", [])] = True
            mask &= allowed
        return mask


class ClipSearcher:
    """Hybrid search over a set of clip documents and the vector index that holds them."""

    def __init__(
        self,
        index: ClipIndex,
        documents: Iterable[ClipDocument],
        *,
        embedder: Embedder | None = None,
        vector_weight: float = 1.0,
        lexical_weight: float = 1.0,
        candidates: int = 50,
        rrf_k: int = RRF_K,
        use_coverage: bool = True,
    ):
        self.rrf_k = rrf_k
        self.use_coverage = use_coverage
        self.index = index
        self.embedder = embedder
        self.documents = list(documents)
        self.vector_weight = vector_weight
        self.lexical_weight = lexical_weight
        self.candidates = candidates
        self._position = {doc.clip_id: i for i, doc in enumerate(self.documents)}
        self.lexical = LexicalIndex(
            (_lexical_text(doc) for doc in self.documents),
            languages=[doc.language for doc in self.documents],
        )
        self._filters = _Filterable(len(self.documents))
        for i, doc in enumerate(self.documents):
            for key, value in doc.filter_keys().items():
                self._filters.positions.setdefault(f"{key}={value}", []).append(i)

    def get(self, clip_id: str) -> ClipDocument | None:
        """The document of a clip, if this searcher has it."""
        position = self._position.get(clip_id)
        return None if position is None else self.documents[position]

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        filters: SearchFilters | None = None,
        mode: SearchMode = "hybrid",
        highlight: bool = True,
    ) -> list[SearchHit]:
        """The ``k`` best clips for ``query`` under ``filters`` (``mode``: which sides to use)."""
        if mode not in SEARCH_MODES:
            raise ValueError(f"unknown search mode {mode!r}; use {', '.join(SEARCH_MODES)}")
        query = query.strip()
        if not query or k <= 0:
            return []
        where = (filters or SearchFilters()).where()
        n = max(self.candidates, k)
        vector: list[tuple[str, float, float]] = []
        lexical: list[tuple[str, float, float]] = []
        if mode in ("hybrid", "vector"):
            vector = [
                (hit.clip_id, hit.score, 1.0)
                for hit in self.index.query(query, k=n, where=where or None)
                if hit.clip_id in self._position
            ]
        if mode in ("hybrid", "lexical"):
            lexical = [
                (self.documents[hit.doc].clip_id, hit.score, hit.coverage)
                for hit in self.lexical.search(
                    query, k=n, mask=self._filters.mask(where), language=detect_language(query)
                )
            ]
        hits = self._fuse(vector, lexical, mode)[:k]
        if highlight:
            hits = self._highlight(query, hits)
        return hits

    def _fuse(
        self,
        vector: list[tuple[str, float, float]],
        lexical: list[tuple[str, float, float]],
        mode: SearchMode,
    ) -> list[SearchHit]:
        weights = {
            "hybrid": (self.vector_weight, self.lexical_weight),
            "vector": (1.0, 0.0),
            "lexical": (0.0, 1.0),
        }[mode]
        best = sum(weights) / (self.rrf_k + 1)
        fused: dict[str, dict[str, Any]] = {}
        for side, ranked, weight in (
            ("vector", vector, weights[0]),
            ("lexical", lexical, weights[1]),
        ):
            for rank, (clip_id, score, share) in enumerate(ranked, start=1):
                entry = fused.setdefault(clip_id, {"rrf": 0.0})
                share = share if self.use_coverage and mode == "hybrid" else 1.0
                entry["rrf"] += weight * share / (self.rrf_k + rank)
                entry[f"{side}_rank"] = rank
                entry[f"{side}_score"] = score
        hits = [
            SearchHit(
                document=self.documents[self._position[clip_id]],
                score=round(entry["rrf"] / best, 4) if best else 0.0,
                vector_rank=entry.get("vector_rank"),
                lexical_rank=entry.get("lexical_rank"),
                vector_score=entry.get("vector_score"),
                lexical_score=entry.get("lexical_score"),
            )
            for clip_id, entry in fused.items()
        ]
        return sorted(
            hits,
            key=lambda hit: (
                -hit.score,
                hit.vector_rank or 10**9,
                hit.lexical_rank or 10**9,
                hit.document.clip_id,
            ),
        )

    def _highlight(self, query: str, hits: list[SearchHit]) -> list[SearchHit]:
        """Mark the sentences that share the query's words; else the closest in meaning."""
        wanted = set(terms(query, detect_language(query)))
        weights = {term: self.lexical.idf(term) or 1.0 for term in wanted}
        # a Chinese character is marked alone only when the query has it alone: else every
        # 要 and 家 of the sentence would light up
        pairs = {t for t in wanted if len(t) == 2 and all(_is_han(c) for c in t)}
        marked = {t for t in wanted if not (len(t) == 1 and any(t in pair for pair in pairs))}
        out: list[SearchHit] = []
        unmatched: list[tuple[int, list[tuple[int, str, str]]]] = []
        for position, hit in enumerate(hits):
            sentences = _sentences(hit.document)
            scored = []
            for order, (turn, speaker, sentence) in enumerate(sentences):
                found = set(terms(sentence, hit.document.language)) & wanted
                if found:
                    scored.append((-sum(weights[t] for t in found), order, turn, speaker, sentence))
            scored.sort()
            chosen = sorted(scored[:2], key=lambda item: item[1])
            marks = tuple(
                Highlight(turn, speaker, mark_terms(sentence, marked))
                for _, _, turn, speaker, sentence in chosen
            )
            if not marks and sentences:
                unmatched.append((position, sentences))
            out.append(replace(hit, highlights=marks))
        if unmatched and self.embedder is not None:
            flat = [item for _, sentences in unmatched for item in sentences]
            vectors = self.embedder.embed_passages([text for _, _, text in flat])
            q = self.embedder.embed_queries([query])[0]
            similarity = vectors @ q
            offset = 0
            for position, sentences in unmatched:
                part = similarity[offset : offset + len(sentences)]
                turn, speaker, text = sentences[int(np.argmax(part))]
                offset += len(sentences)
                out[position] = replace(out[position], highlights=(Highlight(turn, speaker, text),))
        return out


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _lexical_text(doc: ClipDocument) -> str:
    tags = " ".join(value.replace("_", " ").replace("-", " ") for _, value in doc.tags)
    return "\n".join(part for part in (doc.title, doc.text, tags, doc.notes) if part)


def _sentences(doc: ClipDocument) -> list[tuple[int, str, str]]:
    out: list[tuple[int, str, str]] = []
    for turn_index, turn in enumerate(doc.turns):
        for sentence in split_sentences(str(turn.get("text", ""))):
            out.append((turn_index, str(turn.get("speaker", "")), sentence))
    return out
