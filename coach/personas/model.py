"""The persona: the simulated customer a rep talks to, written as a card.

The card drives both the built-in retrieval engine (response bank, state rules) and the
LLM prompt when a model is configured.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from coach.domain import Ident, Language, Slug, Strict, Text

ObjectionKind = Literal["price", "timing", "trust", "competitor", "authority", "need", "other"]

MOVES = (
    "greeting",
    "self_intro",
    "needs_question",
    "pitch",
    "price",
    "proof",
    "objection_answer",
    "next_step",
    "small_talk",
    "off_topic",
    "rude",
    "unknown",
)
"""What a rep can do in a turn; the keys a persona's response bank may use."""

ANSWER_TOPICS = (
    "budget",
    "authority",
    "timeline",
    "team",
    "current",
    "problem",
    "goal",
    "schedule",
)
"""What a rep's question can be about; the keys a persona's ``answers`` may use."""


class Objection(Strict):
    """An objection the customer raises, the lines it uses, and what answers it."""

    id: Ident
    kind: ObjectionKind = "other"
    lines: list[Text] = Field(min_length=1)
    resolved_by: list[Text] = Field(
        default_factory=list,
        description="Key point ids or rep moves that answer this objection.",
    )
    resolved_lines: list[Text] = Field(
        default_factory=list, description="What the customer says once it is answered."
    )


class Facts(Strict):
    """The qualification facts the rep should uncover (budget, authority, need, timeline)."""

    budget: str = ""
    authority: str = ""
    timeline: str = ""
    current_solution: str = ""


class AgreeRule(Strict):
    """What it takes for this customer to agree to the next step."""

    needs: list[Ident] = Field(
        default_factory=list, description="Key point ids the rep must have covered."
    )
    min_trust: float = Field(default=0.6, ge=0, le=1)
    lines: list[Text] = Field(min_length=1)


class HangUpRule(Strict):
    """When this customer ends the call."""

    patience: int = Field(default=4, ge=1, le=20, description="Poor turns tolerated.")
    triggers: list[Text] = Field(default_factory=list)
    lines: list[Text] = Field(min_length=1)


class Voice(Strict):
    """How the persona sounds when spoken by the synthesizer."""

    engine: str = "default"
    voice: str = ""
    speed: float = Field(default=1.0, gt=0.3, le=3.0)


class Persona(Strict):
    """A simulated customer: who they are, what they need and hide, how they push back."""

    id: Slug
    name: Text
    role: Text
    company: Text
    language: Language
    personality: str = ""
    mood: str = "neutral"
    difficulty: int = Field(ge=1, le=5)
    background: str = ""
    hidden_needs: list[Text] = Field(default_factory=list)
    facts: Facts = Field(default_factory=Facts)
    objections: list[Objection] = Field(default_factory=list)
    agree_when: AgreeRule
    hang_up_when: HangUpRule
    opening_line: str = ""
    responses: dict[str, list[Text]] = Field(default_factory=dict)
    answers: dict[str, list[Text]] = Field(
        default_factory=dict,
        description=(
            "First-person answers to the rep's questions, by topic (budget, authority, timeline, "
            "team, current, problem, goal, schedule), consistent with the facts. Optional: "
            "without them the engine answers from the response bank."
        ),
    )
    voice: Voice = Field(default_factory=Voice)

    def response_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Return (field path, message) pairs for response-bank keys that are not moves."""
        problems: list[tuple[tuple[str | int, ...], str]] = [
            (("responses", key), f"{key!r} is not a rep move; use one of: {', '.join(MOVES)}")
            for key in self.responses
            if key not in MOVES
        ]
        problems += [
            (
                ("answers", key),
                f"{key!r} is not a question topic; use one of: {', '.join(ANSWER_TOPICS)}",
            )
            for key in self.answers
            if key not in ANSWER_TOPICS
        ]
        return problems
