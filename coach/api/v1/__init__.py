"""The REST API, version 1 (``/api/v1``), for LMS and CRM integrations.

Every route calls a service with the caller as ``actor``, so the API refuses exactly what
the pages and the CLI refuse. The caller comes from an API token or the session cookie
(:class:`~coach.api.v1.context.V1`).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request

from coach.api.v1 import drills, exports, reports, scorecards, sessions, tokens
from coach.api.v1.context import V1
from coach.services.practice import PracticeService
from coach.services.runtime import Runtime

__all__ = ["PREFIX", "V1", "build_router"]

PREFIX = "/api/v1"


def build_router(
    runtime: Runtime,
    *,
    identify: Callable[[Request], str | None],
    practice: Callable[[], PracticeService],
) -> APIRouter:
    """All v1 routes; mount it at :data:`PREFIX`. ``practice`` makes the service on first use."""
    v1 = V1(runtime=runtime, identify=identify, make_practice=practice)
    router = APIRouter()
    for module in (sessions, scorecards, drills, reports, exports, tokens):
        router.include_router(module.build(v1))
    return router
