"""The simnet forward proxy, through real sockets: httpx over http and https, and Chromium."""

from __future__ import annotations

import io
import socket
import ssl
import zipfile

import httpx
import pytest

from core.config import WECHAT_UA
from simworld import SimulatedInternet


def client(net: SimulatedInternet, **kw) -> httpx.Client:
    return httpx.Client(proxy=net.proxy_url, verify=str(net.ca_cert_path), timeout=10, **kw)


def test_http_and_https_serve_files_and_subresources(tiny_net):
    with client(tiny_net) as c:
        page = c.get("http://cx-mem-gov.cn/")
        secure = c.get("https://www.cx-mem-gov.cn/")
        logo = c.get("https://cx-mem-gov.cn/logo.png")
        js = c.get("https://cx-mem-gov.cn/app.js")
        sub = c.get("http://cx-mem-gov.cn/sub/")
        missing = c.get("http://cx-mem-gov.cn/nothing.html")
    assert page.status_code == 200 and "特种作业操作证查询" in page.text
    assert secure.text == page.text
    assert logo.headers["content-type"] == "image/png" and logo.content.startswith(b"\x89PNG")
    assert "javascript" in js.headers["content-type"]
    assert sub.text == "sub index"
    assert missing.status_code == 404


def test_keep_alive_reuses_one_connection(tiny_net):
    tiny_net.log.clear()
    with client(tiny_net) as c:
        for _ in range(3):
            assert c.get("https://cx-mem-gov.cn/logo.png").status_code == 200
    connects = [e for e in tiny_net.log.for_host("cx-mem-gov.cn") if e.kind == "connect"]
    assert len(connects) == 1


def test_gbk_route_is_reencoded(tiny_net):
    with client(tiny_net) as c:
        r = c.get("http://cx-mem-gov.cn/gbk")
    assert r.headers["content-type"] == "text/html; charset=gbk"
    assert "应急管理部".encode("gbk") in r.content
    assert "应急管理部".encode() not in r.content
    assert r.text.count("应急管理部") == 1


def test_user_agent_cloaking(tiny_net):
    with client(tiny_net) as c:
        wechat = c.get("http://cx-mem-gov.cn/cloak", headers={"User-Agent": WECHAT_UA})
        crawler = c.get("http://cx-mem-gov.cn/cloak", headers={"User-Agent": "Mozilla/5.0 Chrome"})
    assert "证书有效" in wechat.text
    assert "nothing here" in crawler.text


def test_redirect_chain_and_exact_query_routes(tiny_net):
    with client(tiny_net, follow_redirects=True) as c:
        r = c.get("https://cx-mem-gov.cn/r1")
        special = c.get("http://cx-mem-gov.cn/special?index=0")
        other = c.get("http://cx-mem-gov.cn/special?index=1")
        api = c.get("http://cx-mem-gov.cn/api/v1/query?x=1")
    assert [h.status_code for h in r.history] == [302, 301]
    assert r.history[0].headers["location"] == "/r2"
    assert str(r.url) == "http://cx-mem-gov.cn/"
    assert special.text == "special-0" and special.headers["x-kit"] == "a"
    assert other.status_code == 404
    assert api.json() == {"code": 200} and api.headers["content-type"] == "application/json"


def test_error_status_slow_and_hang(tiny_net):
    with client(tiny_net) as c:
        assert c.get("http://cx-mem-gov.cn/err").status_code == 503
        assert c.get("http://cx-mem-gov.cn/slow").text == "slow"
        with pytest.raises(httpx.ReadTimeout):
            c.get("http://cx-mem-gov.cn/hang", timeout=0.5)
    hung = [e for e in tiny_net.log.for_host("cx-mem-gov.cn") if e.path == "/hang"]
    assert hung and hung[-1].status is None


def test_unknown_host_and_unserved_scheme_are_unresolvable(tiny_net):
    with client(tiny_net) as c:
        r = c.get("http://no-such-host.example/")
        assert r.status_code == 502 and r.headers["x-simnet-error"] == "unresolvable"
        r = c.get("http://selfsigned-mem.xyz/")  # https only
        assert r.status_code == 502 and r.headers["x-simnet-error"] == "unresolvable"
        with pytest.raises(httpx.ProxyError):
            c.get("https://no-such-host.example/")


def test_direct_request_with_host_header(tiny_net):
    host, port = tiny_net.proxy_url.removeprefix("http://").split(":")
    r = httpx.get(f"http://{host}:{port}/special?index=0", headers={"Host": "cx-mem-gov.cn"})
    assert r.text == "special-0"


def test_wildcard_and_idn_hosts(tiny_net):
    with client(tiny_net) as c:
        assert c.get("http://anything.deep.mem-zw.com/x").text == "wildcard page"
        assert c.get("http://xn--extu8ah31brfhgw1a.cn/").text == "idn"


def test_untrusted_and_expired_certificates(tiny_net):
    with client(tiny_net) as c:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            c.get("https://selfsigned-mem.xyz/")
        with pytest.raises(httpx.ConnectError, match="expired"):
            c.get("https://expired-mem.top/")
    with httpx.Client(proxy=tiny_net.proxy_url, verify=False) as c:
        assert c.get("https://selfsigned-mem.xyz/").status_code == 404
        assert c.get("https://expired-mem.top/").status_code == 404


def test_certificate_names_and_issuer(tiny_net):
    """The leaf carries the site's names and issuer, verified by Python's ssl through CONNECT."""
    host, port = tiny_net.proxy_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        raw.sendall(
            b"CONNECT www.cx-mem-gov.cn:443 HTTP/1.1\r\nHost: www.cx-mem-gov.cn:443\r\n\r\n"
        )
        assert raw.recv(4096).startswith(b"HTTP/1.1 200")
        ctx = ssl.create_default_context(cafile=str(tiny_net.ca_cert_path))
        with ctx.wrap_socket(raw, server_hostname="www.cx-mem-gov.cn") as tls:
            cert = tls.getpeercert()
    sans = {v for k, v in cert["subjectAltName"]}
    assert sans == {"cx-mem-gov.cn", "www.cx-mem-gov.cn"}
    issuer = dict(x[0] for x in cert["issuer"])
    assert issuer["organizationName"] == "Let's Encrypt"


def test_fault_injection(tiny_net):
    try:
        tiny_net.fault("www.cx-mem-gov.cn", status=502)
        with client(tiny_net) as c:
            assert c.get("https://cx-mem-gov.cn/").status_code == 502
        tiny_net.fault("cx-mem-gov.cn", down=True)
        with client(tiny_net) as c:
            r = c.get("http://cx-mem-gov.cn/")
            assert r.status_code == 502 and r.headers["x-simnet-error"] == "down"
            with pytest.raises(httpx.ProxyError):
                c.get("https://cx-mem-gov.cn/")
        tiny_net.fault("cx-mem-gov.cn", hang=True)
        with client(tiny_net) as c, pytest.raises(httpx.ReadTimeout):
            c.get("http://cx-mem-gov.cn/", timeout=0.5)
    finally:
        tiny_net.clear_faults()
    with client(tiny_net) as c:
        assert c.get("http://cx-mem-gov.cn/").status_code == 200


def test_huge_body_streams_and_download(tiny_net):
    limit = 2 * 1024 * 1024
    with client(tiny_net) as c:
        with c.stream("GET", "http://cx-mem-gov.cn/huge") as r:
            assert int(r.headers["content-length"]) >= 200 * 1024 * 1024
            got = 0
            for chunk in r.iter_raw():
                got += len(chunk)
                if got > limit:
                    break
        assert got > limit
        dl = c.get("http://cx-mem-gov.cn/download")
    assert "attachment" in dl.headers["content-disposition"]
    assert zipfile.ZipFile(io.BytesIO(dl.content)).namelist()


def test_request_log_records_user_agent_and_jsonl(tiny_net):
    tiny_net.log.clear()
    with client(tiny_net) as c:
        c.get("http://cx-mem-gov.cn/?a=1", headers={"User-Agent": "probe-ua"})
    entries = tiny_net.log.for_host("cx-mem-gov.cn")
    assert [(e.kind, e.method, e.path, e.user_agent, e.status) for e in entries] == [
        ("http", "GET", "/?a=1", "probe-ua", 200)
    ]
    assert "probe-ua" in (tiny_net.workdir / "requests.jsonl").read_text("utf-8")


def test_stop_closes_hanging_connections_and_frees_ports(tiny_world, tmp_path):
    net = SimulatedInternet(tiny_world, workdir=tmp_path).start()
    port = int(net.proxy_url.rsplit(":", 1)[1])
    dns_port = net.dns_address[1]
    hanging = socket.create_connection(("127.0.0.1", port), timeout=5)
    hanging.sendall(b"GET http://cx-mem-gov.cn/hang HTTP/1.1\r\nHost: cx-mem-gov.cn\r\n\r\n")
    with httpx.Client(proxy=net.proxy_url, timeout=5) as c:
        assert c.get("http://cx-mem-gov.cn/").status_code == 200
    net.stop()
    assert hanging.recv(100) == b""  # the server closed the hanging connection
    hanging.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)
    for kind, p in (
        (socket.SOCK_STREAM, port),
        (socket.SOCK_DGRAM, dns_port),
        (socket.SOCK_STREAM, dns_port),
    ):
        s = socket.socket(socket.AF_INET, kind)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", p))
        s.close()


@pytest.mark.browser
def test_chromium_loads_https_page_with_image_and_script(tiny_net, chromium_path):
    from playwright.sync_api import sync_playwright

    tiny_net.log.clear()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(chromium_path),
            args=[
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-sandbox",
            ],
            proxy={"server": tiny_net.proxy_url},
        )
        try:
            page = browser.new_context(ignore_https_errors=True).new_page()
            page.goto("https://cx-mem-gov.cn/", wait_until="load", timeout=30000)
            injected = page.text_content("#injected")
            width = page.evaluate("document.getElementById('logo').naturalWidth")
            title = page.title()
        finally:
            browser.close()
    assert title == "特种作业操作证查询"
    assert injected == "脚本注入的内容"
    assert width == 8
    paths = {e.path for e in tiny_net.log.for_host("cx-mem-gov.cn") if e.kind == "https"}
    assert {"/", "/app.js", "/logo.png"} <= paths
