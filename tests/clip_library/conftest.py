"""Fixtures for the clip library: seed clips as documents, fake engines, test recordings."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from coach.backends.fake import FakeEmbedder, InMemoryClipIndex
from coach.clip_library.documents import ClipDocument, document_from_spec
from coach.content.catalog import load_catalog
from tests.conftest import SEEDS


@pytest.fixture(scope="session")
def seed_documents() -> list[ClipDocument]:
    catalog = load_catalog([SEEDS / "clips"])
    return [document_from_spec(spec) for spec in catalog.clips.values()]


@pytest.fixture
def fake_engine():
    from coach.services import clips as clips_service

    embedder = FakeEmbedder()
    return clips_service.ClipEngine(embedder, InMemoryClipIndex(embedder), refresh_s=0.0)


def write_stereo(path: Path, left: np.ndarray, right: np.ndarray, rate: int = 16000) -> Path:
    """Write float samples as a 16-bit stereo WAV."""
    pcm = (np.clip(np.stack([left, right], axis=1), -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def tone(seconds: float, rate: int = 16000, freq: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * rate), dtype=np.float32) / rate
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def silence(seconds: float, rate: int = 16000) -> np.ndarray:
    return np.zeros(int(seconds * rate), dtype=np.float32)
