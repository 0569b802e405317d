"""Scoring a folder of calls against one scenario: per-call results, hit rates, throughput."""

import json

from typer.testing import CliRunner

from coach.backends.fake import FakeEmbedder
from coach.cli import app
from coach.services.evaluation import evaluate_folder
from tests.conftest import SEEDS

CRM = SEEDS / "scenarios" / "crm-logistics-discovery.yaml"
CALL = {
    "language": "en",
    "turns": [
        {"speaker": "rep", "text": "Hi Dana, this is Alex from FleetFlow. Is now a good time?"},
        {"speaker": "customer", "text": "Sure."},
        {"speaker": "rep", "text": "How do your reps track quotes today?"},
    ],
}


def _folder(tmp_path):
    folder = tmp_path / "calls"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(CALL))
    (folder / "b.txt").write_text("Rep: Hi, this is Alex from FleetFlow.\nCustomer: Hello.\n")
    (folder / "robot.json").write_text(
        json.dumps({"language": "en", "turns": [{"speaker": "robot", "text": "Hi"}]})
    )
    (folder / "notes.md").write_text("not a transcript")
    return folder


def test_folder_is_scored_call_by_call(tmp_path):
    bulk = evaluate_folder(
        None, scenario=str(CRM), folder=_folder(tmp_path), embedder=FakeEmbedder()
    )
    files = [call["file"] for call in bulk["calls"]]
    assert files == ["a.json", "b.txt", "robot.json"]
    assert "no turn by the rep" in bulk["calls"][2]["error"]
    summary = bulk["summary"]
    assert summary["scored"] == 2 and summary["failed"] == 1
    assert summary["calls_per_second"] > 0
    assert set(summary["key_points"]) == {p["id"] for p in bulk["calls"][0]["key_points"]}


def test_cli_needs_exactly_one_of_transcript_or_transcripts(tmp_path):
    runner = CliRunner()
    neither = runner.invoke(app, ["evaluate", "--scenario", str(CRM)])
    assert neither.exit_code == 1 and "--transcripts FOLDER" in neither.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["evaluate", "--scenario", str(CRM), "--transcripts", str(empty)])
    assert result.exit_code == 1 and "no transcripts" in result.output
