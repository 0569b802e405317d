"""Practice service: start a session in any mode, take turns, end it with a scorecard.

Every turn is written as soon as it happens (the rep's before the reply is computed, the
customer's with the mode's state), so a crash, a closed tab or a dead model server loses
at most the turn in flight. Mode objects are rebuilt from the stored state on every call,
so any app process can serve any session.
"""

from __future__ import annotations

import logging
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from coach.backends.ports import Embedder, Transcriber
from coach.errors import CoachError, NotFoundError, PermissionDenied
from coach.evaluator import Mode
from coach.evaluator.keypoints import KeyPointDetector
from coach.personas.engine import SourcedLine
from coach.personas.model import Persona
from coach.practice.modes import ModeStep, PracticeMode, make_mode
from coach.scenarios.model import Scenario
from coach.services import actors, evaluation
from coach.services.llm import chat_model
from coach.services.runtime import Runtime
from coach.store.repositories import content as content_repo
from coach.store.repositories import scorecards as scorecards_repo
from coach.store.repositories import sessions as sessions_repo
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
    turn_index: int | None = None
    clips: list[str] = field(default_factory=list)
    """Ids of the clip-library clips whose real customer lines the reply used."""

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the CLI, UI and API."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, [])}


@dataclass(frozen=True)
class VoiceProfile:
    """What the voice channel needs to speak and hear a session."""

    language: str
    persona_voice: Any
    likely_replies: list[str]
    hotwords: list[str]
    opening: str | None
    status: str
    mode: str = "freeform"


@dataclass(frozen=True)
class TurnView:
    """One stored turn as the practice and scorecard pages show it."""

    index: int
    speaker: str
    text: str
    audio_path: str | None = None
    heard: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    clips: list[str] = field(default_factory=list)
    """For a customer turn: ids of the clip-library clips whose lines it used."""


@dataclass(frozen=True)
class SessionView:
    """Everything the practice screen and the scorecard show of one session."""

    id: str
    owner: str
    scenario_id: str
    scenario_title: str
    language: str
    mode: str
    status: str
    ended_by: str | None
    started_at: datetime
    ended_at: datetime | None
    hints: bool
    engine: str
    persona: dict[str, Any] | None
    turns: list[TurnView]
    script: list[str]
    line: int | None
    node_line: str | None
    trust: float | None
    patience: int | None
    patience_max: int | None
    scorecard: dict[str, Any] | None
    override_score: float | None = None
    coverage: float | None = None


@dataclass(frozen=True)
class SessionSummary:
    """A session in the history list."""

    id: str
    scenario_id: str
    scenario_title: str
    language: str
    mode: str
    status: str
    ended_by: str | None
    started_at: datetime
    score: float | None
    profile: dict[str, float] = field(default_factory=dict)


@dataclass
class Started:
    """A new session and what the rep sees or hears first."""

    session_id: str
    mode: str
    scenario_id: str
    persona_id: str | None
    customer: str | None
    prompt: str | None


AUDIO_NOT_KEPT = "the recording could not be kept (the disk is full or not writable); the text of the turn is saved"
"""The turn's notice when its upload was transcribed but could not be stored."""
AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".mp3", ".ogg", ".opus", ".webm", ".m4a"})
"""Suffixes a kept upload keeps; any other is stored as ``.audio`` (served as bytes)."""


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
        self._lines: dict[tuple[str, str], list[SourcedLine]] = {}
        # Embeds each rep turn for the end-of-session scorecard while the rep is talking.
        self._warmer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coach-scorecard")

    # -- helpers -------------------------------------------------------------------------

    def _customer_lines(self, scenario_id: str, objection: str) -> list[SourcedLine]:
        """Real customer lines voicing this objection, with their clip ids (loaded once each)."""
        key = (scenario_id, objection)
        if key not in self._lines:
            from coach.services import clips as clips_service
            from coach.store.db import is_migrated

            rows = (
                clips_service.customer_lines(self.runtime, scenario=scenario_id, objection=objection)
                if is_migrated(self.runtime.engine)
                else []
            )
            by_text: dict[str, SourcedLine] = {}
            for row in rows:
                by_text.setdefault(row["text"], SourcedLine(row["text"], row["clip_id"]))
            self._lines[key] = list(by_text.values())
        return self._lines[key]

    def _load(
        self, session_id: str, actor: str, *, write: bool = False
    ) -> tuple[Any, Scenario, Persona | None, list[Turn]]:
        with self.runtime.transaction() as session:
            row, scenario, persona = _open(session, session_id, actor, write=write)
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
        state = mode.state()
        with self.runtime.transaction() as session:
            if step.customer:
                meta: dict[str, Any] = {"move": step.move} if step.move else {}
                # The clips whose real customer lines this turn used, so a trainer sees why
                # the customer sounds like the team's customers (the persona engine's state).
                clips = _clips_of(mode)
                if clips:
                    meta["clips"] = clips
                sessions_repo.add_turn(
                    session=session,
                    session_id=session_id,
                    speaker=CUSTOMER,
                    text=step.customer,
                    meta=meta or None,
                )
            sessions_repo.update_state(
                session=session, session_id=session_id, state={"mode": state, "hints": hints}
            )

    # -- the session ---------------------------------------------------------------------

    def start(
        self,
        *,
        actor: str,
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
            user = actors.account(session, actor, "practice", "practising")
            if assignment_id is not None:
                # An attempt at a drill: given to this rep, attempts left, the drill's rules.
                from coach.services import training

                rules = training.check_attempt(session, user, assignment_id)
                if (rules.scenario_id, rules.mode) != (scenario_id, mode):
                    raise CoachError(
                        f"drill assignment {assignment_id} is {rules.scenario_id!r} in "
                        f"{rules.mode} mode, not {scenario_id!r} in {mode} mode"
                    )
                hints = hints and rules.hints
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
        if persona is not None and persona.language != scenario.language:
            raise CoachError(
                f"persona {persona.id!r} speaks {persona.language} but scenario {scenario_id!r} "
                f"is in {scenario.language}; pick one of its personas: {', '.join(scenario.personas) or '(none)'}"
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
        actor: str,
        text: str | None = None,
        audio: str | Path | None = None,
        audio_path_to_keep: str | None = None,
        start: float | None = None,
        end: float | None = None,
        meta: dict[str, Any] | None = None,
    ) -> TurnResult:
        """One rep turn (typed, or a recording through the transcriber), and the reply.

        Only the session's owner may take a turn. A recording is checked against the upload
        limits, transcribed, and kept under the data dir so the scorecard can play it.
        """
        row, scenario, persona, turns = self._load(session_id, actor, write=True)
        audio_lost: str | None = None
        if row.status != "active":
            raise SessionEndedError(
                f"session {session_id} has ended ({row.ended_by}); start a new one"
            )
        if audio is not None:
            if self.transcriber is None:
                raise CoachError("no speech recogniser is set up for audio turns")
            from coach.services import speech

            heard = speech.transcribe_file(
                audio,
                language=scenario.language,
                hotwords=hotwords(scenario, persona),
                settings=self.runtime.settings,
                transcriber=self.transcriber,
            )
            text = heard.text
            start, end = 0.0, heard.duration
            if audio_path_to_keep is None:
                audio_path_to_keep = self._keep_audio(session_id, Path(audio), len(turns))
                if audio_path_to_keep is None:
                    audio_lost = AUDIO_NOT_KEPT
            meta = {**(meta or {}), "heard": heard.text, "source": "upload"}
        if text is None or not text.strip():
            raise CoachError("the turn is empty: say or type something")
        with self.runtime.transaction() as session:
            stored = sessions_repo.add_turn(
                session=session,
                session_id=session_id,
                speaker=REP,
                text=text.strip(),
                audio_path=audio_path_to_keep,
                start=start,
                end=end,
                meta=meta,
            )
            turn_index = stored.index
        practice_mode = self._mode(row, scenario, persona)
        history = [*turns, Turn(speaker=REP, text=text.strip())]
        step = practice_mode.respond(text.strip(), history)
        self._save_step(session_id, practice_mode, step, bool((row.state or {}).get("hints", True)))
        shown = {
            key: value
            for key, value in (("marks", step.marks), ("hint", step.hint), ("notice", step.notice))
            if value
        }
        if shown:
            # What the rep was shown after this turn, so a reopened page shows it again.
            with self.runtime.transaction() as session:
                sessions_repo.update_turn(
                    session=session, session_id=session_id, index=turn_index, meta=shown
                )
        result = TurnResult(
            session_id=session_id,
            rep_text=text.strip(),
            customer=step.customer,
            hint=step.hint,
            prompt=step.prompt,
            marks=step.marks,
            ended_by=step.ended_by,
            detected=step.detected,
            notice="; ".join(n for n in (step.notice, audio_lost) if n) or None,
            turn_index=turn_index,
            clips=_clips_of(practice_mode) if step.customer else [],
        )
        if step.notice and "did not answer" in step.notice:
            # Don't make the rep wait for a dead server every turn: go on with the built-in
            # customer for the rest of this session (a new session tries the LLM again).
            with self.runtime.transaction() as session:
                sessions_repo.set_engine(session=session, session_id=session_id, engine="builtin")
        if step.ended_by is not None:
            self.end(session_id, actor=actor, ended_by=step.ended_by)
        else:
            self._warmer.submit(self._warm, scenario.language, text.strip())
        return result

    def warm_up(self, *, speech_models: bool = True) -> None:
        """Load what the first turn of a call needs, so it is as fast as the rest.

        The embedder and the scenarios' example vectors, the clip library's customer lines,
        and (``speech_models``) the recogniser and both voices. Meant for a background thread
        at app start; a failure is logged, never raised: the first turn then loads it.
        """
        try:
            with self.runtime.transaction() as session:
                scenarios = content_repo.list_scenarios(session=session)
                documents = [content_repo.get_scenario(session=session, scenario_id=s.id) for s in scenarios]
            detector = KeyPointDetector(self.embedder)
            for scenario in documents:
                detector.detect(scenario, Transcript(language=scenario.language, turns=[Turn(speaker=REP, text="hello")]))
                if scenario.personas:
                    self._customer_lines(scenario.id, "price")
        except Exception:  # warming up must never stop the app
            log.warning("could not warm up the practice models", exc_info=True)
        if speech_models:
            try:
                from coach.services import speech

                speech.warm_up(self.runtime.settings)
            except Exception:
                log.warning("could not warm up the speech models", exc_info=True)

    def _warm(self, language: str, text: str) -> None:
        try:
            KeyPointDetector(self.embedder).warm(language, text)
        except Exception:  # the scorecard embeds it then; a warm-up must never break a call
            log.warning("could not pre-embed a rep turn for the scorecard", exc_info=True)

    def _keep_audio(self, session_id: str, source: Path, index: int) -> str | None:
        """Copy an uploaded recording next to the session's other audio; None if it can't."""
        folder = self.runtime.settings.data_dir / "audio" / session_id
        try:
            folder.mkdir(parents=True, exist_ok=True)
            suffix = source.suffix.lower()
            # The name is the uploader's: only an audio suffix is kept (never .html, say).
            suffix = suffix if suffix in AUDIO_SUFFIXES else ".audio"
            target = folder / f"turn-{index:03d}{suffix}"
            shutil.copyfile(source, target)
        except OSError:
            # A full disk must not cost the rep the turn: the text is stored without audio.
            log.warning("could not keep the audio of a turn of %s", session_id, exc_info=True)
            return None
        return str(target)

    def revise_rep_turn(
        self,
        session_id: str,
        *,
        actor: str,
        turn_index: int,
        text: str,
        meta: dict[str, Any] | None = None,
    ) -> None:
        """Replace a rep turn's stored text with a more accurate transcript.

        The first, fast transcript stays in the turn's meta (``heard_fast``) so the rep can
        be shown both. A session already scored is scored again with the new text.
        """
        row, _, _, _ = self._load(session_id, actor, write=True)
        if not text.strip():
            return
        turn = next((t for t in row.turns if t.index == turn_index), None)
        if turn is None or turn.speaker != REP:
            raise NotFoundError(f"session {session_id} has no rep turn {turn_index}")
        if turn.text == text.strip():
            return
        with self.runtime.transaction() as session:
            sessions_repo.update_turn(
                session=session,
                session_id=session_id,
                index=turn_index,
                text=text.strip(),
                meta={"heard_fast": (turn.meta or {}).get("heard_fast", turn.text), **(meta or {})},
            )
        if row.status != "active" and row.scorecard is not None:
            self._score(session_id)

    def end(self, session_id: str, *, actor: str, ended_by: str = "rep") -> dict[str, Any]:
        """End the session, score it and store the scorecard; return the evaluation."""
        row, _, _, _ = self._load(session_id, actor, write=True)
        if row.status == "active":
            with self.runtime.transaction() as session:
                sessions_repo.end_session(session=session, session_id=session_id, ended_by=ended_by)
        elif row.scorecard is not None:
            return dict(row.scorecard.result)
        return self._score(session_id)

    def _score(self, session_id: str) -> dict[str, Any]:
        with self.runtime.transaction() as session:
            row = sessions_repo.get_session(session=session, session_id=session_id)
            scenario = content_repo.get_scenario(session=session, scenario_id=row.scenario_id)
            mode = cast(Mode, row.mode)
            turns = [
                Turn(speaker=t.speaker, text=t.text, start=t.start, end=t.end) for t in row.turns
            ]
        transcript = Transcript(language=scenario.language, turns=turns)
        self._warmer.submit(lambda: None).result()  # turns still being embedded: let them finish
        result = evaluation.evaluate(
            scenario,
            transcript,
            mode=mode,
            embedder=self.embedder,
            clip_lookup=evaluation.clip_lookup_from_db(self.runtime),
            judge=evaluation.llm_judge(self.runtime.settings),
        )
        from coach.services import training

        with self.runtime.transaction() as session:
            scorecards_repo.save_scorecard(session=session, session_id=session_id, result=result)
            training.record_scorecard(session, session_id)  # a certificate the score earned
        return result

    def transcript(self, session_id: str, *, actor: str) -> list[dict[str, Any]]:
        """The session's turns as plain data.

        A customer turn built from clip-library lines also names those clips (``clips``).
        """
        with self.runtime.transaction() as session:
            row, _, _ = _open(session, session_id, actor, write=False)
            out = []
            for t in row.turns:
                turn = Turn(speaker=t.speaker, text=t.text, start=t.start, end=t.end)
                data = turn.model_dump(exclude_none=True)
                clips = list((t.meta or {}).get("clips") or [])
                if clips:
                    data["clips"] = clips
                out.append(data)
            return out

    # -- what the pages show ---------------------------------------------------------------

    def view(self, session_id: str, *, actor: str) -> SessionView:
        """One session as the practice screen and the scorecard show it (owner or their coaches)."""
        with self.runtime.transaction() as session:
            row, scenario, persona = _open(session, session_id, actor, write=False)
            state = dict(row.state or {})
            mode_state = dict(state.get("mode") or {})
            persona_state = dict(mode_state.get("persona") or {})
            node_line = None
            if row.mode == "scripted" and scenario.flow is not None and row.status == "active":
                node_line = scenario.flow.node(str(mode_state.get("node", scenario.flow.start))).customer
            card = row.scorecard
            return SessionView(
                id=row.id,
                owner=row.user.username,
                scenario_id=scenario.id,
                scenario_title=scenario.title,
                language=scenario.language,
                mode=row.mode,
                status=row.status,
                ended_by=row.ended_by,
                started_at=row.started_at,
                ended_at=row.ended_at,
                hints=bool(state.get("hints", True)),
                engine=row.engine,
                persona=_visible_card(persona) if persona is not None else None,
                turns=[
                    TurnView(
                        index=t.index,
                        speaker=t.speaker,
                        text=t.text,
                        audio_path=t.audio_path,
                        heard=(t.meta or {}).get("heard_fast") or (t.meta or {}).get("heard"),
                        meta=dict(t.meta or {}),
                        clips=list((t.meta or {}).get("clips") or []),
                    )
                    for t in row.turns
                ],
                script=list(scenario.script),
                line=int(mode_state.get("line", 0)) if row.mode == "readalong" else None,
                node_line=node_line,
                trust=persona_state.get("trust"),
                patience=persona_state.get("patience"),
                patience_max=persona.hang_up_when.patience if persona is not None else None,
                scorecard=dict(card.result) if card is not None else None,
                override_score=card.override_score if card is not None else None,
                coverage=_coverage(scenario, row.turns) if row.mode == "recitation" else None,
            )

    def history(self, *, actor: str, limit: int = 200) -> list[SessionSummary]:
        """The actor's own sessions, newest first, with their scores."""
        with self.runtime.transaction() as session:
            user = actors.account(session, actor, "practice", "asking")
            rows = sessions_repo.list_sessions(session=session, user_id=user.id, limit=limit)
            titles = {s.id: s.title for s in content_repo.list_scenarios(session=session)}
            return [
                SessionSummary(
                    id=row.id,
                    scenario_id=row.scenario_id,
                    scenario_title=titles.get(row.scenario_id, row.scenario_id),
                    language=row.language,
                    mode=row.mode,
                    status=row.status,
                    ended_by=row.ended_by,
                    started_at=row.started_at,
                    score=(
                        row.scorecard.override_score
                        if row.scorecard is not None and row.scorecard.override_score is not None
                        else (row.scorecard.score if row.scorecard is not None else None)
                    ),
                    profile=dict((row.scorecard.result or {}).get("profile") or {})
                    if row.scorecard is not None
                    else {},
                )
                for row in rows
            ]

    def active_session(self, *, actor: str) -> str | None:
        """The actor's newest session still in progress (to resume after a closed tab)."""
        with self.runtime.transaction() as session:
            user = actors.account(session, actor, "practice", "asking")
            rows = sessions_repo.list_sessions(
                session=session, user_id=user.id, status="active", limit=1
            )
            return rows[0].id if rows else None

    def voice_profile(self, session_id: str, *, actor: str) -> VoiceProfile:
        """How the session's customer sounds, what it may say next, and words to listen for."""
        row, scenario, persona, turns = self._load(session_id, actor, write=True)
        likely: list[str] = []
        if row.mode == "freeform" and persona is not None and row.status == "active":
            mode = self._mode(row, scenario, persona)
            engine = getattr(mode, "engine", None)
            if engine is not None:
                likely = engine.likely_lines()
        elif row.mode == "scripted" and scenario.flow is not None:
            likely = [n.customer for n in scenario.flow.nodes if n.customer][:8]
        opening = next((t.text for t in turns if t.speaker == CUSTOMER), None)
        return VoiceProfile(
            language=scenario.language,
            persona_voice=persona.voice if persona is not None else None,
            likely_replies=likely,
            hotwords=hotwords(scenario, persona),
            opening=opening,
            status=row.status,
            mode=row.mode,
        )


def _clips_of(mode: PracticeMode) -> list[str]:
    """The clip ids the AI customer's last line drew on (none for other modes)."""
    persona = mode.state().get("persona") or {}
    return [str(clip) for clip in persona.get("last_clips") or []]


def hotwords(scenario: Scenario, persona: Persona | None = None) -> list[str]:
    """Names and terms the recogniser should listen for, the likeliest to be said first.

    The customer's name and company come first: a rep says them in the greeting, and a
    misheard "FleetFlow" would leave the customer asking who is calling. Then the product
    names and must-say terms.
    """
    words: list[str] = []
    met = [persona.name, persona.company] if persona is not None else []
    for phrase in [*met, *scenario.must_say, *scenario.facts.values()]:
        if phrase and len(phrase) <= 40 and phrase not in words:
            words.append(phrase)
    return words[:12]


def _coverage(scenario: Scenario, turns: list[Any]) -> float:
    """How much of the hidden script the rep has said so far (0-1)."""
    from coach.evaluator.recitation import score_recitation

    said = " ".join(t.text for t in turns if t.speaker == REP)
    if not said.strip() or not scenario.script:
        return 0.0
    return score_recitation(
        list(scenario.script), said, scenario.language, must_say=[], points=[], stages=[]
    ).coverage


def _visible_card(persona: Persona) -> dict[str, Any]:
    """What the rep may see of the customer before the call: not needs, budget or objections."""
    return {
        "id": persona.id,
        "name": persona.name,
        "role": persona.role,
        "company": persona.company,
        "mood": persona.mood,
        "difficulty": persona.difficulty,
    }


def _open(
    session: Any, session_id: str, actor: str, *, write: bool
) -> tuple[Any, Scenario, Persona | None]:
    """The session row (after the access check), its scenario and its persona."""
    row = sessions_repo.get_session(session=session, session_id=session_id)
    _check_access(session, actor, row, write=write)
    scenario = content_repo.get_scenario(session=session, scenario_id=row.scenario_id)
    persona = (
        content_repo.get_persona(session=session, persona_id=row.persona_id)
        if row.persona_id
        else None
    )
    return row, scenario, persona


def _check_access(session: Any, actor: str, row: Any, *, write: bool) -> None:
    """The owner may read and continue a session; admins and the owner's coaches may read it.

    Trainers and managers read sessions of their own team only. Nobody continues someone
    else's session, so a forged session id in a URL or an event opens nothing.
    """
    who = actors.resolve(session, actor)
    if who.user_id is not None and who.user_id == row.user_id:
        return
    if not write:
        if who.role.value == "admin":
            return
        if who.can("scores.read_team") and who.team_id is not None:
            if row.user is not None and row.user.team_id == who.team_id:
                return
    raise PermissionDenied("this practice session is not yours: you can only open your own sessions")
