import pytest
from pydantic import ValidationError

from coach.backends.fake import FakeEmbedder
from coach.evaluator import KeyPointDetector
from coach.evaluator.parts import act_present, missing_parts, part_present
from coach.scenarios.model import KeyPoint, KeyPointPart, Scenario
from coach.transcripts import Transcript, Turn

GREETING = KeyPoint(
    id="greeting",
    description="Gives the rep's own name and the company, and checks it's a good time.",
    examples=[
        "Hi Dana, this is Alex from FleetFlow. Did I catch you at an okay time?",
        "Hi Dana, this is Alex from FleetFlow.",
    ],
    parts=[
        KeyPointPart(id="own_name", act="self_intro"),
        KeyPointPart(id="company", any=["FleetFlow"], description="the company name"),
        KeyPointPart(id="time_check", act="time_check"),
    ],
)


def test_a_part_needs_phrases_or_an_act():
    with pytest.raises(ValidationError, match="needs 'any' phrases or an 'act'"):
        KeyPointPart(id="empty")
    with pytest.raises(ValidationError):
        KeyPointPart(id="bad", act="mind_reading")


def test_parts_needed_cannot_exceed_the_parts():
    with pytest.raises(ValidationError, match="parts_needed is 3"):
        KeyPoint(
            id="p",
            description="d",
            parts=[KeyPointPart(id="a", any=["x"]), KeyPointPart(id="b", any=["y"])],
            parts_needed=3,
        )
    with pytest.raises(ValidationError, match="part id twice"):
        KeyPoint(
            id="p",
            description="d",
            parts=[KeyPointPart(id="a", any=["x"]), KeyPointPart(id="a", any=["y"])],
        )


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("Hi Dana, this is Alex from FleetFlow. Have you got five minutes?", []),
        ("hi dana um this is alex moreno with fleet flow uh is now an ok time", []),
        ("Hi, it's FleetFlow here. Is now a good time?", ["own name"]),
        ("Hi Dana, this is Alex. Can I have eight minutes?", ["the company name"]),
        ("Good morning Ms. Okafor, I'm calling from FleetFlow.", ["own name", "time check"]),
    ],
)
def test_greeting_parts_in_english(text, missing):
    assert missing_parts(GREETING, text, "en") == missing


def test_chinese_phrases_match_by_pinyin_so_homophones_count():
    clinic = KeyPointPart(id="clinic", any=["青岚"])
    assert part_present(clinic, "我这边是青蓝植发的咨询顾问林悦", "zh")
    assert not part_present(clinic, "我这边是北京植发的咨询顾问林悦", "zh")


@pytest.mark.parametrize(
    ("act", "text", "language", "expected"),
    [
        ("self_intro", "我是青岚植发的林悦。", "zh", True),
        ("self_intro", "青岚植发的林悦，您在网上填过表。", "zh", True),
        ("self_intro", "您好，青岚植发。", "zh", False),
        ("time_check", "您现在说话方便吗？", "zh", True),
        ("time_check", "Is now all right, or would later be better?", "en", True),
        ("two_times", "这周六上午十点有一节，下周二晚上七点半也有一节。", "zh", True),
        ("two_times", "周六上午十点有一节，你有空就来。", "zh", False),
        ("two_times", "I've got Thursday at six or Saturday at eleven.", "en", True),
        ("concrete_time", "How about Thursday, 10 a.m. Central?", "en", True),
        ("concrete_time", "Does Saturday morning work?", "en", False),
        ("figure", "约百分之六十八的学员提了1分以上。", "zh", True),
        ("acknowledgement", "That's a fair worry.", "en", True),
        ("question", "之前有系统学过雅思吗？", "zh", True),
    ],
)
def test_built_in_acts(act, text, language, expected):
    exclude = ["青岚"] if language == "zh" else []
    assert act_present(act, text, language, exclude=exclude) is expected


def test_customer_words_act_needs_the_customers_own_words():
    worry = "I'm a nurse and the bright lights at work show my scalp."
    assert act_present(
        "customer_words", "Those bright lights every shift must sting.", "en", customer_before=worry
    )
    assert not act_present("customer_words", "I understand.", "en", customer_before=worry)


def test_some_of_parts_when_parts_needed_is_lower():
    point = KeyPoint(
        id="schedule_budget",
        description="至少问到时间、决策人、预算中的两项。",
        parts=[
            KeyPointPart(id="time", any=["每周", "几个晚上"]),
            KeyPointPart(id="decider", any=["谁定", "拿主意"]),
            KeyPointPart(id="budget", any=["预算"]),
        ],
        parts_needed=2,
    )
    assert missing_parts(point, "每周能空出几个晚上？报课是您定还是孩子拿主意？", "zh") == []
    assert missing_parts(point, "每周能空出几个晚上？", "zh") == ["decider", "budget"]


def _scenario(point: KeyPoint) -> Scenario:
    return Scenario(id="s", title="S", language="en", key_points=[point])


def _detect(point, *turns):
    transcript = Transcript(language="en", turns=[Turn(speaker=s, text=t) for s, t in turns])
    return KeyPointDetector(FakeEmbedder()).detect(_scenario(point), transcript)[0]


def test_detector_marks_a_greeting_without_the_company_partial_and_says_what_is_missing():
    result = _detect(
        GREETING, ("rep", "Hi Dana, this is Alex from our team. Did I catch you at an okay time?")
    )
    assert result.status == "partial"
    assert result.missing_acts == ["the company name"]


def test_parts_may_be_spread_over_the_next_rep_turn():
    result = _detect(
        GREETING,
        ("rep", "Hi Dana, this is Alex from FleetFlow."),
        ("customer", "Oh, hi."),
        ("rep", "Did I catch you at an okay time?"),
    )
    assert result.status == "hit" and result.turn == 0


def test_a_declined_clause_does_not_cancel_the_rest_of_the_turn():
    point = KeyPoint(
        id="schedule_budget",
        description="Asks about two of: time per week, who decides, budget.",
        examples=["How many evenings a week can you study, and who decides on the course?"],
        parts=[
            KeyPointPart(id="time", any=["evenings", "hours a week"]),
            KeyPointPart(id="decider", any=["who decides", "your call"]),
            KeyPointPart(id="budget", any=["budget"]),
        ],
        parts_needed=2,
    )
    said = "How many evenings a week can you study? I won't ask about budget today, but who decides on the course?"
    result = _detect(point, ("rep", said))
    assert result.status == "hit"
