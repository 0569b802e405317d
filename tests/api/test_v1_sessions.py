"""REST API sessions: own, a rep's, a team's; one session, its transcript and scorecard."""

from datetime import timedelta

import pytest

from tests.api.v1_world import Api
from tests.training.world import NOW


@pytest.fixture
def api(runtime):
    api = Api(runtime)
    api.ann = [
        api.session("ann", started_at=NOW - timedelta(days=d), score=50 + d) for d in range(5)
    ]
    api.sam = api.session("sam", started_at=NOW - timedelta(days=1), score=70)
    return api


def test_a_rep_lists_their_own_sessions_newest_first_page_by_page(api):
    client = api.client("ann")
    first = client.get("/api/v1/sessions", params={"limit": 2}).json()
    assert first["total"] == 5 and first["limit"] == 2 and first["offset"] == 0
    assert [s["id"] for s in first["items"]] == api.ann[:2]
    third = client.get("/api/v1/sessions", params={"limit": 2, "offset": 4}).json()
    assert [s["id"] for s in third["items"]] == api.ann[4:] and third["total"] == 5
    assert third["items"][0]["rep"] == "ann" and third["items"][0]["score"] == 54
    past = client.get("/api/v1/sessions", params={"offset": 10}).json()
    assert past["items"] == [] and past["total"] == 5


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"offset": -1}])
def test_bad_pagination_is_a_422_with_a_message(api, params):
    response = api.client("ann").get("/api/v1/sessions", params=params)
    assert response.status_code == 422 and response.json()["detail"]


def test_a_reps_token_cannot_read_another_reps_session(api):
    bob, sam = api.client("bob"), api.client("sam")
    sid = api.ann[0]
    for client in (bob, sam):
        for path in ("", "/transcript", "/scorecard"):
            response = client.get(f"/api/v1/sessions/{sid}{path}")
            assert response.status_code == 403, path
            assert set(response.json()) == {"detail"}
            assert "hello from ann" not in response.text and "ann" not in response.text
        assert client.get("/api/v1/sessions", params={"rep": "ann"}).status_code == 403
        assert client.get("/api/v1/sessions", params={"team": "North"}).status_code == 403
    assert sid not in bob.get("/api/v1/sessions").text


def test_a_manager_cannot_read_another_teams_sessions(api):
    south = api.client("max")
    sid = api.ann[0]
    for path in ("", "/transcript", "/scorecard"):
        response = south.get(f"/api/v1/sessions/{sid}{path}")
        assert response.status_code == 403 and "hello from ann" not in response.text
    assert south.get("/api/v1/sessions", params={"team": "North"}).status_code == 403
    assert south.get("/api/v1/sessions", params={"rep": "ann"}).status_code == 403
    own = south.get("/api/v1/sessions", params={"team": "South"}).json()
    assert [s["id"] for s in own["items"]] == [api.sam] and own["total"] == 1


@pytest.mark.parametrize("coach", ["tina", "mona", "ada"])
def test_coaches_read_their_teams_sessions(api, coach):
    client = api.client(coach)
    team = client.get("/api/v1/sessions", params={"team": "North", "limit": 3}).json()
    assert team["total"] == 5 and len(team["items"]) == 3
    rep = client.get("/api/v1/sessions", params={"rep": "ann"}).json()
    assert rep["total"] == 5
    one = client.get(f"/api/v1/sessions/{api.ann[0]}").json()
    assert one["owner"] == "ann" and [t["text"] for t in one["turns"]][0] == "hello from ann"
    assert all("audio_path" not in t for t in one["turns"])
    words = client.get(f"/api/v1/sessions/{api.ann[0]}/transcript").json()
    assert [t["speaker"] for t in words] == ["rep", "customer"]
    card = client.get(f"/api/v1/sessions/{api.ann[0]}/scorecard").json()
    assert card["rep"] == "ann" and card["score"] == 50 and card["evaluation"]["score"] == 50
    assert {k["id"] for k in card["key_points"]} == {"greeting", "next_step"}


def test_a_rep_outside_the_named_team_is_a_400(api):
    response = api.client("ada").get("/api/v1/sessions", params={"team": "North", "rep": "sam"})
    assert response.status_code == 400 and "not in team" in response.json()["detail"]


def test_unknown_and_unscored_sessions_are_404(api, runtime):
    client = api.client("ann")
    assert client.get("/api/v1/sessions/nope").status_code == 404
    assert client.get("/api/v1/sessions/nope/scorecard").status_code == 404
    from tests.training.world import add_session

    open_one = add_session(runtime, api.ids["ann"], score=None, status="active")
    response = client.get(f"/api/v1/sessions/{open_one}/scorecard")
    assert response.status_code == 404 and "no scorecard" in response.json()["detail"]


def test_a_rep_practises_through_the_api_start_turns_end(api):
    client = api.client("ann")
    started = client.post("/api/v1/sessions", json={"scenario": "tiny", "persona": "pat"})
    assert started.status_code == 201, started.text
    body = started.json()
    sid = body["session_id"]
    assert body["mode"] == "freeform" and body["customer"]
    turn = client.post(f"/api/v1/sessions/{sid}/turns", json={"text": "Hi, this is Ann from Acme."})
    assert turn.status_code == 201, turn.text
    assert turn.json()["rep_text"] == "Hi, this is Ann from Acme." and turn.json()["customer"]
    ended = client.post(f"/api/v1/sessions/{sid}/end")
    assert ended.status_code == 200 and "score" in ended.json()
    stored = client.get(f"/api/v1/sessions/{sid}").json()
    assert stored["status"] != "active"
    assert [t["speaker"] for t in stored["turns"]][:3] == ["customer", "rep", "customer"]
    again = client.post(f"/api/v1/sessions/{sid}/turns", json={"text": "one more thing"})
    assert again.status_code == 400 and "has ended" in again.json()["detail"]


def test_another_rep_cannot_take_a_turn_or_end_someone_elses_session(api):
    sid = api.client("ann").post("/api/v1/sessions", json={"scenario": "tiny"}).json()["session_id"]
    for name in ("bob", "sam", "mona"):
        client = api.client(name)
        turn = client.post(f"/api/v1/sessions/{sid}/turns", json={"text": "hijack"})
        assert turn.status_code in (403, 404), (name, turn.text)
        assert client.post(f"/api/v1/sessions/{sid}/end").status_code in (403, 404)
    turns = api.client("ann").get(f"/api/v1/sessions/{sid}").json()["turns"]
    assert all(t["text"] != "hijack" for t in turns)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"scenario": "no-such-scenario"}, 404),
        ({"scenario": "tiny", "mode": "karaoke"}, 422),
        ({"scenario": "tiny", "persona": "nobody"}, 404),
        ({}, 422),
    ],
)
def test_starting_a_bad_session_is_refused_with_a_message(api, body, status):
    response = api.client("ann").post("/api/v1/sessions", json=body)
    assert response.status_code == status and response.json()["detail"]


def test_an_empty_or_huge_typed_turn_is_a_422(api):
    client = api.client("ann")
    sid = client.post("/api/v1/sessions", json={"scenario": "tiny"}).json()["session_id"]
    for text in ("", "x" * 4001):
        response = client.post(f"/api/v1/sessions/{sid}/turns", json={"text": text})
        assert response.status_code == 422 and response.json()["detail"]
