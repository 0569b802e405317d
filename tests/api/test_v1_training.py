"""REST API drills, assignments, team reports, scorecards and exports, by role."""

import csv
import io

import pytest

from tests.api.v1_world import Api
from tests.training.world import NOW

DRILL = {"scenario_id": "tiny", "mode": "freeform", "persona_id": "pat", "target_score": 60}


@pytest.fixture
def api(runtime):
    api = Api(runtime)
    api.sid = api.session("ann", started_at=NOW.replace(hour=0), score=80)
    api.session("sam", score=40)
    return api


def test_trainers_create_and_assign_drills_and_reps_may_not(api):
    tina = api.client("tina")
    made = tina.post("/api/v1/drills", json={**DRILL, "title": "Discovery 练习"})
    assert made.status_code == 201 and made.json()["team"] == "North"
    drill = made.json()["id"]
    given = tina.post(
        f"/api/v1/drills/{drill}/assignments", json={"to_team": "North", "due": "2030-01-31"}
    )
    assert given.status_code == 201 and given.json()["assignee"] == "team North"
    listed = tina.get("/api/v1/drills").json()
    assert listed["total"] == 1 and listed["items"][0]["title"] == "Discovery 练习"
    assigned = tina.get("/api/v1/assignments", params={"drill_id": drill}).json()
    assert [a["id"] for a in assigned["items"]] == [given.json()["id"]]
    status = tina.get(f"/api/v1/drills/{drill}/status").json()
    assert {s["rep"] for s in status["items"]} == {"ann", "bob"}
    mine = api.client("ann").get("/api/v1/drills/mine").json()
    assert [t["title"] for t in mine["items"]] == ["Discovery 练习"]

    ann = api.client("ann")
    assert ann.post("/api/v1/drills", json=DRILL).status_code == 403
    assert ann.get("/api/v1/drills").status_code == 403
    assert (
        ann.post(f"/api/v1/drills/{drill}/assignments", json={"to_user": "ann"}).status_code == 403
    )
    south = api.client("theo")
    assert (
        south.post(f"/api/v1/drills/{drill}/assignments", json={"to_user": "sam"}).status_code
        == 403
    )
    assert south.get(f"/api/v1/drills/{drill}/status").status_code == 403
    assert south.get("/api/v1/assignments").json()["total"] == 0
    refused = tina.post(f"/api/v1/drills/{drill}/assignments", json={"to_user": "sam"})
    assert refused.status_code == 403 and "sam" not in str(refused.json().get("items", ""))


def test_bad_drills_are_refused_with_a_message(api):
    tina = api.client("tina")
    wrong_mode = tina.post("/api/v1/drills", json={**DRILL, "mode": "karaoke"})
    assert wrong_mode.status_code == 400 and "mode" in wrong_mode.json()["detail"]
    missing = tina.post("/api/v1/drills", json={"mode": "freeform"})
    assert missing.status_code == 422
    both = tina.post("/api/v1/drills/999/assignments", json={"to_user": "ann", "to_team": "North"})
    assert both.status_code == 400 and "exactly one" in both.json()["detail"]
    assert tina.post("/api/v1/drills/999/assignments", json={"to_user": "ann"}).status_code == 404


def test_team_reports_for_the_teams_manager_only(api):
    report = api.client("mona").get("/api/v1/reports/teams/North")
    assert report.status_code == 200 and report.json()["name"] == "North"
    assert {v["rep"] for v in report.json()["volume"]} >= {"ann"}
    assert api.client("max").get("/api/v1/reports/teams/North").status_code == 403
    assert api.client("ann").get("/api/v1/reports/teams/North").status_code == 403
    assert api.client("ada").get("/api/v1/reports/teams/Nowhere").status_code == 404
    assert api.client("ann").get("/api/v1/reports/reps/ann").json()["name"] == "ann"
    assert api.client("bob").get("/api/v1/reports/reps/ann").status_code == 403
    assert api.client("max").get("/api/v1/reports/reps/ann").status_code == 403
    bad = api.client("mona").get("/api/v1/reports/teams/North", params={"since": "2030-01-01"})
    assert bad.status_code == 400 and bad.json()["detail"]


def test_scorecards_and_exports_as_json_and_csv_with_a_bom(api):
    mona = api.client("mona")
    cards = mona.get("/api/v1/scorecards", params={"team": "North", "limit": 1}).json()
    assert cards["total"] == 2 and len(cards["items"]) == 1
    assert cards["items"][0]["session_id"] == api.sid
    rows = mona.get("/api/v1/exports/sessions", params={"team": "North"}).json()
    assert [r["session_id"] for r in rows["items"]] == [api.sid] and rows["total"] == 1
    response = mona.get("/api/v1/exports/sessions.csv", params={"team": "North"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["session_id"] for r in table] == [api.sid] and table[0]["rep"] == "ann"
    assert "attachment" in response.headers["content-disposition"]
    for client, kind in ((api.client("max"), "sessions"), (api.client("tina"), "scorecards")):
        assert client.get(f"/api/v1/exports/{kind}", params={"team": "North"}).status_code == 403
        assert (
            client.get(f"/api/v1/exports/{kind}.csv", params={"team": "North"}).status_code == 403
        )
    assert (
        api.client("tina").get("/api/v1/exports/assignments", params={"team": "North"}).status_code
        == 200
    )
    assert mona.get("/api/v1/exports/clips", params={"team": "North"}).status_code == 422
    assert api.client("max").get("/api/v1/scorecards", params={"team": "North"}).status_code == 403


@pytest.mark.parametrize("via", ["cookie", "token"])
def test_every_endpoint_answers_with_a_cookie_and_with_a_token(api, via):
    """The same calls, once with the session cookie and once with an API token."""
    ada = api.client("ada", via=via)
    drill = ada.post("/api/v1/drills", json={**DRILL, "team": "North"})
    assert drill.status_code == 201, drill.text
    drill_id = drill.json()["id"]
    calls = [
        ("post", f"/api/v1/drills/{drill_id}/assignments", {"json": {"to_user": "ann"}}, 201),
        ("get", "/api/v1/drills", {}, 200),
        ("get", f"/api/v1/drills/{drill_id}/status", {}, 200),
        ("get", "/api/v1/assignments", {}, 200),
        ("get", "/api/v1/sessions", {"params": {"team": "North"}}, 200),
        ("get", f"/api/v1/sessions/{api.sid}", {}, 200),
        ("get", f"/api/v1/sessions/{api.sid}/transcript", {}, 200),
        ("get", f"/api/v1/sessions/{api.sid}/scorecard", {}, 200),
        ("get", "/api/v1/scorecards", {"params": {"team": "North"}}, 200),
        ("get", "/api/v1/reports/teams/North", {}, 200),
        ("get", "/api/v1/reports/reps/ann", {}, 200),
        ("get", "/api/v1/exports/scorecards", {"params": {"team": "North"}}, 200),
        ("get", "/api/v1/exports/assignments.csv", {"params": {"team": "North"}}, 200),
        ("get", "/api/v1/tokens", {"params": {"all": True}}, 200),
        ("post", "/api/v1/tokens", {"json": {"name": "x"}}, 201),
    ]
    for method, path, options, status in calls:
        response = getattr(ada, method)(path, **options)
        assert response.status_code == status, (path, response.text)
    made = ada.get("/api/v1/tokens").json()[0]["id"]
    assert ada.delete(f"/api/v1/tokens/{made}").status_code == 200
    ann = api.client("ann", via=via)
    assert ann.get("/api/v1/sessions").json()["total"] == 1
    assert ann.get("/api/v1/drills/mine").json()["total"] == 1
