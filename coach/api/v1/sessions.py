"""``/api/v1/sessions``: list sessions, read one, its transcript and its scorecard; practise.

A rep (or an integration acting as one) can also start a session, take typed turns and end it
here; spoken turns go through the voice channel (``/ws/voice/{session_id}``) of the same app.
"""

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from coach.api.v1.context import V1
from coach.api.v1.errors import CoachRoute
from coach.api.v1.pages import Limit, Offset
from coach.services import coaching, session_lists
from coach.services.session_lists import SessionPage


def session_json(view: Any) -> dict[str, Any]:
    """A session view as JSON: turns link their audio instead of naming a server file."""
    data = asdict(view)
    for turn in data["turns"]:
        path = turn.pop("audio_path", None)
        turn["audio_url"] = f"/media/session/{view.id}/{turn['index']}" if path else None
    return data


MAX_TURN_CHARS = 4000
"""A typed turn longer than this is refused (a spoken turn of several minutes is shorter)."""


class StartSession(BaseModel):
    """What to practise: the scenario, the mode, and optionally the persona or the drill."""

    scenario: str = Field(description="The scenario id.", min_length=1, max_length=200)
    mode: Literal["freeform", "scripted", "readalong", "recitation"] = "freeform"
    persona: str | None = Field(default=None, description="The AI customer (freeform).")
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    hints: bool = True
    assignment_id: int | None = Field(default=None, description="The drill this attempt is for.")


class RepTurn(BaseModel):
    """One typed rep turn."""

    text: str = Field(min_length=1, max_length=MAX_TURN_CHARS)


def build(v1: V1) -> APIRouter:
    """The sessions router."""
    router = APIRouter(prefix="/sessions", tags=["sessions"], route_class=CoachRoute)
    Caller = Annotated[str, Depends(v1.caller)]

    @router.get("")
    def list_sessions(
        actor: Caller,
        limit: Limit = 50,
        offset: Offset = 0,
        team: Annotated[str | None, Query(description="A team's sessions (coaches).")] = None,
        rep: Annotated[str | None, Query(description="One rep's sessions (coaches).")] = None,
    ) -> SessionPage:
        """Sessions, newest first: your own, or (coaches) a rep's or a team's."""
        return session_lists.list_sessions(
            v1.runtime, actor=actor, team=team, rep=rep, limit=limit, offset=offset
        )

    @router.post("", status_code=201)
    def start_session(body: StartSession, actor: Caller) -> dict[str, Any]:
        """Start a practice session of your own; the answer has the customer's first line."""
        started = v1.practice.start(
            actor=actor,
            scenario_id=body.scenario,
            mode=body.mode,
            persona_id=body.persona,
            seed=body.seed,
            hints=body.hints,
            assignment_id=body.assignment_id,
        )
        return asdict(started)

    @router.post("/{session_id}/turns", status_code=201)
    def take_turn(session_id: str, body: RepTurn, actor: Caller) -> dict[str, Any]:
        """A typed rep turn in your own active session, and the customer's answer."""
        return asdict(v1.practice.take_turn(session_id, actor=actor, text=body.text))

    @router.post("/{session_id}/end")
    def end_session(session_id: str, actor: Caller) -> dict[str, Any]:
        """End your session and score it (again: the stored scorecard); the evaluation."""
        return v1.practice.end(session_id, actor=actor)

    @router.get("/{session_id}")
    def get_session(session_id: str, actor: Caller) -> dict[str, Any]:
        """One session: its scenario, status, turns and scorecard (owner, their coaches, admins)."""
        return session_json(v1.practice.view(session_id, actor=actor))

    @router.get("/{session_id}/transcript")
    def get_transcript(session_id: str, actor: Caller) -> list[dict[str, Any]]:
        """The session's turns as plain data."""
        return v1.practice.transcript(session_id, actor=actor)

    @router.get("/{session_id}/scorecard")
    def get_scorecard(session_id: str, actor: Caller) -> dict[str, Any]:
        """The scorecard: the evaluator's result, and the originals next to any overrides."""
        review = coaching.review(v1.runtime, actor=actor, session_id=session_id)
        view = v1.practice.view(session_id, actor=actor)
        return {**review.model_dump(mode="json"), "evaluation": view.scorecard}

    return router
