"""Defences in front of the web app: sign-in throttling and the same-origin check.

- :class:`SignInThrottle` counts failed sign-ins in a sliding window per (username, client),
  per client and per username, so neither guessing one account's password from one address
  nor spraying many accounts from one address nor a slow attack on one account from many
  addresses gets far. It answers every name the same way, known or not, so it tells an
  attacker nothing about which accounts exist. It lives in the process: behind several app
  processes each keeps its own count (the limits then apply per process).
- :class:`OriginGuard` refuses a state-changing request (``POST``, ``PUT``, ``PATCH``,
  ``DELETE``, and every WebSocket) whose ``Origin`` (or, without one, ``Referer``) is another
  site than the one it was sent to. The session cookie is ``SameSite=Lax`` already, so a
  browser does not send it with another site's form or fetch; this check holds even where a
  browser or a proxy does not honour that. A request with neither header (a script, ``curl``)
  is not a cross-site browser request and passes.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SignInThrottle:
    """Sliding-window limits on failed sign-ins; :meth:`retry_after` says how long to wait.

    Defaults: 5 failures per username from one client, 20 per client, 50 per username from
    anywhere, each within 15 minutes. A successful sign-in clears its (username, client) count.
    """

    def __init__(
        self,
        *,
        window_s: float = 15 * 60,
        per_account_client: int = 5,
        per_client: int = 20,
        per_account: int = 50,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.window_s = window_s
        self.limits = {"pair": per_account_client, "client": per_client, "account": per_account}
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _keys(self, username: str, client: str) -> list[tuple[str, str]]:
        name = username.strip().lower()
        return [("pair", f"{name}\x00{client}"), ("client", client), ("account", name)]

    def _prune(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] >= self.window_s:
            times.popleft()
        return times

    def retry_after(self, username: str, client: str) -> float:
        """Seconds until this sign-in may be tried again; 0 when it may be tried now."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in self._keys(username, client):
                times = self._prune(key, now)
                limit = self.limits[key[0]]
                if len(times) >= limit:
                    # it may be tried once the oldest failure that keeps it at the limit expires
                    wait = max(wait, times[len(times) - limit] + self.window_s - now)
        return max(0.0, wait)

    def failed(self, username: str, client: str) -> None:
        """Count one failed sign-in."""
        now = self._clock()
        with self._lock:
            for key in self._keys(username, client):
                self._prune(key, now).append(now)
            if len(self._failures) > 10_000:  # forget idle keys so memory stays bounded
                for key in [k for k, v in self._failures.items() if not v]:
                    del self._failures[key]

    def succeeded(self, username: str, client: str) -> None:
        """Forget this user's failures from this client (a typo then a success)."""
        with self._lock:
            self._failures.pop(self._keys(username, client)[0], None)


def minutes(seconds: float) -> int:
    """Whole minutes to tell a user to wait (at least one)."""
    return max(1, math.ceil(seconds / 60))


def _origin_of(conn: HTTPConnection) -> str | None:
    """The host:port a browser says the request came from; None when it says nothing."""
    origin = conn.headers.get("origin")
    if origin is not None:
        return "null" if origin.strip().lower() == "null" else urlsplit(origin).netloc.lower()
    referer = conn.headers.get("referer")
    if referer:
        return urlsplit(referer).netloc.lower()
    return None


STATE_CHANGING_GETS = ("/language/",)
"""GET paths that change something (the language link): guarded like a POST."""


def _cross_site_fetch(conn: HTTPConnection) -> bool:
    """The browser says the request was started by another site (``Sec-Fetch-Site``)."""
    return conn.headers.get("sec-fetch-site", "").lower() in ("cross-site", "same-site")


class OriginGuard:
    """ASGI middleware: a state-changing request from another site gets a 403, never acts."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse cross-site unsafe requests and WebSockets; pass everything else on."""
        kind = scope["type"]
        changing_get = kind == "http" and scope.get("path", "").startswith(STATE_CHANGING_GETS)
        unsafe = (
            changing_get
            or kind == "websocket"
            or (kind == "http" and scope.get("method", "GET") in UNSAFE_METHODS)
        )
        if not unsafe:
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        origin = "cross-site" if changing_get and _cross_site_fetch(conn) else _origin_of(conn)
        hosts = {conn.headers.get("host", "").lower()}
        forwarded = conn.headers.get("x-forwarded-host")  # a proxy in front keeps the name
        if forwarded:
            hosts.add(forwarded.split(",")[0].strip().lower())
        if origin is None or origin in hosts:
            await self.app(scope, receive, send)
            return
        if kind == "websocket":
            await send({"type": "websocket.close", "code": 4403})
            return
        response = JSONResponse(
            {"detail": "refused: this request came from another site (cross-site request)"},
            status_code=403,
        )
        await response(scope, receive, send)
