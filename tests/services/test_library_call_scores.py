"""Scoring the clip library's imported calls against a scenario: who may, and what comes back."""

import json
from datetime import date

import pytest

from coach.accounts import LOCAL_ADMIN
from coach.backends.fake import FakeEmbedder
from coach.errors import PermissionDenied
from coach.services import clips
from coach.services.evaluation import evaluate_library_calls

SCENARIO = "crm-logistics-discovery"


def _call(
    tmp_path, name: str, *, language: str = "en", day: str = "2026-03-02", rep: str = ""
) -> str:
    turns = [
        {"speaker": "rep", "text": rep or "Hi Dana, this is Alex from FleetFlow. Is now a good time?"},
        {"speaker": "customer", "text": "Sure, go ahead." if language == "en" else "可以，您说。"},
        {"speaker": "rep", "text": "How do your reps track quotes today?" if language == "en" else "您现在怎么跟进报价？"},
    ]  # fmt: skip
    path = tmp_path / f"{name}.json"
    path.write_text(
        json.dumps({"language": language, "title": name, "date": day, "turns": turns}),
        encoding="utf-8",
    )
    return str(path)


@pytest.fixture
def library(seeded_runtime, tmp_path):
    """Two English calls imported by the team's trainer, one by the operator, one in Chinese."""
    clips.import_calls(
        seeded_runtime,
        [
            _call(tmp_path, "march"),
            _call(tmp_path, "january", day="2026-01-10", rep="Hello there."),
        ],
        actor="trainer",
    )
    clips.import_calls(
        seeded_runtime, [_call(tmp_path, "operator", day="2026-03-05")], actor=LOCAL_ADMIN
    )
    clips.import_calls(seeded_runtime, [_call(tmp_path, "zh-call", language="zh")], actor="trainer")
    return seeded_runtime


@pytest.mark.parametrize("who", ["trainer", "admin", LOCAL_ADMIN])
def test_trainers_and_admins_score_every_call_in_the_scenarios_language(library, who):
    bulk = evaluate_library_calls(library, actor=who, scenario=SCENARIO, embedder=FakeEmbedder())
    assert bulk["scenario"] == SCENARIO and bulk["language"] == "en"
    assert sorted(c["title"] for c in bulk["calls"]) == ["january", "march", "operator"]
    assert all(c["call_id"] and c["date"] and "score" in c for c in bulk["calls"])
    summary = bulk["summary"]
    assert summary["total"] == summary["scored"] == 3 and summary["failed"] == 0
    assert summary["calls_per_second"] > 0
    points = summary["key_points"]
    scored_ids = {p["id"] for p in bulk["calls"][0]["key_points"]}
    assert set(points) == scored_ids
    for counts in points.values():
        assert counts["hit"] + counts["partial"] + counts["missed"] == 3
        assert counts["hit_rate"] == round(counts["hit"] / 3, 3)
        assert counts["mention_rate"] == round((counts["hit"] + counts["partial"]) / 3, 3)


def test_since_keeps_the_calls_from_that_day_on(library):
    bulk = evaluate_library_calls(
        library, actor="trainer", scenario=SCENARIO, since=date(2026, 3, 1), embedder=FakeEmbedder()
    )
    assert sorted(c["title"] for c in bulk["calls"]) == ["march", "operator"]


def test_a_manager_scores_the_calls_their_team_imported(library):
    bulk = evaluate_library_calls(
        library, actor="manager", scenario=SCENARIO, embedder=FakeEmbedder()
    )
    assert sorted(c["title"] for c in bulk["calls"]) == ["january", "march"]  # not the operator's


@pytest.mark.parametrize("who", ["rep", "rep-zh"])
def test_a_rep_is_refused(library, who):
    with pytest.raises(PermissionDenied):
        evaluate_library_calls(library, actor=who, scenario=SCENARIO, embedder=FakeEmbedder())


def test_no_calls_gives_an_empty_summary(seeded_runtime):
    bulk = evaluate_library_calls(
        seeded_runtime, actor="trainer", scenario=SCENARIO, embedder=FakeEmbedder()
    )
    assert bulk["calls"] == [] and bulk["summary"]["total"] == 0
    assert bulk["summary"]["mean_score"] is None
    assert all(c["hit_rate"] == 0.0 for c in bulk["summary"]["key_points"].values())
