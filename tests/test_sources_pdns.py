"""Passive DNS through the simulated DNSDB: what CT cannot see, incremental runs, outages."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from small_profile import SMALL_MEM

from core.config import Settings
from core.profiles import TargetProfile, load_profiles
from crawler.sources.base import SourceContext, SourceResult
from crawler.sources.ct import CertificateTransparencySource
from crawler.sources.pdns import DnsdbError, PassiveDnsSource, glob_of, globs_for, parse_saf
from crawler.sources.state import SourceState
from simworld import SimulatedInternet
from simworld.generate import generate
from simworld.handlers.pdns import DEMO_KEY, Fence, glob, search
from simworld.loader import load_world
from simworld.world import World

PDNS_TOML = """host = "api.dnsdb.info"
label = "infrastructure"
schemes = ["https"]
[dns]
a = ["104.244.14.108"]
[tls]
issuer = "Sectigo RSA Domain Validation Secure Server CA"
[[routes]]
path = "/dnsdb/v2/*"
{route}
"""
HANDLER = 'handler = "pdns:query"'
PROFILE = SMALL_MEM
GLOBS = ["cx.mem.gov.cn.*.", "*mem*gov*."]
D1, D2, D3 = date(2026, 10, 1), date(2026, 10, 20), date(2026, 11, 10)

# host -> (created, extra lines): plain HTTP, no certificate anywhere
FAKE = ("cx.mem.gov.cn.k3x9q.top", "2026-09-01T00:00:00Z", "wildcard = true")
LOOK = ("cxmem-gov.top", "2026-09-10T00:00:00Z", "")
OFFICIAL = ("cx.mem.gov.cn", "2010-01-01T00:00:00Z", "")
OTHER = ("flower-shop.com", "2026-09-05T00:00:00Z", "")
LATER = ("cx.mem.gov.cn.p0w7v.top", "2026-10-10T00:00:00Z", "wildcard = true")  # after D1
LATEST = ("mem-gov.vip", "2026-11-01T00:00:00Z", "")


def world_at(root: Path, today: date, *sites: tuple[str, str, str], route: str = HANDLER) -> World:
    d = root / "sites" / "api.dnsdb.info"
    (d / "files").mkdir(parents=True)
    (d / "site.toml").write_text(PDNS_TOML.format(route=route), "utf-8")
    for host, created, dns in sites:
        d = root / "sites" / host
        (d / "files").mkdir(parents=True)
        whois = "" if host == "cx.mem.gov.cn" else f'[whois]\ncreated = "{created}"\n'
        (d / "site.toml").write_text(
            f'host = "{host}"\nlabel = "counterfeit"\n[dns]\na = ["47.242.10.21"]\n{dns}\n{whois}',
            "utf-8",
        )
    world = load_world(root)
    world.today = today  # what a generated world gets from `generate(today=...)`
    return world


def run(
    net: SimulatedInternet,
    state_dir: Path,
    profiles: tuple[TargetProfile, ...] = (PROFILE,),
    key: str | None = DEMO_KEY,
    **opts: object,
) -> SourceResult:
    env = {**net.env, "ZHENWEI_DATA_DIR": str(state_dir)}
    env.pop("ZHENWEI_DNSDB_KEY")
    if key is not None:
        env["ZHENWEI_DNSDB_KEY"] = key
    ctx = SourceContext(
        settings=Settings.from_env(env),
        profiles=profiles,
        state=SourceState.under(state_dir),
        options={"pdns": {"delay": 0, **opts}},
    )
    return asyncio.run(PassiveDnsSource().collect(ctx))


def hosts(result: SourceResult) -> set[str]:
    return {httpx.URL(c.url).host for c in result.candidates}


def test_http_fake_of_a_generated_world_found_by_pdns_and_by_no_ct_query(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    world = generate(11, "tune", today=date(2026, 12, 4)).world
    # the official host as a prefix of a random registrable domain, served over plain HTTP
    fakes = {
        s.host
        for s in world.sites.values()
        if s.label == "counterfeit" and s.host.startswith("cx.mem.gov.cn.") and s.tls is None
    }
    assert fakes
    state = tmp_path_factory.mktemp("gen-state")
    profiles = tuple(load_profiles())
    with SimulatedInternet(world, workdir=tmp_path_factory.mktemp("gen-net")) as net:
        pdns = run(net, state, profiles)
        ct_ctx = SourceContext(
            settings=net.settings(),
            profiles=profiles,
            state=SourceState.under(state),
            options={"ct": {"delay": 0}},
        )
        ct = asyncio.run(CertificateTransparencySource().collect(ct_ctx))
    assert pdns.failures == () and ct.failures == ()
    assert fakes <= hosts(pdns)
    assert not fakes & hosts(ct)  # no certificate: no CT pattern can return them
    cand = next(c for c in pdns.candidates if httpx.URL(c.url).host in fakes)
    assert cand.url.startswith("http://") and cand.target == "mem"
    assert cand.context["glob"] == "*mem.gov.cn.*."
    assert cand.context["time_last"].startswith("2026-12-04T12:00:00")
    assert "被动 DNS" in cand.context["reason"] and "首次解析" in cand.context["reason"]
    # the official platform and its own names are never candidates
    assert not any(h == "cx.mem.gov.cn" or h.endswith(".gov.cn") for h in hosts(pdns))


def test_incremental_runs_outages_and_backfill(tmp_path_factory: pytest.TempPathFactory) -> None:
    state_dir = tmp_path_factory.mktemp("pdns-state")
    state_file = state_dir / "state" / "pdns.json"
    w1 = world_at(tmp_path_factory.mktemp("w1"), D1, FAKE, LOOK, OFFICIAL, OTHER)
    with SimulatedInternet(w1, workdir=tmp_path_factory.mktemp("n1")) as net:
        first = run(net, state_dir, globs=GLOBS)
        assert first.failures == ()
        assert hosts(first) == {"cx.mem.gov.cn.k3x9q.top", "cxmem-gov.top"}
        cand = next(c for c in first.candidates if "k3x9q" in c.url)
        assert cand.context["time_first"] == "2026-09-01T00:00:00+00:00"  # WHOIS creation
        assert cand.context["glob"] == "cx.mem.gov.cn.*." and cand.url.startswith("http://")
        again = run(net, state_dir, globs=GLOBS)
        assert again.candidates == () and again.failures == ()  # nothing since the cursor
    saved = state_file.read_text("utf-8")
    cursors = json.loads(saved)["cursors"]
    assert cursors["cx.mem.gov.cn.*."]["time_last"] == int(
        datetime(2026, 10, 1, 12, tzinfo=UTC).timestamp()
    )

    w2 = world_at(tmp_path_factory.mktemp("w2"), D2, FAKE, LOOK, OFFICIAL, OTHER, LATER)
    with SimulatedInternet(w2, workdir=tmp_path_factory.mktemp("n2")) as net:
        net.fault("api.dnsdb.info", status=500)
        outage = run(net, state_dir, globs=GLOBS)
        assert outage.candidates == () and len(outage.failures) == len(GLOBS)
        assert "500" in outage.failures[0].reason and "补查" in outage.failures[0].reason
        # a server that keeps failing is not asked every glob (each would cost its timeout)
        more = [*GLOBS, "*cxmem*.", "*tzzy*.", "*rnem*."]
        down = run(net, state_dir, globs=more)
        assert len(down.failures) == 3 and down.stats["globs_not_queried"] == len(more) - 3
        net.clear_faults()
        net.fault("api.dnsdb.info", status=429)
        quota = run(net, state_dir, globs=GLOBS)
        assert len(quota.failures) == 1 and "429" in quota.failures[0].reason
        assert quota.stats["globs_not_queried"] == len(GLOBS) - 1
        net.clear_faults()
        net.fault("api.dnsdb.info", hang=True)
        slow = run(net, state_dir, globs=GLOBS[:1], timeout=1.0)
        assert "超时" in slow.failures[0].reason and slow.candidates == ()
        assert state_file.read_text("utf-8") == saved  # no cursor moved

    # broken answers: a garbage line, a `failed` condition, a stream cut before its end
    row = '{"obj":{"rrname":"mem-gov.vip.","rrtype":"A","time_first":1,"time_last":2,"count":1}}'
    broken_answers = {
        "JSON": '{"cond":"begin"}\n<html>502 Bad Gateway</html>\n',
        "服务端报告查询失败": '{"cond":"begin"}\n{"cond":"failed","msg":"Query timed out"}\n',
        "不完整": '{"cond":"begin"}\n' + row + "\n",
    }
    for why, body in broken_answers.items():
        route = f"body = '''{body}'''\ncontent_type = \"application/x-ndjson\""
        wb = world_at(tmp_path_factory.mktemp("broken"), D2, FAKE, LATER, route=route)
        with SimulatedInternet(wb, workdir=tmp_path_factory.mktemp("nb")) as net:
            broken = run(net, state_dir, globs=GLOBS)
        assert broken.candidates == () and len(broken.failures) == len(GLOBS), body
        assert why in broken.failures[0].reason
        assert state_file.read_text("utf-8") == saved

    w3 = world_at(tmp_path_factory.mktemp("w3"), D3, FAKE, LOOK, OFFICIAL, OTHER, LATER, LATEST)
    with SimulatedInternet(w3, workdir=tmp_path_factory.mktemp("n3")) as net:
        backfill = run(net, state_dir, globs=GLOBS)
        assert backfill.failures == ()
        # seen during the outages: reported now; the first night's names are not repeated
        assert hosts(backfill) == {"cx.mem.gov.cn.p0w7v.top", "mem-gov.vip"}
        assert backfill.stats["names_seen_before"] >= 2


def test_wrong_key_is_a_failure_and_loses_nothing(tmp_path_factory: pytest.TempPathFactory) -> None:
    state_dir = tmp_path_factory.mktemp("key-state")
    w = world_at(tmp_path_factory.mktemp("wk"), D1, FAKE, LOOK)
    with SimulatedInternet(w, workdir=tmp_path_factory.mktemp("nk")) as net:
        wrong = run(net, state_dir, key="not-the-key", globs=GLOBS)
        assert wrong.candidates == () and len(wrong.failures) == 1  # not one per glob
        assert "密钥" in wrong.failures[0].reason and "403" in wrong.failures[0].reason
        assert wrong.stats["globs_not_queried"] == len(GLOBS) - 1
        right = run(net, state_dir, globs=GLOBS)
        assert right.failures == ()
        assert hosts(right) == {"cx.mem.gov.cn.k3x9q.top", "cxmem-gov.top"}


def test_limited_answer_is_reported_and_keeps_the_cursor(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    state_dir = tmp_path_factory.mktemp("lim-state")
    w = world_at(tmp_path_factory.mktemp("wl"), D1, FAKE, LOOK, LATEST)
    with SimulatedInternet(w, workdir=tmp_path_factory.mktemp("nl")) as net:
        cut = run(net, state_dir, globs=["*mem*gov*."], limit=1)
        assert cut.failures == () and cut.stats["limited"] == 1
        assert len(cut.candidates) == 1
        assert "*mem*gov*." not in SourceState.under(state_dir).load("pdns").get("cursors", {})
        full = run(net, state_dir, globs=["*mem*gov*."])
        assert "limited" not in full.stats
        assert hosts(full) == {"cx.mem.gov.cn.k3x9q.top", "cxmem-gov.top", "mem-gov.vip"}


def test_without_a_key_the_source_is_off_not_failed(
    tmp_path_factory: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture
) -> None:
    w = world_at(tmp_path_factory.mktemp("wn"), D1, FAKE)
    with SimulatedInternet(w, workdir=tmp_path_factory.mktemp("nn")) as net:
        with caplog.at_level(logging.WARNING, logger="crawler.sources.pdns"):
            off = run(net, tmp_path_factory.mktemp("off-state"), key=None)
        assert net.log.for_host("api.dnsdb.info") == []  # nothing was asked
    assert off.candidates == () and off.failures == ()
    assert off.stats["disabled_no_key"] == 1
    assert [r.getMessage() for r in caplog.records if "pdns" in r.getMessage()] == [
        "Disabled pdns: ZHENWEI_DNSDB_KEY is not set (no passive-DNS lookups)"
    ]


def test_globs_from_the_ct_patterns() -> None:
    globs = dict(globs_for(PROFILE))
    assert list(globs)[0] == "*mem.gov.cn.*."  # mem.gov.cn followed by another zone
    assert {"cx.mem.gov.cn.*.", "*.mem.gov.cn.*.", "*cxmem*.", "*tzzy*."} <= set(globs)
    assert globs["*mem*gov*."] == "%mem%gov%"
    assert not any("%" in g or not g.endswith(".") for g in globs)
    assert glob_of("%CXMEM%") == "*cxmem*." and glob_of("cx.mem.gov.cn.%") == "cx.mem.gov.cn.*."


def test_saf_framing() -> None:
    row = '{"obj":{"rrname":"Cx.Mem.Gov.Cn.Abc.Top.","rrtype":"A","time_first":5,"time_last":9,"count":2}}'
    ok = parse_saf(['{"cond":"begin"}', row, '{"cond":"ongoing"}', "", '{"cond":"succeeded"}'])
    assert [(s.rrname, s.time_first, s.time_last) for s in ok.sightings] == [
        ("cx.mem.gov.cn.abc.top", 5, 9)
    ]
    assert not ok.limited
    assert parse_saf(['{"cond":"begin"}', row, '{"cond":"limited","msg":"x"}']).limited
    for bad in (
        ['{"cond":"begin"}', row],  # cut before its end
        ['{"cond":"begin"}', "not json", '{"cond":"succeeded"}'],
        ['{"cond":"begin"}', '{"cond":"failed","msg":"boom"}'],
        ['{"cond":"begin"}', '{"obj":{"rrname":"a.top."}}', '{"cond":"succeeded"}'],
        ['{"cond":"begin"}', '{"cond":"weird"}'],
    ):
        with pytest.raises(DnsdbError):
            parse_saf(bad)


# ---------------------------------------------------------------- the simulated DNSDB


def test_glob_semantics() -> None:
    g = glob("cx.mem.gov.cn.*.")
    assert g.match("cx.mem.gov.cn.abc.top.") and g.match("CX.MEM.GOV.CN.a.b.top.")
    assert not g.match("cx.mem.gov.cn.") and not g.match("www.cx.mem.gov.cn.abc.top.")
    assert not g.match("cxxmem.gov.cn.abc.top.")  # the dot is a dot
    assert glob("?x.mem.gov.cn.*.").match("cx.mem.gov.cn.a.top.")
    assert not glob("?x.mem.gov.cn.*.").match("ccx.mem.gov.cn.a.top.")
    assert glob("*mem*.").match("cxmem-gov.top.") and not glob("*mem*").match("flower.top.")


def test_handler_knows_only_names_that_resolve(tmp_path: Path) -> None:
    w = world_at(tmp_path, D1, FAKE, LOOK, OFFICIAL, OTHER)
    names = {s.rrname for s in search(w, "*", "A")}
    assert {"cx.mem.gov.cn.k3x9q.top.", "cxmem-gov.top.", "flower-shop.com."} <= names
    assert "api.dnsdb.info." in names and "cx.mem.gov.cn." in names
    assert "anything.k3x9q.top." not in names  # a wildcard answers it, but nobody asked
    assert "www.cxmem-gov.top." not in names  # does not resolve
    (fake,) = search(w, "cx.mem.gov.cn.*.", "A")
    assert fake.time_first == int(datetime(2026, 9, 1, tzinfo=UTC).timestamp())
    assert fake.time_last == int(datetime(2026, 10, 1, 12, tzinfo=UTC).timestamp())
    assert search(w, "cx.mem.gov.cn.*.", "AAAA") == []
    first_after = int(datetime(2026, 9, 5, tzinfo=UTC).timestamp())
    assert {s.rrname for s in search(w, "*", "A", Fence(first_after=first_after))} == {
        "cxmem-gov.top."
    }


def dnsdb(
    net: SimulatedInternet, glob_: str, key: str | None = DEMO_KEY, **params: str | int
) -> httpx.Response:
    headers = {"Accept": "application/x-ndjson", **({"X-API-Key": key} if key else {})}
    with httpx.Client(proxy=net.proxy_url, verify=str(net.ca_cert_path), timeout=10) as c:
        return c.get(
            f"https://api.dnsdb.info/dnsdb/v2/glob/rrnames/{quote(glob_, safe='*.')}/A",
            params=params,
            headers=headers,
        )


def lines(resp: httpx.Response) -> list[dict[str, Any]]:
    return [json.loads(x) for x in resp.text.splitlines()]


def test_dnsdb_api_key_limit_and_time_fencing(tmp_path_factory: pytest.TempPathFactory) -> None:
    w = world_at(tmp_path_factory.mktemp("wa"), D1, FAKE, LOOK, LATEST, OTHER)
    with SimulatedInternet(w, workdir=tmp_path_factory.mktemp("na")) as net:
        assert dnsdb(net, "*mem*gov*.", key=None).status_code == 403
        assert dnsdb(net, "*mem*gov*.", key="wrong").status_code == 403
        resp = dnsdb(net, "*mem*gov*.")
        assert resp.status_code == 200
        assert resp.headers["content-type"] == "application/x-ndjson"
        got = lines(resp)
        assert got[0] == {"cond": "begin"} and got[-1] == {"cond": "succeeded"}
        objs = [x["obj"] for x in got[1:-1]]
        assert {o["rrname"] for o in objs} == {
            "cx.mem.gov.cn.k3x9q.top.",
            "cxmem-gov.top.",
            "mem-gov.vip.",
        }
        assert set(objs[0]) == {"rrname", "rrtype", "time_first", "time_last", "count"}
        cut = lines(dnsdb(net, "*mem*gov*.", limit=2))
        assert len(cut) == 4 and cut[-1] == {"cond": "limited", "msg": "Result limit reached"}
        after = int(datetime(2026, 9, 5, tzinfo=UTC).timestamp())
        fenced = lines(dnsdb(net, "*mem*gov*.", time_first_after=after))
        assert [x["obj"]["rrname"] for x in fenced[1:-1]] == ["cxmem-gov.top.", "mem-gov.vip."]
        last = int(datetime(2026, 10, 1, 12, tzinfo=UTC).timestamp())
        assert lines(dnsdb(net, "*mem*gov*.", time_last_after=last)) == [
            {"cond": "begin"},
            {"cond": "succeeded"},
        ]
        assert dnsdb(net, "*mem*gov*.", limit="x").status_code == 400


def test_default_and_generated_worlds_serve_dnsdb(simnet: SimulatedInternet) -> None:
    """The bundled world's DNSDB answers the key SimulatedInternet exports; generated worlds
    carry the same service, their day as time_last."""
    assert simnet.env["ZHENWEI_DNSDB_KEY"] == DEMO_KEY
    got = lines(dnsdb(simnet, "cx.mem.gov.cn.*."))
    assert [x["obj"]["rrname"] for x in got[1:-1]] == ["cx.mem.gov.cn.zscx.top."]
    world = generate(12, "tune", size=60, today=date(2026, 12, 4)).world
    site = world.site_for("api.dnsdb.info")
    assert site is not None and site.label == "infrastructure"
    (one, *_) = search(world, "*", "A")
    assert one.time_last == int(datetime(2026, 12, 4, 12, tzinfo=UTC).timestamp())
