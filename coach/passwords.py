"""How guessable a password or a secret is, estimated the way zxcvbn does it.

A password is split into the pieces an attacker would try first: a common password from the
shipped list (``coach/common_passwords.txt``, also with ``@`` for ``a``, ``0`` for ``o``...),
the username, repeats (``aaaa``, ``abcabc``), sequences (``1234``, ``fedc``), rows of keys
(``qwerty``, ``1qaz``) and dates or years; whatever is left is counted as brute force over
the characters used. The cheapest split gives the estimate, in bits (log2 of the guesses).
Nothing is looked up on the network.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from coach.errors import CoachError

__all__ = [
    "MIN_PASSWORD_BITS",
    "MIN_PASSWORD_LENGTH",
    "MIN_SECRET_BITS",
    "MIN_SECRET_LENGTH",
    "Estimate",
    "WeakPasswordError",
    "check_password_strength",
    "estimate",
    "secret_key_problem",
]

MIN_PASSWORD_LENGTH = 10
MIN_PASSWORD_BITS = 36.0
"""About 7e10 guesses: out of reach of an online attack and slow against argon2id offline."""
MAX_PASSWORD_LENGTH = 256
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 128.0
MIN_SECRET_DISTINCT = 10
GENERATE_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'

_ADVICE = (
    "use a phrase of 3-4 unrelated words, or let a password manager make one",
    "请使用 3-4 个互不相关的词语组成的短语，或让密码管理器生成",
)
_REASONS: dict[str, tuple[str, str]] = {
    "short": (
        f"the password must have at least {MIN_PASSWORD_LENGTH} characters",
        f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符",
    ),
    "long": (
        f"the password must have at most {MAX_PASSWORD_LENGTH} characters",
        f"密码最多 {MAX_PASSWORD_LENGTH} 个字符",
    ),
    "username": ("the password must not contain the username", "密码不能包含用户名"),
    "common": (
        "the password is one of the most common passwords (or a small change of one)",
        "该密码是最常见的密码之一（或只做了很小的改动）",
    ),
    "repeat": (
        "the password is mostly repeated characters (like aaaa or abcabc)",
        "密码主要由重复的字符组成（如 aaaa、abcabc）",
    ),
    "sequence": (
        "the password is mostly a sequence (like 1234 or abcd)",
        "密码主要是连续的序列（如 1234、abcd）",
    ),
    "keyboard": (
        "the password is mostly a row of keys (like qwerty or 1qaz)",
        "密码主要是键盘上相邻的按键（如 qwerty、1qaz）",
    ),
    "date": ("the password is mostly a date or a year", "密码主要是日期或年份"),
    "guessable": ("the password is too easy to guess", "密码太容易被猜到"),
}


class WeakPasswordError(CoachError):
    """A new password that is too easy to guess; the message is in English and Chinese.

    ``str(error)`` carries both languages; :meth:`text` gives one of them.
    """

    def __init__(self, reason: str):
        self.reason = reason
        en, zh = _REASONS[reason]
        if reason not in ("short", "long", "username"):
            en, zh = f"{en}; {_ADVICE[0]}", f"{zh}；{_ADVICE[1]}"
        self.messages = {"en": en, "zh": zh}
        super().__init__(f"{en} / {zh}")

    def text(self, language: str) -> str:
        """The message in ``language`` (``en`` or ``zh``; English for any other)."""
        return self.messages.get(language, self.messages["en"])


@dataclass(frozen=True)
class Piece:
    """One piece of a password in the cheapest split: which pattern, where, how many guesses."""

    kind: str
    start: int
    end: int
    bits: float


@dataclass(frozen=True)
class Estimate:
    """How many guesses (as bits) a password takes, and the pieces that make it up."""

    bits: float
    pieces: tuple[Piece, ...]

    def weakest_kind(self) -> str | None:
        """The pattern covering most characters, or None when it is mostly brute force."""
        covered: dict[str, int] = {}
        for piece in self.pieces:
            if piece.kind != "bruteforce":
                covered[piece.kind] = covered.get(piece.kind, 0) + piece.end - piece.start
        if not covered:
            return None
        return max(covered, key=lambda kind: covered[kind])


@cache
def common_passwords() -> dict[str, int]:
    """The shipped common passwords, each with its rank (1 = most common)."""
    text = files("coach").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    words = [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]
    return {word: rank for rank, word in enumerate(dict.fromkeys(words), start=1)}


_LEET = [
    str.maketrans(
        {
            "@": "a",
            "4": "a",
            "3": "e",
            "0": "o",
            "1": "i",
            "!": "i",
            "$": "s",
            "5": "s",
            "7": "t",
            "+": "t",
            "8": "b",
            "9": "g",
        }
    ),
    str.maketrans(
        {"@": "a", "4": "a", "3": "e", "0": "o", "1": "l", "|": "l", "$": "s", "5": "s", "7": "t"}
    ),
]
_ROWS = ("1234567890-=", "qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./")
_ROW_OFFSETS = (0.0, 0.5, 0.75, 1.25)
_KEYS = {
    char: (row, col + _ROW_OFFSETS[row])
    for row, keys in enumerate(_ROWS)
    for col, char in enumerate(keys)
}
_DATE = re.compile(
    r"(?:19|20)\d\d[-/._]?(?:0?[1-9]|1[0-2])[-/._]?(?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])[-/._]?(?:0?[1-9]|1[0-2])[-/._]?(?:19|20)?\d\d"
    r"|(?:0?[1-9]|1[0-2])[-/._]?(?:0?[1-9]|[12]\d|3[01])[-/._]?(?:19|20)?\d\d"
)
_YEAR = re.compile(r"(?:19|20)\d\d")


def _pool(text: str) -> int:
    """How many characters a brute-force attacker must try per position."""
    pool = 0
    pool += 10 if any(c.isdigit() for c in text) else 0
    pool += 26 if any(c.islower() and c.isascii() for c in text) else 0
    pool += 26 if any(c.isupper() and c.isascii() for c in text) else 0
    pool += 33 if any(c.isascii() and not c.isalnum() for c in text) else 0
    pool += 100 if any(not c.isascii() for c in text) else 0
    return max(pool, 10)


def _case_bits(original: str) -> float:
    """Extra guesses for capitals in a dictionary word (none, first letter, all, or mixed)."""
    upper = sum(c.isupper() for c in original)
    if upper == 0:
        return 0.0
    if original[:1].isupper() and upper == 1 or upper == sum(c.isalpha() for c in original):
        return 1.0
    return min(float(len(original)), math.log2(math.comb(len(original), upper)) + 1)


def _dictionary(password: str, lower: str) -> list[Piece]:
    words = common_passwords()
    found: list[Piece] = []
    n = len(lower)
    for i in range(n):
        for j in range(i + 3, min(n, i + 24) + 1):
            part = lower[i:j]
            for candidate, extra in ((part, 0.0), (part[::-1], 1.0)):
                forms = [(candidate, extra)]
                forms += [(candidate.translate(t), extra + 1.0) for t in _LEET]
                for form, more in forms:
                    rank = words.get(form)
                    if rank is not None:
                        bits = math.log2(rank + 1) + more + _case_bits(password[i:j])
                        found.append(Piece("common", i, j, bits))
                        break
    return found


def _repeats(password: str) -> list[Piece]:
    found = []
    for match in re.finditer(r"(.+?)\1+", password):
        block = match.group(1)
        count = len(match.group(0)) // len(block)
        block_bits = estimate(block, _depth=1).bits if len(block) > 1 else math.log2(_pool(block))
        found.append(Piece("repeat", match.start(), match.end(), block_bits + math.log2(count)))
    return found


def _sequences(lower: str) -> list[Piece]:
    found: list[Piece] = []
    n, i = len(lower), 0
    while i < n - 2:
        delta = ord(lower[i + 1]) - ord(lower[i])
        j = i + 1
        while (
            j < n
            and abs(delta) in (1, 2)
            and ord(lower[j]) - ord(lower[j - 1]) == delta
            and lower[j].isdigit() == lower[i].isdigit()
            and (lower[j].isalnum() and lower[j].isascii())
        ):
            j += 1
        if j - i >= 3:
            first = lower[i]
            base = 4 if first in "a1z90" else (10 if first.isdigit() else 26)
            bits = math.log2(base * (j - i)) + (1.0 if delta < 0 else 0.0)
            found.append(Piece("sequence", i, j, bits))
            i = j - 1
        else:
            i += 1
    return found


def _adjacent(a: str, b: str) -> bool:
    pa, pb = _KEYS.get(a), _KEYS.get(b)
    if pa is None or pb is None or a == b:
        return False
    return abs(pa[0] - pb[0]) <= 1 and abs(pa[1] - pb[1]) <= 1.0


def _keyboard(lower: str) -> list[Piece]:
    found: list[Piece] = []
    n, i = len(lower), 0
    while i < n:
        j, turns, direction = i + 1, 0, None
        while j < n and _adjacent(lower[j - 1], lower[j]):
            a, b = _KEYS[lower[j - 1]], _KEYS[lower[j]]
            step = (b[0] - a[0], b[1] > a[1])
            if step != direction:
                turns, direction = turns + 1, step
            j += 1
        if j - i >= 4:
            found.append(Piece("keyboard", i, j, math.log2(47 * (j - i)) + 1.6 * turns))
            i = j
        else:
            i += 1
    return found


def _dates(password: str) -> list[Piece]:
    found = []
    for pattern, bits in ((_DATE, math.log2(365 * 100)), (_YEAR, math.log2(100))):
        for i in range(len(password)):
            match = pattern.match(password, i)
            if match:
                found.append(Piece("date", i, match.end(), bits))
    return found


CHANCE_PIECE = 6
"""In a machine-made secret, a guessable piece shorter than this turns up by chance."""


def _by_chance(piece: Piece, text: str) -> bool:
    """Whether ``piece`` of a machine-made secret is likely a chance match (see estimate)."""
    if piece.end - piece.start < CHANCE_PIECE:
        return True
    return piece.kind == "date" and not any(c in "-/._" for c in text[piece.start : piece.end])


def estimate(
    password: str, *, username: str = "", machine_made: bool = False, _depth: int = 0
) -> Estimate:
    """The cheapest split of ``password`` into guessable pieces, and its guesses in bits.

    ``machine_made`` scores a generated secret rather than a password a person chose: random
    text holds short runs (``abc``, ``ff``, a common ``53145``) and digit runs that read as
    dates by chance (a 32-character hex token had about one in thirty of them sunk below 128
    bits that way), so pieces shorter than :data:`CHANCE_PIECE` and dates written without a
    separator are not counted.
    """
    text = password[:MAX_PASSWORD_LENGTH]
    lower = text.lower()
    n = len(text)
    if n == 0:
        return Estimate(0.0, ())
    pieces: list[Piece] = []
    if _depth == 0:
        pieces += _dictionary(text, lower) + _repeats(text)
    pieces += _sequences(lower) + _keyboard(lower) + _dates(text)
    if machine_made:
        pieces = [piece for piece in pieces if not _by_chance(piece, text)]
    name = username.strip().lower()
    if len(name) >= 3:
        pieces += [
            Piece("username", m.start(), m.end(), 1.0) for m in re.finditer(re.escape(name), lower)
        ]
    pool_bits = math.log2(_pool(text))
    ending: dict[int, list[Piece]] = {}
    for piece in pieces:
        ending.setdefault(piece.end, []).append(piece)
    start: list[tuple[float, tuple[Piece, ...]]] = [(0.0, ())]
    best = start + [(math.inf, ())] * n
    for end in range(1, n + 1):
        bits, chosen = best[end - 1]
        last = chosen[-1] if chosen else None
        if last is not None and last.kind == "bruteforce":
            option = (
                bits + pool_bits,
                (*chosen[:-1], Piece("bruteforce", last.start, end, last.bits + pool_bits)),
            )
        else:
            option = (bits + pool_bits, (*chosen, Piece("bruteforce", end - 1, end, pool_bits)))
        for piece in ending.get(end, []):
            before, path = best[piece.start]
            # Each extra piece is one more choice for the attacker: a bit per join.
            candidate = before + piece.bits + (1.0 if path else 0.0)
            if candidate < option[0]:
                option = (candidate, (*path, piece))
        best[end] = option
    bits, chosen = best[n]
    return Estimate(bits, chosen)


def check_password_strength(password: str, *, username: str = "") -> None:
    """Refuse a password that is short, contains the username, or is easy to guess.

    Raises :class:`WeakPasswordError` with the reason in English and Chinese.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError("short")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPasswordError("long")
    name = username.strip().casefold()
    if name and name in password.casefold():
        raise WeakPasswordError("username")
    result = estimate(password, username=username)
    if result.bits < MIN_PASSWORD_BITS:
        raise WeakPasswordError(result.weakest_kind() or "guessable")


_SECRET_SHAPES = {
    "common": "common words",
    "repeat": "repeats",
    "sequence": "sequences",
    "keyboard": "rows of keys",
}


def secret_key_problem(secret: str) -> str | None:
    """Why ``secret`` cannot sign sessions in production (one line, with the fix), or None."""
    what: str | None = None
    if len(secret) < MIN_SECRET_LENGTH:
        what = f"it has {len(secret)} characters, it needs {MIN_SECRET_LENGTH} or more"
    elif not secret.strip():
        what = "it is blank"
    elif len(set(secret)) < MIN_SECRET_DISTINCT:
        what = f"it uses only {len(set(secret))} different characters"
    else:
        result = estimate(secret, machine_made=True)
        if result.bits < MIN_SECRET_BITS:
            kind = result.weakest_kind()
            shape = f" (mostly {_SECRET_SHAPES[kind]})" if kind in _SECRET_SHAPES else ""
            what = f"it is too predictable{shape}: about {result.bits:.0f} bits, it needs {MIN_SECRET_BITS:.0f}"
    if what is None:
        return None
    return (
        f"COACH_SECRET_KEY is too weak for COACH_ENV=production: {what}; "
        f"set it to a random value made with: {GENERATE_SECRET}"
    )
