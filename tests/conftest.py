"""Shared fixtures. The network guard is installed before anything else is imported."""

from __future__ import annotations

import os
import sys
from pathlib import Path

GUARD_DIR = Path(__file__).parent / "netguard"
sys.path.insert(0, str(GUARD_DIR))
import sitecustomize as _netguard  # noqa: E402  (tests/netguard/sitecustomize.py)

assert _netguard.__file__ and Path(_netguard.__file__).parent == GUARD_DIR, _netguard.__file__
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(GUARD_DIR)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
)
# Never let a stray proxy setting of the developer's shell leak into a test.
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_var, None)
os.environ.setdefault("ZHENWEI_TESTING", "1")
# The egress policy's one opt-in: tests reach their own loopback listeners (and nothing else).
os.environ.setdefault("ZHENWEI_ALLOW_NETWORKS", "127.0.0.0/8")

import pytest  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Browser tests fail (never skip) when Debian's Chromium is missing."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it)")
    return CHROMIUM


# ---------------------------------------------------------------- simulated internet (simnet)

TINY_SITES: dict[str, str] = {
    "cx-mem-gov.cn": """
host = "cx-mem-gov.cn"
aliases = ["www.cx-mem-gov.cn"]
label = "counterfeit"
categories = ["impersonation"]
variants = ["clone", "https", "gbk", "cloaked", "redirect", "slow", "hang", "error5xx"]
template = "kit-a"
target = "mem"
schemes = ["http", "https"]
discoverable_by = ["ct", "permutations"]
[dns]
a = ["47.242.10.21"]
aaaa = ["2001:db8::21"]
ns = ["ns1.dnsowl.com", "ns2.dnsowl.com"]
mx = ["10 mx.cx-mem-gov.cn"]
txt = ["v=spf1 -all"]
[whois]
registrar = "阿里云计算有限公司（万网）"
created = "2026-09-14T03:12:00Z"
expires = "2027-09-14T03:12:00Z"
registrant = "张三"
registrant_email = "fake@163.com"
status = ["ok"]
name_servers = ["ns1.dnsowl.com", "ns2.dnsowl.com"]
[tls]
issuer = "R11"
[ct]
logged = "2026-09-14T05:00:00Z"
extra_names = ["cx-mem-gov.com"]
[[routes]]
path = "/gbk"
file = "gbk.html"
encoding = "gbk"
[[routes]]
path = "/cloak"
ua_contains = "MicroMessenger"
body = "<html><title>查询结果</title><body>证书有效</body></html>"
[[routes]]
path = "/cloak"
body = "<html><title>Welcome</title><body>nothing here</body></html>"
[[routes]]
path = "/r1"
redirect = "/r2"
[[routes]]
path = "/r2"
redirect = "http://cx-mem-gov.cn/"
status = 301
[[routes]]
path = "/hang"
hang = true
[[routes]]
path = "/slow"
delay = 0.2
body = "slow"
[[routes]]
path = "/err"
status = 503
body = "Service Unavailable"
[[routes]]
path = "/special?index=0"
body = "special-0"
headers = { "X-Kit" = "a" }
[[routes]]
path = "/api/*"
body = '{"code": 200}'
content_type = "application/json"
[[routes]]
path = "/huge"
handler = "misc:huge"
[[routes]]
path = "/download"
handler = "misc:download"
""",
    "selfsigned-mem.xyz": """
host = "selfsigned-mem.xyz"
label = "counterfeit"
schemes = ["https"]
[dns]
a = ["103.1.2.3"]
[whois]
registrar = "NameSilo, LLC"
created = "2026-08-01T00:00:00Z"
expires = "2027-08-01T00:00:00Z"
registrant_country = "US"
privacy = true
status = ["clientTransferProhibited"]
name_servers = ["ns1.dnsowl.com", "ns2.dnsowl.com"]
[tls]
valid = false
issuer = "selfsigned-mem.xyz"
""",
    "expired-mem.top": """
host = "expired-mem.top"
label = "seller"
schemes = ["https"]
[dns]
a = ["103.1.2.4"]
[tls]
expired = true
issuer = "R10"
""",
    "mem-zw.com": """
host = "mem-zw.com"
label = "counterfeit"
[dns]
a = ["103.1.2.5"]
wildcard = true
[[routes]]
path = "*"
body = "wildcard page"
""",
    "xn--extu8ah31brfhgw1a.cn": """
host = "xn--extu8ah31brfhgw1a.cn"
label = "counterfeit"
variants = ["idn"]
[dns]
a = ["103.1.2.6"]
[[routes]]
path = "/"
body = "idn"
""",
    "crt.sh": """
host = "crt.sh"
label = "infrastructure"
schemes = ["https"]
[dns]
a = ["91.199.212.73"]
[tls]
issuer = "Sectigo"
[[routes]]
path = "/"
handler = "ctlog:query"
""",
}

TINY_FILES: dict[str, dict[str, str]] = {
    "cx-mem-gov.cn": {
        "index.html": (
            "<html><head><title>特种作业操作证查询</title><script src='/app.js'></script></head>"
            "<body><h1 id='h'>特种作业操作证及安全生产知识和管理能力考核合格信息查询平台</h1>"
            "<img id='logo' src='/logo.png'></body></html>"
        ),
        "app.js": (
            "document.addEventListener('DOMContentLoaded', function () {"
            " var p = document.createElement('p'); p.id = 'injected';"
            " p.textContent = '脚本注入的内容'; document.body.appendChild(p); });"
        ),
        "gbk.html": "<html><head><meta charset='gbk'><title>证书查询</title></head><body>应急管理部</body></html>",
        "sub/index.html": "sub index",
    },
}

TINY_DOMAINS = """
[[domains]]
name = "parked-mem.cn"
label = "parked"
[domains.dns]
a = ["198.51.100.7"]
ns = ["dns1.hichina.com"]
[domains.whois]
registrar = "北京新网数码信息技术有限公司"
created = "2025-01-02T00:00:00Z"
expires = "2026-01-02T00:00:00Z"
registrant = "李四"
name_servers = ["dns1.hichina.com"]

[[domains]]
name = "mem-gov.net"
label = "parked"
[domains.whois]
registrar = "GoDaddy.com, LLC"
created = "2024-05-06T07:08:09Z"
expires = "2027-05-06T07:08:09Z"
registrant_org = "Domains By Proxy, LLC"
registrant_country = "US"
privacy = true
name_servers = ["ns01.domaincontrol.com"]
"""


def build_tiny_world(root: Path) -> Path:
    """A small simnet world for the simnet's own tests (the default world is another helper's)."""
    import io

    from PIL import Image

    for host, toml in TINY_SITES.items():
        site = root / "sites" / host
        (site / "files").mkdir(parents=True, exist_ok=True)
        (site / "site.toml").write_text(toml, "utf-8")
        for name, text in TINY_FILES.get(host, {}).items():
            (site / "files" / name).parent.mkdir(parents=True, exist_ok=True)
            (site / "files" / name).write_text(text, "utf-8")
    png = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(png, "PNG")
    (root / "sites" / "cx-mem-gov.cn" / "files" / "logo.png").write_bytes(png.getvalue())
    (root / "domains.toml").write_text(TINY_DOMAINS, "utf-8")
    return root


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from simworld.loader import load_world

    return load_world(build_tiny_world(tmp_path_factory.mktemp("tiny-world")))


@pytest.fixture(scope="session")
def tiny_net(tiny_world, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The simulated internet on the tiny test world."""
    from simworld import SimulatedInternet

    with SimulatedInternet(tiny_world, workdir=tmp_path_factory.mktemp("tiny-net")) as net:
        yield net


@pytest.fixture(scope="session")
def simnet(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The simulated internet on the default world, shared by the whole session."""
    from simworld import SimulatedInternet

    with SimulatedInternet(workdir=tmp_path_factory.mktemp("simnet")) as net:
        yield net


@pytest.fixture
def simnet_env(simnet, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """os.environ pointed at `simnet` for one test; its log starts empty, faults cleared after."""
    for key, value in simnet.env.items():
        monkeypatch.setenv(key, value)
    simnet.log.clear()
    yield simnet.env
    simnet.clear_faults()


PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    """A fresh, empty database: SQLite in tmp_path, or a new PostgreSQL database (dropped after).

    The PostgreSQL param fails (never skips) when the server on 127.0.0.1:5432 is down.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'zhenwei.db'}"
        return
    import uuid

    import psycopg

    name = f"zw_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL on 127.0.0.1:5432 is not reachable: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgresql://postgres@127.0.0.1:5432/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
