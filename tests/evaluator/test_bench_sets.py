"""The evaluator benchmark finds every labelled set by itself, the external one included."""

import json

from bench.evaluator_bench import DATA, discover_sets, external_sets, held_out, load_dev


def test_every_set_folder_is_found():
    sets = discover_sets()
    assert {"dev", "dev2", "dev3", "test", "trainer_test"} <= set(sets)
    assert held_out("test") and held_out("external-test") and not held_out("dev3")
    assert all(item["gold"] for item in load_dev(sets["dev3"]))


def test_external_parts_follow_their_readme(tmp_path):
    assert external_sets(tmp_path / "absent") == {}
    root = tmp_path / "evaluator_external"
    (root / "dev" / "labelled").mkdir(parents=True)
    (root / "test" / "labelled").mkdir(parents=True)
    (root / "README.md").write_text("Layout\n\ntranscripts: labelled/\n")
    found = external_sets(root)
    assert found == {
        "external-dev": root / "dev" / "labelled",
        "external-test": root / "test" / "labelled",
    }
    (tmp_path / "evaluator_mine").mkdir()
    (tmp_path / "evaluator_mine" / "a.json").write_text(json.dumps({"gold": {}, "turns": []}))
    assert set(discover_sets(tmp_path)) == {"mine", "external-dev", "external-test"}
    second = tmp_path / "evaluator_external2"
    (second / "calls" / "dev").mkdir(parents=True)
    assert set(discover_sets(tmp_path)) == {"mine", "external-dev", "external-test", "external2-dev"}
    assert DATA.name == "data"
