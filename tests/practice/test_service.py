import pytest

from coach.backends.fake import FakeEmbedder, FakeTranscriber
from coach.errors import CoachError, NotFoundError, PermissionDenied
from coach.services.practice import PracticeService, SessionEndedError
from coach.speech.audio import write_wav
from coach.store.repositories import scorecards, sessions
from tests.speech.helpers import tone
from tests.support.embedders import RecordingEmbedder


def _service(runtime, **kw):
    return PracticeService(runtime, embedder=FakeEmbedder(), **kw)


def write_tone(path, *, seconds):
    return write_wav(path, tone(seconds), 16000)


def test_every_turn_is_persisted_as_it_happens(seeded_runtime):
    service = _service(seeded_runtime)
    started = service.start(
        actor="rep", scenario_id="crm-logistics-discovery", mode="freeform", seed=1
    )
    assert started.customer and started.persona_id == "dana-ops-director"
    service.take_turn(started.session_id, actor="rep", text="Hi Dana, this is Alex from FleetFlow.")
    # A new service (another app process) picks the session up from the database.
    other = _service(seeded_runtime)
    other.take_turn(started.session_id, actor="rep", text="How do you handle quotes today?")
    with seeded_runtime.transaction() as s:
        row = sessions.get_session(session=s, session_id=started.session_id)
        assert [t.speaker for t in row.turns] == ["customer", "rep", "customer", "rep", "customer"]
        assert row.state["mode"]["persona"]["turns"] == 2
    result = other.end(started.session_id, actor="rep")
    assert 0 <= result["score"] <= 100
    with seeded_runtime.transaction() as s:
        assert (
            scorecards.get_scorecard(session=s, session_id=started.session_id).score
            == result["score"]
        )
        assert sessions.get_session(session=s, session_id=started.session_id).ended_by == "rep"
    with pytest.raises(SessionEndedError):
        other.take_turn(started.session_id, actor="rep", text="wait")
    assert other.end(started.session_id, actor="rep") == result


def test_readalong_session_ends_when_the_script_is_done(seeded_runtime):
    service = _service(seeded_runtime)
    started = service.start(actor="rep-zh", scenario_id="study-abroad-ielts-zh", mode="readalong")
    from coach.services.content import get_scenario

    script = get_scenario(seeded_runtime, scenario_id="study-abroad-ielts-zh").script
    for line in script:
        result = service.take_turn(started.session_id, actor="rep-zh", text=line)
        assert result.marks["accuracy"] > 0.9
    assert result.ended_by == "completed"
    with seeded_runtime.transaction() as s:
        assert sessions.get_session(session=s, session_id=started.session_id).status == "completed"


def test_audio_turns_go_through_the_transcriber(seeded_runtime, tmp_path):
    audio = write_tone(tmp_path / "turn1.wav", seconds=1.5)
    transcriber = FakeTranscriber(default="Hi, this is Alex from FleetFlow.")
    service = _service(seeded_runtime, transcriber=transcriber)
    started = service.start(actor="rep", scenario_id="crm-logistics-discovery", mode="scripted")
    result = service.take_turn(started.session_id, actor="rep", audio=audio)
    assert result.rep_text == "Hi, this is Alex from FleetFlow."
    turns = service.transcript(started.session_id, actor="rep")
    assert turns[1]["speaker"] == "rep" and turns[1]["end"] > 0
    # The recording was decoded (checked against the limits) before it reached the model.
    assert transcriber.calls == ["<samples>"]


def test_clear_errors(seeded_runtime):
    service = _service(seeded_runtime)
    with pytest.raises(PermissionDenied, match="no active user"):
        service.start(actor="ghost", scenario_id="crm-logistics-discovery", mode="freeform")
    with pytest.raises(NotFoundError):
        service.start(actor="rep", scenario_id="no-such-scenario", mode="freeform")
    with pytest.raises(ValueError, match="unknown mode"):
        service.start(actor="rep", scenario_id="crm-logistics-discovery", mode="karaoke")
    started = service.start(actor="rep", scenario_id="crm-logistics-discovery", mode="recitation")
    with pytest.raises(CoachError, match="empty"):
        service.take_turn(started.session_id, actor="rep", text="   ")
    with pytest.raises(CoachError, match="no speech recogniser"):
        service.take_turn(started.session_id, actor="rep", audio="x.wav")


def test_each_rep_turn_is_embedded_for_the_scorecard_while_the_call_goes_on(seeded_runtime):
    embedder = RecordingEmbedder()
    service = PracticeService(seeded_runtime, embedder=embedder)
    started = service.start(
        actor="rep", scenario_id="crm-logistics-discovery", mode="freeform", seed=1
    )
    said = "Hi Dana, this is Alex from FleetFlow. Is now an okay time?"
    service.take_turn(started.session_id, actor="rep", text=said)
    service._warmer.submit(lambda: None).result()  # wait for the background warm-up
    # The scorecard embeds the turn's sentences and the whole turn: all already seen.
    assert {"Hi Dana, this is Alex from FleetFlow.", "Is now an okay time?", said} <= set(
        embedder.seen
    )
