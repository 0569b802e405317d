"""Blind batches of AI-customer transcripts for judges, and the rates from their ratings.

``make`` turns a transcripts file written by ``bench.persona_transcripts`` into batch files a
judge can rate with nothing else open: each conversation under a random id, with the scenario
(title, language, description, product, facts), the persona's file as written, and the turns
numbered from 0. ``mapping.json`` maps the random ids back to script ids; the judges never see
it. ``score`` reads the judges' ``out-<language>-<k>.json`` files (the rubric's format:
``{"ratings": [{"conversation", "n", "responsive", "consistent", "in_persona", "why"}]}``) and
prints the share of replies that pass each question and all three, per language and per kind.

    .venv/bin/python -m bench.persona_judge_batches make TRANSCRIPTS.jsonl DIR [--batches 2] [--seed 7]
    .venv/bin/python -m bench.persona_judge_batches score DIR TRANSCRIPTS.jsonl [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ("responsive", "consistent", "in_persona")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _scenario_card(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {key: data.get(key) for key in ("title", "language", "description", "product", "facts")}


def make(transcripts: Path, out: Path, *, batches: int, seed: int, seeds: Path) -> int:
    """Write ``<language>-<k>.json`` batches and ``mapping.json`` into ``out``."""
    records = _read_jsonl(transcripts)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    mapping: dict[str, str] = {}
    by_language: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        conversation = f"{rng.getrandbits(32):08x}"
        while conversation in mapping:
            conversation = f"{rng.getrandbits(32):08x}"
        mapping[conversation] = record["id"]
        by_language[record["language"]].append(
            {
                "conversation": conversation,
                "scenario": _scenario_card(seeds / "scenarios" / f"{record['scenario']}.yaml"),
                "persona_card": (seeds / "personas" / f"{record['persona']}.yaml").read_text(
                    encoding="utf-8"
                ),
                "turns": [
                    {"n": n, "speaker": turn["speaker"], "text": turn["text"]}
                    for n, turn in enumerate(record["turns"])
                ],
            }
        )
    for language, calls in sorted(by_language.items()):
        rng.shuffle(calls)
        for k in range(batches):
            part = calls[k::batches]
            path = out / f"{language}-{k}.json"
            path.write_text(json.dumps(part, ensure_ascii=False, indent=1), encoding="utf-8")
            print(f"{path}: {len(part)} conversations")
    (out / "mapping.json").write_text(json.dumps(mapping, indent=1), encoding="utf-8")
    return 0


def rates(out: Path, transcripts: Path) -> dict[str, Any]:
    """Pass rates per language (each question and all three) and per language and kind."""
    mapping: dict[str, str] = json.loads((out / "mapping.json").read_text(encoding="utf-8"))
    kinds = {record["id"]: record.get("kind", "") for record in _read_jsonl(transcripts)}
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    by_kind: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for path in sorted(out.glob("out-*.json")):
        language = path.stem.split("-")[1]
        for rating in json.loads(path.read_text(encoding="utf-8"))["ratings"]:
            passed = all(bool(rating[q]) for q in QUESTIONS)
            count = totals[language]
            count["n"] += 1
            count["all"] += passed
            for question in QUESTIONS:
                count[question] += bool(rating[question])
            kind = kinds.get(mapping.get(rating["conversation"], ""), "?")
            by_kind[(language, kind)]["n"] += 1
            by_kind[(language, kind)]["all"] += passed
    return {
        "languages": {
            language: {
                "replies": count["n"],
                **{key: round(100 * count[key] / count["n"], 1) for key in (*QUESTIONS, "all")},
            }
            for language, count in sorted(totals.items())
        },
        "kinds": {
            f"{language}/{kind}": {
                "replies": count["n"],
                "all": round(100 * count["all"] / count["n"], 1),
            }
            for (language, kind), count in sorted(by_kind.items())
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: ``make`` or ``score``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make_cmd = sub.add_parser("make", help="write blind batches for judges")
    make_cmd.add_argument("transcripts", type=Path)
    make_cmd.add_argument("out", type=Path)
    make_cmd.add_argument("--batches", type=int, default=2, help="batches per language")
    make_cmd.add_argument("--seed", type=int, default=7)
    make_cmd.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="content folder")
    score_cmd = sub.add_parser("score", help="pass rates from the judges' out-*.json files")
    score_cmd.add_argument("out", type=Path)
    score_cmd.add_argument("transcripts", type=Path)
    score_cmd.add_argument("--json", type=Path, help="also write the rates to this file")
    args = parser.parse_args(argv)
    if args.command == "make":
        if not args.transcripts.is_file():
            print(f"{args.transcripts}: no such transcripts file", file=sys.stderr)
            return 2
        return make(
            args.transcripts, args.out, batches=args.batches, seed=args.seed, seeds=args.seeds
        )
    result = rates(args.out, args.transcripts)
    for language, row in result["languages"].items():
        print(
            f"{language}: {row['replies']} replies; responsive {row['responsive']}%, "
            f"consistent {row['consistent']}%, in persona {row['in_persona']}%, "
            f"all three {row['all']}%"
        )
    for key, row in result["kinds"].items():
        print(f"  {key}: {row['replies']} replies, all three {row['all']}%")
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
