"""The API documentation page works offline: Swagger UI from the app, never from a CDN."""

from __future__ import annotations

from fastapi.testclient import TestClient

from coach.api import create_app
from coach.api.auth import COOKIE, SessionCookies
from coach.backends.fake import FakeEmbedder
from coach.services.practice import PracticeService
from tests.training.world import build


def _client(runtime, signed_in: bool) -> TestClient:
    build(runtime)
    app = create_app(runtime, practice=PracticeService(runtime, embedder=FakeEmbedder()), ui=False)
    cookies = {COOKIE: SessionCookies(runtime).token("ann")} if signed_in else None
    return TestClient(app, cookies=cookies)


def test_the_docs_page_loads_swagger_from_the_app_itself(runtime):
    client = _client(runtime, signed_in=True)
    page = client.get("/api/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert "https://" not in page.text and "http://" not in page.text  # nothing from outside
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        assert f"/api/docs/assets/{asset}" in page.text
        response = client.get(f"/api/docs/assets/{asset}")
        assert response.status_code == 200 and len(response.content) > 500, asset
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/sessions" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/sessions"]


def test_the_docs_are_behind_sign_in_like_every_page(runtime):
    client = _client(runtime, signed_in=False)
    assert client.get("/api/docs", follow_redirects=False).status_code in (303, 401)
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 401
