"""The web application: sign-in, the JSON API under /api, media, voice, and the UI.

Everything but the sign-in page, its stylesheet and ``/api/health`` is behind the
:class:`~coach.api.auth.AuthGate`: an anonymous request gets the sign-in page or a 401.
The UI is mounted once per language (``/en``, ``/zh``); ``/`` sends each user to theirs.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from coach import __version__
from coach.api.auth import AuthGate, SessionCookies, add_auth_routes, browser_language
from coach.api.docs import add_docs_routes
from coach.api.guard import OriginGuard
from coach.api.v1 import PREFIX as API_V1
from coach.api.v1 import build_router as api_v1
from coach.errors import CoachError, NotFoundError, PermissionDenied
from coach.services import content, media, profile, setup
from coach.services.practice import PracticeService
from coach.services.records import ScenarioSummary
from coach.services.runtime import Runtime

log = logging.getLogger(__name__)

OPENAPI = "/api/openapi.json"
STATIC = Path(__file__).resolve().parents[2] / "ui" / "static"


def create_app(
    runtime: Runtime,
    *,
    practice: PracticeService | None = None,
    ui: bool = True,
    voice_options: dict[str, Any] | None = None,
    warm_up: bool = False,
) -> FastAPI:
    """Build the ASGI app around an opened runtime.

    ``practice`` defaults to a service with the embedded recogniser; tests pass one with
    fakes. ``ui=False`` serves only the API (no Gradio needed). ``voice_options`` go to the
    voice routes (``transcriber=``, ``synthesizer=`` fakes in tests).
    """
    app = FastAPI(title="coach", version=__version__, docs_url=None, openapi_url=OPENAPI)
    add_docs_routes(app, openapi_url=OPENAPI, title="coach")
    cookies = SessionCookies(runtime)
    add_auth_routes(app, runtime, cookies)
    app.add_middleware(AuthGate, identify=cookies.username)
    app.add_middleware(OriginGuard)  # added last, so it runs first: before any identity

    def who(request: Request) -> str:
        name = cookies.username(request)
        if name is None:
            raise HTTPException(status_code=401, detail="sign in first")
        return name

    @app.get("/api/health")
    def health() -> dict[str, Any]:
        try:
            runtime.require_initialised()
            database = "ok"
        except CoachError as exc:
            database = str(exc)
        return {
            "status": "ok" if database == "ok" else "degraded",
            "version": __version__,
            "database": database,
        }

    @app.get("/api/scenarios")
    def scenarios(language: str | None = None) -> list[ScenarioSummary]:
        return content.list_scenarios(runtime, language=language)

    @app.get("/api/scenarios/{scenario_id}")
    def scenario(scenario_id: str) -> dict[str, Any]:
        try:
            return content.get_scenario(runtime, scenario_id=scenario_id).model_dump(mode="json")
        except NotFoundError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from exc

    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")

    app.include_router(api_v1(runtime, identify=cookies.username, practice=lambda: practice or _default_practice(runtime)), prefix=API_V1)  # fmt: skip

    if not ui:
        return app

    service = practice or _default_practice(runtime)
    if warm_up:
        threading.Thread(
            target=_warm_up, args=(runtime, service), name="coach-warm-up", daemon=True
        ).start()

    @app.get("/media/session/{session_id}/{index}", include_in_schema=False)
    def session_audio(session_id: str, index: int, request: Request) -> FileResponse:
        return _file(lambda: media.session_turn_audio(service, session_id, index, actor=who(request)))

    @app.get("/media/call/{call_id}/{index}", include_in_schema=False)
    def call_audio(call_id: str, index: int, request: Request) -> FileResponse:
        return _file(lambda: media.call_turn_audio(runtime, call_id, index, actor=who(request)))

    @app.get("/media/clip/{clip_id}", include_in_schema=False)
    def clip_audio(clip_id: str, request: Request) -> FileResponse:
        return _file(lambda: media.clip_audio(runtime, clip_id, actor=who(request)))

    @app.get("/language/{language}", include_in_schema=False)
    def choose_language(language: str, request: Request) -> RedirectResponse:
        try:
            profile.set_ui_language(runtime, actor=who(request), language=language)
        except CoachError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from exc
        return RedirectResponse(f"/{language}/", status_code=303)

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> RedirectResponse:
        name = who(request)
        chosen = profile.get_active_user(runtime, username=name).ui_language
        language = chosen or browser_language(request.headers.get("accept-language"))
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/{language}/{query}", status_code=303)

    _add_voice(app, runtime, service, cookies, voice_options or {})

    from ui.app import mount_ui

    mount_ui(app, runtime, service, identify=cookies.username)
    return app


def _warm_up(runtime: Runtime, service: PracticeService) -> None:
    """Load the models and the clip index, so no rep waits for them in a call or a search."""
    service.warm_up()
    try:
        setup.build_clip_index(runtime)
    except Exception:  # a search then builds it; warming up must never stop the app
        log.warning("could not build the clip index at start", exc_info=True)


def _default_practice(runtime: Runtime) -> PracticeService:
    from coach.services import speech

    return PracticeService(runtime, transcriber=speech.get_transcriber(runtime.settings))


def _add_voice(
    app: FastAPI,
    runtime: Runtime,
    service: PracticeService,
    cookies: SessionCookies,
    options: dict[str, Any],
) -> None:
    try:
        from coach.api.voice import add_voice_routes
    except ImportError:  # the voice channel is optional; text and uploads still work
        log.warning("the voice channel is not available", exc_info=True)
        return
    add_voice_routes(app, runtime=runtime, practice=service, identify=cookies.username, **options)


def _file(make: Any) -> FileResponse:
    try:
        path = make()
    except PermissionDenied as exc:
        raise HTTPException(status_code=403, detail=str(exc)) from exc
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    except CoachError as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from exc
    return FileResponse(path)
