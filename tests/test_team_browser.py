"""The manager's Team tab in a real Chromium: plots drawn after Show, key points by name.

It runs `coach serve` as a new user does (tests/test_web_browser.py's helpers), with a few
scored sessions written into its database: the demo rep has one session (a single week, a
dot on the score trend), the Chinese demo rep two in two weeks (a line). Screenshots go to
``COACH_SCREENSHOT_DIR`` like the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from coach.services.runtime import open_runtime
from coach.settings import Settings
from coach.store.repositories import users as users_repo
from tests.test_web_browser import App, browser, browser_app, open_tab, shot, sign_in, silent_wav
from tests.training.world import NOW, add_session

pytestmark = [pytest.mark.browser, pytest.mark.models]

SCENARIO = "crm-logistics-discovery"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with browser_app(tmp_path_factory, "team-web") as running:
        runtime = open_runtime(Settings(data_dir=running.data))
        try:
            with runtime.transaction() as s:
                ids = {
                    n: users_repo.get_user_by_username(session=s, username=n).id
                    for n in ("rep", "rep-zh")
                }
            marks = {"greeting_intro": "hit", "purpose_and_agenda": "missed"}
            add_session(
                runtime, ids["rep"], score=72.0, points=marks, scenario_id=SCENARIO, mode="scripted"
            )
            for days, score in ((9, 55.0), (2, 68.0)):
                add_session(
                    runtime, ids["rep-zh"], score=score, points={**marks, "purpose_and_agenda": "hit"},
                    started_at=NOW - timedelta(days=days), scenario_id=SCENARIO, mode="scripted",
                )  # fmt: skip
        finally:
            runtime.close()
        yield running


def _dots(page, chart: str) -> int:
    return page.locator(f"{chart} circle.chart-dot").count()


def test_the_dashboard_draws_every_plot_after_show_and_names_key_points(app, tmp_path):
    with browser(silent_wav(tmp_path)) as context:
        page = context.new_page()
        sign_in(page, app, "manager", "demo-manager-pass")
        open_tab(page, "Team")
        page.wait_for_selector("#team-score-plot circle.chart-dot", timeout=60_000)
        # the demo rep's single week is a dot; the other rep's two weeks a line and two dots
        assert _dots(page, "#team-score-plot") == 3
        assert page.locator("#team-score-plot polyline.chart-line").count() == 1
        assert page.locator("#team-score-plot circle[data-series='rep'][r='4']").is_visible()
        # bars have a fill of their own (Gradio's plots drew updated bars without one)
        page.click("#team-period label:has-text('365')")
        page.click("#team-refresh")
        page.wait_for_selector("#team-volume-plot rect.chart-bar", timeout=60_000)
        fills = page.eval_on_selector_all(
            "#team-volume-plot rect.chart-bar, #team-mentions-plot rect.chart-bar",
            "els => els.map(e => getComputedStyle(e).fill)",
        )
        assert fills and all(f not in ("none", "", "rgb(0, 0, 0)") for f in fills), fills
        # key points by name, in the scenario's language, not by id
        heat = page.locator("#team-heatmap-table thead").inner_text()
        assert "Greets the customer by name" in heat and "greeting_intro" not in heat
        mentions = page.locator("#team-mentions").inner_text()
        assert "Greets the customer by name" in mentions and "greeting_intro" not in mentions
        shot(page, "en-manager-team-plots")
        page.goto(f"{app.url}/zh/")
        page.wait_for_selector("#recent-scores", timeout=60_000)
        open_tab(page, "团队")
        page.wait_for_selector("#team-score-plot circle.chart-dot", timeout=60_000)
        assert "每位销售的分数趋势" in page.locator("#team-score-plot").inner_text()
        assert _dots(page, "#team-score-plot") == 3
        shot(page, "zh-manager-team-plots")
