"""`coach evaluate --library-calls`: the clip library's imported calls scored in bulk."""

import json

import pytest
from typer.testing import CliRunner

from coach.cli import app

runner = CliRunner()
SCENARIO = "crm-logistics-discovery"


def _import(tmp_path, name: str, day: str) -> None:
    call = {
        "language": "en",
        "title": name,
        "date": day,
        "turns": [
            {"speaker": "rep", "text": "Hi Dana, this is Alex Moreno from FleetFlow. Is now a good time?"},
            {"speaker": "customer", "text": "I have five minutes."},
            {"speaker": "rep", "text": "Could you walk me through how you quote a new lane today?"},
        ],
    }  # fmt: skip
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(call), encoding="utf-8")
    result = runner.invoke(app, ["clips", "import", str(path)])
    assert result.exit_code == 0, result.output


def test_library_calls_is_one_source_among_three(cli_env, tmp_path):
    both = runner.invoke(
        app, ["evaluate", "--scenario", SCENARIO, "--library-calls", "--transcripts", str(tmp_path)]
    )
    assert both.exit_code == 1 and "--library-calls" in both.output
    alone = runner.invoke(
        app, ["evaluate", "--scenario", SCENARIO, "--transcript", "x.txt", "--since", "2026-01-01"]
    )
    assert alone.exit_code == 1 and "--since goes with --library-calls" in alone.output


def test_a_rep_is_refused(cli_env):
    result = runner.invoke(
        app, ["evaluate", "--scenario", SCENARIO, "--library-calls", "--user", "rep"]
    )
    assert result.exit_code == 1 and "rep may not" in result.output


@pytest.mark.models
def test_library_calls_scored_as_json_and_as_text(cli_env, tmp_path):
    _import(tmp_path, "march-call", "2026-03-02")
    _import(tmp_path, "january-call", "2026-01-10")
    result = runner.invoke(
        app,
        ["evaluate", "--scenario", SCENARIO, "--library-calls", "--since", "2026-03-01", "--json"],
    )
    assert result.exit_code == 0, result.output
    bulk = json.loads(result.stdout)
    assert [c["title"] for c in bulk["calls"]] == ["march-call"]
    points = {p["id"]: p["status"] for p in bulk["calls"][0]["key_points"]}
    assert points["greeting_intro"] == "hit"
    assert bulk["summary"]["key_points"]["greeting_intro"]["hit_rate"] == 1.0
    text = runner.invoke(app, ["evaluate", "--scenario", SCENARIO, "--library-calls"]).output
    assert "2/2 calls scored" in text and "march-call" in text and "january-call" in text
    assert "greeting_intro: hit 100%" in text and "calls/s" in text
