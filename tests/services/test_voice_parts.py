"""Each stretch of a voice turn is heard into its text once, whatever the recogniser's pace.

While the rep talks, ``_Turn`` sends stretches of the turn to the recogniser in the
background; a stretch is committed, replaced by a longer one, or skipped, and the end of the
turn joins the parts. Here the recogniser's jobs run only when the test says (a queue the
test empties, or a worker held by an event), so every order of "the rep goes on" and "a job
ends" is tried, not the one the machine happens to give. The words are tone bursts named by
their pitch, seven different ones in a row: audio heard twice shows as a repeated word.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import numpy as np
import pytest

from coach.services.voice import Endpointing, VoiceCall, _Heard, _Turn
from tests.services.test_voice import (
    RATE,
    PitchTranscriber,
    StubPractice,
    burst,
    make_call,
    silence,
)

SAID = "is this a good time? hello and"
PITCHES = (300, 400, 500, 600, 700, 800, 900)
WINDOW = 512


def said(*, last: np.ndarray | None = None) -> np.ndarray:
    """The seven words, a pause long enough to speculate after every other one."""
    pieces = [silence(0.5)]
    for index, pitch in enumerate(PITCHES):
        pieces += [burst(pitch), silence(0.2 if index % 2 == 0 else 0.08)]
    pieces.append(silence(1.5) if last is None else last)
    return np.concatenate(pieces)


class QueuedJobs:
    """The call's recogniser worker, run by hand: a job waits until the test runs it."""

    def __init__(self) -> None:
        self.queue: list[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]] = []
        self.ran = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self.queue.append((future, fn, args))
        return future

    def run(self, count: int | None = None) -> None:
        """Run the oldest ``count`` queued jobs (all of them when None), in order."""
        count = len(self.queue) if count is None else min(count, len(self.queue))
        for _ in range(count):
            future, fn, args = self.queue.pop(0)
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # as the real worker: the error goes to the future
                future.set_exception(exc)
            self.ran += 1

    def shutdown(self, wait: bool = True) -> None:
        self.run()


Schedule = Callable[[_Turn, QueuedJobs], None]
"""What the recogniser gets done after each 32 ms window: runs some of the queued jobs."""


def at_once(turn: _Turn, jobs: QueuedJobs) -> None:
    jobs.run()


def only_at_the_end(turn: _Turn, jobs: QueuedJobs) -> None:
    pass


def one_behind(turn: _Turn, jobs: QueuedJobs) -> None:
    jobs.run(max(0, len(jobs.queue) - 1))


def at_each_commit(turn: _Turn, jobs: QueuedJobs) -> None:
    if turn.parts and not turn.parts[-1].future.done():
        jobs.run()


def by_chance(seed: int) -> Schedule:
    rng = random.Random(seed)

    def schedule(turn: _Turn, jobs: QueuedJobs) -> None:
        jobs.run(rng.choice((0, 0, 1, 2)))

    return schedule


SCHEDULES = {
    "at once": at_once,
    "only at the end": only_at_the_end,
    "one behind": one_behind,
    "at each commit": at_each_commit,
    **{f"by chance {seed}": by_chance(seed) for seed in range(8)},
}


def feed(call: VoiceCall, audio: np.ndarray, schedule: Schedule, jobs: QueuedJobs) -> _Heard | None:
    """Feed ``audio`` window by window until the turn ends, running jobs as scheduled."""
    for start in range(0, audio.size, WINDOW):
        heard = [h for h in call._ingest(audio[start : start + WINDOW]) if isinstance(h, _Heard)]
        if heard:
            return heard[0]
        if call._turn is not None:
            schedule(call._turn, jobs)
    return None


def final_pass(call: VoiceCall, turn: _Turn, release: Callable[[], None]) -> str:
    """The end of the turn, begun before the jobs still waiting end (``release`` ends them)."""
    waiting = threading.Event()
    finished = turn.finished

    def noted() -> list[Any]:
        parts = finished()
        waiting.set()  # the final pass has the parts it waits for
        return parts

    turn.finished = noted  # type: ignore[method-assign]
    result: list[str] = []
    worker = threading.Thread(target=lambda: result.append(call._transcript(turn)[0].text))
    worker.start()
    waiting.wait()
    release()
    worker.join()
    return result[0]


def assert_tiled(turn: _Turn) -> None:
    """The parts follow each other, from the turn's start to past its last speech."""
    edge = 0
    for part in turn.finished():
        assert part.offset == edge, f"a part starts at {part.offset}, the one before ends at {edge}"
        edge = part.end
    assert edge >= turn.last_speech


def live_call(tmp_path: Any, jobs: QueuedJobs, transcriber: Any = None) -> VoiceCall:
    ending = Endpointing(commit_s={"en": 1.0, "zh": 1.0})
    call = make_call(StubPractice(), tmp_path, endpointing=ending, transcriber=transcriber)
    call._stt.shutdown()
    call._stt = jobs
    return call


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_each_word_is_heard_once_however_late_the_jobs_end(tmp_path, name):
    jobs = QueuedJobs()
    call = live_call(tmp_path, jobs)
    heard = feed(call, said(), SCHEDULES[name], jobs)
    assert heard is not None and heard.turn.parts  # long enough to commit stretches
    assert_tiled(heard.turn)
    assert final_pass(call, heard.turn, jobs.run) == SAID


@pytest.mark.parametrize("name", ["at once", "only at the end", "one behind", "by chance 3"])
def test_a_turn_ended_by_muting_mid_word_is_heard_once(tmp_path, name):
    jobs = QueuedJobs()
    call = live_call(tmp_path, jobs)
    audio = said(last=np.zeros(0, dtype=np.float32))[: -int(0.18 * RATE)]  # inside "and"
    assert feed(call, audio, SCHEDULES[name], jobs) is None
    (heard,) = call._mute(True)
    assert_tiled(heard.turn)
    assert final_pass(call, heard.turn, jobs.run) == SAID


class HeldTranscriber(PitchTranscriber):
    """The tone recogniser, each call held until the test opens ``gate``."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def transcribe(self, audio, *, language=None, hotwords=(), beam_size=None):
        self.gate.wait()
        return super().transcribe(audio, language=language, beam_size=beam_size)


def test_jobs_held_in_the_real_worker_past_the_end_of_the_turn_are_each_used_once(tmp_path):
    stt = HeldTranscriber()
    ending = Endpointing(commit_s={"en": 1.0, "zh": 1.0})
    call = make_call(StubPractice(), tmp_path, endpointing=ending, transcriber=stt)
    heard = feed(call, said(), lambda turn, jobs: None, QueuedJobs())
    assert heard is not None and heard.turn.parts
    # Every job waits in the call's own worker until the final pass waits on them.
    assert final_pass(call, heard.turn, stt.gate.set) == SAID
    assert_tiled(heard.turn)
    call._stt.shutdown()
