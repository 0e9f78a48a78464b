"""write_capture / read_capture round trip, and the WARC writer, without a browser."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from core.failures import Failure, FailureKind
from core.types import (
    DnsFacts,
    ImageAsset,
    Page,
    PageVariant,
    RedirectHop,
    Resource,
    TlsFacts,
    WhoisFacts,
)
from crawler.warc import Exchange, write_warc
from pipelines.capture import read_capture, verify_capture, write_capture

WHEN = datetime(2026, 9, 14, 3, 12, tzinfo=UTC)


def _page(warc: Path) -> Page:
    return Page(
        url="cx-mem-gov.cn",
        final_url="http://cx-mem-gov.cn/special?index=0",
        status=200,
        fetched_at=WHEN,
        user_agent="Mozilla/5.0 Chrome/124",
        redirects=(
            RedirectHop("http://cx-mem-gov.cn/", 302, "http://cx-mem-gov.cn/special?index=0"),
        ),
        headers=(
            ("Content-Type", "text/html; charset=gbk"),
            ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
        ),
        raw_html="<html><title>特种作业操作证查询</title></html>",
        rendered_html="<html><title>特种作业操作证查询</title><body>渲染</body></html>",
        title="特种作业操作证查询",
        visible_text="渲染",
        screenshot_png=b"\x89PNG full",
        viewport_png=b"\x89PNG view",
        favicon=b"\x00\x00\x01\x00icon",
        resources=(
            Resource("http://cx-mem-gov.cn/logo.png", 200, "image/png", 4, "ab" * 32, "image"),
        ),
        tls=TlsFacts(
            False,
            "自签名证书",
            "CN=Bad CA",
            "CN=cx-mem-gov.cn",
            ("cx-mem-gov.cn",),
            WHEN,
            None,
            "-----BEGIN CERTIFICATE-----\n",
        ),
        dns=DnsFacts(
            "cx-mem-gov.cn",
            a=("47.242.10.21",),
            ns=("ns1.dnsowl.com",),
            raw="cx-mem-gov.cn. A 47.242.10.21\n",
        ),
        whois=WhoisFacts(
            "cx-mem-gov.cn",
            "whois.cnnic.cn",
            registrar="NameSilo",
            created=WHEN,
            status=("ok",),
            raw="Domain Name: cx-mem-gov.cn\n",
        ),
        timings={"navigation_ms": 12.5, "problems": ["favicon: none"]},
        problems=(Failure.of(FailureKind.SCREENSHOT, "timeout"),),
        source="permutations",
        variants=(
            PageVariant(
                "Baiduspider",
                "crawler",
                200,
                "http://cx-mem-gov.cn/",
                "培训",
                "正规培训",
                "<p>正规培训</p>",
            ),
        ),
        images=(ImageAsset("http://cx-mem-gov.cn/logo.png", "cd" * 32, "ffee"),),
        warc_path=str(warc),
        browser_events=("dialog alert: 恭喜",),
    )


def _warc(path: Path) -> Path:
    ex = Exchange(
        url="http://cx-mem-gov.cn/",
        method="GET",
        request_headers=(("User-Agent", "Mozilla/5.0"),),
        request_body=b"",
        started_at=WHEN,
        status=200,
        reason="OK",
        response_headers=(("Content-Type", "text/html"), ("Content-Encoding", "gzip")),
        body="<p>证书</p>".encode("gbk"),
        resource_type="document",
    )
    failed = Exchange("http://cx-mem-gov.cn/x.apk", "GET", (), b"", WHEN, failure="net::ERR_FAILED")
    return write_warc(path, [ex, failed], {"isPartOf": "http://cx-mem-gov.cn/"})


def test_round_trip(tmp_path: Path) -> None:
    warc = _warc(tmp_path / "work" / "x.warc.gz")
    page = _page(warc)
    out = write_capture(page, tmp_path / "capture")
    assert (out / "capture.warc.gz").read_bytes() == warc.read_bytes()
    back = read_capture(out)
    expected = dataclasses.replace(
        page, capture_dir=str(out), warc_path=str(out / "capture.warc.gz")
    )
    assert back == expected


def test_page_json_lists_every_file_with_its_hash(tmp_path: Path) -> None:
    out = write_capture(_page(_warc(tmp_path / "w.warc.gz")), tmp_path / "c")
    record = json.loads((out / "page.json").read_text(encoding="utf-8"))
    on_disk = {p.name for p in out.iterdir()} - {"page.json"}
    assert set(record["files"]) == on_disk
    assert {
        "screenshot.png",
        "viewport.png",
        "raw.html",
        "rendered.html",
        "visible.txt",
        "favicon.ico",
        "dns.txt",
        "whois.txt",
        "tls.pem",
        "variant-crawler.html",
        "capture.warc.gz",
    } == on_disk
    for name, meta in record["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == meta["sha256"]
    assert record["title"] == "特种作业操作证查询"  # not escaped
    assert record["fetched_at"] == "2026-09-14T03:12:00+00:00"
    assert verify_capture(out) == []
    (out / "tls.pem").unlink()
    assert verify_capture(out) == ["tls.pem: missing"]


def test_warc_records(tmp_path: Path) -> None:
    warc = _warc(tmp_path / "w.warc.gz")
    with warc.open("rb") as fh:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r)
            for r in ArchiveIterator(fh)
        ]
        kinds = [(t, u) for t, u, _ in records]
    assert kinds[0][0] == "warcinfo"
    assert ("response", "http://cx-mem-gov.cn/") in kinds and (
        "request",
        "http://cx-mem-gov.cn/",
    ) in kinds
    # a request that got no answer is still recorded, with why
    assert ("request", "http://cx-mem-gov.cn/x.apk") in kinds
    assert ("response", "http://cx-mem-gov.cn/x.apk") not in kinds
    with warc.open("rb") as fh:
        for r in ArchiveIterator(fh):
            if r.rec_type == "response":
                assert r.http_headers.get_header("Content-Encoding") is None  # body stored decoded
                assert r.content_stream().read() == "<p>证书</p>".encode("gbk")
                assert r.rec_headers.get_header("WARC-Date") == "2026-09-14T03:12:00.000000Z"
