"""The two languages the coach speaks, and Chinese text as the recogniser should hand it on."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from coach.speech.errors import UnsupportedLanguageError

LANGUAGES = ("en", "zh")
_ALIASES = {"cmn": "zh", "zh-cn": "zh", "zh-hans": "zh", "mandarin": "zh", "en-us": "en"}
_zhconv_lock = threading.Lock()
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def normalise_language(language: str | None) -> str | None:
    """``en`` / ``zh`` (accepting a few aliases) or ``None`` for "detect"."""
    if language is None or not language.strip() or language.strip().lower() == "auto":
        return None
    code = language.strip().lower().replace("_", "-")
    code = _ALIASES.get(code, code.split("-")[0])
    if code not in LANGUAGES:
        raise UnsupportedLanguageError(
            f"language {language!r} is not offered: use en (English) or zh (Mandarin)"
        )
    return code


def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese, with mainland wording (軟體 -> 软件)."""
    if not text:
        return text
    try:
        import zhconv
        import zhconv.zhconv as tables
    except ImportError:  # pragma: no cover - depends on the install
        import opencc

        return str(opencc.OpenCC("t2s").convert(text))
    with _zhconv_lock:
        if tables.zhcdicts is None:
            # By explicit path: zhconv's own default load leaves the file open (ResourceWarning).
            tables.loaddict(str(Path(tables.__file__).with_name("zhcdict.json")))
    return str(zhconv.convert(text, "zh-cn"))


def clean_chinese(text: str) -> str:
    """Simplified characters, without the spaces Whisper puts at pauses between characters."""
    return _CJK_GAP.sub("", to_simplified(text))
