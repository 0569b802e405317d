"""Transcribe a turn while the rep is still speaking.

Audio arrives in small pieces (a browser microphone sends one every 100-500 ms). Whenever the
rep pauses after a phrase, that phrase is transcribed in the background; when the rep stops,
only the last phrase is left to transcribe, so the customer can answer sooner. The CPU is
idle while the rep talks, so the background work costs the turn nothing.

Works with any ``Transcriber``; pauses are found by loudness, no model needed.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

import numpy as np

from coach.backends.ports import FloatArray, Segment, Transcriber, Transcription
from coach.speech.audio import SAMPLE_RATE
from coach.speech.errors import NoSpeechError

FRAME_S = 0.02
SILENCE_FLOOR = 0.004
"""Frames quieter than this (RMS) are a pause even in a very quiet recording."""
SILENCE_SHARE = 0.08
"""...and so are frames quieter than this share of the loudest frame so far."""


class LiveTranscription:
    """One turn being transcribed as it is spoken: ``feed`` pieces, then ``finish``."""

    def __init__(
        self,
        transcriber: Transcriber,
        *,
        language: str | None = None,
        hotwords: Sequence[str] = (),
        sample_rate: int = SAMPLE_RATE,
        min_phrase_s: float = 2.0,
        min_pause_s: float = 0.25,
    ):
        self.transcriber = transcriber
        self.language = language
        self.hotwords = tuple(hotwords)
        self.rate = sample_rate
        self.min_phrase = int(min_phrase_s * sample_rate)
        self.min_pause_frames = max(1, round(min_pause_s / FRAME_S))
        self._frame = int(FRAME_S * sample_rate)
        self._audio: list[FloatArray] = []
        self._length = 0
        self._committed = 0
        self._peak = 0.0
        self._rms: list[float] = []
        self._done: list[tuple[int, Transcription]] = []
        self._pending: Future[tuple[int, Transcription | None]] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-stt")
        self._lock = threading.Lock()
        self.phrases_in_background = 0

    def feed(self, samples: FloatArray) -> None:
        """Add the next piece of 16 kHz mono audio; may start a phrase in the background."""
        piece = np.asarray(samples, dtype=np.float32).reshape(-1)
        if not piece.size:
            return
        with self._lock:
            self._audio.append(piece)
            self._length += piece.size
            self._measure()
            if self._pending is not None and not self._pending.done():
                return
            self._collect()
            cut = self._find_cut()
            if cut is not None:
                start, self._committed = self._committed, cut
                audio = self._slice(start, cut)
                self._pending = self._executor.submit(self._run, start, audio)
                self.phrases_in_background += 1

    def wait(self) -> None:
        """Block until the phrase in the background (if any) is transcribed."""
        pending = self._pending
        if pending is not None:
            pending.result()

    def finish(self) -> Transcription:
        """Transcribe what is left and return the whole turn (``NoSpeechError`` if none)."""
        with self._lock:
            if self._pending is not None:
                self._pending.result()
            self._collect()
            start = self._committed
            tail = self._slice(start, self._length)
            self._committed = self._length
        self._executor.shutdown(wait=False)
        if tail.size:
            offset, result = self._run(start, tail)
            if result is not None:
                self._done.append((offset, result))
        return self._merge()

    def close(self) -> None:
        """Stop without a result (the rep hung up)."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    # -- internals ----------------------------------------------------------------------------

    def _measure(self) -> None:
        audio = self._slice(len(self._rms) * self._frame, self._length)
        whole = audio.size // self._frame
        if not whole:
            return
        frames = audio[: whole * self._frame].reshape(whole, self._frame)
        rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
        self._rms.extend(float(x) for x in rms)
        self._peak = max(self._peak, float(rms.max()))

    def _find_cut(self) -> int | None:
        """The middle of the latest long-enough pause after a long-enough phrase, if any."""
        quiet = np.asarray(self._rms) < max(SILENCE_FLOOR, SILENCE_SHARE * self._peak)
        committed = self._committed // self._frame
        first = (self._committed + self.min_phrase) // self._frame
        index = len(quiet) - 1
        while index >= first:
            if not quiet[index]:
                index -= 1
                continue
            run_end = index
            while index >= 0 and quiet[index]:
                index -= 1
            run_start = index + 1
            long_enough = run_end - run_start + 1 >= self.min_pause_frames
            if long_enough and run_start >= first and (~quiet[committed:run_start]).any():
                return ((run_start + run_end + 1) // 2) * self._frame
        return None

    def _slice(self, start: int, end: int) -> FloatArray:
        if end <= start:
            return np.zeros(0, dtype=np.float32)
        whole = np.concatenate(self._audio) if len(self._audio) > 1 else self._audio[0]
        self._audio = [whole]
        return whole[start:end]

    def _run(self, start: int, audio: FloatArray) -> tuple[int, Transcription | None]:
        try:
            result = self.transcriber.transcribe(
                audio, language=self.language, hotwords=self.hotwords
            )
        except NoSpeechError:
            return start, None
        if self.language is None:
            self.language = result.language  # keep the first phrase's language for the rest
        return start, result

    def _collect(self) -> None:
        if self._pending is not None and self._pending.done():
            offset, result = self._pending.result()
            if result is not None:
                self._done.append((offset, result))
            self._pending = None

    def _merge(self) -> Transcription:
        parts = sorted(self._done, key=lambda item: item[0])
        duration = round(self._length / self.rate, 3)
        if not parts:
            raise NoSpeechError(
                "no speech heard: speak closer to the microphone, check it is not muted, and "
                "record again"
            )
        language = parts[0][1].language
        segments: list[Segment] = []
        for offset, result in parts:
            shift = offset / self.rate
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
            text=text, language=language, segments=tuple(segments), duration=duration
        )
