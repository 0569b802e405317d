"""The built-in customer answers what the rep just said: each test is a judged failure kind.

Both languages for each kind: a rep line and the kind of reply it must get.
"""

from coach.personas.dialogue import analyse, heard
from coach.personas.engine import (
    _BYE,
    _DISPARAGE_REPLY,
    _DONT_KNOW,
    _NOT_AGREED,
    _OVERPROMISE,
    _SIGN_OFF,
)
from coach.personas.moves import is_disparaging, is_overclaim, is_rude
from tests.personas.support import engine_after_intro

HAIR_EN = ("hair-clinic-booking-en", "olivia-researcher-skeptic")
CRM_EN = ("crm-logistics-discovery", "dana-ops-director")
HAIR_ZH = ("hair-clinic-booking-zh", "chen-boss-price")
IELTS_ZH = ("study-abroad-ielts-zh", "zhang-mom-cautious")
INTRO = {
    "hair-clinic-booking-en": "Hi, this is Priya from Linden Hair Clinic, about the form you filled in.",
    "crm-logistics-discovery": "Hi Dana, this is Alex Moreno from FleetFlow CRM.",
    "hair-clinic-booking-zh": "陈总您好，我是青岚植发的顾问小周，您前两天在官网留了信息。",
    "study-abroad-ielts-zh": "张女士您好，我是启航留学语培的课程顾问周老师，孩子上周做了免费雅思测试。",
}


def _engine(ids, seed=0):
    return engine_after_intro(ids, INTRO[ids[0]], seed)


def test_a_turn_that_stops_mid_sentence_is_cut_off():
    assert (
        heard("Good afternoon, is that Olivia? This is Sophie from Linden Hair", "en") == "cut_off"
    )
    assert heard("No worries. So could you tell me when you first noticed", "en") == "cut_off"
    assert heard("那个，我想问一下您那个周末", "zh") == "cut_off"
    assert heard("Sure thing", "en") == "ok" and heard("好的，明白了。", "zh") == "ok"
    reply = _engine(HAIR_ZH).reply("那个，我想问一下您那个周末")
    assert reply.move == "not_understood"
    reply = _engine(HAIR_EN).reply("That's common. So what I was going to suggest was a free")
    assert reply.move == "not_understood"


def test_promises_nobody_can_keep_are_challenged():
    assert is_overclaim("We get 100% graft survival, every graft will take.")
    assert is_overclaim("您这种情况绝对能植，植完跟年轻时候一样。")
    assert not is_overclaim("I can't guarantee results; the doctor assesses that.")
    assert not is_overclaim("提分效果因人而异，我们不做保证。")
    en = _engine(HAIR_EN).reply("It's completely safe, there are no risks at all.")
    assert en.text in _OVERPROMISE["en"] + _DISPARAGE_REPLY["en"][:1]
    zh = _engine(IELTS_ZH).reply("我们这边包提分，考不到目标分免费重读。")
    assert zh.text in _OVERPROMISE["zh"] + _DISPARAGE_REPLY["zh"][:1]


def test_running_down_competitors_gets_pushback():
    assert is_disparaging("Those Turkey clinics are all dodgy, cheap clinics butcher people.")
    assert is_disparaging("别家那些便宜的都是技师乱做，您千万别去。")
    en = _engine(HAIR_EN).reply("Those Turkey clinics are dodgy, cheap clinics butcher people.")
    assert en.text in _DISPARAGE_REPLY["en"]
    zh = _engine(HAIR_ZH).reply("八块一个单位那种您也信？一看就是坑人的。")
    assert zh.text in _DISPARAGE_REPLY["zh"]


def test_condescension_is_an_insult():
    assert is_rude(
        "Come on, Dana, that's just an excuse. Maybe you're the wrong person to talk to."
    )
    assert is_rude("您还要考虑？一个大男人这么磨磨唧唧的。")
    reply = _engine(CRM_EN).reply("Come on, that's just an excuse. Stop dithering.")
    assert reply.move == "rude"
    reply = _engine(HAIR_ZH).reply("您都这样了还考虑什么呀？磨磨唧唧的。")
    assert reply.move == "rude"


def test_a_booking_the_customer_never_agreed_to_is_corrected():
    assert analyse("Thank you. I'll email you the link now.", "en", [], set()).closes
    en = _engine(HAIR_EN)
    en.reply("Would you prefer a free video pre-assessment, say Thursday at six?")
    if en.state.ended_by is None:
        assert (
            en.reply("Thank you. I'll email you the link and details now.").text
            in (_NOT_AGREED["en"])
        )
    zh = _engine(HAIR_ZH)
    zh.reply("下周六早上九点，或者周日早上九点，哪个方便？")
    if zh.state.ended_by is None:
        assert zh.reply("好的，我短信把时间地址发您。").text in _NOT_AGREED["zh"]


def test_a_follow_up_without_a_slot_gets_a_sign_off():
    # Nothing was offered to send, so the customer does not ask for it to be sent.
    en = _engine(CRM_EN).reply("Sounds good, I'll follow up next week sometime.")
    assert en.text in _BYE["en"]
    zh = _engine(IELTS_ZH).reply("那您先跟孩子爸爸商量一下，我把资料发您微信。")
    assert zh.text in _SIGN_OFF["zh"]


def test_a_question_is_answered_not_met_with_a_worry():
    for seed in range(4):
        for ids, lines in [
            (CRM_EN, ["How many hours a week would you say that takes?", "What happened then?"]),
            (HAIR_EN, ["Is there anything a plan would need to fit around?", "Why do you ask?"]),
            (
                IELTS_ZH,
                ["孩子一般几点下晚自习？周末哪段时间相对空一些？", "孩子平时写英语作文多吗？"],
            ),
            (HAIR_ZH, ["您现在头发主要是哪块最不满意？", "那您这个情况大概多久了？"]),
        ]:
            engine = _engine(ids, seed)
            for line in lines:
                raised = len(engine.state.objections_raised)
                reply = engine.reply(line)
                assert len(engine.state.objections_raised) == raised, (line, reply.text)
                assert reply.text not in ("Okay.", "嗯，您说。"), (line, reply.text)


def test_a_question_the_card_cannot_answer_gets_a_plain_not_sure():
    # Judged unresponsive every time: "What do you mean by that, exactly?" to a clear question.
    engine = _engine(CRM_EN)
    engine.persona = engine.persona.model_copy(update={"answers": {}, "responses": {}})
    assert engine.reply("Why do you think that is?").text in _DONT_KNOW["en"]
    engine = _engine(IELTS_ZH)
    engine.persona = engine.persona.model_copy(update={"answers": {}, "responses": {}})
    assert engine.reply("您觉得这是为什么呢？").text in _DONT_KNOW["zh"]


def test_a_worry_is_only_resolved_by_a_turn_about_it():
    for ids, unrelated in [
        (HAIR_EN, "Sure, sorry."),
        (HAIR_ZH, "哦，这样。我们这边医生都很专业。"),
    ]:
        engine = _engine(ids)
        objection = engine.persona.objections[0]
        engine.state.objections_raised.append(objection.id)
        engine.reply(unrelated)
        assert objection.id not in engine.state.objections_resolved


def test_a_slot_proposal_is_heard_even_when_the_customer_is_not_ready():
    for ids, line in [
        (HAIR_EN, "Would Saturday at ten work for a consultation?"),
        (HAIR_ZH, "那这样，您周六上午十点过来面诊吧，先看看。"),
    ]:
        engine = _engine(ids)
        engine.state.turns = 6  # late enough that a worry is due
        raised = len(engine.state.objections_raised)
        reply = engine.reply(line)
        if len(engine.state.objections_raised) > raised:
            heard_it = ("not ready", "not so fast", "might work", "先不急", "先别急")
            assert any(w in reply.text.lower() for w in heard_it), reply.text


def test_a_choice_of_two_slots_is_answered_with_one_of_them():
    for ids, line, days in [
        (HAIR_EN, "Would Saturday at ten or Thursday at six suit you?", ("saturday", "thursday")),
        (HAIR_ZH, "下周六早上九点，或者周日早上九点，哪个方便？", ("周六", "周日")),
    ]:
        engine = _engine(ids)
        engine.state.trust = 1.0
        engine.state.covered = list(engine.persona.agree_when.needs)
        reply = engine.reply(line)
        assert reply.ended_by == "agreement"
        assert any(d in reply.text.lower() for d in days), reply.text


def test_one_turn_does_not_say_the_same_fact_twice():
    en = _engine(CRM_EN)
    said = en._join(
        "I can sign up to fifteen grand myself.", "Anything over fifteen grand goes to Priya."
    )
    assert said == "I can sign up to fifteen grand myself."
    zh = _engine(IELTS_ZH)
    said = zh._join("希望明年6月前能考出6.5。", "目标是6.5，单项不低于6。")
    assert said == "希望明年6月前能考出6.5。"


def _ready(ids):
    """The customer after the intro, with trust, needs and worries as at the end of a good call."""
    engine = _engine(ids)
    persona = engine.persona
    engine.state.trust = 1.0
    engine.state.covered = list(dict.fromkeys([*engine.state.covered, *persona.agree_when.needs]))
    engine.state.objections_raised = [o.id for o in persona.objections]
    engine.state.objections_resolved = [o.id for o in persona.objections]
    assert engine._ready_to_agree()
    return engine


def test_a_yes_to_no_particular_time_asks_for_one_before_the_call_ends():
    from coach.personas.engine import _WHEN

    for ids, proposal in [
        (HAIR_EN, "Shall we get you booked in for a free consultation, then?"),
        (HAIR_ZH, "那我帮您约一个免费面诊吧？"),
    ]:
        engine = _ready(ids)
        asked = engine.reply(proposal)
        assert asked.ended_by is None and asked.text in _WHEN[engine.language], asked
        agreed = engine.reply(
            "Would Saturday at ten work?" if engine.language == "en" else "这周六上午十点可以吗？"
        )
        assert agreed.ended_by == "agreement", agreed  # to the time the rep then named
    # Asked once: a second proposal with no time still ends it, the time left to the rep.
    engine = _ready(HAIR_EN)
    engine.reply("Shall we get you booked in for a free consultation, then?")
    assert engine.reply("Great, let's book you in for a consultation.").ended_by == "agreement"
