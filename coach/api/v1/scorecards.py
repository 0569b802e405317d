"""``/api/v1/scorecards``: a team's key-point results, one row per key point of a session."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from coach.api.v1.context import V1
from coach.api.v1.errors import CoachRoute
from coach.api.v1.pages import Limit, Offset, Page, page
from coach.services import exports

Team = Annotated[str, Query(description="The team's name.")]
Since = Annotated[date | None, Query(description="Start of the period (UTC, default: a year ago).")]
Until = Annotated[date | None, Query(description="End of the period (UTC, exclusive).")]


def build(v1: V1) -> APIRouter:
    """The scorecards router."""
    router = APIRouter(prefix="/scorecards", tags=["scorecards"], route_class=CoachRoute)
    Caller = Annotated[str, Depends(v1.caller)]

    @router.get("")
    def list_scorecards(
        actor: Caller,
        team: Team,
        since: Since = None,
        until: Until = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[dict[str, Any]]:
        """A team's key-point results in the period, oldest first (managers, admins)."""
        rows = exports.export_json(
            v1.runtime, actor=actor, kind="scorecards", team=team, since=since, until=until
        )
        return page(rows, limit, offset)

    return router
