"""Plain points that forbid an act ("does not guarantee", "不承诺") and "why I am calling" points."""

import pytest

from coach.backends.fake import FakeEmbedder
from coach.evaluator.keypoints import KeyPointDetector
from coach.evaluator.plain_points import asks_call_reason, states_call_reason
from coach.evaluator.prohibitions import asks_more, is_prohibition, violates
from coach.scenarios.model import KeyPoint, Scenario
from coach.transcripts import Transcript, Turn

EN = Scenario.model_validate(
    {
        "id": "roofing",
        "title": "Roofing",
        "language": "en",
        "key_points": [
            {
                "id": "reason",
                "description": "The rep says why they are calling.",
                "examples": ["I'm reaching out because we re-roofed two houses on your street."],
            },
            {
                "id": "honest",
                "description": "The rep does not guarantee a price or savings.",
                "examples": ["I can't promise a number before we see the roof."],
            },
        ],
    }
)
ZH = Scenario.model_validate(
    {
        "id": "dental",
        "title": "口腔门诊回访",
        "language": "zh",
        "key_points": [
            {
                "id": "reason",
                "description": "销售说明来电原因，比如复查提醒。",
                "examples": ["系统显示您该复查了，给您打个电话提醒一下。"],
            },
            {
                "id": "no-pressure",
                "description": "销售不施压、不夸大效果。",
                "examples": ["您不着急，看时间合适再来。"],
            },
        ],
    }
)


def _detect(scenario, turns):
    transcript = Transcript(
        language=scenario.language, turns=[Turn(speaker=s, text=t) for s, t in turns]
    )
    return {r.id: r for r in KeyPointDetector(FakeEmbedder()).detect(scenario, transcript)}


def _point(description):
    return KeyPoint(id="p", description=description, examples=[])


@pytest.mark.parametrize(
    "description, forbids, more",
    [
        ("The rep does not guarantee rates, capacity or transit times.", True, False),
        ("The rep never promises a result.", True, False),
        ("The rep does not promise a price and explains what sets the quote.", True, True),
        ("销售不承诺具体效果。", True, False),
        ("销售不施压、不夸大优惠。", True, False),
        ("The rep asks an open question about the current process.", False, False),
        ("销售约定具体的到店日期和时间。", False, False),
    ],
)
def test_prohibition_points_are_read_from_the_description(description, forbids, more):
    point = _point(description)
    assert is_prohibition(point) is forbids
    assert asks_more(point) is more


@pytest.mark.parametrize(
    "sentence, language, broken",
    [
        ("We can guarantee you the lowest rate.", "en", True),
        ("we'll definitely save you money", "en", True),
        ("I'm not going to promise anything before I see it.", "en", False),
        ("I can't guarantee a number over the phone.", "en", False),
        ("保证你一个月见效", "zh", True),
        ("肯定 能 好", "zh", True),
        ("效果因人而异，我不能跟您打包票", "zh", False),
        ("这个价格 今天是 最后一天", "zh", True),
        ("过了 这个月 就没了", "zh", True),
        ("您不着急，看时间合适再来", "zh", False),
    ],
)
def test_violations_are_promises_or_pressure_not_denials(sentence, language, broken):
    description = (
        "销售不施压、不夸大效果，不承诺。"
        if language == "zh"
        else "The rep does not guarantee a price."
    )
    assert violates(_point(description), sentence, language) is broken


def test_pressure_counts_only_when_the_point_names_pressure():
    only_promises = _point("销售不承诺具体效果。")
    assert not violates(only_promises, "活动今天是最后一天", "zh")
    assert violates(_point("销售不施压。"), "活动今天是最后一天", "zh")


def test_a_price_figure_breaks_a_no_price_rule_only():
    assert violates(
        _point("The rep does not promise a price."), "it's about 300 bucks a month", "en"
    )
    assert not violates(_point("The rep does not guarantee capacity."), "about 300 bucks", "en")


def test_a_kept_rule_is_a_hit_and_a_broken_one_a_miss_with_its_sentence():
    kept = _detect(
        EN,
        [
            ("rep", "Hi, this is Sam."),
            ("customer", "What's it cost?"),
            ("rep", "It depends on the roof, I'd need to see it first."),
        ],
    )
    assert kept["honest"].status == "hit"
    broken = _detect(
        ZH,
        [
            ("rep", "您好，我是小王。"),
            ("customer", "什么事？"),
            ("rep", "我们这个活动 今天是 最后一天 过了就 没有了"),
        ],
    )
    assert broken["no-pressure"].status == "missed"
    assert broken["no-pressure"].turn == 2
    assert "最后一天" in (broken["no-pressure"].evidence or "")


@pytest.mark.parametrize(
    "text, language, says",
    [
        ("I'm calling about the quote request you sent", "en", True),
        ("just following up on the form from last week", "en", True),
        ("I wanted to see how your cleaning is handled", "en", True),
        ("What do you use today?", "en", False),
        ("所以 给您 打个电话", "zh", True),
        ("我这边跟您做个回访", "zh", True),
        ("是这样，我们店这个月有个活动", "zh", True),
        ("您的卡快到期了", "zh", True),
        ("到时候我再给您打电话", "zh", False),
        ("您平时几点下班？", "zh", False),
    ],
)
def test_reasons_for_the_call(text, language, says):
    assert states_call_reason(text, language) is says


def test_a_stated_reason_hits_the_reason_point_in_both_languages():
    assert asks_call_reason(EN.key_points[0]) and asks_call_reason(ZH.key_points[0])
    assert not asks_call_reason(_point("The rep says their own name and why they are calling."))
    en = _detect(EN, [("rep", "hey its sam i was calling about your roof after the storm")])
    assert en["reason"].status == "hit"
    zh = _detect(ZH, [("rep", "您好 您上次 来做了 洗牙 我这边 跟您 回访 一下")])
    assert zh["reason"].status == "hit" and zh["reason"].turn == 0
