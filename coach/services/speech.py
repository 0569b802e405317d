"""Speech services: transcribe a recording, speak text, stream a reply sentence by sentence.

What the CLI, the UI and the API call; they never touch a model library. Limits come from the
settings (``COACH_MAX_UPLOAD_MB``, ``COACH_MAX_AUDIO_S``); the models from ``COACH_STT_*`` and
``COACH_TTS_*``. Tests and the demo mode pass fakes in (``transcriber=`` / ``synthesizer=``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coach.backends.ports import AudioChunk, Synthesizer, Transcriber, Transcription
from coach.settings import Settings, get_settings
from coach.speech.audio import MB, decode_audio, resample, write_wav
from coach.speech.errors import SpeechError, UnsupportedLanguageError
from coach.speech.language import normalise_language

SENTENCE_GAP_S = 0.2
"""Silence put between sentences when they are joined into one file."""

_routers: dict[tuple[str, str, str], Any] = {}
_routers_lock = threading.Lock()


@dataclass(frozen=True)
class SpokenAudio:
    """What ``speak`` wrote."""

    path: Path
    duration: float
    sample_rate: int
    sentences: tuple[str, ...]


def _settings(settings: Settings | None) -> Settings:
    return settings or get_settings()


def language_code(language: str | None, *, required: bool = False) -> str | None:
    """``en`` / ``zh`` from what a user typed; ``None`` (detect) unless ``required``."""
    code = normalise_language(language)
    if code is None and required:
        raise UnsupportedLanguageError("say which language to speak: --language en or zh")
    return code


def get_transcriber(settings: Settings | None = None, **options: Any) -> Transcriber:
    """The configured transcriber (the model itself is loaded once per process)."""
    from coach.backends.whisper_transcriber import WhisperTranscriber

    return WhisperTranscriber.from_settings(_settings(settings), **options)


def get_synthesizer(settings: Settings | None = None) -> Any:
    """The configured synthesizer router (one per data dir and engine choice)."""
    from coach.backends.speech_router import build_router

    s = _settings(settings)
    key = (str(s.data_dir.resolve()), s.tts_en, s.tts_zh)
    with _routers_lock:
        if key not in _routers:
            _routers[key] = build_router(data_dir=s.data_dir, tts_en=s.tts_en, tts_zh=s.tts_zh)
        return _routers[key]


def transcribe_file(
    path: str | Path,
    *,
    language: str | None = None,
    hotwords: Sequence[str] = (),
    settings: Settings | None = None,
    transcriber: Transcriber | None = None,
) -> Transcription:
    """Transcribe an audio file (WAV, FLAC, MP3, OGG/Opus, WebM, M4A) within the limits."""
    s = _settings(settings)
    samples = decode_audio(
        Path(path), max_bytes=s.max_upload_mb * MB, max_seconds=float(s.max_audio_s)
    )
    return _transcribe(samples, language, hotwords, s, transcriber)


def transcribe_bytes(
    data: bytes,
    *,
    language: str | None = None,
    hotwords: Sequence[str] = (),
    settings: Settings | None = None,
    transcriber: Transcriber | None = None,
) -> Transcription:
    """Transcribe an uploaded or recorded file held in memory."""
    s = _settings(settings)
    samples = decode_audio(data, max_bytes=s.max_upload_mb * MB, max_seconds=float(s.max_audio_s))
    return _transcribe(samples, language, hotwords, s, transcriber)


def transcribe_samples(
    samples: np.ndarray,
    *,
    language: str | None = None,
    hotwords: Sequence[str] = (),
    settings: Settings | None = None,
    transcriber: Transcriber | None = None,
) -> Transcription:
    """Transcribe 16 kHz mono float32 samples (a live recording)."""
    return _transcribe(
        np.asarray(samples, dtype=np.float32), language, hotwords, _settings(settings), transcriber
    )


def _transcribe(
    samples: np.ndarray,
    language: str | None,
    hotwords: Sequence[str],
    settings: Settings,
    transcriber: Transcriber | None,
) -> Transcription:
    code = language_code(language)
    engine = transcriber or get_transcriber(settings)
    return engine.transcribe(samples, language=code, hotwords=tuple(hotwords))


def stream_speech(
    text: str,
    *,
    language: str,
    voice: str | None = None,
    speed: float | None = None,
    settings: Settings | None = None,
    synthesizer: Synthesizer | None = None,
) -> Iterator[AudioChunk]:
    """Yield the speech for ``text`` one sentence at a time (play each as it comes)."""
    code = language_code(language, required=True)
    assert code is not None
    if not text.strip():
        raise SpeechError("nothing to say: the text is empty")
    from coach.backends.speech_router import accepts_speed

    engine: Any = synthesizer or get_synthesizer(settings)
    if speed is not None and accepts_speed(engine):
        yield from engine.synthesize(text, language=code, voice=voice, speed=speed)
    else:
        yield from engine.synthesize(text, language=code, voice=voice)


def join_chunks(chunks: Sequence[AudioChunk], *, gap_s: float = SENTENCE_GAP_S) -> AudioChunk:
    """One chunk from several (resampled to the first one's rate, a short pause between)."""
    if not chunks:
        raise SpeechError("nothing was spoken: the text has no sentence to say")
    rate = chunks[0].sample_rate
    gap = np.zeros(int(gap_s * rate), dtype=np.float32)
    pieces: list[np.ndarray] = []
    for index, chunk in enumerate(chunks):
        if index:
            pieces.append(gap)
        pieces.append(resample(chunk.samples, chunk.sample_rate, rate))
    text = " ".join(c.text for c in chunks)
    return AudioChunk(samples=np.concatenate(pieces), sample_rate=rate, text=text)


def speak(
    text: str,
    *,
    language: str,
    out: str | Path,
    voice: str | None = None,
    speed: float | None = None,
    settings: Settings | None = None,
    synthesizer: Synthesizer | None = None,
) -> SpokenAudio:
    """Speak ``text`` into a 16-bit mono WAV file at ``out``."""
    chunks = list(
        stream_speech(
            text,
            language=language,
            voice=voice,
            speed=speed,
            settings=settings,
            synthesizer=synthesizer,
        )
    )
    joined = join_chunks(chunks)
    path = write_wav(out, joined.samples, joined.sample_rate)
    return SpokenAudio(
        path=path,
        duration=round(joined.duration, 3),
        sample_rate=joined.sample_rate,
        sentences=tuple(c.text for c in chunks),
    )


def warm_up(settings: Settings | None = None, *, languages: Sequence[str] = ("en", "zh")) -> None:
    """Load the speech models and run each once, so the first turn is as fast as the rest."""
    s = _settings(settings)
    transcriber: Any = get_transcriber(s)
    transcriber.warm_up()
    get_synthesizer(s).warm_up(tuple(languages))
