"""Ports (small Protocols) for every heavy dependency, their adapters, and shipped fakes.

Adapters import their library lazily inside their own module; a missing library raises an
ImportError that names the extra to install.
"""

from coach.backends.ports import (
    AudioChunk,
    ChatModel,
    ClipHit,
    ClipIndex,
    Embedder,
    Segment,
    Synthesizer,
    Transcriber,
    Transcription,
    Word,
)

__all__ = [
    "AudioChunk",
    "ChatModel",
    "ClipHit",
    "ClipIndex",
    "Embedder",
    "Segment",
    "Synthesizer",
    "Transcriber",
    "Transcription",
    "Word",
]
