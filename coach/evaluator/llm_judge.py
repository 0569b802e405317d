"""An LLM judge per key point, for when an OpenAI-compatible model is configured.

It returns a typed verdict, fails closed (output it cannot read, or evidence that is not in
a rep turn, counts as ``missed``), and caches verdicts by a hash of the model, the rubric
and the transcript, so re-scoring a session costs nothing. Written feedback comes from the
same model, with the template feedback kept when the model's answer is unusable.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from coach.backends.ports import ChatModel
from coach.scenarios.model import KeyPoint, Scenario
from coach.text.normalize import compact
from coach.transcripts import Transcript


class Verdict(BaseModel):
    """The judge's answer for one key point."""

    status: Literal["hit", "partial", "missed"]
    turn: int | None = Field(
        default=None, description="Index of the rep turn that proves it; null if missed."
    )
    evidence: str | None = Field(default=None, description="Exact words from that rep turn.")
    reason: str = Field(default="", description="One sentence: why.")


class WrittenFeedback(BaseModel):
    """Strengths and improvements written by the model."""

    strengths: list[str]
    improvements: list[str]


UNREADABLE = Verdict(status="missed", reason="the judge's answer could not be read (failed closed)")

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def _json_objects(text: str) -> Iterator[str]:
    """Every balanced ``{...}`` in ``text``, in order (strings and escapes respected)."""
    start = text.find("{")
    while start != -1:
        depth = 0
        in_string = escaped = False
        end = -1
        for index in range(start, len(text)):
            char = text[index]
            if in_string:
                if escaped:
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == '"':
                    in_string = False
                continue
            if char == '"':
                in_string = True
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    end = index
                    break
        if end == -1:
            return
        yield text[start : end + 1]
        start = text.find("{", end + 1)


def parse_model_json(text: str, schema: type[BaseModel]) -> BaseModel | None:
    """Read a JSON object of ``schema`` out of a model's answer (fenced, with prose around it).

    Returns None when nothing valid is found: callers fail closed.
    """
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    for candidate in candidates:
        for raw in _json_objects(candidate):
            try:
                return schema.model_validate(json.loads(raw))
            except (json.JSONDecodeError, ValidationError):
                continue
    return None


def parse_verdict(text: str) -> Verdict | None:
    """A Verdict from a model's answer, or None."""
    verdict = parse_model_json(text, Verdict)
    return verdict if isinstance(verdict, Verdict) else None


def _numbered(transcript: Transcript) -> str:
    return "\n".join(
        f"[{i}] {turn.speaker}: {turn.text}" for i, turn in enumerate(transcript.turns)
    )


def _rubric(point: KeyPoint) -> str:
    examples = "\n".join(f"- {example}" for example in point.examples)
    rubric = f"Key point `{point.id}` (stage: {point.stage}).\nWhat counts: {point.description}\nExamples:\n{examples}"
    if point.parts:
        needed = (
            "all" if point.needed_parts == len(point.parts) else f"at least {point.needed_parts}"
        )
        parts = "\n".join(f"- {part.description or part.id}" for part in point.parts)
        rubric += (
            f"\nIt needs {needed} of these parts (in that turn or the rep's next one):\n{parts}"
        )
    return rubric


SYSTEM = (
    "You grade sales-call transcripts against one SOP key point at a time. Only the rep's turns "
    "can earn it; what the customer says never counts. Judge the act, not the topic: a yes/no "
    "question is not an open question, 'let's talk later' is not a next step with a time, declining "
    "to do something is not doing it. Answer with one JSON object and nothing else: "
    '{"status": "hit"|"partial"|"missed", "turn": <rep turn index or null>, '
    '"evidence": "<exact words from that turn or null>", "reason": "<one sentence>"}.'
)


class LLMJudge:
    """Judges key points with a chat model; caches verdicts on disk."""

    def __init__(self, chat: ChatModel, *, cache_dir: Path | None = None, model_name: str = ""):
        self.chat = chat
        self.cache_dir = cache_dir
        self.model_name = model_name

    def _cache_path(self, key: str) -> Path | None:
        return self.cache_dir / f"{key}.json" if self.cache_dir is not None else None

    def judge(self, scenario: Scenario, transcript: Transcript, point: KeyPoint) -> Verdict:
        """The verdict for one key point (from the cache when this exact question was asked)."""
        rubric = _rubric(point)
        body = _numbered(transcript)
        key = hashlib.sha256(f"{self.model_name}\n{SYSTEM}\n{rubric}\n{body}".encode()).hexdigest()
        path = self._cache_path(key)
        if path is not None and path.exists():
            cached = parse_verdict(path.read_text(encoding="utf-8"))
            if cached is not None:
                return cached
        messages = [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"{rubric}\n\nTranscript ({scenario.language}):\n{body}"},
        ]
        try:
            verdict: Verdict | None = self.chat.structured(messages, Verdict)
        except ValueError:
            verdict = None
        except (AttributeError, NotImplementedError):
            verdict = parse_verdict(self.chat.complete(messages, temperature=0.0))
        verdict = self._checked(verdict, transcript)
        if path is not None and verdict is not UNREADABLE:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(verdict.model_dump_json(), encoding="utf-8")
        return verdict

    @staticmethod
    def _checked(verdict: Verdict | None, transcript: Transcript) -> Verdict:
        """Fail closed unless a claimed hit points at a rep turn that contains the evidence."""
        if verdict is None:
            return UNREADABLE
        if verdict.status == "missed":
            return verdict.model_copy(update={"turn": None, "evidence": None})
        turns = transcript.turns
        if (
            verdict.turn is None
            or not 0 <= verdict.turn < len(turns)
            or not turns[verdict.turn].is_rep
        ):
            return Verdict(status="missed", reason="the judge cited no rep turn (failed closed)")
        said = compact(turns[verdict.turn].text, transcript.language)
        if verdict.evidence and compact(verdict.evidence, transcript.language) not in said:
            return Verdict(
                status="missed", reason="the judge's quote is not in that turn (failed closed)"
            )
        if not verdict.evidence:
            verdict = verdict.model_copy(update={"evidence": turns[verdict.turn].text})
        return verdict

    def write_feedback(
        self, scenario: Scenario, transcript: Transcript, result: dict[str, Any]
    ) -> WrittenFeedback | None:
        """Feedback written by the model, or None when its answer is unusable."""
        summary = [
            {"id": p["id"], "status": p["status"], "turn": p["turn"]} for p in result["key_points"]
        ]
        language = "Chinese (simplified)" if scenario.language == "zh" else "English"
        messages = [
            {
                "role": "system",
                "content": (
                    f"You are a sales coach. Write feedback in {language} for the rep. Quote the rep's own "
                    "words and name the turn number; for each improvement give a concrete better line. "
                    'Answer with JSON: {"strengths": [...], "improvements": [...]}.'
                ),
            },
            {
                "role": "user",
                "content": f"Scenario: {scenario.title}\nKey point results: {json.dumps(summary)}\n\n{_numbered(transcript)}",
            },
        ]
        try:
            answer = self.chat.structured(messages, WrittenFeedback)
        except ValueError:
            return None
        except (AttributeError, NotImplementedError):
            parsed = parse_model_json(
                self.chat.complete(messages, temperature=0.3), WrittenFeedback
            )
            answer = parsed if isinstance(parsed, WrittenFeedback) else None
        return answer
