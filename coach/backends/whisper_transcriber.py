"""Transcriber adapter for faster-whisper (CTranslate2): the embedded Whisper base, int8 on CPU.

- The model is loaded once per process and configuration (a module-level cache) and calls on
  one model are serialised: CTranslate2 already spreads one call over every CPU thread, so two
  at once only slow each other down.
- Silero VAD (shipped inside faster-whisper) drops silence before decoding; silent audio never
  reaches the model and raises ``NoSpeechError``, as does audio where nothing was recognised.
- "Fast context": Whisper always encodes a 30 s window, even for a 4 s practice turn, and the
  encoder is most of the time on CPU. The encoder here sees only the speech plus 3 s of the
  padding (at least 10 s), which cuts a short turn's time about in half with the same
  accuracy on our checks. Greedy decoding in that mode can rarely loop; a looping, highly
  compressible or very unsure result is decoded again the standard way (full window,
  temperature fallback). ``fast_context=False`` turns the shortcut off.
- Chinese output comes partly in traditional characters: it is converted to simplified.
"""

from __future__ import annotations

import os
import re
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coach.backends.ports import FloatArray, Segment, Transcription, Word
from coach.speech.audio import SAMPLE_RATE, as_samples
from coach.speech.errors import NoSpeechError, SpeechModelError
from coach.speech.language import LANGUAGES, clean_chinese, normalise_language

FULL_FRAMES = 3000
"""Mel frames in Whisper's 30 s window (100 a second)."""
FAST_MARGIN_FRAMES = 300
FAST_MIN_FRAMES = 1000
MAX_TOKENS = 448
"""Whisper's decoder positions: the prompt and the answer share them."""
HOTWORD_TOKENS = 96
"""Tokens the hotwords may take of the prompt.

faster-whisper's prompt is ``sot_prev``, the hotwords (it cuts them at 223 tokens), the text
decoded so far in the clip (at most 223 tokens), then 4 start tokens; what is left of the 448
is the room to answer. Hotwords at its cut plus a full window of earlier text leave none
("The maximum decoding length must be > 0": a dozen long Mandarin terms do it even on a 4 s
turn, when a first pass over the window decodes 200 tokens and a second pass follows).
96 tokens of hotwords leave at least 448 - 1 - 96 - 223 - 4 = 124 to answer.
"""
_PROMPT_OVERFLOW = ("maximum decoding length", "position encodings")


def default_cpu_threads() -> int:
    """One CTranslate2 thread per core, at most 8 (beyond that int8 base gains nothing)."""
    return max(1, min(8, os.cpu_count() or 1))


def encoder_frames(
    features: np.ndarray, *, margin: int = FAST_MARGIN_FRAMES, minimum: int = FAST_MIN_FRAMES
) -> int:
    """How many mel frames the encoder needs for ``features`` padded to Whisper's window.

    faster-whisper pads features with exact zeros (real log-mel frames are never all zero):
    keep the content, ``margin`` frames of padding, at least ``minimum``, in whole seconds.
    """
    frames = features if features.ndim == 2 else features[0]
    content = np.flatnonzero(np.any(frames != 0, axis=0))
    used = int(content[-1]) + 1 if content.size else 0
    wanted = max(minimum, used + margin)
    wanted = -(-wanted // 100) * 100
    return int(min(frames.shape[-1], wanted))


def looks_repetitive(text: str, *, language: str) -> bool:
    """True for the decoding loops Whisper falls into ("a b c a b c a b c ...")."""
    if language == "zh":
        tokens = [c for c in text if not c.isspace() and c not in "，。、,.!?！？"]
        smallest = 3
    else:
        tokens = re.findall(r"[\w']+", text.lower())
        smallest = 2
    for size in range(smallest, 16):
        for start in range(0, len(tokens) - 3 * size + 1):
            gram = tokens[start : start + size]
            if (
                tokens[start + size : start + 2 * size] == gram
                and tokens[start + 2 * size : start + 3 * size] == gram
            ):
                return True
    return False


def fit_hotwords(
    hotwords: Sequence[str], count_tokens: Callable[[str], int], budget: int = HOTWORD_TOKENS
) -> str | None:
    """The hotwords as faster-whisper takes them (one string), within ``budget`` tokens.

    Whole terms only, in the order given (the first matter most); a term that does not fit is
    left out and shorter ones after it may still come in. ``count_tokens`` counts the tokens
    of a string as the prompt holds it (with its leading space). ``None`` when none fit.
    """
    kept: list[str] = []
    for term in hotwords:
        term = " ".join(term.split())
        if not term or term in kept:
            continue
        if count_tokens(" " + " ".join([*kept, term])) <= budget:
            kept.append(term)
    return " ".join(kept) or None


def compression_ratio(text: str) -> float:
    """Whisper's loop detector: how well the text compresses (above 2.4 is suspect)."""
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


@dataclass
class _Loaded:
    model: Any
    lock: threading.Lock
    warmed: bool = False


_cache: dict[tuple[str, str, str, int], _Loaded] = {}
_cache_lock = threading.Lock()


def _model_class() -> Any:
    try:
        from faster_whisper import WhisperModel
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError(
            "the embedded transcriber needs faster-whisper: pip install -e '.[models]'"
        ) from exc

    class FastContextWhisper(WhisperModel):
        """WhisperModel whose encoder can skip most of the zero padding of a short clip."""

        fast_context = False

        def encode(self, features: np.ndarray) -> Any:
            if self.fast_context:
                frames = features if features.ndim == 2 else features[0]
                keep = encoder_frames(frames)
                features = np.ascontiguousarray(frames[:, :keep])
            return super().encode(features)

    return FastContextWhisper


def resolve_model_path(model: str, data_dir: Path) -> tuple[str, bool]:
    """The folder (or cached name) to load, and whether it may come from the local HF cache."""
    if model == "base":
        from coach.speech.whisper_weights import ensure_whisper_base

        return str(ensure_whisper_base(data_dir).folder), False
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise SpeechModelError(
                f"{path} holds no model.bin: COACH_STT_MODEL must be 'base' or a folder with a "
                "CTranslate2 Whisper model (config.json, model.bin, tokenizer.json)"
            )
        return str(path), False
    if any(sep in model for sep in ("/", "\\")) and not re.fullmatch(r"[\w.-]+/[\w.-]+", model):
        raise SpeechModelError(f"no model folder at {model} (COACH_STT_MODEL)")
    return model, True


def load_model(
    model: str = "base",
    *,
    device: str = "cpu",
    compute_type: str = "int8",
    cpu_threads: int | None = None,
    data_dir: Path = Path("data"),
) -> _Loaded:
    """Load (once per process and configuration) and return the Whisper model."""
    threads = cpu_threads or default_cpu_threads()
    path, by_name = resolve_model_path(model, data_dir)
    key = (path, device, compute_type, threads)
    with _cache_lock:
        loaded = _cache.get(key)
        if loaded is not None:
            return loaded
        cls = _model_class()
        try:
            instance = cls(
                path,
                device=device,
                compute_type=compute_type,
                cpu_threads=threads,
                num_workers=1,
                # Never download at run time: a name must already be in the local cache.
                local_files_only=by_name,
            )
        except Exception as exc:
            raise SpeechModelError(
                f"could not load the Whisper model {model!r} on {device} ({compute_type}): "
                f"{exc}; use COACH_STT_MODEL=base, or a model folder"
            ) from exc
        loaded = _Loaded(model=instance, lock=threading.Lock())
        _cache[key] = loaded
        return loaded


class WhisperTranscriber:
    """The default transcriber: faster-whisper with VAD, word timestamps, en/zh."""

    def __init__(
        self,
        model: str = "base",
        *,
        device: str = "cpu",
        compute_type: str = "int8",
        data_dir: Path = Path("data"),
        cpu_threads: int | None = None,
        beam_size: int = 1,
        word_timestamps: bool = True,
        fast_context: bool = True,
        initial_prompt: str | None = None,
        max_seconds: float | None = None,
        languages: Sequence[str] = LANGUAGES,
    ):
        self.model = model
        self.device = device
        self.compute_type = compute_type
        self.data_dir = Path(data_dir)
        self.cpu_threads = cpu_threads
        self.beam_size = beam_size
        self.word_timestamps = word_timestamps
        self.fast_context = fast_context
        self.initial_prompt = initial_prompt
        self.max_seconds = max_seconds
        self.languages = tuple(languages)
        self.last_fallback = False
        """Whether the last call had to redo a fast-context result the standard way."""
        self.last_hotwords_dropped = False
        """Whether the last call had to drop its hotwords to leave Whisper room to answer."""

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> WhisperTranscriber:
        """Build from ``Settings`` (model, device, compute type, data dir, duration limit)."""
        options: dict[str, Any] = {
            "device": settings.stt_device,
            "compute_type": settings.stt_compute_type,
            "data_dir": settings.data_dir,
            "max_seconds": float(settings.max_audio_s),
        }
        options.update(overrides)
        return cls(settings.stt_model, **options)

    def _loaded(self) -> _Loaded:
        return load_model(
            self.model,
            device=self.device,
            compute_type=self.compute_type,
            cpu_threads=self.cpu_threads,
            data_dir=self.data_dir,
        )

    def warm_up(self) -> None:
        """Load the model and run it once, so the first real turn pays no start-up cost."""
        loaded = self._loaded()
        with loaded.lock:
            if loaded.warmed:
                return
            from faster_whisper.vad import get_vad_model

            get_vad_model()
            t = np.arange(int(1.5 * SAMPLE_RATE), dtype=np.float32) / SAMPLE_RATE
            tone = (0.3 * np.sin(2 * np.pi * 180 * t) * np.sin(2 * np.pi * 3 * t)).astype(
                np.float32
            )
            loaded.model.fast_context = self.fast_context
            segments, _ = loaded.model.transcribe(
                tone, language="en", beam_size=1, vad_filter=False, word_timestamps=True
            )
            list(segments)
            loaded.warmed = True

    def transcribe(
        self,
        audio: str | Path | FloatArray,
        *,
        language: str | None = None,
        hotwords: Sequence[str] = (),
        initial_prompt: str | None = None,
        beam_size: int | None = None,
        word_timestamps: bool | None = None,
        retry_suspect: bool = True,
    ) -> Transcription:
        """Transcribe a file or 16 kHz samples; ``language`` ``None`` detects en or zh.

        ``hotwords`` (product names, key terms) bias the decoder towards those spellings.
        Raises ``NoSpeechError`` when the audio is silent or nothing was recognised.
        ``retry_suspect=False``: a fast-context result that looks wrong (a loop, very unsure)
        raises ``NoSpeechError`` instead of being decoded again the standard way, which can
        take several seconds (an optional second pass would rather have nothing).
        """
        samples = as_samples(audio, max_seconds=self.max_seconds)
        code = normalise_language(language)
        options: dict[str, Any] = {
            "beam_size": beam_size or self.beam_size,
            "word_timestamps": self.word_timestamps if word_timestamps is None else word_timestamps,
            "vad_filter": True,
            "initial_prompt": initial_prompt or self.initial_prompt,
        }
        loaded = self._loaded()
        options["hotwords"] = fit_hotwords(hotwords, _token_counter(loaded.model))
        with loaded.lock:
            if code is None:
                code = self._detect(loaded.model, samples)
            self.last_fallback = self.last_hotwords_dropped = False
            found = self._run_guarded(loaded.model, samples, code, options, fast=self.fast_context)
            if self.fast_context and _suspect(found, code):
                if not retry_suspect:
                    raise NoSpeechError(
                        "nothing was recognised with confidence (the quick pass looked wrong)"
                    )
                self.last_fallback = True
                found = self._run_guarded(loaded.model, samples, code, options, fast=False)
        found = [seg for seg in found if not is_hallucination(seg, code)]
        return _to_transcription(found, code, len(samples) / SAMPLE_RATE, audio)

    def _detect(self, model: Any, samples: FloatArray) -> str:
        model.fast_context = self.fast_context
        _, _, probabilities = model.detect_language(audio=samples, vad_filter=True)
        allowed = [(code, p) for code, p in probabilities if code in self.languages]
        return max(allowed, key=lambda item: item[1])[0] if allowed else self.languages[0]

    def _run_guarded(
        self, model: Any, samples: FloatArray, language: str, options: dict[str, Any], fast: bool
    ) -> list[Any]:
        """``_run``; a prompt that still leaves no room to answer is retried without hotwords."""
        try:
            return self._run(model, samples, language, options, fast)
        except (ValueError, RuntimeError) as exc:
            if not options.get("hotwords") or not any(m in str(exc) for m in _PROMPT_OVERFLOW):
                raise
            self.last_hotwords_dropped = True
            return self._run(model, samples, language, {**options, "hotwords": None}, fast)

    def _run(
        self, model: Any, samples: FloatArray, language: str, options: dict[str, Any], fast: bool
    ) -> list[Any]:
        model.fast_context = fast
        extra: dict[str, Any] = {"temperature": (0.0,)} if fast else {}
        segments, _ = model.transcribe(samples, language=language, **options, **extra)
        return list(segments)


def _token_counter(model: Any) -> Callable[[str], int]:
    """Counts tokens with the model's own tokenizer (roughly, by characters, without one)."""
    tokenizer = getattr(model, "hf_tokenizer", None)
    if tokenizer is None:
        return lambda text: len(text.encode("utf-8")) // 2 + 1
    return lambda text: len(tokenizer.encode(text, add_special_tokens=False).ids)


def is_hallucination(segment: Any, language: str) -> bool:
    """A segment Whisper made up rather than heard.

    Prompts and hotwords make Whisper "hear" them again after the speech ends: such segments
    have words squeezed into no time at the end of the audio, or words it is itself unsure
    of, or they loop.
    """
    words = [w for w in (segment.words or []) if w.word.strip()]
    if words:
        squeezed = sum(1 for w in words if w.end - w.start < 0.02)
        if squeezed >= max(1, 0.8 * len(words)):
            return True
        if sum(w.probability for w in words) / len(words) < 0.25:
            return True
    text = segment.text.strip()
    return len(text) > 20 and (
        compression_ratio(text) > 2.4 or looks_repetitive(text, language=language)
    )


def _suspect(segments: list[Any], language: str) -> bool:
    segments = [s for s in segments if not is_hallucination(s, language)]
    text = "".join(s.text for s in segments)
    return (
        any(s.compression_ratio > 2.4 or s.avg_logprob < -1.0 for s in segments)
        or compression_ratio(text) > 2.4
        or looks_repetitive(text, language=language)
    )


def _to_transcription(
    found: list[Any], language: str, duration: float, audio: str | Path | FloatArray
) -> Transcription:
    convert = clean_chinese if language == "zh" else (lambda text: text)
    segments: list[Segment] = []
    for seg in found:
        text = convert(seg.text.strip())
        if not text:
            continue
        words = tuple(
            Word(
                start=round(float(w.start), 3),
                end=round(float(w.end), 3),
                text=convert(w.word.strip()),
                probability=round(float(w.probability), 4),
            )
            for w in (seg.words or [])
            if w.word.strip()
        )
        segments.append(
            Segment(
                start=round(float(seg.start), 3),
                end=round(float(seg.end), 3),
                text=text,
                words=words,
            )
        )
    if not segments:
        name = f"'{Path(audio).name}'" if isinstance(audio, str | Path) else "the audio"
        raise NoSpeechError(
            f"no speech heard in {name}: speak closer to the microphone, check it is not muted, "
            "and record again"
        )
    joiner = "" if language == "zh" else " "
    text = joiner.join(s.text for s in segments)
    return Transcription(
        text=text, language=language, segments=tuple(segments), duration=round(duration, 3)
    )
