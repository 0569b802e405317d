"""The voice WebSocket on a small app of its own: who may connect, and one turn end to end."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from coach.api.voice import add_voice_routes
from coach.backends.fake import FakeEmbedder
from coach.services.practice import PracticeService
from coach.services.voice import EnergyDetector
from tests.services.test_voice import PitchTranscriber, fake_router, pcm, silence, speech


def identify(connection):
    """The test's stand-in for the signed cookie: a header names the user."""
    return connection.headers.get("x-test-user")


@pytest.fixture
def voice_app(seeded_runtime):
    service = PracticeService(seeded_runtime, embedder=FakeEmbedder())
    app = FastAPI()
    add_voice_routes(
        app,
        runtime=seeded_runtime,
        practice=service,
        identify=identify,
        transcriber=PitchTranscriber(),
        synthesizer=fake_router(),
        detector=EnergyDetector,
    )
    return app, service


def _start(service, actor):
    return service.start(
        actor=actor, scenario_id="crm-logistics-discovery", mode="freeform", seed=1
    ).session_id


def test_an_anonymous_connection_is_refused_with_4401(voice_app):
    app, service = voice_app
    session_id = _start(service, "rep")
    with TestClient(app) as client, client.websocket_connect(f"/ws/voice/{session_id}") as ws:
        assert ws.receive_json()["code"] == "unauthenticated"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 4401


@pytest.mark.parametrize("forged", [False, True])
def test_someone_elses_or_an_unknown_session_is_refused_with_4403(voice_app, forged):
    app, service = voice_app
    session_id = "no-such-session" if forged else _start(service, "rep")
    headers = {"x-test-user": "rep-zh"}
    with (
        TestClient(app) as client,
        client.websocket_connect(f"/ws/voice/{session_id}", headers=headers) as ws,
    ):
        event = ws.receive_json()
        assert event["type"] == "error" and event["code"] == "forbidden"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 4403
    if not forged:
        assert [t["speaker"] for t in service.transcript(session_id, actor="rep")] == ["customer"]


def test_a_spoken_turn_round_trip(voice_app):
    app, service = voice_app
    session_id = _start(service, "rep")
    headers = {"x-test-user": "rep"}
    url = f"/ws/voice/{session_id}?greet=0"
    with TestClient(app) as client, client.websocket_connect(url, headers=headers) as ws:
        ready = ws.receive_json()
        assert ready["type"] == "ready" and ready["sample_rate"] == 16000
        assert ready["language"] == "en" and ready["hands_free"] is True
        audio = np.concatenate([silence(0.3), speech(800, 900), silence(1.5)])
        step = 512
        for start in range(0, len(audio), step):
            ws.send_bytes(pcm(audio[start : start + step]))
        events, chunks = [], []
        while True:
            event = ws.receive_json()
            events.append(event)
            if event["type"] == "audio":
                data = ws.receive_bytes()
                assert len(data) == 2 * event["samples"] and event["sample_rate"] == 16000
                chunks.append(data)
            if event["type"] == "reply_done":
                break
        kinds = [e["type"] for e in events]
        assert kinds.index("heard") < kinds.index("customer") < kinds.index("audio")
        heard = next(e for e in events if e["type"] == "heard")
        assert heard == {"type": "heard", "text": "hello and", "turn": 1}
        customer = next(e for e in events if e["type"] == "customer")
        assert customer["text"] and customer["turn"] == 2
        assert chunks and all(chunks)
        ws.send_json({"type": "end"})
        while (event := ws.receive_json())["type"] != "ended":
            pass
        assert event["ended_by"] == "rep" and "score" in event
    turns = service.transcript(session_id, actor="rep")
    assert [t["speaker"] for t in turns] == ["customer", "rep", "customer"]
