"""Which synthesizer speaks: by language and by the persona's voice (engine, voice, speed).

The router is itself a ``Synthesizer``. Engines are created on first use, so an English-only
session never loads the Mandarin model. What it speaks is kept in a small LRU cache (a
persona repeats lines from its bank), and ``prefetch`` fills that cache in the background. A persona whose engine does not speak the session's
language, or is not installed, falls back to that language's default engine (with the
persona's speed) instead of failing mid-call.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from coach.backends.ports import AudioChunk, Synthesizer
from coach.speech.errors import UnsupportedLanguageError

log = logging.getLogger(__name__)

ENGINE_LANGUAGES: dict[str, frozenset[str]] = {
    "piper": frozenset({"en"}),
    "kokoro": frozenset({"zh"}),
    "fake": frozenset({"en", "zh"}),
}
DEFAULT_ENGINES = {"en": "piper", "zh": "kokoro"}


class SpeechRouter:
    """A ``Synthesizer`` that hands each request to the right engine."""

    def __init__(
        self,
        engines: Mapping[str, Callable[[], Synthesizer]],
        *,
        defaults: Mapping[str, str] | None = None,
        engine_languages: Mapping[str, frozenset[str]] | None = None,
        cache_size: int = 256,
    ):
        self._cache: OrderedDict[tuple[Any, ...], tuple[AudioChunk, ...]] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        self._prefetcher: ThreadPoolExecutor | None = None
        self._factories = dict(engines)
        self._engines: dict[str, Synthesizer] = {}
        self._lock = threading.Lock()
        self.defaults = dict(defaults or DEFAULT_ENGINES)
        self.engine_languages = dict(engine_languages or ENGINE_LANGUAGES)
        for language, engine in self.defaults.items():
            if engine not in self._factories:
                raise UnsupportedLanguageError(
                    f"no synthesizer named {engine!r} for {language} (COACH_TTS_"
                    f"{language.upper()}); use one of {', '.join(sorted(self._factories))}"
                )

    def engine(self, name: str) -> Synthesizer:
        """The synthesizer called ``name``, created on first use."""
        with self._lock:
            if name not in self._engines:
                self._engines[name] = self._factories[name]()
            return self._engines[name]

    def choose(self, *, language: str, engine: str | None = None) -> str:
        """The engine that will speak ``language``: ``engine`` if it can, else the default."""
        code = language.lower().split("-")[0]
        if code not in self.defaults:
            raise UnsupportedLanguageError(
                f"no voice for language {language!r}: use en (English) or zh (Mandarin)"
            )
        if engine and engine != "default":
            speaks = self.engine_languages.get(engine, frozenset())
            if engine in self._factories and code in speaks:
                return engine
            log.warning(
                "voice engine %r cannot speak %s here; using %s", engine, code, self.defaults[code]
            )
        return self.defaults[code]

    def _key(
        self, text: str, language: str, voice: str | None, speed: float | None, engine: str | None
    ) -> tuple[Any, ...]:
        """The cache key: the engine that will speak, language, voice, speed, text."""
        if voice and ":" in voice and not Path(voice).exists():
            engine, voice = voice.split(":", 1)
        chosen = self.choose(language=language, engine=engine)
        if engine and engine != "default" and chosen != engine:
            voice = None  # the persona's voice name belongs to the engine we could not use
        return (chosen, language.lower().split("-")[0], voice, speed, text)

    def cached(self, text: str, *, language: str, persona_voice: Any = None) -> bool:
        """Whether ``speak_as(text, ...)`` would come from the cache (made already)."""
        key = self._key(
            text,
            language,
            getattr(persona_voice, "voice", None) or None,
            getattr(persona_voice, "speed", None),
            getattr(persona_voice, "engine", None),
        )
        with self._cache_lock:
            return key in self._cache

    def synthesize(
        self,
        text: str,
        *,
        language: str,
        voice: str | None = None,
        speed: float | None = None,
        engine: str | None = None,
    ) -> Iterator[AudioChunk]:
        """Yield one chunk per sentence; ``voice`` may be ``engine:voice``."""
        key = self._key(text, language, voice, speed, engine)
        chosen, code, voice = key[0], key[1], key[2]
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
        if cached is not None:
            yield from cached
            return
        synthesizer: Any = self.engine(chosen)
        if speed is not None and accepts_speed(synthesizer):
            chunks = synthesizer.synthesize(text, language=code, voice=voice, speed=speed)
        else:
            chunks = synthesizer.synthesize(text, language=code, voice=voice)
        made: list[AudioChunk] = []
        for chunk in chunks:
            made.append(chunk)
            yield chunk
        if self._cache_size > 0:
            with self._cache_lock:
                self._cache[key] = tuple(made)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)

    def prefetch(self, texts: Sequence[str], *, language: str, persona_voice: Any = None) -> None:
        """Synthesise lines the customer is likely to say, in the background, into the cache.

        A persona's replies come from a finite bank, so the lines for the next turn can be
        made while the rep is still talking; a reply that was prefetched starts at once.
        """
        if self._cache_size <= 0 or not texts:
            return
        with self._lock:
            if self._prefetcher is None:
                self._prefetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tts")
            prefetcher = self._prefetcher
        for text in texts:
            prefetcher.submit(self._prefetch_one, text, language, persona_voice)

    def _prefetch_one(self, text: str, language: str, persona_voice: Any) -> None:
        try:
            for _ in self.speak_as(text, language=language, persona_voice=persona_voice):
                pass
        except Exception:  # a line that cannot be spoken now fails again, loudly, when asked
            log.exception("could not prefetch %r", text)

    def wait_for_prefetch(self) -> None:
        """Block until every prefetched line is made (tests and benchmarks)."""
        with self._lock:
            prefetcher, self._prefetcher = self._prefetcher, None
        if prefetcher is not None:
            prefetcher.shutdown(wait=True)

    def speak_as(self, text: str, *, language: str, persona_voice: Any) -> Iterator[AudioChunk]:
        """Speak as a persona: ``persona_voice`` has ``engine``, ``voice`` and ``speed``."""
        return self.synthesize(
            text,
            language=language,
            voice=getattr(persona_voice, "voice", None) or None,
            speed=getattr(persona_voice, "speed", None),
            engine=getattr(persona_voice, "engine", None),
        )

    def warm_up(self, languages: tuple[str, ...] = ("en", "zh")) -> None:
        """Load and run each language's default engine once."""
        for language in languages:
            synthesizer: Any = self.engine(self.choose(language=language))
            if hasattr(synthesizer, "warm_up"):
                synthesizer.warm_up()
            else:
                for _ in synthesizer.synthesize("OK.", language=language):
                    pass


def accepts_speed(synthesizer: Any) -> bool:
    """Whether ``synthesizer.synthesize`` takes a ``speed`` (the fake and third ones may not)."""
    try:
        return "speed" in inspect.signature(synthesizer.synthesize).parameters
    except (TypeError, ValueError):
        return False


def build_router(*, data_dir: Path, tts_en: str = "piper", tts_zh: str = "kokoro") -> SpeechRouter:
    """The router over the embedded engines (and the fake), with the configured defaults."""

    def piper() -> Synthesizer:
        from coach.backends.piper_synthesizer import PiperSynthesizer

        return PiperSynthesizer()

    def kokoro() -> Synthesizer:
        from coach.backends.kokoro_synthesizer import KokoroSynthesizer

        return KokoroSynthesizer(data_dir=data_dir)

    def fake() -> Synthesizer:
        from coach.backends.fake import FakeSynthesizer

        return FakeSynthesizer()

    return SpeechRouter(
        {"piper": piper, "kokoro": kokoro, "fake": fake},
        defaults={"en": tts_en, "zh": tts_zh},
    )
