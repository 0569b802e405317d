import json

import pytest
from typer.testing import CliRunner

from coach.cli import app

runner = CliRunner()
pytestmark = pytest.mark.models

GOOD_EN = """Hi Dana, this is Alex Moreno from FleetFlow. Did I catch you at an okay time?
Walk me through what happens when a shipper emails you for a rate on a new lane?
You said quotes sit for two days. How many slip through in a month?
You told me quotes die in inboxes. In FleetFlow every RFQ gets an owner and a four-hour clock.
Northline Freight went from two days to four hours on quote turnaround.
That's fair. What if we start with a free 30-day pilot for ten users? If it doesn't help, you walk away.
Could we book thirty minutes on Thursday at 10 with you and Priya?
How about Friday at 2pm then?
"""


@pytest.fixture
def initialised():
    assert runner.invoke(app, ["init", "--no-index"]).exit_code == 0


def test_scripted_run_with_json(initialised, tmp_path):
    turns = tmp_path / "turns.txt"
    turns.write_text(GOOD_EN)
    result = runner.invoke(
        app,
        [
            "practice",
            "--scenario",
            "crm-logistics-discovery",
            "--input",
            str(turns),
            "--json",
            "--seed",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"session_id", "turns", "ended_by", "evaluation"}
    assert data["ended_by"] in ("agreement", "hangup", "input_exhausted")
    assert data["turns"][0]["speaker"] == "customer" and data["turns"][1]["speaker"] == "rep"
    assert data["evaluation"]["key_points"] and "score" in data["evaluation"]


@pytest.mark.parametrize("mode", ["readalong", "recitation", "scripted", "freeform"])
def test_every_mode_in_chinese(initialised, tmp_path, mode):
    turns = tmp_path / "turns.txt"
    turns.write_text(
        "您好，我是启航留学语培的陈老师。\n孩子雅思目标是多少分？\n明天下午三点给孩子安排试听课可以吗？\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "practice",
            "--scenario",
            "study-abroad-ielts-zh",
            "--mode",
            mode,
            "--input",
            str(turns),
            "--json",
            "--user",
            "rep-zh",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["evaluation"]["mode"] == mode and data["evaluation"]["language"] == "zh"
    assert data["ended_by"] in ("agreement", "hangup", "input_exhausted", "completed")


def test_interactive_session_in_the_terminal(initialised):
    result = runner.invoke(
        app,
        ["practice", "--scenario", "crm-logistics-discovery", "--mode", "scripted"],
        input="Hi, this is Alex from FleetFlow. Is now a good time?\n/end\n",
    )
    assert result.exit_code == 0, result.output
    assert "customer>" in result.output and "Score:" in result.output


def test_audio_turns_from_a_folder_of_recordings(initialised, tmp_path):
    folder = tmp_path / "turns"
    folder.mkdir()
    lines = ["Hi Dana, this is Alex from FleetFlow.", "How do you handle quotes today?"]
    for number, line in enumerate(lines):
        spoken = runner.invoke(
            app, ["speak", line, "--language", "en", "--out", str(folder / f"{number:02d}.wav")]
        )
        assert spoken.exit_code == 0, spoken.output
    result = runner.invoke(
        app,
        ["practice", "--scenario", "crm-logistics-discovery", "--audio-dir", str(folder), "--json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rep_turns = [t for t in data["turns"] if t["speaker"] == "rep"]
    assert len(rep_turns) == 2 and "fleet" in rep_turns[0]["text"].lower()
    assert rep_turns[1]["end"] > 0


def _sessions(user: str = "rep"):
    from coach.services.runtime import open_runtime
    from coach.store.models import PracticeSessionRow

    runtime = open_runtime()
    try:
        with runtime.transaction() as session:
            return [(row.status, row.ended_by) for row in session.query(PracticeSessionRow)]
    finally:
        runtime.close()


def test_end_in_an_input_file_ends_the_call_there(initialised, tmp_path):
    turns = tmp_path / "turns.txt"
    turns.write_text("Hi Dana, this is Alex from FleetFlow. Is now a good time?\n/end\nNever sent.\n")
    result = runner.invoke(
        app, ["practice", "--scenario", "crm-logistics-discovery", "--input", str(turns), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rep = [t["text"] for t in data["turns"] if t["speaker"] == "rep"]
    assert rep == ["Hi Dana, this is Alex from FleetFlow. Is now a good time?"]
    assert data["ended_by"] == "rep"
    assert _sessions() == [("completed", "rep")]


def test_a_turn_that_fails_mid_run_ends_the_session(initialised, tmp_path):
    folder = tmp_path / "turns"
    folder.mkdir()
    (folder / "01.wav").write_bytes(b"RIFF not really a wav file")
    result = runner.invoke(
        app, ["practice", "--scenario", "crm-logistics-discovery", "--audio-dir", str(folder)]
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "was ended" in result.output
    assert _sessions() == [("completed", "error")]


def test_customer_and_scorecard_text_is_printed_terminal_safe(initialised, tmp_path):
    turns = tmp_path / "turns.txt"
    turns.write_text("Hi Dana\x1b]0;owned\x07, this is Alex from FleetFlow 👋. Is now a good time?\n")
    result = runner.invoke(
        app, ["practice", "--scenario", "crm-logistics-discovery", "--input", str(turns)]
    )
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "Score:" in result.output
