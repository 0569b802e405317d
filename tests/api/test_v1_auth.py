"""REST API credentials: API tokens (hashed, revocable, tied to an active user) and the cookie."""

import hashlib

import pytest

from coach.api.v1.limits import BAD_TOKENS_PER_CLIENT
from coach.services import tokens
from coach.store.models import ApiTokenRow
from coach.store.repositories import users as users_repo
from tests.api.v1_world import Api

V1_GETS = (
    "/api/v1/sessions",
    "/api/v1/sessions/x",
    "/api/v1/sessions/x/transcript",
    "/api/v1/sessions/x/scorecard",
    "/api/v1/scorecards?team=North",
    "/api/v1/drills",
    "/api/v1/drills/mine",
    "/api/v1/drills/1/status",
    "/api/v1/assignments",
    "/api/v1/reports/teams/North",
    "/api/v1/reports/reps/ann",
    "/api/v1/exports/sessions?team=North",
    "/api/v1/exports/sessions.csv?team=North",
    "/api/v1/tokens",
)


@pytest.fixture
def api(runtime):
    return Api(runtime)


def test_every_v1_route_needs_credentials(api):
    anonymous = api.client()
    for path in V1_GETS:
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert response.json() == {"detail": response.json()["detail"]}
        assert "sign in first" in response.json()["detail"]
    for method, path in (("post", "/api/v1/drills"), ("post", "/api/v1/tokens")):
        assert getattr(anonymous, method)(path, json={}).status_code == 401
    assert anonymous.delete("/api/v1/tokens/1").status_code == 401


def test_a_forged_or_malformed_token_gets_401_everywhere(api):
    good = api.token("ann")
    forged = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    bad = 0
    for header in (f"Bearer {forged}", "Bearer coach_nope_nope", "Bearer x", "Basic YW5uOng="):
        for path in V1_GETS:
            response = api.client().get(path, headers={"Authorization": header})
            bearer = header.startswith("Bearer")
            # past 20 bad tokens from one address, the API stops looking them up (429)
            expected = 429 if bearer and bad >= BAD_TOKENS_PER_CLIENT else 401
            assert response.status_code == expected, (header, path)
            assert "hello" not in response.text
            bad += bearer


def test_a_bearer_token_opens_only_the_rest_api(api):
    """The gate lets a token through to /api/v1 only; the other pages still want the cookie."""
    client = api.client("ann")
    assert client.get("/api/v1/sessions").status_code == 200
    assert client.get("/api/scenarios").status_code == 401
    assert client.get("/api/openapi.json").status_code == 401


def test_tokens_are_stored_hashed_and_shown_once(api, runtime):
    made = tokens.create_token(runtime, actor="ann", name="LMS")
    prefix, secret = tokens.split(made.token)
    with runtime.transaction() as s:
        row = s.query(ApiTokenRow).filter_by(prefix=prefix).one()
        assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in row.secret_hash and row.last_used_at is None
    listed = api.client("ann").get("/api/v1/tokens").json()
    assert made.token not in str(listed) and {t["prefix"] for t in listed} >= {prefix}
    headers = {"Authorization": f"Bearer {made.token}"}
    assert api.client().get("/api/v1/sessions", headers=headers).status_code == 200
    with runtime.transaction() as s:
        assert s.query(ApiTokenRow).filter_by(prefix=prefix).one().last_used_at is not None


def test_a_revoked_token_gets_401(api):
    client = api.client("ann")
    assert client.get("/api/v1/sessions").status_code == 200
    own = [t for t in client.get("/api/v1/tokens").json() if t["name"] == "test"]
    revoked = client.delete(f"/api/v1/tokens/{own[0]['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    response = client.get("/api/v1/sessions")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_a_disabled_users_token_gets_401_and_works_again_when_enabled(api, runtime):
    client = api.client("ann")
    assert client.get("/api/v1/sessions").status_code == 200
    with runtime.transaction() as s:
        users_repo.set_active(session=s, user_id=api.ids["ann"], active=False)
    assert client.get("/api/v1/sessions").status_code == 401
    with runtime.transaction() as s:
        users_repo.set_active(session=s, user_id=api.ids["ann"], active=True)
    assert client.get("/api/v1/sessions").status_code == 200


def test_users_manage_their_own_tokens_and_admins_anyones(api):
    ann, bob, ada = api.client("ann"), api.client("bob"), api.client("ada")
    made = ann.post("/api/v1/tokens", json={"name": "CRM"})
    assert made.status_code == 201 and made.json()["token"].startswith("coach_")
    token_id = made.json()["record"]["id"]
    assert bob.delete(f"/api/v1/tokens/{token_id}").status_code == 403
    assert bob.get("/api/v1/tokens", params={"user": "ann"}).status_code == 403
    assert bob.get("/api/v1/tokens", params={"all": True}).status_code == 403
    assert bob.post("/api/v1/tokens", json={"user": "ann"}).status_code == 403
    assert token_id not in {t["id"] for t in bob.get("/api/v1/tokens").json()}
    assert token_id in {t["id"] for t in ada.get("/api/v1/tokens", params={"user": "ann"}).json()}
    assert token_id in {t["id"] for t in ada.get("/api/v1/tokens", params={"all": True}).json()}
    for_ann = ada.post("/api/v1/tokens", json={"user": "ann", "name": "by admin"})
    assert for_ann.status_code == 201 and for_ann.json()["record"]["user"] == "ann"
    assert for_ann.json()["record"]["created_by"] == "ada"
    assert ada.delete(f"/api/v1/tokens/{token_id}").status_code == 200
    assert ada.delete("/api/v1/tokens/999999").status_code == 404
    headers = {"Authorization": f"Bearer {made.json()['token']}"}
    assert api.client().get("/api/v1/sessions", headers=headers).status_code == 401


def test_openapi_lists_the_v1_paths(api):
    schema = api.client("ada", via="cookie").get("/api/openapi.json")
    assert schema.status_code == 200
    paths = set(schema.json()["paths"])
    for path in (
        "/api/v1/sessions",
        "/api/v1/sessions/{session_id}",
        "/api/v1/sessions/{session_id}/transcript",
        "/api/v1/sessions/{session_id}/scorecard",
        "/api/v1/scorecards",
        "/api/v1/drills",
        "/api/v1/drills/{drill_id}/assignments",
        "/api/v1/assignments",
        "/api/v1/reports/teams/{team}",
        "/api/v1/exports/{kind}",
        "/api/v1/exports/{kind}.csv",
        "/api/v1/tokens",
        "/api/v1/tokens/{token_id}",
    ):
        assert path in paths, path
    assert "HTTPBearer" in schema.json()["components"]["securitySchemes"]
