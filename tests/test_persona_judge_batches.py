"""The blind judge batches: random ids only, every call in one batch, rates read back."""

from __future__ import annotations

import json
from pathlib import Path

from bench.persona_judge_batches import make, rates
from tests.conftest import SEEDS


def _transcripts(path: Path) -> Path:
    calls = [
        {
            "id": f"en-script-{k}",
            "scenario": "crm-logistics-discovery",
            "persona": "dana-ops-director",
            "language": "en",
            "kind": "good" if k % 2 else "poor",
            "turns": [
                {"speaker": "customer", "text": "Operations, Dana speaking."},
                {"speaker": "rep", "text": f"Hi Dana, it's rep number {k}."},
                {"speaker": "customer", "text": "Hi. What's this about?"},
            ],
        }
        for k in range(5)
    ] + [
        {
            "id": "zh-script-0",
            "scenario": "study-abroad-ielts-zh",
            "persona": "zhang-mom-cautious",
            "language": "zh",
            "kind": "good",
            "turns": [
                {"speaker": "customer", "text": "喂，你好。"},
                {"speaker": "rep", "text": "您好，我是小李。"},
                {"speaker": "customer", "text": "哦，你好。"},
            ],
        }
    ]
    path.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in calls), encoding="utf-8")
    return path


def test_batches_hide_the_script_ids_and_hold_every_call_once(tmp_path):
    transcripts = _transcripts(tmp_path / "t.jsonl")
    out = tmp_path / "batches"
    assert make(transcripts, out, batches=2, seed=1, seeds=SEEDS) == 0
    mapping = json.loads((out / "mapping.json").read_text(encoding="utf-8"))
    english = [c for k in range(2) for c in json.loads((out / f"en-{k}.json").read_text("utf-8"))]
    assert sorted(mapping[c["conversation"]] for c in english) == [
        f"en-script-{k}" for k in range(5)
    ]
    text = (out / "en-0.json").read_text(encoding="utf-8")
    assert "en-script" not in text and '"kind"' not in text
    first = english[0]
    assert first["scenario"]["language"] == "en"
    assert "Dana Whitaker" in first["persona_card"]
    assert [t["n"] for t in first["turns"]] == [0, 1, 2]
    assert len(json.loads((out / "zh-0.json").read_text("utf-8"))) == 1


def test_rates_count_each_question_and_all_three_per_language_and_kind(tmp_path):
    transcripts = _transcripts(tmp_path / "t.jsonl")
    out = tmp_path / "batches"
    make(transcripts, out, batches=1, seed=1, seeds=SEEDS)
    mapping = json.loads((out / "mapping.json").read_text(encoding="utf-8"))
    by_script = {script: conversation for conversation, script in mapping.items()}
    ratings = [
        {
            "conversation": by_script[f"en-script-{k}"],
            "n": 2,
            "responsive": k != 0,
            "consistent": True,
            "in_persona": k != 1,
            "why": "",
        }
        for k in range(4)
    ]
    (out / "out-en-0.json").write_text(json.dumps({"ratings": ratings}), encoding="utf-8")
    result = rates(out, transcripts)
    assert result["languages"]["en"] == {
        "replies": 4,
        "responsive": 75.0,
        "consistent": 100.0,
        "in_persona": 75.0,
        "all": 50.0,
    }
    # scripts 0 and 2 are "poor" (0 fails responsive), 1 and 3 are "good" (1 fails in persona)
    assert result["kinds"]["en/poor"] == {"replies": 2, "all": 50.0}
    assert result["kinds"]["en/good"] == {"replies": 2, "all": 50.0}
