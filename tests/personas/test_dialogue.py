"""The small readers of a rep turn and of a customer line (coach.personas.dialogue)."""

import pytest

from coach.personas.dialogue import (
    DialogueState,
    analyse,
    heard,
    line_problem,
    numbers,
)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("asdf qwer zxcv", "en", "gibberish"),
        ("x" * 20000, "en", "gibberish"),
        ("blah blah blah blah", "en", "gibberish"),
        ("", "en", "silence"),
        ("   ", "zh", "silence"),
        ("啊吧啊吧", "zh", "gibberish"),
        ("嗯嗯嗯嗯嗯嗯嗯嗯", "zh", "gibberish"),
        ("qwer asdf", "zh", "gibberish"),
        ("您好，我想了解一下你们现在怎么管理报价。", "en", "other_language"),
        ("Hi, could you tell me when your hair started thinning?", "zh", "other_language"),
        ("Hi Marcus, this is Alex with FleetFlow, did I catch you at a", "en", "cut_off"),
        ("So what I wanted to ask is, how do you—", "en", "cut_off"),
        ("我想问一下您的头发是从……", "zh", "cut_off"),
        ("您好，我是青岚植发的", "zh", "cut_off"),
        ("Hi Dana, this is Priya from FleetFlow. Is now a good time?", "en", "ok"),
        ("您的预算大概是多少？", "zh", "ok"),
        ("Okay.", "en", "ok"),
    ],
)
def test_heard_tells_what_cannot_be_understood(text, language, expected):
    assert heard(text, language) == expected


def test_numbers_read_digits_words_and_chinese_numerals():
    assert numbers("一万一千八？这也太贵了吧", "zh") == [11800]
    assert numbers("两三万啊", "zh") == [20000, 30000]
    assert numbers("十二块？贵了。人家八块。", "zh") == [12, 8]
    assert 400000 in numbers("about four hundred grand a year", "en")
    assert numbers("Two fifty a graft", "en") == [2, 50]
    assert {2.5, 3500, 15000} <= set(numbers("£2.50 per graft, $3,500 and 15k", "en"))


def test_analyse_reads_the_introduction_and_every_question_topic():
    turn = analyse(
        "Hi Dana, this is Priya from FleetFlow, you filled in our form. Is now a good time?",
        "en",
        ["FleetFlow"],
        set(),
    )
    assert turn.greeted and turn.named and turn.company and turn.reason
    assert turn.topics == ["good_time"]
    multi = analyse(
        "How many people do you have, what do you use today to track quotes, and what's your budget?",
        "en",
        [],
        set(),
    )
    assert multi.topics[:3] == ["budget", "team", "current"]
    zh = analyse(
        "您好，我是青岚植发的顾问小周，您预算大概多少？是您自己拍板吗？", "zh", ["青岚"], set()
    )
    assert zh.named and zh.company and zh.topics[:2] == ["budget", "authority"]


def _problem(line, language="en", **said):
    state = DialogueState()
    for key, value in said.items():
        setattr(state, key, value)
    return line_problem(
        line,
        language,
        state,
        turn=3,
        rep_text_so_far=" ".join(said.get("texts", [])),
        own_numbers=[5000],
        name_tokens=["Alex"],
    )


def test_lines_that_presuppose_what_was_never_said_are_refused():
    assert "who is calling" in _problem("Sorry, who's calling?", named=True)
    assert "greets" in _problem("Hi there. Go ahead.")
    assert "video" in _problem("Right, let's do the video one first.")
    assert _problem("Could we start with a video call?") is None  # asking is fine
    assert _problem("一万一千八？这也太贵了吧", "zh") is not None
    assert "day" in _problem("Go on then, put me down for the Saturday.")
    assert _problem("Go on then, put me down for the Saturday.", days=["saturday"]) is None
    assert "figure" in _problem("Twelve years is a long time.")
    assert _problem("I couldn't just hand over five grand.") is None  # the card's own figure
    assert "Alex" in _problem("Alright, Alex. What's on your mind?")
    assert _problem("I've only got ten minutes.") is None  # call time is not a fact


def test_asking_for_a_little_off_the_price_is_not_offering_one_oclock():
    """The rep's "便宜一点" (a little cheaper) once read as a clock time, so the customer
    heard a meeting offer at one o'clock; "by 20%" read as "by 20" the same way."""
    zh = analyse("能不能再便宜一点？", "zh", [], set())
    assert zh.slots == [] and not zh.proposes
    en = analyse("Could you knock it down by 20% if we start Thursday?", "en", [], set())
    assert en.slots == [] and en.days == ["thursday"]
    offer = analyse("这周六上午十点可以吗？", "zh", [], set())
    assert offer.slots == ["十点"] and offer.proposes
