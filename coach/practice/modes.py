"""The four practice modes. Each takes a rep turn and says what happens next.

- read-along: the script line by line; each turn is scored against the current line at
  once (per-token marks), then the session moves on (or stays, when asked to repeat);
- recitation: the script is hidden; the rep says it all from memory, in one or more turns;
- scripted dialogue: the scenario's flow; the customer's scripted line, the rep's answer,
  the branch chosen by what the rep said, and a hint when expected points were missed;
- AI customer: free conversation with a persona (built-in engine or an LLM).

Modes keep their position in a plain ``state`` dict so a session survives a restart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from rapidfuzz import fuzz

from coach.backends.ports import ChatModel, Embedder
from coach.evaluator.alignment import score_reading
from coach.evaluator.keypoints import KeyPointDetector
from coach.personas.engine import BuiltinPersona, CustomerLines, PersonaState
from coach.personas.llm_persona import LLMPersona
from coach.personas.model import Persona
from coach.scenarios.model import FlowNode, Scenario
from coach.text.normalize import compact
from coach.transcripts import Transcript, Turn

REPEAT_WORDS = re.compile(
    r"^\s*(?:/?repeat|again|one more time|再来一次|重来|再读一遍)\s*[.!。！]?\s*$", re.IGNORECASE
)


@dataclass
class ModeStep:
    """The outcome of one rep turn."""

    customer: str | None = None
    hint: str | None = None
    marks: dict[str, Any] | None = None
    prompt: str | None = None
    ended_by: str | None = None
    move: str | None = None
    detected: list[str] = field(default_factory=list)
    notice: str | None = None


class PracticeMode(Protocol):
    """What every mode does."""

    name: str

    def opening(self) -> ModeStep:
        """What the rep sees or hears before their first turn."""
        ...

    def respond(self, rep_text: str, history: list[Turn]) -> ModeStep:
        """Handle one rep turn (``history`` already ends with it)."""
        ...

    def state(self) -> dict[str, Any]:
        """Plain data to persist after each turn."""
        ...


class ReadAlongMode:
    """Open book: read the script line by line."""

    name = "readalong"
    pass_mark = 0.6

    def __init__(self, scenario: Scenario, state: dict[str, Any] | None = None):
        if not scenario.script:
            raise ValueError(f"scenario {scenario.id!r} has no script, so it cannot be read along")
        self.scenario = scenario
        self.line = int((state or {}).get("line", 0))

    def _prompt(self) -> str:
        return f"[{self.line + 1}/{len(self.scenario.script)}] {self.scenario.script[self.line]}"

    def opening(self) -> ModeStep:
        """Show the first line."""
        return ModeStep(prompt=self._prompt())

    def respond(self, rep_text: str, history: list[Turn]) -> ModeStep:
        """Score the turn against the current line; move on when it was read well enough."""
        if REPEAT_WORDS.match(rep_text):
            return ModeStep(prompt=self._prompt())
        reading = score_reading([self.scenario.script[self.line]], rep_text, self.scenario.language)
        mark = reading.lines[0]
        marks = {
            "line": self.line,
            "text": mark.text,
            "tokens": mark.tokens,
            "accuracy": round(reading.accuracy, 4),
            "substituted": reading.substituted,
            "omitted": reading.omitted,
            "inserted": reading.inserted,
        }
        if reading.accuracy < self.pass_mark:
            hint = (
                "Read the line again, word by word."
                if self.scenario.language == "en"
                else "请再逐字读一遍这一句。"
            )
            return ModeStep(marks=marks, hint=hint, prompt=self._prompt())
        self.line += 1
        if self.line >= len(self.scenario.script):
            return ModeStep(marks=marks, ended_by="completed")
        return ModeStep(marks=marks, prompt=self._prompt())

    def repeat(self) -> ModeStep:
        """Stay on (or go back to) the current line."""
        return ModeStep(prompt=self._prompt())

    def state(self) -> dict[str, Any]:
        """The current line."""
        return {"line": self.line}


class RecitationMode:
    """Closed book: say the script from memory, in one or several turns."""

    name = "recitation"

    def __init__(self, scenario: Scenario, state: dict[str, Any] | None = None):
        self.scenario = scenario
        self.turns = int((state or {}).get("turns", 0))

    def opening(self) -> ModeStep:
        """Tell the rep what to recite (not the script itself)."""
        if self.scenario.language == "zh":
            prompt = f"请背诵「{self.scenario.title}」的话术，说完后输入 /end。"
        else:
            prompt = f"Recite the pitch for '{self.scenario.title}' from memory; type /end when you are done."
        return ModeStep(prompt=prompt)

    def respond(self, rep_text: str, history: list[Turn]) -> ModeStep:
        """Take the turn; scoring happens when the rep ends."""
        self.turns += 1
        return ModeStep()

    def state(self) -> dict[str, Any]:
        """How many turns so far."""
        return {"turns": self.turns}


class ScriptedMode:
    """The scenario's flow: scripted customer lines, branches chosen by the rep's answer."""

    name = "scripted"

    def __init__(
        self,
        scenario: Scenario,
        embedder: Embedder,
        *,
        hints: bool = True,
        state: dict[str, Any] | None = None,
    ):
        if scenario.flow is None:
            raise ValueError(f"scenario {scenario.id!r} has no flow for scripted dialogue")
        self.scenario = scenario
        self.flow = scenario.flow
        self.detector = KeyPointDetector(embedder)
        self.hints = hints
        self.node_id = str((state or {}).get("node", self.flow.start))

    @property
    def node(self) -> FlowNode:
        """The current step of the flow."""
        return self.flow.node(self.node_id)

    def opening(self) -> ModeStep:
        """The customer's first scripted line."""
        return ModeStep(customer=self.node.customer)

    def _detected(self, history: list[Turn]) -> list[str]:
        # Judge only the last rep turn, with the call so far as context.
        turns = [
            t if i == len(history) - 1 or not t.is_rep else Turn(speaker=t.speaker, text="")
            for i, t in enumerate(history)
        ]
        turns = [t for t in turns if t.text]
        results = self.detector.detect(
            self.scenario, Transcript(language=self.scenario.language, turns=turns)
        )
        return [r.id for r in results if r.status in ("hit", "partial")]

    def _branch_taken(self, when: list[str], rep_text: str, detected: list[str]) -> bool:
        point_ids = {p.id for p in self.scenario.key_points}
        said = compact(rep_text, self.scenario.language)
        for item in when:
            if item in point_ids:
                if item in detected:
                    return True
            else:
                phrase = compact(item, self.scenario.language)
                if phrase and (
                    phrase in said or len(phrase) >= 4 and fuzz.partial_ratio(phrase, said) >= 90
                ):
                    return True
        return False

    def respond(self, rep_text: str, history: list[Turn]) -> ModeStep:
        """Check the expected points, choose the branch, say the next scripted line."""
        node = self.node
        detected = self._detected(history)
        missed = [point for point in node.expects if point not in detected]
        hint = None
        if missed and self.hints:
            hint = node.hint or "; ".join(self.scenario.key_point(p).description for p in missed)
        next_id = next(
            (b.next for b in node.branches if self._branch_taken(b.when, rep_text, detected)),
            node.next,
        )
        if node.end or next_id is None:
            return ModeStep(hint=hint, ended_by="completed", detected=detected)
        self.node_id = next_id
        following = self.node
        return ModeStep(
            customer=following.customer,
            hint=hint,
            detected=detected,
            ended_by="agreement" if following.end else None,
        )

    def state(self) -> dict[str, Any]:
        """The current node."""
        return {"node": self.node_id}


class FreeformMode:
    """A free conversation with the AI customer."""

    name = "freeform"

    def __init__(
        self,
        scenario: Scenario,
        persona: Persona,
        embedder: Embedder,
        *,
        seed: int = 0,
        customer_lines: CustomerLines | None = None,
        state: dict[str, Any] | None = None,
        chat: ChatModel | None = None,
        model_label: str = "the language model",
    ):
        saved = (state or {}).get("persona")
        self.engine = BuiltinPersona(
            persona,
            scenario,
            embedder,
            seed=seed,
            customer_lines=customer_lines,
            state=PersonaState.from_dict(saved) if saved else None,
        )
        self.voice = (
            LLMPersona(self.engine, chat, model_label=model_label) if chat is not None else None
        )

    def opening(self) -> ModeStep:
        """The customer picks up."""
        return ModeStep(customer=self.engine.opening())

    def respond(self, rep_text: str, history: list[Turn]) -> ModeStep:
        """The customer's answer; the call may end in agreement or a hang-up."""
        reply = (
            self.voice.reply(rep_text) if self.voice is not None else self.engine.reply(rep_text)
        )
        return ModeStep(
            customer=reply.text, ended_by=reply.ended_by, move=reply.move, notice=reply.notice
        )

    def state(self) -> dict[str, Any]:
        """The persona's memory of the call."""
        return {"persona": self.engine.state.as_dict()}


def make_mode(
    mode: str,
    scenario: Scenario,
    *,
    embedder: Embedder,
    persona: Persona | None = None,
    seed: int = 0,
    hints: bool = True,
    customer_lines: CustomerLines | None = None,
    state: dict[str, Any] | None = None,
    chat: ChatModel | None = None,
) -> PracticeMode:
    """Build the mode object for a session (restoring ``state`` when resuming)."""
    if mode == "readalong":
        return ReadAlongMode(scenario, state)
    if mode == "recitation":
        return RecitationMode(scenario, state)
    if mode == "scripted":
        return ScriptedMode(scenario, embedder, hints=hints, state=state)
    if mode == "freeform":
        if persona is None:
            raise ValueError("the AI customer mode needs a persona")
        return FreeformMode(
            scenario,
            persona,
            embedder,
            seed=seed,
            customer_lines=customer_lines,
            state=state,
            chat=chat,
        )
    raise ValueError(f"unknown mode {mode!r}; use readalong, recitation, scripted or freeform")
