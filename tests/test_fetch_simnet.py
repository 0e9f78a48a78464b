"""`zhenwei fetch` through the simulated internet: proxy, DNS, WHOIS and TLS of the network path.

One `zhenwei fetch` subprocess per identity (the reactor cannot restart); sites come from
simworld/world (genuine https platform, GBK, cloaked, redirecting, JS-rendered, QR result).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.types import Page
from pipelines.capture import read_capture, verify_capture

pytestmark = pytest.mark.browser

URLS = {
    "genuine": "https://cx.mem.gov.cn/",
    "gbk": "http://anquan-zscx.com/cms/html/certQuery/certQuery.do?method=getCertQueryIndex",
    "cloaked": "http://mem-zscx.com/",
    "redirect": "http://mem-gov.cc/",
    "js": "http://yjglb-zscx.net/",
    "unknown": "https://no-such-site-zw.cn/",
}
QR_URL = "https://zs-cx.top/cert/verify?no=T370102199508182048"


def _run(urls: list[str], out: Path, env: dict[str, str], *extra: str) -> dict[str, Page]:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "zhenwei.cli",
            "fetch",
            *urls,
            "--out",
            str(out),
            "--timeout",
            "30",
            *extra,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    pages = {}
    for line in proc.stdout.splitlines():
        url, _status, _title, directory, _files = line.split("\t")
        assert verify_capture(Path(directory)) == []
        pages[url] = read_capture(Path(directory))
    assert set(pages) == set(urls)
    return pages


@pytest.fixture(scope="module")
def pages(simnet, chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Page]:  # type: ignore[no-untyped-def]
    env = {**os.environ, **simnet.env}
    fetched = _run(list(URLS.values()), tmp_path_factory.mktemp("simnet-captures"), env)
    return {name: fetched[url] for name, url in URLS.items()}


def test_genuine_site_with_facts(pages: dict[str, Page]) -> None:
    page = pages["genuine"]
    assert page.error is None and page.status == 200
    assert page.final_url.startswith("https://cx.mem.gov.cn/")
    assert page.screenshot_png.startswith(b"\x89PNG")
    assert page.tls is not None and page.tls.verified and page.tls.error is None
    assert "cx.mem.gov.cn" in page.tls.sans and page.tls.pem.startswith("-----BEGIN CERTIFICATE")
    assert page.dns is not None and page.dns.a and page.dns.error is None
    assert page.whois is not None and page.whois.domain == "mem.gov.cn" and page.whois.raw
    assert (
        Path(page.capture_dir, "tls.pem").is_file()
        and Path(page.capture_dir, "whois.txt").is_file()
    )


def test_gbk_site_decoded(pages: dict[str, Page]) -> None:
    page = pages["gbk"]
    assert page.error is None
    assert "特种作业" in page.raw_html and "特种作业" in page.visible_text
    assert "\ufffd" not in page.raw_html


def test_cloaked_site_shows_crawlers_a_decoy(pages: dict[str, Page]) -> None:
    page = pages["cloaked"]
    crawler = {v.label: v for v in page.variants}["crawler"]
    wechat = {v.label: v for v in page.variants}["wechat"]
    assert crawler.visible_text != page.visible_text
    assert wechat.title == page.title != crawler.title


def test_redirect_chain(pages: dict[str, Page]) -> None:
    page = pages["redirect"]
    assert page.final_url.startswith("http://cx.zscx-mem.top/")
    hops = [(h.url, h.status) for h in page.redirects]
    assert hops[0] == ("http://mem-gov.cc/", 302)
    assert len(hops) >= 2 and all(300 <= status < 400 for _, status in hops)


def test_js_rendered_site(pages: dict[str, Page]) -> None:
    page = pages["js"]
    assert page.error is None
    assert len(page.visible_text) > 20
    assert page.visible_text[:20] not in page.raw_html
    assert any(r.url.endswith(".js") and r.status == 200 for r in page.resources)


def test_unknown_host_is_a_recorded_error(pages: dict[str, Page]) -> None:
    page = pages["unknown"]
    assert page.error
    assert page.status is None


def test_qr_result_page_fetched_as_wechat_on_a_phone(simnet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, **simnet.env}
    page = _run([QR_URL], tmp_path, env, "--mobile", "--no-variants")[QR_URL]
    assert page.error is None and page.status == 200
    assert "MicroMessenger" in page.user_agent
    assert page.variants == ()
    from io import BytesIO

    from PIL import Image

    assert Image.open(BytesIO(page.viewport_png)).width == 390 * 2  # phone viewport, 2x
