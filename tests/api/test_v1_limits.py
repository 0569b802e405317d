"""REST API limits: requests per user per minute, and bad API tokens per client address."""

from __future__ import annotations

import dataclasses

import pytest

from coach.api.v1.limits import BAD_TOKENS_PER_CLIENT, RateLimiter
from tests.api.v1_world import Api


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_capacity_then_refills_over_time():
    clock = Clock()
    limiter = RateLimiter(3, 60.0, clock=clock)
    assert [limiter.take("ann") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.take("ann")
    assert wait == pytest.approx(20.0)  # one request back every 20 s
    assert limiter.take("bob") == 0.0  # each key its own bucket
    clock.now += 20.0
    assert limiter.take("ann") == 0.0 and limiter.take("ann") > 0
    assert limiter.wait_s("carol") == 0.0


@pytest.fixture
def limited(runtime):
    settings = runtime.settings.model_copy(update={"api_rate_per_minute": 3})
    if dataclasses.is_dataclass(runtime):
        runtime = dataclasses.replace(runtime, settings=settings)
    else:
        runtime.settings = settings
    return Api(runtime)


def test_past_the_rate_a_user_gets_429_with_retry_after_and_others_do_not(limited):
    ann = limited.client("ann")
    assert [ann.get("/api/v1/sessions").status_code for _ in range(3)] == [200, 200, 200]
    refused = ann.get("/api/v1/sessions")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert "API requests a minute" in refused.json()["detail"]
    assert limited.client("bob").get("/api/v1/sessions").status_code == 200
    # the cookie is the same user: the same bucket
    assert limited.client("ann", via="cookie").get("/api/v1/sessions").status_code == 429


def test_a_client_guessing_tokens_is_stopped_even_for_a_good_token_afterwards(limited):
    from fastapi.testclient import TestClient

    guesser = TestClient(limited.app)
    for n in range(BAD_TOKENS_PER_CLIENT):
        response = guesser.get(
            "/api/v1/sessions", headers={"Authorization": f"Bearer coach_guess{n:04d}"}
        )
        assert response.status_code == 401
    blocked = guesser.get("/api/v1/sessions", headers={"Authorization": "Bearer coach_more"})
    assert blocked.status_code == 429 and "unknown or revoked" in blocked.json()["detail"]
    good = guesser.get(
        "/api/v1/sessions", headers={"Authorization": f"Bearer {limited.token('ann')}"}
    )
    assert good.status_code == 429  # from the same address, until the window passes
