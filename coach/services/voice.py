"""One hands-free voice call: microphone frames in, the customer's voice out.

Transport-independent: the WebSocket route (``coach.api.voice``) hands ``VoiceCall`` the
rep's audio and forwards what ``VoiceCall.events`` yields. A call runs like this:

1. **Speech detection.** Each 32 ms window gets a speech probability: Silero VAD (the ONNX
   file inside faster-whisper, run through onnxruntime with its state kept between windows,
   about 0.2 ms a window) when it is installed, else a loudness detector. A turn starts after
   two speech windows, with 0.3 s of audio before them, so its first syllable is kept.
2. **Transcription while the rep talks.** At every pause of ``speculate_s`` (0.15 s) what is
   not committed of the turn is transcribed in the background (greedy, no word times): by
   the end of the pause that ends the turn its text is usually known. If the rep goes on,
   the next pause transcribes the longer stretch again (a queued job that is out of date is
   skipped); a stretch is committed (kept, and its text given to Whisper as the prompt of
   what follows) once it is ``commit_s`` long, 3 s English, 6 s Mandarin: Whisper base
   mishears short Mandarin stretches heard alone, a short clip costs it nearly as much as a
   10 s one, and the last job, the one waited for, stays short.
3. **End of turn.** A fixed pause threshold cannot tell a turn's end from a pause inside
   it: Piper's own speech pauses 0.3-0.6 s at commas and between sentences (Kokoro's Mandarin
   up to 0.9 s). So the threshold depends on what was said: a question ends a turn after a
   short pause, a complete sentence after a medium one, a half sentence ("..., and", "因为")
   after a long one (``Endpointing``).
4. **The reply.** The rep's text goes to ``PracticeService.take_turn`` (which stores it, then
   answers); the answer is spoken piece by piece through the speech router, each chunk sent
   as soon as it is made, the first piece short (``speech_pieces``: a long English first
   sentence is cut at a comma; a Mandarin one at its first short clause or after a few
   words, as Kokoro's time grows with the length). The customer's likely lines are
   synthesised ahead (``prefetch``) at the start and after each reply, in the same pieces,
   the first pieces of all of them before the rest, so a predicted answer starts at once.
5. **After the turn.** Its ``start`` / ``end`` are seconds since the call started (the
   session's ``started_at``), so they go on across reconnects. The turn's audio is kept as a
   16 kHz WAV under ``<data_dir>/audio/<session_id>/`` for the scorecard, and a slower, more
   accurate pass (Whisper beam 5 over the whole turn, with the scenario's terms) may replace
   the stored text. It waits until the rep is silent, no reply is being made and nothing
   is left to synthesise ahead (ending the call runs what is left before scoring), and is
   not redone the standard way when it looks wrong (it is then dropped): Whisper holds one
   lock, and a 9 s second pass over a long Mandarin turn once held up the next turn's
   transcription for 2 s.

Every model call runs in a worker thread, never on the event loop. Per call, frames are
processed in order by one worker; the models themselves are shared (Whisper serialises its
calls, which is what two cores want).

The ``naive`` wiring is the baseline the benchmark compares with: a fixed 0.8 s pause, the
whole turn transcribed after it, the whole reply synthesised (uncached), then sent at once.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import itertools
import logging
import re
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from coach.backends.ports import FloatArray, Segment, Transcriber, Transcription
from coach.errors import CoachError, NotFoundError, PermissionDenied
from coach.services.voice_lines import LINE_KEY, LINES, StoredReply, line_id, stored_replies
from coach.services.voice_work import CALLS, live_pool, run_ahead, run_live, run_record
from coach.settings import Settings
from coach.speech.audio import SAMPLE_RATE, to_pcm16, write_wav
from coach.speech.errors import AudioTooLongError, NoSpeechError, SpeechError
from coach.text.acts import is_question
from coach.text.sentences import split_sentences

log = logging.getLogger(__name__)

WINDOW = 512
"""Samples per speech-detection window (32 ms at 16 kHz; what Silero VAD takes)."""
WINDOW_S = WINDOW / SAMPLE_RATE
PRE_ROLL_S = 0.3
ONSET_WINDOWS = 2
NAIVE_PAUSE_S = 0.8
PROMPT_CHARS = 120
"""Text of the turn so far given to Whisper before a stretch (its prompt holds 223 tokens)."""
SPEECH_FOR_A_SECOND_LOOK_S = 1.0
"""A turn with this much speech whose quick passes heard nothing sure is transcribed again."""
DRAIN_REVISIONS_S = 20.0
"""How long ending a call waits for the second passes still to run, so the score has them."""
BACKGROUND_POLL_S = 0.05
"""How often waiting background work looks again whether every call is quiet."""
FEED_GAP_S = 0.5
"""A pause longer than this between two pieces of microphone audio is time the page sent none."""
"""The naive wiring's fixed pause: the shortest that does not cut Piper's own turns."""

Wiring = Literal["live", "naive"]


# -- speech detection ---------------------------------------------------------------------------


class SpeechDetector(Protocol):
    """Speech probability of consecutive 512-sample windows of one stream (stateful)."""

    def __call__(self, window: FloatArray) -> float:
        """Probability in [0, 1] that ``window`` holds speech."""
        ...


class EnergyDetector:
    """Loudness as speech: above an absolute floor and a share of the loudest window so far.

    Needs no model; a loud noise counts as speech, so it is what the unit tests use and the
    fallback when onnxruntime or the Silero file is missing.
    """

    def __init__(self, floor: float = 0.01, share: float = 0.1):
        self.floor = floor
        self.share = share
        self.peak = 0.0

    def __call__(self, window: FloatArray) -> float:
        """1.0 for a loud window, 0.0 for a quiet one."""
        rms = float(np.sqrt(np.mean(np.square(window, dtype=np.float64))))
        self.peak = max(self.peak, rms)
        return 1.0 if rms >= max(self.floor, self.share * self.peak) else 0.0


_silero_lock = threading.Lock()
_silero_session: Any = None


def silero_model_path() -> Path | None:
    """Where faster-whisper keeps its Silero VAD model, without importing faster-whisper."""
    spec = importlib.util.find_spec("faster_whisper")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder, "assets").glob("silero_vad*.onnx"))
        if found:
            return found[-1]
    return None


class SileroDetector:
    """Silero VAD, one window at a time, its recurrent state carried between windows.

    Fed window by window it gives exactly what faster-whisper's batch call gives (checked),
    and it ignores noise that the loudness detector takes for speech.
    """

    CONTEXT = 64

    def __init__(self) -> None:
        self.session = _silero()
        self.h = np.zeros((1, 1, 128), dtype=np.float32)
        self.c = np.zeros((1, 1, 128), dtype=np.float32)
        self.context = np.zeros(self.CONTEXT, dtype=np.float32)

    def __call__(self, window: FloatArray) -> float:
        """Speech probability of the next window."""
        x = np.concatenate([self.context, window.astype(np.float32)])[None, :]
        out, self.h, self.c = self.session.run(None, {"input": x, "h": self.h, "c": self.c})
        self.context = window[-self.CONTEXT :].astype(np.float32)
        return float(np.asarray(out).reshape(-1)[0])


def _silero() -> Any:
    global _silero_session
    with _silero_lock:
        if _silero_session is None:
            path = silero_model_path()
            if path is None:
                raise ImportError("Silero VAD needs faster-whisper: pip install -e '.[models]'")
            import onnxruntime

            options = onnxruntime.SessionOptions()
            # One thread: a window takes 0.2 ms, and the cores belong to Whisper and the voices.
            options.inter_op_num_threads = 1
            options.intra_op_num_threads = 1
            options.log_severity_level = 4
            _silero_session = onnxruntime.InferenceSession(
                str(path), providers=["CPUExecutionProvider"], sess_options=options
            )
        return _silero_session


def default_detector() -> SpeechDetector:
    """Silero VAD when it is installed, else the loudness detector."""
    try:
        return SileroDetector()
    except ImportError:
        log.warning("Silero VAD is not installed: finding pauses by loudness instead")
        return EnergyDetector()


# -- end of turn --------------------------------------------------------------------------------

_EN_OPEN_END = re.compile(
    r"(?:[,;:\-–—]|\.\.\.|…|\b(?:and|but|or|so|because|that|which|if|then|the|a|an|to|of|"
    r"with|for|like|um|uh|er|you know|i mean|our|your|my|is|are|was|we|i))\s*$",
    re.IGNORECASE,
)
_ZH_OPEN_END = re.compile(
    r"(?:[,，、;；:：\-…]|因为|所以|但是|不过|而且|然后|如果|就是|那个|这个|还有|和|跟|或者|"
    r"嗯|呃|额|的话|我们|我|您|你|是|在|对于|关于)\s*$"
)


MONOLOGUE_MODES = frozenset({"readalong", "recitation"})
"""Modes where the rep speaks a script: only a long pause ends the turn."""


def classify_ending(text: str, language: str) -> Literal["question", "complete", "open"]:
    """How the words so far end: a question, a complete sentence, or an open one."""
    text = text.strip()
    if not text:
        return "open"
    sentences = split_sentences(text) or [text]
    last = sentences[-1]
    if language == "zh":
        if _ZH_OPEN_END.search(last):
            return "open"
        # Whisper ends most Mandarin sentences with "。", questions too ("主要是哪个位置。"):
        # judge the words, not its full stop.
        if last.rstrip().endswith(("?", "？")) or is_question(last.rstrip().rstrip("。."), "zh"):
            return "question"
        # Whisper often leaves Mandarin unpunctuated: no open ending is as good as a full stop.
        return "complete"
    if _EN_OPEN_END.search(last):
        return "open"
    if last.rstrip().endswith("?") or is_question(last, "en"):
        return "question"
    # Whisper leaves the full stop off a part that starts mid-sentence ("and we can start
    # with a small pilot"); an ending that is not open counts as complete.
    return "complete"


@dataclass(frozen=True)
class Endpointing:
    """Pause (seconds) that ends a turn, by how the words so far end, per language.

    Chosen from measurements of the rep voices the tests use (Silero pauses inside one turn:
    Piper English at most 0.42 s, Kokoro Mandarin at most 0.86 s) and the 1.0 / 1.2 s targets
    from the end of speech to the customer's first sound.
    """

    speculate_s: float = 0.15
    commit_s: dict[str, float] = field(default_factory=lambda: {"en": 3.0, "zh": 6.0})
    """A stretch of a turn this long is kept as it was heard and the next one starts after it,
    with its text as Whisper's prompt (``_Turn``); shorter, it is heard again with what
    follows. Whisper base mishears short Mandarin stretches heard alone (2.75 s at the start
    of a turn: "JK1T 品修剃面"; in its turn: "这个问题平时对您的工作"), and the last job of a
    10 s Mandarin turn heard whole took 0.9 s where its last 2.4 s after 7.6 s took 0.3 s."""
    question: dict[str, float] = field(default_factory=lambda: {"en": 0.35, "zh": 0.4})
    complete: dict[str, float] = field(default_factory=lambda: {"en": 0.6, "zh": 0.9})
    open: dict[str, float] = field(default_factory=lambda: {"en": 0.9, "zh": 1.1})
    longest: dict[str, float] = field(default_factory=lambda: {"en": 1.1, "zh": 1.3})
    """The turn ends after this pause even while its last words are still being recognised."""

    def pause_for(self, ending: str | None, language: str) -> float:
        """The pause that ends a turn whose words end like ``ending`` (None: not known yet)."""
        code = "zh" if language == "zh" else "en"
        if ending is None:
            return self.longest[code]
        table = {"question": self.question, "complete": self.complete, "open": self.open}
        return table[ending][code]


# -- events -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerAudio:
    """A piece of the customer's voice: float32 mono samples at ``sample_rate``."""

    reply: int
    seq: int
    text: str
    samples: FloatArray
    sample_rate: int

    def header(self) -> dict[str, Any]:
        """The JSON frame sent before the PCM bytes."""
        return {
            "type": "audio",
            "reply": self.reply,
            "seq": self.seq,
            "text": self.text,
            "sample_rate": self.sample_rate,
            "samples": int(self.samples.size),
        }

    def pcm16(self) -> bytes:
        """Little-endian 16-bit PCM bytes."""
        return to_pcm16(self.samples)


Event = dict[str, Any] | CustomerAudio


# -- one turn being heard -----------------------------------------------------------------------


@dataclass
class _Part:
    """A transcription job over ``[offset, end)`` samples of a turn, in the background."""

    offset: int
    future: Future[Transcription | None]
    end: int = 0
    keep: bool = False
    """Committed: its text is part of the turn, so it runs even when a newer job exists."""
    superseded: bool = False
    """A newer job covers this one's audio and more: if not started yet, it is skipped."""


class _Turn:
    """The audio of one rep turn while it is being heard, and its transcription so far.

    At each pause the turn is transcribed from ``tail`` (the end of the last committed part)
    to where the rep is: one job, the ``candidate``. If the rep goes on, the next pause makes a
    new candidate over the longer stretch, and the old one is skipped if it has not started.
    Whisper's time hardly depends on the length of a short clip (its encoder sees at least
    10 s), and a short stretch alone is often misheard (Mandarin above all), so a stretch is
    only committed, its text kept and the next one started after it, once it is
    ``commit_s`` long: the last job of a turn then covers the whole turn, or its last
    ``commit_s``-odd seconds, and it is the only one left to wait for at the end.
    """

    def __init__(
        self,
        transcribe: Callable[[FloatArray, str], Transcription | None] | None,
        pool: ThreadPoolExecutor,
        start_sample: int,
        commit_s: float = 3.0,
        language: str = "en",
    ):
        self.language = language
        self.transcribe = transcribe
        self.pool = pool
        self.commit = int(commit_s * SAMPLE_RATE)
        self.line: str | None = None
        """The page's id of the rep line this turn is (``voice_lines``), when it gave one."""
        self.pieces: list[FloatArray] = []
        self.length = 0
        self.start_sample = start_sample
        self.last_speech = 0  # samples into the turn
        self.parts: list[_Part] = []  # committed, in order
        self.candidate: _Part | None = None
        self.tail = 0  # where the audio not yet committed starts
        self.has_new_speech = False  # speech since the last job was started
        self.jobs = 0
        self.clock_s = start_sample / SAMPLE_RATE  # seconds since the call started

    def add(self, samples: FloatArray, speech: bool) -> None:
        self.pieces.append(samples)
        self.length += samples.size
        if speech:
            self.last_speech = self.length
            self.has_new_speech = True

    def audio(self) -> FloatArray:
        if not self.pieces:
            return np.zeros(0, dtype=np.float32)
        whole = np.concatenate(self.pieces) if len(self.pieces) > 1 else self.pieces[0]
        self.pieces = [whole]
        return whole

    def speculate(self) -> None:
        """Transcribe what is not committed yet, up to now, in the background."""
        if self.transcribe is None or not self.has_new_speech:
            return
        old = self.candidate
        if old is not None:
            if old.end - self.tail >= self.commit:
                old.keep = True  # the rep went on after a long stretch: keep its text
                self.parts.append(old)
                self.tail = old.end
            else:
                old.superseded = True
        end = self.length
        audio = self.audio()[self.tail : end].copy()
        part = _Part(self.tail, Future(), end)
        part.future = self.pool.submit(self._job, part, audio)
        self.candidate = part
        self.has_new_speech = False
        self.jobs += 1

    def _job(self, part: _Part, audio: FloatArray) -> Transcription | None:
        if part.superseded and not part.keep:
            return None
        assert self.transcribe is not None
        # The committed parts ran before this job in the same worker: their text is the
        # context the stretch follows (Whisper's prompt).
        return self.transcribe(audio, self.text_so_far(self.language, committed_only=True))

    def finished(self) -> list[_Part]:
        """The jobs whose texts make the turn: the committed parts, then the candidate."""
        return [*self.parts, *([self.candidate] if self.candidate is not None else [])]

    def started(self) -> bool:
        """Whether any of the turn has been sent to the recogniser."""
        return self.candidate is not None

    def known(self) -> bool:
        """Whether everything up to the last speech has been transcribed."""
        return not self.has_new_speech and all(p.future.done() for p in self.finished())

    def text_so_far(self, language: str, *, committed_only: bool = False) -> str:
        texts = []
        for part in self.parts if committed_only else self.finished():
            if part.future.done() and part.future.exception() is None:
                result = part.future.result()
                if result is not None and result.text.strip():
                    texts.append(result.text.strip())
        return ("" if language == "zh" else " ").join(texts)

    def close(self) -> None:
        if self.candidate is not None and not self.candidate.keep:
            self.candidate.superseded = True  # not wanted any more: skip it if it is queued


def merge_parts(parts: Sequence[tuple[int, Transcription]], duration: float) -> Transcription:
    """One transcription from parts that start ``offset`` samples into the turn.

    The parts are in order, each starting where the one before ends (``_Turn`` keeps them
    so, whatever the recogniser's pace: ``tests/services/test_voice_parts.py``), so no audio
    is heard into the text twice.
    """
    if not parts:
        raise NoSpeechError(
            "no speech heard: speak closer to the microphone, check it is not muted, and try again"
        )
    language = parts[0][1].language
    segments: list[Segment] = []
    for offset, result in parts:
        shift = offset / SAMPLE_RATE
        for seg in result.segments:
            words = tuple(
                replace(w, start=round(w.start + shift, 3), end=round(w.end + shift, 3))
                for w in seg.words
            )
            segments.append(
                replace(
                    seg,
                    start=round(seg.start + shift, 3),
                    end=round(seg.end + shift, 3),
                    words=words,
                )
            )
    joiner = "" if language == "zh" else " "
    text = joiner.join(r.text.strip() for _, r in parts if r.text.strip())
    return Transcription(
        text=text, language=language, segments=tuple(segments), duration=round(duration, 3)
    )


@dataclass
class _Heard:
    """A finished turn handed from the frame worker to the reply task."""

    turn: _Turn
    start_s: float
    end_s: float
    ending: str | None
    pause_s: float
    finished_at: float
    line: str | None = None


ZH_FIRST_MAX = 8
"""Characters (punctuation aside) of a Mandarin reply's first piece, at most, when cut.

Kokoro's time grows with what it is given (measured on the two-core machine, load 3-4:
0.4 s for "嗯，", 1.2 s for 4 characters, 2.1 s for 7, 4.0 s for 13), and a whole first
clause (13-20 characters is common in the personas' lines) kept the customer silent 2-3 s.
Eight characters are about 1.7 s of speech, during which the rest is made.
"""
ZH_FIRST_MIN = 3
EN_FIRST_MAX = 60
_CLAUSE_END = re.compile(r"[，,、；;：:…—]+")
_ZH_PARTICLES = frozenset("的了吗呢吧啊呀嘛哦")
_ZH_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def speech_pieces(text: str, language: str, *, first_max: int | None = None) -> list[str]:
    """What the synthesizer is asked for, in order: sentences, the first one cut short.

    The first piece decides when the customer starts to speak, so it is kept short: English
    (Piper is fast) cuts a first sentence longer than 60 characters at a comma; Mandarin cuts
    a first sentence longer than ``ZH_FIRST_MAX`` characters at its first clause that has at
    least ``ZH_FIRST_MIN``, and a first clause that is still too long at a word boundary
    (``zh_first_piece``). The rest of the reply is made while the first piece plays. Prefetch
    uses the same pieces, so the cache is hit.
    """
    pieces = split_sentences(text)
    if not pieces:
        return pieces
    first = pieces[0]
    if language == "zh":
        head = zh_first_piece(first, first_max or ZH_FIRST_MAX)
    else:
        head = _en_first_piece(first, first_max or EN_FIRST_MAX)
    if head is None:
        return pieces
    return [head, first[len(head) :].strip(), *pieces[1:]]


def _en_first_piece(sentence: str, limit: int) -> str | None:
    if len(sentence) <= limit:
        return None
    match = re.search(r"[,;:]", sentence[4:])
    if match is None:
        return None
    head = sentence[: 4 + match.end()].strip()
    return head if sentence[len(head) :].strip() else None


def _zh_length(text: str) -> int:
    return len(_ZH_CONTENT.findall(text))


def zh_first_piece(sentence: str, limit: int = ZH_FIRST_MAX) -> str | None:
    """Where a Mandarin first sentence is cut for speaking: the head, or None (not cut).

    A sentence of up to ``limit + 2`` characters is spoken whole. Otherwise the first clause
    of at least ``ZH_FIRST_MIN`` characters, if it has at most ``limit``; else the longest
    run of whole words (jieba, when loaded; else characters) of at most ``limit``, after any
    short opening clause ("嗯，"). The rest must keep at least two characters.
    """
    if _zh_length(sentence) <= limit + 2:
        return None
    cuts = [m.end() for m in _CLAUSE_END.finditer(sentence)]
    start = 0
    for cut in cuts:
        size = _zh_length(sentence[:cut])
        if size > limit + 2:
            break
        if size >= ZH_FIRST_MIN and _zh_length(sentence[cut:]) >= 2:
            return sentence[:cut].strip()
        start = cut
    # No short enough clause: whole words after the opening clause (if any), up to the limit,
    # and not just before a particle that ends the clause ("聊天|的，").
    words = _zh_words(sentence[start:])
    position, best = start, None
    for index, word in enumerate(words):
        position += len(word)
        size = _zh_length(sentence[:position])
        if size > limit:
            break
        following = words[index + 1 : index + 3]
        if word == "的" or (following and following[0] == "的"):
            continue  # "的" binds what is before it to what follows
        if (
            following
            and following[0] in _ZH_PARTICLES
            and (len(following) == 1 or not _zh_length(following[1]))
        ):
            continue
        if size >= ZH_FIRST_MIN and _zh_length(sentence[position:]) >= 2:
            best = position
    if best is None:
        return None
    return sentence[:best].strip()


def _zh_words(text: str) -> list[str]:
    """Words of ``text``: jieba's, when Kokoro has loaded it; else characters and Latin runs."""
    jieba = sys.modules.get("jieba")
    if jieba is not None and getattr(getattr(jieba, "dt", None), "initialized", False):
        try:
            return list(jieba.lcut(text))
        except Exception:  # a cut a little off is better than no cut
            log.debug("jieba could not cut %r", text, exc_info=True)
    return re.findall(r"[A-Za-z0-9.%]+|.", text)


OPENING_ANSWERS = ("greeting", "self_intro")
"""What a customer answers a rep's first words from."""
BANK_ORDER = (
    "needs_question",
    "pitch",
    "objections",
    "price",
    "proof",
    "objection_answer",
    "next_step",
    "agree",
    "unknown",
    "small_talk",
    "off_topic",
    "rude",
    "hang_up",
)


def prefetch_order(
    likely: Sequence[str], bank: dict[str, list[str]], language: str, *, opening: bool
) -> list[str]:
    """The pieces to synthesise ahead, in order, each once.

    Only a line's first piece decides when the customer starts to speak (the rest is made
    while it plays), so first pieces come first: of the likely lines (the practice service's
    order), then of the persona's whole bank (the answers to a greeting first while the rep
    has not spoken yet, then by how often a move comes up), then the likely lines' rest.
    """
    moves = [*OPENING_ANSWERS, *BANK_ORDER] if opening else [*BANK_ORDER, *OPENING_ANSWERS]
    others = [line for move in moves for line in bank.get(move, [])]
    others += [line for move, lines in bank.items() if move not in moves for line in lines]
    firsts: list[str] = []
    rest: list[str] = []
    for line in likely:
        pieces = speech_pieces(line, language)
        firsts += pieces[:1]
        rest += pieces[1:]
    for line in others:
        firsts += speech_pieces(line, language)[:1]
    return list(dict.fromkeys(piece for piece in [*firsts, *rest] if piece.strip()))


# -- the call -----------------------------------------------------------------------------------


@dataclass
class _Failed:
    """An exception raised in a worker thread, on its way to the event loop."""

    error: BaseException


class VoiceCall:
    """The voice channel of one practice session, for one connection."""

    def __init__(
        self,
        practice: Any,
        session_id: str,
        *,
        actor: str,
        settings: Settings,
        transcriber: Transcriber,
        synthesizer: Any,
        hands_free: bool = True,
        wiring: Wiring = "live",
        greet: bool = True,
        detector: SpeechDetector | None = None,
        endpointing: Endpointing | None = None,
        revise: bool = True,
    ):
        if wiring not in ("live", "naive"):
            raise ValueError(f"unknown wiring {wiring!r}; use live or naive")
        self.practice = practice
        self.session_id = session_id
        self.actor = actor
        self.settings = settings
        self.transcriber = transcriber
        self.synthesizer = synthesizer
        self.hands_free = hands_free
        self.wiring = wiring
        self.greet = greet
        self.detector = detector or default_detector()
        self.endpointing = endpointing or Endpointing()
        self.revise_enabled = revise
        self.language = "en"
        self.profile: Any = None
        self.revisions: list[Future[Any]] = []
        """The background second passes started so far (tests wait on them)."""
        self.revisions_shed = 0
        """Second passes not made because the process had more calls than cores."""
        self._events: asyncio.Queue[Event | None] = asyncio.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._frames = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice-frames")
        self._stt = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice-stt")
        self._replying = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._buffer = np.zeros(0, dtype=np.float32)
        self._received = 0  # samples of the stream so far
        self._skipped = 0  # samples fed while muted or with the button up
        self._clock_offset_s = 0.0  # the call's age when this connection opened
        self._gap_s = 0.0  # time the page sent nothing (push-to-talk, muted)
        self._last_feed: tuple[float, float] | None = None  # (when, seconds of audio)
        self._recent: deque[FloatArray] = deque(maxlen=max(1, round(PRE_ROLL_S / WINDOW_S)))
        self._run = 0  # consecutive speech windows before a turn starts
        self._in_speech = False
        self._turn: _Turn | None = None
        self._ignore_until_pause = False
        self._quiet = 0  # windows since the last speech window
        self._ptt_down = False
        self._muted = False
        self._reply_ids = itertools.count(1)
        self._cancelled: set[int] = set()
        self._speaking_reply: int | None = None
        self._closed = False
        self._prefetch_queue: list[str] = []
        self._prefetched: set[str] = set()
        self._prefetcher: asyncio.Future[None] | None = None
        self._bank: dict[str, list[str]] = {}
        self._revise_queue: list[tuple[Callable[[], None], Future[Any]]] = []
        self._reviser: asyncio.Future[None] | None = None
        self._prefetching = False
        self._draining = False
        self.ended = False
        self._first_piece: dict[str, Any] = {}
        self._line_id: str | None = None  # the page's id for the next rep line (or this one)
        self._answered: dict[str, StoredReply] = {}  # this session's lines already stored
        self.replayed = 0
        """Lines sent again (same id) and answered from what was stored, nothing new stored."""
        self.marks: list[dict[str, Any]] = []
        """Per turn: audio end of speech and wall-clock moments (benchmarks read them)."""

    # -- the transport's side ---------------------------------------------------------------

    async def start(self) -> None:
        """Check the session, say hello, speak the opening line (if asked), prefetch replies.

        Raises ``PermissionDenied``, ``NotFoundError`` or ``SessionEndedError`` for a
        session the actor may not continue; the transport closes the connection then.
        """
        self._loop = asyncio.get_running_loop()
        CALLS.add(self)
        profile = await run_live(
            self.practice.voice_profile, self.session_id, actor=self.actor
        )
        self.profile = profile
        self.language = "zh" if profile.language == "zh" else "en"
        view = await run_live(self._view)
        self._clock_offset_s = _call_age_s(view)
        # The lines stored before this connection (an earlier one, or another process):
        # a line the page sends again after a reconnect is answered from them.
        self._answered = stored_replies(view)
        await self._put(
            {
                "type": "ready",
                "session_id": self.session_id,
                "language": self.language,
                "sample_rate": SAMPLE_RATE,
                "hands_free": self.hands_free,
                "wiring": self.wiring,
                "status": profile.status,
            }
        )
        if profile.status != "active":
            self.ended = True
            await self._put({"type": "ended", "ended_by": None})
            await self._put(None)
            return
        await self._put({"type": "state", "state": "listening"})
        if self.greet and profile.opening:
            await self._put({"type": "customer", "text": profile.opening, "opening": True})
            self._spawn(self._speak_reply(profile.opening, turn=None))
        if self.wiring == "live":
            self._bank = await run_live(self._persona_bank, view)
        self._prefetch(profile)

    async def feed(self, pcm16: bytes) -> None:
        """The next piece of 16 kHz mono little-endian int16 PCM from the microphone."""
        if self._closed or self.ended:
            return
        if len(pcm16) % 2:
            pcm16 = pcm16[:-1]
        samples = np.frombuffer(pcm16, dtype="<i2").astype(np.float32) / 32768.0
        now = time.monotonic()
        if self._last_feed is not None:
            # The page sends nothing while muted or with the button up: that time still passes.
            gap = now - self._last_feed[0] - self._last_feed[1]
            if gap > FEED_GAP_S:
                self._gap_s += gap
        self._last_feed = (now, samples.size / SAMPLE_RATE)
        heard = await asyncio.get_running_loop().run_in_executor(
            self._frames, self._ingest, samples
        )
        for item in heard:
            await self._handle(item)

    async def control(self, message: dict[str, Any]) -> None:
        """A JSON message from the page: ``ptt``, ``mute``, ``line``, ``barge_in`` or ``end``."""
        kind = message.get("type")
        loop = asyncio.get_running_loop()
        if kind == "ptt":
            heard = await loop.run_in_executor(self._frames, self._ptt, bool(message.get("down")))
            for item in heard:
                await self._handle(item)
        elif kind == "mute":
            heard = await loop.run_in_executor(self._frames, self._mute, bool(message.get("muted")))
            for item in heard:
                await self._handle(item)
        elif kind == "line":
            line = line_id(message.get("id"))
            if line is None:
                await self._error("server_error", "a line id is 1-64 letters, digits, _ . : -")
                return
            # In the frame worker, so it falls between the frames sent before and after it.
            await loop.run_in_executor(self._frames, self._set_line, line)
        elif kind == "barge_in":
            if self._speaking_reply is not None:
                self._cancelled.add(self._speaking_reply)
        elif kind == "end":
            await self._end_call()
        else:
            await self._error("server_error", f"unknown message type {kind!r}")

    async def events(self) -> AsyncIterator[Event]:
        """What to send to the page, in order, until the call is over."""
        while True:
            event = await self._events.get()
            if event is None:
                return
            yield event

    async def close(self) -> None:
        """The connection is gone: stop listening (stored turns are already safe)."""
        self._closed = True
        CALLS.discard(self)
        if self._prefetcher is not None:
            await asyncio.gather(self._prefetcher, return_exceptions=True)
        for task in list(self._tasks):
            if not task.done():
                await asyncio.wait({task})
        turn = self._turn
        self._turn = None
        if turn is not None:
            self._frames.submit(turn.close)
        self._frames.shutdown(wait=False)
        self._stt.shutdown(wait=False)
        await self._put(None)

    async def idle(self) -> None:
        """Wait until every reply is sent and the likely lines are made (tests, benchmarks)."""
        while any(not t.done() for t in self._tasks) or (
            self._prefetcher is not None and not self._prefetcher.done()
        ):
            waiting: set[asyncio.Future[Any]] = {t for t in self._tasks if not t.done()}
            if self._prefetcher is not None and not self._prefetcher.done():
                waiting.add(self._prefetcher)
            await asyncio.wait(waiting)

    # -- frames (in the call's frame worker) ------------------------------------------------

    def _ingest(self, samples: FloatArray) -> list[Any]:
        out: list[Any] = []
        if self._muted or (not self.hands_free and not self._ptt_down):
            self._skipped += samples.size
            return out
        self._buffer = np.concatenate([self._buffer, samples]) if self._buffer.size else samples
        whole = self._buffer.size // WINDOW
        for index in range(whole):
            window = self._buffer[index * WINDOW : (index + 1) * WINDOW]
            self._received += WINDOW
            out += self._window(window)
        self._buffer = self._buffer[whole * WINDOW :].copy()
        return out

    def _window(self, window: FloatArray) -> list[Any]:
        probability = self.detector(window)
        # Hysteresis as in Silero's own segmenter: speech starts above 0.5, ends below 0.35.
        speech = probability >= (0.35 if self._in_speech else 0.5)
        self._in_speech = speech
        self._quiet = 0 if speech else self._quiet + 1
        out: list[Any] = []
        if self._ignore_until_pause:
            if self._quiet * WINDOW_S >= self.endpointing.longest[self.language]:
                self._ignore_until_pause = False
            return out
        turn = self._turn
        if turn is None:
            self._recent.append(window)
            self._run = self._run + 1 if speech else 0
            if self._run < ONSET_WINDOWS and self.hands_free:
                return out
            turn = self._new_turn()
            for piece in self._recent:
                turn.add(piece, speech=False)
            if speech:
                turn.last_speech = turn.length
            # Push-to-talk: the held button makes the turn; the recogniser decides if it is speech.
            turn.has_new_speech = speech or not self.hands_free
            self._recent.clear()
            self._turn = turn
            out.append({"type": "state", "state": "hearing"})
            return out
        turn.add(window, speech)
        if turn.length > self.settings.max_audio_s * SAMPLE_RATE:
            self._turn = None
            turn.close()
            self._ignore_until_pause = True
            out.append(
                AudioTooLongError(
                    f"that turn lasted more than {self.settings.max_audio_s} s "
                    "(COACH_MAX_AUDIO_S): pause now and then, and say it in shorter turns"
                )
            )
            return out
        if not self.hands_free:
            return out
        pause = self._quiet * WINDOW_S
        if self.wiring == "naive":
            if pause >= NAIVE_PAUSE_S and turn.last_speech > 0:
                out.append(self._hand_over(turn, None, pause))
            return out
        if pause >= self.endpointing.speculate_s:
            turn.speculate()
        ending = (
            classify_ending(turn.text_so_far(self.language), self.language)
            if (turn.known() and turn.started())
            else None
        )
        if ending is not None and getattr(self.profile, "mode", "") in MONOLOGUE_MODES:
            # Reading or reciting a pitch: a question inside it is not the end of the turn.
            ending = "open"
        if pause >= self.endpointing.pause_for(ending, self.language):
            out.append(self._hand_over(turn, ending, pause))
        return out

    def _new_turn(self) -> _Turn:
        start = self._received - WINDOW * (len(self._recent))
        transcribe = self._transcribe_stretch if self.wiring == "live" else None
        code = "zh" if self.language == "zh" else "en"
        turn = _Turn(
            transcribe, self._stt, max(0, start), self.endpointing.commit_s[code], self.language
        )
        turn.clock_s = self._clock_s(max(0, start))
        # The line id the page sent ahead of this turn is this turn's; the next needs another.
        turn.line, self._line_id = self._line_id, None
        return turn

    def _set_line(self, line: str) -> None:
        """The page's id for its next rep line, or for the one being heard if it has none.

        The page sends a new id as soon as a turn starts (``hearing``); if the rep had
        already started the next line, that turn is the one the id names.
        """
        turn = self._turn
        if turn is not None and turn.line is None:
            turn.line = line
        else:
            self._line_id = line

    def _transcribe_stretch(self, audio: FloatArray, before: str = "") -> Transcription | None:
        """One stretch of a turn, greedy and without word times (only its text is used).

        ``before``: the text of the turn before this stretch, given to Whisper as its prompt
        (a stretch after a committed one is short: the words before it help). No hotwords
        here: on a short Mandarin stretch they made Whisper invent text for 3-4 s instead of
        0.3 s; the second pass, over the whole turn, has them.
        """
        parameters = _parameters(self.transcriber.transcribe)
        options: dict[str, Any] = {"language": self.language}
        if before and "initial_prompt" in parameters:
            options["initial_prompt"] = before[-PROMPT_CHARS:]
        if "word_timestamps" in parameters:
            options["word_timestamps"] = False
        if "retry_suspect" in parameters:
            # Redone the standard way, one unsure stretch took 10 s and held up the turn;
            # the next pause hears it again with more around it (and the end, see _transcript).
            options["retry_suspect"] = False
        try:
            return self.transcriber.transcribe(audio, **options)
        except NoSpeechError:
            return None

    def _clock_s(self, sample: int) -> float:
        """Seconds since the call started at ``sample`` of this connection's stream."""
        return self._clock_offset_s + self._gap_s + (sample + self._skipped) / SAMPLE_RATE

    def _view(self) -> Any:
        """The session as the practice service shows it (None when it cannot say)."""
        view = getattr(self.practice, "view", None)
        if view is None:
            return None
        try:
            return view(self.session_id, actor=self.actor)
        except Exception:  # what it is used for is a nicety: a call must never fail for it
            log.warning("could not read session %s", self.session_id, exc_info=True)
            return None

    def _persona_bank(self, view: Any) -> dict[str, list[str]]:
        """Every line the session's built-in customer may say, filled in, by the rep's move.

        The likely lines the practice service names are the next few; the customer answers
        from the persona's whole bank (a greeting is answered from ``greeting`` and
        ``self_intro``, which are seldom among them). Prefetched after the likely ones, the
        bank's first pieces make most answers start at once, and stay in the speech cache
        for the persona's next call. Empty for an LLM customer or a mode without persona.
        """
        if view is None or getattr(view, "mode", None) != "freeform":
            return {}
        persona_card = getattr(view, "persona", None) or {}
        if getattr(view, "engine", "builtin") == "llm" or not persona_card.get("id"):
            return {}
        runtime = getattr(self.practice, "runtime", None)
        if runtime is None:
            return {}
        try:
            from coach.personas.engine import spoken_lines
            from coach.store.repositories import content as content_repo

            with runtime.transaction() as session:
                persona = content_repo.get_persona(session=session, persona_id=persona_card["id"])
                scenario = content_repo.get_scenario(session=session, scenario_id=view.scenario_id)
        except Exception:
            log.warning("could not read the persona of %s", self.session_id, exc_info=True)
            return {}
        return spoken_lines(persona, scenario)

    def _hand_over(self, turn: _Turn, ending: str | None, pause: float) -> _Heard:
        self._turn = None
        self._run = 0
        self._recent.clear()
        start_s = turn.clock_s
        return _Heard(
            turn=turn,
            start_s=round(start_s, 3),
            end_s=round(start_s + turn.last_speech / SAMPLE_RATE, 3),
            ending=ending,
            pause_s=round(pause, 3),
            finished_at=time.perf_counter(),
            line=turn.line,
        )

    def _ptt(self, down: bool) -> list[Any]:
        if down:
            self._ptt_down = True
            return []
        self._ptt_down = False
        turn = self._turn
        if turn is None:
            return [NoSpeechError("no speech heard while the button was held: hold it and speak")]
        turn.speculate()
        return [self._hand_over(turn, None, 0.0)]

    def _mute(self, muted: bool) -> list[Any]:
        self._muted = muted
        turn = self._turn
        if not muted or turn is None:
            return []
        if turn.last_speech == 0:
            self._turn = None
            turn.close()
            return []
        turn.speculate()
        return [self._hand_over(turn, None, self._quiet * WINDOW_S)]

    # -- turns and replies (on the event loop, models in threads) ---------------------------

    async def _handle(self, item: Any) -> None:
        if isinstance(item, dict):
            await self._put(item)
        elif isinstance(item, _Heard):
            self._spawn(self._reply_to(item))
        elif isinstance(item, AudioTooLongError):
            await self._error("too_long", str(item))
            await self._put({"type": "state", "state": "listening"})
        elif isinstance(item, NoSpeechError):
            await self._error("no_speech", str(item))
            await self._put({"type": "state", "state": "listening"})

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _reply_to(self, heard: _Heard) -> None:
        async with self._replying:
            if self.ended:
                heard.turn.close()
                return
            await self._put({"type": "state", "state": "thinking"})
            line = heard.line
            if line is None:
                await self._answer(heard)
                return
            # A line with an id is stored at most once (``voice_lines``): already stored (by
            # an earlier connection, or before a restart), or being stored by a connection of
            # this process that is closing, it is answered with what was stored for it.
            known = self._answered.get(line)
            future: asyncio.Future[StoredReply | None] | None = None
            while known is None:
                owner, future = LINES.claim(self.session_id, line)
                if owner:
                    break
                known = await future  # None: it failed there; claim it again, answer it here
            if known is not None:
                heard.turn.close()
                await self._replay(known)
                return
            assert future is not None
            claimed = future

            def stored(reply: StoredReply) -> None:
                self._answered[line] = reply
                LINES.settle(self.session_id, line, claimed, reply)

            try:
                await self._answer(heard, line=line, on_stored=stored)
            finally:
                if not claimed.done():
                    # Not stored (no speech, a failure): it may be sent and answered again.
                    LINES.settle(self.session_id, line, claimed, None)

    async def _replay(self, known: StoredReply) -> None:
        """Answer a line sent again with the turns stored for it; nothing new is stored."""
        self.replayed += 1
        await self._put(known.heard_event())
        if known.customer:
            await self._put(known.customer_event())
            await self._speak_reply(known.customer, turn=known.rep_turn)
        else:
            await self._put({"type": "reply_done", "reply": None, "turn": known.rep_turn})
        if known.ended_by:
            self.ended = True
            await self._put({"type": "ended", "ended_by": known.ended_by})
            await self._put({"type": "state", "state": "ended"})
            return
        await self._put({"type": "state", "state": "listening"})

    async def _answer(
        self,
        heard: _Heard,
        *,
        line: str | None = None,
        on_stored: Callable[[StoredReply], None] | None = None,
    ) -> None:
        """Transcribe the turn, store it, speak the customer's answer (``_replying`` held)."""
        try:
            transcript, audio = await run_live(self._transcript, heard.turn)
        except NoSpeechError as exc:
            await self._error("no_speech", str(exc), line=line)
            await self._put({"type": "state", "state": "listening"})
            return
        except Exception as exc:
            log.exception("live transcription failed in session %s", self.session_id)
            await self._error("stt_failed", f"the speech recogniser failed: {exc}", line=line)
            await self._put({"type": "state", "state": "listening"})
            return
        heard_at = time.perf_counter()
        path = await run_live(self._keep_audio, audio)
        meta: dict[str, Any] = {
            "source": "voice",
            "wiring": self.wiring,
            "heard_fast": transcript.text,
            "end_of_turn": heard.ending or "pause",
            "pause_s": heard.pause_s,
            "parts": len(heard.turn.finished()),
            "jobs": heard.turn.jobs,
        }
        if line is not None:
            meta[LINE_KEY] = line
        try:
            result = await run_live(
                self.practice.take_turn,
                self.session_id,
                actor=self.actor,
                text=transcript.text,
                audio_path_to_keep=str(path) if path is not None else None,
                start=heard.start_s,
                end=heard.end_s,
                meta=meta,
            )
        except Exception as exc:
            await self._refused(exc, line=line)
            return
        answered_at = time.perf_counter()
        if line is not None and on_stored is not None:
            on_stored(StoredReply.of_result(line, result))
        said: dict[str, Any] = {"type": "heard", "text": result.rep_text, "turn": result.turn_index}
        if line is not None:
            said["line"] = line
        await self._put(said)
        customer: dict[str, Any] = {"type": "customer", "text": result.customer or ""}
        for key in ("notice", "hint", "prompt", "marks", "ended_by"):
            value = getattr(result, key, None)
            if value:
                customer[key] = value
        if result.turn_index is not None and result.customer:
            customer["turn"] = result.turn_index + 1
        await self._put(customer)
        mark = {
            "speech_end_audio_s": heard.end_s,
            "decided_pause_s": heard.pause_s,
            "transcribed_s": round(heard_at - heard.finished_at, 3),
            "answered_s": round(answered_at - heard.finished_at, 3),
        }
        self.marks.append(mark)
        if result.customer:
            first = await self._speak_reply(result.customer, turn=result.turn_index)
            if first is not None:
                # From the end of speech: the pause waited for, then the work after it.
                mark["first_audio_s"] = round(first - heard.finished_at, 3)
                mark["latency_s"] = round(heard.pause_s + first - heard.finished_at, 3)
                mark.update(self._first_piece)
        else:
            await self._put({"type": "reply_done", "reply": None, "turn": result.turn_index})
        await self._put({"type": "timing", "turn": result.turn_index, **mark})
        if self.revise_enabled and self.wiring == "live" and result.turn_index is not None:
            self._revise(audio, transcript.text, result.turn_index)
        if result.ended_by:
            self.ended = True
            await self._put({"type": "ended", "ended_by": result.ended_by})
            await self._put({"type": "state", "state": "ended"})
            return
        self._prefetch_next()
        await self._put({"type": "state", "state": "listening"})

    def _transcript(self, turn: _Turn) -> tuple[Transcription, FloatArray]:
        audio = turn.audio()
        if self.wiring == "naive":
            return self.transcriber.transcribe(audio, language=self.language), audio
        turn.speculate()
        parts: list[tuple[int, Transcription]] = []
        for part in turn.finished():
            result = part.future.result()
            if result is not None and result.text.strip():
                parts.append((part.offset, result))
        turn.close()
        if not parts and turn.last_speech >= SPEECH_FOR_A_SECOND_LOOK_S * SAMPLE_RATE:
            # Seconds of speech and nothing sure heard: the whole turn, the slow careful way,
            # rather than lose it.
            return self.transcriber.transcribe(audio, language=self.language), audio
        return merge_parts(parts, turn.length / SAMPLE_RATE), audio

    def _hotwords(self) -> tuple[str, ...]:
        # Whisper's prompt and its answer share 448 tokens: a Mandarin scenario's dozen long
        # terms left no room to decode ("maximum decoding length must be > 0"). Short ones only.
        words = [w for w in getattr(self.profile, "hotwords", None) or () if len(w) <= 20]
        return tuple(words[:6])

    def _keep_audio(self, audio: FloatArray) -> Path | None:
        folder = self.settings.data_dir / "audio" / self.session_id
        name = f"voice-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.wav"
        try:
            return write_wav(folder / name, audio, SAMPLE_RATE)
        except OSError:
            # A full disk must not cost the rep the turn: the text is stored without audio.
            log.warning("could not keep the audio of a turn of %s", self.session_id, exc_info=True)
            return None

    async def _speak_reply(self, text: str, *, turn: int | None) -> float | None:
        """Send the reply's audio piece by piece; return when the first piece was sent."""
        reply = next(self._reply_ids)
        self._speaking_reply = reply
        voice = getattr(self.profile, "persona_voice", None)
        first: float | None = None
        try:
            began = time.perf_counter()
            if self.wiring == "naive":
                samples, rate = await run_live(self._synthesize_whole, text, voice)
                await self._put(CustomerAudio(reply, 0, text, samples, rate))
                first = time.perf_counter()
                self._first_piece = {"synth_first_s": round(first - began, 3), "first_piece": text}
            else:
                seq = 0
                for piece in speech_pieces(text, self.language):
                    if reply in self._cancelled or self._closed:
                        break
                    cached = self._is_cached(piece, voice) if seq == 0 else None
                    # Each chunk goes out as soon as it is made: Kokoro cuts a long first
                    # sentence at its first clause, which only helps if that clause is sent
                    # before the rest of the piece is synthesised.
                    async for chunk in self._chunks(piece, voice):
                        if reply in self._cancelled or self._closed:
                            break
                        if seq == 0:
                            self._first_piece = {
                                "synth_first_s": round(time.perf_counter() - began, 3),
                                "first_piece": chunk.text,
                                "first_cached": cached,
                            }
                        await self._put(
                            CustomerAudio(reply, seq, chunk.text, chunk.samples, chunk.sample_rate)
                        )
                        first = first or time.perf_counter()
                        seq += 1
        except Exception as exc:
            log.exception("speech synthesis failed in session %s", self.session_id)
            await self._error(
                "tts_failed",
                f"the customer's voice failed ({exc}); the reply is shown as text",
            )
        finally:
            self._speaking_reply = None
        await self._put(
            {
                "type": "reply_done",
                "reply": reply,
                "turn": turn,
                "cancelled": reply in self._cancelled,
            }
        )
        return first

    def _is_cached(self, piece: str, voice: Any) -> bool | None:
        cached = getattr(self.synthesizer, "cached", None)
        if cached is None:
            return None
        try:
            return bool(cached(piece, language=self.language, persona_voice=voice))
        except Exception:
            return None

    async def _chunks(self, text: str, voice: Any) -> AsyncIterator[Any]:
        """The chunks of ``text`` as the synthesizer makes them (it runs in a worker thread)."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        done = object()

        def hand(item: Any) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the loop is gone: nobody is listening any more
                pass

        def work() -> None:
            try:
                for chunk in self._synthesize_iter(text, voice):
                    hand(chunk)
            except BaseException as exc:  # handed to the reader, who raises it
                hand(_Failed(exc))
            finally:
                hand(done)

        worker = loop.run_in_executor(live_pool(), work)
        while True:
            item = await queue.get()
            if item is done:
                break
            if isinstance(item, _Failed):
                raise item.error
            yield item
        await worker

    def _synthesize_iter(self, text: str, voice: Any) -> Iterator[Any]:
        if hasattr(self.synthesizer, "speak_as"):
            return iter(
                self.synthesizer.speak_as(text, language=self.language, persona_voice=voice)
            )
        return iter(self.synthesizer.synthesize(text, language=self.language))

    def _synthesize(self, text: str, voice: Any) -> list[Any]:
        if hasattr(self.synthesizer, "speak_as"):
            return list(
                self.synthesizer.speak_as(text, language=self.language, persona_voice=voice)
            )
        return list(self.synthesizer.synthesize(text, language=self.language))

    def _synthesize_whole(self, text: str, voice: Any) -> tuple[FloatArray, int]:
        from coach.services.speech import join_chunks

        engine: Any = self.synthesizer
        if hasattr(engine, "engine") and hasattr(engine, "choose"):
            # The baseline gets no cache: the router's engine itself, every sentence made anew.
            engine = engine.engine(
                engine.choose(language=self.language, engine=getattr(voice, "engine", None))
            )
        chunks = list(engine.synthesize(text, language=self.language))
        joined = join_chunks(chunks)
        return joined.samples, joined.sample_rate

    def _revise(self, audio: FloatArray, fast_text: str, turn_index: int) -> None:
        """Queue the second pass over a turn; it runs when the call is quiet (``_revise_loop``)."""
        parameters = _parameters(self.transcriber.transcribe)
        if "beam_size" not in parameters:
            return
        if CALLS.crowded():
            # More calls than cores: the fast text stays the record rather than take CPU
            # from the calls in progress.
            self.revisions_shed += 1
            return
        loop = self._loop
        engine: Any = self.transcriber
        options: dict[str, Any] = {"hotwords": self._hotwords(), "beam_size": 5}
        if "retry_suspect" in parameters:
            options["retry_suspect"] = False
        if "word_timestamps" in parameters:
            options["word_timestamps"] = False  # only the text is stored

        def work() -> None:
            try:
                better = engine.transcribe(audio, language=self.language, **options)
            except NoSpeechError:
                return
            except Exception:
                log.warning("the second transcription pass failed", exc_info=True)
                return
            text = better.text.strip()
            if not text or text == fast_text.strip():
                return
            try:
                self.practice.revise_rep_turn(
                    self.session_id,
                    actor=self.actor,
                    turn_index=turn_index,
                    text=text,
                    meta={"heard_fast": fast_text, "revised_by": "beam5"},
                )
            except Exception:
                log.warning("could not store the revised transcript", exc_info=True)
                return
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(self._line_revised, turn_index, text)
            if loop is not None and not self._closed:
                event = {"type": "revised", "text": text, "turn": turn_index}
                loop.call_soon_threadsafe(self._events.put_nowait, event)

        future: Future[Any] = Future()
        self.revisions.append(future)
        self._revise_queue.append((work, future))
        if self._reviser is None or self._reviser.done():
            self._reviser = asyncio.ensure_future(self._revise_loop())

    def _line_revised(self, turn_index: int, text: str) -> None:
        """A line sent again after its second pass is answered with the revised text."""
        for line, reply in list(self._answered.items()):
            if reply.rep_turn == turn_index:
                self._answered[line] = replace(reply, rep_text=text)

    def _quiet_now(self) -> bool:
        """Nobody is talking and no reply is being made: background work may run."""
        return self._turn is None and not self._replying.locked() and not self._speaking_reply

    def is_open(self) -> bool:
        """The connection is open and its event loop still runs (``voice_work.Calls``)."""
        loop = self._loop
        return not self._closed and loop is not None and not loop.is_closed()

    def is_live(self) -> bool:
        """A rep is talking or a reply is being made (``voice_work.Calls``)."""
        return not self._quiet_now()

    def _background_may_run(self) -> bool:
        """Whether every call of the process, this one too, is quiet (``voice_work``)."""
        return self._quiet_now() and CALLS.quiet()

    async def _revise_loop(self) -> None:
        """Run the queued second passes one by one, each only while the call is quiet.

        Quiet: nobody speaking, no reply being made, and nothing left to synthesise ahead
        (that is for the next answer; these are for the record). They share Whisper's lock
        with the turn being heard, and one takes 0.5-6 s on a Mandarin turn, so one started
        as the rep begins to speak delays that turn's text; one that has not started waits.
        Ending the call runs the rest before scoring; after a closed connection they still
        run, for the record.
        """
        while self._revise_queue:
            busy = not self._background_may_run() or self._prefetch_queue or self._prefetching
            if not (self._closed or self.ended or self._draining) and busy:
                await asyncio.sleep(BACKGROUND_POLL_S)
                continue
            work, future = self._revise_queue.pop(0)
            try:
                await run_record(work)
            finally:
                future.set_result(None)

    def _prefetch(self, profile: Any) -> None:
        """Queue what to synthesise ahead, most useful first (``prefetch_order``).

        They are made one at a time, only while the rep is silent and no reply is being
        made: a Mandarin persona's lines take Kokoro seconds of CPU each, which would
        otherwise slow the recogniser down while the rep talks.
        """
        if self.wiring != "live":
            return
        pieces = prefetch_order(
            list(getattr(profile, "likely_replies", None) or []),
            self._bank,
            self.language,
            opening=not self.marks,
        )
        self._prefetch_queue = [p for p in pieces if p not in self._prefetched]
        if self._prefetch_queue and (self._prefetcher is None or self._prefetcher.done()):
            self._prefetcher = asyncio.ensure_future(self._prefetch_loop())

    async def _prefetch_loop(self) -> None:
        voice = getattr(self.profile, "persona_voice", None)
        while self._prefetch_queue and not self._closed and not self.ended:
            if not self._background_may_run():
                await asyncio.sleep(BACKGROUND_POLL_S)
                continue
            piece = self._prefetch_queue.pop(0)
            self._prefetched.add(piece)
            self._prefetching = True
            try:
                if hasattr(self.synthesizer, "speak_as"):
                    await run_ahead(self._synthesize, piece, voice)
                else:
                    self.synthesizer.prefetch([piece], language=self.language)
            except Exception:  # an optimisation: the line is made again, loudly, if it is said
                log.warning("could not prefetch %r", piece, exc_info=True)
            finally:
                self._prefetching = False

    def _prefetch_next(self) -> None:
        if self.wiring != "live":
            return

        async def later() -> None:
            try:
                profile = await run_live(
                    self.practice.voice_profile, self.session_id, actor=self.actor
                )
            except CoachError:
                return
            self.profile = profile
            self._prefetch(profile)

        self._spawn(later())

    async def _end_call(self) -> None:
        async with self._replying:
            if self.ended:
                return
            # The scorecard reads the stored text: let the second passes in waiting finish.
            self._draining = True
            pending = [asyncio.wrap_future(f) for f in self.revisions if not f.done()]
            if pending:
                await asyncio.wait(pending, timeout=DRAIN_REVISIONS_S)
            try:
                result = await run_live(
                    self.practice.end, self.session_id, actor=self.actor, ended_by="rep"
                )
            except Exception as exc:
                await self._refused(exc)
                return
            self.ended = True
            event: dict[str, Any] = {"type": "ended", "ended_by": "rep"}
            if isinstance(result, dict) and "score" in result:
                event["score"] = result["score"]
            await self._put(event)
            await self._put({"type": "state", "state": "ended"})

    async def _refused(self, exc: BaseException, *, line: str | None = None) -> None:
        from coach.services.practice import SessionEndedError

        if isinstance(exc, SessionEndedError):
            self.ended = True
            await self._error("session_ended", str(exc), line=line)
            await self._put({"type": "ended", "ended_by": None})
        elif isinstance(exc, PermissionDenied | NotFoundError):
            await self._error("forbidden", str(exc), line=line)
        elif isinstance(exc, SpeechError | CoachError):
            await self._error("server_error", str(exc), line=line)
        else:
            log.error("a voice turn failed", exc_info=exc)
            await self._error("server_error", f"the turn could not be processed: {exc}", line=line)
        if not self.ended:
            await self._put({"type": "state", "state": "listening"})

    async def _error(self, code: str, message: str, *, line: str | None = None) -> None:
        event: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if line is not None:
            event["line"] = line  # the page's line that was not stored
        await self._put(event)

    async def _put(self, event: Event | None) -> None:
        await self._events.put(event)


def _call_age_s(view: Any) -> float:
    """How long ago the call started (its session's ``started_at``); 0 when unknown.

    Turn times count from there, so they go on where they were after a reconnect instead of
    starting again from the new connection.
    """
    started = getattr(view, "started_at", None)
    if not isinstance(started, datetime):
        return 0.0
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return max(0.0, round((datetime.now(UTC) - started).total_seconds(), 3))


def _parameters(function: Any) -> Sequence[str]:
    try:
        return list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return []
