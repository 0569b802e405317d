"""Acts a trainer's one-line point names beyond the introduction: checking it is the right
person, referring to what the customer sent before the call, asking who else takes part or
confirming a contact detail. Recognised in any phrasing, inside long or unpunctuated turns."""

import pytest

from coach.backends.fake import FakeEmbedder
from coach.evaluator.keypoints import KeyPointDetector
from coach.evaluator.plain_points import (
    answers_recent_concern,
    asks_about_problem,
    asks_other_person,
    checks_person,
    confirms_contact,
    implied_parts,
    names_reference,
    refers_to_request,
    zh_company,
    zh_own_name,
)
from coach.scenarios.model import KeyPoint, Scenario
from coach.transcripts import Transcript, Turn


def _point(description: str, example: str) -> KeyPoint:
    return KeyPoint.model_validate({"id": "p", "description": description, "examples": [example]})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, could I talk to Marisol Ortega please?", True),
        ("Good afternoon, Mrs. Haddad?", True),
        ("hey is this tomasz", True),
        ("Am I speaking with the homeowner?", True),
        ("Is this a good time to talk?", False),
        ("Is that something you've looked at before?", False),
        ("Good afternoon, thanks for taking the call.", False),
    ],
)
def test_checks_person_en(text, expected):
    assert checks_person(text, "en") is expected


def test_checks_person_zh():
    assert checks_person("喂，您好，请问是刘女士吗？", "zh")
    assert checks_person("您好，是小雨爸爸吧？", "zh")
    assert not checks_person("您那边是三室两厅对吧？", "zh")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I saw you put in a request for a callback on our website yesterday.", True),
        ("so um just following up on the enquiry form from last week", True),
        ("You signed up for the free webinar, so I thought I'd call.", True),
        ("We're calling homeowners in your area this week.", False),
        ("What made you start looking at this?", False),
    ],
)
def test_refers_to_request_en(text, expected):
    assert refers_to_request(text, "en") is expected


def test_refers_to_request_zh():
    assert refers_to_request("您前天在我们小程序上填的那个报价单，我这边跟进一下", "zh")
    assert refers_to_request("您之前在直播间报名了试听课对吧", "zh")
    assert not refers_to_request("我们最近在您小区做活动", "zh")


def test_asks_other_person_and_contact():
    assert asks_other_person("Would your business partner want to sit in on it as well?", "en")
    assert asks_other_person("is anybody else part of the call on your side", "en")
    assert not asks_other_person("Your partner told me about the project.", "en")
    assert asks_other_person("到时候您爱人也一起过来看看吗？", "zh")
    assert confirms_contact("Is the best email still the one on the signup?", "en")
    assert not confirms_contact("I'll send the details by email.", "en")
    assert confirms_contact("这个手机号能加您微信吗？", "zh")


def test_implied_parts_follow_the_description():
    either = implied_parts(
        _point("The rep confirms the phone number or asks who else should attend.", "Who else?")
    )
    assert [p.id for p in either] == ["contact_or_other_person"]
    assert either[0].check("Will anyone else be joining us?", "en")
    assert either[0].check("Is this still the best number to reach you?", "en")
    person = implied_parts(_point("The rep checks they have the right person.", "Is this Ana?"))
    assert [p.id for p in person] == ["person_check"]
    # Offering to add the customer on WeChat is not a request to confirm a contact detail.
    offer = implied_parts(_point("销售提出加家长微信或发送上课链接。", "我加您微信。"))
    assert "contact" not in [p.id for p in offer]


def test_fillers_before_a_chinese_name():
    text = "王姐您好我是那个青禾家政的小李啊"
    assert zh_own_name(text) and zh_company(text)


SCENARIO = Scenario.model_validate(
    {
        "id": "trainer-acts",
        "title": "Trainer's follow-up call",
        "language": "en",
        "key_points": [
            {
                "id": "right_person",
                "description": "The rep greets the customer and checks they are talking to the "
                "right person.",
                "examples": ["Hi, is this Karen?"],
            },
            {
                "id": "why_calling",
                "description": "The rep says they are calling about the brochure request the "
                "customer sent.",
                "examples": ["You asked for our brochure last week."],
            },
            {
                "id": "attendees",
                "description": "The rep asks who else should join the meeting.",
                "examples": ["Should your manager be there too?"],
            },
        ],
    }
)


def _detect(turns: list[tuple[str, str]]) -> dict[str, str]:
    transcript = Transcript(language="en", turns=[Turn(speaker=s, text=t) for s, t in turns])
    return {r.id: r.status for r in KeyPointDetector(FakeEmbedder()).detect(SCENARIO, transcript)}


def test_acts_are_hit_in_any_phrasing_and_missed_without_them():
    found = _detect(
        [
            ("customer", "Hello?"),
            (
                "rep",
                "hi may i speak with oluwaseun adeyemi this is rita from northgate "
                "i'm returning your brochure request from tuesday",
            ),
            ("customer", "Speaking. Yes, I remember."),
            ("rep", "Great. When we meet, would your operations lead be able to join too?"),
        ]
    )
    assert found == {"right_person": "hit", "why_calling": "hit", "attendees": "hit"}
    found = _detect(
        [
            ("customer", "Hello?"),
            ("rep", "Hi there, we're reaching out to businesses in your area this month."),
            ("customer", "Okay."),
            ("rep", "Does Thursday work for a meeting?"),
        ]
    )
    assert found["right_person"] != "hit" and found["why_calling"] != "hit"
    assert found["attendees"] != "hit"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("And when the schedule changes, what does that end up costing you?", True),
        ("how often does a job get double booked", True),
        ("So where do things fall apart on a Monday?", True),
        ("How many trucks are you running?", False),
        ("Would you like to see a quick demo?", False),
        ("It costs forty dollars a month.", False),
    ],
)
def test_asks_about_problem_en(text, expected):
    assert asks_about_problem(text, "en") is expected


def test_asks_about_problem_zh():
    assert asks_about_problem("现在这样排班，一个月大概浪费多少时间？", "zh")
    assert not asks_about_problem("您那边一共几个师傅？", "zh")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Harbor Electric in Tacoma went from three dispatch errors a day to almost none.", True),
        ("One of our clients, Pinecrest Dental, cut no-shows by a third.", True),
        ("Lots of companies your size love it and save time.", False),
        ("Is this the owner of Delta Heating?", False),
        ("I'll call you back on Friday, Sam.", False),
    ],
)
def test_names_reference_en(text, expected):
    assert names_reference(text, "en") is expected


def test_names_reference_zh():
    assert names_reference("隔壁的阳光装修公司用了以后，返工减少了一半。", "zh")
    assert not names_reference("很多客户用了都说好。", "zh")


KIDS = Scenario.model_validate(
    {
        "id": "trainer-kids",
        "title": "回访家长",
        "language": "zh",
        "key_points": [
            {
                "id": "age",
                "description": "销售问孩子的年龄。",
                "examples": ["宝贝今年几岁了？"],
            },
            {
                "id": "book",
                "description": "销售和家长约定一个具体的上课时间。",
                "examples": ["周六上午十点可以吗？"],
            },
        ],
    }
)


def test_a_question_with_words_only_this_point_uses_is_about_it():
    # The fake embedder puts "今年多大啦" far from "宝贝今年几岁了": the question's own words
    # ("今年", used by no other point) tie it to the point.
    turns = [("rep", "好的好的嗯那个小宇今年多大啦"), ("customer", "六岁。")]
    transcript = Transcript(language="zh", turns=[Turn(speaker=s, text=t) for s, t in turns])
    found = {r.id: r for r in KeyPointDetector(FakeEmbedder()).detect(KIDS, transcript)}
    assert found["age"].status == "hit"
    turns = [("rep", "好的，那您看周末方便吗？"), ("customer", "可以。")]
    transcript = Transcript(language="zh", turns=[Turn(speaker=s, text=t) for s, t in turns])
    found = {r.id: r for r in KeyPointDetector(FakeEmbedder()).detect(KIDS, transcript)}
    assert found["age"].status != "hit"


def test_a_time_check_point_of_its_own():
    point = _point(
        "The rep asks whether the customer has a moment to talk right now.", "Got a minute?"
    )
    (part,) = implied_parts(point)
    assert part.id == "time_check"
    assert part.check("is now an okay time or should i try you later", "en")
    assert not part.check("Would it be alright if I called back in the spring?", "en")
    # A booking point that says "方便的时间" is not a time check.
    assert not implied_parts(_point("销售和客户约一个方便的时间上门。", "周六上午可以吗？"))


def test_an_answer_that_points_back_to_the_worry_two_turns_later():
    recent = [
        (1, "We already pay for another tool. Why would we go through a migration again?"),
        (3, "Mostly the office team uses it."),
    ]
    answer = (
        "Going back to your question, honestly the move is the part people dread, so we copy "
        "the records over for you and you run both side by side first."
    )
    assert answers_recent_concern(answer, recent, "en")
    assert answers_recent_concern(
        "回到您刚才那个问题，数据我们帮您整体迁移过来，不用重新录。",
        [(1, "换系统太麻烦了吧？")],
        "zh",
    )
    assert not answers_recent_concern(
        "Anyway, let me tell you about our new mobile app.", recent, "en"
    )
