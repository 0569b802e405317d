import pytest

from coach.text.acts import (
    declines,
    find_fillers,
    has_evidence,
    is_leading_question,
    is_open_question,
    is_question,
    strip_fillers,
    time_slots,
    time_specificity,
)
from coach.text.sentences import split_sentences


@pytest.mark.parametrize(
    ("sentence", "language", "question", "open_"),
    [
        ("What does your quoting process look like today?", "en", True, True),
        ("Could you walk me through how a quote gets approved?", "en", True, True),
        ("And on the ops side, how many trucks do you run?", "en", True, True),
        ("So you use spreadsheets, right?", "en", True, False),
        ("Do you use a CRM?", "en", True, False),
        ("Is now a good time?", "en", True, False),
        ("We have a great product.", "en", False, False),
        ("请问孩子现在雅思大概多少分？", "zh", True, True),
        ("您那边一般是怎么安排学习时间的呢", "zh", True, True),
        ("你是想考雅思对吧？", "zh", True, False),
        ("您是打算明年出国吗", "zh", True, False),
        ("我们的课程很适合您。", "zh", False, False),
    ],
)
def test_questions(sentence, language, question, open_):
    assert is_question(sentence, language) is question
    assert is_open_question(sentence, language) is open_


@pytest.mark.parametrize(
    ("sentence", "language", "level"),
    [
        ("How about Tuesday at 10am?", "en", "concrete"),
        ("Does Thursday afternoon work?", "en", "day"),
        ("This Saturday I've got ten o'clock or half eleven.", "en", "concrete"),
        ("周四晚上或者周末都有", "zh", "day"),
        ("I'll call you next week.", "en", "day"),
        ("Let's talk later.", "en", "vague"),
        ("Thanks for your time.", "en", "none"),
        ("明天下午三点可以吗？", "zh", "concrete"),
        ("下周二晚上7点半", "zh", "concrete"),
        ("周三方便吗", "zh", "day"),
        ("那我们回头再联系", "zh", "vague"),
    ],
)
def test_time_specificity(sentence, language, level):
    assert time_specificity(sentence, language) == level


@pytest.mark.parametrize(
    ("sentence", "language", "declined"),
    [
        ("I won't go through our case studies now.", "en", True),
        ("Let's skip the demo for today.", "en", True),
        ("If it's not a good time I can call back.", "en", False),
        ("I'll show you how it works.", "en", False),
        ("我就不介绍案例了", "zh", True),
        ("先不说价格", "zh", True),
        ("我给您介绍一下我们的课程", "zh", False),
    ],
)
def test_declining(sentence, language, declined):
    assert declines(sentence, language) is declined


def test_fillers_both_languages():
    assert find_fillers("Um, so, like, we have uh a you know system.", "en") == [
        "um",
        "like",
        "uh",
        "you know",
    ]
    assert find_fillers("嗯，那个，就是说我们这个课程呃挺好的", "zh") == [
        "嗯",
        "那个",
        "就是说",
        "呃",
    ]
    assert strip_fillers("Um, we have uh a system", "en") == ", we have a system"
    assert strip_fillers("I mean it works", "en") == "I mean it works"
    assert "嗯" not in strip_fillers("嗯，您好", "zh")


def test_evidence():
    assert has_evidence("Northline Freight cut quote turnaround from 2 days to 4 hours", "en")
    assert not has_evidence("It's a great product and customers love it", "en")
    assert has_evidence("我们去年有68%的学员提分超过1分", "zh")


def test_sentences():
    assert split_sentences("Hello Mr. Li. This is Alex. Is now a good time? Great!") == [
        "Hello Mr. Li.",
        "This is Alex.",
        "Is now a good time?",
        "Great!",
    ]
    assert split_sentences("您好，张女士。我是陈老师！请问现在方便吗？好的") == [
        "您好，张女士。",
        "我是陈老师！",
        "请问现在方便吗？",
        "好的",
    ]
    assert split_sentences("It costs $49.50 per user. OK.") == ["It costs $49.50 per user.", "OK."]
    long = "word, " * 80
    assert all(len(s) <= 230 for s in split_sentences(long))


@pytest.mark.parametrize(
    ("sentence", "language", "expected"),
    [
        ("I hear you, thirty-five is real money.", "en", True),
        ("yeah no thats fair i mean", "en", True),
        ("I can see why that worries you.", "en", True),
        ("It's just a chat really.", "en", False),
        ("我理解您的顾虑。", "zh", True),
        ("很多家长都担心这个。", "zh", True),
        ("我们的课程很好。", "zh", False),
    ],
)
def test_acknowledging(sentence, language, expected):
    from coach.text.acts import acknowledges

    assert acknowledges(sentence, language) is expected


@pytest.mark.parametrize(
    ("sentence", "language", "leading"),
    [
        ("So you use spreadsheets, right?", "en", True),
        ("You'd want it to look natural, I guess?", "en", True),
        ("How do you track quotes today?", "en", False),
        ("是想考雅思对吧？", "zh", True),
        ("孩子现在大概多少分？", "zh", False),
    ],
)
def test_leading_questions(sentence, language, leading):
    assert is_leading_question(sentence, language) is leading


@pytest.mark.parametrize(
    ("sentence", "language", "question", "open_"),
    [
        # A polite "could you tell me how ..." ending in 吗 is still an open question.
        ("方便跟我讲讲，您头发这几年是怎么变过来的吗？", "zh", True, True),
        ("你自己觉得哪一项最难搞 之前有没有系统学过", "zh", True, True),
        ("你看行不行", "zh", True, False),
        # A recogniser's transcript has no question marks.
        (
            "yeah ok and when stuff sits like that how many would you say you lose in a month",
            "en",
            True,
            True,
        ),
        ("hi dana this is alex uh did i catch you at an ok time", "en", True, False),
        ("so basically what we do is fue so we take the hairs from the back", "en", False, False),
    ],
)
def test_questions_without_punctuation_or_with_polite_endings(sentence, language, question, open_):
    assert is_question(sentence, language) is question
    assert is_open_question(sentence, language) is open_


def test_time_slots_count_each_offer():
    assert time_slots("这周六上午十点有一节，下周六上午十点也有", "zh") == ["十点", "十点"]
    assert len(time_slots("I've got ten o'clock or half eleven", "en")) == 2


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("能不能再便宜一点？", "zh"),
        ("我们有一点担心售后。", "zh"),
        ("价格一点都不贵", "zh"),
        ("晚一点儿再打给我吧", "zh"),
        ("第一点是价格，第二点是服务。", "zh"),
        ("我们的方案有两点好处", "zh"),
        ("学员和老师的比例是3:1", "zh"),
        ("We cut fuel costs by 20% a year.", "en"),
        ("Around 30 vans are on the road.", "en"),
        ("Rates start at 5 percent.", "en"),
        ("Scores went up by 2 points.", "en"),
        ("It's at 10 bucks a seat.", "en"),
        ("We're at 2.5 million this year.", "en"),
        ("The follicles come out one by one with a tiny punch.", "en"),
        ("They start growing around three to four months.", "en"),
        ("A hairline is usually around two to three thousand grafts.", "en"),
        ("Most fleets cut idling by 10-15% in a quarter.", "en"),
    ],
)
def test_numbers_that_only_look_like_a_clock_are_not_one(sentence, language):
    assert time_slots(sentence, language) == []
    assert time_specificity(sentence, language) != "concrete"


@pytest.mark.parametrize(
    ("sentence", "language", "slots"),
    [
        ("明天下午一点过来可以吗？", "zh", ["一点"]),
        ("明天一点见", "zh", ["一点"]),
        ("一点半可以吗", "zh", ["一点半"]),
        ("十一点我有空", "zh", ["十一点"]),
        ("三点可以吗", "zh", ["三点"]),
        ("下午3:30到店", "zh", ["3:30"]),
        ("How about Thursday at 2?", "en", ["at 2"]),
        ("See you Thursday at three.", "en", ["at three"]),
        ("Could we say 10 a.m. Central?", "en", ["10 a.m."]),
        ("Could we do Friday at two or three?", "en", ["at two"]),
        ("Be there by one, it takes an hour.", "en", ["by one"]),
    ],
)
def test_real_clock_times_are_still_found(sentence, language, slots):
    assert time_slots(sentence, language) == slots
    assert time_specificity(sentence, language) == "concrete"
