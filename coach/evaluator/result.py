"""The evaluation result: the contract of ``coach evaluate --json`` and of stored scorecards.

The shape follows DESIGN.md; the scorecard repository stores exactly this object.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["hit", "partial", "missed"]


class KeyPointResult(BaseModel):
    """Whether one key point was covered, with the quote and the turn that prove it."""

    model_config = ConfigDict(extra="allow")

    id: str
    status: Status
    evidence: str | None = None
    turn: int | None = Field(
        default=None, description="Index in the transcript's turns; null when missed."
    )


class Delivery(BaseModel):
    """How the rep spoke: talk ratio, pace, fillers, questions, longest monologue."""

    model_config = ConfigDict(extra="allow")

    talk_ratio: float | None = None
    words_per_minute: float | None = None
    filler_count: int = 0
    questions: int = 0
    longest_monologue_s: float | None = None


class ComplianceHit(BaseModel):
    """A forbidden phrase the rep said."""

    model_config = ConfigDict(extra="allow")

    phrase: str
    turn: int
    reason: str = ""


class Feedback(BaseModel):
    """What went well and what to improve, each pointing at the rep's own words."""

    model_config = ConfigDict(extra="allow")

    strengths: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)


class EvaluationResult(BaseModel):
    """A session's scorecard: a 0-100 score, key points, delivery, compliance, feedback."""

    model_config = ConfigDict(extra="allow")

    score: float = Field(ge=0, le=100)
    key_points: list[KeyPointResult] = Field(default_factory=list)
    delivery: Delivery = Field(default_factory=Delivery)
    compliance: list[ComplianceHit] = Field(default_factory=list)
    feedback: Feedback = Field(default_factory=Feedback)
