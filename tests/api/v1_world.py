"""The REST API over the training world (tests/training/world.py): clients by user and by credential.

North: reps ``ann``, ``bob``, trainer ``tina``, manager ``mona``. South: rep ``sam``,
trainer ``theo``, manager ``max``. Admin ``ada``.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from coach.api import create_app
from coach.api.auth import COOKIE, SessionCookies
from coach.backends.fake import FakeEmbedder
from coach.services import tokens
from coach.services.practice import PracticeService
from coach.store.repositories import sessions as sessions_repo
from tests.training.world import add_session, build


class Api:
    """The API app with one client per (user, credential): an API token or the session cookie."""

    def __init__(self, runtime):
        self.runtime = runtime
        self.ids = build(runtime)
        self.app = create_app(
            runtime, practice=PracticeService(runtime, embedder=FakeEmbedder()), ui=False
        )
        self.tokens: dict[str, str] = {}
        self._clients: dict[tuple[str | None, str], TestClient] = {}

    def token(self, name: str) -> str:
        """The user's API token (made on first use)."""
        if name not in self.tokens:
            self.tokens[name] = tokens.create_token(self.runtime, actor=name, name="test").token
        return self.tokens[name]

    def client(self, name: str | None = None, *, via: str = "token") -> TestClient:
        """A client acting as ``name`` (None: anonymous) with a token or a cookie."""
        key = (name, via)
        if key not in self._clients:
            if name is None:
                client = TestClient(self.app)
            elif via == "cookie":
                cookie = SessionCookies(self.runtime).token(name)
                client = TestClient(self.app, cookies={COOKIE: cookie})
            else:
                client = TestClient(
                    self.app, headers={"Authorization": f"Bearer {self.token(name)}"}
                )
            self._clients[key] = client
        return self._clients[key]

    def session(self, rep: str, **options) -> str:
        """A scored session of ``rep`` with one rep turn and one customer turn."""
        sid = add_session(self.runtime, self.ids[rep], status="active", **options)
        with self.runtime.transaction() as s:
            sessions_repo.add_turn(
                session=s, session_id=sid, speaker="rep", text=f"hello from {rep}"
            )
            sessions_repo.add_turn(session=s, session_id=sid, speaker="customer", text="go on")
            sessions_repo.end_session(session=s, session_id=sid, ended_by="rep")
        return sid
