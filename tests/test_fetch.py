"""`zhenwei fetch` end to end against a loopback site: real Scrapy, real Chromium, real WARC.

The crawl runs once (module fixture) in a subprocess: the Twisted reactor cannot restart, and
the subprocess inherits the network guard through PYTHONPATH.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops
from warcio.archiveiterator import ArchiveIterator

from core.failures import FailureKind
from pipelines.capture import read_capture, verify_capture
from zhenwei.commands.fetch import command as fetch_command

pytestmark = pytest.mark.browser

TIMEOUT = 12  # --timeout: the hanging URL must come back with an error within it

GBK_TEXT = "特种作业操作证查询结果：有效"
HANZI = "证书查询"  # one per cell in /fonts


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (24, 24), (200, 20, 20)).save(buf, format="PNG")
    return buf.getvalue()


PNG = _png()

HOME = """<!doctype html><html><head><meta charset="utf-8"><title>特种作业操作证查询平台</title>
<link rel="icon" href="/favicon.png"></head><body>
<h1>特种作业操作证及安全生产知识和管理能力考核合格信息查询平台</h1>
<img src="/logo.png" alt="logo"><div id="app"></div>
<script>
document.getElementById('app').textContent = '脚本渲染' + '：查询结果有效';
alert('请使用微信扫码');
window.open('/popup', '_blank');
</script></body></html>"""

FONTS = (
    '<!doctype html><html><head><meta charset="utf-8"><title>fonts</title><style>'
    "body{margin:0;background:#fff} div{position:absolute;top:0;width:100px;height:100px;"
    "font-size:80px;line-height:100px;text-align:center;color:#000}</style></head><body>"
    + "".join(f'<div style="left:{i * 120}px">{ch}</div>' for i, ch in enumerate(HANZI))
    # U+E000 (private use) has a glyph in no font: it is drawn as the "tofu" box
    + f'<div style="left:{len(HANZI) * 120}px">\ue000</div>'
    + "</body></html>"
)


# Served fine, then the renderer is stuck in a loop: no screenshot can be taken of a live site.
BUSY = """<!doctype html><html><head><meta charset="utf-8"><title>忙碌页面</title></head>
<body><p>证书查询</p><script>setTimeout(() => { for (;;) {} }, 50);</script></body></html>"""


# An app shell that draws its view only after the network has been idle for a while (a busy
# machine makes any SPA clone look like this): it must not be photographed blank.
LATE = """<!doctype html><html><head><meta charset="utf-8"><title>查询</title></head>
<body><div id="app"></div><script>setTimeout(() => {
document.getElementById('app').textContent = '迟到的查询结果：证书有效'; }, 1200);</script>
</body></html>"""


class Site(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(
        self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?")[0]
        ua = self.headers.get("User-Agent", "")
        if path == "/":
            self._send(200, HOME.encode(), "text/html; charset=utf-8", {"X-Site": "home"})
        elif path == "/gbk":
            body = (
                '<html><head><meta charset="gbk"><title>证书查询</title></head>'
                f"<body><p>{GBK_TEXT}</p></body></html>"
            ).encode("gbk")
            self._send(200, body, "text/html")  # charset only in <meta>
        elif path == "/old":
            self._send(302, b"", "text/html", {"Location": "/hop"})
        elif path == "/hop":
            self._send(301, b"", "text/html", {"Location": "/gbk"})
        elif path in ("/logo.png", "/favicon.png"):
            self._send(200, PNG, "image/png")
        elif path == "/popup":
            self._send(200, b"<html><body>popup</body></html>", "text/html")
        elif path == "/download":
            self._send(
                200,
                b"MZ" + b"\0" * 4096,
                "application/octet-stream",
                {"Content-Disposition": 'attachment; filename="cert.exe"'},
            )
        elif path == "/cloak":
            text = "正规安全培训机构" if "Baiduspider" in ua else "证书查询入口"
            self._send(
                200,
                f"<html><head><title>{text}</title></head><body>{text}</body></html>".encode(),
                "text/html; charset=utf-8",
            )
        elif path == "/fonts":
            self._send(200, FONTS.encode(), "text/html; charset=utf-8")
        elif path == "/late":
            self._send(200, LATE.encode(), "text/html; charset=utf-8")
        elif path == "/busy":
            self._send(200, BUSY.encode(), "text/html; charset=utf-8")
        elif path == "/hang":
            time.sleep(120)  # accept, never answer
        else:
            self._send(404, b"not found", "text/plain")


@pytest.fixture(scope="module")
def site() -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def fetched(site: str, tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> dict:
    out = tmp_path_factory.mktemp("captures")
    urls = {
        "home": f"{site}/",
        "gbk": f"{site}/gbk",
        "redirect": f"{site}/old",
        "hang": f"{site}/hang",
        "download": f"{site}/download",
        "cloak": f"{site}/cloak",
        "fonts": f"{site}/fonts",
        "busy": f"{site}/busy",
        "late": f"{site}/late",
        "dead": f"http://127.0.0.1:{_closed_port()}/",
    }
    env = dict(os.environ)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "zhenwei.cli",
            "fetch",
            *urls.values(),
            "--out",
            str(out),
            "--timeout",
            str(TIMEOUT),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    lines = [line.split("\t") for line in proc.stdout.splitlines()]
    dirs = {line[0]: Path(line[3]) for line in lines if len(line) >= 5}
    pages = {name: read_capture(dirs[url]) for name, url in urls.items() if url in dirs}
    return {"proc": proc, "urls": urls, "dirs": dirs, "pages": pages, "out": out}


def test_every_url_gets_a_capture_and_exit_0(fetched: dict) -> None:
    proc = fetched["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert set(fetched["pages"]) == set(fetched["urls"]), proc.stdout
    for name, directory in fetched["dirs"].items():
        assert (directory / "page.json").is_file(), name


def test_page_json_hashes_match_files(fetched: dict) -> None:
    for directory in fetched["dirs"].values():
        assert verify_capture(directory) == []
        record = json.loads((directory / "page.json").read_text(encoding="utf-8"))
        for name, meta in record["files"].items():
            data = (directory / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == meta["sha256"]
            assert len(data) == meta["size"]
        assert record["tool"]["name"] == "zhenwei"
    home = fetched["dirs"][fetched["urls"]["home"]]
    names = json.loads((home / "page.json").read_text(encoding="utf-8"))["files"]
    assert {
        "screenshot.png",
        "viewport.png",
        "raw.html",
        "rendered.html",
        "visible.txt",
        "capture.warc.gz",
        "favicon.png",
        "dns.txt",
    } <= set(names)


def test_tampering_is_detected(fetched: dict) -> None:
    directory = fetched["dirs"][fetched["urls"]["cloak"]]
    target = directory / "raw.html"
    original = target.read_bytes()
    try:
        target.write_bytes(original + b"<!-- edited -->")
        assert verify_capture(directory) == ["raw.html: sha256 differs"]
    finally:
        target.write_bytes(original)


def test_warc_has_request_and_response_for_document_and_image(fetched: dict, site: str) -> None:
    page = fetched["pages"]["home"]
    records: dict[tuple[str, str], list] = {}
    with open(page.warc_path, "rb") as fh:
        for record in ArchiveIterator(fh):
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            body = record.content_stream().read()
            records.setdefault((record.rec_type, uri), []).append((record, body))
    assert ("warcinfo", "") in records or any(t == "warcinfo" for t, _ in records)
    for uri in (f"{site}/", f"{site}/logo.png"):
        assert ("request", uri) in records, sorted(records)
        assert ("response", uri) in records, sorted(records)
    response, body = records[("response", f"{site}/logo.png")][0]
    assert response.http_headers.get_statuscode() == "200"
    assert body == PNG
    _, doc = records[("response", f"{site}/")][0]
    assert doc == HOME.encode()
    # the plain (cloaking-check) fetches are in the same WARC
    crawler_requests = [
        r
        for r, _ in records[("request", f"{site}/")]
        if "Baiduspider" in (r.http_headers.get_header("User-Agent") or "")
    ]
    assert crawler_requests


def test_raw_and_rendered_html_differ_on_js_page(fetched: dict) -> None:
    page = fetched["pages"]["home"]
    assert page.raw_html == HOME
    assert "脚本渲染：查询结果有效" not in page.raw_html
    assert "脚本渲染：查询结果有效" in page.rendered_html
    assert "脚本渲染：查询结果有效" in page.visible_text
    assert page.title == "特种作业操作证查询平台"
    assert page.status == 200
    assert ("X-Site", "home") in page.headers
    assert page.favicon == PNG
    logo = [r for r in page.resources if r.url.endswith("/logo.png")]
    assert logo and logo[0].sha256 == hashlib.sha256(PNG).hexdigest()


def test_an_app_shell_drawing_late_is_captured_with_its_text(fetched: dict) -> None:
    page = fetched["pages"]["late"]
    assert "迟到的查询结果：证书有效" in page.visible_text
    assert "迟到的查询结果：证书有效" in page.rendered_html


def test_dialog_and_popup_did_not_block(fetched: dict) -> None:
    page = fetched["pages"]["home"]
    assert page.error is None
    assert any(e.startswith("dialog alert: 请使用微信扫码") for e in page.browser_events)
    # Chromium's popup blocker stays on (issue 9): a window.open without a click opens nothing.
    assert not any(e.startswith("popup") for e in page.browser_events)
    assert not any(r.url.endswith("/popup") for r in page.resources)


def test_gbk_page_decoded(fetched: dict) -> None:
    page = fetched["pages"]["gbk"]
    assert GBK_TEXT in page.raw_html
    assert GBK_TEXT in page.visible_text
    assert page.title == "证书查询"
    # the WARC keeps the bytes the server sent, not the browser's UTF-8 re-encoding
    with open(page.warc_path, "rb") as fh:
        bodies = [
            r.content_stream().read()
            for r in ArchiveIterator(fh)
            if r.rec_type == "response"
            and r.rec_headers.get_header("WARC-Target-URI").endswith("/gbk")
        ]
    assert bodies and all(GBK_TEXT.encode("gbk") in b for b in bodies)


def test_redirect_chain_recorded(fetched: dict, site: str) -> None:
    page = fetched["pages"]["redirect"]
    assert page.final_url == f"{site}/gbk"
    assert [(h.url, h.status, h.location) for h in page.redirects] == [
        (f"{site}/old", 302, f"{site}/hop"),
        (f"{site}/hop", 301, f"{site}/gbk"),
    ]
    assert GBK_TEXT in page.raw_html


def test_hanging_and_dead_sites_give_recorded_errors(fetched: dict) -> None:
    hang = fetched["pages"]["hang"]
    assert hang.error and "超时" in hang.error
    assert hang.timings["total_ms"] < TIMEOUT * 1000
    dead = fetched["pages"]["dead"]
    assert dead.error and "连接被拒绝" in dead.error
    for page in (hang, dead):
        assert page.status is None and page.screenshot_png == b""
    assert "超时" in fetched["proc"].stderr


def test_failures_are_typed(fetched: dict) -> None:
    pages = fetched["pages"]
    assert pages["dead"].failure is not None
    assert pages["dead"].failure.kind is FailureKind.CONNECT and pages["dead"].down
    assert pages["hang"].failure is not None and pages["hang"].failure.kind is FailureKind.TIMEOUT
    assert pages["download"].failure is not None
    assert pages["download"].failure.kind is FailureKind.DOWNLOAD and not pages["download"].down
    assert pages["home"].failure is None and pages["home"].problems == ()


def test_a_live_page_whose_screenshot_fails_is_not_down(fetched: dict) -> None:
    busy = fetched["pages"]["busy"]
    assert busy.status == 200 and busy.title == "忙碌页面"
    assert busy.failure is None and not busy.down
    assert [p.kind for p in busy.problems] == [FailureKind.SCREENSHOT]


def test_download_is_not_saved(fetched: dict) -> None:
    page = fetched["pages"]["download"]
    assert page.error and "下载" in page.error
    directory = fetched["dirs"][fetched["urls"]["download"]]
    for path in directory.iterdir():
        if path.name != "capture.warc.gz":
            assert b"MZ\0\0\0\0" not in path.read_bytes(), path.name


def test_cloaking_variants(fetched: dict) -> None:
    page = fetched["pages"]["cloak"]
    assert page.title == "证书查询入口"
    variants = {v.label: v for v in page.variants}
    assert set(variants) == {"crawler", "wechat"}
    assert variants["crawler"].title == "正规安全培训机构"
    assert variants["wechat"].title == "证书查询入口"
    assert "MicroMessenger" in variants["wechat"].user_agent
    assert "Chrome/" in page.user_agent and "MicroMessenger" not in page.user_agent


def test_screenshot_is_a_sensible_png(fetched: dict) -> None:
    page = fetched["pages"]["home"]
    full = Image.open(io.BytesIO(page.screenshot_png))
    view = Image.open(io.BytesIO(page.viewport_png))
    assert full.format == view.format == "PNG"
    assert full.width == 1366 and full.height >= 300
    assert view.size == (1366, 900)
    assert full.convert("L").getextrema()[0] < 100  # something dark was drawn


def test_chinese_renders_without_tofu(fetched: dict) -> None:
    shot = Image.open(io.BytesIO(fetched["pages"]["fonts"].screenshot_png)).convert("L")
    cells = [shot.crop((i * 120, 0, i * 120 + 100, 100)) for i in range(len(HANZI) + 1)]
    tofu = cells[-1]
    assert tofu.getextrema()[0] < 128, "the missing-glyph box should be drawn"
    for i, cell in enumerate(cells[:-1]):
        ink = sum(1 for p in cell.getdata() if p < 128)
        assert ink > 200, f"{HANZI[i]} drew nothing"
        assert ImageChops.difference(cell, tofu).getbbox() is not None, f"{HANZI[i]} is tofu"
        for other in cells[i + 1 : -1]:
            assert ImageChops.difference(cell, other).getbbox() is not None


@pytest.mark.parametrize("bad", ["ftp://example.com/", "http://exa mple.com/", "http://"])
def test_malformed_url_is_a_usage_error(bad: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(fetch_command, [bad, "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "URL" in result.output
