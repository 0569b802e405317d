"""Audio in and out: decode any common format to 16 kHz mono float32, write 16-bit WAV.

Decoding uses PyAV (FFmpeg's libraries inside the wheel), so no system ``ffmpeg`` is needed.
Limits on size and duration are checked before and while decoding, so an oversized upload is
refused without reading it all into memory. Silent or empty audio raises ``NoSpeechError``:
a practice turn must never become an empty turn without the rep being told.
"""

from __future__ import annotations

import io
import wave
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from coach.backends.ports import FloatArray
from coach.speech.errors import (
    AudioTooLargeError,
    AudioTooLongError,
    CorruptAudioError,
    NoSpeechError,
    UnsupportedAudioError,
)

SAMPLE_RATE = 16000
"""What the recogniser wants: 16 kHz mono float32 in [-1, 1]."""

FORMATS = "WAV, FLAC, MP3, OGG/Opus, WebM or M4A"
"""The formats we promise to read (anything else FFmpeg reads works too)."""

SILENCE_PEAK = 0.002
"""A peak below this (about -54 dBFS) is digital silence, not a quiet speaker."""

MB = 1024 * 1024

AudioSource = str | Path | bytes | bytearray | memoryview


def _describe(source: AudioSource) -> str:
    return f"'{Path(source).name}'" if isinstance(source, str | Path) else "the upload"


def _size(source: AudioSource) -> int:
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.exists():
            raise CorruptAudioError(f"no such audio file: {path} (check the path)")
        if not path.is_file():
            raise CorruptAudioError(f"{path} is not a file: give the path of an audio file")
        return path.stat().st_size
    return len(source)


def check_size(source: AudioSource, *, max_bytes: int | None) -> int:
    """Return the size in bytes; raise ``AudioTooLargeError`` above ``max_bytes``."""
    size = _size(source)
    if max_bytes is not None and size > max_bytes:
        raise AudioTooLargeError(
            f"{_describe(source)} is {size / MB:.1f} MB, more than the {max_bytes / MB:g} MB "
            "limit (COACH_MAX_UPLOAD_MB): upload a shorter recording or a compressed format "
            "such as MP3 or Opus"
        )
    return size


def decode_audio(
    source: AudioSource,
    *,
    sample_rate: int = SAMPLE_RATE,
    max_bytes: int | None = None,
    max_seconds: float | None = None,
    require_sound: bool = True,
) -> FloatArray:
    """Decode a file path or the bytes of a file to mono float32 at ``sample_rate``.

    Raises ``AudioTooLargeError`` / ``AudioTooLongError`` past the limits,
    ``CorruptAudioError`` for bytes that are not readable audio, ``UnsupportedAudioError`` for
    a file without a decodable audio track, and (with ``require_sound``) ``NoSpeechError`` for
    empty or silent audio.
    """
    size = check_size(source, max_bytes=max_bytes)
    name = _describe(source)
    if size == 0:
        raise NoSpeechError(
            f"{name} is empty (0 bytes): no speech heard; record again and check the microphone"
        )
    try:
        import av
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("decoding audio needs PyAV: pip install -e '.[models]'") from exc

    file: str | BinaryIO = (
        str(source) if isinstance(source, str | Path) else io.BytesIO(bytes(source))
    )
    max_samples = None if max_seconds is None else int(max_seconds * sample_rate)
    try:
        container = av.open(file, mode="r", metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        raise CorruptAudioError(
            f"{name} is not a readable audio file ({_reason(exc)}); send a {FORMATS} recording"
        ) from exc
    with container:
        if not container.streams.audio:
            raise UnsupportedAudioError(f"{name} has no audio track; send a {FORMATS} recording")
        if max_seconds is not None and container.duration:
            seconds = container.duration / 1_000_000
            if seconds > max_seconds + 1.0:
                raise _too_long(name, seconds, max_seconds)
        samples = _decode_stream(container, name, sample_rate, max_samples, max_seconds)
    if require_sound:
        ensure_sound(samples, name=name)
    return samples


def _decode_stream(
    container: Any,
    name: str,
    sample_rate: int,
    max_samples: int | None,
    max_seconds: float | None,
) -> FloatArray:
    import av

    stream = container.streams.audio[0]
    resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
    pieces: list[FloatArray] = []
    total = 0

    def keep(frames: list[Any]) -> None:
        nonlocal total
        for out in frames:
            array = np.asarray(out.to_ndarray(), dtype=np.float32).reshape(-1)
            pieces.append(array)
            total += len(array)
        if max_samples is not None and total > max_samples + sample_rate:
            assert max_seconds is not None
            raise _too_long(name, None, max_seconds)

    try:
        for frame in container.decode(stream):
            # Timestamps of damaged or concatenated streams confuse the resampler's clock.
            frame.pts = None
            keep(resampler.resample(frame))
        keep(resampler.resample(None))
    except av.error.DecoderNotFoundError as exc:
        raise UnsupportedAudioError(
            f"{name} uses an audio codec this build cannot decode ({_reason(exc)}); "
            f"send a {FORMATS} recording"
        ) from exc
    except (av.error.FFmpegError, ValueError) as exc:
        # A truncated upload still holds the audio before the cut: keep it, as FFmpeg does.
        if total == 0:
            raise CorruptAudioError(
                f"{name} could not be decoded ({_reason(exc)}): the file is damaged or "
                f"truncated; record or export it again as {FORMATS}"
            ) from exc
    if not pieces:
        return np.zeros(0, dtype=np.float32)
    samples = np.concatenate(pieces)
    if max_samples is not None and len(samples) > max_samples:
        samples = samples[:max_samples]
    return np.ascontiguousarray(np.clip(samples, -1.0, 1.0), dtype=np.float32)


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).split(":")[0].strip() or type(exc).__name__


def _too_long(name: str, seconds: float | None, max_seconds: float) -> AudioTooLongError:
    lasts = f"lasts {seconds:.0f} s" if seconds is not None else "lasts"
    return AudioTooLongError(
        f"{name} {lasts} longer than the {max_seconds:g} s limit (COACH_MAX_AUDIO_S): "
        "split the recording or trim it to the part to score"
    )


def ensure_sound(samples: FloatArray, *, name: str = "the audio") -> None:
    """Raise ``NoSpeechError`` when ``samples`` are empty or digital silence."""
    if samples.size == 0:
        raise NoSpeechError(
            f"{name} holds no audio: no speech heard; record again and check the microphone"
        )
    if float(np.max(np.abs(samples))) < SILENCE_PEAK:
        raise NoSpeechError(
            f"{name} is silent: no speech heard; check that the right microphone is selected "
            "and not muted, then record again"
        )


def as_samples(audio: str | Path | FloatArray, *, max_seconds: float | None = None) -> FloatArray:
    """A path (decoded) or samples (checked) as 16 kHz mono float32 samples."""
    if isinstance(audio, str | Path):
        return decode_audio(audio, max_seconds=max_seconds)
    samples = np.asarray(audio, dtype=np.float32)
    if samples.ndim != 1:
        raise UnsupportedAudioError(
            f"expected mono samples (one dimension), got shape {samples.shape}; mix down first"
        )
    if max_seconds is not None and len(samples) > (max_seconds + 1.0) * SAMPLE_RATE:
        raise _too_long("the audio", len(samples) / SAMPLE_RATE, max_seconds)
    ensure_sound(samples)
    return samples


def resample(samples: FloatArray, from_rate: int, to_rate: int = SAMPLE_RATE) -> FloatArray:
    """Resample mono float32 samples (e.g. a 22.05 or 24 kHz voice to the recogniser's 16 kHz)."""
    samples = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1)
    if from_rate == to_rate or samples.size == 0:
        return samples
    import av

    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
    frame.sample_rate = from_rate
    resampler = av.AudioResampler(format="flt", layout="mono", rate=to_rate)
    frames = [*resampler.resample(frame), *resampler.resample(None)]
    if not frames:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate([np.asarray(f.to_ndarray(), np.float32).reshape(-1) for f in frames])


def to_pcm16(samples: FloatArray) -> bytes:
    """Float samples in [-1, 1] as little-endian 16-bit PCM bytes (clipped, rounded)."""
    clipped = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0)
    return np.round(clipped * 32767.0).astype("<i2").tobytes()


def wav_bytes(samples: FloatArray, sample_rate: int) -> bytes:
    """A complete mono 16-bit PCM WAV file in memory."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(to_pcm16(samples))
    return buffer.getvalue()


def write_wav(path: str | Path, samples: FloatArray, sample_rate: int) -> Path:
    """Write mono 16-bit PCM WAV (parent folders are created); return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(to_pcm16(samples))
    return target
