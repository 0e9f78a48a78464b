"""Item 9 of issue 9: the review UI in a real browser. Playwright drives Debian's Chromium
against a real `zhenwei serve` subprocess on loopback: log in, filter, open a lead, confirm,
see the audit entry; hostile strings stay inert; logout ends the session for a replayed cookie."""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from test_web import png, scored

from core.config import Settings
from core.types import WhoisFacts
from storage.db import Database
from storage.repository import Repository

ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: each payload names an element id, so "no injected element" is a query, and calls alert()
XSS = {
    "title": "<img id=xss-title src=x onerror=alert('title')>特种作业操作证查询",
    "url": "http://cx-mem-xss.top/\"><svg id=xss-url onload=alert('url')>",
    "note": "</textarea><script id=xss-note>alert('note')</script><b id=xss-note2>粗体</b>",
    "whois": "<iframe id=xss-whois srcdoc=\"<script>parent.alert('whois')</script>\"></iframe>",
}
PASSWORD = "browser-analyst-pw"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(env: dict[str, str]) -> None:
    db = Database.from_settings(Settings.from_env(env))
    repo = Repository(db)
    hostile = scored("cx-mem-xss.top", 97, "counterfeit", title=XSS["title"], shot=png())
    page = dataclasses.replace(
        hostile.page,
        url=XSS["url"],
        final_url=XSS["url"],
        whois=WhoisFacts(
            domain="cx-mem-xss.top",
            server="whois.example",
            registrar=XSS["whois"],
            registrant=XSS["whois"],
            created=datetime(2026, 9, 1, tzinfo=UTC),
            raw=XSS["whois"],
        ),
    )
    repo.leads.record(dataclasses.replace(hostile, page=page), run_id=None)
    repo.leads.record(
        scored("peixun-school.example", 8, "benign", title="安全培训学校"), run_id=None
    )
    repo.users.add("li", "analyst", PASSWORD)
    db.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    env = {"ZHENWEI_DATA_DIR": str(tmp_path / "data")}
    _seed(env)
    port = _free_port()
    proc_env = {**os.environ, **env}
    proc_env.pop("ZHENWEI_SECRET_KEY", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "zhenwei.cli", "serve", "--port", str(port)],
        env=proc_env,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/login", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("zhenwei serve did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


@pytest.fixture
def browser(chromium_path: Path) -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(chromium_path), args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _injected(page: Page) -> list[str]:
    return page.eval_on_selector_all("[id^=xss]", "els => els.map(e => e.id)")


@pytest.mark.browser
def test_review_flow_in_chromium(server: str, browser: Browser) -> None:
    context = browser.new_context()
    dialogs: list[str] = []
    page = context.new_page()
    context.on("page", lambda p: dialogs.append(f"popup {p.url}"))  # no window may open
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    page.goto(f"{server}/leads")
    assert page.url.endswith("/login")
    page.fill("input[name=name]", "li")
    page.fill("input[name=password]", PASSWORD)
    page.click("form:not(.logout) button[type=submit]")
    page.wait_for_url(f"{server}/leads")
    assert "peixun-school.example" in page.inner_text("table.queue")

    page.select_option("select[name=verdict]", "counterfeit")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/leads?*verdict=counterfeit*")
    queue = page.inner_text("table.queue")
    assert "cx-mem-xss.top" in queue and "peixun-school.example" not in queue
    assert XSS["title"] in queue  # shown as text
    assert _injected(page) == []

    page.click("text=cx-mem-xss.top")
    page.wait_for_url("**/leads/*")
    assert page.inner_text("dd.url") == XSS["url"]
    assert page.inner_text("dd.title") == XSS["title"]
    page.click("summary:has-text('WHOIS')")  # the WHOIS facts, opened
    assert "xss-whois" in page.inner_text("section.captures")
    assert _injected(page) == []

    page.click("button.act-reviewing")
    page.wait_for_load_state()
    page.fill("textarea[name=note]", XSS["note"])
    page.click("button.act-confirm")
    page.wait_for_selector("p.flash")
    history = page.inner_text("section.history")
    assert "确认仿冒" in history and XSS["note"] in history and "li" in history
    assert "审计链完整" in history
    assert page.inner_text("dd .s-confirmed") == "已确认"
    assert _injected(page) == []

    cookies = context.cookies()
    page.click("form.logout button")
    page.wait_for_url(f"{server}/login")
    replay = browser.new_context()
    replay.add_cookies(cookies)  # type: ignore[arg-type]
    old = replay.new_page()
    old.goto(f"{server}/leads")
    assert old.url.endswith("/login")  # the old cookie no longer signs anyone in
    replay.close()
    assert dialogs == []
    context.close()
