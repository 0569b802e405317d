"""The UI's two catalogues say the same things, with the same placeholders."""

import re
import string

from coach.errors import CoachError, PermissionDenied
from coach.services.practice import SessionEndedError
from coach.speech.errors import AudioTooLongError, CorruptAudioError, NoSpeechError
from ui.i18n import CATALOGUES, Translator, error_key, notice_key


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_exists_in_both_languages_with_the_same_placeholders():
    en, zh = CATALOGUES["en"], CATALOGUES["zh"]
    assert set(en) == set(zh)
    for key in en:
        assert _fields(en[key]) == _fields(zh[key]), key
        assert zh[key].strip(), key


def test_chinese_messages_are_in_chinese():
    han = re.compile(r"[\u4e00-\u9fff]")
    english_only = {"app.title", "lang.en", "shell.language", "score.seconds"}
    for key, text in CATALOGUES["zh"].items():
        if key not in english_only and not key.startswith("mode.") and key != "mode.freeform":
            assert han.search(text) or "{" in text, key


def test_service_errors_map_to_messages_in_the_reps_language():
    zh = Translator("zh")
    assert error_key(NoSpeechError("silent")) == "err.no_speech"
    assert error_key(CorruptAudioError("bad")) == "err.unreadable_audio"
    assert error_key(SessionEndedError("ended")) == "err.session_ended"
    assert error_key(PermissionDenied("not yours")) == "err.not_yours"
    assert "没有听到声音" in zh.error(NoSpeechError("silent"))
    assert "600" in zh.error(AudioTooLongError("long"), seconds=600)
    assert "the detail" in Translator("en").error(CoachError("the detail"))
    assert notice_key("the language model did not answer") == "notice.llm_down"
    assert notice_key(None) is None


def test_an_unknown_language_falls_back_to_english():
    assert Translator("fr")("tab.home") == "Home"
