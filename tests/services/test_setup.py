from collections import Counter

import pytest

from coach.errors import ContentError
from coach.services import content, setup
from coach.store.db import head_revision
from tests.conftest import SEEDS


def test_init_loads_seeds_and_is_idempotent(runtime):
    first = setup.initialise(runtime, seeds=SEEDS)
    assert first.counts["scenarios"]["created"] >= 3
    assert first.counts["users"]["created"] == 5
    second = setup.initialise(runtime, seeds=SEEDS)
    for kind, counter in second.counts.items():
        assert set(counter) <= {"unchanged"}, (kind, counter)
    stats = content.library_stats(runtime)
    assert stats.clips >= 40 and stats.personas >= 6 and stats.teams == 1 and stats.users == 5
    assert any(f"schema {head_revision()}" in line for line in second.lines())


def test_init_refuses_invalid_seeds_and_writes_nothing(runtime, tmp_path):
    bad = tmp_path / "seeds" / "scenarios"
    bad.mkdir(parents=True)
    (bad / "x.yaml").write_text("id: x\ntitle: X\nlanguage: en\nkey_points: []\n")
    with pytest.raises(ContentError, match=r"x.yaml:4: key_points"):
        setup.initialise(runtime, seeds=tmp_path / "seeds")
    assert content.library_stats(runtime).scenarios == 0


def test_listing_scenarios_shows_modes(seeded_runtime):
    rows = content.list_scenarios(seeded_runtime)
    languages = Counter(row.language for row in rows)
    assert languages["en"] >= 1 and languages["zh"] >= 1
    for row in rows:
        assert set(row.modes) == {"readalong", "recitation", "scripted", "freeform"}, row.id
    assert content.list_scenarios(seeded_runtime, language="zh")
    assert content.get_scenario(seeded_runtime, scenario_id=rows[0].id).id == rows[0].id
