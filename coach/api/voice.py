"""The voice channel of the practice page: one WebSocket per call, ``/ws/voice/{session_id}``.

Same app, same origin, same signed cookie as the pages: nothing but the app is needed (no
CDN, no STUN). A WebSocket and an AudioWorklet add about 60 ms, where Gradio's streaming
audio added 0.2-2.6 s. The call's logic is ``coach.services.voice.VoiceCall``; this module
only moves its messages.

Query parameters: ``hands_free`` (``1``, default, or ``0`` for push-to-talk), ``wiring``
(``live``, default, or ``naive``, the benchmark's baseline), ``greet`` (``1``, default:
speak the customer's opening line; the page sends ``0`` when it reconnects) and ``lang``
(``en`` or ``zh``: the page's language, for a refusal's message; default: the rep's chosen
app language, else the browser's).

Admission: one process serves at most ``COACH_MAX_VOICE_CALLS`` voice connections (default
2 per core). Past that a connection is refused at once (``error`` ``voice_busy``, in the
rep's language, then close code 4429): the session is untouched, typed turns still work,
and the next connection after a call hangs up gets the freed slot.

Browser → server
  - binary frames: the microphone, 16 kHz mono little-endian int16 PCM, any length (the page
    sends 32 ms).
  - text frames, JSON: ``{"type": "ptt", "down": true|false}`` (push-to-talk: the turn is what
    is said while the button is held), ``{"type": "mute", "muted": true|false}`` (muting ends a
    turn in progress), ``{"type": "barge_in"}`` (the rep spoke over the customer: stop sending
    the rest of that reply), ``{"type": "end"}`` (end and score the call), ``{"type": "line",
    "id": "..."}`` (the page's id for its next rep line, 1-64 of ``A-Za-z0-9_.:-``: the next
    turn to start takes it; sent when a turn starts and again, for a line not confirmed,
    before its audio is sent again after a reconnect. A line is stored at most once: sent
    again, it is answered with the stored turns, see ``coach.services.voice_lines``).

Server → browser, JSON text frames (``type``, then the fields)
  - ``ready``: ``session_id``, ``language``, ``sample_rate`` (what to send: 16000),
    ``hands_free``, ``wiring``, ``status``.
  - ``state``: ``state`` is ``listening``, ``hearing`` (the rep is speaking), ``thinking`` or
    ``ended``; ``speaking`` and ``idle`` are the page's own (its player and its mic).
  - ``partial`` ``text``: the live transcript so far.  ``heard`` ``text``, ``turn``: the rep's
    turn as stored, with ``line`` when the turn had an id (and ``replayed: true`` when the line
    had been stored before: nothing new was stored, the stored answer follows).
    ``revised`` ``text``, ``turn``: the slower pass replaced the stored text.
  - ``customer``: ``text``, and when there are any ``turn``, ``notice``, ``hint``, ``prompt``,
    ``marks``, ``ended_by``; ``opening: true`` for the customer's first line.
  - ``audio``: ``reply``, ``seq``, ``text``, ``sample_rate``, ``samples``; the **next frame is
    binary**: that many little-endian int16 PCM samples, mono, at ``sample_rate``.
  - ``reply_done``: ``reply``, ``turn``, ``cancelled``: no more audio for that reply.
  - ``timing``: after each answer to a rep turn, where its time went (seconds; the page
    ignores it, the benchmark reads it): ``turn``, ``speech_end_audio_s``, ``decided_pause_s``
    (the pause that ended the turn), then from the end of that pause ``transcribed_s``,
    ``answered_s`` (the reply chosen), ``first_audio_s`` (its first sound sent), and
    ``latency_s`` (pause + first audio), ``synth_first_s``, ``first_piece``,
    ``first_cached`` (the first piece had been made ahead).
  - ``error``: ``code`` (``no_speech``, ``too_long``, ``stt_failed``, ``tts_failed``,
    ``session_ended``, ``forbidden``, ``unauthenticated``, ``voice_busy``, ``server_error``)
    and ``message`` (``line``: the line that was not stored, for a turn's error).
  - ``ended``: ``ended_by`` (and ``score`` when the rep ended it).

Close codes: 4401 not signed in, 4403 a session the user may not continue, 4429 every voice
slot of the process is taken (an ``error`` event comes first), 1000 after the page closes. Every turn is stored as it happens, so the page
simply reconnects after a lost connection or a server restart.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from starlette.requests import HTTPConnection

from coach.errors import NotFoundError, PermissionDenied
from coach.services.runtime import Runtime
from coach.services.voice import (
    CustomerAudio,
    Endpointing,
    SpeechDetector,
    VoiceCall,
)
from coach.services.voice_work import CALLS
from coach.settings import Settings

log = logging.getLogger(__name__)

UNAUTHENTICATED = 4401
FORBIDDEN = 4403
BUSY = 4429
LANGUAGES = ("en", "zh")
BUSY_MESSAGE = (
    "The voice line is busy right now. Typing still works: type your turn in the box below, "
    "and try the microphone again in a moment. Your call is saved."
)
"""The refusal's words when the UI's catalogue cannot be read (it has ``err.voice_busy``)."""


def add_voice_routes(
    app: FastAPI,
    *,
    runtime: Runtime,
    practice: Any,
    identify: Callable[[HTTPConnection], str | None],
    settings: Settings | None = None,
    transcriber: Any = None,
    synthesizer: Any = None,
    detector: Callable[[], SpeechDetector] | None = None,
    endpointing: Endpointing | None = None,
) -> None:
    """Register ``/ws/voice/{session_id}`` on ``app`` (see the module docstring).

    ``identify`` returns the signed-in user's name from the connection's cookie, or None.
    ``transcriber`` / ``synthesizer`` default to the configured models, created on the first
    call; tests pass fakes, and a ``detector`` factory (one detector per call).
    """
    config = settings or runtime.settings
    engines: dict[str, Any] = {"stt": transcriber, "tts": synthesizer}
    calls: dict[str, VoiceCall] = {}
    app.state.voice_calls = calls  # per-call state stays on the server, keyed by connection

    def speech_engines() -> tuple[Any, Any]:
        from coach.services import speech

        if engines["stt"] is None:
            engines["stt"] = speech.get_transcriber(config)
        if engines["tts"] is None:
            engines["tts"] = speech.get_synthesizer(config)
        return engines["stt"], engines["tts"]

    @app.websocket("/ws/voice/{session_id}")
    async def voice(websocket: WebSocket, session_id: str) -> None:
        user = identify(websocket)
        # Accept first: a close before the handshake reaches the browser as a bare 403,
        # without the code and the event the page needs to tell the rep what happened.
        await websocket.accept()
        if not user:
            await _refuse(websocket, UNAUTHENTICATED, "unauthenticated", "sign in first")
            return
        slot = uuid.uuid4().hex
        if not CALLS.admit(slot, config.max_voice_calls):
            # Refused before anything is loaded or read: the session stays as it was.
            language = await asyncio.to_thread(rep_language, runtime, user, websocket)
            log.info("voice call refused for %s: %d calls open", user, CALLS.admitted())
            await _refuse(websocket, BUSY, "voice_busy", busy_message(language))
            return
        try:
            call = await start_call(websocket, session_id, user)
            if call is not None:
                await _run_call(websocket, call, calls)
        finally:
            CALLS.release(slot)  # whatever happened, the next connection may have the slot

    async def start_call(websocket: WebSocket, session_id: str, user: str) -> VoiceCall | None:
        """The connection's call, started; None when it was refused (the socket is closed)."""
        query = websocket.query_params
        stt, tts = await asyncio.to_thread(speech_engines)
        try:
            call = VoiceCall(
                practice,
                session_id,
                actor=user,
                settings=config,
                transcriber=stt,
                synthesizer=tts,
                hands_free=query.get("hands_free", "1") not in ("0", "false"),
                wiring="naive" if query.get("wiring") == "naive" else "live",
                greet=query.get("greet", "1") not in ("0", "false"),
                detector=detector() if detector is not None else None,
                endpointing=endpointing,
            )
            await call.start()
        except (PermissionDenied, NotFoundError) as exc:
            # An unknown id is refused like someone else's: a forged id learns nothing.
            await _refuse(websocket, FORBIDDEN, "forbidden", str(exc))
            return None
        except Exception as exc:
            log.exception("could not start a voice call for %s", session_id)
            await _refuse(websocket, 1011, "server_error", f"the voice call could not start: {exc}")
            return None
        return call


async def _run_call(websocket: WebSocket, call: VoiceCall, calls: dict[str, VoiceCall]) -> None:
    """Move the call's messages until the page goes away, then close the call."""
    key = uuid.uuid4().hex
    calls[key] = call
    sender = asyncio.create_task(_send_events(websocket, call))
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            data = message.get("bytes")
            if data is not None:
                await call.feed(data)
                continue
            text = message.get("text")
            if text:
                try:
                    parsed = json.loads(text)
                except ValueError:
                    parsed = None
                if isinstance(parsed, dict):
                    await call.control(parsed)
    except WebSocketDisconnect:
        pass
    finally:
        calls.pop(key, None)
        await call.close()
        await asyncio.gather(sender, return_exceptions=True)


def rep_language(runtime: Runtime, user: str, connection: HTTPConnection) -> str:
    """The language to tell ``user`` something in: the page's, their chosen one, the browser's."""
    asked = connection.query_params.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    try:
        from coach.services import profile

        chosen = profile.get_active_user(runtime, username=user).ui_language
    except Exception:  # an unknown user is refused later; the browser's language will do
        chosen = None
    if chosen in LANGUAGES:
        return str(chosen)
    from coach.api.auth import browser_language

    return browser_language(connection.headers.get("accept-language"))


def busy_message(language: str) -> str:
    """The refusal of a voice call past the limit, in ``language`` (the UI's catalogue)."""
    try:
        from ui.i18n import Translator
    except ImportError:  # the API without the UI package: English
        return BUSY_MESSAGE
    return Translator(language)("err.voice_busy")


async def _send_events(websocket: WebSocket, call: VoiceCall) -> None:
    try:
        async for event in call.events():
            if isinstance(event, CustomerAudio):
                await websocket.send_text(json.dumps(event.header(), ensure_ascii=False))
                await websocket.send_bytes(event.pcm16())
            else:
                await websocket.send_text(json.dumps(event, ensure_ascii=False, default=str))
    except (WebSocketDisconnect, RuntimeError):
        # The page went away mid-send; the receive loop notices and closes the call.
        return


async def _refuse(websocket: WebSocket, code: int, error: str, message: str) -> None:
    await websocket.send_json({"type": "error", "code": error, "message": message})
    await websocket.close(code=code, reason=error)
