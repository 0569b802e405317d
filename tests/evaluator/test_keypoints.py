import pytest

from coach.backends.fake import FakeEmbedder
from coach.evaluator import KeyPointDetector, Thresholds
from coach.evaluator.keypoints import act_profile
from coach.transcripts import Transcript, Turn
from tests.support.embedders import RecordingEmbedder


def _detect(scenario, *turns, language="en", thresholds=None):
    transcript = Transcript(language=language, turns=[Turn(speaker=s, text=t) for s, t in turns])
    detector = KeyPointDetector(FakeEmbedder(), thresholds)
    return {r.id: r for r in detector.detect(scenario, transcript)}


def test_act_profiles_are_inferred(scenario):
    profiles = {p.id: act_profile(p, "en") for p in scenario.key_points}
    assert profiles["current_process"].open_question
    assert profiles["next_step"].concrete_time
    assert not profiles["greeting"].question


def test_hits_carry_evidence_and_turn(scenario):
    results = _detect(
        scenario,
        ("customer", "Hello?"),
        ("rep", "Hi, this is Alex from FleetFlow."),
        ("customer", "OK."),
        ("rep", "How do you handle quotes today?"),
        ("rep", "Could we meet Tuesday at 10am?"),
    )
    assert results["greeting"].status == "hit" and results["greeting"].turn == 1
    assert "Alex from FleetFlow" in results["greeting"].evidence
    assert results["current_process"].status == "hit" and results["current_process"].turn == 3
    assert results["next_step"].status == "hit" and results["next_step"].turn == 4


def test_customer_lines_never_count(scenario):
    results = _detect(
        scenario,
        ("customer", "How do you handle quotes today? Could we meet Tuesday at 10am?"),
        ("rep", "Sure."),
    )
    assert all(r.status == "missed" for r in results.values())


def test_yes_no_question_and_vague_next_step_are_partial(scenario):
    # The fake embedder only sees word overlap: lower the phrase cut-offs so the yes/no
    # version of the open question counts as on topic.
    results = _detect(
        scenario,
        ("rep", "So you handle quotes today in spreadsheets, right?"),
        ("rep", "Could we meet sometime later?"),
        thresholds=Thresholds(phrase_hit=0.6, phrase_partial=0.5),
    )
    assert results["current_process"].status == "partial"
    assert "open question" in results["current_process"].missing_acts
    assert results["next_step"].status != "hit"


def test_declining_does_not_count(scenario):
    results = _detect(scenario, ("rep", "I won't ask how you handle quotes today."))
    assert results["current_process"].status == "missed"


def test_echoing_the_customer_does_not_count(scenario):
    results = _detect(
        scenario,
        ("customer", "Could we meet Tuesday at 10am?"),
        ("rep", "Could we meet Tuesday at 10am?"),
    )
    assert results["next_step"].status == "missed"


def test_fillers_are_ignored(scenario):
    results = _detect(scenario, ("rep", "Um, how do you, uh, handle quotes today?"))
    assert results["current_process"].status == "hit"


def test_chinese_on_characters(zh_scenario):
    results = _detect(
        zh_scenario,
        ("rep", "嗯，您好，我是启航留学的陈老师"),
        ("rep", "孩子的目标分数是多少呢？"),
        ("rep", "那我们回头再联系"),
        language="zh",
    )
    assert results["greeting"].status == "hit"
    assert results["goal"].status == "hit"
    assert results["next_step"].status != "hit"


def test_warm_embeds_exactly_what_the_detector_embeds_later(scenario):
    said = "Um, hi there. So how do you handle quotes today?"
    warm, later = RecordingEmbedder(), RecordingEmbedder()
    KeyPointDetector(warm).warm("en", said)
    transcript = Transcript(language="en", turns=[Turn(speaker="rep", text=said)])
    KeyPointDetector(later).detect(scenario, transcript)
    assert set(warm.seen) and set(warm.seen) <= set(later.seen)


@pytest.mark.parametrize(
    ("customer", "language"),
    [
        ("I'll be honest, I'm expecting a hard sell.", "en"),
        ("Colleagues have noticed and made comments.", "en"),
        ("我就怕又是来推销的。", "zh"),
        ("被同事看出来多尴尬。", "zh"),
    ],
)
def test_worries_and_feelings_count_as_a_voiced_concern(customer, language):
    from coach.evaluator.keypoints import _concern_voiced

    assert _concern_voiced(customer, customer, language)
