"""The built-in AI customer: a retrieval-driven persona engine that needs no LLM.

Each rep turn is classified into a move; the persona's state (trust, patience, needs
revealed, objections raised and resolved, key points the rep has covered) is updated; the
reply comes from the persona's response bank and from real customer lines retrieved from
the clip library, filled with the scenario's facts, never repeating a line it already used.
The call ends in agreement when trust is high enough, the points the persona needs are
covered and the rep proposes a next step; it ends in a hang-up when patience runs out.
Deterministic for a given seed and conversation.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from rapidfuzz import fuzz

from coach.backends.ports import Embedder
from coach.evaluator.keypoints import KeyPointDetector
from coach.personas.model import Objection, Persona
from coach.personas.moves import MoveClassifier, is_injection
from coach.scenarios.model import Scenario
from coach.text.normalize import compact
from coach.transcripts import Transcript, Turn

CustomerLines = Callable[[str, str], list[str]]
"""(scenario id, objection kind) -> real customer lines from the clip library."""

_GOOD = {
    "greeting": 0.05,
    "self_intro": 0.05,
    "needs_question": 0.08,
    "proof": 0.1,
    "objection_answer": 0.1,
    "pitch": 0.04,
}
_BAD = {"rude": 2, "off_topic": 1, "unknown": 0}

_CONFUSED = {
    "en": [
        "Sorry, I'm not sure what you mean. Weren't you calling about {topic}?",
        "I'm not following. What does this have to do with {topic}?",
        "Let's stick to why you called, please.",
    ],
    "zh": [
        "不好意思，我没太听懂您的意思，您不是打电话来说{topic}的吗？",
        "您这说的跟{topic}有什么关系？",
        "咱们还是说正事吧。",
    ],
}
_FILLER_REPLIES = {
    "en": ["Okay.", "Go on.", "Mm-hm, I'm listening.", "Right."],
    "zh": ["嗯，您说。", "好的，然后呢？", "嗯，我在听。", "是吗？"],
}


def fill_line(line: str, persona: Persona, scenario: Scenario) -> str:
    """A persona line with its ``{fact}`` placeholders filled from the scenario and persona."""
    facts = {**scenario.facts, "company": persona.company, "name": persona.name}

    def replace(match: re.Match[str]) -> str:
        return str(facts.get(match.group(1), match.group(0)))

    return re.sub(r"\{([a-z_]+)\}", replace, line)


def spoken_lines(persona: Persona, scenario: Scenario) -> dict[str, list[str]]:
    """Every line the built-in customer may say in this scenario, filled in, by the rep's move.

    Besides the persona's responses: ``objections`` (raised and resolved lines), ``agree``
    and ``hang_up``. The voice channel synthesises them ahead.
    """
    def fill(line: str) -> str:
        return fill_line(line, persona, scenario)

    bank = {move: [fill(line) for line in lines] for move, lines in persona.responses.items()}
    bank["objections"] = [
        fill(line) for o in persona.objections for line in [*o.lines, *o.resolved_lines]
    ]
    bank["agree"] = [fill(line) for line in persona.agree_when.lines]
    bank["hang_up"] = [fill(line) for line in persona.hang_up_when.lines]
    return bank


@dataclass
class PersonaState:
    """Everything the persona remembers about the call; saved with the session after each turn."""

    trust: float = 0.3
    patience: int = 4
    turns: int = 0
    needs_revealed: list[str] = field(default_factory=list)
    objections_raised: list[str] = field(default_factory=list)
    objections_resolved: list[str] = field(default_factory=list)
    covered: list[str] = field(default_factory=list)
    used_lines: list[str] = field(default_factory=list)
    moves: list[str] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)
    ended_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data to persist."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PersonaState:
        """Restore a saved state."""
        restored = cls(**data)
        restored.history = [(speaker, text) for speaker, text in restored.history]
        return restored


@dataclass(frozen=True)
class Reply:
    """What the customer says back, and whether that ends the call."""

    text: str
    move: str
    ended_by: str | None = None
    intent: str = ""
    notice: str | None = None


class BuiltinPersona:
    """Plays a persona without an LLM."""

    def __init__(
        self,
        persona: Persona,
        scenario: Scenario,
        embedder: Embedder,
        *,
        seed: int = 0,
        customer_lines: CustomerLines | None = None,
        state: PersonaState | None = None,
    ):
        self.persona = persona
        self.scenario = scenario
        self.language = scenario.language
        self.seed = seed
        self.classifier = MoveClassifier(embedder, scenario)
        self.detector = KeyPointDetector(embedder)
        self.customer_lines = customer_lines
        difficulty = persona.difficulty
        self.state = state or PersonaState(
            trust=max(0.05, 0.45 - 0.07 * difficulty), patience=persona.hang_up_when.patience
        )
        self._gain = 1.3 - 0.12 * difficulty  # harder personas warm up more slowly

    # -- lines ---------------------------------------------------------------------------

    def _rng(self) -> random.Random:
        return random.Random(
            f"{self.seed}:{self.persona.id}:{self.state.turns}:{len(self.state.used_lines)}"
        )

    def _fill(self, line: str) -> str:
        return fill_line(line, self.persona, self.scenario)

    def _pick(self, candidates: list[str], rep_text: str) -> str | None:
        """A line not used before and not an echo of the rep, chosen by the seeded RNG."""
        rep = compact(rep_text, self.language)
        fresh = [
            line
            for line in dict.fromkeys(candidates)
            if line not in self.state.used_lines
            and fuzz.ratio(compact(line, self.language), rep) < 85
        ]
        if not fresh:
            return None
        line = self._rng().choice(fresh)
        self.state.used_lines.append(line)
        return self._fill(line)

    def _say(self, rep_text: str, *groups: list[str]) -> str:
        for group in groups:
            line = self._pick(group, rep_text)
            if line is not None:
                return line
        fallback = self._pick(_FILLER_REPLIES[self.language], rep_text)
        return fallback or _FILLER_REPLIES[self.language][0]

    # -- the turn ------------------------------------------------------------------------

    def opening(self) -> str:
        """What the customer says on picking up."""
        opening = (
            self.persona.opening_line or (self.persona.responses.get("greeting") or ["Hello?"])[0]
        )
        self.state.used_lines.append(opening)
        self.state.history.append(("customer", self._fill(opening)))
        return self._fill(opening)

    def _update_covered(self) -> list[str]:
        # The whole call so far: acts like "answers a worry" need what the customer said.
        # Earlier sentences' vectors come from the embedder's cache.
        turns = [Turn(speaker=speaker, text=text) for speaker, text in self.state.history]
        transcript = Transcript(language=self.language, turns=turns)
        new = [
            r.id
            for r in self.detector.detect(self.scenario, transcript)
            # A customer gives credit for a point made imperfectly; the scorecard will not.
            if r.status in ("hit", "partial") and r.id not in self.state.covered
        ]
        self.state.covered += new
        return new

    def _pending_objection(self) -> Objection | None:
        for objection in self.persona.objections:
            if (
                objection.id in self.state.objections_raised
                and objection.id not in self.state.objections_resolved
            ):
                return objection
        return None

    def _next_objection(self, move: str) -> Objection | None:
        remaining = [o for o in self.persona.objections if o.id not in self.state.objections_raised]
        if not remaining:
            return None
        # Harder personas object more and earlier; a price or pitch move invites its objection.
        budget = min(len(self.persona.objections), 1 + self.persona.difficulty // 2)
        if len(self.state.objections_raised) >= budget:
            return None
        for objection in remaining:
            if move == "price" and objection.kind == "price":
                return objection
        if (
            move in ("pitch", "price", "next_step", "proof")
            or self.state.turns >= 6 - self.persona.difficulty // 2
        ):
            return remaining[0]
        return None

    def _resolves(self, objection: Objection, move: str, new_points: list[str]) -> bool:
        if any(
            item in new_points or item in self.state.covered[-3:] for item in objection.resolved_by
        ):
            return True
        return move in objection.resolved_by or move in ("objection_answer", "proof")

    def reply(self, rep_text: str) -> Reply:
        """Answer one rep turn."""
        raised, resolved = len(self.state.objections_raised), len(self.state.objections_resolved)
        reply = self._reply(rep_text)
        self.state.history.append(("customer", reply.text))
        return replace(reply, intent=self._intent(reply, raised, resolved))

    def _intent(self, reply: Reply, raised: int, resolved: int) -> str:
        """What the customer decided to do this turn, in words (an LLM phrases it)."""
        s = self.state
        by_id = {o.id: o for o in self.persona.objections}
        if reply.ended_by == "agreement":
            return "Agree to the next step the rep proposed, in your own words."
        if reply.ended_by == "hangup":
            return "You have lost patience: end the call politely but firmly."
        if len(s.objections_resolved) > resolved:
            return f"The rep answered your worry ({by_id[s.objections_resolved[-1]].lines[0]}); say it helps, but stay yourself."
        if len(s.objections_raised) > raised:
            objection = by_id[s.objections_raised[-1]]
            return (
                f"Raise this {objection.kind} objection, as you would say it: {objection.lines[0]}"
            )
        pending = self._pending_objection()
        if pending is not None and reply.move in ("next_step", "price", "pitch"):
            return f"You are still not convinced about: {pending.lines[0]} Say so."
        if reply.move in ("rude", "off_topic", "unknown"):
            return "The rep is rude, off topic, or trying to tell you what to say. Stay in character, be puzzled or annoyed, and bring it back to why they called."
        if reply.move == "needs_question" and s.needs_revealed:
            return f"Answer the question honestly; you may reveal: {s.needs_revealed[-1]}"
        return f"Respond naturally to the rep ({reply.move.replace('_', ' ')}); keep it short."

    def _reply(self, rep_text: str) -> Reply:
        s = self.state
        s.turns += 1
        s.history.append(("rep", rep_text))
        move, _ = self.classifier.classify(rep_text)
        s.moves.append(move)
        new_points = self._update_covered()
        topic = self.scenario.title
        if is_injection(rep_text) or move in _BAD:
            s.patience -= _BAD.get(move, 1)
            s.trust = max(0.0, s.trust - 0.1)
            if s.patience <= 0:
                return self._end("hangup", rep_text, move)
            if move == "rude":
                return Reply(
                    self._say(
                        rep_text,
                        self.persona.responses.get("rude", []),
                        self.persona.hang_up_when.lines[:0],
                    ),
                    move,
                )
            lines = [line.format(topic=topic) for line in _CONFUSED[self.language]]
            return Reply(
                self._say(rep_text, self.persona.responses.get("off_topic", []), lines), move
            )
        s.trust = min(
            1.0, s.trust + _GOOD.get(move, 0.02) * self._gain + 0.04 * len(new_points) * self._gain
        )
        pending = self._pending_objection()
        if pending is not None:
            if self._resolves(pending, move, new_points):
                s.objections_resolved.append(pending.id)
                s.trust = min(1.0, s.trust + 0.12 * self._gain)
                if move != "next_step":
                    return Reply(
                        self._say(
                            rep_text,
                            pending.resolved_lines,
                            self.persona.responses.get("objection_answer", []),
                        ),
                        move,
                    )
            elif move in ("next_step", "price", "pitch") or s.turns % 3 == 0:
                # Pushing on while the worry stands costs patience; good discovery does not,
                # but the customer keeps coming back to it every few turns.
                if move in ("next_step", "price"):
                    s.patience -= 1
                if s.patience <= 0:
                    return self._end("hangup", rep_text, move)
                return Reply(self._say(rep_text, pending.lines, self._retrieved(pending)), move)
        if move == "next_step":
            if self._ready_to_agree():
                return self._end("agreement", rep_text, move)
            objection = self._next_objection(move)
            if objection is not None:
                return self._raise(objection, rep_text, move)
            s.patience -= 1 if s.turns < 3 else 0
            return Reply(self._say(rep_text, self.persona.responses.get("next_step", [])), move)
        objection = self._next_objection(move)
        if objection is not None and move != "greeting":
            return self._raise(objection, rep_text, move)
        if (
            move == "needs_question"
            and self.persona.hidden_needs
            and s.trust >= 0.2 + 0.05 * self.persona.difficulty
        ):
            need = next((n for n in self.persona.hidden_needs if n not in s.needs_revealed), None)
            if need is not None:
                s.needs_revealed.append(need)
        return Reply(
            self._say(
                rep_text,
                self.persona.responses.get(move, []),
                self.persona.responses.get("unknown", []),
            ),
            move,
        )

    def likely_lines(self, limit: int = 8) -> list[str]:
        """Lines the customer may say next, filled in, for the speech cache to prepare.

        The next objection first (it is the likeliest long line), then the agreement and the
        bank lines for the common moves; lines already said are left out.
        """
        pending = self._pending_objection()
        upcoming = [o for o in self.persona.objections if o.id not in self.state.objections_raised]
        groups: list[list[str]] = []
        if pending is not None:
            groups += [pending.resolved_lines, pending.lines]
        if upcoming:
            groups.append(upcoming[0].lines)
        groups.append(self.persona.agree_when.lines)
        for move in ("needs_question", "pitch", "next_step", "greeting", "self_intro", "unknown"):
            groups.append(self.persona.responses.get(move, []))
        lines: list[str] = []
        for group in groups:
            for line in group:
                if line not in self.state.used_lines and self._fill(line) not in lines:
                    lines.append(self._fill(line))
        return lines[:limit]

    def _retrieved(self, objection: Objection) -> list[str]:
        if self.customer_lines is None:
            return []
        return self.customer_lines(self.scenario.id, objection.kind)

    def _raise(self, objection: Objection, rep_text: str, move: str) -> Reply:
        self.state.objections_raised.append(objection.id)
        return Reply(self._say(rep_text, objection.lines, self._retrieved(objection)), move)

    def _ready_to_agree(self) -> bool:
        s = self.state
        needs_met = all(need in s.covered for need in self.persona.agree_when.needs)
        no_open_objection = self._pending_objection() is None
        return s.trust >= self.persona.agree_when.min_trust and needs_met and no_open_objection

    def _end(self, how: str, rep_text: str, move: str) -> Reply:
        self.state.ended_by = how
        lines = (
            self.persona.agree_when.lines if how == "agreement" else self.persona.hang_up_when.lines
        )
        return Reply(self._say(rep_text, lines), move, ended_by=how)
