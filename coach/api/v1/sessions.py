"""``/api/v1/sessions``: list sessions, read one, its transcript and its scorecard."""

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

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
