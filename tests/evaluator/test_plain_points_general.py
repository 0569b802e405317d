"""Plain key points, generalised: strict open questions, a day and a time over turns, answers
that decline one thing, acknowledgements a turn earlier, contact details, benefit links."""

from coach.backends.fake import FakeEmbedder
from coach.evaluator.keypoints import KeyPointDetector, PointResult, _plain_profile, act_profile
from coach.evaluator.plain_points import (
    addresses,
    concrete_time,
    confirms_contact,
    day_and_time,
    is_open_strict,
    ties_to_recent,
    voices_concern,
)
from coach.scenarios.model import KeyPoint, Scenario
from coach.transcripts import Transcript, Turn


def _detect(scenario: Scenario, turns: list[tuple[str, str]]) -> dict[str, PointResult]:
    transcript = Transcript(
        language=scenario.language, turns=[Turn(speaker=s, text=t) for s, t in turns]
    )
    return {r.id: r for r in KeyPointDetector(FakeEmbedder()).detect(scenario, transcript)}


def test_yes_no_questions_that_look_open_are_not_open() -> None:
    assert not is_open_strict("Morning, could I talk to whoever runs your warehouse?", "en")
    assert not is_open_strict("Can I speak with the manager who books the trucks?", "en")
    assert not is_open_strict("Is it mostly pallets or loose cartons?", "en")
    assert not is_open_strict("so what we can do is drop by on monday and have a look", "en")
    assert not is_open_strict("we have an app where you can see every job and its status", "en")
    assert not is_open_strict("最近用着有没有什么不顺手的地方？", "zh")
    assert not is_open_strict("您平时是自己练还是跟着课练？", "zh")


def test_open_questions_stay_open() -> None:
    assert is_open_strict("How do you handle returns today?", "en")
    assert is_open_strict("Can I ask what your busiest month looks like?", "en")
    assert is_open_strict("Could you describe the loading dock for me?", "en")
    assert is_open_strict("ok so how many orders go out a day", "en")
    assert is_open_strict("i wanted to learn a bit more what slows your team down most", "en")
    assert is_open_strict("您现在一周大概怎么安排训练？", "zh")


def test_a_little_is_not_one_oclock() -> None:
    assert not concrete_time("我们家价格稍微高一点，但是服务好。", "zh")
    assert concrete_time("明天下午一点过来可以吗？", "zh")


def test_day_and_time_may_come_in_different_turns() -> None:
    assert day_and_time("Great, 4:15 it is.", "Could we do Wednesday? Wednesday suits me.", "en")
    assert day_and_time("那就三点半，我在门口等您。", "周二下午吧", "zh")
    assert not day_and_time("We open at seven, drop in any time.", "", "en")
    assert not day_and_time("我们晚上十点才关门，你八点多来也行。", "", "zh")
    assert not day_and_time("下周你有空就过来，九点以后都有人。", "下周吧", "zh")


def test_appointment_point_needs_a_day_and_a_time() -> None:
    scenario = Scenario.model_validate(
        {
            "id": "visit",
            "title": "Visit",
            "language": "en",
            "key_points": [
                {
                    "id": "visit",
                    "description": "The rep books the visit for a specific day and time.",
                    "examples": ["Shall I come Tuesday at 9?"],
                }
            ],
        }
    )
    vague = _detect(scenario, [("customer", "I'm around."), ("rep", "We start at 8, whenever.")])
    assert vague["visit"].status != "hit"
    spread = _detect(
        scenario,
        [
            ("rep", "Which day suits you for the visit?"),
            ("customer", "Friday is easiest."),
            ("rep", "Perfect, then I'll be there at 10:30."),
        ],
    )
    assert spread["visit"].status == "hit"


def test_an_answer_may_decline_one_thing_and_answer_with_another() -> None:
    worry = "What would a contract like that run? We can't pay more than now."
    assert voices_concern(worry, "en")
    assert addresses(
        "Honestly it comes down to how many floors you have and how often we come.", worry, "en"
    )


def test_acknowledgement_in_the_reps_turn_just_before() -> None:
    scenario = Scenario.model_validate(
        {
            "id": "obj",
            "title": "Objection",
            "language": "en",
            "key_points": [
                {
                    "id": "objection",
                    "description": "When the prospect raises a concern, the rep acknowledges it "
                    "and answers it.",
                    "examples": ["I hear you; we can start when your current deal ends."],
                }
            ],
        }
    )
    found = _detect(
        scenario,
        [
            ("customer", "We already have a provider and a contract until June."),
            ("rep", "That makes sense. Anything they struggle with?"),
            ("customer", "Weekends, they never pick up. And we're locked in."),
            (
                "rep",
                "For weekends we'd simply cover what your provider can't, your contract stays as "
                "it is until June.",
            ),
        ],
    )
    assert found["objection"].status == "hit"


def test_contact_details_settled_and_a_call_is_not_a_number() -> None:
    assert confirms_contact("我待会加您微信，把停车位置发给您。", "zh")
    assert not confirms_contact("所以给您打个电话，您这周哪天有空？", "zh")
    point = KeyPoint(
        id="confirm",
        description="当客户同意来店时，销售确认客户的称呼、手机号或停车信息。",
        examples=["还是这个手机号对吧？"],
    )
    permission = KeyPoint(
        id="permission", description="销售询问客户现在是否方便接电话。", examples=["现在方便吗？"]
    )
    from coach.evaluator.plain_points import implied_parts

    assert any("contact" in p.id for p in implied_parts(point))
    assert not any("contact" in p.id for p in implied_parts(permission))


def test_a_link_to_the_customer_is_a_statement_not_a_question_or_a_time() -> None:
    recent = [(1, "Our loading bay is a mess on Mondays and drivers wait for hours.")]
    assert ties_to_recent(
        "We put a coordinator on your loading bay Monday mornings so drivers stop waiting.",
        recent,
        "en",
    )
    assert not ties_to_recent("Should I call back Monday about the loading bay?", recent, "en")
    assert not ties_to_recent("We could drop by Monday at 3 to see the loading bay.", recent, "en")
    zh_recent = [(1, "我膝盖不太好，怕练伤了。")]
    assert ties_to_recent(
        "您刚才问膝盖会不会练伤，教练会先做评估，动作会避开膝盖。", zh_recent, "zh"
    )


def test_tie_cues_in_trainer_wording() -> None:
    for description in (
        "The rep links a benefit of the service to something specific the prospect said.",
        "The rep ties a benefit to a problem the customer mentioned.",
    ):
        point = KeyPoint(id="benefit", description=description, examples=["Since you said X, Y."])
        assert _plain_profile(act_profile(point, "en"), point).ties_to_customer


def test_one_point_does_not_take_another_points_question() -> None:
    scenario = Scenario.model_validate(
        {
            "id": "car",
            "title": "Car",
            "language": "zh",
            "key_points": [
                {
                    "id": "usage",
                    "description": "销售询问车辆目前的使用情况。",
                    "examples": ["您这车现在跑了多少公里了？"],
                },
                {
                    "id": "needs",
                    "description": "销售用开放式问题了解客户的换车想法。",
                    "examples": ["您对换车有什么打算？"],
                },
            ],
        }
    )
    found = _detect(scenario, [("rep", "您这车现在跑了多少公里了？"), ("customer", "三万多。")])
    assert found["needs"].status != "hit"


def test_partial_from_any_source_names_what_is_missing() -> None:
    result = PointResult("p", "general", "partial", "text", 0, 1.0, False)
    assert result.as_dict()["missing"]


def test_plain_acknowledgements() -> None:
    from coach.evaluator.plain_points import acknowledges_plainly

    assert acknowledges_plainly("That's good to hear, most of our accounts say the same.", "en")
    assert acknowledges_plainly("没错，很多车主一开始也这么想。", "zh")
    assert not acknowledges_plainly("Our trucks run coast to coast.", "en")


def test_contact_details_must_be_settled_not_only_asked() -> None:
    from coach.evaluator.plain_points import contact_settled

    asked = "so whats the best number to reach you"
    assert not contact_settled(asked, "just look it up on the site", "en")
    assert contact_settled(asked, "it's 415 220 9931", "en")
    assert contact_settled("And the invite goes to sara.k@lumen.io, right?", "", "en")
    assert contact_settled("I'll text the address over to you.", "", "en")
    assert contact_settled("还是打您这个手机号对吧？", "", "zh")
    assert not contact_settled("您方便留个电话吗？", "不用了，我自己过去。", "zh")
    assert contact_settled("您方便留个电话吗？", "一三九零零一二三四五六", "zh")


def test_every_implied_gap_is_named_in_both_languages() -> None:
    from coach.evaluator.feedback import build_feedback

    scenario = Scenario.model_validate(
        {
            "id": "fb",
            "title": "Feedback",
            "language": "zh",
            "key_points": [
                {
                    "id": "wrap",
                    "description": "销售确认联系方式或还有谁参与。",
                    "examples": ["好的"],
                }
            ],
        }
    )
    point = PointResult(
        "wrap",
        "general",
        "partial",
        "好的",
        2,
        1.0,
        False,
        missing_acts=["the customer's contact details or who else takes part"],
    )
    text = build_feedback(scenario, [point], [], None)["improvements"][0]
    assert "确认客户的联系方式或确认还有谁参与决定" in text
    english = scenario.model_copy(update={"language": "en"})
    assert (
        "contact details, confirmed or who else"
        in build_feedback(english, [point], [], None)["improvements"][0]
    )


def test_answering_the_phone_is_not_discovery_and_quantities_are_not_times() -> None:
    from coach.evaluator.plain_points import is_small_talk

    assert is_small_talk("Brightline Roofing, how can I help?", "en")
    assert is_small_talk("您好，这里是安家装修，有什么可以帮您？", "zh")
    assert not is_small_talk("How do you heat the house in winter?", "en")
    assert not concrete_time("Owners usually save around three percent a year.", "en")
    assert concrete_time("See you Thursday at three.", "en")


def test_a_worry_named_by_its_topic_is_answered() -> None:
    worry = "And what happens if we sell the flat?"
    assert voices_concern(worry, "en")
    assert addresses(
        "On the selling question: the contract moves to the new owner, nothing for you to pay.",
        worry,
        "en",
    )
    assert addresses(
        "至于搬家的问题，合同可以转给新房主，您不用额外付钱。", "要是我们搬家了怎么办？", "zh"
    )


def test_a_point_that_asks_to_say_it_depends() -> None:
    from coach.evaluator.plain_points import implied_parts, says_it_depends

    point = KeyPoint(
        id="honest",
        description="The rep says the price depends on the job instead of quoting a figure.",
        examples=["It depends on the size of the garden."],
    )
    assert [p.id for p in implied_parts(point)] == ["depends"]
    assert says_it_depends("Honestly that comes down to how many rooms you have.", "en")
    assert says_it_depends("I can't give you a firm number before we see it.", "en")
    assert not says_it_depends("It's 400 dollars flat.", "en")
    assert says_it_depends("这个得看您家的面积，电话里不好说。", "zh")
    assert not says_it_depends("一口价三千八。", "zh")


def test_a_question_as_close_to_another_point_is_low_confidence() -> None:
    scenario = Scenario.model_validate(
        {
            "id": "two",
            "title": "Two questions",
            "language": "en",
            "key_points": [
                {
                    "id": "usage",
                    "description": "The rep asks about how the van is used.",
                    "examples": ["How do you use the van?"],
                },
                {
                    "id": "goals",
                    "description": "The rep asks an open question about the customer's plans.",
                    "examples": ["How do you use the van?"],
                },
            ],
        }
    )
    found = _detect(scenario, [("rep", "How do you use the van?"), ("customer", "Deliveries.")])
    assert found["goals"].status == "hit"
    assert found["goals"].low_confidence
