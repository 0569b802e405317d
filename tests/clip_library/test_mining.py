from datetime import UTC, datetime

from coach.backends.fake import FakeEmbedder
from coach.clip_library.mining import (
    Conversation,
    asks,
    concern,
    extract,
    is_objection,
    mine,
    outcome_score,
    period_of,
)


def conv(key, turns, when, outcome="", **extra):
    return Conversation(
        key=key,
        language=extra.pop("language", "en"),
        turns=[{"speaker": s, "text": t} for s, t in turns],
        when=when,
        outcome=outcome,
        **extra,
    )


JAN, FEB, MAR = (datetime(2024, m, 10, tzinfo=UTC) for m in (1, 2, 3))


def calls():
    return [
        conv(
            "c1",
            [
                ("rep", "Hi."),
                ("customer", "How much does the plan cost per user?"),
                ("rep", "Forty-nine a seat, billed monthly."),
            ],
            JAN,
            "lost",
        ),
        conv(
            "c2",
            [
                ("rep", "Hi."),
                ("customer", "How much does the plan cost for our team?"),
                ("rep", "For twelve users it is about seven thousand a year."),
            ],
            FEB,
            "demo booked",
            call_id="c2",
            start_turn=0,
        ),
        conv(
            "c3",
            [
                ("rep", "Hi."),
                ("customer", "How much does the plan cost per month?"),
                ("rep", "We start at forty-nine."),
            ],
            MAR,
            "demo booked",
        ),
        conv(
            "c4",
            [
                ("rep", "Hi."),
                ("customer", "How much does the plan cost again?"),
                ("rep", "Let me send a quote."),
            ],
            MAR,
            "",
        ),
        conv(
            "c5",
            [
                ("customer", "We already use Salesforce and we are not switching."),
                ("rep", "And you shouldn't if it works."),
            ],
            FEB,
            "",
        ),
        conv("c6", [("customer", "Five minutes. Go."), ("rep", "Thanks.")], FEB, ""),
    ]


def test_detectors():
    assert is_objection("That's too expensive for us.", "en")
    assert concern("We already use Salesforce.", "en") == "competitor"
    assert concern("这事我得回去问问孩子爸爸", "zh") == "authority"
    assert is_objection("一万多太贵了吧", "zh") and concern("一万多太贵了吧", "zh") == "price"
    assert asks("小班是多小？", "zh") and not asks("国庆能休一周吧。", "zh")
    assert not is_objection("Thursday at ten works.", "en")
    assert outcome_score("demo booked") == 1 and outcome_score("hung up") == -1
    assert outcome_score("") == 0 and outcome_score("已报名") == 1
    assert period_of(JAN, "month") == "2024-01" and period_of(JAN, "week") == "2024-W02"


def test_recurring_questions_are_counted_with_trend_and_best_answers():
    topics = mine(calls(), FakeEmbedder())
    top = topics[0]
    assert top.count == 4 and top.kind == "question" and top.concern == "price"
    assert top.trend == (("2024-01", 1), ("2024-02", 1), ("2024-03", 2))
    assert top.direction == "rising"
    # booked calls' answers first (no likes anywhere), the lost call's last
    assert top.answers[0].outcome == "demo booked"
    assert top.answers[-1].text in {"Let me send a quote.", "Forty-nine a seat, billed monthly."}
    competitor = next(t for t in topics if t.concern == "competitor")
    assert competitor.kind == "objection" and competitor.count == 1
    # "Five minutes. Go." is neither a question nor an objection
    assert not any("Five minutes" in t.label for t in topics)
    assert mine([], FakeEmbedder()) == []


def test_likes_rank_answers_and_a_clip_of_a_call_counts_once():
    clip = conv(
        "k1",
        [
            ("customer", "How much does the plan cost for our team?"),
            ("rep", "For twelve users it is about seven thousand a year."),
        ],
        FEB,
        "demo booked",
        clip_id="k1",
        call_id="c2",
        start_turn=1,
        likes=5,
    )
    topics = mine([*calls(), clip], FakeEmbedder())
    top = topics[0]
    assert top.count == 4
    assert top.answers[0].likes == 5 and top.answers[0].clip_ids == ["k1"]
    assert top.answers[0].text.startswith("For twelve users")
    as_dict = top.as_dict()
    assert as_dict["trend"][0] == {"period": "2024-01", "count": 1}
    assert as_dict["answers"][0]["clip_ids"] == ["k1"]


def test_chinese_objections_group_separately_from_english():
    zh = [
        conv(f"z{i}", [("customer", text), ("rep", "理解，我们可以分期。")], JAN, language="zh")
        for i, text in enumerate(["这个课太贵了吧", "这个课太贵了", "课太贵了吧，便宜点"])
    ]
    topics = mine([*zh, *calls()], FakeEmbedder())
    zh_topics = [t for t in topics if t.language == "zh"]
    assert zh_topics and zh_topics[0].count == 3 and zh_topics[0].concern == "price"
    assert {t.language for t in topics} == {"en", "zh"}
    only_zh = mine([*zh, *calls()], FakeEmbedder(), language="zh")
    assert [(t.label, t.count) for t in only_zh] == [(t.label, t.count) for t in zh_topics]
    assert only_zh[0].trend == (("2024-01", 3),) and only_zh[0].direction == "new"


def test_extract_pairs_each_ask_with_the_next_rep_turn_only():
    found = extract(
        [
            conv(
                "c",
                [
                    ("customer", "How much does it cost?"),
                    ("customer", "And is there a contract?"),
                    ("rep", "No contract."),
                ],
                JAN,
            )
        ]
    )
    by_text = {u.text: u for u in found}
    assert by_text["How much does it cost?"].answer is None
    assert by_text["And is there a contract?"].answer.text == "No contract."
