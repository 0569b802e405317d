"""The UI's message catalogue: one dict per language (ui/locales/), chosen per user.

Callbacks never hold user-facing string literals: they ask ``t("key", **values)``. Errors
raised by services are mapped to catalogue keys here, so a rep reads every notice in their
own language, with the service's English detail only where no key fits.
"""

from __future__ import annotations

from coach.errors import ModelUnavailableError, NotFoundError, PermissionDenied
from coach.services.practice import SessionEndedError
from coach.speech.errors import (
    AudioTooLargeError,
    AudioTooLongError,
    CorruptAudioError,
    NoSpeechError,
    SpeechModelError,
    UnsupportedAudioError,
)
from ui.locales import en, zh

CATALOGUES: dict[str, dict[str, str]] = {"en": en.MESSAGES, "zh": zh.MESSAGES}
LANGUAGES = tuple(CATALOGUES)


class Translator:
    """``t("key", name=...)`` in one language."""

    def __init__(self, language: str):
        self.language = language if language in CATALOGUES else "en"
        self.messages = CATALOGUES[self.language]

    def __call__(self, key: str, **values: object) -> str:
        text = self.messages.get(key) or CATALOGUES["en"].get(key) or key
        return text.format(**values) if values else text

    def error(self, error: Exception, **limits: object) -> str:
        """The rep-facing message for an exception raised by a service."""
        key = error_key(error)
        if key == "err.generic":
            return self(key, detail=self.detail(error))
        if key == "err.too_large":
            return self(key, mb=limits.get("mb", "?"))
        if key == "err.too_long":
            return self(key, seconds=limits.get("seconds", "?"))
        return self(key)

    def detail(self, error: Exception) -> str:
        """What a service said, in this language only.

        Services say a refusal in both languages by giving the error a ``messages`` dict
        (``{"en": ..., "zh": ...}``: :class:`coach.accounts.AccountError`,
        :class:`coach.passwords.WeakPasswordError`, ``coach.services.accounts.bilingual``);
        ``str(error)`` joins both for the command line. Pages show only their own language.
        """
        messages = getattr(error, "messages", None)
        if isinstance(messages, dict):
            text = messages.get(self.language) or messages.get("en")
            if isinstance(text, str) and text:
                return text
        return str(error)


def error_key(error: Exception) -> str:
    """The catalogue key for an exception (``err.generic`` when none fits)."""
    pairs: list[tuple[type[Exception], str]] = [
        (NoSpeechError, "err.no_speech"),
        (AudioTooLargeError, "err.too_large"),
        (AudioTooLongError, "err.too_long"),
        (CorruptAudioError, "err.unreadable_audio"),
        (UnsupportedAudioError, "err.unreadable_audio"),
        (SpeechModelError, "err.stt_failed"),
        (SessionEndedError, "err.session_ended"),
        (PermissionDenied, "err.not_yours"),
        (NotFoundError, "err.not_found"),
        (ModelUnavailableError, "err.model_down"),
    ]
    for kind, key in pairs:
        if isinstance(error, kind):
            return key
    if "the turn is empty" in str(error):
        return "err.empty_turn"
    return "err.generic"


def notice_key(notice: str | None) -> str | None:
    """The catalogue key for a notice the practice service returned with a turn."""
    if notice and "did not answer" in notice:
        return "notice.llm_down"
    if notice and "could not be kept" in notice:
        return "notice.audio_not_kept"
    return None
