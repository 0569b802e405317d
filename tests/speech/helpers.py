"""Audio made at test time: tones, silence and files in every format we promise to read."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np

# (container format, codec, sample rate, file suffix)
FORMATS = {
    "wav": ("wav", "pcm_s16le", 16000, ".wav"),
    "flac": ("flac", "flac", 44100, ".flac"),
    "mp3": ("mp3", "libmp3lame", 44100, ".mp3"),
    "ogg-opus": ("ogg", "libopus", 48000, ".ogg"),
    "webm-opus": ("webm", "libopus", 48000, ".webm"),
    "m4a-aac": ("ipod", "aac", 44100, ".m4a"),
}


def tone(seconds: float, *, rate: int = 16000, freq: float = 440.0, amp: float = 0.3) -> np.ndarray:
    """A sine tone, float32 mono."""
    t = np.arange(int(seconds * rate), dtype=np.float32) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def encode(samples: np.ndarray, *, rate: int, kind: str = "wav", channels: int = 1) -> bytes:
    """Encode mono float samples as a file of ``kind`` (see FORMATS), in memory."""
    fmt, codec, _, _ = FORMATS[kind]
    buffer = io.BytesIO()
    layout = "mono" if channels == 1 else "stereo"
    with av.open(buffer, mode="w", format=fmt) as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        planar = np.repeat(samples.reshape(1, -1), channels, axis=0).astype(np.float32)
        frame_size = stream.codec_context.frame_size or 1024
        fmt_name = "fltp"
        supported = [f.name for f in (stream.codec_context.codec.audio_formats or [])]
        if supported and fmt_name not in supported:
            fmt_name = "s16" if "s16" in supported else supported[0]
        resampler = av.AudioResampler(format=fmt_name, layout=layout, rate=rate)
        for start in range(0, planar.shape[1], frame_size):
            piece = np.ascontiguousarray(planar[:, start : start + frame_size])
            frame = av.AudioFrame.from_ndarray(piece, format="fltp", layout=layout)
            frame.sample_rate = rate
            for out in resampler.resample(frame):
                for packet in stream.encode(out):
                    container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


def write(
    path: Path, samples: np.ndarray, *, rate: int, kind: str = "wav", channels: int = 1
) -> Path:
    """Encode to a file; return its path."""
    path.write_bytes(encode(samples, rate=rate, kind=kind, channels=channels))
    return path


def video_only(path: Path) -> Path:
    """A tiny MP4 with one video stream and no audio track."""
    with av.open(str(path), mode="w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for i in range(5):
            image = np.full((32, 32, 3), i * 40, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def dominant_frequency(samples: np.ndarray, rate: int = 16000) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])
