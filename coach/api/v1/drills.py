"""``/api/v1/drills`` and ``/api/v1/assignments``: list, create and assign drills."""

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from coach.api.v1.context import V1
from coach.api.v1.errors import CoachRoute
from coach.api.v1.pages import Limit, Offset, Page, page
from coach.services import training
from coach.services.training import AssignmentView, DrillRecord, RepStatus, Task


class NewDrill(BaseModel):
    """A drill to create."""

    scenario_id: str
    mode: str = Field(description="readalong, recitation, scripted or freeform.")
    title: str = ""
    persona_id: str | None = None
    target_score: float | None = None
    exam: bool = False
    max_attempts: int | None = None
    certification: bool = False
    note: str = ""
    team: str | None = Field(default=None, description="Admins: the team it belongs to.")


class NewAssignment(BaseModel):
    """Whom to give a drill to: exactly one of a user and a team."""

    to_user: str | None = None
    to_team: str | None = None
    due: date | datetime | None = None
    note: str = ""


def build(v1: V1) -> APIRouter:
    """The drills and assignments router."""
    router = APIRouter(tags=["drills"], route_class=CoachRoute)
    Caller = Annotated[str, Depends(v1.caller)]

    @router.get("/drills")
    def list_drills(actor: Caller, limit: Limit = 50, offset: Offset = 0) -> Page[DrillRecord]:
        """Drills a coach may use, newest first (trainers, managers, admins)."""
        return page(training.list_drills(v1.runtime, actor=actor), limit, offset)

    @router.post("/drills", status_code=201)
    def create_drill(body: NewDrill, actor: Caller) -> DrillRecord:
        """Define a drill for your team (admins: any team, or every team)."""
        return training.create_drill(v1.runtime, actor=actor, **body.model_dump())

    @router.get("/drills/mine")
    def my_drills(actor: Caller, limit: Limit = 50, offset: Offset = 0) -> Page[Task]:
        """Your drills and clip tasks, most urgent first."""
        return page(training.my_drills(v1.runtime, actor=actor), limit, offset)

    @router.get("/drills/{drill_id}/status")
    def drill_status(
        drill_id: int, actor: Caller, limit: Limit = 100, offset: Offset = 0
    ) -> Page[RepStatus]:
        """Each rep's standing on each assignment of the drill (coaches of the team, admins)."""
        rows = training.drill_status_report(v1.runtime, actor=actor, drill_id=drill_id)
        return page(rows, limit, offset)

    @router.post("/drills/{drill_id}/assignments", status_code=201)
    def assign_drill(drill_id: int, body: NewAssignment, actor: Caller) -> AssignmentView:
        """Give the drill to a rep or a whole team, with an optional due date."""
        return training.assign_drill(
            v1.runtime,
            actor=actor,
            drill_id=drill_id,
            to_user=body.to_user,
            to_team=body.to_team,
            due=body.due,
            note=body.note,
        )

    @router.get("/assignments")
    def list_assignments(
        actor: Caller,
        drill_id: Annotated[int | None, Query(description="Only this drill's.")] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[AssignmentView]:
        """Drill assignments of your team (admins: all), soonest due first."""
        rows = training.list_assignments(v1.runtime, actor=actor, drill_id=drill_id)
        return page(rows, limit, offset)

    return router
