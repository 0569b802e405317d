"""The trainer's Content tab in a real browser: open a seed, break it, fix it, save a copy.

The saved scenario must then be offered in the practice picker; in Chinese, the seed cannot
be deleted and the copy can. Screenshots in both languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
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
SEED = ROOT / "seeds" / "scenarios" / "crm-logistics-discovery.yaml"
NEW_ID = "crm-logistics-trainer-copy"
NEW_TITLE = "CRM discovery, trainer copy"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with browser_app(tmp_path_factory, "content-web") as running:
        yield running


def _copy(text: str) -> str:
    """The seed under a new id and title."""
    text = re.sub(r"^id: .*$", f"id: {NEW_ID}", text, count=1, flags=re.M)
    return re.sub(r"^title: .*$", f"title: {NEW_TITLE}", text, count=1, flags=re.M)


def _broken(text: str) -> tuple[str, int]:
    """The first key point's examples turned into a number, and the line where that is."""
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("examples:"))
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    # a block list of examples continues on the more indented lines below: drop them too
    end = index + 1
    while end < len(lines) and lines[end].startswith(indent + " "):
        end += 1
    lines[index:end] = [f"{indent}examples: 12"]
    return "\n".join(lines) + "\n", index + 1


def _type_into_editor(page, text: str) -> None:
    page.click("#content-editor .cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)
    page.wait_for_timeout(500)


def test_a_trainer_fixes_a_broken_scenario_and_saves_a_copy(app, tmp_path: Path):
    seed = SEED.read_text(encoding="utf-8")
    broken, line = _broken(_copy(seed))
    with browser(silent_wav(tmp_path)) as context:
        page = context.new_page()
        sign_in(page, app, "trainer", "demo-trainer-pass")
        open_tab(page, "Content")
        page.wait_for_selector("#content-scenarios .content-scenario-list", timeout=60_000)
        assert "crm-logistics-discovery" in page.locator("#content-scenarios").inner_text()
        pick(page, "#content-item", re.compile("crm-logistics-discovery"))
        page.click("#content-open")
        page.wait_for_selector("#content-preview .content-preview-points", timeout=60_000)
        assert "crm-logistics-discovery" in page.locator("#content-editor").inner_text()
        _type_into_editor(page, broken)
        page.click("#content-validate")
        page.wait_for_selector("#content-issues", timeout=60_000)
        issues = page.locator("#content-issues").inner_text()
        assert f"line {line}, key_points[0].examples" in issues
        _type_into_editor(page, _copy(seed))
        page.click("#content-validate")
        page.wait_for_selector("#content-notice .coach-notice.info", timeout=60_000)
        page.click("#content-save")
        page.wait_for_function(
            "(id) => (document.querySelector('#content-notice')?.innerText || '').includes(id)",
            arg=NEW_ID,
            timeout=60_000,
        )
        assert NEW_ID in page.locator("#content-scenarios").inner_text()
        shot(page, "en-trainer-content")
        open_tab(page, "Home")
        pick(page, "#pick-scenario", re.compile(NEW_TITLE))
        assert NEW_TITLE in page.locator("#pick-scenario input").input_value()
    with browser(silent_wav(tmp_path), locale="zh-CN") as context:
        page = context.new_page()
        sign_in(page, app, "trainer", "demo-trainer-pass")
        page.goto(f"{app.url}/zh/")
        page.wait_for_selector("#recent-scores", timeout=60_000)
        open_tab(page, "内容")
        page.wait_for_selector("#content-scenarios .content-scenario-list", timeout=60_000)
        assert NEW_ID in page.locator("#content-scenarios").inner_text()
        pick(page, "#content-template-language", "普通话")
        page.click("#content-template")
        page.wait_for_selector("#content-preview .content-preview-flow", timeout=60_000)
        page.click("#content-validate")
        # the template's own notice is also "info": wait for the validation's words
        page.wait_for_function(
            "(w) => (document.querySelector('#content-notice')?.innerText || '').includes(w)",
            arg="没有发现问题",
            timeout=60_000,
        )
        shot(page, "zh-trainer-content")
        # Delete: a seed is refused with the reason, the trainer's copy goes (after a confirm).
        for item_id, said in (("crm-logistics-discovery", "内置"), (NEW_ID, "已删除")):
            pick(page, "#content-item", re.compile(re.escape(item_id)))
            page.click("#content-delete")
            page.wait_for_selector("#content-delete-confirm", state="visible", timeout=60_000)
            page.click("#content-delete-confirm")
            page.wait_for_function(
                "(w) => (document.querySelector('#content-notice')?.innerText || '').includes(w)",
                arg=said,
                timeout=60_000,
            )
        page.wait_for_selector("#content-delete-confirm", state="hidden", timeout=60_000)
        listed = page.locator("#content-scenarios").inner_text()
        assert NEW_ID not in listed and "crm-logistics-discovery" in listed
        shot(page, "zh-trainer-content-deleted")


def test_a_rep_has_no_content_tab(app, tmp_path: Path):
    with browser(silent_wav(tmp_path)) as context:
        page = context.new_page()
        sign_in(page, app, "rep")
        assert page.get_by_role("tab", name="Content").count() == 0
