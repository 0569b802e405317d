"""The trainer's knowledge mining over imported calls: counts, a trend by month, liked answers."""

import json
from pathlib import Path

import pytest

from coach.backends.fake import FakeEmbedder
from coach.errors import PermissionDenied
from coach.services import clips


def _call(folder: Path, name: str, date: str, answer: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    turns = [
        {"speaker": "rep", "text": "Hi, Sam from FleetFlow, is now a good time?"},
        {"speaker": "customer", "text": "Honestly it is too expensive for a fleet our size."},
        {"speaker": "rep", "text": answer},
    ]
    path.write_text(json.dumps({"language": "en", "date": date, "turns": turns}), encoding="utf-8")
    return path


@pytest.fixture
def imported(seeded_runtime, tmp_path, fake_engine) -> str:
    folder = tmp_path / "calls"
    paths = [
        _call(
            folder, "jan", "2026-01-12", "Most fleets save the fee back in fuel within a quarter."
        ),
        _call(folder, "mar", "2026-03-03", "The pilot is free, so you can see the savings first."),
    ]
    summary = clips.import_calls(seeded_runtime, paths, actor="trainer")
    assert summary.imported == 2
    march = next(c for c in clips.list_calls(seeded_runtime, actor="trainer") if c.title == "mar")
    clip = clips.cut_clip(
        seeded_runtime,
        call_id=march.id,
        title="Free pilot answer",
        start_turn=1,
        end_turn=2,
        tags=["objection:price"],
        actor="trainer",
        engine=fake_engine,
    )
    clips.like(seeded_runtime, clip_id=clip.id, actor="rep")
    return clip.id


def test_trainers_get_counts_a_monthly_trend_and_the_most_liked_answer(seeded_runtime, imported):
    topics = clips.call_insights(
        seeded_runtime, actor="trainer", language="en", embedder=FakeEmbedder()
    )
    price = next(t for t in topics if "too expensive for a fleet" in t["label"])
    assert price["kind"] == "objection"
    assert price["concern"] == "price"
    assert price["count"] == 2  # the clip's turn is the March call's turn: counted once
    trend = {point["period"]: point["count"] for point in price["trend"]}
    assert trend["2026-01"] == 1 and trend["2026-03"] == 1
    assert trend.get("2026-02", 0) == 0
    best = price["answers"][0]
    assert best["text"].startswith("The pilot is free")
    assert best["likes"] == 1 and best["clip_ids"] == [imported]
    admin = clips.call_insights(
        seeded_runtime, actor="admin", language="en", embedder=FakeEmbedder()
    )
    assert [t["label"] for t in admin] == [t["label"] for t in topics]


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_reps_and_managers_may_not_mine_the_raw_calls(seeded_runtime, imported, who):
    with pytest.raises(PermissionDenied):
        clips.call_insights(seeded_runtime, actor=who, embedder=FakeEmbedder())


class CountingEmbedder(FakeEmbedder):
    """Counts how many texts it was asked to embed."""

    texts = 0

    def embed_queries(self, texts):
        CountingEmbedder.texts += len(texts)
        return super().embed_queries(texts)

    def embed_passages(self, texts):
        CountingEmbedder.texts += len(texts)
        return super().embed_passages(texts)


def test_the_same_library_is_mined_once_and_a_new_like_mines_again(seeded_runtime, imported):
    CountingEmbedder.texts = 0
    first = clips.call_insights(
        seeded_runtime, actor="trainer", language="en", embedder=CountingEmbedder()
    )
    made = CountingEmbedder.texts
    again = clips.call_insights(
        seeded_runtime, actor="trainer", language="en", embedder=CountingEmbedder()
    )
    assert made > 0 and again == first and CountingEmbedder.texts == made
    clips.like(seeded_runtime, clip_id=imported, actor="trainer")  # the library changed
    clips.call_insights(seeded_runtime, actor="trainer", language="en", embedder=CountingEmbedder())
    assert CountingEmbedder.texts > made
