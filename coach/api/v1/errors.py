"""The project's errors as JSON answers: ``{"detail": message}`` with the matching status."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError

from coach.errors import (
    CoachError,
    ConfigurationError,
    ContentError,
    ModelUnavailableError,
    NotFoundError,
    PermissionDenied,
)


def status_of(error: Exception) -> int:
    """The HTTP status for a service error."""
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, ContentError | ValidationError):
        return 422
    if isinstance(error, ModelUnavailableError | ConfigurationError):
        return 503
    return 400


class CoachRoute(APIRoute):
    """A route whose service errors become JSON answers instead of a 500."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap the handler so CoachError and ValueError map to their status."""
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except (CoachError, ValueError) as error:
                return JSONResponse({"detail": str(error)}, status_code=status_of(error))

        return handle
