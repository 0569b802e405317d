r"""Text written by users, made safe to print on a terminal.

A transcript line, a clip title or a username can carry control characters: an escape
sequence (``ESC ] 0 ; ... BEL`` retitles the terminal window, ``ESC [ 2 J`` clears it), a
carriage return that overwrites what was printed, or a bidirectional override that shows
text in another order than it is stored. Everything the command line prints that a user
wrote goes through :func:`safe_terminal`, which shows such characters as visible escapes
(``\x1b``, ``\u202e``) instead of letting the terminal obey them. Letters of every script,
CJK punctuation and emoji (with their joiners and variation selectors) are kept as they are.
"""

from __future__ import annotations

import re

__all__ = ["safe_json", "safe_terminal"]

# C0 controls, DEL and C1 controls; bidirectional embeddings, overrides and isolates; the
# line and paragraph separators that some terminals treat as line breaks.
_UNSAFE = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_UNSAFE_IN_JSON_RE = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_terminal(text: object, *, multiline: bool = True) -> str:
    r"""``text`` with every control character shown as an escape, ready to print.

    With ``multiline`` (the default) newlines and tabs are kept, and a Windows line end
    (``\r\n``) becomes a newline; a lone carriage return is escaped, since it would let a
    line overwrite what came before it. Without ``multiline`` (a name in a table, a title on
    one line) newlines and tabs are escaped too.
    """
    value = str(text)
    if multiline:
        value = value.replace("\r\n", "\n")

    def replace(match: re.Match[str]) -> str:
        char = match.group(0)
        if multiline and char in "\n\t":
            return char
        return _escape(char)

    return _UNSAFE_RE.sub(replace, value)


def safe_json(text: str) -> str:
    r"""JSON text with the controls ``json.dumps`` leaves raw written as ``\uXXXX`` escapes.

    ``json.dumps(..., ensure_ascii=False)`` escapes the C0 controls but prints DEL, the C1
    controls (``\x9b`` starts an escape sequence on some terminals) and bidirectional
    overrides as they are. They can only occur inside JSON strings, where ``\uXXXX`` is the
    same character, so the result parses to the same data.
    """
    return _UNSAFE_IN_JSON_RE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
