import wave

import pytest

from coach.accounts import LOCAL_ADMIN
from coach.backends.fake import FakeEmbedder, FakeSynthesizer, FakeTranscriber
from coach.backends.speech_router import SpeechRouter
from coach.errors import NotFoundError, PermissionDenied
from coach.services import accounts, media, speech
from coach.services.practice import PracticeService
from coach.speech.audio import write_wav
from tests.speech.helpers import tone

CRM = "crm-logistics-discovery"


class Voices:
    """Stands in for ``speech.get_synthesizer``: a router over one fake engine, counted."""

    def __init__(self):
        self.synth = FakeSynthesizer()
        self.built = 0

    def __call__(self, settings=None):
        self.built += 1
        # A fresh router each time, so nothing is served from its in-memory cache: a second
        # synthesis can only be avoided by the file kept on disk.
        return SpeechRouter(
            {"fake": lambda: self.synth, "piper": lambda: self.synth},
            defaults={"en": "fake", "zh": "fake"},
        )


@pytest.fixture
def voices(monkeypatch):
    voices = Voices()
    monkeypatch.setattr(speech, "get_synthesizer", voices)
    return voices


@pytest.fixture
def practice(seeded_runtime):
    transcriber = FakeTranscriber(default="Hi Dana, this is Alex Moreno from FleetFlow.")
    return PracticeService(seeded_runtime, embedder=FakeEmbedder(), transcriber=transcriber)


def _frames(path):
    with wave.open(str(path)) as audio:
        return audio.getnframes()


def test_a_rep_turn_plays_the_kept_recording(practice, tmp_path, voices):
    started = practice.start(actor="rep", scenario_id=CRM, mode="scripted")
    upload = write_wav(tmp_path / "upload.wav", tone(1.0), 16000)
    spoken = practice.take_turn(started.session_id, actor="rep", audio=upload)
    path = media.session_turn_audio(practice, started.session_id, spoken.turn_index, actor="rep")
    assert path.read_bytes() == upload.read_bytes()
    assert path.parent == practice.runtime.settings.data_dir / "audio" / started.session_id
    typed = practice.take_turn(started.session_id, actor="rep", text="How do you quote today?")
    with pytest.raises(NotFoundError, match="typed"):
        media.session_turn_audio(practice, started.session_id, typed.turn_index, actor="rep")
    with pytest.raises(NotFoundError, match="no turn 99"):
        media.session_turn_audio(practice, started.session_id, 99, actor="rep")
    # A kept recording that was removed since is said to be gone, not spoken.
    path.unlink()
    with pytest.raises(NotFoundError, match="no longer kept"):
        media.session_turn_audio(practice, started.session_id, spoken.turn_index, actor="rep")
    assert voices.synth.calls == []


def test_a_customer_turn_is_spoken_once_and_kept_on_disk(practice, voices):
    started = practice.start(actor="rep", scenario_id=CRM, mode="freeform", seed=1)
    first = media.session_turn_audio(practice, started.session_id, 0, actor="rep")
    assert first.is_file() and _frames(first) > 0
    assert first.parent == practice.runtime.settings.data_dir / "audio" / started.session_id
    # Spoken with the persona's voice (Dana: piper's "joe"), in the scenario's language.
    assert voices.synth.calls == [(started.customer, "en", "joe")]
    again = media.session_turn_audio(practice, started.session_id, 0, actor="rep")
    assert again == first and voices.built == 1 and len(voices.synth.calls) == 1
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # no temporary file left


def test_a_customer_turn_of_an_ended_session_keeps_the_persona_voice_for_coaches(practice, voices):
    started = practice.start(actor="rep", scenario_id=CRM, mode="freeform", seed=1)
    reply = practice.take_turn(
        started.session_id, actor="rep", text="Hi Dana, this is Alex from FleetFlow."
    )
    # The team's manager may listen while the call goes on, and after it ended.
    path = media.session_turn_audio(practice, started.session_id, 0, actor="manager")
    assert path.is_file()
    practice.end(started.session_id, actor="rep")
    later = media.session_turn_audio(practice, started.session_id, 2, actor="admin")
    assert later.is_file() and later != path
    assert voices.synth.calls == [(started.customer, "en", "joe"), (reply.customer, "en", "joe")]


def test_another_rep_cannot_get_the_audio(seeded_runtime, practice, voices):
    accounts.add_user(
        seeded_runtime,
        username="mallory",
        password="a long passphrase",
        role="rep",
        team="Demo Team",
        actor=LOCAL_ADMIN,
    )
    started = practice.start(actor="rep", scenario_id=CRM, mode="freeform", seed=1)
    with pytest.raises(PermissionDenied):
        media.session_turn_audio(practice, started.session_id, 0, actor="mallory")
    with pytest.raises(PermissionDenied):
        media.session_turn_audio(practice, started.session_id, 0, actor="ghost")
    assert voices.synth.calls == []
    assert not (seeded_runtime.settings.data_dir / "audio" / started.session_id).exists()


def test_a_text_only_clip_is_spoken_and_cached(seeded_runtime, voices):
    path = media.clip_audio(seeded_runtime, "en-crm-open-01", actor="rep")
    assert path.is_file() and _frames(path) > 0
    assert path.parent == seeded_runtime.settings.data_dir / "audio" / "clips"
    [(text, language, voice)] = voices.synth.calls
    assert language == "en" and voice is None
    assert text.startswith("Yeah, operations, this is Karen.") and "Five minutes. Go." in text
    assert media.clip_audio(seeded_runtime, "en-crm-open-01", actor="trainer") == path
    assert voices.built == 1 and len(voices.synth.calls) == 1
    with pytest.raises(NotFoundError):
        media.clip_audio(seeded_runtime, "no-such-clip", actor="rep")
    with pytest.raises(PermissionDenied):
        media.clip_audio(seeded_runtime, "en-crm-open-01", actor="ghost")
    assert len(voices.synth.calls) == 1


def recorded_call(runtime, folder, *, audio=True):
    """An imported call: a JSON transcript with timings, and (``audio``) its recording beside it."""
    import json

    from coach.services import clips

    folder.mkdir(parents=True, exist_ok=True)
    turns = [
        {"speaker": "rep", "text": "Hi Dana, it's Alex from FleetFlow.", "start": 0.0, "end": 1.0},
        {"speaker": "customer", "text": "Who? Oh, the tracker people.", "start": 1.2, "end": 2.0},
        {"speaker": "rep", "text": "Is now a good time?"},
    ]
    data = {"language": "en", "title": "Dana call", "turns": turns}
    (folder / "dana.json").write_text(json.dumps(data), encoding="utf-8")
    if audio:
        write_wav(folder / "dana.wav", tone(2.5), 16000)
    summary = clips.import_calls(runtime, [folder], actor=LOCAL_ADMIN)
    assert summary.imported == 1, summary
    return clips.list_calls(runtime, actor=LOCAL_ADMIN)[0]


def test_a_turn_of_an_imported_call_plays_its_stretch_of_the_recording(seeded_runtime, tmp_path):
    call = recorded_call(seeded_runtime, tmp_path / "calls")
    assert call.audio
    first = media.call_turn_audio(seeded_runtime, call.id, 0, actor="trainer")
    assert _frames(first) == 16000  # 0.0-1.0 s
    second = media.call_turn_audio(seeded_runtime, call.id, 1, actor="admin")
    assert _frames(second) == pytest.approx(0.8 * 16000, abs=2)
    stamp = first.stat().st_mtime_ns
    assert media.call_turn_audio(seeded_runtime, call.id, 0, actor="trainer") == first
    assert first.stat().st_mtime_ns == stamp  # cut once, then kept
    with pytest.raises(NotFoundError, match="turn 3 of this call has no timings"):
        media.call_turn_audio(seeded_runtime, call.id, 2, actor="trainer")
    with pytest.raises(NotFoundError, match="has no turn 4"):
        media.call_turn_audio(seeded_runtime, call.id, 3, actor="trainer")
    for outsider in ("rep", "manager"):  # calls are raw recordings: trainers and admins only
        with pytest.raises(PermissionDenied):
            media.call_turn_audio(seeded_runtime, call.id, 0, actor=outsider)


def test_a_call_without_a_recording_has_nothing_to_play(seeded_runtime, tmp_path):
    call = recorded_call(seeded_runtime, tmp_path / "text-only", audio=False)
    with pytest.raises(NotFoundError, match="imported without a recording"):
        media.call_turn_audio(seeded_runtime, call.id, 0, actor="trainer")
    with pytest.raises(NotFoundError, match="no imported call"):
        media.call_turn_audio(seeded_runtime, "call-nope", 0, actor="trainer")
