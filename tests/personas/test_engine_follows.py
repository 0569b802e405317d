"""The built-in customer follows the turn it was given: failure kinds read from judged calls.

Each test is one kind of reply that blind judges rated unresponsive or inconsistent in the
tunable sets (judged, heldout, heldout2), in both languages where the kind exists in both.
"""

import pytest

from coach.personas.dialogue import analyse, yields_floor
from coach.personas.engine import (
    _CHECK_IN_YES,
    _DONT_KNOW,
    _GO_ON_THEN,
    _PRICE_TOTAL,
    _WAS_ASKING,
    _YIELD_REPLY,
    _lower_first,
)
from coach.personas.moves import is_pressure, is_rude
from tests.personas.support import engine_after_intro

HAIR_EN = ("hair-clinic-booking-en", "olivia-researcher-skeptic")
TOM = ("hair-clinic-booking-en", "tom-teacher-hesitant")
CRM_EN = ("crm-logistics-discovery", "marcus-cfo-skeptic")
HAIR_ZH = ("hair-clinic-booking-zh", "chen-boss-price")
IELTS_ZH = ("study-abroad-ielts-zh", "liu-student-busy")
INTRO = {
    "hair-clinic-booking-en": "Hi, this is Priya from Linden Hair Clinic, about the form you filled in.",
    "crm-logistics-discovery": "Hi Marcus, this is Alex Moreno from FleetFlow CRM.",
    "hair-clinic-booking-zh": "陈总您好，我是青岚植发的顾问小周，您前两天在官网留了信息。",
    "study-abroad-ielts-zh": "刘同学你好，我是启航留学语培的课程顾问小吴，你上周做了免费雅思测试。",
}


def _engine(ids, seed=0):
    return engine_after_intro(ids, INTRO[ids[0]], seed)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Oh, no, no, you first", "en"),
        ("No, please, you first.", "en"),
        ("Yes, sorry, go on.", "en"),
        ("Sorry, I cut you off there. Keep going.", "en"),
        ("You broke up halfway through. What were you going to say?", "en"),
        ("嗯嗯，您说，您说。", "zh"),
        ("嗯，好的，您接着说。", "zh"),
        ("好，您先说。", "zh"),
        ("不好意思打断您了，您继续。", "zh"),
    ],
)
def test_a_short_turn_that_hands_the_floor_back_yields(text, language):
    assert yields_floor(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Let's go ahead, then.", "en"),
        ("What's going on with your quotes at month-end?", "en"),
        ("Shall I go ahead and book Saturday at ten?", "en"),
        ("我跟您说。", "zh"),
        ("您说得对。", "zh"),
        ("您说呢？", "zh"),
    ],
)
def test_a_turn_that_only_contains_the_words_does_not_yield(text, language):
    assert not yields_floor(text, language)


def test_handed_the_floor_the_customer_says_what_they_were_asking():
    for ids, question, you_first in [
        (HAIR_EN, "Why do you think that is?", "No, please, you first."),
        (HAIR_ZH, "您觉得这是为什么呢？", "好，您先说。"),
    ]:
        engine = _engine(ids)
        engine.state.history.append(("customer", "Fine." if ids == HAIR_EN else "行。"))
        asked = engine.reply(question).text
        reply = engine.reply(you_first).text
        if any(mark in asked for mark in "?？"):
            assert reply.startswith(_WAS_ASKING[engine.language]), (asked, reply)
        else:
            assert reply in _YIELD_REPLY[engine.language], (asked, reply)


def test_after_a_line_it_did_not_hear_the_customer_does_not_ask_to_repeat_twice():
    engine = _engine(HAIR_ZH)
    assert engine.reply("啊吧啊吧啊吧啊吧").move == "not_understood"
    reply = engine.reply("您先说，您先说。").text
    assert not reply.startswith(_WAS_ASKING["zh"]), reply
    assert reply in _YIELD_REPLY["zh"]


def test_small_talk_gets_small_talk_not_a_request_to_be_specific():
    engine = _engine(CRM_EN)
    reply = engine.reply("How's your week going, anyway?").text
    assert reply in engine.persona.responses["small_talk"] or reply in _DONT_KNOW["en"], reply
    assert "specific" not in reply and "what you mean" not in reply.lower()


def test_an_offer_to_explain_gets_a_yes_and_a_check_in_gets_an_answer():
    engine = _engine(HAIR_EN)
    engine.persona = engine.persona.model_copy(update={"answers": {}, "responses": {}})
    offer = "Would it help if I explained exactly what happens at a consultation?"
    assert engine.reply(offer).text in _GO_ON_THEN["en"]
    assert engine.reply("Does that make sense?").text in _CHECK_IN_YES["en"]
    engine = _engine(IELTS_ZH)
    engine.persona = engine.persona.model_copy(update={"answers": {}, "responses": {}})
    assert engine.reply("要不要我给你讲讲写作课是怎么上的？").text in _GO_ON_THEN["zh"]


def test_no_what_does_that_come_to_when_the_rep_already_gave_the_total():
    for ids, line in [
        (TOM, "It's £2.50 a graft, so 2,000 grafts comes to about £5,000 in total."),
        (IELTS_ZH, "单项1对1每课时380元，20课时起，算下来一共7600元。"),
    ]:
        engine = _engine(ids)
        reply = engine.reply(line).text
        assert not any(total in reply for total in _PRICE_TOTAL[engine.language]), reply


def test_like_i_said_keeps_i_and_names_capitalised():
    assert (
        _lower_first("I sign anything over fifteen grand.") == "I sign anything over fifteen grand."
    )
    assert _lower_first("I'm not sure.") == "I'm not sure."
    assert _lower_first("HubSpot is what we have.") == "HubSpot is what we have."
    assert _lower_first("Priya signs it.", frozenset({"Priya"})) == "Priya signs it."
    assert _lower_first("Our month-end forecast is off.") == "our month-end forecast is off."


@pytest.mark.parametrize(
    "line",
    [
        "Okay. Honestly, Marcus, with respect, that sounds like a mess.",
        "Every month you sit on this you're throwing money away, and frankly that's on you.",
        "To be honest, mate, if you'd sorted it out five years ago you wouldn't be in this state.",
        "你一个学生，连一万块都拿不出来？",
    ],
)
def test_insults_in_plain_words_are_heard_as_insults(line):
    assert is_rude(line)


def test_a_demand_for_an_answer_now_is_pressure():
    assert is_pressure("I need an answer from you before we hang up: are we doing this or not?")
    assert not is_rude("Sorry, that's on me, I should have asked first.")


def test_a_question_with_a_day_in_it_that_books_nothing_is_a_question():
    engine = _engine(("crm-logistics-discovery", "dana-ops-director"))
    reply = engine.reply(
        "Say a rate request comes in at four o'clock on a Friday. What happens to it?"
    )
    assert reply.move != "next_step"
    assert "not so fast" not in reply.text.lower() and "ready to book" not in reply.text.lower()


def test_a_vague_claim_does_not_settle_a_standing_worry():
    engine = _engine(CRM_EN)
    engine.reply("Our Growth plan is 49 dollars a user a month, Enterprise 79.")
    raised = list(engine.state.objections_raised)
    engine.reply("I mean, our customers really like it. They're pretty happy.")
    assert not set(raised) & set(engine.state.objections_resolved)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("So do you want to just pop in sometime and have a look?", "en"),
        ("Maybe we set something up with you and Tom sometime next week?", "en"),
        ("Would a video pre-assessment make sense as a first step?", "en"),
        ("It's free, and I have Wednesday at seven or Tuesday at half seven. Any good?", "en"),
    ],
)
def test_proposals_in_everyday_words_are_proposals(text, language):
    assert analyse(text, language, [], set()).proposes


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("您别有压力，要不要做、什么时候做都是您自己定。您觉得这几年变化大吗？", "zh"),
        ("要不要我给你讲讲写作课是怎么上的？", "zh"),
        ("那孩子一周能拿出几个晚上或者周末？报课是您定还是和孩子爸爸一起商量？", "zh"),
        ("Is there a time of year that would suit you best, if you went ahead?", "en"),
        ("Is now an okay time, or shall I call you back later?", "en"),
    ],
)
def test_questions_that_only_sound_like_offers_propose_nothing(text, language):
    assert not analyse(text, language, [], set()).proposes


def test_asking_whether_now_is_good_or_later_does_not_end_the_call():
    line = "本次通话可能会被录音。您现在方便吗？还是晚一点再打给您？"
    turn = analyse(line, "zh", [], set())
    assert not turn.closes and "good_time" in turn.topics


def test_an_answer_that_voices_the_worry_does_not_say_it_twice():
    engine = _engine(("crm-logistics-discovery", "dana-ops-director"))
    reply = engine.reply("So who signs off on something like this?").text
    assert reply.lower().count("priya") <= 1, reply


def test_an_explanation_with_a_question_word_inside_is_not_met_with_not_sure():
    engine = _engine(HAIR_ZH)
    line = "面诊是免费的，护士先用毛发镜看毛囊密度，能不能植、植多少，具体方案需要医生面诊评估。"
    assert engine.reply(line).text not in _DONT_KNOW["zh"]


def test_asked_to_say_the_last_bit_again_the_customer_repeats_what_it_said_not_huh():
    engine = _engine(HAIR_EN)
    first = engine.reply("How long has it been going on?").text
    assert engine.reply("我刚才说的是，你好。").move == "not_understood"
    reply = engine.reply("Sorry, the line broke up a bit there, could you say that last bit again?")
    assert reply.text == "I said: " + first, reply.text


def test_following_your_words_is_not_asking_to_hear_them_again():
    turn = analyse("好的，那我就按您刚才说的给您登记。稍后我把地址发您。", "zh", [], set())
    assert not turn.asks_repeat
    assert analyse("不好意思，您刚才说什么？", "zh", [], set()).asks_repeat


def test_everyday_words_for_budget_and_follow_up():
    line = "we keep every RFQ and shipper follow up in one place instead of spreadsheets"
    assert not analyse(line, "en", [], set()).closes
    turn = analyse(
        "Before I throw a price at you, what's the number in your head?", "en", [], set()
    )
    assert "budget" in turn.topics


def test_how_long_have_i_got_asks_for_time_not_for_the_history():
    turn = analyse("Is now still okay, and how long have I actually got?", "en", [], set())
    assert "good_time" in turn.topics and "problem" not in turn.topics
    assert "problem" in analyse("How long has it been thinning?", "en", [], set()).topics


def test_yes_or_no_at_the_end_of_an_open_question_is_not_a_choice():
    engine = _engine(("crm-logistics-discovery", "dana-ops-director"))
    line = (
        "How does a rate request travel through your team, from the email to the final yes or no?"
    )
    assert engine.reply(line).text not in ("No.", "Yes.")


def test_a_promise_that_the_doctor_need_not_look_is_an_overclaim():
    from coach.personas.moves import is_overclaim

    assert is_overclaim("您这种情况我一听就知道，您肯定适合植发，不用检查也知道能做。")


def test_offering_to_keep_it_short_or_call_later_checks_the_time():
    line = "陈总您好，我是青岚植发的顾问江帆。您要是在开车，我长话短说，还是晚点再打给您？"
    turn = analyse(line, "zh", ["青岚植发"], set())
    assert "good_time" in turn.topics and not turn.closes


def test_a_long_list_that_trails_off_was_heard_and_a_short_one_was_cut_off():
    from coach.personas.dialogue import heard

    dump = (
        "刘同学你好！我启航留学语培的，我先给你介绍一下我们的课程啊。我们有雅思基础冲刺班48课时6980元，"
        "雅思精品小班72课时11800元，直播小班不超过8人，有回放，老师都是8分以上……"
    )
    assert heard(dump, "zh") == "ok"
    assert heard("那学校对雅思的要求是……", "zh") == "cut_off"


def test_no_what_does_it_come_to_once_a_big_figure_was_named():
    engine = _engine(IELTS_ZH)
    engine.reply("精品小班72课时，一共11800元。")
    reply = engine.reply("教材费300元开课后不退。").text
    assert not any(total in reply for total in _PRICE_TOTAL["zh"]), reply


def test_a_standing_worry_brought_back_is_said_as_still_open():
    from coach.personas.engine import _STILL

    engine = _engine(HAIR_ZH)
    lines = ["我们这边医生都很专业，您放心。", "对，大概就是这样。我们医生都挺有经验的。"]
    replies = [engine.reply(line).text for line in lines * 2]
    again = [r for r in replies if r.startswith(_STILL["zh"])]
    assert again, replies
    for reply in again:
        worry = reply[len(_STILL["zh"]) :]
        assert worry and worry not in replies, (worry, replies)


def test_a_promise_too_good_is_doubted_not_taken_as_an_insult():
    line = "It works with any system, so whatever you use, it just plugs in."
    assert not is_rude(line)
    assert is_rude("Whatever. Just buy it.")
    engine = _engine(("crm-logistics-discovery", "dana-ops-director"))
    for claim in ["We guarantee results in a month.", "It's 100% risk-free.", line]:
        reply = engine.reply(claim)
        assert reply.text not in engine.persona.responses["rude"], (claim, reply.text)


def test_a_pick_up_line_that_already_gives_the_time_is_not_followed_by_another():
    from coach.personas.engine import _GOOD_TIME, BuiltinPersona
    from tests.personas.support import CATALOG, EMBEDDER

    engine = BuiltinPersona(
        CATALOG.personas["chen-boss-price"], CATALOG.scenarios["hair-clinic-booking-zh"], EMBEDDER
    )
    engine.opening()
    reply = engine.reply(
        "陈总您好，我是青岚植发的顾问李然，您在网上留过电话，我回访一下，方便吗？"
    ).text
    assert sum(line in reply for line in _GOOD_TIME["zh"]) == 0 or reply.count("你说吧") == 1, reply
    assert reply.count("你说吧") <= 1, reply
