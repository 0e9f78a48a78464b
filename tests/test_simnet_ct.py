"""The crt.sh look-alike: real field names, SQL LIKE matching, through the proxy over https."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from simworld.handlers.ctlog import like, search

FIELDS = {
    "issuer_ca_id",
    "issuer_name",
    "common_name",
    "name_value",
    "id",
    "entry_timestamp",
    "not_before",
    "not_after",
    "serial_number",
    "result_count",
}


def crtsh(net, **params) -> httpx.Response:
    with httpx.Client(proxy=net.proxy_url, verify=str(net.ca_cert_path), timeout=10) as c:
        return c.get("https://crt.sh/", params=params)


def test_json_rows_have_crtsh_fields(tiny_net):
    r = crtsh(tiny_net, q="%.cx-mem-gov.cn", output="json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    rows = r.json()
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == FIELDS
    assert row["common_name"] == "cx-mem-gov.cn"
    assert row["name_value"].split("\n") == ["cx-mem-gov.cn", "www.cx-mem-gov.cn", "cx-mem-gov.com"]
    assert row["issuer_name"] == "C=US, O=Let's Encrypt, CN=R11"
    assert row["entry_timestamp"].startswith("2026-09-14T05:00:00.")
    datetime.fromisoformat(row["not_before"]) and datetime.fromisoformat(row["not_after"])
    assert isinstance(row["id"], int) and isinstance(row["issuer_ca_id"], int)


@pytest.mark.parametrize(
    ("pattern", "hosts"),
    [
        ("cx-mem-gov.cn", {"cx-mem-gov.cn"}),
        ("CX-MEM-GOV.CN", {"cx-mem-gov.cn"}),
        ("cx-mem-gov.com", {"cx-mem-gov.cn"}),  # extra CT name of the same certificate
        ("%mem%", {"cx-mem-gov.cn", "selfsigned-mem.xyz", "expired-mem.top"}),
        ("%-mem.___", {"selfsigned-mem.xyz", "expired-mem.top"}),
        ("%-mem.__", set()),
        ("mem-zw.com", set()),  # http only: not logged
        ("nothing-like-this%", set()),
    ],
)
def test_like_matching(tiny_world, pattern, hosts):
    rows = search(tiny_world, pattern)
    assert {r["common_name"] for r in rows} == hosts


def test_like_regex_escapes_dots():
    assert like("a.b").match("a.b") and not like("a.b").match("axb")
    assert like("a_b").match("axb") and not like("a_b").match("ab")


def test_exclude_expired(tiny_net):
    everything = crtsh(tiny_net, q="%-mem.top", output="json").json()
    current = crtsh(tiny_net, q="%-mem.top", output="json", exclude="expired").json()
    assert len(everything) == 1 and current == []
    assert datetime.fromisoformat(everything[0]["not_after"]).replace(tzinfo=UTC) < datetime.now(
        UTC
    )


def test_identity_parameter_and_html_output(tiny_net):
    assert (
        crtsh(tiny_net, identity="selfsigned-mem.xyz", output="json").json()[0]["common_name"]
        == "selfsigned-mem.xyz"
    )
    page = crtsh(tiny_net, q="selfsigned-mem.xyz")
    assert (
        page.headers["content-type"].startswith("text/html") and "selfsigned-mem.xyz" in page.text
    )


def test_unmatched_is_empty_list(tiny_net):
    r = crtsh(tiny_net, q="%.gov.example", output="json")
    assert r.status_code == 200 and r.json() == []


def test_crtsh_outage_by_fault(tiny_net):
    tiny_net.fault("crt.sh", status=502)
    try:
        assert crtsh(tiny_net, q="%mem%", output="json").status_code == 502
    finally:
        tiny_net.clear_faults()
    assert crtsh(tiny_net, q="%mem%", output="json").status_code == 200


def test_default_world_crtsh_through_environment(simnet_env, simnet):
    """A client that only honours the environment (proxy + SSL_CERT_FILE) reaches crt.sh."""
    assert simnet.settings().proxy.https == simnet_env["HTTPS_PROXY"]
    with httpx.Client(trust_env=True, timeout=10) as c:  # reads HTTPS_PROXY and SSL_CERT_FILE
        r = c.get("https://crt.sh/", params={"q": "crt.sh", "output": "json"})
    assert r.status_code == 200 and r.json()[0]["common_name"] == "crt.sh"
    assert [e.kind for e in simnet.log.for_host("crt.sh")] == ["connect", "https"]
