"""Turn detections into scores: overall 0-100, and an ability profile by stage."""

from __future__ import annotations

import re

from coach.evaluator.delivery import Delivery
from coach.evaluator.keypoints import PointResult

CREDIT = {"hit": 1.0, "partial": 0.5, "missed": 0.0}
REQUIRED_MISSED_CAP = 60.0
"""A call that misses a required key point scores at most this."""
COMPLIANCE_PENALTY = 10.0
COMPLIANCE_PENALTY_MAX = 30.0

ABILITIES = ("opening", "discovery", "pitch", "objection", "closing", "delivery")
_ABILITY_CUES = [
    ("opening", r"open|greet|intro|rapport|开场|问候|破冰|开头"),
    ("discovery", r"discover|need|qualif|question|pain|situation|需求|挖掘|了解|探询|诊断"),
    ("objection", r"objection|concern|handl|worr|异议|顾虑|处理"),
    ("closing", r"clos|next|book|commit|appoint|促单|成交|约|下一步|收尾|邀约|预约"),
    (
        "pitch",
        r"pitch|value|present|product|proof|demo|solution|benefit|介绍|价值|卖点|方案|证明|产品",
    ),
]


def ability_of(stage: str) -> str:
    """Map a key point's free-text stage onto the ability profile."""
    low = stage.lower()
    for ability, pattern in _ABILITY_CUES:
        if re.search(pattern, low):
            return ability
    return "pitch" if low in ("", "general") else low


def key_point_score(points: list[PointResult]) -> float:
    """Weighted credit of the key points, 0-100."""
    total = sum(p.weight for p in points)
    if total == 0:
        return 0.0
    return 100.0 * sum(p.weight * CREDIT[p.status] for p in points) / total


def delivery_score(delivery: Delivery, *, conversation: bool) -> float:
    """0-100 for pace, fillers, balance and questions (conversation modes only for the last two)."""
    score = 100.0
    score -= min(30.0, max(0.0, delivery.fillers_per_minute - 2) * 5)
    if delivery.rate is not None:
        low, high = (150, 320) if delivery.rate_unit == "characters_per_minute" else (110, 180)
        if delivery.rate < low:
            score -= min(15.0, (low - delivery.rate) / low * 40)
        elif delivery.rate > high:
            score -= min(15.0, (delivery.rate - high) / high * 40)
    if conversation:
        if delivery.talk_ratio is not None and not 0.35 <= delivery.talk_ratio <= 0.65:
            score -= min(25.0, abs(delivery.talk_ratio - 0.5) * 60)
        if delivery.questions == 0:
            score -= 20.0
        if delivery.longest_monologue_s is not None and delivery.longest_monologue_s > 60:
            score -= min(20.0, (delivery.longest_monologue_s - 60) / 6)
    return max(0.0, min(100.0, score))


def ability_profile(points: list[PointResult], delivery: float) -> dict[str, float | None]:
    """Sub-scores per ability; ``None`` where the scenario has no key point of that kind."""
    groups: dict[str, list[PointResult]] = {}
    for point in points:
        groups.setdefault(ability_of(point.stage), []).append(point)
    profile: dict[str, float | None] = {
        ability: round(key_point_score(groups[ability]), 1) if ability in groups else None
        for ability in ABILITIES
        if ability != "delivery"
    }
    for extra, members in groups.items():
        if extra not in profile:
            profile[extra] = round(key_point_score(members), 1)
    profile["delivery"] = round(delivery, 1)
    return profile


def stage_scores(points: list[PointResult]) -> dict[str, float]:
    """Sub-score per stage as written in the scenario."""
    groups: dict[str, list[PointResult]] = {}
    for point in points:
        groups.setdefault(point.stage, []).append(point)
    return {stage: round(key_point_score(members), 1) for stage, members in groups.items()}


def overall_score(points: list[PointResult], violations: int) -> tuple[float, list[str]]:
    """The key-point score with the required-point cap and compliance penalty; and why."""
    score = key_point_score(points)
    reasons: list[str] = []
    missed_required = [p.id for p in points if p.required and p.status == "missed"]
    if missed_required and score > REQUIRED_MISSED_CAP:
        score = REQUIRED_MISSED_CAP
        reasons.append(
            f"capped at {REQUIRED_MISSED_CAP:.0f}: required point(s) missed: {', '.join(missed_required)}"
        )
    if violations:
        penalty = min(COMPLIANCE_PENALTY_MAX, COMPLIANCE_PENALTY * violations)
        score -= penalty
        reasons.append(f"-{penalty:.0f} for {violations} compliance violation(s)")
    return max(0.0, round(score, 1)), reasons
