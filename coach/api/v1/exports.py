"""``/api/v1/exports``: a team's sessions, scorecards or assignments as CSV or JSON."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from coach.api.v1.context import V1
from coach.api.v1.errors import CoachRoute
from coach.api.v1.pages import Limit, Offset, Page, page
from coach.services import exports

Kind = Literal["sessions", "scorecards", "assignments"]
Team = Annotated[str, Query(description="The team's name.")]
Since = Annotated[date | None, Query(description="Start of the period (UTC, default: a year ago).")]
Until = Annotated[date | None, Query(description="End of the period (UTC, exclusive).")]


def build(v1: V1) -> APIRouter:
    """The exports router."""
    router = APIRouter(prefix="/exports", tags=["exports"], route_class=CoachRoute)
    Caller = Annotated[str, Depends(v1.caller)]

    @router.get(
        "/{kind}.csv",
        response_class=Response,
        responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with a BOM."}},
    )
    def export_csv(
        kind: Kind, actor: Caller, team: Team, since: Since = None, until: Until = None
    ) -> Response:
        """The export as CSV, UTF-8 with a BOM so Excel opens Chinese text."""
        text = exports.csv_text(
            v1.runtime, actor=actor, kind=kind, team=team, since=since, until=until
        )
        return Response(
            text.encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'},
        )

    @router.get("/{kind}")
    def export_json(
        kind: Kind,
        actor: Caller,
        team: Team,
        since: Since = None,
        until: Until = None,
        limit: Limit = 500,
        offset: Offset = 0,
    ) -> Page[dict[str, Any]]:
        """The export's rows as JSON (timestamps in UTC), a page at a time."""
        rows = exports.export_json(
            v1.runtime, actor=actor, kind=kind, team=team, since=since, until=until
        )
        return page(rows, limit, offset)

    return router
