"""The evaluator: score a transcript against a scenario in any of the four practice modes."""

from __future__ import annotations

from typing import Any, Literal

from coach.backends.ports import Embedder
from coach.errors import ModelUnavailableError
from coach.evaluator.alignment import score_reading
from coach.evaluator.compliance import find_violations
from coach.evaluator.delivery import measure_delivery
from coach.evaluator.feedback import ClipLookup, build_feedback
from coach.evaluator.keypoints import KeyPointDetector, PointResult, Thresholds
from coach.evaluator.llm_judge import LLMJudge
from coach.evaluator.recitation import score_recitation
from coach.evaluator.scoring import ability_profile, delivery_score, overall_score, stage_scores
from coach.scenarios.model import Scenario
from coach.transcripts import Transcript

Mode = Literal["freeform", "scripted", "readalong", "recitation"]
MODES: tuple[Mode, ...] = ("freeform", "scripted", "readalong", "recitation")


class Evaluator:
    """Scores sessions. Holds the embedder so vectors of key point examples are reused."""

    def __init__(
        self,
        embedder: Embedder,
        *,
        thresholds: Thresholds | None = None,
        clip_lookup: ClipLookup | None = None,
        judge: LLMJudge | None = None,
    ):
        self.detector = KeyPointDetector(embedder, thresholds)
        self.clip_lookup = clip_lookup
        self.judge = judge

    def _apply_judge(
        self, scenario: Scenario, transcript: Transcript, points: list[PointResult]
    ) -> list[str]:
        """Replace the detector's statuses with the LLM judge's; notes say what happened."""
        assert self.judge is not None
        try:
            for point in points:
                verdict = self.judge.judge(scenario, transcript, scenario.key_point(point.id))
                point.detector_status = point.status
                point.judge_reason = verdict.reason
                point.status = verdict.status
                point.turn = verdict.turn
                point.evidence = verdict.evidence
                if verdict.status == "hit":
                    point.missing_acts = []
        except ModelUnavailableError as exc:
            for point in points:
                if point.detector_status is not None:
                    point.status = point.detector_status
                point.detector_status = point.judge_reason = None
            return [f"LLM judge unavailable, scored by the built-in detector: {exc}"]
        return ["key points judged by the LLM (detector results kept as 'detector')"]

    def evaluate(
        self, scenario: Scenario, transcript: Transcript, *, mode: Mode = "freeform"
    ) -> dict[str, Any]:
        """The evaluation result (DESIGN.md shape, plus mode sections and the ability profile)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        if transcript.language != scenario.language:
            transcript = Transcript(language=scenario.language, turns=transcript.turns)
        conversation = mode in ("freeform", "scripted")
        points = self.detector.detect(scenario, transcript)
        judge_notes = (
            self._apply_judge(scenario, transcript, points) if self.judge is not None else []
        )
        violations = find_violations(scenario.forbidden, transcript)
        delivery = measure_delivery(transcript)
        delivery_points = delivery_score(delivery, conversation=conversation)
        kp_score, reasons = overall_score(points, len(violations))
        said = " ".join(turn.text for _, turn in transcript.rep_turns())
        result: dict[str, Any] = {
            "score": kp_score,
            "mode": mode,
            "language": scenario.language,
            "scenario": scenario.id,
            "key_points": [p.as_dict() for p in points],
            "stage_scores": stage_scores(points),
            "profile": ability_profile(points, delivery_points),
            "delivery": delivery.as_dict(),
            "compliance": violations,
            "score_notes": reasons + judge_notes,
        }
        if mode == "readalong":
            if not scenario.script:
                raise ValueError(f"scenario {scenario.id!r} has no script to read along")
            reading = score_reading(scenario.script, said, scenario.language)
            result["readalong"] = reading.as_dict()
            result["score"] = round(
                max(0.0, 100 * (0.9 * reading.accuracy + 0.1 * delivery_points / 100)), 1
            )
            result["score_notes"] = ["90% reading accuracy, 10% fluency"]
        elif mode == "recitation":
            recitation = score_recitation(
                scenario.script,
                said,
                scenario.language,
                must_say=scenario.must_say,
                points=points,
                stages=scenario.stages,
            )
            result["recitation"] = recitation.as_dict()
            must = recitation.must_say
            must_share = (
                sum(
                    1.0 if m["status"] == "exact" else 0.5 if m["status"] == "close" else 0.0
                    for m in must
                )
                / len(must)
                if must
                else 1.0
            )
            coverage = recitation.coverage if scenario.script else kp_score / 100
            blended = 0.5 * kp_score + 30 * coverage + 20 * must_share
            result["score"] = round(
                min(blended, kp_score if reasons else 100.0) if reasons else blended, 1
            )
            result["score_notes"] = reasons + [
                "50% key points, 30% script coverage, 20% must-say phrases"
            ]
        result["feedback"] = build_feedback(
            scenario,
            points,
            violations,
            delivery,
            clip_lookup=self.clip_lookup,
            conversation=conversation,
        )
        if self.judge is not None and not any("unavailable" in note for note in judge_notes):
            try:
                written = self.judge.write_feedback(scenario, transcript, result)
            except ModelUnavailableError:
                written = None
            if written is not None and (written.strengths or written.improvements):
                result["feedback"] = {**written.model_dump(), "template": result["feedback"]}
        return result
