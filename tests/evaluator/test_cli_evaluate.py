"""`coach evaluate`, a public contract: both languages, all four modes, files or ids."""

import json

import pytest
from typer.testing import CliRunner

from coach.cli import app
from coach.evaluator import EvaluationResult
from tests.conftest import SEEDS

runner = CliRunner()
CRM = SEEDS / "scenarios" / "crm-logistics-discovery.yaml"
IELTS = SEEDS / "scenarios" / "study-abroad-ielts-zh.yaml"

EN_CALL = """Rep: Hi Dana, this is Alex Moreno from FleetFlow. Did I catch you at an okay time?
Customer: I have five minutes.
Rep: Could you walk me through what happens today when a shipper emails you for a rate on a new lane?
Customer: It goes to whoever is free, they build it in a spreadsheet, and sometimes it sits for two days.
Rep: Our results are guaranteed.
Rep: Could we book thirty minutes on Thursday at 10 Eastern with you and your CFO?
"""

ZH_CALL = """销售：您好，是张女士吗？我是启航留学语培的课程顾问陈老师。
客户：是我，什么事？
销售：孩子这次雅思想考到多少分呀？申请的学校对分数有什么要求？
客户：要 6.5，小分不低于 6。
销售：那我明天下午三点给孩子安排一节免费试听课，您看可以吗？
"""


@pytest.fixture
def files(tmp_path):
    en = tmp_path / "call-en.txt"
    en.write_text(EN_CALL)
    zh = tmp_path / "call-zh.txt"
    zh.write_text(ZH_CALL, encoding="utf-8")
    return en, zh


@pytest.mark.models
@pytest.mark.parametrize("mode", ["freeform", "scripted", "readalong", "recitation"])
def test_all_modes_both_languages(files, mode):
    for scenario, transcript in ((CRM, files[0]), (IELTS, files[1])):
        result = runner.invoke(
            app,
            [
                "evaluate",
                "--scenario",
                str(scenario),
                "--transcript",
                str(transcript),
                "--mode",
                mode,
                "--json",
            ],
        )
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        EvaluationResult.model_validate(data)
        assert data["mode"] == mode and 0 <= data["score"] <= 100
        assert {p["status"] for p in data["key_points"]} <= {"hit", "partial", "missed"}
        if mode == "readalong":
            assert 0 <= data["readalong"]["accuracy"] <= 1
        if mode == "recitation":
            assert data["recitation"]["must_say"]


@pytest.mark.models
def test_english_scorecard_finds_the_moments(files):
    data = json.loads(
        runner.invoke(
            app, ["evaluate", "--scenario", str(CRM), "--transcript", str(files[0]), "--json"]
        ).stdout
    )
    points = {p["id"]: p for p in data["key_points"]}
    assert points["greeting_intro"]["status"] == "hit" and points["greeting_intro"]["turn"] == 0
    assert points["current_process"]["status"] == "hit" and points["current_process"]["turn"] == 2
    assert points["next_step"]["status"] == "hit" and points["next_step"]["turn"] == 5
    assert data["compliance"] and data["compliance"][0]["turn"] == 4
    text = runner.invoke(
        app, ["evaluate", "--scenario", str(CRM), "--transcript", str(files[0])]
    ).output
    assert "Score:" in text and "greeting_intro" in text and "guaranteed" in text


@pytest.mark.models
def test_chinese_scorecard(files):
    data = json.loads(
        runner.invoke(
            app, ["evaluate", "--scenario", str(IELTS), "--transcript", str(files[1]), "--json"]
        ).stdout
    )
    points = {p["id"]: p for p in data["key_points"]}
    assert points["greeting_intro"]["status"] == "hit"
    assert points["needs_goal_score"]["status"] == "hit" and points["needs_goal_score"]["turn"] == 2
    assert data["delivery"]["rate_unit"] == "characters_per_minute"
    text = runner.invoke(
        app, ["evaluate", "--scenario", str(IELTS), "--transcript", str(files[1])]
    ).output
    assert "得分" in text


@pytest.mark.models
def test_scenario_by_id_after_init(files):
    assert runner.invoke(app, ["init", "--no-index"]).exit_code == 0
    result = runner.invoke(
        app,
        [
            "evaluate",
            "--scenario",
            "crm-logistics-discovery",
            "--transcript",
            str(files[0]),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    improvements = json.loads(result.stdout)["feedback"]["improvements"]
    assert any("top performer" in line.lower() for line in improvements), improvements


def test_json_transcript_and_rep_option(tmp_path):
    transcript = tmp_path / "t.json"
    transcript.write_text(
        json.dumps({"language": "en", "turns": [{"speaker": "Alex", "text": "Hi"}]})
    )
    result = runner.invoke(
        app,
        ["evaluate", "--scenario", str(CRM), "--transcript", str(transcript), "--mode", "karaoke"],
    )
    assert result.exit_code == 1 and "unknown mode" in result.output


def test_clear_errors(tmp_path):
    missing = runner.invoke(
        app, ["evaluate", "--scenario", "nope", "--transcript", str(tmp_path / "x.txt")]
    )
    assert missing.exit_code == 1 and "coach init" in missing.output
    bad = tmp_path / "bad.txt"
    bad.write_text("Alex: hello\nDana: hi\n")
    result = runner.invoke(app, ["evaluate", "--scenario", str(CRM), "--transcript", str(bad)])
    assert result.exit_code == 1 and "--rep NAME" in result.output
