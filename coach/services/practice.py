"""Practice service: start a session in any mode, take turns, end it with a scorecard.

Every turn is written as soon as it happens (the rep's before the reply is computed, the
customer's with the mode's state), so a crash, a closed tab or a dead model server loses
at most the turn in flight. Mode objects are rebuilt from the stored state on every call,
so any app process can serve any session.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.accounts import Role
from coach.backends.ports import Embedder, Transcriber
from coach.errors import CoachError, NotFoundError
from coach.evaluator.keypoints import KeyPointDetector
from coach.personas.engine import CustomerLines
from coach.personas.model import Persona
from coach.practice.modes import ModeStep, PracticeMode, make_mode
from coach.scenarios.model import Scenario
from coach.security import require
from coach.services import evaluation
from coach.services.llm import chat_model
from coach.services.runtime import Runtime
from coach.store.repositories import content as content_repo
from coach.store.repositories import scorecards as scorecards_repo
from coach.store.repositories import sessions as sessions_repo
from coach.store.repositories import users as users_repo
from coach.transcripts import CUSTOMER, REP, Transcript, Turn


class SessionEndedError(CoachError):
    """A turn was sent to a session that has already ended."""


log = logging.getLogger(__name__)


@dataclass
class TurnResult:
    """What happened after one rep turn."""

    session_id: str
    rep_text: str
    customer: str | None = None
    hint: str | None = None
    prompt: str | None = None
    marks: dict[str, Any] | None = None
    ended_by: str | None = None
    detected: list[str] = field(default_factory=list)
    notice: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the CLI, UI and API."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, [])}


@dataclass
class Started:
    """A new session and what the rep sees or hears first."""

    session_id: str
    mode: str
    scenario_id: str
    persona_id: str | None
    customer: str | None
    prompt: str | None


class PracticeService:
    """The one door to practice sessions for the CLI, the UI and the API."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        embedder: Embedder | None = None,
        transcriber: Transcriber | None = None,
    ):
        runtime.require_initialised()
        self.runtime = runtime
        self.embedder = embedder or evaluation.default_embedder()
        self.transcriber = transcriber
        self._lines: CustomerLines | None = None
        # Embeds each rep turn for the end-of-session scorecard while the rep is talking.
        self._warmer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coach-scorecard")

    # -- helpers -------------------------------------------------------------------------

    def _customer_lines(self, scenario_id: str, objection: str) -> list[str]:
        """Real customer lines voicing this objection, from the clip library (loaded once)."""
        if self._lines is None:
            from coach.services import clips as clips_service

            self._lines = clips_service.customer_lines_lookup(self.runtime) or (lambda _s, _o: [])
        return self._lines(scenario_id, objection)

    def _load(self, session_id: str) -> tuple[Any, Scenario, Persona | None, list[Turn]]:
        with self.runtime.transaction() as session:
            row = sessions_repo.get_session(session=session, session_id=session_id)
            scenario = content_repo.get_scenario(session=session, scenario_id=row.scenario_id)
            persona = (
                content_repo.get_persona(session=session, persona_id=row.persona_id)
                if row.persona_id
                else None
            )
            turns = [
                Turn(speaker=t.speaker, text=t.text, start=t.start, end=t.end) for t in row.turns
            ]
            return row, scenario, persona, turns

    def _mode(self, row: Any, scenario: Scenario, persona: Persona | None) -> PracticeMode:
        state = dict(row.state or {})
        return make_mode(
            row.mode,
            scenario,
            embedder=self.embedder,
            persona=persona,
            seed=row.seed or 0,
            hints=bool(state.get("hints", True)),
            customer_lines=self._customer_lines,
            state=state.get("mode"),
            chat=chat_model(self.runtime.settings) if row.engine == "llm" else None,
        )

    def _save_step(self, session_id: str, mode: PracticeMode, step: ModeStep, hints: bool) -> None:
        with self.runtime.transaction() as session:
            if step.customer:
                sessions_repo.add_turn(
                    session=session,
                    session_id=session_id,
                    speaker=CUSTOMER,
                    text=step.customer,
                    meta={"move": step.move} if step.move else None,
                )
            sessions_repo.update_state(
                session=session, session_id=session_id, state={"mode": mode.state(), "hints": hints}
            )

    # -- the session ---------------------------------------------------------------------

    def start(
        self,
        *,
        username: str,
        scenario_id: str,
        mode: str,
        persona_id: str | None = None,
        seed: int = 0,
        hints: bool = True,
        assignment_id: int | None = None,
        engine: str = "auto",
    ) -> Started:
        """Start a session; the customer picks up (or the first line is shown).

        ``engine``: ``builtin``, ``llm`` (needs COACH_LLM_BASE_URL and COACH_LLM_MODEL) or
        ``auto`` (the LLM when one is configured).
        """
        if engine not in ("auto", "builtin", "llm"):
            raise ValueError(f"unknown engine {engine!r}; use auto, builtin or llm")
        if engine == "llm" and not self.runtime.settings.llm_configured:
            raise CoachError(
                "no LLM is configured: set COACH_LLM_BASE_URL and COACH_LLM_MODEL, or use --engine builtin"
            )
        if engine == "auto":
            engine = (
                "llm" if self.runtime.settings.llm_configured and mode == "freeform" else "builtin"
            )
        with self.runtime.transaction() as session:
            user = users_repo.get_user_by_username(session=session, username=username)
            if user is None:
                raise NotFoundError(f"no user {username!r} (see: coach users list)")
            require(Role(user.role), "practice")
            scenario = content_repo.get_scenario(session=session, scenario_id=scenario_id)
            if mode == "freeform" and persona_id is None:
                if not scenario.personas:
                    raise CoachError(f"scenario {scenario_id!r} has no personas; pass --persona")
                persona_id = scenario.personas[0]
            persona = (
                content_repo.get_persona(session=session, persona_id=persona_id)
                if persona_id
                else None
            )
        practice_mode = make_mode(
            mode,
            scenario,
            embedder=self.embedder,
            persona=persona,
            seed=seed,
            hints=hints,
            customer_lines=self._customer_lines,
        )
        with self.runtime.transaction() as session:
            row = sessions_repo.create_session(
                session=session,
                user_id=user.id,
                scenario_id=scenario_id,
                mode=mode,
                language=scenario.language,
                persona_id=persona_id,
                assignment_id=assignment_id,
                seed=seed,
                engine=engine,
            )
            session_id = row.id
        step = practice_mode.opening()
        self._save_step(session_id, practice_mode, step, hints)
        return Started(session_id, mode, scenario_id, persona_id, step.customer, step.prompt)

    def take_turn(
        self,
        session_id: str,
        *,
        text: str | None = None,
        audio: str | Path | None = None,
        audio_path_to_keep: str | None = None,
    ) -> TurnResult:
        """One rep turn (typed, or recorded audio through the transcriber), and the reply."""
        row, scenario, persona, turns = self._load(session_id)
        if row.status != "active":
            raise SessionEndedError(
                f"session {session_id} has ended ({row.ended_by}); start a new one"
            )
        start = end = None
        if audio is not None:
            if self.transcriber is None:
                raise CoachError("no speech recogniser is set up for audio turns")
            heard = self.transcriber.transcribe(audio, language=scenario.language)
            text = heard.text
            start, end = 0.0, heard.duration
        if text is None or not text.strip():
            raise CoachError("the turn is empty: say or type something")
        with self.runtime.transaction() as session:
            sessions_repo.add_turn(
                session=session,
                session_id=session_id,
                speaker=REP,
                text=text.strip(),
                audio_path=audio_path_to_keep or (str(audio) if audio is not None else None),
                start=start,
                end=end,
            )
        practice_mode = self._mode(row, scenario, persona)
        history = [*turns, Turn(speaker=REP, text=text.strip())]
        step = practice_mode.respond(text.strip(), history)
        self._save_step(session_id, practice_mode, step, bool((row.state or {}).get("hints", True)))
        result = TurnResult(
            session_id=session_id,
            rep_text=text.strip(),
            customer=step.customer,
            hint=step.hint,
            prompt=step.prompt,
            marks=step.marks,
            ended_by=step.ended_by,
            detected=step.detected,
            notice=step.notice,
        )
        if step.notice and "did not answer" in step.notice:
            # Don't make the rep wait for a dead server every turn: go on with the built-in
            # customer for the rest of this session (a new session tries the LLM again).
            with self.runtime.transaction() as session:
                sessions_repo.set_engine(session=session, session_id=session_id, engine="builtin")
        if step.ended_by is not None:
            self.end(session_id, ended_by=step.ended_by)
        else:
            self._warmer.submit(self._warm, scenario.language, text.strip())
        return result

    def _warm(self, language: str, text: str) -> None:
        try:
            KeyPointDetector(self.embedder).warm(language, text)
        except Exception:  # the scorecard embeds it then; a warm-up must never break a call
            log.warning("could not pre-embed a rep turn for the scorecard", exc_info=True)

    def end(self, session_id: str, *, ended_by: str = "rep") -> dict[str, Any]:
        """End the session, score it and store the scorecard; return the evaluation."""
        row, scenario, _, turns = self._load(session_id)
        if row.status == "active":
            with self.runtime.transaction() as session:
                sessions_repo.end_session(session=session, session_id=session_id, ended_by=ended_by)
        elif row.scorecard is not None:
            return dict(row.scorecard.result)
        transcript = Transcript(language=scenario.language, turns=turns)
        self._warmer.submit(lambda: None).result()  # turns still being embedded: let them finish
        result = evaluation.evaluate(
            scenario,
            transcript,
            mode=row.mode,
            embedder=self.embedder,
            clip_lookup=evaluation.clip_lookup_from_db(self.runtime),
            judge=evaluation.llm_judge(self.runtime.settings),
        )
        with self.runtime.transaction() as session:
            scorecards_repo.save_scorecard(session=session, session_id=session_id, result=result)
        return result

    def transcript(self, session_id: str) -> list[dict[str, Any]]:
        """The session's turns as plain data."""
        _, _, _, turns = self._load(session_id)
        return [t.model_dump(exclude_none=True) for t in turns]
