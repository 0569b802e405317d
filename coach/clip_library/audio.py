"""Audio for the clip library: decode any call recording (PyAV), write excerpts (wave).

Calls arrive as WAV, MP3, M4A, FLAC, OGG... PyAV decodes them all. Excerpts are written as
16-bit PCM WAV with the standard library, so any browser can play them.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.backends.ports import FloatArray
from coach.errors import CoachError

AUDIO_SUFFIXES = frozenset({".wav", ".mp3", ".m4a", ".flac", ".ogg", ".opus", ".webm", ".aac"})
"""File types imported as call recordings."""


class AudioError(CoachError):
    """An audio file that cannot be read or cut."""


@dataclass(frozen=True)
class DecodedAudio:
    """Decoded audio: float32 samples in [-1, 1], shape (channels, samples)."""

    samples: FloatArray
    sample_rate: int

    @property
    def channels(self) -> int:
        """How many channels."""
        return int(self.samples.shape[0])

    @property
    def duration(self) -> float:
        """Seconds of audio."""
        return self.samples.shape[1] / self.sample_rate

    def is_dual_mono(self, min_correlation: float = 0.98) -> bool:
        """True unless there are two channels carrying different signals (rep and customer).

        A mono recording saved as stereo has two almost equal channels; a call recorded with
        each party on its own channel has two channels that barely correlate.
        """
        if self.channels < 2:
            return True
        left, right = self.samples[0], self.samples[1]
        if not left.size or float(np.std(left)) == 0.0 or float(np.std(right)) == 0.0:
            return bool(np.array_equal(left, right))
        return float(np.corrcoef(left, right)[0, 1]) >= min_correlation


def decode(
    path: str | Path,
    *,
    sample_rate: int | None = 16000,
    mono: bool = False,
    start_s: float = 0.0,
    end_s: float | None = None,
) -> DecodedAudio:
    """Decode a file to float32 (all of it, or ``start_s``..``end_s``), resampled if asked.

    Stereo stays two channels unless ``mono``; more channels are mixed down to stereo.
    """
    try:
        import av
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("reading audio needs PyAV: pip install -e '.[models]'") from exc
    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError) as exc:
        raise AudioError(f"{path}: not a readable audio file ({exc})") from exc
    with container:
        if not container.streams.audio:
            raise AudioError(f"{path}: has no audio stream")
        stream = container.streams.audio[0]
        in_channels = stream.codec_context.channels or 1
        layout = "mono" if mono or in_channels == 1 else "stereo"
        rate = sample_rate or stream.codec_context.sample_rate or 16000
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        channels = 1 if layout == "mono" else 2
        chunks: list[FloatArray] = []
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(channels, -1).astype(np.float32))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(channels, -1).astype(np.float32))
        except av.FFmpegError as exc:
            raise AudioError(f"{path}: the audio is damaged ({exc})") from exc
    samples = (
        np.concatenate(chunks, axis=1) if chunks else np.zeros((channels, 0), dtype=np.float32)
    )
    first = max(0, int(round(start_s * rate)))
    last = samples.shape[1] if end_s is None else max(first, int(round(end_s * rate)))
    return DecodedAudio(samples=np.ascontiguousarray(samples[:, first:last]), sample_rate=rate)


def write_wav(path: str | Path, audio: DecodedAudio) -> Path:
    """Write audio as 16-bit PCM WAV; return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(audio.samples, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(target), "wb") as out:
        out.setnchannels(audio.channels)
        out.setsampwidth(2)
        out.setframerate(audio.sample_rate)
        out.writeframes(pcm.T.tobytes())
    return target


def cut(source: str | Path, target: str | Path, *, start_s: float, end_s: float) -> Path:
    """Write ``start_s``..``end_s`` of a recording to a WAV file (channels and rate kept)."""
    if end_s <= start_s:
        raise AudioError(f"the excerpt ends ({end_s:.2f}s) before it starts ({start_s:.2f}s)")
    audio = decode(source, sample_rate=None, start_s=start_s, end_s=end_s)
    if not audio.samples.shape[1]:
        raise AudioError(f"{source}: nothing to cut between {start_s:.2f}s and {end_s:.2f}s")
    return write_wav(target, audio)
