"""What every v1 router shares: the runtime, the practice service, and who is calling.

The caller is an API token (``Authorization: Bearer coach_...``) or the web app's signed
session cookie. A request with neither gets 401; a token that is unknown, revoked or whose
user is disabled gets 401 too, even with a cookie beside it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

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
        """The acting username for this request; 401 without valid credentials."""
        if credentials is not None:
            name = tokens.authenticate(self.runtime, credentials.credentials)
            if name is None:
                raise HTTPException(status_code=401, detail=BAD_TOKEN, headers=CHALLENGE)
            return name
        if request.headers.get("authorization") is not None:
            raise HTTPException(status_code=401, detail=NO_CREDENTIALS, headers=CHALLENGE)
        name = self.identify(request)
        if name is None:
            raise HTTPException(status_code=401, detail=NO_CREDENTIALS, headers=CHALLENGE)
        return name
