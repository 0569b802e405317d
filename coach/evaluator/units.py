"""Split a transcript into the rep's units of speech, with the context each needs."""

from __future__ import annotations

from dataclasses import dataclass

from coach.text.acts import strip_fillers
from coach.text.normalize import compact
from coach.text.sentences import split_sentences
from coach.transcripts import Transcript


@dataclass(frozen=True)
class Unit:
    """A rep sentence (or a whole short turn): what is matched against key points."""

    turn: int
    text: str
    clean: str
    norm: str
    customer_before: str
    previous_customer: str
    is_turn: bool = False


def rep_units(transcript: Transcript, *, max_turn_chars: int = 320) -> list[Unit]:
    """The rep's sentences, plus each multi-sentence turn as a whole when it is short.

    A key point often spans two sentences ("This is Alex from FleetFlow. Is now a good
    time?"), so short turns are matched whole as well as sentence by sentence.
    """
    language = transcript.language
    units: list[Unit] = []
    customer_so_far: list[str] = []
    previous_customer = ""
    for index, turn in enumerate(transcript.turns):
        if not turn.is_rep:
            customer_so_far.append(turn.text)
            previous_customer = turn.text
            continue
        before = " ".join(customer_so_far)
        sentences = split_sentences(turn.text) or [turn.text]
        for sentence in sentences:
            clean = strip_fillers(sentence, language)
            if clean.strip():
                units.append(
                    Unit(
                        index, sentence, clean, compact(clean, language), before, previous_customer
                    )
                )
        if len(sentences) > 1 and len(turn.text) <= max_turn_chars:
            clean = strip_fillers(turn.text, language)
            units.append(
                Unit(
                    index,
                    turn.text,
                    clean,
                    compact(clean, language),
                    before,
                    previous_customer,
                    is_turn=True,
                )
            )
    return units
