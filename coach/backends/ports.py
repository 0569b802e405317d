"""The ports: what the core needs from speech, embedding, chat and index libraries.

Each is a ``typing.Protocol``; adapters live one per module beside this file, fakes in
``coach.backends.fake``. Data crossing a port is plain: numpy arrays, dataclasses, strings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Word:
    """A recognised word (or Chinese character group) with its time and confidence."""

    start: float
    end: float
    text: str
    probability: float = 1.0


@dataclass(frozen=True)
class Segment:
    """A stretch of recognised speech."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Transcription:
    """What a transcriber heard: text, language, timed segments, audio duration (s)."""

    text: str
    language: str
    segments: tuple[Segment, ...]
    duration: float

    def as_dict(self) -> dict[str, Any]:
        """The ``coach transcribe --json`` shape."""
        return {
            "language": self.language,
            "text": self.text,
            "segments": [{"start": s.start, "end": s.end, "text": s.text} for s in self.segments],
            "duration": self.duration,
        }


@runtime_checkable
class Transcriber(Protocol):
    """Speech to text. ``audio`` is a file path or 16 kHz mono float32 samples."""

    def transcribe(
        self,
        audio: str | Path | FloatArray,
        *,
        language: str | None = None,
        hotwords: Sequence[str] = (),
    ) -> Transcription:
        """Transcribe audio; language ``None`` means detect it."""
        ...


@dataclass(frozen=True)
class AudioChunk:
    """Synthesised audio for one sentence: float32 mono samples in [-1, 1]."""

    samples: FloatArray
    sample_rate: int
    text: str

    @property
    def duration(self) -> float:
        """Seconds of audio."""
        return len(self.samples) / self.sample_rate


@runtime_checkable
class Synthesizer(Protocol):
    """Text to speech, sentence by sentence so playback can start early."""

    def synthesize(
        self, text: str, *, language: str, voice: str | None = None
    ) -> Iterator[AudioChunk]:
        """Yield one chunk per sentence of ``text``."""
        ...


@runtime_checkable
class Embedder(Protocol):
    """Text to normalised vectors (cosine similarity = dot product)."""

    @property
    def dim(self) -> int:
        """Vector size."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> FloatArray:
        """Embed search queries / short utterances to compare against passages; shape (n, dim)."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> FloatArray:
        """Embed documents / reference texts; shape (n, dim)."""
        ...


@dataclass(frozen=True)
class ClipHit:
    """A search result from the clip index."""

    clip_id: str
    score: float
    document: str
    metadata: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class ClipIndex(Protocol):
    """A vector index of clips with metadata filters."""

    def upsert(
        self, ids: Sequence[str], documents: Sequence[str], metadatas: Sequence[Mapping[str, Any]]
    ) -> None:
        """Add or replace entries."""
        ...

    def query(
        self, text: str, *, k: int = 10, where: Mapping[str, Any] | None = None
    ) -> list[ClipHit]:
        """The ``k`` entries closest in meaning to ``text`` that match ``where``."""
        ...

    def delete(self, ids: Sequence[str]) -> None:
        """Remove entries."""
        ...

    def count(self) -> int:
        """How many entries there are."""
        ...


@runtime_checkable
class ChatModel(Protocol):
    """A chat LLM (OpenAI-compatible in production)."""

    def complete(self, messages: Sequence[Mapping[str, str]], *, temperature: float = 0.7) -> str:
        """Return the assistant's reply to ``messages`` ({"role", "content"} dicts)."""
        ...

    def stream(
        self, messages: Sequence[Mapping[str, str]], *, temperature: float = 0.7
    ) -> Iterator[str]:
        """Yield the reply in pieces as they arrive."""
        ...

    def structured(self, messages: Sequence[Mapping[str, str]], schema: type[Any]) -> Any:
        """Return the reply as an instance of the pydantic ``schema`` (function calling).

        Raises ValueError when the model's answer does not fit the schema.
        """
        ...
