"""The web app's doors: sign-in, the signed cookie, the gate, media and the JSON API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from coach.accounts import LOCAL_ADMIN
from coach.api import create_app
from coach.api.auth import COOKIE
from coach.backends.fake import FakeEmbedder, FakeTranscriber
from coach.services import accounts
from coach.services.practice import PracticeService


@pytest.fixture
def practice(seeded_runtime):
    return PracticeService(seeded_runtime, embedder=FakeEmbedder(), transcriber=FakeTranscriber())


@pytest.fixture
def client(seeded_runtime, practice):
    return TestClient(create_app(seeded_runtime, practice=practice), follow_redirects=False)


def sign_in(client: TestClient, username: str = "rep", password: str = "demo-rep-pass"):
    return client.post(
        "/login",
        content=f"username={username}&password={password}&next=/",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


def test_health_is_public_but_data_is_not(client):
    assert client.get("/api/health").json()["database"] == "ok"
    assert client.get("/api/scenarios").status_code == 401
    for path in ("/en/", "/zh/", "/en/config", "/en/gradio_api/info", "/media/clip/x"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert "crm-logistics-discovery" not in response.text
    page = client.get("/", headers={"accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_sign_in_page_lists_demo_accounts_in_dev_mode_in_both_languages(client):
    en = client.get("/login?lang=en")
    assert en.status_code == 200 and "Sign in" in en.text and "demo-rep-pass" in en.text
    zh = client.get("/login", headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert "登录" in zh.text and "用户名" in zh.text


def test_wrong_password_is_refused_in_the_page_language(client):
    response = client.post(
        "/login?lang=zh",
        content="username=rep&password=nope-nope-nope",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 401 and "用户名或密码错误" in response.text
    assert COOKIE not in response.cookies


def test_sign_in_sets_a_signed_cookie_and_sends_the_user_to_their_language(client, seeded_runtime):
    response = sign_in(client, "rep-zh")
    assert response.status_code == 303 and COOKIE in response.cookies
    home = client.get("/", headers={"accept-language": "en-US"})
    assert home.status_code == 303 and home.headers["location"] == "/en/"
    client.get("/language/zh")
    assert client.get("/").headers["location"] == "/zh/"
    assert client.get("/api/scenarios").status_code == 200
    assert client.get("/zh/").status_code == 200


def test_a_forged_or_tampered_cookie_is_anonymous(client):
    sign_in(client)
    token = client.cookies[COOKIE]
    data, mac = token.split(".")
    client.cookies.clear()
    client.cookies.set(COOKIE, data + "." + "0" * len(mac))
    assert client.get("/api/scenarios").status_code == 401
    client.cookies.set(COOKIE, "garbage")
    assert client.get("/api/scenarios").status_code == 401


def test_next_never_leaves_the_site(client):
    response = client.post(
        "/login",
        content="username=rep&password=demo-rep-pass&next=https://evil.example/",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.headers["location"] == "/"


def test_sign_out_clears_the_cookie(client):
    sign_in(client)
    out = client.get("/logout")
    assert out.status_code == 303 and "/login" in out.headers["location"]
    assert client.get("/api/scenarios").status_code == 401


def test_a_disabled_user_is_locked_out(client, seeded_runtime):
    from coach.store.repositories import users as users_repo

    sign_in(client)
    with seeded_runtime.transaction() as session:
        row = users_repo.get_user_by_username(session=session, username="rep")
        users_repo.set_active(session=session, user_id=row.id, active=False)
    import time

    time.sleep(5.1)  # the gate caches an account's state for five seconds
    assert client.get("/api/scenarios").status_code == 401


def test_another_rep_cannot_fetch_a_sessions_audio_by_its_id(client, seeded_runtime, practice):
    accounts.add_user(
        seeded_runtime,
        username="rep2",
        password="a-long-unusual-passphrase-42",
        role="rep",
        team="Demo Team",
        actor=LOCAL_ADMIN,
    )
    started = practice.start(actor="rep", scenario_id="crm-logistics-discovery", mode="freeform")
    sign_in(client, "rep2", "a-long-unusual-passphrase-42")
    response = client.get(f"/media/session/{started.session_id}/0")
    assert response.status_code == 403


def test_websocket_refuses_anonymous(client):
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect) as closed:
        with client.websocket_connect("/ws/voice/whatever") as ws:
            ws.receive_text()
    assert closed.value.code == 4401


def test_demo_accounts_are_refused_outside_dev_mode(tmp_path, seeded_runtime):
    from coach.services.runtime import Runtime
    from coach.settings import Settings

    settings = Settings(
        env="production",
        data_dir=seeded_runtime.settings.data_dir,
        database_url=seeded_runtime.settings.resolved_database_url,
        secret_key="HyWFXuOjn7aVSPs15mZEbTY0f6a-cNq1B0iNon_I",
    )
    prod = Runtime(settings=settings, engine=seeded_runtime.engine, sessions=seeded_runtime.sessions)
    client = TestClient(create_app(prod, ui=False), follow_redirects=False)
    page = client.get("/login")
    assert "demo-rep-pass" not in page.text
    assert sign_in(client).status_code == 401


def test_a_calls_turn_plays_for_trainers_only(client, seeded_runtime, tmp_path):
    from tests.services.test_media import recorded_call

    call = recorded_call(seeded_runtime, tmp_path / "calls")
    path = f"/media/call/{call.id}/0"
    assert client.get(path).status_code == 401
    sign_in(client, "rep")
    assert client.get(path).status_code == 403  # a rep may not hear raw calls
    client.cookies.clear()
    sign_in(client, "trainer", "demo-trainer-pass")
    played = client.get(path)
    assert played.status_code == 200 and played.content[:4] == b"RIFF"
    untimed = client.get(f"/media/call/{call.id}/2")
    assert untimed.status_code == 404 and "no timings" in untimed.json()["detail"]
