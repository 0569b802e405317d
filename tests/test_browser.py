"""The app as a person sees it: a real Chromium against `coach serve` on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import missing_tool
from tests.support.net import free_port

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _coach(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[str]:
    """`coach init` then `coach serve` on a free loopback port; stopped after the test."""
    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path / "data")}
    _coach("init", env=env)
    port = free_port()
    log_path = tmp_path / "serve.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "coach.cli", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # bounded wait for the port to open
            if server.poll() is not None:
                pytest.fail(f"coach serve exited: {log_path.read_text()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture
def page(tmp_path: Path):
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        missing_tool("Chromium is not installed (Debian package: chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("the playwright Python package is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


def test_home_page_in_a_real_browser(live_app, page, tmp_path):
    page.goto(live_app)
    assert page.title().startswith("coach")
    assert page.get_by_role("status").inner_text().startswith("The practice UI is on its way")
    rows = page.locator("tbody tr")
    assert rows.count() >= 3
    assert page.get_by_text("crm-logistics-discovery").is_visible()
    assert page.get_by_text("study-abroad-ielts-zh").is_visible()
    shot = Path(os.environ.get("COACH_SCREENSHOT_DIR", tmp_path)) / "home.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.goto(f"{live_app}/api/health")
    assert '"database":"ok"' in page.content().replace(" ", "")
