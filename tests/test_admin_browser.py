"""The Admin tab as an admin uses it: add a user, reset their password, deactivate them.

A real Chromium against `coach serve`, with the helpers of ``tests/test_web_browser.py``.
That a manager or rep calling the same services is refused is checked at the service level
(``tests/services/test_accounts_admin.py``); here only that they never see the tab.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from tests.test_web_browser import (
    App,
    browser,
    browser_app,
    open_tab,
    pick,
    shot,
    sign_in,
    silent_wav,
)

pytestmark = [pytest.mark.browser, pytest.mark.models]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with browser_app(tmp_path_factory, "admin-web") as running:
        yield running


@pytest.fixture(scope="module")
def mic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return silent_wav(tmp_path_factory.mktemp("admin-mic"))


def _refused(page: Any, app: App, user: str, password: str) -> str:
    page.goto(f"{app.url}/login")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#sign-in-button")
    return page.get_by_role("alert").inner_text()


def fill(page: Any, element: str, text: str) -> None:
    """Type into a Gradio textbox (a textarea, or an input for a password)."""
    page.locator(f"{element} textarea, {element} input").first.fill(text)


def _admin_tab(page: Any, name: str = "Admin") -> None:
    open_tab(page, name)
    page.wait_for_selector("#admin-users-table tr[data-user=admin]", timeout=60_000)


def test_an_admin_adds_a_user_resets_their_password_and_deactivates_them(app: App, mic: Path) -> None:
    with browser(mic) as context:
        page = cast(Any, context).new_page()
        sign_in(page, app, "admin", "demo-admin-pass")
        _admin_tab(page)
        assert "Demo Team" in page.locator("#admin-teams-table").inner_text()
        fill(page, "#admin-new-username", "dana")
        fill(page, "#admin-new-name", "Dana <b>Li</b>")
        pick(page, "#admin-new-team", "Demo Team")
        fill(page, "#admin-new-password", "short")
        page.click("#admin-add")
        page.wait_for_selector("#admin-add-notice .coach-notice.error", timeout=60_000)
        assert "at least" in page.locator("#admin-add-notice").inner_text()  # the policy, in full
        fill(page, "#admin-new-username", "dana")
        fill(page, "#admin-new-name", "Dana <b>Li</b>")
        fill(page, "#admin-new-password", "a first long passphrase")
        page.click("#admin-add")
        page.wait_for_selector("#admin-users-table tr[data-user=dana]", timeout=60_000)
        row = page.locator("#admin-users-table tr[data-user=dana]").inner_text()
        assert "Dana <b>Li</b>" in row and "Demo Team" in row and "active" in row
        elsewhere = cast(Any, context).browser.new_context()  # its own cookies
        try:
            # dana is signed in in another browser context when the admin resets her password
            dana = elsewhere.new_page()
            sign_in(dana, app, "dana", "a first long passphrase")
            pick(page, "#admin-user", re.compile(r"\(dana\)"))
            page.click("#admin-generate")
            page.wait_for_selector("#admin-generated", timeout=60_000)
            secret = page.locator("#admin-generated").inner_text().strip()
            assert len(secret) >= 10
            assert "signed out" in page.locator("#admin-notice").inner_text()
            # the reset ended her session: her next page load is the sign-in page
            dana.goto(f"{app.url}/")
            dana.wait_for_selector("#sign-in", timeout=60_000)
            assert "/login" in dana.url and dana.locator("#signed-in").count() == 0
        finally:
            elsewhere.close()
        # the last active admin keeps the role, and the page says why
        pick(page, "#admin-user", re.compile(r"\(admin\)"))
        page.click("#admin-deactivate")
        page.wait_for_selector("#admin-notice .coach-notice.error", timeout=60_000)
        refusal = page.locator("#admin-notice").inner_text()
        assert "last active admin" in refusal and "管理员" not in refusal  # English only
        shot(page, "en-admin-users")
    with browser(mic) as context:
        page = cast(Any, context).new_page()
        assert "wrong username or password" in _refused(page, app, "dana", "a first long passphrase").lower()
        sign_in(page, app, "dana", secret)
        assert page.get_by_role("tab", name="Admin").count() == 0  # a rep never sees it
    with browser(mic, locale="zh-CN") as context:
        page = cast(Any, context).new_page()
        sign_in(page, app, "admin", "demo-admin-pass")
        page.goto(f"{app.url}/zh/")
        page.wait_for_selector("#recent-scores", timeout=60_000)
        _admin_tab(page, "管理")
        pick(page, "#admin-user", re.compile(r"\(admin\)"))
        page.click("#admin-deactivate")
        page.wait_for_selector("#admin-notice .coach-notice.error", timeout=60_000)
        refusal = page.locator("#admin-notice").inner_text()
        assert "最后一个有效的管理员" in refusal and "last active admin" not in refusal  # Chinese only
        shot(page, "zh-admin-last-admin-refused")
        pick(page, "#admin-user", re.compile(r"\(dana\)"))
        page.click("#admin-deactivate")
        page.wait_for_selector("#admin-users-table tr[data-user=dana][data-active=false]", timeout=60_000)
        assert "已停用" in page.locator("#admin-notice").inner_text()
        fill(page, "#admin-team-name", "华东团队")
        page.click("#admin-add-team")
        page.wait_for_selector("#admin-teams-table tr[data-team=华东团队]", timeout=60_000)
        shot(page, "zh-admin-users")
    with browser(mic) as context:
        page = cast(Any, context).new_page()
        assert "disabled" in _refused(page, app, "dana", secret)


def test_the_admin_tab_is_hidden_from_everyone_else(app: App, mic: Path) -> None:
    with browser(mic) as context:
        page = cast(Any, context).new_page()
        sign_in(page, app, "manager", "demo-manager-pass")
        assert page.get_by_role("tab", name="Team").count() == 1
        assert page.get_by_role("tab", name="Admin").count() == 0
        assert page.locator("#admin-users-table").count() == 0
