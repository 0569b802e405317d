"""Password hashing (argon2id) and the role rules checked on the server.

How strong a new password must be lives in :mod:`coach.passwords`; it is re-exported here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from coach.accounts import Role
from coach.errors import PermissionDenied
from coach.passwords import MIN_PASSWORD_LENGTH, WeakPasswordError, check_password_strength

_hasher = PasswordHasher()

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "PERMISSIONS",
    "WeakPasswordError",
    "check_password_strength",
    "hash_password",
    "needs_rehash",
    "read_token",
    "require",
    "sign_token",
    "verify_password",
]


def hash_password(password: str) -> str:
    """Hash a password with argon2id (salted; parameters stored in the hash)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; never raises for a wrong password."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


PERMISSIONS: dict[str, frozenset[Role]] = {
    "practice": frozenset({Role.REP, Role.TRAINER, Role.MANAGER, Role.ADMIN}),
    "clips.read": frozenset({Role.REP, Role.TRAINER, Role.MANAGER, Role.ADMIN}),
    "clips.write": frozenset({Role.TRAINER, Role.ADMIN}),
    "content.write": frozenset({Role.TRAINER, Role.ADMIN}),
    "assignments.write": frozenset({Role.TRAINER, Role.MANAGER, Role.ADMIN}),
    "scores.read_team": frozenset({Role.TRAINER, Role.MANAGER, Role.ADMIN}),
    "scores.override": frozenset({Role.MANAGER, Role.ADMIN}),
    "users.manage": frozenset({Role.ADMIN}),
}
"""Which roles may do what. Services call :func:`require` before acting."""


def require(role: Role | str, permission: str) -> None:
    """Raise PermissionDenied unless ``role`` has ``permission``."""
    allowed = PERMISSIONS.get(permission)
    if allowed is None:
        raise KeyError(f"unknown permission {permission!r}")
    if Role(role) not in allowed:
        raise PermissionDenied(f"a {Role(role).value} may not do this ({permission})")


def sign_token(payload: dict[str, object], secret: str) -> str:
    """A tamper-proof token for ``payload``: base64 JSON, issue time, HMAC-SHA256 signature."""
    body = dict(payload, iat=int(time.time()))
    data = base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode()
    mac = hmac.new(secret.encode(), data.encode(), hashlib.sha256).hexdigest()
    return f"{data}.{mac}"


def read_token(token: str | None, secret: str, *, max_age_s: int) -> dict[str, object] | None:
    """The payload of a token made by :func:`sign_token`; None if forged, damaged or too old."""
    if not token or token.count(".") != 1:
        return None
    data, mac = token.split(".")
    want = hmac.new(secret.encode(), data.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(mac, want):
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(data.encode()))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict) or not isinstance(body.get("iat"), int):
        return None
    if not 0 <= time.time() - body["iat"] <= max_age_s:
        return None
    return body
