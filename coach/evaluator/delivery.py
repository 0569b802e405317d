"""Delivery: how the rep spoke. Uses turn timings when present; says which figures are estimated.

Without timings, speaking time is estimated from length: about 2.5 English words or 4.5
Chinese characters a second, typical conversational rates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coach.text.acts import find_fillers, is_question
from coach.text.normalize import HAN
from coach.text.sentences import split_sentences
from coach.transcripts import Transcript, Turn

EN_WORDS_PER_S = 2.5
ZH_CHARS_PER_S = 4.5
LONG_PAUSE_S = 3.0


def _units(text: str, language: str) -> int:
    if language == "zh":
        return len(HAN.findall(text)) + len(re.findall(r"[A-Za-z0-9]+", text))
    return len(re.findall(r"[A-Za-z0-9']+", text))


def _seconds(turn: Turn, language: str) -> tuple[float, bool]:
    """Speaking seconds of a turn, and whether that is estimated."""
    if turn.duration is not None and turn.duration > 0:
        return turn.duration, False
    rate = ZH_CHARS_PER_S if language == "zh" else EN_WORDS_PER_S
    return _units(turn.text, language) / rate, True


@dataclass
class Delivery:
    """Delivery metrics of the rep."""

    talk_ratio: float | None
    rate: float | None
    rate_unit: str
    filler_count: int
    fillers: dict[str, int]
    questions: int
    longest_monologue_s: float | None
    long_pauses: int
    interruptions: int
    rep_seconds: float = 0.0
    estimated: list[str] = field(default_factory=list)

    @property
    def fillers_per_minute(self) -> float:
        """Fillers per minute of the rep's speech."""
        return self.filler_count / max(0.25, self.rep_seconds / 60)

    def as_dict(self) -> dict[str, object]:
        """The ``delivery`` section of the result (DESIGN.md field names)."""
        out: dict[str, object] = {
            "talk_ratio": None if self.talk_ratio is None else round(self.talk_ratio, 3),
            "words_per_minute": None if self.rate is None else round(self.rate, 1),
            "rate_unit": self.rate_unit,
            "filler_count": self.filler_count,
            "fillers": self.fillers,
            "questions": self.questions,
            "longest_monologue_s": None
            if self.longest_monologue_s is None
            else round(self.longest_monologue_s, 1),
            "long_pauses": self.long_pauses,
            "interruptions": self.interruptions,
            "estimated": self.estimated,
        }
        if self.rate_unit == "characters_per_minute":
            out["characters_per_minute"] = out["words_per_minute"]
        return out


def measure_delivery(transcript: Transcript) -> Delivery:
    """Talk ratio, pace, fillers, questions, longest monologue, pauses and interruptions."""
    language = transcript.language
    turns = transcript.turns
    timed = all(t.start is not None and t.end is not None for t in turns) and bool(turns)
    estimated: list[str] = []
    rep_seconds = other_seconds = 0.0
    rep_units = 0
    any_estimated = False
    for turn in turns:
        seconds, guessed = _seconds(turn, language)
        any_estimated = any_estimated or guessed
        if turn.is_rep:
            rep_seconds += seconds
            rep_units += _units(turn.text, language)
        else:
            other_seconds += seconds
    total = rep_seconds + other_seconds
    talk_ratio = rep_seconds / total if total > 0 else None
    rate = rep_units / (rep_seconds / 60) if rep_seconds > 0 else None
    if any_estimated:
        estimated += ["talk_ratio", "words_per_minute", "longest_monologue_s"]
    # Longest monologue: consecutive rep turns, from the first's start to the last's end.
    longest = 0.0
    run = 0.0
    run_start: float | None = None
    for turn in turns:
        if turn.is_rep:
            if timed and turn.start is not None and turn.end is not None:
                run_start = turn.start if run_start is None else run_start
                run = turn.end - run_start
            else:
                run += _seconds(turn, language)[0]
            longest = max(longest, run)
        else:
            run, run_start = 0.0, None
    fillers: dict[str, int] = {}
    questions = 0
    for _, turn in transcript.rep_turns():
        for filler in find_fillers(turn.text, language):
            fillers[filler] = fillers.get(filler, 0) + 1
        questions += sum(is_question(s, language) for s in split_sentences(turn.text))
    long_pauses = interruptions = 0
    if timed:
        for before, after in zip(turns, turns[1:], strict=False):
            assert before.end is not None and after.start is not None
            gap = after.start - before.end
            if gap >= LONG_PAUSE_S:
                long_pauses += 1
            if gap < -0.3 and after.is_rep and not before.is_rep:
                interruptions += 1
    else:
        estimated.append("long_pauses")
        estimated.append("interruptions")
    return Delivery(
        talk_ratio=talk_ratio,
        rate=rate,
        rate_unit="characters_per_minute" if language == "zh" else "words_per_minute",
        filler_count=sum(fillers.values()),
        fillers=fillers,
        questions=questions,
        longest_monologue_s=longest if turns else None,
        long_pauses=long_pauses,
        interruptions=interruptions,
        rep_seconds=rep_seconds,
        estimated=estimated,
    )
