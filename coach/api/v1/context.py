"""What every v1 router shares: the runtime, the practice service, and who is calling.

The caller is an API token (``Authorization: Bearer coach_...``) or the web app's signed
session cookie. A request with neither gets 401; a token that is unknown, revoked or whose
user is disabled gets 401 too, even with a cookie beside it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from coach.api.v1.limits import BAD_TOKEN_WINDOW_S, BAD_TOKENS_PER_CLIENT, RateLimiter
from coach.services import tokens
from coach.services.practice import PracticeService
from coach.services.runtime import Runtime

NO_CREDENTIALS = "sign in first: send 'Authorization: Bearer <API token>' or the session cookie"
BAD_TOKEN = "this API token is unknown, revoked, or its user is disabled; create a new one"

CHALLENGE = {"WWW-Authenticate": "Bearer"}
bearer = HTTPBearer(auto_error=False, description="An API token from `coach tokens create`.")


@dataclass
class V1:
    """The runtime, a lazily made practice service, and the cookie reader."""

    runtime: Runtime
    identify: Callable[[Request], str | None]
    make_practice: Callable[[], PracticeService]
    _practice: PracticeService | None = field(default=None, init=False)
    requests: RateLimiter = field(init=False)
    bad_tokens: RateLimiter = field(
        default_factory=lambda: RateLimiter(BAD_TOKENS_PER_CLIENT, BAD_TOKEN_WINDOW_S)
    )

    def __post_init__(self) -> None:
        rate = self.runtime.settings.api_rate_per_minute
        self.requests = RateLimiter(rate, 60.0)

    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    @property
    def practice(self) -> PracticeService:
        """The practice service, made on first use (reading sessions needs no models)."""
        with self._lock:
            if self._practice is None:
                self._practice = self.make_practice()
            return self._practice

    def caller(
        self,
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> str:
        """The acting username for this request.

        401 without valid credentials; 429 (with ``Retry-After``) past the per-user request
        rate, or for a client address that sent too many bad tokens.
        """
        name = self._authenticate(request, credentials)
        wait = self.requests.take(name)
        if wait > 0:
            raise too_many(
                wait, f"more than {self.runtime.settings.api_rate_per_minute} API requests a minute"
            )
        return name

    def _authenticate(
        self, request: Request, credentials: HTTPAuthorizationCredentials | None
    ) -> str:
        if credentials is not None:
            client = request.client.host if request.client else "?"
            wait = self.bad_tokens.wait_s(client)
            if wait > 0:
                raise too_many(wait, "too many unknown or revoked API tokens from this address")
            name = tokens.authenticate(self.runtime, credentials.credentials)
            if name is None:
                self.bad_tokens.take(client)
                raise HTTPException(status_code=401, detail=BAD_TOKEN, headers=CHALLENGE)
            return name
        if request.headers.get("authorization") is not None:
            raise HTTPException(status_code=401, detail=NO_CREDENTIALS, headers=CHALLENGE)
        name = self.identify(request)
        if name is None:
            raise HTTPException(status_code=401, detail=NO_CREDENTIALS, headers=CHALLENGE)
        return name


def too_many(wait_s: float, why: str) -> HTTPException:
    """A 429 that says why and when to try again."""
    seconds = max(1, math.ceil(wait_s))
    return HTTPException(
        status_code=429,
        detail=f"{why}; try again in {seconds} s",
        headers={"Retry-After": str(seconds)},
    )
