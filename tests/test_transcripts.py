import json

import pytest

from coach.errors import ContentError
from coach.transcripts import guess_language, load_transcript, parse_json, parse_plain_text


def test_plain_text_with_default_rep_names_and_continuations():
    t = parse_plain_text("Rep: Good morning,\nis this a good time?\nCustomer: Sure.\n\nRep: Great.")
    assert [(x.speaker, x.text) for x in t.turns] == [
        ("rep", "Good morning, is this a good time?"),
        ("customer", "Sure."),
        ("rep", "Great."),
    ]
    assert t.language == "en"


def test_chinese_full_width_colon_and_named_rep():
    t = parse_plain_text("销售：您好，请问是张女士吗？\n客户：是我，什么事？")
    assert t.language == "zh" and [x.speaker for x in t.turns] == ["rep", "customer"]
    named = parse_plain_text("Alex: Hi\nMs Li: Hello", rep="alex")
    assert [x.speaker for x in named.turns] == ["rep", "customer"]


def test_plain_text_errors_say_what_to_do():
    with pytest.raises(ContentError, match="--rep NAME"):
        parse_plain_text("Alex: Hi\nMs Li: Hello")
    with pytest.raises(ContentError, match="expected a line like"):
        parse_plain_text("just words\nRep: hi", source="t.txt")
    with pytest.raises(ContentError, match="no turns"):
        parse_plain_text("\n\n")


def test_json_transcript_and_errors(tmp_path):
    good = {
        "language": "en",
        "turns": [
            {"speaker": "rep", "text": "Hi", "start": 0.0, "end": 1.2},
            {"speaker": "customer", "text": "Yes?"},
        ],
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(good))
    t = load_transcript(path)
    assert t.turns[0].duration == pytest.approx(1.2) and t.turns[1].duration is None
    assert t.rep_turns() == [(0, t.turns[0])]
    with pytest.raises(ContentError, match="invalid JSON"):
        parse_json("{not json", source="x.json")
    with pytest.raises(ContentError, match="before start"):
        parse_json(
            json.dumps(
                {"language": "en", "turns": [{"speaker": "rep", "text": "a", "start": 2, "end": 1}]}
            )
        )
    no_language = {"turns": [{"speaker": "Agent", "text": "你好，我是小王"}]}
    assert parse_json(json.dumps(no_language), rep="agent").turns[0].speaker == "rep"
    assert parse_json(json.dumps(no_language)).language == "zh"


def test_guess_language():
    assert guess_language("Hello there") == "en"
    assert guess_language("你好 CRM 系统") == "zh"


def test_json_call_metadata_is_accepted_as_the_clip_import_accepts_it():
    """A call file with title/date/outcome/scenario (clip-import format) evaluates too."""
    doc = {
        "title": "Discovery call, week 3",
        "date": "2026-11-30",
        "outcome": "agreed",
        "scenario": "crm-logistics-discovery",
        "turns": [
            {"speaker": "rep", "text": "Hi, this is Sam from Acme Payroll."},
            {"speaker": "customer", "text": "Hello."},
        ],
    }
    transcript = parse_json(json.dumps(doc))
    assert transcript.language == "en"
    assert transcript.turns[0].text == "Hi, this is Sam from Acme Payroll."
    zh = parse_json(
        json.dumps({"title": "回访", "turns": [{"speaker": "rep", "text": "您好，我是小周。"}]})
    )
    assert zh.language == "zh"
    with pytest.raises(ContentError) as err:
        parse_json(json.dumps({"titel": "typo", "turns": []}))
    assert "titel" in str(err.value)
