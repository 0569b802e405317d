"""`coach evaluate` refuses input it cannot score, with a line that says what to do."""

import json

import pytest
from typer.testing import CliRunner

from coach.cli import app
from coach.errors import ContentError
from coach.transcripts import MAX_CHARS, MAX_TURNS, Transcript, Turn, check_scorable
from tests.conftest import SEEDS

runner = CliRunner()
CRM = SEEDS / "scenarios" / "crm-logistics-discovery.yaml"
IELTS = SEEDS / "scenarios" / "study-abroad-ielts-zh.yaml"


def _evaluate(tmp_path, content, *extra, name="t.json", scenario=CRM):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return runner.invoke(
        app, ["evaluate", "--scenario", str(scenario), "--transcript", str(path), *extra]
    )


@pytest.mark.parametrize(
    "content",
    [
        {"language": "en"},
        {"language": "en", "turns": []},
    ],
)
def test_json_without_turns_is_refused(tmp_path, content):
    result = _evaluate(tmp_path, content)
    assert result.exit_code == 1
    assert "no turns" in result.output and '"speaker": "rep"' in result.output


def test_json_without_a_rep_turn_says_use_rep(tmp_path):
    content = {
        "language": "en",
        "turns": [
            {"speaker": "robot", "text": "Hi, this is Alex from FleetFlow."},
            {"speaker": "customer", "text": "Hello."},
        ],
    }
    result = _evaluate(tmp_path, content)
    assert result.exit_code == 1
    assert "no turn by the rep" in result.output and "--rep NAME" in result.output
    assert "robot" in result.output


@pytest.mark.models
def test_rep_option_names_the_rep_in_json(tmp_path):
    content = {
        "language": "en",
        "turns": [
            {"speaker": "robot", "text": "Hi, this is Alex from FleetFlow."},
            {"speaker": "customer", "text": "Hello."},
        ],
    }
    assert _evaluate(tmp_path, content, "--rep", "robot", "--json").exit_code == 0


def test_list_gets_the_expected_shape(tmp_path):
    result = _evaluate(tmp_path, "[1,2,3]")
    assert result.exit_code == 1
    assert "expected a JSON object" in result.output and "found a list" in result.output
    assert "valid dictionary" not in result.output


@pytest.mark.parametrize("name", ["t.json", "t.txt"])
def test_empty_file_says_it_is_empty(tmp_path, name):
    result = _evaluate(tmp_path, "  \n", name=name)
    assert result.exit_code == 1 and "empty" in result.output


def test_language_mismatch_is_refused_both_ways(tmp_path):
    chinese = {
        "language": "zh",
        "turns": [{"speaker": "rep", "text": "您好，我是启航留学的陈老师，孩子想考多少分？"}],
    }
    result = _evaluate(tmp_path, chinese)
    assert result.exit_code == 1
    assert "Chinese (zh)" in result.output and "English (en)" in result.output
    assert "--force-language" in result.output
    english_text = "Rep: Hi, this is Alex from FleetFlow. How do you quote today?\nCustomer: Email."
    result = _evaluate(tmp_path, english_text, name="t.txt", scenario=IELTS)
    assert result.exit_code == 1 and "--force-language" in result.output


def test_declared_language_must_match_too():
    transcript = Transcript(
        language="zh", turns=[Turn(speaker="rep", text="Hello there, how are you?")]
    )
    with pytest.raises(ContentError, match="says it is in Chinese"):
        check_scorable(transcript, source="t.json", language="en")


@pytest.mark.models
def test_force_language_scores_anyway(tmp_path):
    chinese = {"language": "zh", "turns": [{"speaker": "rep", "text": "您好，我是陈老师。"}]}
    result = _evaluate(tmp_path, chinese, "--force-language", "--json")
    assert result.exit_code == 0, result.output


def test_too_many_turns_or_characters_is_refused(tmp_path):
    turns = [
        {"speaker": "rep" if i % 2 else "customer", "text": "ok"} for i in range(MAX_TURNS + 1)
    ]
    result = _evaluate(tmp_path, {"language": "en", "turns": turns})
    assert result.exit_code == 1 and f"{MAX_TURNS}" in result.output and "split" in result.output
    big = Transcript(
        language="en", turns=[Turn(speaker="rep", text="word " * (MAX_CHARS // 5 + 1))]
    )
    with pytest.raises(ContentError, match="characters"):
        check_scorable(big, source="t.json", language="en")


def test_control_characters_in_messages_are_escaped(tmp_path):
    content = {"language": "en", "turns": [{"speaker": "x\x1b[2Jy", "text": "Hello, how are you?"}]}
    result = _evaluate(tmp_path, content)
    assert result.exit_code == 1 and "\x1b" not in result.output and "\\x1b" in result.output


def test_scorecard_escapes_evidence():
    from coach.cli.evaluation import format_scorecard

    result = {
        "score": 50.0,
        "scenario": "s",
        "mode": "freeform",
        "language": "en",
        "key_points": [
            {"id": "a", "status": "hit", "turn": 0, "evidence": "Hi\x1b]0;pwned\x07 \u202eevil"}
        ],
        "delivery": {"filler_count": 0, "questions": 0, "longest_monologue_s": None},
        "compliance": [],
        "profile": {},
        "feedback": {"strengths": ["said \x1b[31mred"], "improvements": []},
    }
    text = format_scorecard(result)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b" in text and "\\u202e" in text


def test_scorecard_says_when_the_detector_is_unsure():
    from coach.cli.evaluation import format_scorecard

    result = {
        "score": 0.0,
        "scenario": "s",
        "mode": "freeform",
        "language": "zh",
        "key_points": [
            {"id": "a", "status": "missed", "turn": None, "evidence": None, "low_confidence": True}
        ],
        "delivery": {"filler_count": 0, "questions": 0, "longest_monologue_s": None},
        "compliance": [],
        "profile": {},
        "feedback": {"strengths": [], "improvements": []},
    }
    assert "把握不大" in format_scorecard(result)
    assert "low confidence" in format_scorecard(result | {"language": "en"})
