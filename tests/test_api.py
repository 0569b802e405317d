from fastapi.testclient import TestClient

from coach.api import create_app


def test_home_health_and_scenarios(seeded_runtime):
    client = TestClient(create_app(seeded_runtime))
    home = client.get("/")
    assert home.status_code == 200 and "practice UI is on its way" in home.text
    assert "crm-logistics-discovery" in home.text and "中文" in home.text
    assert client.get("/api/health").json()["database"] == "ok"
    scenarios = client.get("/api/scenarios", params={"language": "zh"}).json()
    assert scenarios and all(s["language"] == "zh" for s in scenarios)
    one = client.get(f"/api/scenarios/{scenarios[0]['id']}").json()
    assert one["key_points"]
    missing = client.get("/api/scenarios/nope")
    assert missing.status_code == 404 and "no scenario" in missing.json()["detail"]


def test_health_reports_an_uninitialised_database(runtime):
    from coach.services.runtime import open_runtime
    from coach.settings import Settings

    fresh = open_runtime(Settings(data_dir=runtime.settings.data_dir / "other"))
    body = TestClient(create_app(fresh)).get("/api/health").json()
    assert body["status"] == "degraded" and "coach init" in body["database"]
    fresh.close()
