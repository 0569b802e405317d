"""Fakes for every port, shipped in the package: unit tests and the ``--fake`` demo use them.

They are deterministic and fast, and they behave like the real thing where tests look:
the fake embedder gives similar vectors to texts that share words or characters, the fake
transcriber returns the text it was told, the fake synthesizer yields one chunk a sentence.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coach.backends.ports import (
    AudioChunk,
    ClipHit,
    Embedder,
    FloatArray,
    Segment,
    Transcription,
    Word,
)
from coach.text.sentences import split_sentences

_TOKEN = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]", re.IGNORECASE)


class FakeEmbedder:
    """Hashed bag of words and character bigrams: lexical overlap becomes cosine similarity."""

    def __init__(self, dim: int = 256):
        self._dim = dim

    @property
    def dim(self) -> int:
        """Vector size."""
        return self._dim

    def _vector(self, text: str) -> FloatArray:
        vec = np.zeros(self._dim, dtype=np.float32)
        tokens = [t.lower() for t in _TOKEN.findall(text)]
        features = tokens + [a + b for a, b in zip(tokens, tokens[1:], strict=False)]
        for feature in features:
            digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self._dim
            vec[index] += 1.0 if digest[4] % 2 else -1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def embed_queries(self, texts: Sequence[str]) -> FloatArray:
        """Embed texts (queries and passages are treated alike)."""
        return (
            np.stack([self._vector(t) for t in texts])
            if texts
            else np.zeros((0, self._dim), np.float32)
        )

    def embed_passages(self, texts: Sequence[str]) -> FloatArray:
        """Embed texts (queries and passages are treated alike)."""
        return self.embed_queries(texts)


class FakeTranscriber:
    """Returns prepared text: per file path, from a ``.txt`` beside the audio, or a default."""

    def __init__(
        self, texts: Mapping[str, str] | None = None, *, default: str = "", language: str = "en"
    ):
        self.texts = dict(texts or {})
        self.default = default
        self.language = language
        self.calls: list[str] = []

    def transcribe(
        self,
        audio: str | Path | FloatArray,
        *,
        language: str | None = None,
        hotwords: Sequence[str] = (),
    ) -> Transcription:
        """Return the prepared text as one segment, words spread evenly over the audio."""
        key = str(audio) if isinstance(audio, str | Path) else "<samples>"
        self.calls.append(key)
        text = self.texts.get(key)
        if (
            text is None
            and isinstance(audio, str | Path)
            and Path(audio).with_suffix(".txt").exists()
        ):
            text = Path(audio).with_suffix(".txt").read_text(encoding="utf-8").strip()
        if text is None:
            text = self.default
        duration = (
            len(audio) / 16000 if isinstance(audio, np.ndarray) else max(1.0, len(text) * 0.06)
        )
        pieces = text.split() or [text]
        step = duration / max(1, len(pieces))
        words = tuple(
            Word(start=i * step, end=(i + 1) * step, text=w) for i, w in enumerate(pieces) if w
        )
        segments = (Segment(start=0.0, end=duration, text=text, words=words),) if text else ()
        return Transcription(
            text=text, language=language or self.language, segments=segments, duration=duration
        )


class FakeSynthesizer:
    """Yields one quiet tone per sentence, 60 ms per character, at 16 kHz."""

    sample_rate = 16000

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str | None]] = []

    def synthesize(
        self, text: str, *, language: str, voice: str | None = None
    ) -> Iterator[AudioChunk]:
        """Yield a chunk for each sentence of ``text``."""
        self.calls.append((text, language, voice))
        for sentence in split_sentences(text):
            n = int(self.sample_rate * min(10.0, 0.06 * len(sentence)))
            t = np.arange(n, dtype=np.float32) / self.sample_rate
            samples = (0.05 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
            yield AudioChunk(samples=samples, sample_rate=self.sample_rate, text=sentence)


class FakeChatModel:
    """Replies from a list, in order (the last one repeats); records the messages it got."""

    def __init__(self, replies: Sequence[str] = ("OK.",)):
        self.replies = list(replies)
        self.received: list[list[dict[str, str]]] = []

    def complete(self, messages: Sequence[Mapping[str, str]], *, temperature: float = 0.7) -> str:
        """Return the next prepared reply."""
        self.received.append([dict(m) for m in messages])
        index = min(len(self.received) - 1, len(self.replies) - 1)
        return self.replies[index]

    def stream(
        self, messages: Sequence[Mapping[str, str]], *, temperature: float = 0.7
    ) -> Iterator[str]:
        """Yield the next prepared reply word by word."""
        reply = self.complete(messages, temperature=temperature)
        for index, piece in enumerate(reply.split(" ")):
            yield piece if index == 0 else f" {piece}"

    def structured(self, messages: Sequence[Mapping[str, str]], schema: type[Any]) -> Any:
        """Validate the next prepared reply (JSON) as ``schema``; ValueError if it does not fit."""
        from pydantic import ValidationError

        try:
            return schema.model_validate_json(self.complete(messages, temperature=0.0))
        except ValidationError as exc:
            raise ValueError(str(exc)) from exc


class InMemoryClipIndex:
    """A brute-force vector index over an embedder, with equality filters on metadata."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder
        self._rows: dict[str, tuple[str, dict[str, Any], FloatArray]] = {}

    def upsert(
        self, ids: Sequence[str], documents: Sequence[str], metadatas: Sequence[Mapping[str, Any]]
    ) -> None:
        """Add or replace entries."""
        vectors = self.embedder.embed_passages(list(documents))
        for clip_id, doc, meta, vec in zip(ids, documents, metadatas, vectors, strict=True):
            self._rows[clip_id] = (doc, dict(meta), vec)

    def query(
        self, text: str, *, k: int = 10, where: Mapping[str, Any] | None = None
    ) -> list[ClipHit]:
        """The ``k`` closest entries whose metadata equals every ``where`` item."""
        if not self._rows:
            return []
        q = self.embedder.embed_queries([text])[0]
        hits = [
            ClipHit(clip_id=cid, score=float(vec @ q), document=doc, metadata=meta)
            for cid, (doc, meta, vec) in self._rows.items()
            if not where or all(meta.get(key) == value for key, value in where.items())
        ]
        return sorted(hits, key=lambda hit: (-hit.score, hit.clip_id))[:k]

    def delete(self, ids: Sequence[str]) -> None:
        """Remove entries."""
        for clip_id in ids:
            self._rows.pop(clip_id, None)

    def count(self) -> int:
        """How many entries there are."""
        return len(self._rows)
