"""Demo practice history: a few weeks of calls by the demo team, so a fresh install has data.

Without it a new user's Team dashboard, History and drill tables are empty until someone
practises. ``seed_demo_history`` adds four demo teammates (who cannot sign in) and plays real
calls through the practice service: the built-in customer answers every line and the
evaluator scores every call, exactly as in the app. Each rep's lines are the scenario's
script, with lines skipped or replaced by weak ones according to how good that rep is at the
time, so scores, key-point rates and agreements versus hang-ups differ between reps and
improve over the weeks. The sessions are then dated back over those weeks.

Dev mode only (the demo users cannot log in elsewhere), and only once: a demo team that has
practised already is left alone, so ``coach init --demo-history`` is safe to run again.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coach.accounts import Role
from coach.scenarios.model import Scenario
from coach.security import hash_password
from coach.services import coaching, training
from coach.services.practice import PracticeService
from coach.services.runtime import Runtime
from coach.store.models import PracticeSessionRow, UserRow, utcnow
from coach.store.repositories import content as content_repo
from coach.store.repositories import sessions as sessions_repo
from coach.store.repositories import training as training_repo
from coach.store.repositories import users as users_repo

DEMO_TEAM = "Demo Team"
TRAINER = "trainer"
MANAGER = "manager"
SECONDS_PER_TURN = 22
"""How long each turn of a demo call is taken to last, for its start and end times."""


@dataclass(frozen=True)
class DemoRep:
    """A rep of the demo team and how good they are at the start and the end of the weeks."""

    username: str
    display_name: str
    language: str
    skill_from: float
    skill_to: float


DEMO_REPS = (
    DemoRep("rep", "Riley Rep (demo)", "en", 0.45, 0.8),
    DemoRep("jordan", "Jordan Lee (demo)", "en", 0.8, 0.92),
    DemoRep("sam", "Sam Ortiz (demo)", "en", 0.3, 0.55),
    DemoRep("rep-zh", "李明 (演示销售)", "zh", 0.5, 0.78),
    DemoRep("wang-fang", "王芳 (演示销售)", "zh", 0.78, 0.9),
    DemoRep("zhao-lei", "赵磊 (演示销售)", "zh", 0.35, 0.6),
)
"""``rep`` and ``rep-zh`` come from seeds/users.yaml; the other four are added here."""

SCENARIOS = {
    "en": ("hair-clinic-booking-en", "crm-logistics-discovery"),
    "zh": ("hair-clinic-booking-zh", "study-abroad-ielts-zh"),
}
CERTIFICATION = {"en": "hair-clinic-booking-en", "zh": "study-abroad-ielts-zh"}
EXAM_ATTEMPTS = 2
"""Certification attempts each rep has made (of the five allowed), so some are left to try."""

WEAK_LINES = {
    "en": (
        "OK, great.",
        "Right. Anyway, let me tell you about what we offer.",
        "Honestly, we're the best in the area, everybody says so.",
        "Sure, sure. So are you interested?",
        "I understand. So shall we just book something?",
        "It's really not that expensive, to be fair.",
        "Don't worry about that.",
        "Yeah. So, um, what else can I tell you?",
    ),
    "zh": (
        "嗯，好的。",
        "那我先跟您介绍一下我们的产品吧。",
        "我们家是这一片做得最好的，真的。",
        "您考虑一下呗？",
        "这个不贵的，您放心。",
        "别担心，没问题的。",
        "那您看要不要定下来？",
        "嗯嗯，还有什么想了解的吗？",
    ),
}
"""What a rep says instead of a good line: filler, a pitch too early, pressure, brush-offs."""

COMMENTS = {
    "en": (
        "Good energy on this one. When the customer tells you what worries them, say it back "
        "in your own words before you move on - that's the point you miss most often."
    ),
    "zh": "这通电话开场不错。客户说出顾虑的时候，先用自己的话复述一下，再往下讲，这是你最常漏掉的一点。",
}


@dataclass
class DemoHistory:
    """What ``seed_demo_history`` did, or why it did nothing."""

    users_added: list[str] = field(default_factory=list)
    sessions: int = 0
    agreements: int = 0
    drills: int = 0
    skipped: str | None = None

    def line(self) -> str:
        """One line for the ``coach init`` report."""
        if self.skipped:
            return f"demo history: skipped ({self.skipped})"
        added = f", {len(self.users_added)} demo teammates added" if self.users_added else ""
        return (
            f"demo history: {self.sessions} practice sessions ({self.agreements} ended in "
            f"agreement), {self.drills} drills{added}"
        )


@dataclass(frozen=True)
class _Planned:
    rep: DemoRep
    at: datetime
    skill: float
    scenario_id: str
    mode: str
    assignment_id: int | None


def seed_demo_history(
    runtime: Runtime,
    *,
    practice: PracticeService | None = None,
    sessions_per_rep: int = 8,
    days: int = 42,
    now: datetime | None = None,
    seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
) -> DemoHistory:
    """Give the demo team ``days`` of practice history (dev mode, once; see the module doc).

    ``progress`` hears ``(done, total)`` after each call. ``now`` and ``seed`` make the
    history repeatable.
    """
    if not runtime.settings.is_dev:
        return DemoHistory(skipped="demo users only exist in dev mode (COACH_ENV=dev)")
    runtime.require_initialised()
    now = now or utcnow()
    rng = random.Random(seed)
    with runtime.transaction() as session:
        team = users_repo.get_team_by_name(session=session, name=DEMO_TEAM)
        if team is None:
            return DemoHistory(skipped=f"no {DEMO_TEAM!r}: run coach init with the seeds first")
        practised = session.scalar(
            select(func.count(PracticeSessionRow.id))
            .join(UserRow, UserRow.id == PracticeSessionRow.user_id)
            .where(UserRow.team_id == team.id)
        )
        if practised:
            return DemoHistory(skipped=f"the {DEMO_TEAM} has practised already")
        report = DemoHistory(users_added=_add_teammates(session, team.id))
    practice = practice or PracticeService(runtime)
    drill_start = now - timedelta(days=days * 3 // 5)
    assignments = _certifications(runtime, now=now, given_at=drill_start, report=report)
    plan = _plan(rng, sessions_per_rep, days, now, drill_start, assignments)
    latest: dict[str, str] = {}
    for done, item in enumerate(plan, start=1):
        session_id, agreed = _play(runtime, practice, item, rng)
        report.sessions += 1
        report.agreements += agreed
        latest[item.rep.username] = session_id
        if progress is not None:
            progress(done, len(plan))
    for rep in DEMO_REPS[::3]:  # the two reps who sign in: a comment waiting for each
        if rep.username in latest:
            coaching.add_comment(
                runtime,
                actor=MANAGER,
                session_id=latest[rep.username],
                body=COMMENTS[rep.language],
            )
    return report


def _add_teammates(session: Session, team_id: int) -> list[str]:
    """Create the demo reps missing from the team; they get a random password nobody knows."""
    added = []
    for rep in DEMO_REPS:
        if users_repo.get_user_by_username(session=session, username=rep.username) is not None:
            continue
        users_repo.create_user(
            session=session,
            username=rep.username,
            display_name=rep.display_name,
            password_hash=hash_password(secrets.token_urlsafe(24)),
            role=Role.REP,
            team_id=team_id,
            language=rep.language,
            is_demo=True,
        )
        added.append(rep.username)
    return added


def _certifications(
    runtime: Runtime, *, now: datetime, given_at: datetime, report: DemoHistory
) -> dict[str, int]:
    """One certification per language, given to its reps at ``given_at``; the assignments."""
    out: dict[str, int] = {}
    for language, scenario_id in CERTIFICATION.items():
        with runtime.transaction() as session:
            title = content_repo.get_scenario(session=session, scenario_id=scenario_id).title
        drill = training.create_drill(
            runtime,
            actor=TRAINER,
            scenario_id=scenario_id,
            mode="freeform",
            title=("Certification: " if language == "en" else "认证：") + title,
            target_score=70,
            certification=True,
            max_attempts=5,
        )
        report.drills += 1
        for rep in DEMO_REPS:
            if rep.language == language:
                given = training.assign_drill(
                    runtime,
                    actor=TRAINER,
                    drill_id=drill.id,
                    to_user=rep.username,
                    due=now + timedelta(days=7),
                )
                out[rep.username] = given.id
        with runtime.transaction() as session:
            training_repo.backdate_drill(session=session, drill_id=drill.id, at=given_at)
    return out


def _plan(
    rng: random.Random,
    per_rep: int,
    days: int,
    now: datetime,
    drill_start: datetime,
    assignments: dict[str, int],
) -> list[_Planned]:
    """When each rep practises what, and how well, oldest first within each rep."""
    plan: list[_Planned] = []
    for rep in DEMO_REPS:
        attempts = 0
        offsets = sorted(rng.sample(range(1, days + 1), min(per_rep, days)), reverse=True)
        for n, offset in enumerate(offsets):
            day = now - timedelta(days=offset)
            at = day.replace(
                hour=rng.randint(9, 17), minute=rng.randint(0, 59), second=0, microsecond=0
            )
            progress = n / max(1, len(offsets) - 1)
            skill = rep.skill_from + (rep.skill_to - rep.skill_from) * progress
            skill = min(0.97, max(0.1, skill + rng.uniform(-0.08, 0.08)))
            exam = (
                at >= drill_start
                and rep.username in assignments
                and attempts < EXAM_ATTEMPTS
                and rng.random() < 0.4
            )
            if exam:
                attempts += 1
                scenario_id, mode = CERTIFICATION[rep.language], "freeform"
            else:
                scenario_id = rng.choice(SCENARIOS[rep.language])
                mode = "freeform" if rng.random() < 0.75 else "scripted"
            plan.append(
                _Planned(
                    rep=rep,
                    at=at,
                    skill=skill,
                    scenario_id=scenario_id,
                    mode=mode,
                    assignment_id=assignments[rep.username] if exam else None,
                )
            )
    return plan


def rep_lines(
    script: list[str], weak: tuple[str, ...], skill: float, rng: random.Random
) -> list[str]:
    """What a rep of this skill says: each script line kept, swapped for a weak one, or skipped."""
    lines = []
    for line in script:
        draw = rng.random()
        if draw < skill:
            lines.append(line)
        elif draw < skill + (1 - skill) / 2:
            lines.append(rng.choice(weak))
    return lines or [rng.choice(weak)]


def node_line(
    scenario: Scenario,
    expects: list[str],
    weak: tuple[str, ...],
    skill: float,
    rng: random.Random,
) -> str:
    """A scripted-mode line: an example of each key point this moment expects, if skilled enough."""
    said = [
        rng.choice(point.examples)
        for point in (scenario.key_point(point_id) for point_id in expects)
        if point.examples and rng.random() < skill
    ]
    return " ".join(said) or rng.choice(weak)


def _play(
    runtime: Runtime, practice: PracticeService, item: _Planned, rng: random.Random
) -> tuple[str, bool]:
    """Play one call through the practice service and date it; its id and whether it agreed."""
    actor = item.rep.username
    with runtime.transaction() as session:
        scenario = content_repo.get_scenario(session=session, scenario_id=item.scenario_id)
    persona = (
        rng.choice(scenario.personas) if item.mode == "freeform" and scenario.personas else None
    )
    seed = rng.randint(0, 10_000)
    if item.assignment_id is not None:
        started = training.start_attempt(
            runtime,
            practice,
            actor=actor,
            assignment_id=item.assignment_id,
            seed=seed,
            engine="builtin",
        )
    else:
        started = practice.start(
            actor=actor,
            scenario_id=item.scenario_id,
            mode=item.mode,
            persona_id=persona,
            seed=seed,
            engine="builtin",
        )
    weak = WEAK_LINES[scenario.language]
    ended_by = None
    if item.mode == "scripted" and scenario.flow is not None:
        # The flow decides what each moment asks for: say its key points' examples (or not).
        for _ in range(len(scenario.flow.nodes) + 2):
            with runtime.transaction() as session:
                state = sessions_repo.get_session(
                    session=session, session_id=started.session_id
                ).state
            node = scenario.flow.node(
                str((state.get("mode") or {}).get("node", scenario.flow.start))
            )
            line = node_line(scenario, node.expects, weak, item.skill, rng)
            ended_by = practice.take_turn(started.session_id, actor=actor, text=line).ended_by
            if ended_by is not None:
                break
    else:
        for line in rep_lines(list(scenario.script), weak, item.skill, rng):
            ended_by = practice.take_turn(started.session_id, actor=actor, text=line).ended_by
            if ended_by is not None:
                break
    if ended_by is None:
        practice.end(started.session_id, actor=actor)
    with runtime.transaction() as session:
        sessions_repo.backdate(
            session=session,
            session_id=started.session_id,
            started_at=item.at,
            seconds_per_turn=SECONDS_PER_TURN,
        )
    return started.session_id, ended_by == "agreement"
