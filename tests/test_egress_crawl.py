"""Finding 1 and 7 of issue 9, end to end: `zhenwei crawl --sources seeds,links` over a world
whose counterfeit links, redirects, embeds and pops up every internal address form.

ZHENWEI_ALLOW_NETWORKS is narrowed to the simulated internet's own address (127.0.0.1/32), so
127.0.0.2, 127.0.0.3, ::1 ... are outside it. Our own listeners on 127.0.0.2/127.0.0.3/127.0.0.1
count every connection: the policy must refuse before connecting, so they must see none. The
other addresses (10.x, 169.254.x, 192.168.x) are never reached either: the policy refuses them
before any socket, and the network guard would stop a Python socket; Chromium would have gone
through the simulated proxy, whose log must not name them.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.timeout(1500)
ZHENWEI = [sys.executable, "-m", "zhenwei.cli"]
SECRET = "INTERNAL-SERVICE-SECRET-7f3a"
BAIT = "cx-mem-gov.cn"  # a counterfeit of the default world: its links are followed
# Every address below must be refused by the egress policy before any packet is sent.
ISSUE_URLS = [
    "http://[::1]/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/",
    "http://10.255.255.1/",  # refused
    "http://169.254.169.254/", "http://192.168.255.254/",  # refused
]  # fmt: skip
INTERNAL_NAMES = {"intranet-mem.cn": "10.255.255.1", "loop-mem.cn": "127.0.0.2"}  # refused


class Listener:
    """A loopback HTTP server of our own that counts connections and answers SECRET."""

    def __init__(self, host: str, redirect: str | None = None) -> None:
        self.connections = 0
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def setup(self) -> None:
                outer.connections += 1
                super().setup()

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                outer.requests.append(f"{self.path} {self.headers.get('User-Agent', '')}")
                if redirect:
                    self.send_response(302)
                    self.send_header("Location", redirect)
                    self.end_headers()
                    return
                body = f"<html><body>{SECRET}</body></html>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _domain_toml(name: str, address: str) -> str:
    return (
        f'\n[[domain]]\nname = "{name}"\nlabel = "parked"\n[domain.dns]\na = ["{address}"]\n'
        f'ns = ["dns1.hichina.com"]\n'
    )


def build_world(root: Path, inner: Listener, target: Listener, popup: Listener) -> Path:
    """The default world, with the bait counterfeit's page pointing inwards."""
    from simworld.loader import DEFAULT_ROOT

    shutil.copytree(DEFAULT_ROOT, root)
    site = root / "sites" / BAIT
    links = [
        *ISSUE_URLS,
        inner.url + "/",
        f"http://loop-mem.cn:{inner.port}/",
        "http://intranet-mem.cn/",
    ]
    html = "".join(f'<a href="{u}">内部链接</a>' for u in links)
    # A form Chromium's autofill would describe to Google (finding 7).
    html += (
        '<form action="/result" method="post"><input name="name" autocomplete="name">'
        '<input name="email" type="email" autocomplete="email"><input name="tel" type="tel" '
        'autocomplete="tel"><input name="address" autocomplete="street-address"><input '
        'name="city" autocomplete="address-level2"><input name="zip" autocomplete="postal-code">'
        '<input name="idcard"><input type="submit"></form>'
    )
    html += (
        f'<img src="{inner.url}/pixel.png">'
        # Sub-resources of the site itself whose redirects point inwards: Chromium follows a
        # sub-resource's redirect without asking any route (the egress proxy refuses it).
        '<img src="/pixel-bounce"><img src="/pixel-bounce-name">'
        '<iframe src="http://169.254.169.254/latest/"></iframe>'  # refused
        f'<script>window.open("{popup.url}/popup");</script>'
    )
    index = site / "files" / "index.html"
    index.write_text(index.read_text("utf-8").replace("</body>", html + "</body>"), "utf-8")
    with (site / "site.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[[routes]]\npath = "/bounce"\nredirect = "{target.url}/after-redirect"\n')
        fh.write(f'\n[[routes]]\npath = "/pixel-bounce"\nredirect = "{inner.url}/bounced.png"\n')
        fh.write(
            f'\n[[routes]]\npath = "/pixel-bounce-name"\n'
            f'redirect = "http://loop-mem.cn:{inner.port}/bounced.png"\n'
        )
    with (root / "domains.toml").open("a", encoding="utf-8") as fh:
        for name, address in INTERNAL_NAMES.items():
            fh.write(_domain_toml(name, address))
    return root


@dataclass
class EgressCrawl:
    env: dict[str, str]
    crawl: subprocess.CompletedProcess[str]
    leads: list[dict[str, Any]]
    listeners: dict[str, Listener]
    log: list[Any]
    world_hosts: set[str]
    stats: dict[str, Any]
    #: connections each listener saw during the crawl
    connections: dict[str, int]
    world_root: Path


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [*ZHENWEI, "-v", *args], env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert proc.returncode == 0, f"{args}: exit {proc.returncode}\n{proc.stderr[-4000:]}"
    return proc


@pytest.fixture(scope="module")
def egress_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EgressCrawl]:
    from core.config import Settings
    from simworld import SimulatedInternet
    from simworld.loader import load_world
    from storage.db import Database
    from storage.repository import Repository

    tmp = tmp_path_factory.mktemp("egress")
    # inner (127.0.0.2) would redirect to the allowed 127.0.0.1: never reached all the same.
    final = Listener("127.0.0.1")
    listeners = {
        "inner": Listener("127.0.0.2", redirect=final.url + "/secret"),
        "target": Listener("127.0.0.3"),
        "popup": Listener("127.0.0.3"),
        "final": final,
    }
    world = load_world(
        build_world(tmp / "world", listeners["inner"], listeners["target"], listeners["popup"])
    )
    seeds = tmp / "seeds.txt"
    seeds.write_text(f"http://{BAIT}/\nhttp://{BAIT}/bounce\n", "utf-8")
    try:
        with SimulatedInternet(world, workdir=tmp / "net") as net:
            env = {
                **os.environ,
                **net.env,
                "ZHENWEI_DATA_DIR": str(tmp / "data"),
                "ZHENWEI_ALLOW_NETWORKS": "127.0.0.1/32",
            }
            # As on the unit's network: internal services are reached directly, not proxied.
            direct = "localhost,127.0.0.1,::1,127.0.0.2,127.0.0.3"
            env.update(NO_PROXY=direct, no_proxy=direct)
            for key in ("ZHENWEI_DATABASE_URL", "ZHENWEI_WEBHOOK_URL", "ZHENWEI_SMTP_HOST"):
                env.pop(key, None)
            _run(["reference", "update", "--timeout", "30"], env)
            net.log.clear()
            crawl = _run(
                [
                    "crawl",
                    "--sources",
                    "seeds,links",
                    "--seeds",
                    str(seeds),
                    "--timeout",
                    "30",
                    "--no-progress",
                ],
                env,
            )
            leads = [
                json.loads(line)
                for line in _run(["leads", "--json", "--limit", "1000"], env).stdout.splitlines()
                if line.strip()
            ]
            repo = Repository(Database.from_settings(Settings.from_env(env)))
            runs = repo.runs.recent()
            counts = {k: v.connections for k, v in listeners.items()}
            yield EgressCrawl(
                env,
                crawl,
                leads,
                listeners,
                net.log.entries(),
                {h for s in world.sites.values() for h in s.hosts},
                runs[0].stats if runs else {},
                counts,
                tmp / "world",
            )
    finally:
        for listener in listeners.values():
            listener.close()


def test_no_internal_address_was_ever_connected(egress_crawl: EgressCrawl) -> None:
    assert egress_crawl.connections == {"inner": 0, "target": 0, "popup": 0, "final": 0}, {
        k: v.requests for k, v in egress_crawl.listeners.items()
    }


def test_the_proxy_never_saw_an_internal_address(egress_crawl: EgressCrawl) -> None:
    internal = {
        "::1",
        "0.0.0.0",
        "::ffff:127.0.0.1",
        "10.255.255.1",
        "169.254.169.254",
        "192.168.255.254",
        "127.0.0.2",
        "127.0.0.3",
        *INTERNAL_NAMES,
    }
    seen = {e.host.strip("[]") for e in egress_crawl.log if e.kind in ("http", "https", "connect")}
    assert not seen & internal, seen & internal


def test_internal_targets_never_become_leads(egress_crawl: EgressCrawl) -> None:
    hosts = {lead["host"] for lead in egress_crawl.leads}
    assert BAIT in hosts, "the bait counterfeit itself is a lead (its links were followed)"
    assert not hosts & {
        "::1",
        "[::1]",
        "0.0.0.0",
        "10.255.255.1",
        "169.254.169.254",
        "192.168.255.254",
        "127.0.0.2",
        "127.0.0.3",
        "::ffff:127.0.0.1",
        "[::ffff:7f00:1]",
        *INTERNAL_NAMES,
    }, hosts


def test_refusals_are_recorded_as_blocked_with_the_address(egress_crawl: EgressCrawl) -> None:
    blocked = sum(
        int(row.get("blocked", 0))
        for name, row in egress_crawl.stats.items()
        if not name.startswith("_")
    )
    # 6 issue URLs + 127.0.0.2 + 2 names (links) + /bounce's redirect (seed)
    assert blocked >= 10, egress_crawl.stats
    log = egress_crawl.crawl.stderr
    for needle in ("169.254.169.254", "10.255.255.1", "intranet-mem.cn", "127.0.0.3"):
        assert needle in log and "blocked" in log, needle


def test_nothing_internal_was_archived(egress_crawl: EgressCrawl) -> None:
    data = Path(egress_crawl.env["ZHENWEI_DATA_DIR"])
    for path in data.rglob("*"):
        if not path.is_file() or path.suffix in (".png", ".jpg"):
            continue
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        assert SECRET.encode() not in raw, path


def test_chromium_contacted_nothing_outside_the_world(egress_crawl: EgressCrawl) -> None:
    """Finding 7 (discretion): every request that reached the proxy is for a world site or a
    resource a world page names itself (its analytics script): nothing of Chromium's own."""
    pages = "\n".join(
        p.read_text("utf-8", "replace")
        for p in egress_crawl.world_root.rglob("*")
        if p.is_file() and p.suffix in (".html", ".js", ".toml", ".css")
    )
    outside = sorted(
        {
            e.host
            for e in egress_crawl.log
            if e.kind in ("http", "https", "connect")
            and e.host not in egress_crawl.world_hosts
            and e.host not in pages
        }
    )
    assert not outside, outside
    assert not any(
        e.host.endswith(("google.com", "googleapis.com", "gvt1.com", "gstatic.com"))
        for e in egress_crawl.log
    ), "Chromium phoned home"
    assert any(e.host == BAIT for e in egress_crawl.log), "the crawl went through the proxy"


def test_ports_of_listeners_are_really_listening(egress_crawl: EgressCrawl) -> None:
    """The listeners would have answered: a zero count above means refused, not unreachable."""
    for listener in egress_crawl.listeners.values():
        host, port = listener.server.server_address[:2]
        conn = http.client.HTTPConnection(host, port, timeout=5)
        conn.request("GET", "/")
        assert conn.getresponse().status in (200, 302)
        conn.close()
        assert listener.connections >= 1
