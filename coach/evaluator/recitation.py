"""Recitation (closed book): how much of the script came back, must-say phrases, stage order."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from coach.evaluator.keypoints import PointResult
from coach.text.normalize import compact, pinyin_key


def _sound_key(text: str, language: str) -> str:
    """Normalised text; for Chinese, toneless pinyin so homophones match."""
    norm = compact(text, language)
    if language != "zh":
        return norm
    return " ".join(pinyin_key(ch) for ch in norm.replace(" ", ""))


@dataclass
class Recitation:
    """What a recitation covered."""

    coverage: float
    lines: list[dict[str, object]]
    must_say: list[dict[str, object]]
    stage_order: list[str]
    out_of_order: list[str]

    def as_dict(self) -> dict[str, object]:
        """The ``recitation`` section of the result."""
        return {
            "coverage": round(self.coverage, 4),
            "lines": self.lines,
            "must_say": self.must_say,
            "stage_order": self.stage_order,
            "out_of_order": self.out_of_order,
        }


def check_must_say(phrases: list[str], said: str, language: str) -> list[dict[str, object]]:
    """Each must-say phrase: ``exact`` (word for word), ``close`` (nearly) or ``missing``."""
    said_key = _sound_key(said, language)
    said_norm = compact(said, language)
    out: list[dict[str, object]] = []
    for phrase in phrases:
        key = _sound_key(phrase, language)
        if compact(phrase, language) in said_norm or (key and key in said_key):
            out.append({"phrase": phrase, "status": "exact"})
            continue
        closeness = fuzz.partial_ratio(key, said_key) / 100 if key and said_key else 0.0
        status = "close" if closeness >= 0.85 else "missing"
        out.append({"phrase": phrase, "status": status, "closeness": round(closeness, 3)})
    return out


def score_recitation(
    script: list[str],
    said: str,
    language: str,
    *,
    must_say: list[str],
    points: list[PointResult],
    stages: list[str],
) -> Recitation:
    """Coverage of each script line, must-say exactness and the order stages came in."""
    said_key = _sound_key(said, language)
    lines: list[dict[str, object]] = []
    scores: list[float] = []
    for number, line in enumerate(script):
        key = _sound_key(line, language)
        score = fuzz.partial_ratio(key, said_key) / 100 if key and said_key else 0.0
        scores.append(score)
        lines.append(
            {"line": number, "text": line, "coverage": round(score, 3), "covered": score >= 0.75}
        )
    coverage = sum(scores) / len(scores) if scores else 0.0
    first_turn: dict[str, int] = {}
    for point in points:
        if point.status != "missed" and point.turn is not None:
            first_turn[point.stage] = min(point.turn, first_turn.get(point.stage, point.turn))
    said_order = sorted(first_turn, key=lambda stage: first_turn[stage])
    expected = [stage for stage in stages if stage in first_turn]
    out_of_order = [
        stage for stage, want in zip(said_order, expected, strict=True) if stage != want
    ]
    return Recitation(
        coverage, lines, check_must_say(must_say, said, language), said_order, out_of_order
    )
