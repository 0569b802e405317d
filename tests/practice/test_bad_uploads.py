"""Bad audio uploads get a clear error and cost the rep nothing said before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coach.backends.fake import FakeEmbedder, FakeTranscriber
from coach.errors import CoachError
from coach.services.practice import PracticeService
from coach.speech.audio import write_wav
from tests.speech.helpers import tone

pytest.importorskip("av")  # decoding uploads needs PyAV (the models extra)


@pytest.fixture
def call(seeded_runtime):
    service = PracticeService(
        seeded_runtime,
        embedder=FakeEmbedder(),
        transcriber=FakeTranscriber(default="Hi, this is Alex from FleetFlow."),
    )
    started = service.start(actor="rep", scenario_id="crm-logistics-discovery", mode="freeform")
    service.take_turn(started.session_id, actor="rep", text="Hi Dana, Alex from FleetFlow here.")
    return service, started.session_id


def _huge(folder: Path) -> Path:
    path = folder / "huge.wav"
    with path.open("wb") as out:
        out.truncate(51 * 1024 * 1024)  # past the 50 MB default limit
    return path


def _corrupt(folder: Path) -> Path:
    path = folder / "corrupt.wav"
    path.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt " + bytes(range(256)) * 40)
    return path


def _silent(folder: Path) -> Path:
    return write_wav(folder / "silent.wav", np.zeros(16000 * 2, dtype=np.float32), 16000)


def _wrong_format(folder: Path) -> Path:
    path = folder / "notes.wav"
    path.write_text("these are my notes, not a recording\n" * 50)
    return path


def _empty(folder: Path) -> Path:
    path = folder / "empty.webm"
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_huge, "limit"),
        (_corrupt, "not"),
        (_silent, "silent"),
        (_wrong_format, "not"),
        (_empty, "empty"),
    ],
    ids=["huge", "corrupt", "silent", "wrong-format", "empty"],
)
def test_a_bad_upload_is_named_and_the_call_goes_on(call, tmp_path, make, says):
    service, session_id = call
    before = service.transcript(session_id, actor="rep")
    with pytest.raises(CoachError, match=says) as refused:
        service.take_turn(session_id, actor="rep", audio=make(tmp_path))
    assert len(str(refused.value)) < 300 and "Traceback" not in str(refused.value)
    assert service.transcript(session_id, actor="rep") == before  # nothing said is lost
    assert service.view(session_id, actor="rep").status == "active"
    # the rep carries on with a good turn
    service.take_turn(session_id, actor="rep", text="How do you track quotes today?")
    assert len(service.transcript(session_id, actor="rep")) > len(before)


def test_an_upload_named_with_dots_and_slashes_is_kept_inside_the_session_folder(
    call, tmp_path, seeded_runtime
):
    service, session_id = call
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    sneaky = write_wav(nested / "..%2F..%2Fevil.html", tone(1.0), 16000)
    service.take_turn(session_id, actor="rep", audio=sneaky)
    folder = seeded_runtime.settings.data_dir / "audio" / session_id
    kept = [p for p in folder.rglob("*") if p.is_file()]
    assert kept, "the turn's audio is kept"
    for path in kept:
        assert path.parent == folder and path.name.startswith("turn-")
        assert path.suffix in {".wav", ".flac", ".mp3", ".ogg", ".opus", ".webm", ".m4a", ".audio"}
        assert path.suffix != ".html"
