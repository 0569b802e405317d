"""The web application: the JSON API under /api and the UI at /."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse

from coach import __version__
from coach.errors import CoachError, NotFoundError
from coach.services import content
from coach.services.records import ScenarioSummary
from coach.services.runtime import Runtime


def create_app(runtime: Runtime) -> FastAPI:
    """Build the ASGI app around an opened runtime."""
    app = FastAPI(
        title="coach", version=__version__, docs_url="/api/docs", openapi_url="/api/openapi.json"
    )

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

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        from ui.placeholder import render_placeholder

        return render_placeholder(
            stats=content.library_stats(runtime),
            scenarios=content.list_scenarios(runtime),
            version=__version__,
            dev_mode=runtime.settings.is_dev,
        )

    return app
