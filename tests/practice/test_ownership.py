"""Who may do what with a practice session, and what the pages read back from it."""

from pathlib import Path

import pytest

from coach.accounts import LOCAL_ADMIN
from coach.backends.fake import FakeEmbedder, FakeTranscriber
from coach.errors import CoachError, PermissionDenied
from coach.services import accounts
from coach.services.content import get_scenario
from coach.services.practice import PracticeService
from coach.services.runtime import open_runtime
from coach.settings import Settings
from coach.speech.audio import write_wav
from coach.speech.errors import AudioTooLargeError
from coach.store.repositories import scorecards, sessions
from coach.store.repositories import users as users_repo
from tests.speech.helpers import tone

CRM = "crm-logistics-discovery"
PASSWORD = "a long passphrase"


def _service(runtime, **kw):
    return PracticeService(runtime, embedder=FakeEmbedder(), **kw)


def _add_rep(runtime, username, team="Demo Team"):
    return accounts.add_user(
        runtime, username=username, password=PASSWORD, role="rep", team=team, actor=LOCAL_ADMIN
    )


@pytest.fixture
def service(seeded_runtime):
    return _service(seeded_runtime)


@pytest.fixture
def started(service):
    """A freeform session of the demo rep with one turn taken."""
    started = service.start(actor="rep", scenario_id=CRM, mode="freeform", seed=1)
    service.take_turn(started.session_id, actor="rep", text="Hi Dana, this is Alex from FleetFlow.")
    return started


def _turn_count(runtime, session_id):
    with runtime.transaction() as s:
        return len(sessions.get_session(session=s, session_id=session_id).turns)


def test_another_rep_cannot_touch_a_session_by_its_id(seeded_runtime, service, started):
    _add_rep(seeded_runtime, "mallory")
    sid = started.session_id
    before = _turn_count(seeded_runtime, sid)
    forged = [
        lambda: service.take_turn(sid, actor="mallory", text="I agree to everything."),
        lambda: service.revise_rep_turn(sid, actor="mallory", turn_index=1, text="forged"),
        lambda: service.revise_rep_turn(sid, actor="mallory", turn_index=1, text=" "),
        lambda: service.view(sid, actor="mallory"),
        lambda: service.transcript(sid, actor="mallory"),
        lambda: service.voice_profile(sid, actor="mallory"),
        lambda: service.end(sid, actor="mallory"),
    ]
    for call in forged:
        with pytest.raises(PermissionDenied, match="not yours"):
            call()
    # Nothing was written: no turn, no revision, still active, not scored.
    with seeded_runtime.transaction() as s:
        row = sessions.get_session(session=s, session_id=sid)
        assert len(row.turns) == before and row.status == "active" and row.scorecard is None
        assert row.turns[1].text == "Hi Dana, this is Alex from FleetFlow."
    # The owner still can.
    assert service.view(sid, actor="rep").owner == "rep"


def test_admins_and_the_team_coaches_may_read_but_not_practise(seeded_runtime, service, started):
    sid = started.session_id
    for reader in ("admin", "manager", "trainer", LOCAL_ADMIN):
        assert service.view(sid, actor=reader).id == sid
        assert service.transcript(sid, actor=reader)[1]["text"].startswith("Hi Dana")
        with pytest.raises(PermissionDenied):
            service.take_turn(sid, actor=reader, text="Let me take over.")
        with pytest.raises(PermissionDenied):
            service.end(sid, actor=reader)
        with pytest.raises(PermissionDenied):
            service.revise_rep_turn(sid, actor=reader, turn_index=1, text="changed")
    # A manager of another team is not this rep's coach.
    accounts.add_user(
        seeded_runtime,
        username="otto",
        password=PASSWORD,
        role="manager",
        team="Other Team",
        actor=LOCAL_ADMIN,
    )
    with pytest.raises(PermissionDenied):
        service.view(sid, actor="otto")
    assert _turn_count(seeded_runtime, sid) == 3


def test_unknown_disabled_and_missing_actors_are_refused(seeded_runtime, service, started):
    sid = started.session_id
    with pytest.raises(PermissionDenied, match="no active user"):
        service.view(sid, actor="ghost")
    with pytest.raises(PermissionDenied, match="say who is acting"):
        service.take_turn(sid, actor="", text="hello")
    with pytest.raises(PermissionDenied, match="no active user"):
        service.start(actor="ghost", scenario_id=CRM, mode="freeform")
    with pytest.raises(PermissionDenied, match="--user"):
        service.start(actor=LOCAL_ADMIN, scenario_id=CRM, mode="freeform")
    with seeded_runtime.transaction() as s:
        rep = users_repo.get_user_by_username(session=s, username="rep")
        users_repo.set_active(session=s, user_id=rep.id, active=False)
    with pytest.raises(PermissionDenied, match="no active user"):
        service.take_turn(sid, actor="rep", text="Still there?")
    with pytest.raises(PermissionDenied, match="no active user"):
        service.history(actor="rep")
    for call in (
        lambda: service.start(scenario_id=CRM, mode="freeform"),
        lambda: service.take_turn(sid, text="hello"),
        lambda: service.end(sid),
        lambda: service.transcript(sid),
        lambda: service.view(sid),
        lambda: service.history(),
        lambda: service.active_session(),
        lambda: service.voice_profile(sid),
        lambda: service.revise_rep_turn(sid, turn_index=1, text="x"),
    ):
        with pytest.raises(TypeError, match="actor"):
            call()  # type: ignore[call-arg]
    assert _turn_count(seeded_runtime, sid) == 3


def test_history_lists_only_the_actors_sessions_with_scores(seeded_runtime, service, started):
    _add_rep(seeded_runtime, "mallory")
    mine = service.start(actor="mallory", scenario_id=CRM, mode="recitation")
    service.take_turn(
        mine.session_id, actor="mallory", text="Hi Dana, this is Alex from FleetFlow."
    )
    result = service.end(started.session_id, actor="rep")
    history = service.history(actor="rep")
    assert [h.id for h in history] == [started.session_id]
    [summary] = history
    assert summary.status == "completed" and summary.ended_by == "rep"
    assert summary.score == result["score"] and summary.mode == "freeform"
    assert summary.scenario_title == get_scenario(seeded_runtime, scenario_id=CRM).title
    others = service.history(actor="mallory")
    assert [h.id for h in others] == [mine.session_id]
    assert others[0].score is None and others[0].status == "active"
    assert service.history(actor="trainer") == []
    with pytest.raises(PermissionDenied):
        service.history(actor=LOCAL_ADMIN)


def test_active_session_is_the_newest_one_in_progress(service):
    assert service.active_session(actor="rep") is None
    first = service.start(actor="rep", scenario_id=CRM, mode="recitation")
    second = service.start(actor="rep", scenario_id=CRM, mode="scripted")
    assert service.active_session(actor="rep") == second.session_id
    assert service.active_session(actor="rep-zh") is None
    service.end(second.session_id, actor="rep")
    assert service.active_session(actor="rep") == first.session_id
    service.end(first.session_id, actor="rep")
    assert service.active_session(actor="rep") is None


def test_revising_a_rep_turn_keeps_the_fast_text_and_rescores(seeded_runtime, service):
    scenario = get_scenario(seeded_runtime, scenario_id=CRM)
    started = service.start(actor="rep", scenario_id=CRM, mode="recitation")
    sid = started.session_id
    fast = "um hello it's Alex"
    service.take_turn(sid, actor="rep", text=fast)
    [rep_turn] = [t for t in service.view(sid, actor="rep").turns if t.speaker == "rep"]
    # Revising while the call goes on: the text changes, the first transcript is kept.
    service.revise_rep_turn(sid, actor="rep", turn_index=rep_turn.index, text="um hello, it's Alex")
    turn = service.view(sid, actor="rep").turns[rep_turn.index]
    assert turn.text == "um hello, it's Alex" and turn.meta["heard_fast"] == fast
    assert turn.heard == fast
    first = service.end(sid, actor="rep")
    # After the end the new text is scored again and the stored scorecard replaced.
    better = " ".join(scenario.script)
    service.revise_rep_turn(
        sid, actor="rep", turn_index=rep_turn.index, text=better, meta={"source": "accurate"}
    )
    view = service.view(sid, actor="rep")
    turn = view.turns[rep_turn.index]
    assert turn.text == better and turn.meta == {"heard_fast": fast, "source": "accurate"}
    assert view.scorecard is not None and view.scorecard["score"] > first["score"]
    with seeded_runtime.transaction() as s:
        assert scorecards.get_scorecard(session=s, session_id=sid).score == view.scorecard["score"]
    assert service.end(sid, actor="rep") == view.scorecard
    # Only rep turns can be revised; an empty text changes nothing.
    with pytest.raises(CoachError, match="no rep turn"):
        service.revise_rep_turn(sid, actor="rep", turn_index=99, text="x")
    service.revise_rep_turn(sid, actor="rep", turn_index=rep_turn.index, text="   ")
    assert service.view(sid, actor="rep").turns[rep_turn.index].text == better


def test_a_customer_turn_cannot_be_revised(service, started):
    view = service.view(started.session_id, actor="rep")
    assert view.turns[0].speaker == "customer"
    with pytest.raises(CoachError, match="no rep turn 0"):
        service.revise_rep_turn(started.session_id, actor="rep", turn_index=0, text="Yes!")


def test_readalong_marks_are_kept_with_the_turn_and_the_line_advances(seeded_runtime, service):
    script = get_scenario(seeded_runtime, scenario_id=CRM).script
    started = service.start(actor="rep", scenario_id=CRM, mode="readalong")
    view = service.view(started.session_id, actor="rep")
    assert view.line == 0 and view.script == list(script) and view.coverage is None
    result = service.take_turn(started.session_id, actor="rep", text=script[0])
    view = service.view(started.session_id, actor="rep")
    assert view.line == 1
    [rep_turn] = [t for t in view.turns if t.speaker == "rep"]
    assert rep_turn.index == result.turn_index
    assert rep_turn.meta["marks"] == result.marks and rep_turn.meta["marks"]["line"] == 0
    assert rep_turn.meta["marks"]["accuracy"] > 0.9
    # A poor reading stays on the line and keeps its hint with the turn.
    poor = service.take_turn(started.session_id, actor="rep", text="bananas")
    view = service.view(started.session_id, actor="rep")
    assert view.line == 1 and poor.hint
    assert view.turns[-1].meta["hint"] == poor.hint and view.turns[-1].meta["marks"]["line"] == 1


def test_recitation_coverage_grows_with_each_turn(seeded_runtime, service):
    script = get_scenario(seeded_runtime, scenario_id=CRM).script
    started = service.start(actor="rep", scenario_id=CRM, mode="recitation")
    assert service.view(started.session_id, actor="rep").coverage == 0.0
    service.take_turn(started.session_id, actor="rep", text=script[0])
    after_one = service.view(started.session_id, actor="rep").coverage
    service.take_turn(started.session_id, actor="rep", text=" ".join(script[1:4]))
    after_two = service.view(started.session_id, actor="rep").coverage
    assert 0.0 < after_one < after_two <= 1.0


def test_freeform_view_shows_the_customer_state_but_not_its_secrets(seeded_runtime, service):
    started = service.start(actor="rep", scenario_id=CRM, mode="freeform", seed=1)
    view = service.view(started.session_id, actor="rep")
    assert view.mode == "freeform" and view.status == "active" and view.line is None
    assert isinstance(view.trust, float) and isinstance(view.patience, int)
    assert view.patience_max is not None and 0 < view.patience <= view.patience_max
    assert view.persona is not None and view.persona["id"] == "dana-ops-director"
    assert set(view.persona) == {"id", "name", "role", "company", "mood", "difficulty"}
    for secret in ("hidden_needs", "objections", "facts", "agree_when", "background"):
        assert secret not in view.persona
    assert view.turns[0].speaker == "customer" and view.turns[0].text == started.customer
    service.take_turn(started.session_id, actor="rep", text="Hi Dana, this is Alex from FleetFlow.")
    assert len(service.view(started.session_id, actor="rep").turns) == 3


def test_a_persona_in_another_language_is_refused_at_start(seeded_runtime, service):
    with pytest.raises(CoachError, match=r"speaks zh but scenario .* is in en") as refused:
        service.start(actor="rep", scenario_id=CRM, mode="freeform", persona_id="chen-boss-price")
    assert "dana-ops-director" in str(refused.value)  # says which personas fit
    assert service.active_session(actor="rep") is None  # no session was made


def test_an_uploaded_turn_is_transcribed_and_its_audio_kept(seeded_runtime, tmp_path):
    said = "Hi Dana, this is Alex Moreno from FleetFlow."
    transcriber = FakeTranscriber(default=said)
    service = _service(seeded_runtime, transcriber=transcriber)
    started = service.start(actor="rep", scenario_id=CRM, mode="scripted")
    upload = write_wav(tmp_path / "upload" / "Recording.WAV", tone(1.5), 16000)
    result = service.take_turn(started.session_id, actor="rep", audio=upload)
    assert result.rep_text == said and transcriber.calls == ["<samples>"]
    view = service.view(started.session_id, actor="rep")
    rep_turn = view.turns[result.turn_index]
    assert rep_turn.speaker == "rep" and rep_turn.heard == said
    assert rep_turn.meta["heard"] == said and rep_turn.meta["source"] == "upload"
    kept = Path(rep_turn.audio_path)
    folder = seeded_runtime.settings.data_dir / "audio" / started.session_id
    assert kept.parent == folder and kept.suffix == ".wav" and kept != upload
    assert kept.read_bytes() == upload.read_bytes()
    [turn] = [
        t for t in service.transcript(started.session_id, actor="rep") if t["speaker"] == "rep"
    ]
    assert turn["start"] == 0.0 and turn["end"] == pytest.approx(1.5, abs=0.05)


def test_an_upload_over_the_limit_is_refused_and_nothing_is_stored(
    seeded_runtime, tmp_path, monkeypatch
):
    monkeypatch.setenv("COACH_MAX_UPLOAD_MB", "1")
    settings = Settings(
        data_dir=seeded_runtime.settings.data_dir,
        database_url=seeded_runtime.settings.resolved_database_url,
    )
    assert settings.max_upload_mb == 1
    runtime = open_runtime(settings)
    try:
        transcriber = FakeTranscriber(default="never heard")
        service = _service(runtime, transcriber=transcriber)
        started = service.start(actor="rep", scenario_id=CRM, mode="scripted")
        big = write_wav(tmp_path / "long.wav", tone(40.0), 16000)  # 16-bit: about 1.3 MB
        assert big.stat().st_size > 1024 * 1024
        with pytest.raises(AudioTooLargeError, match="COACH_MAX_UPLOAD_MB"):
            service.take_turn(started.session_id, actor="rep", audio=big)
        assert transcriber.calls == []
        assert [t["speaker"] for t in service.transcript(started.session_id, actor="rep")] == [
            "customer"
        ]
        assert not (settings.data_dir / "audio" / started.session_id).exists()
    finally:
        runtime.close()
