"""``/api/v1/reports``: a team's dashboard numbers and one rep's, for a period."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from coach.api.v1.context import V1
from coach.api.v1.errors import CoachRoute
from coach.services import analytics
from coach.services.analytics import Report

Since = Annotated[
    date | None, Query(description="Start of the period (UTC, default: 28 days ago).")
]
Until = Annotated[date | None, Query(description="End of the period (UTC, exclusive).")]


def build(v1: V1) -> APIRouter:
    """The reports router."""
    router = APIRouter(prefix="/reports", tags=["reports"], route_class=CoachRoute)
    Caller = Annotated[str, Depends(v1.caller)]

    @router.get("/teams/{team}")
    def team_report(
        team: str,
        actor: Caller,
        since: Since = None,
        until: Until = None,
        last_n: Annotated[int, Query(ge=1, description="Leaderboard: the last N sessions.")] = 5,
        min_sessions: Annotated[int, Query(ge=1, description="Leaderboard: at least N.")] = 3,
    ) -> Report:
        """A team's report with the change against the period before (managers, admins)."""
        return analytics.team_report(
            v1.runtime,
            actor=actor,
            team=team,
            since=since,
            until=until,
            last_n=last_n,
            min_sessions=min_sessions,
        )

    @router.get("/reps/{rep}")
    def rep_report(rep: str, actor: Caller, since: Since = None, until: Until = None) -> Report:
        """One rep's report (the rep, their team's manager, admins)."""
        return analytics.rep_report(v1.runtime, actor=actor, rep=rep, since=since, until=until)

    return router
