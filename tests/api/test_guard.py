"""Sign-in throttling, no account enumeration, and the same-origin check on the web app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from coach.api import create_app
from coach.api.guard import SignInThrottle, minutes
from coach.backends.fake import FakeEmbedder, FakeTranscriber
from coach.services import accounts
from coach.services.practice import PracticeService

FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def client(seeded_runtime):
    practice = PracticeService(
        seeded_runtime, embedder=FakeEmbedder(), transcriber=FakeTranscriber()
    )
    return TestClient(create_app(seeded_runtime, practice=practice), follow_redirects=False)


def post_login(client: TestClient, username: str, password: str, **headers: str):
    return client.post(
        "/login", content=f"username={username}&password={password}", headers={**FORM, **headers}
    )


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_limits_one_account_from_one_client_then_forgets_after_the_window():
    clock = Clock()
    throttle = SignInThrottle(window_s=60, per_account_client=3, clock=clock)
    for _ in range(3):
        assert throttle.retry_after("rep", "1.2.3.4") == 0
        throttle.failed("rep", "1.2.3.4")
        clock.now += 1
    assert throttle.retry_after("rep", "1.2.3.4") == pytest.approx(57)
    assert throttle.retry_after("REP ", "1.2.3.4") > 0  # the same account, however typed
    assert throttle.retry_after("rep", "5.6.7.8") == 0  # another address is not locked out
    assert throttle.retry_after("trainer", "1.2.3.4") == 0
    clock.now += 57
    assert throttle.retry_after("rep", "1.2.3.4") == 0


def test_throttle_limits_a_client_spraying_many_accounts_and_one_account_from_many_clients():
    throttle = SignInThrottle(per_client=4, per_account=6, clock=Clock())
    for name in ("a", "b", "c", "d"):
        throttle.failed(name, "9.9.9.9")
    assert throttle.retry_after("e", "9.9.9.9") > 0
    for n in range(6):
        throttle.failed("boss", f"10.0.0.{n}")
    assert throttle.retry_after("boss", "10.0.0.99") > 0


def test_a_success_clears_the_typos_before_it():
    throttle = SignInThrottle(per_account_client=2, clock=Clock())
    throttle.failed("rep", "1.1.1.1")
    throttle.succeeded("rep", "1.1.1.1")
    throttle.failed("rep", "1.1.1.1")
    assert throttle.retry_after("rep", "1.1.1.1") == 0
    assert minutes(1) == 1 and minutes(61) == 2


def test_sign_in_is_throttled_the_same_way_for_known_and_unknown_accounts(client):
    for name in ("rep", "nobody-by-this-name"):
        answers = [post_login(client, name, "wrong-password-1").status_code for _ in range(6)]
        assert answers == [401] * 5 + [429], name
        locked = post_login(client, name, "wrong-password-1")
        assert "Too many failed sign-ins" in locked.text and "Retry-After" in locked.headers
    # even the right password waits: guessing stops at the limit
    assert post_login(client, "rep", "demo-rep-pass").status_code == 429
    # other accounts from this client still sign in (the per-client limit is higher)
    assert post_login(client, "trainer", "demo-trainer-pass").status_code == 303


def test_the_throttle_message_is_in_the_page_language(client):
    for _ in range(5):
        post_login(client, "rep", "wrong-password-1")
    response = client.post(
        "/login?lang=zh", content="username=rep&password=x", headers=FORM
    )
    assert response.status_code == 429 and "登录失败次数过多" in response.text


def test_an_unknown_username_costs_a_password_check_like_a_known_one(seeded_runtime, monkeypatch):
    checked: list[str] = []
    real = accounts.verify_password

    def spy(hashed: str, password: str) -> bool:
        checked.append(password)
        return real(hashed, password)

    monkeypatch.setattr(accounts, "verify_password", spy)
    for name in ("rep", "no-such-user"):
        with pytest.raises(accounts.LoginError, match="wrong username or password"):
            accounts.authenticate(seeded_runtime, username=name, password="guess-" + name)
    assert checked == ["guess-rep", "guess-no-such-user"]


def test_a_cross_site_post_is_refused_before_it_acts(client):
    evil = post_login(client, "rep", "demo-rep-pass", origin="https://evil.example")
    assert evil.status_code == 403 and "another site" in evil.text
    assert "coach_session" not in evil.cookies
    by_referer = post_login(
        client, "rep", "demo-rep-pass", referer="https://evil.example/page"
    )
    assert by_referer.status_code == 403
    same = post_login(client, "rep", "demo-rep-pass", origin="http://testserver")
    assert same.status_code == 303
    # signed in, a forged cross-site request to a UI endpoint is still refused
    forged = client.post(
        "/en/gradio_api/queue/join", json={}, headers={"origin": "http://evil.example"}
    )
    assert forged.status_code == 403
    # a script without Origin or Referer is no cross-site browser request
    assert client.post("/logout").status_code == 303


def test_a_proxy_forwarded_host_counts_as_this_site(client):
    response = post_login(
        client,
        "rep",
        "demo-rep-pass",
        origin="https://coach.example.com",
        **{"x-forwarded-host": "coach.example.com"},
    )
    assert response.status_code == 303


def test_a_cross_site_websocket_is_closed(client):
    assert post_login(client, "rep", "demo-rep-pass").status_code == 303
    with pytest.raises(WebSocketDisconnect) as closed:
        with client.websocket_connect(
            "/ws/voice/anything", headers={"origin": "https://evil.example"}
        ) as socket:
            socket.receive_json()
    assert closed.value.code == 4403


def test_a_link_from_another_site_cannot_switch_the_users_language(client, seeded_runtime):
    from coach.services import profile

    assert post_login(client, "rep", "demo-rep-pass").status_code == 303
    for headers in (
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"referer": "https://evil.example/page"},
    ):
        response = client.get("/language/zh", headers=headers)
        assert response.status_code == 403, headers
        assert profile.get_active_user(seeded_runtime, username="rep").ui_language != "zh"
    ours = client.get(
        "/language/zh",
        headers={"sec-fetch-site": "same-origin", "referer": "http://testserver/en/"},
    )
    assert ours.status_code == 303 and ours.headers["location"] == "/zh/"
    assert profile.get_active_user(seeded_runtime, username="rep").ui_language == "zh"
