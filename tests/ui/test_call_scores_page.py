"""Calls tab, "Score against scenario": hit rates per key point and scores per call, both languages."""

import json

import gradio as gr
import pytest

from coach.backends.fake import FakeEmbedder
from coach.services import clips
from coach.services.practice import PracticeService
from ui.context import Context
from ui.pages import call_scores, calls

SCENARIO = "crm-logistics-discovery"


def _page(runtime, language: str) -> tuple[Context, calls.CallsPage]:
    practice = PracticeService(runtime, embedder=FakeEmbedder())
    ctx = Context(runtime=runtime, practice=practice, language=language)
    with gr.Blocks():
        page = calls.build(ctx)
    return ctx, page


def _import(runtime, tmp_path) -> None:
    call = {
        "language": "en",
        "title": "Dana, March",
        "date": "2026-03-02",
        "turns": [
            {"speaker": "rep", "text": "Hi Dana, this is Alex from FleetFlow. Is now a good time?"},
            {"speaker": "customer", "text": "Sure."},
        ],
    }
    path = tmp_path / "dana.json"
    path.write_text(json.dumps(call), encoding="utf-8")
    clips.import_calls(runtime, [str(path)], actor="trainer")


@pytest.mark.parametrize(
    ("language", "done", "column"),
    [("en", "1 of 1 calls scored", "Hit rate"), ("zh", "已评分 1/1 通通话", "达成率")],
)
def test_scoring_shows_hit_rates_and_scores_in_the_pages_language(
    seeded_runtime, tmp_path, language, done, column
):
    _import(seeded_runtime, tmp_path)
    ctx, page = _page(seeded_runtime, language)
    section = page.scoring
    out = call_scores.score(ctx, section, "trainer", SCENARIO, "")
    assert done in out[section.notice]
    points, per_call = out[section.points], out[section.calls]
    assert column in points.columns
    assert set(points.iloc[:, 0]) >= {"greeting_intro"}
    assert per_call.iloc[0, 0] == "Dana, March" and per_call.iloc[0, 1] == "2026-03-02"
    assert float(per_call.iloc[0, 2]) >= 0


def test_a_bad_date_or_no_scenario_is_a_notice_and_a_rep_is_refused(seeded_runtime, tmp_path):
    _import(seeded_runtime, tmp_path)
    ctx, page = _page(seeded_runtime, "zh")
    section = page.scoring
    assert "请先选择" in call_scores.score(ctx, section, "trainer", None, "")[section.notice]
    bad = call_scores.score(ctx, section, "trainer", SCENARIO, "3月2日")
    assert set(bad) == {section.notice} and "YYYY-MM-DD" in bad[section.notice]
    refused = call_scores.score(ctx, section, "rep", SCENARIO, "")
    assert set(refused) == {section.notice} and refused[section.notice]
    later = call_scores.score(ctx, section, "trainer", SCENARIO, "2026-04-01")
    assert "没有" in later[section.notice] and later[section.calls].empty
