"""The built-in customer follows the call: each test is an exchange that used to go wrong."""

from coach.backends.fake import FakeEmbedder
from coach.content.catalog import load_catalog
from coach.personas.coherence import check_call
from coach.personas.engine import BuiltinPersona, PersonaState, SourcedLine
from tests.conftest import SEEDS

CATALOG = load_catalog([SEEDS])
EMBEDDER = FakeEmbedder()


def _engine(scenario_id, persona_id, seed=0, **kwargs):
    engine = BuiltinPersona(
        CATALOG.personas[persona_id], CATALOG.scenarios[scenario_id], EMBEDDER, seed=seed, **kwargs
    )
    engine.opening()
    return engine


def _play(engine, lines):
    return [engine.reply(line) for line in lines]


def test_no_who_is_calling_after_the_rep_introduced_themselves():
    for seed in range(6):
        tom = _engine("hair-clinic-booking-en", "tom-teacher-hesitant", seed)
        reply = tom.reply(
            "Hi, this is Priya from Linden Hair Clinic, you filled in our form on Monday."
        )
        assert "who's calling" not in reply.text.lower() and "who's this" not in reply.text.lower()
        wang = _engine("hair-clinic-booking-zh", "wang-engineer-anxious", seed)
        reply = wang.reply("您好，我是青岚植发的顾问小周，您前两天在官网留了信息。")
        assert "哪里" not in reply.text and "哪位" not in reply.text


def test_no_greeting_in_the_middle_of_the_call():
    engine = _engine("crm-logistics-discovery", "dana-ops-director")
    engine.reply("Hi Dana, this is Alex Moreno from FleetFlow. Is now okay?")
    for line in ["Hello again!", "Hi!", "Good morning."]:
        text = engine.reply(line).text.lower()
        assert not text.startswith(("hi", "hello", "hey", "morning")), text


def test_no_price_objection_before_a_price_and_no_slot_nobody_offered():
    for seed in range(5):
        zhang = _engine("study-abroad-ielts-zh", "zhang-mom-cautious", seed)
        replies = _play(
            zhang,
            [
                "您好，请问是张女士吗？我是启航留学语培的课程顾问陈老师。",
                "孩子平时每周大概能拿出几个晚上学英语？报课是您和孩子爸爸一起商量吗？",
                "我们的小班每班不超过 8 人，老师上课会点名。",
                "孩子之前有没有上过雅思课？",
            ],
        )
        assert not any("一万一千八" in r.text for r in replies)
    tom = _engine("hair-clinic-booking-en", "tom-teacher-hesitant")
    tom.state.trust, tom.state.covered = (
        1.0,
        list(CATALOG.personas["tom-teacher-hesitant"].agree_when.needs),
    )
    reply = tom.reply("Shall we book you in for Thursday at 6pm?")
    assert reply.ended_by == "agreement"
    assert "video" not in reply.text.lower() and "saturday" not in reply.text.lower()


def test_a_question_gets_an_answer_from_the_persona_facts():
    dana = _engine("crm-logistics-discovery", "dana-ops-director")
    dana.reply("Hi Dana, this is Alex Moreno from FleetFlow. Is now okay?")
    assert "fifteen" in dana.reply("What's your budget for something like this?").text.lower()
    chen = _engine("hair-clinic-booking-zh", "chen-boss-price")
    chen.reply("陈总您好，我是青岚植发的顾问小周。")
    said = chen.reply("这事是您自己拍板吗？").text
    assert "拍板" in said or "说了算" in said
    asked_again = chen.reply("那最后是谁来定呢？").text
    assert asked_again.startswith("我刚才也说了")


def test_multi_part_questions_answer_the_part_that_matters_most():
    dana = _engine("crm-logistics-discovery", "dana-ops-director")
    dana.reply("Hi Dana, this is Alex from FleetFlow.")
    text = dana.reply(
        "How many people are in sales, what do you use today, and what's your budget?"
    ).text
    assert "fifteen" in text.lower() or "budget" in text.lower()


def test_gibberish_other_language_silence_and_cut_offs_are_not_answered():
    dana = _engine("crm-logistics-discovery", "dana-ops-director")
    dana.reply("Hi Dana, it's Alex Moreno from FleetFlow, have you got a minute?")
    patience = dana.state.patience
    for line in ["asdf qwer zxcv", "x" * 20000, "", "您好，我想了解一下报价。", "So how do you—"]:
        reply = dana.reply(line)
        assert reply.move == "not_understood", (line[:20], reply)
    assert dana.state.patience < patience  # it went on: patience drops
    liu = _engine("study-abroad-ielts-zh", "liu-student-busy")
    assert liu.reply("啊吧啊吧").move == "not_understood"
    liu = _engine("study-abroad-ielts-zh", "liu-student-busy")
    zh = liu.reply("Could you tell me your IELTS score?")
    assert zh.move == "not_understood" and "中文" in zh.text


def test_insults_and_pressure_get_a_fitting_reaction():
    dana = _engine("crm-logistics-discovery", "dana-ops-director")
    dana.reply("Hi Dana, it's Alex Moreno from FleetFlow.")
    insult = dana.reply("Are you deaf? I said it's the best.")
    assert insult.move == "rude" and "timing" not in insult.text.lower()
    pressure = dana.reply("You need to sign today, this price expires tonight.")
    assert pressure.move == "rude" and any(
        w in pressure.text.lower() for w in ("rush", "push", "spot", "email", "jump")
    )


def test_the_dialogue_state_survives_a_saved_session():
    engine = _engine("crm-logistics-discovery", "dana-ops-director")
    engine.reply("Hi Dana, this is Alex Moreno from FleetFlow.")
    saved = engine.state.as_dict()
    restored = BuiltinPersona(
        CATALOG.personas["dana-ops-director"],
        CATALOG.scenarios["crm-logistics-discovery"],
        EMBEDDER,
        state=PersonaState.from_dict(saved),
    )
    assert restored.dialogue.introduced
    old = {k: v for k, v in saved.items() if k not in ("dialogue", "last_clips")}
    assert PersonaState.from_dict(old).dialogue == {}  # sessions saved before still load


def test_a_reply_built_from_clip_lines_keeps_their_clip_ids():
    def lines(scenario_id, kind):
        return [SourcedLine(f"Real customer worry about {kind}, honestly.", f"clip-{kind}")]

    dana = _engine("crm-logistics-discovery", "dana-ops-director", customer_lines=lines)
    dana.persona = dana.persona.model_copy(
        update={
            "objections": [
                o.model_copy(update={"lines": ["Hmm."]}) for o in dana.persona.objections
            ]
        }
    )
    dana.state.used_lines.append("Hmm.")
    replies = _play(
        dana,
        [
            "Hi Dana, this is Alex Moreno from FleetFlow.",
            "FleetFlow gives every quote an owner and a four-hour clock.",
            "Our customers love it, it has a dashboard for everything.",
        ],
    )
    sourced = [r for r in replies if r.clips]
    assert sourced and all(c.startswith("clip-") for r in sourced for c in r.clips)
    assert dana.state.last_clips == list(replies[-1].clips)
    plain = _engine(
        "crm-logistics-discovery", "dana-ops-director", customer_lines=lambda s, k: ["Plain."]
    )
    assert plain.reply("Hi Dana, this is Alex from FleetFlow.").clips == ()


def test_the_checks_flag_the_old_failures():
    persona = CATALOG.personas["tom-teacher-hesitant"]
    scenario = CATALOG.scenarios["hair-clinic-booking-en"]
    turns = [
        ("customer", "Hello? Sorry, who's this?"),
        ("rep", "Hi Tom, this is Priya from Linden Hair Clinic, you filled in our form on Monday."),
        ("customer", "Hello. Sorry, who's calling?"),
        ("rep", "asdf qwer zxcv"),
        ("customer", "It's mainly the temples, and the crown's getting thin."),
        ("rep", "When did you first notice it?"),
        ("customer", "Hiya - yes, speaking."),
        ("rep", "Would Thursday at 6pm suit you?"),
        ("customer", "Right, let's do the video one first, then I'll see how I feel."),
    ]
    checks = {p.check for p in check_call(turns, persona, scenario, ended_by="agreement")}
    assert checks == {"identity", "re-greeting", "not-understood", "unoffered"}
