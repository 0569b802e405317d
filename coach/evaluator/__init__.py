"""The evaluator: scores a session against its scenario's SOP (the result contract lives here)."""

from coach.evaluator.result import (
    ComplianceHit,
    Delivery,
    EvaluationResult,
    Feedback,
    KeyPointResult,
)

__all__ = ["ComplianceHit", "Delivery", "EvaluationResult", "Feedback", "KeyPointResult"]
