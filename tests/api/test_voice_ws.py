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


def _voice_app(runtime, settings=None):
    """The voice route on its own app, with fake speech; ``settings`` default: the runtime's."""
    service = PracticeService(runtime, embedder=FakeEmbedder())
    app = FastAPI()
    add_voice_routes(
        app,
        runtime=runtime,
        practice=service,
        identify=identify,
        settings=settings,
        transcriber=PitchTranscriber(),
        synthesizer=fake_router(),
        detector=EnergyDetector,
    )
    return app, service


@pytest.fixture
def voice_app(seeded_runtime):
    return _voice_app(seeded_runtime)


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


# -- admission: a limit on voice calls per process ------------------------------------------


@pytest.fixture
def one_line_app(seeded_runtime):
    """The voice route with room for one call at a time (COACH_MAX_VOICE_CALLS=1)."""
    return _voice_app(
        seeded_runtime, seeded_runtime.settings.model_copy(update={"max_voice_calls": 1})
    )


def _busy(client, session_id, user, query=""):
    """Connect past the limit: the refusal event and the close code."""
    headers = {"x-test-user": user}
    with client.websocket_connect(f"/ws/voice/{session_id}{query}", headers=headers) as ws:
        event = ws.receive_json()
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    return event, closed.value.code


def test_a_call_past_the_limit_is_refused_and_typing_still_works(one_line_app):
    from coach.services.voice_work import CALLS
    from ui.i18n import Translator

    app, service = one_line_app
    first = _start(service, "rep")
    second = service.start(
        actor="rep-zh", scenario_id="hair-clinic-booking-zh", mode="freeform", seed=1
    ).session_id
    before = service.transcript(second, actor="rep-zh")
    with TestClient(app) as client:
        with client.websocket_connect(
            f"/ws/voice/{first}?greet=0", headers={"x-test-user": "rep"}
        ) as ws:
            assert ws.receive_json()["type"] == "ready"
            assert CALLS.admitted() == 1
            event, code = _busy(client, second, "rep-zh", "?lang=zh")
            assert code == 4429
            assert event == {
                "type": "error",
                "code": "voice_busy",
                "message": Translator("zh")("err.voice_busy"),
            }
            assert "语音线路现在正忙" in event["message"] and "打字" in event["message"]
            # The refused session is as it was, and a typed turn goes through meanwhile.
            assert service.transcript(second, actor="rep-zh") == before
            typed = service.take_turn(second, actor="rep-zh", text="您好，我想了解一下预约。")
            assert typed.customer and typed.turn_index == 1
            assert CALLS.admitted() == 1  # the refusal took no slot
        # The first call hung up: its slot is free, the next voice call gets in.
        assert CALLS.admitted() == 0
        with client.websocket_connect(
            f"/ws/voice/{second}?greet=0", headers={"x-test-user": "rep-zh"}
        ) as ws:
            ready = ws.receive_json()
            assert ready["type"] == "ready" and ready["status"] == "active"
    assert CALLS.admitted() == 0


def test_the_busy_notice_is_in_the_reps_language(one_line_app):
    from coach.services import profile

    app, service = one_line_app
    first = _start(service, "rep")
    with TestClient(app) as client:
        with client.websocket_connect(
            f"/ws/voice/{first}?greet=0", headers={"x-test-user": "rep"}
        ) as ws:
            assert ws.receive_json()["type"] == "ready"
            english, _ = _busy(client, first, "rep", "?lang=en")
            assert english["message"].startswith("The voice line is busy right now.")
            assert "Typing still works" in english["message"]
            assert "try the microphone again in a moment" in english["message"]
            # No page language given: the language the rep chose for the app.
            profile.set_ui_language(service.runtime, actor="rep", language="zh")
            chosen, _ = _busy(client, first, "rep")
            assert chosen["message"].startswith("语音线路现在正忙")


def test_a_line_sent_again_on_a_new_socket_gets_the_stored_answer(voice_app):
    app, service = voice_app
    session_id = _start(service, "rep")
    headers = {"x-test-user": "rep"}
    url = f"/ws/voice/{session_id}?greet=0"
    audio = np.concatenate([silence(0.3), speech(800, 900), silence(1.5)])

    def say_line(ws):
        assert ws.receive_json()["type"] == "ready"
        ws.send_json({"type": "line", "id": "ws-line-1"})
        for start in range(0, len(audio), 512):
            ws.send_bytes(pcm(audio[start : start + 512]))
        events = []
        while True:
            event = ws.receive_json()
            if event["type"] == "audio":
                ws.receive_bytes()
            events.append(event)
            if event["type"] == "reply_done":
                return events

    with TestClient(app) as client:
        with client.websocket_connect(url, headers=headers) as ws:
            first = say_line(ws)
        with client.websocket_connect(url, headers=headers) as ws:  # reconnected
            again = say_line(ws)
    turns = service.transcript(session_id, actor="rep")
    assert [t["speaker"] for t in turns] == ["customer", "rep", "customer"]
    heard = [e for e in again if e["type"] == "heard"]
    assert len(heard) == 1 and heard[0]["replayed"] is True
    assert (heard[0]["turn"], heard[0]["line"]) == (1, "ws-line-1")
    # The turn as stored; the first socket's second pass may revise it ("Hello and") later.
    assert heard[0]["text"] in ("hello and", turns[1]["text"])
    said = [e["text"] for e in first + again if e["type"] == "customer"]
    assert said == [turns[2]["text"]] * 2
