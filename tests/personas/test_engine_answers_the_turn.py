"""The built-in customer answers the rep's current move (issue 13, the judges' failure kinds).

Each test is one failure kind, in both languages, with rep lines written for these tests.
"""

from coach.personas.dialogue import DialogueState, analyse, heard, line_problem
from coach.personas.engine import (
    _APOLOGY_TAKEN,
    _BYE,
    _FILLER_REPLIES,
    _I_SAID,
    _YIELD_REPLY,
)
from coach.personas.moves import is_pressure, is_rude
from tests.personas.support import engine_after_intro

TOM = ("hair-clinic-booking-en", "tom-teacher-hesitant")
DANA = ("crm-logistics-discovery", "dana-ops-director")
CHEN = ("hair-clinic-booking-zh", "chen-boss-price")
ZHANG = ("study-abroad-ielts-zh", "zhang-mom-cautious")
LIU = ("study-abroad-ielts-zh", "liu-student-busy")
INTRO = {
    "hair-clinic-booking-en": "Hello Tom, it's Nadia at Linden Hair Clinic, returning your web enquiry.",
    "crm-logistics-discovery": "Hello Dana, Sofia Reyes here, from FleetFlow CRM.",
    "hair-clinic-booking-zh": "陈总您好，我是青岚植发的顾问小林，您之前在网上留过电话。",
    "study-abroad-ielts-zh": "您好，我是启航留学语培的顾问孙老师，上周孩子在我们这儿做过测评。",
}


def _engine(ids, seed=0):
    return engine_after_intro(ids, INTRO[ids[0]], seed)


def _fillers(language):
    return set(_FILLER_REPLIES[language])


def test_clear_turns_without_a_full_stop_are_not_cut_off():
    assert heard("sure, no problem, carry on", "en") == "ok"
    assert heard("right sorry I rambled there go on", "en") == "ok"
    assert heard("这个手术大部分人做完当天就能回家的", "zh") == "ok"
    assert heard("孙老师这边想跟您简单聊两句，您看现在说话方便吗", "zh") == "ok"
    # Still cut off: a phrase that stops mid-way.
    assert heard("您好，我是启航留学语培的", "zh") == "cut_off"
    assert heard("And what I wanted to check with", "en") == "cut_off"


def test_handing_the_turn_back_gets_no_reintroduction():
    en = _engine(TOM)
    en.reply("Could you walk me through what you've noticed so far?")
    assert en.reply("Apologies, I spoke over you. Carry on.").text in _YIELD_REPLY["en"]
    assert en.reply("My fault, you go first.").text in _YIELD_REPLY["en"]
    zh = _engine(CHEN)
    assert zh.reply("抱歉，我抢话了。您先说吧。").text in _YIELD_REPLY["zh"]


def test_a_yes_no_check_gets_a_yes():
    assert analyse("So you're the one looking into this, is that right?", "en", [], set()).confirm
    en = _engine(DANA).reply("You look after operations there, right?")
    assert en.text.startswith("Yes"), en.text
    zh = _engine(ZHANG).reply("孩子现在读高二，是吧？")
    assert zh.text.startswith("对"), zh.text


def test_a_price_gets_a_reaction_not_a_filler():
    for ids, line in [
        (DANA, "For your sales team it would come to about $38,000 a year."),
        (TOM, "The procedure itself is usually around £4,500 for a hairline like yours."),
        (LIU, "写作一对一的话，20课时一共是7600元。"),
        (CHEN, "按您这个情况，标准FUE大概在两万块左右。"),
    ]:
        engine = _engine(ids)
        reply = engine.reply(line)
        assert reply.text not in _fillers(engine.language), (line, reply.text)


def test_a_proposal_gets_an_acceptance_a_counter_or_a_reason():
    for ids, line in [
        (DANA, "How about we get thirty minutes in the diary with your CFO?"),
        (TOM, "Why don't you pop in for a scan one Saturday?"),
        (ZHANG, "要不这周末让孩子先来试听一节？"),
        (CHEN, "您有空可以过来看看，医生当面给您看一下。"),
    ]:
        engine = _engine(ids)
        reply = engine.reply(line)
        assert reply.move == "next_step", (line, reply.move)
        assert reply.text not in _fillers(engine.language), (line, reply.text)


def test_condescension_and_pressure_are_not_ignored():
    assert is_rude("Honestly, you're overthinking it, you're not the doctor here.")
    assert is_rude("你这么拖下去根本不行，说明你就是不上心。")
    assert is_pressure("You really need to decide this week or the slot goes.")
    assert is_pressure("这个班您必须得今天报，不报就没位置了。")
    assert _engine(TOM).reply("Mate, you're overthinking it, honestly.").move == "rude"
    assert _engine(LIU).reply("你们学生就是这样，一提到钱就不说话了。").move == "rude"


def test_an_apology_after_rudeness_is_taken_coolly():
    en = _engine(DANA)
    en.reply("Come on, you lot always drag your feet on this.")
    reply = en.reply("Sorry about that, I was out of line. How do quotes reach your team today?")
    assert any(reply.text.startswith(line) for line in _APOLOGY_TAKEN["en"]), reply.text
    zh = _engine(LIU)
    zh.reply("说句不好听的，你这样根本不行。")
    reply = zh.reply("不好意思，刚才是我不对，跟你道个歉。")
    assert any(reply.text.startswith(line) for line in _APOLOGY_TAKEN["zh"]), reply.text


def test_the_slot_picked_fits_the_persona_week_and_is_named_exactly():
    zhang = _engine(ZHANG)
    assert "周六" in zhang._chosen_slot("周三晚上七点半有一节，或者周六上午十点也有一节。")
    tom = _engine(TOM)
    assert "saturday" in tom._chosen_slot("Tuesday at 4 pm, or Saturday at 11?").lower()
    assert tom._slot_words("Could you do Friday at eight forty?") == "Friday at eight forty"


def test_lines_that_react_to_things_never_said_are_rejected():
    state = DialogueState()
    kwargs = {"turn": 3, "rep_text_so_far": "", "own_numbers": [], "name_tokens": []}
    assert line_problem("Honestly, that's cheaper than I feared.", "en", state, **kwargs)
    assert line_problem("你别给我约一堆时间让我挑。", "zh", state, **kwargs)
    assert line_problem("I've heard this exact pitch before.", "en", state, **kwargs)
    assert line_problem("嗯，你说得还挺实在的。", "zh", state, **kwargs)
    assert line_problem("Every vendor says 'seamless rollout'.", "en", state, **kwargs)
    state.pitched = True
    assert line_problem("I've heard this exact pitch before.", "en", state, **kwargs) is None


def test_asked_what_worries_them_the_customer_names_a_worry():
    for ids, line in [
        (TOM, "What's the thing that puts you off most about all this?"),
        (ZHANG, "您现在最大的顾虑是什么？"),
    ]:
        engine = _engine(ids)
        raised = len(engine.state.objections_raised)
        reply = engine.reply(line)
        assert len(engine.state.objections_raised) == raised + 1, (line, reply.text)


def test_a_goodbye_without_an_offer_to_send_is_not_met_with_send_it():
    assert (
        _engine(TOM).reply("Okay, have a think and ring us if you need us. Bye.").text in _BYE["en"]
    )
    assert _engine(ZHANG).reply("好的，那您先考虑考虑，有需要再联系。").text in _BYE["zh"]


def test_asked_to_say_it_again_the_customer_repeats_it():
    en = _engine(DANA)
    said = en.reply("Where do your quotes get tracked at the moment?").text
    assert en.reply("Sorry, could you say that again?").text == _I_SAID["en"] + said
    zh = _engine(ZHANG)
    said = zh.reply("孩子平时一般什么时间有空？").text
    assert zh.reply("不好意思，刚才没听清，您再说一遍？").text == _I_SAID["zh"] + said


def test_an_either_or_question_gets_the_option_the_card_names():
    assert _engine(LIU).reply("你这次是考雅思还是托福？").text.startswith("雅思")
    said = _engine(DANA).reply("Is the head office in Indianapolis or in Chicago?").text
    assert said.startswith("Indianapolis"), said
