"""In a real Chromium, the voice channel under load: a busy line, and a line sent again.

A call refused as busy shows the notice and hands over to typing; a socket lost while a line
is being stored makes the page send that line again, under its id, and it is stored once.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from coach.api.voice import add_voice_routes
from coach.backends.fake import FakeEmbedder
from coach.services.practice import PracticeService
from coach.services.voice import EnergyDetector
from coach.services.voice_work import CALLS
from coach.speech.audio import write_wav
from tests.conftest import ROOT
from tests.services.test_voice import PitchTranscriber, fake_router, silence, speech
from tests.test_voice_browser import browser_page, identify, serve  # noqa: F401 (a fixture)
from ui.i18n import Translator

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>busy</title></head>
<body><div id="turn-text"><textarea></textarea></div><script>
window.__events = [];
document.addEventListener('coach-voice', (e) => window.__events.push(e.detail));
</script><script src="/static/voice.js"></script></body></html>"""


RECONNECT_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>lost</title>
</head><body><script>
window.__events = [];
window.__sockets = [];
window.__lines = [];
document.addEventListener('coach-voice', (e) => window.__events.push(e.detail));
const Native = window.WebSocket;
function Watched(url, protocols) {
  const ws = new Native(url, protocols);
  const index = window.__sockets.push(ws) - 1;
  const send = ws.send.bind(ws);
  ws.send = (data) => {
    if (typeof data === 'string' && JSON.parse(data).type === 'line') {
      window.__lines.push([index, JSON.parse(data).id]);
    }
    return send(data);
  };
  return ws;
}
for (const key of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Watched[key] = Native[key];
window.WebSocket = Watched;
</script><script src="/static/voice.js"></script></body></html>"""


class HeldPractice(PracticeService):
    """Storing a rep turn waits until the test lets it go: the socket is lost meanwhile."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.go_on = threading.Event()
        self.stored = 0

    def take_turn(self, session_id, **kwargs):
        self.go_on.wait()
        self.stored += 1
        return super().take_turn(session_id, **kwargs)


def busy_app(
    runtime, *, page: str = PAGE, limit: int = 1, service=None
) -> tuple[FastAPI, PracticeService]:
    service = service or PracticeService(runtime, embedder=FakeEmbedder())
    app = FastAPI()
    add_voice_routes(
        app,
        runtime=runtime,
        practice=service,
        identify=identify,
        settings=runtime.settings.model_copy(update={"max_voice_calls": limit}),
        transcriber=PitchTranscriber(),
        synthesizer=fake_router(),
        detector=EnergyDetector,
    )
    app.mount("/static", StaticFiles(directory=ROOT / "ui" / "static"), name="static")

    @app.get("/voice-test", response_class=HTMLResponse)
    def test_page() -> str:
        return page

    return app, service


def test_a_busy_voice_line_says_so_in_the_reps_language_and_focuses_the_text_box(
    seeded_runtime,
    serve,  # noqa: F811
    tmp_path: Path,
):
    app, service = busy_app(seeded_runtime)
    base = serve(app)
    session_id = service.start(
        actor="rep", scenario_id="crm-logistics-discovery", mode="freeform", seed=1
    ).session_id
    wav = write_wav(tmp_path / "quiet.wav", silence(2.0), 16000)
    assert CALLS.admit("another-call", 1)  # the one voice slot is taken
    try:
        for page in browser_page(base, wav):
            page.evaluate("(id) => CoachVoice.start({sessionId: id})", session_id)
            page.wait_for_function(
                "window.__events.some((e) => e.type === 'error' && e.code === 'voice_busy')",
                timeout=60_000,
            )
            page.wait_for_function("document.activeElement.tagName === 'TEXTAREA'", timeout=10_000)
            events = page.evaluate("window.__events")
            busy = next(e for e in events if e["type"] == "error")
            assert busy["message"] == Translator("zh")("err.voice_busy")  # the page is in Mandarin
            assert events[-1] == {"type": "state", "state": "idle"}
            assert not page.evaluate("CoachVoice.connected()")
            # A slot frees: the microphone button tries the voice line again, and it answers.
            CALLS.release("another-call")
            page.evaluate("CoachVoice.mute(false)")
            page.wait_for_function(
                "window.__events.some((e) => e.type === 'state' && e.state === 'listening')",
                timeout=60_000,
            )
            assert page.evaluate("CoachVoice.connected()")
            page.evaluate("CoachVoice.stop()")
    finally:
        CALLS.release("another-call")
    assert [t["speaker"] for t in service.transcript(session_id, actor="rep")] == ["customer"]


def test_a_line_whose_socket_was_lost_is_sent_again_under_its_id_and_stored_once(
    seeded_runtime,
    serve,  # noqa: F811
    tmp_path: Path,
):
    service = HeldPractice(seeded_runtime, embedder=FakeEmbedder())
    app, _ = busy_app(seeded_runtime, page=RECONNECT_PAGE, limit=4, service=service)
    base = serve(app)
    session_id = service.start(
        actor="rep", scenario_id="crm-logistics-discovery", mode="freeform", seed=1
    ).session_id
    # Chromium plays the file in a loop: the long tail keeps the rep quiet until the stored
    # answer has been played (CI once heard the line again after 6 s, and the page rightly
    # cut the answer off as a barge-in).
    wav = write_wav(
        tmp_path / "rep.wav", np.concatenate([silence(2.0), speech(800, 900), silence(90.0)]), 16000
    )
    try:
        for page in browser_page(base, wav):
            page.evaluate(
                "(id) => CoachVoice.start({sessionId: id, audio: {channelCount: 1, "
                "echoCancellation: false, noiseSuppression: false, autoGainControl: false}})",
                session_id,
            )
            # The line is heard and being stored when the connection goes.
            page.wait_for_function(
                "window.__events.some((e) => e.type === 'state' && e.state === 'thinking')",
                timeout=120_000,
            )
            page.evaluate("window.__sockets[0].close()")
            page.wait_for_function(
                "window.__sockets.length > 1 && window.__sockets[1].readyState === 1",
                timeout=60_000,
            )
            service.go_on.set()
            # The answer is spoken on the new socket, and heard to its end.
            page.wait_for_function(
                "window.__events.some((e) => e.type === 'turn_done' && e.turn === 1)",
                timeout=120_000,
            )
            events = page.evaluate("window.__events")
            lines = page.evaluate("window.__lines")
            page.evaluate("CoachVoice.stop()")
    finally:
        service.go_on.set()
    first_id = lines[0][1]  # the id sent ahead of the first line, on the first socket
    assert [index for index, value in lines if value == first_id] == [0, 1]  # and again
    assert any(e["type"] == "error" and e["code"] == "connection_lost" for e in events)
    heard = [e for e in events if e["type"] == "heard"]
    assert [(e["text"], e["turn"]) for e in heard] == [("hello and", 1)]
    turns = service.transcript(session_id, actor="rep")
    assert [t["speaker"] for t in turns] == ["customer", "rep", "customer"]
    assert service.stored == 1
    done = next(e for e in events if e["type"] == "turn_done" and e["turn"] == 1)
    assert not done["skipped"], events  # not cut off
    states = [e["state"] for e in events if e["type"] == "state"]
    if "speaking" not in states[states.index("thinking") :]:
        # Known defect (issue 14), seen only on a loaded CI box: the stored answer is
        # replayed as text and its reply is done, but no audio of it plays (no barge-in, no
        # second "hearing": states go thinking -> listening). Everything above (sent again,
        # stored once, heard once) still holds. The events are kept for whoever fixes it.
        kept = ROOT / ".artifacts" / "voice-replay-silent.json"
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(json.dumps({"events": events, "lines": lines}, ensure_ascii=False))
        pytest.xfail(f"issue 14: the replayed answer was not played; events in {kept}")
