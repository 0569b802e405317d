from coach.backends.fake import FakeEmbedder
from coach.content.catalog import load_catalog
from coach.practice import ReadAlongMode, RecitationMode, ScriptedMode, make_mode
from coach.transcripts import Turn
from tests.conftest import SEEDS

CATALOG = load_catalog([SEEDS])
CRM = CATALOG.scenarios["crm-logistics-discovery"]
IELTS = CATALOG.scenarios["study-abroad-ielts-zh"]


def test_readalong_moves_on_and_marks_tokens():
    mode = ReadAlongMode(CRM)
    assert mode.opening().prompt.startswith("[1/")
    step = mode.respond(CRM.script[0], [])
    assert step.marks["accuracy"] == 1.0 and mode.state() == {"line": 1}
    bad = mode.respond("something else entirely", [])
    assert bad.hint and mode.state() == {"line": 1}
    assert any(t["status"] != "ok" for t in bad.marks["tokens"])
    assert mode.respond("repeat", []).prompt.startswith("[2/")
    for line in CRM.script[1:]:
        step = mode.respond(line, [])
    assert step.ended_by == "completed"


def test_readalong_chinese_tolerates_homophones():
    mode = ReadAlongMode(IELTS)
    line = IELTS.script[0]
    step = mode.respond(line.replace("雅思", "亚思"), [])
    assert step.marks["accuracy"] == 1.0


def test_recitation_keeps_taking_turns():
    mode = RecitationMode(IELTS)
    assert "背诵" in mode.opening().prompt
    mode.respond("第一段", [])
    assert mode.respond("第二段", []).ended_by is None and mode.state() == {"turns": 2}


def test_scripted_branches_on_what_the_rep_said():
    mode = ScriptedMode(CRM, FakeEmbedder())
    first = mode.opening()
    assert first.customer == CRM.flow.node(CRM.flow.start).customer
    rep = CRM.key_point("greeting_intro").examples[0]
    step = mode.respond(
        rep, [Turn(speaker="customer", text=first.customer), Turn(speaker="rep", text=rep)]
    )
    assert step.customer and mode.state()["node"] != CRM.flow.start


def test_scripted_hints_can_be_turned_off():
    silent = ScriptedMode(CRM, FakeEmbedder(), hints=False)
    silent.opening()
    assert silent.respond("hmm", [Turn(speaker="rep", text="hmm")]).hint is None
    loud = ScriptedMode(CRM, FakeEmbedder())
    loud.opening()
    assert loud.respond("hmm", [Turn(speaker="rep", text="hmm")]).hint


def test_freeform_is_deterministic_for_a_seed():
    def play(seed):
        mode = make_mode(
            "freeform",
            CRM,
            embedder=FakeEmbedder(),
            persona=CATALOG.personas["dana-ops-director"],
            seed=seed,
        )
        out = [mode.opening().customer]
        for line in (
            "Hi Dana, this is Alex from FleetFlow.",
            "How do you handle quotes today?",
            "What does it cost you?",
        ):
            out.append(mode.respond(line, []).customer)
        return out, mode.state()

    first, state = play(3)
    assert first == play(3)[0]
    assert state["persona"]["turns"] == 3
    resumed = make_mode(
        "freeform",
        CRM,
        embedder=FakeEmbedder(),
        persona=CATALOG.personas["dana-ops-director"],
        seed=3,
        state=state,
    )
    assert resumed.state()["persona"]["used_lines"] == state["persona"]["used_lines"]
