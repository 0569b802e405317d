"""What a drill asks of a rep, validated: scenario, mode, target, exam and certification rules."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

MODES = ("readalong", "recitation", "scripted", "freeform")


class DrillRules(BaseModel):
    """A drill's definition as a trainer writes it.

    An exam drill is practised without hints and may limit the attempts; a certification is
    an exam whose pass mark is ``target_score``, and passing it records a certificate.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(default="", max_length=300)
    scenario_id: str = Field(min_length=1, max_length=80)
    persona_id: str | None = None
    mode: str
    target_score: float | None = Field(default=None, ge=0, le=100)
    exam: bool = False
    max_attempts: int | None = Field(default=None, ge=1, le=100)
    certification: bool = False
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> DrillRules:
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}; use one of {', '.join(MODES)}")
        if self.certification and self.target_score is None:
            raise ValueError("a certification needs a pass mark: give a target score (0-100)")
        if self.max_attempts is not None and not (self.exam or self.certification):
            raise ValueError("only an exam limits attempts: add exam mode or drop the limit")
        return self

    @property
    def is_exam(self) -> bool:
        """Certifications are always exams: no hints, attempts counted."""
        return self.exam or self.certification

    @property
    def hints(self) -> bool:
        """Whether the rep gets hints while practising this drill."""
        return not self.is_exam

    def passes(self, score: float | None) -> bool:
        """Whether a scored attempt meets the target (any scored attempt, without a target)."""
        if score is None:
            return False
        return self.target_score is None or score >= self.target_score
