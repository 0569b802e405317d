"""Plain, trainer-written key points (one line, an example, no parts) are scored by their act."""

import json
from pathlib import Path

import pytest

from coach.backends.fake import FakeEmbedder
from coach.evaluator.keypoints import KeyPointDetector
from coach.evaluator.plain_points import (
    answers_recent_concern,
    en_company,
    en_own_name,
    is_invitation,
    is_plain,
    ties_to_recent,
    zh_company,
    zh_own_name,
)
from coach.scenarios.model import Scenario
from coach.transcripts import Transcript, Turn

ROOT = Path(__file__).resolve().parents[2]

TRAINER = Scenario.model_validate(
    {
        "id": "trainer",
        "title": "Trainer's scenario",
        "language": "en",
        "key_points": [
            {
                "id": "intro",
                "description": "The rep says their own name and the name of their company.",
                "examples": ["Hi, this is Sam from Acme Payroll."],
            },
            {
                "id": "discovery",
                "description": "The rep asks an open question about how the prospect works today.",
                "examples": ["How do you plan demand today?"],
            },
            {
                "id": "objection",
                "description": "When the prospect raises a concern, the rep addresses it directly.",
                "examples": ["I understand; most clients are live in two weeks."],
            },
        ],
    }
)


def _detect(scenario, language, turns):
    transcript = Transcript(language=language, turns=[Turn(speaker=s, text=t) for s, t in turns])
    return {r.id: r for r in KeyPointDetector(FakeEmbedder()).detect(scenario, transcript)}


def test_the_issues_examples_are_hits():
    found = _detect(
        TRAINER,
        "en",
        [
            ("rep", "Good morning Mr. Alvarez, I'm Priya Nair with Lakeside Analytics."),
            ("customer", "Morning. I'm worried this would take months to set up."),
            (
                "rep",
                "That's fair. Our typical setup takes two weeks and we do the data import for "
                "you, so your planners keep working as usual.",
            ),
        ],
    )
    assert found["intro"].status == "hit" and found["intro"].turn == 0
    assert found["objection"].status == "hit" and found["objection"].turn == 2


def test_an_invitation_to_look_together_is_not_discovery():
    found = _detect(
        TRAINER,
        "en",
        [
            ("rep", "Why don't we take a look at the dashboard together?"),
            ("customer", "Sure."),
            ("rep", "How about I show you the forecast screen?"),
        ],
    )
    assert found["discovery"].status != "hit"


def test_open_question_inside_a_long_unpunctuated_turn():
    found = _detect(
        TRAINER,
        "en",
        [
            (
                "rep",
                "hey this is ana from clearpay thanks for the form i saw you have forty people "
                "so i wanted to understand what is the biggest headache with planning every week",
            ),
        ],
    )
    assert found["discovery"].status == "hit"
    assert found["intro"].status == "hit"


def test_concern_answered_two_turns_later():
    turns = [
        ("customer", "Does your system even work with tips? That's been the nightmare."),
        ("rep", "Let me note that down. Who else is involved?"),
        ("customer", "Just the accountant."),
        (
            "rep",
            "On tips: yes, tips are imported from your point of sale every night, so your "
            "accountant no longer rebuilds them.",
        ),
    ]
    found = _detect(TRAINER, "en", turns)
    assert found["objection"].status == "hit" and found["objection"].turn == 3


def test_a_change_of_subject_or_a_next_step_does_not_answer_a_worry():
    recent = [(1, "I'm worried it's expensive.")]
    assert not answers_recent_concern(
        "We also have integrations with QuickBooks and Xero.", recent, "en"
    )
    assert not answers_recent_concern("Could we meet Wednesday at 4pm?", recent, "en")
    assert answers_recent_concern(
        "I understand the worry: it's eight dollars per employee, no setup fee.", recent, "en"
    )


def test_benefit_tied_to_what_the_customer_said():
    recent = [(1, "Month-end takes our office manager three days in a spreadsheet.")]
    assert ties_to_recent(
        "Since month-end takes your office manager three days, automatic filing gives them back.",
        recent,
        "en",
    )
    assert not ties_to_recent("Our platform has direct deposit and a mobile app.", recent, "en")
    zh = [(1, "主要是发际线，往后退了很多，拍照特别明显。")]
    assert ties_to_recent("您最在意发际线，我们按您原来的发际线设计，拍照会自然很多。", zh, "zh")


@pytest.mark.parametrize(
    ("text", "name", "company"),
    [
        ("Good morning Mr. Alvarez, I'm Priya Nair with Lakeside Analytics.", True, True),
        ("Hi, this is Sam from Acme Payroll.", True, True),
        ("hi um this is jonah okafor from brightwage payroll", True, True),
        ("Good morning, this is Siobhan O'Connor-Reyes at PayCircle Ltd.", True, True),
        ("Hi Dana, Priya with Lakeside here.", True, True),
        ("Hi there, my name's Wei-Lin.", True, False),
        ("Hello, I'm calling from Acorn Payroll about your payroll.", False, True),
        ("I'm glad you picked up, are you free at the moment?", False, False),
        ("I work with a lot of teams like yours.", False, False),
    ],
)
def test_english_names_and_companies(text, name, company):
    assert en_own_name(text) is name
    assert en_company(text) is company


@pytest.mark.parametrize(
    ("text", "name", "company"),
    [
        ("我是青岚植发的顾问小周", True, True),
        ("喂您好我是青岚植发的顾问小周请问现在说话方便吗", True, True),
        ("这边是启航留学，我是陈老师", True, True),
        ("您好，我叫王丽，是华为的客户经理", True, True),
        ("您好，我这边是HairNova植发中心，我是您的专属顾问Amy", True, True),
        ("我是周敏", True, False),
        ("您好，这里是青岚植发。", False, True),
        ("我是想问一下您的情况", False, False),
    ],
)
def test_chinese_names_and_companies(text, name, company):
    assert zh_own_name(text) is name
    assert zh_company(text) is company


def test_invitations():
    assert is_invitation("Why don't we take a look at the dashboard together?", "en")
    assert is_invitation("Shall we look at your numbers?", "en")
    assert not is_invitation("How do you run payroll today?", "en")
    assert is_invitation("我们要不要一起看看几个客户的术后照片？", "zh")
    assert not is_invitation("您现在主要是哪个部位比较困扰？", "zh")


def test_seed_rubrics_are_not_plain():
    assert is_plain(TRAINER.key_points[0])
    long_rubric = TRAINER.key_points[0].model_copy(
        update={"description": "Gives the rep's name and company. A bare hello does not count."}
    )
    assert not is_plain(long_rubric)


def _all_labelled_sets():
    from coach.content.catalog import load_catalog

    scenarios = load_catalog([ROOT / "seeds"]).scenarios
    scenarios |= load_catalog([ROOT / "bench/data/evaluator_dev3/scenarios"]).scenarios
    for folder in ("evaluator_dev", "evaluator_dev3"):
        for path in sorted((ROOT / "bench/data" / folder).glob("*.json")):
            item = json.loads(path.read_text(encoding="utf-8"))
            yield (
                scenarios[item["scenario"]],
                Transcript(language=item["language"], turns=[Turn(**t) for t in item["turns"]]),
            )


def test_partial_always_names_what_is_missing_and_confidence_is_reported():
    detector = KeyPointDetector(FakeEmbedder())
    seen = set()
    for scenario, transcript in _all_labelled_sets():
        for result in detector.detect(scenario, transcript):
            out = result.as_dict()
            assert isinstance(out["low_confidence"], bool)
            seen.add(result.status)
            if result.status == "partial":
                assert out.get("missing"), (scenario.id, result.id)
    assert "hit" in seen


def test_a_worry_point_asks_neither_a_time_nor_a_separate_link():
    from coach.evaluator.keypoints import _plain_profile, act_profile
    from coach.scenarios.model import KeyPoint

    point = KeyPoint(
        id="objection",
        description="当客户提出顾虑（价格、没时间）时，销售认同并针对这个顾虑回应。",
        examples=["是，外面价格确实低一点，我们这个月工时打八折。"],
    )
    profile = _plain_profile(act_profile(point, "zh"), point)
    assert profile.answers_concern
    assert not profile.concrete_time and not profile.ties_to_customer
    timed = KeyPoint(
        id="appointment", description="销售约定到店时间。", examples=["那给您约周日上午九点半。"]
    )
    assert _plain_profile(act_profile(timed, "zh"), timed).concrete_time
