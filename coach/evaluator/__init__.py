"""The evaluator: scores a session against its scenario's SOP, with evidence and feedback."""

from coach.evaluator.engine import MODES, Evaluator, Mode
from coach.evaluator.keypoints import KeyPointDetector, Thresholds
from coach.evaluator.result import (
    ComplianceHit,
    Delivery,
    EvaluationResult,
    Feedback,
    KeyPointResult,
)

__all__ = [
    "MODES",
    "ComplianceHit",
    "Delivery",
    "EvaluationResult",
    "Evaluator",
    "Feedback",
    "KeyPointDetector",
    "KeyPointResult",
    "Mode",
    "Thresholds",
]
