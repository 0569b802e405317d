"""A password reset ends the user's open sessions: pages, API by cookie, voice socket.

The cookie carries the user's session version; ``accounts.reset_password`` moves it on, so a
cookie signed before the reset gets the sign-in page (a browser) or 401 (anything else) on
its next request. API tokens are not sessions: they keep working until revoked.
"""

from fastapi.testclient import TestClient

from coach.accounts import LOCAL_ADMIN
from coach.api.auth import COOKIE
from coach.services import accounts
from tests.api.v1_world import Api

PASSWORD = "violet kettle across 42"
HTML = {"accept": "text/html"}


def _signed_in(api: Api, username: str, password: str) -> TestClient:
    client = TestClient(api.app)
    answer = client.post(
        "/login",
        content=f"username={username}&password={password.replace(' ', '+')}&next=/api/v1/sessions",
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and COOKIE in answer.cookies
    return client


def test_a_password_reset_ends_the_users_browser_and_api_sessions(runtime):
    api = Api(runtime)
    accounts.add_user(
        runtime, actor=LOCAL_ADMIN, username="zoe", password=PASSWORD, role="rep", team="North"
    )
    old = _signed_in(api, "zoe", PASSWORD)
    token = api.token("ann")
    ann = TestClient(api.app, cookies={COOKIE: api.client("ann", via="cookie").cookies[COOKIE]})
    assert old.get("/api/v1/sessions").status_code == 200
    assert old.get("/api/v1/tokens").status_code == 200

    accounts.reset_password(runtime, actor="ada", username="zoe", password="quiet harbour lamp 77")
    accounts.reset_password(runtime, actor="ada", username="ann")

    assert old.get("/api/v1/sessions").status_code == 401
    page = old.get("/", headers=HTML, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert ann.get("/api/v1/sessions").status_code == 401
    # an API token is no sign-in: it stays valid until the user or an admin revokes it
    bearer = TestClient(api.app, headers={"Authorization": f"Bearer {token}"})
    assert bearer.get("/api/v1/sessions").status_code == 200
    # the new password signs in again, and the new cookie works
    again = _signed_in(api, "zoe", "quiet harbour lamp 77")
    assert again.get("/api/v1/sessions").status_code == 200
    # other users' sessions are untouched
    assert api.client("bob", via="cookie").get("/api/v1/sessions").status_code == 200


def test_deactivating_ends_sessions_at_once_and_reactivating_brings_them_back(runtime):
    api = Api(runtime)
    bob = api.client("bob", via="cookie")
    assert bob.get("/api/v1/sessions").status_code == 200
    accounts.set_active(runtime, actor="ada", username="bob", active=False)
    assert bob.get("/api/v1/sessions").status_code == 401  # no wait for the cache
    accounts.set_active(runtime, actor="ada", username="bob", active=True)
    assert bob.get("/api/v1/sessions").status_code == 200  # deactivation is not a reset


def test_an_old_unversioned_cookie_reads_as_version_0(runtime):
    from coach.security import sign_token

    api = Api(runtime)
    secret = runtime.settings.secret_key.get_secret_value()
    cookie = sign_token({"u": "sam"}, secret)  # as signed before session versions
    client = TestClient(api.app, cookies={COOKIE: cookie})
    assert client.get("/api/v1/sessions").status_code == 200
    accounts.reset_password(runtime, actor="ada", username="sam")
    assert client.get("/api/v1/sessions").status_code == 401
