"""Faults survived: a full disk, a restarted database, an app killed mid-call.

Each test breaks one real part while a call is going on and checks that the rep is told
what happened and that nothing already said is lost.
"""

from __future__ import annotations

import errno
import gc
import os
import signal
import subprocess
import sys
import time
import warnings

import pytest

from coach.backends.fake import FakeEmbedder, FakeTranscriber
from coach.errors import CoachError
from coach.services import practice as practice_module
from coach.services.practice import PracticeService
from coach.settings import Settings
from coach.speech.audio import write_wav
from tests.conftest import ROOT
from tests.speech.helpers import tone


def _service(runtime, **kw) -> PracticeService:
    return PracticeService(runtime, embedder=FakeEmbedder(), **kw)


def test_a_full_disk_keeps_the_text_of_an_uploaded_turn_and_says_so(
    seeded_runtime, tmp_path, monkeypatch
):
    pytest.importorskip("av")
    service = _service(
        seeded_runtime, transcriber=FakeTranscriber(default="Hi Dana, Alex from FleetFlow.")
    )
    started = service.start(actor="rep", scenario_id="crm-logistics-discovery", mode="freeform")

    def full(*_args, **_kw):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(practice_module.shutil, "copyfile", full)
    result = service.take_turn(
        started.session_id, actor="rep", audio=write_wav(tmp_path / "t.wav", tone(1.0), 16000)
    )
    assert result.notice and "could not be kept" in result.notice
    turns = service.transcript(started.session_id, actor="rep")
    rep = [t for t in turns if t["speaker"] == "rep"]
    assert rep and rep[-1]["text"] == "Hi Dana, Alex from FleetFlow."
    assert not rep[-1].get("audio_path")
    assert result.customer  # the customer still answered


def test_the_web_notice_for_a_lost_recording_exists_in_both_languages():
    from ui.i18n import notice_key
    from ui.locales import en, zh

    key = notice_key(practice_module.AUDIO_NOT_KEPT)
    assert key == "notice.audio_not_kept"
    assert "saved as text" in en.MESSAGES[key] and "文字保存" in zh.MESSAGES[key]


@pytest.mark.postgres
def test_a_database_restart_mid_call_loses_nothing_said(postgres_cluster, tmp_path):
    from coach.services import setup
    from coach.services.runtime import open_runtime
    from coach.store.db import migrate
    from tests.conftest import SEEDS

    settings = Settings(data_dir=tmp_path / "data", database_url=postgres_cluster.new_database())
    runtime = open_runtime(settings)
    migrate(runtime.engine)
    setup.initialise(runtime, seeds=SEEDS)
    service = _service(runtime)
    started = service.start(actor="rep", scenario_id="crm-logistics-discovery", mode="freeform")
    sid = started.session_id
    service.take_turn(sid, actor="rep", text="Hi Dana, this is Alex from FleetFlow.")
    before = service.transcript(sid, actor="rep")

    postgres_cluster.restart()  # every pooled connection is now dead

    said = "How do you track rate quotes today?"
    try:
        service.take_turn(sid, actor="rep", text=said)
    except CoachError as error:  # a clear failure is allowed; a lost turn is not
        assert "database" in str(error).lower()
        service.take_turn(sid, actor="rep", text=said)
    after = service.transcript(sid, actor="rep")
    assert after[: len(before)] == before
    assert [t["text"] for t in after if t["speaker"] == "rep"].count(said) == 1
    assert after[-1]["speaker"] == "customer"
    runtime.engine.dispose()
    # The connections the restart cut are dropped by the pool without a clean close; collect
    # them here, so their ResourceWarning does not fail whichever later test is running.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


LINES = [
    "Hi Dana, this is Alex Moreno from FleetFlow. Is now an okay time?",
    "How do you handle rate requests from shippers today?",
]


@pytest.mark.models
def test_the_app_killed_mid_call_resumes_with_every_turn(tmp_path):
    env = {
        **os.environ,
        "COACH_DATA_DIR": str(tmp_path / "data"),
        "COACH_ENV": "dev",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("COACH_DATABASE_URL", None)
    cli = [sys.executable, "-m", "coach.cli"]
    subprocess.run([*cli, "init", "--no-index"], env=env, check=True, capture_output=True)
    process = subprocess.Popen(
        [
            *cli,
            "practice",
            "--scenario",
            "crm-logistics-discovery",
            "--persona",
            "dana-ops-director",
            "--mode",
            "freeform",
            "--seed",
            "3",
        ],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    assert process.stdin is not None and process.stdout is not None
    seen: list[str] = []
    try:
        for line in LINES:
            process.stdin.write((line + "\n").encode())
            process.stdin.flush()
        # wait (bounded) until the second reply is stored, then kill the app without warning
        settings = Settings(data_dir=tmp_path / "data")
        from coach.services.runtime import open_runtime

        runtime = open_runtime(settings)
        service = _service(runtime)
        sid = None
        for _ in range(600):
            sid = service.active_session(actor="rep")
            if sid and len(service.transcript(sid, actor="rep")) >= 5:
                break
            time.sleep(0.2)
        assert sid, "the call never started"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        seen = [t["text"] for t in service.transcript(sid, actor="rep")]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        process.stdin.close()
        process.stdout.close()
    # after the restart the call is there, active, with every turn, and it goes on
    assert service.active_session(actor="rep") == sid
    assert [t for t in seen if t in LINES] == LINES
    result = service.take_turn(sid, actor="rep", text="What does a lost quote cost you?")
    assert result.customer
    assert len(service.transcript(sid, actor="rep")) == len(seen) + 2
    runtime.engine.dispose()
