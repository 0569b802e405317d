"""The voice channel in a real Chromium: a fake microphone plays a WAV into ui/static/voice.js.

The test's own FastAPI app serves a tiny page, ``ui/static`` at ``/static`` and the voice
routes, on a loopback port. One test uses fake speech engines (tone bursts the test
transcriber names by pitch); the other the embedded Whisper and Piper, with Piper's voice as
the rep's, and prints the page-side time from the end of speech to the customer's first sound.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
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
from coach.speech.audio import write_wav
from tests.conftest import ROOT, missing_tool
from tests.services.test_voice import PitchTranscriber, fake_router, silence, speech
from tests.support.chromium import CHROMIUM, installed, launch_args
from tests.support.net import free_port

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>voice test</title></head>
<body><script>
window.__events = [];
window.__played = [];
document.addEventListener('coach-voice', (e) => window.__events.push(e.detail));
const start = AudioBufferSourceNode.prototype.start;
AudioBufferSourceNode.prototype.start = function (...args) {
  window.__played.push(this.buffer ? this.buffer.duration : 0);
  return start.apply(this, args);
};
</script><script src="/static/voice.js"></script></body></html>"""


def identify(connection):
    return connection.cookies.get("test_user")


@pytest.fixture
def serve(tmp_path: Path):
    """Run an app on a loopback port in a thread; yields a function app -> base URL."""
    import uvicorn

    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def run(app: FastAPI) -> str:
        port = free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio"
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        for _ in range(300):  # bounded wait for the port to open
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield run
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=30)


def voice_app(runtime, **engines) -> tuple[FastAPI, PracticeService]:
    service = PracticeService(runtime, embedder=engines.pop("embedder", None) or FakeEmbedder())
    app = FastAPI()
    add_voice_routes(app, runtime=runtime, practice=service, identify=identify, **engines)
    app.mount("/static", StaticFiles(directory=ROOT / "ui" / "static"), name="static")

    @app.get("/voice-test", response_class=HTMLResponse)
    def page() -> str:
        return PAGE

    return app, service


def browser_page(base_url: str, wav: Path) -> Iterator:
    if not installed():
        missing_tool("Chromium is not installed (Debian package: chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("the playwright Python package is not installed")
    args = launch_args(wav)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        context = browser.new_context(permissions=["microphone"])
        context.add_cookies([{"name": "test_user", "value": "rep", "url": base_url}])
        page = context.new_page()
        page.goto(f"{base_url}/voice-test")
        yield page
        context.close()
        browser.close()


def _call(page, session_id: str, *, wiring: str = "live") -> list[dict]:
    # The page's audio processing is off: the fake microphone already is clean speech.
    page.evaluate(
        "([id, wiring]) => CoachVoice.start({sessionId: id, wiring, "
        "audio: {channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false}})",
        [session_id, wiring],
    )
    page.wait_for_function(
        "window.__events.some((e) => e.type === 'turn_done' && e.turn !== null && e.turn !== undefined)",
        timeout=180_000,
    )
    return page.evaluate("window.__events")


def test_a_spoken_turn_in_the_browser_with_fake_speech(seeded_runtime, serve, tmp_path):
    app, service = voice_app(
        seeded_runtime,
        transcriber=PitchTranscriber(),
        synthesizer=fake_router(),
        detector=EnergyDetector,
    )
    base = serve(app)
    session_id = service.start(
        actor="rep", scenario_id="crm-logistics-discovery", mode="freeform", seed=1
    ).session_id
    wav = write_wav(
        tmp_path / "rep.wav",
        np.concatenate([silence(2.0), speech(800, 900), silence(4.0)]),
        16000,
    )
    for page in browser_page(base, wav):
        events = _call(page, session_id)
        heard = [e for e in events if e["type"] == "heard"]
        assert [e["text"] for e in heard] == ["hello and"] and heard[0]["turn"] == 1
        customers = [e for e in events if e["type"] == "customer"]
        assert customers[0].get("opening") is True and customers[1]["turn"] == 2
        states = [e["state"] for e in events if e["type"] == "state"]
        assert states[0] == "connecting" and "hearing" in states and "thinking" in states
        assert "speaking" in states
        assert len(page.evaluate("window.__played")) >= 2  # the opening and the reply
        times = page.evaluate("window.__coachVoiceTimes")
        assert times and times[0]["firstAudio"] > times[0]["speechEnd"] > 0
        assert not [e for e in events if e["type"] == "error"]
    turns = service.transcript(session_id, actor="rep")
    assert [t["speaker"] for t in turns] == ["customer", "rep", "customer"]


@pytest.mark.models
@pytest.mark.parametrize(
    ("scenario", "actor", "line", "expect"),
    [
        (
            "crm-logistics-discovery",
            "rep",
            "Hi, this is Alex from FleetFlow. Is this a good time to talk?",
            "good time",
        ),
    ],
)
def test_a_spoken_turn_in_the_browser_with_the_embedded_models(
    seeded_runtime, serve, tmp_path, scenario, actor, line, expect
):
    from coach.services import evaluation
    from coach.services import speech as speech_service
    from coach.speech.audio import decode_audio

    settings = seeded_runtime.settings
    speech_service.warm_up(settings, languages=("en",))
    spoken = speech_service.speak(line, language="en", out=tmp_path / "line.wav", settings=settings)
    voice = decode_audio(spoken.path)
    wav = write_wav(
        tmp_path / "rep.wav", np.concatenate([silence(2.0), voice, silence(4.0)]), 16000
    )
    app, service = voice_app(seeded_runtime, embedder=evaluation.default_embedder())
    service.embedder.embed_queries(["warm up"])  # the first turn must not load the embedder
    base = serve(app)
    session_id = service.start(
        actor=actor, scenario_id=scenario, mode="freeform", seed=1
    ).session_id
    for page in browser_page(base, wav):
        events = _call(page, session_id)
        heard = [e for e in events if e["type"] == "heard"]
        assert len(heard) == 1 and expect in heard[0]["text"].lower()
        assert [e for e in events if e["type"] == "customer" and e.get("turn") == 2]
        assert len(page.evaluate("window.__played")) >= 2
        times = page.evaluate("window.__coachVoiceTimes")
        latency = (times[0]["firstAudio"] - times[0]["speechEnd"]) / 1000
        print(json.dumps({"speech_end_to_first_audio_s": round(latency, 3)}))
