import hashlib
import json

import pytest

from coach.speech.errors import SpeechModelError
from coach.speech.weights import MANIFEST, assemble
from coach.speech.whisper_weights import KNOWN_SHA256, whisper_base_sources


@pytest.fixture
def parts(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    a, b, extra = src / "model.bin.part1", src / "model.bin.part2", src / "config.json"
    a.write_bytes(b"A" * 1000)
    b.write_bytes(b"B" * 777)
    extra.write_text('{"x": 1}')
    return a, b, extra


def build(tmp_path, parts, **kwargs):
    a, b, extra = parts
    return assemble(
        tmp_path / "out", target="model.bin", parts=[a, b], extras={"config.json": extra}, **kwargs
    )


def test_joins_parts_once_and_writes_a_manifest(tmp_path, parts):
    first = build(tmp_path, parts)
    assert first.rebuilt and first.target.read_bytes() == b"A" * 1000 + b"B" * 777
    assert first.sha256 == hashlib.sha256(first.target.read_bytes()).hexdigest()
    assert (first.folder / "config.json").read_text() == '{"x": 1}'
    manifest = json.loads((first.folder / MANIFEST).read_text())
    assert manifest["size"] == 1777 and manifest["sha256"] == first.sha256
    assert [p["size"] for p in manifest["parts"]] == [1000, 777]
    again = build(tmp_path, parts)
    assert not again.rebuilt and again.sha256 == first.sha256
    assert sorted(p.name for p in first.folder.iterdir()) == [
        "config.json",
        "manifest.json",
        "model.bin",
    ]


def test_partial_file_is_rebuilt(tmp_path, parts):
    first = build(tmp_path, parts)
    first.target.write_bytes(b"A" * 500)  # as if a copy stopped half way
    again = build(tmp_path, parts)
    assert again.rebuilt and again.target.stat().st_size == 1777


def test_missing_manifest_or_extra_is_rebuilt(tmp_path, parts):
    first = build(tmp_path, parts)
    (first.folder / MANIFEST).unlink()
    assert build(tmp_path, parts).rebuilt
    (first.folder / "config.json").unlink()
    assert build(tmp_path, parts).rebuilt
    assert (first.folder / "config.json").exists()


def test_same_size_damage_is_found_with_verify(tmp_path, parts):
    first = build(tmp_path, parts)
    first.target.write_bytes(b"X" * 1777)
    assert not build(tmp_path, parts).rebuilt  # sizes alone cannot tell
    fixed = build(tmp_path, parts, verify=True)
    assert fixed.rebuilt and fixed.target.read_bytes().startswith(b"AAA")


def test_changed_parts_rebuild(tmp_path, parts):
    build(tmp_path, parts)
    parts[1].write_bytes(b"C" * 10)
    again = build(tmp_path, parts)
    assert again.rebuilt and again.target.read_bytes().endswith(b"C" * 10)


def test_checksum_mismatch_refuses_and_leaves_nothing_half_done(tmp_path, parts):
    with pytest.raises(SpeechModelError, match="damaged"):
        build(tmp_path, parts, expected_sha256="0" * 64)
    folder = tmp_path / "out"
    assert not (folder / "model.bin").exists() and not (folder / MANIFEST).exists()
    assert not list(folder.glob(".*tmp"))


def test_missing_part_names_the_fix(tmp_path, parts):
    parts[0].unlink()
    with pytest.raises(SpeechModelError, match="reinstall"):
        build(tmp_path, parts)


def test_the_installed_whisper_parts_are_found():
    parts, extras = whisper_base_sources()
    assert [p.name for p in parts] == ["model.bin.part1", "model.bin.part2"]
    assert all(p.is_file() for p in [*parts, *extras.values()])
    assert sum(p.stat().st_size for p in parts) in KNOWN_SHA256
