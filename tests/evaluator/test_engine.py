import pytest

from coach.backends.fake import FakeEmbedder
from coach.evaluator import EvaluationResult, Evaluator, Thresholds
from coach.transcripts import Transcript, Turn

GOOD = [
    ("customer", "Hello?"),
    ("rep", "Hi, this is Alex from FleetFlow. This call may be recorded."),
    ("customer", "Sure, go ahead."),
    ("rep", "How do you handle quotes today?"),
    ("customer", "Email and spreadsheets."),
    ("rep", "Could we meet Tuesday at 10am?"),
]


def _transcript(turns, language="en", timed=False):
    out, clock = [], 0.0
    for speaker, text in turns:
        turn = {"speaker": speaker, "text": text}
        if timed:
            turn |= {"start": clock, "end": clock + 2.0}
            clock += 2.5
        out.append(Turn(**turn))
    return Transcript(language=language, turns=out)


def _evaluate(scenario, turns, mode="freeform", **kw):
    return Evaluator(FakeEmbedder()).evaluate(scenario, _transcript(turns, **kw), mode=mode)


def test_result_matches_the_design_contract(scenario):
    result = _evaluate(scenario, GOOD, timed=True)
    EvaluationResult.model_validate(result)
    assert result["score"] == 100.0
    assert set(result["delivery"]) >= {
        "talk_ratio",
        "words_per_minute",
        "filler_count",
        "questions",
        "longest_monologue_s",
    }
    assert result["delivery"]["estimated"] == []
    assert result["profile"]["opening"] == 100.0 and "delivery" in result["profile"]
    assert result["feedback"]["strengths"] and result["compliance"] == []


def test_missing_required_point_caps_the_score(scenario):
    result = _evaluate(scenario, GOOD[:5])
    assert result["score"] == 60.0
    assert any("next_step" in note for note in result["score_notes"])
    assert any(line.startswith("Required") for line in result["feedback"]["improvements"])


def test_forbidden_phrases_with_turn_and_reason(scenario):
    turns = [
        *GOOD,
        ("rep", "Results are guaranteed."),
        ("rep", "We can't guarantee anything, to be honest."),
    ]
    result = _evaluate(scenario, turns)
    assert [(v["phrase"], v["turn"]) for v in result["compliance"]] == [("guaranteed", 6)]
    assert result["compliance"][0]["reason"] == "no guarantees"
    assert result["score"] == 90.0


def test_feedback_quotes_the_rep_and_suggests_a_line(scenario):
    turns = [
        ("rep", "Hi, this is Alex from FleetFlow."),
        ("rep", "So you handle quotes today by email, right?"),
    ]
    # The fake embedder only sees word overlap: lower the phrase cut-offs so the yes/no
    # version of the open question counts as on topic.
    lenient = Thresholds(phrase_hit=0.6, phrase_partial=0.5)
    result = Evaluator(FakeEmbedder(), thresholds=lenient).evaluate(scenario, _transcript(turns))
    improvement = next(line for line in result["feedback"]["improvements"] if "Turn 1" in line)
    assert "right?" in improvement and "open question" in improvement and "Try:" in improvement


def test_readalong_marks_tokens(scenario):
    turns = [
        (
            "rep",
            "Hi this is Alex from Fleet Flow. This call may be recorded. How do you handle quote today?",
        )
    ]
    result = _evaluate(scenario, turns, mode="readalong")
    reading = result["readalong"]
    assert 0.85 < reading["accuracy"] < 1.0
    assert reading["substituted"][0]["expected"] == "quotes"
    assert [line["line"] for line in reading["lines"]] == [0, 1, 2]
    assert reading["lines"][0]["accuracy"] == 1.0


def test_readalong_chinese_homophones_are_not_errors(zh_scenario):
    turns = [("rep", "您好我是启航留学的陈老师，孩子的目标份数是多少")]
    result = _evaluate(zh_scenario, turns, mode="readalong", language="zh")
    assert result["readalong"]["accuracy"] == 1.0 and result["readalong"]["homophones"] == 1


def test_recitation_must_say_and_coverage(scenario):
    result = _evaluate(
        scenario,
        [("rep", "Hi, this is Alex from FleetFlow. How do you handle quotes today?")],
        mode="recitation",
    )
    rec = result["recitation"]
    assert {m["phrase"]: m["status"] for m in rec["must_say"]} == {
        "FleetFlow": "exact",
        "this call may be recorded": "missing",
    }
    assert 0.3 < rec["coverage"] < 0.9
    assert rec["stage_order"] == ["opening", "discovery"]


def test_chinese_scorecard_in_chinese(zh_scenario):
    result = _evaluate(
        zh_scenario, [("rep", "您好，我是启航留学的陈老师"), ("rep", "这个课程保过")], language="zh"
    )
    assert result["compliance"][0]["phrase"] == "保过"
    assert any("第" in line for line in result["feedback"]["improvements"])
    assert result["delivery"]["rate_unit"] == "characters_per_minute"


def test_unknown_mode(scenario):
    with pytest.raises(ValueError, match="unknown mode"):
        _evaluate(scenario, GOOD, mode="karaoke")
