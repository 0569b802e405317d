"""Split a transcript into the rep's units of speech, with the context each needs."""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.text.acts import strip_fillers
from coach.text.normalize import compact
from coach.text.sentences import split_sentences
from coach.transcripts import Transcript

RECENT_CUSTOMER_TURNS = 3
"""How many of the customer's latest turns a rep sentence may be answering."""


@dataclass
class CustomerHistory:
    """What the customer said before each turn, indexed so each lookup costs O(1).

    A long call must not re-read everything the customer said for every rep sentence (that
    made a 5,000-turn call quadratic); each customer turn is read once, here.
    """

    turns: list[tuple[int, str]] = field(default_factory=list)
    """The customer's turns as (index in the transcript, text), in order."""
    cache: dict[object, object] = field(default_factory=dict)
    """Indexes that detectors build once per call (see ``keypoints._history_index``)."""

    def add(self, index: int, text: str) -> None:
        """Record a customer turn."""
        self.turns.append((index, text))

    def recent(self, before: int, count: int = RECENT_CUSTOMER_TURNS) -> list[tuple[int, str]]:
        """The customer's last ``count`` turns before transcript turn ``before``, latest last."""
        end = _bisect(self.turns, before)
        return self.turns[max(0, end - count) : end]

    def before(self, index: int) -> str:
        """Everything the customer said before transcript turn ``index`` (joined)."""
        return " ".join(text for _, text in self.turns[: _bisect(self.turns, index)])


def _bisect(turns: list[tuple[int, str]], index: int) -> int:
    low, high = 0, len(turns)
    while low < high:
        mid = (low + high) // 2
        if turns[mid][0] < index:
            low = mid + 1
        else:
            high = mid
    return low


@dataclass(frozen=True)
class Unit:
    """A rep sentence (or a whole short turn): what is matched against key points."""

    turn: int
    text: str
    clean: str
    norm: str
    history: CustomerHistory = field(compare=False, repr=False)
    previous_customer: str = ""
    is_turn: bool = False

    @property
    def customer_before(self) -> str:
        """Everything the customer said before this unit's turn (built on demand)."""
        return self.history.before(self.turn)

    @property
    def recent_customer(self) -> list[tuple[int, str]]:
        """The customer's last few turns before this one, as (turn index, text)."""
        return self.history.recent(self.turn)


def rep_units(transcript: Transcript, *, max_turn_chars: int = 320) -> list[Unit]:
    """The rep's sentences, plus each multi-sentence turn as a whole when it is short.

    A key point often spans two sentences ("This is Alex from FleetFlow. Is now a good
    time?"), so short turns are matched whole as well as sentence by sentence.
    """
    language = transcript.language
    units: list[Unit] = []
    history = CustomerHistory()
    previous_customer = ""
    for index, turn in enumerate(transcript.turns):
        if not turn.is_rep:
            history.add(index, turn.text)
            previous_customer = turn.text
            continue
        sentences = split_sentences(turn.text) or [turn.text]
        for sentence in sentences:
            clean = strip_fillers(sentence, language)
            if clean.strip():
                units.append(
                    Unit(
                        index,
                        sentence,
                        clean,
                        compact(clean, language),
                        history,
                        previous_customer,
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
                    history,
                    previous_customer,
                    is_turn=True,
                )
            )
    return units
