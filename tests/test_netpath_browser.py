"""Chromium options: the proxy from settings (NO_PROXY as bypass), discreet identity; real Chromium."""

from __future__ import annotations

import os

import pytest
from netpath_servers import origin, proxy
from playwright.sync_api import sync_playwright

from core.config import DESKTOP_UA, WECHAT_UA, ProxySettings, Settings
from core.netpath.browser import CHROMIUM_PATH, context_options, launch_options


def test_launch_options_carry_the_proxy_and_no_proxy():
    settings = Settings.from_env(
        {"HTTPS_PROXY": "http://user:p%40ss@127.0.0.2:3128", "NO_PROXY": "mem.gov.cn,.internal"}
    )
    options = launch_options(settings)
    assert options["executable_path"] == CHROMIUM_PATH == "/usr/bin/chromium"
    assert options["headless"] is True
    for arg in (
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-sandbox",
        "--disable-quic",
    ):
        assert arg in options["args"]
    assert options["proxy"] == {
        "server": "http://127.0.0.2:3128",
        "bypass": "<-loopback>,chromium-disabled.invalid,mem.gov.cn,*.mem.gov.cn,internal,*.internal",
        "username": "user",
        "password": "p@ss",
    }


def test_no_proxy_configured_or_wildcard_means_no_proxy_option():
    assert "proxy" not in launch_options(Settings())
    wildcard = Settings(proxy=ProxySettings(http="http://p:1", no_proxy=("*",)))
    assert "proxy" not in launch_options(wildcard)


def test_context_options_desktop_and_wechat():
    desktop = context_options(Settings())
    assert desktop["user_agent"] == DESKTOP_UA
    assert desktop["viewport"] == {"width": 1366, "height": 900}
    assert desktop["locale"] == "zh-CN" and desktop["timezone_id"] == "Asia/Shanghai"
    assert desktop["ignore_https_errors"] is True and desktop["accept_downloads"] is False
    assert "is_mobile" not in desktop
    mobile = context_options(Settings(), mobile=True)
    assert mobile["user_agent"] == WECHAT_UA and "MicroMessenger" in mobile["user_agent"]
    assert mobile["viewport"] == {"width": 390, "height": 844}
    assert mobile["is_mobile"] and mobile["has_touch"] and mobile["device_scale_factor"] == 2


@pytest.mark.browser
def test_chromium_goes_through_the_proxy_and_honours_no_proxy(chromium_path):
    with proxy() as p, origin() as direct:
        settings = Settings(proxy=ProxySettings(http=p.url, https=p.url, no_proxy=("localhost",)))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(**launch_options(settings))
            try:
                page = browser.new_context(**context_options(settings, mobile=True)).new_page()
                page.goto("http://fake-mem.test/special?index=0")
                proxied = page.inner_text("body")
                page.goto(f"http://127.0.0.1:{direct.port}/loopback")  # not in NO_PROXY
                loopback = page.inner_text("body")
                page.goto(f"http://localhost:{direct.port}/bypass")  # in NO_PROXY
                bypassed = page.inner_text("body")
            finally:
                browser.close()
    assert proxied == "proxied http://fake-mem.test/special?index=0"
    assert loopback == f"proxied http://127.0.0.1:{direct.port}/loopback"
    assert bypassed == f"origin localhost:{direct.port}/bypass"
    # nothing but the pages: no Google services (Debian's wrapper enables them), no favicon extras
    assert [t for k, t in p.log if "favicon" not in t] == [
        "http://fake-mem.test/special?index=0",
        f"http://127.0.0.1:{direct.port}/loopback",
    ]
    assert (f"localhost:{direct.port}", "/bypass") in direct.requests


def test_our_disable_features_keep_every_entry_of_playwrights_own():
    """Chromium keeps only the last --disable-features: ours must repeat Playwright's list, so a
    Playwright upgrade that changes it must fail here (read from the installed driver)."""
    import re
    from pathlib import Path

    import playwright

    from core.netpath.browser import DISABLE_FEATURES_ARG, PLAYWRIGHT_DISABLED_FEATURES

    bundle = Path(playwright.__file__).parent / "driver/package/lib/coreBundle.js"
    source = bundle.read_text("utf-8")
    block = re.search(r"disabledFeatures = \[(.*?)\]", source, re.S)
    assert block is not None, "Playwright's disabledFeatures list moved: re-read it"
    theirs = set(re.findall(r'^\s*"([A-Za-z0-9]+)"', block.group(1), re.M))
    assert theirs and theirs == set(PLAYWRIGHT_DISABLED_FEATURES)
    assert set(DISABLE_FEATURES_ARG.split("=", 1)[1].split(",")) >= theirs
    assert sum(a.startswith("--disable-features=") for a in launch_options(Settings())["args"]) == 1


@pytest.mark.browser
def test_no_renderer_for_the_invisible_omnibox_popup(chromium_path):
    from crawler.watchdog import descendants

    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options(Settings()))
        try:
            page = browser.new_context().new_page()
            page.set_content("<html><body>证书查询</body></html>")
            page.wait_for_timeout(1000)
            cmdlines = []
            for pid in descendants(os.getpid()):
                try:
                    cmdlines.append(open(f"/proc/{pid}/cmdline", "rb").read())
                except OSError:
                    continue
        finally:
            browser.close()
    renderers = [c for c in cmdlines if b"--type=renderer" in c.replace(b"\0", b" ")]
    assert renderers, "the page's renderer was found"
    assert not [c for c in renderers if b"--top-chrome-webui" in c.replace(b"\0", b" ")]
