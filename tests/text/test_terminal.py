"""User text printed on a terminal: controls escaped, every script and emoji kept."""

import json

import pytest

from coach.text.terminal import safe_json, safe_terminal


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Hi\x1b]0;owned\x07 there", "Hi\\x1b]0;owned\\x07 there"),
        ("\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred"),
        ("over\rwrite", "over\\x0dwrite"),
        ("bell\x07 nul\x00 del\x7f", "bell\\x07 nul\\x00 del\\x7f"),
        ("c1 csi \x9b31m", "c1 csi \\x9b31m"),
        ("file\u202egnp.exe", "file\\u202egnp.exe"),
        ("isolate\u2066x\u2069", "isolate\\u2066x\\u2069"),
        ("line\u2028sep", "line\\u2028sep"),
    ],
)
def test_controls_are_shown_as_escapes(raw, shown):
    assert safe_terminal(raw) == shown


def test_newlines_tabs_cjk_and_emoji_are_kept():
    text = "您好，我是陈老师。\n\t价格是每期六千八！👋🏽 👨‍👩‍👧 ❤️ café"
    assert safe_terminal(text) == text
    assert safe_terminal("a\r\nb") == "a\nb"


def test_single_line_mode_escapes_line_breaks_too():
    assert safe_terminal("name\nfake line\tx", multiline=False) == "name\\x0afake line\\x09x"


def test_any_object_is_printed_by_its_text():
    assert safe_terminal(42) == "42"


def test_safe_json_parses_to_the_same_data_without_raw_controls():
    data = {"text": "a\x1b]0;t\x07 b\x9b c\u202e d\x7f 您好 👋"}
    text = safe_json(json.dumps(data, ensure_ascii=False))
    assert json.loads(text) == data
    assert not any(ch in text for ch in "\x1b\x07\x9b\u202e\x7f")
    assert "您好 👋" in text
