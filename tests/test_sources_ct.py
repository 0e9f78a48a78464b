"""Certificate transparency through the crt.sh look-alike: incremental runs, outage backfill."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from small_profile import SMALL_MEM

from core.config import Settings
from crawler.sources.base import SourceContext, SourceResult
from crawler.sources.ct import (
    CertificateTransparencySource,
    Cursor,
    brand_homoglyphs,
    names_of,
    patterns_for,
    subsumes,
)
from crawler.sources.state import SourceState
from simworld import SimulatedInternet
from simworld.loader import load_world

# the crt.sh site as the default world describes it (written here so the test owns its world)
CRTSH_TOML = """host = "crt.sh"
label = "infrastructure"
schemes = ["https"]
[dns]
a = ["91.199.212.73"]
[tls]
issuer = "Sectigo RSA Domain Validation Secure Server CA"
[[routes]]
path = "/"
handler = "ctlog:query"
"""
PROFILE = SMALL_MEM
NOW = datetime(2026, 5, 1, tzinfo=UTC)

# host -> (logged, extra [tls] lines)
A = ("cx-mem-gov.cn", "2026-03-01T02:00:00Z", 'names = ["cx-mem-gov.cn", "*.cx-mem-gov.cn"]')
B = ("cxmem.top", "2026-03-05T02:00:00Z", "")
OFFICIAL = ("cx.mem.gov.cn", "2026-01-01T00:00:00Z", "")
OTHER = ("flower-shop.com", "2026-03-02T00:00:00Z", "")
C = ("mem-gov.vip", "2026-04-01T00:00:00Z", "")
D = ("tzzy-cx.com", "2026-04-10T00:00:00Z", "")


def world_dir(root: Path, *sites: tuple[str, str, str]) -> Path:
    crt = root / "sites" / "crt.sh"
    (crt / "files").mkdir(parents=True)
    (crt / "site.toml").write_text(CRTSH_TOML, "utf-8")
    for host, logged, tls in sites:
        d = root / "sites" / host
        (d / "files").mkdir(parents=True)
        (d / "site.toml").write_text(
            f'host = "{host}"\nlabel = "counterfeit"\nschemes = ["https"]\n[dns]\na = ["47.242.10.21"]\n'
            f'[tls]\nissuer = "R11"\n{tls}\n[ct]\nlogged = "{logged}"\n',
            "utf-8",
        )
    return root


def run(net: SimulatedInternet, state_dir: Path, **opts: object) -> SourceResult:
    ctx = SourceContext(
        settings=Settings.from_env({**net.env, "ZHENWEI_DATA_DIR": str(state_dir)}),
        profiles=(PROFILE,),
        state=SourceState.under(state_dir),
        now=NOW,
        options={"ct": {"delay": 0, **opts}},
    )
    return asyncio.run(CertificateTransparencySource().collect(ctx))


def urls(result: SourceResult) -> set[str]:
    return {c.url for c in result.candidates}


def test_incremental_runs_and_outage_backfill(tmp_path_factory: pytest.TempPathFactory) -> None:
    state_dir = tmp_path_factory.mktemp("ct-state")
    state_file = state_dir / "state" / "ct.json"
    w1 = load_world(world_dir(tmp_path_factory.mktemp("w1"), A, B, OFFICIAL, OTHER))
    with SimulatedInternet(w1, workdir=tmp_path_factory.mktemp("n1")) as net:
        first = run(net, state_dir)
        assert first.failures == ()
        assert urls(first) == {
            "https://cx-mem-gov.cn/",
            "https://cxmem.top/",
        }  # *. stripped, official dropped
        assert first.stats["official_skipped"] >= 1
        cand = next(c for c in first.candidates if c.url == "https://cx-mem-gov.cn/")
        assert cand.context["pattern"] == "%mem%gov%" and cand.target == "mem"
        assert cand.context["entry_timestamp"].startswith("2026-03-01T02:00:00")
        again = run(net, state_dir)
        assert again.candidates == () and again.failures == ()  # nothing new since the cursor
        assert again.stats["entries_seen"] > 0
    saved = state_file.read_text("utf-8")

    w2 = load_world(world_dir(tmp_path_factory.mktemp("w2"), A, B, OFFICIAL, OTHER, C))
    with SimulatedInternet(w2, workdir=tmp_path_factory.mktemp("n2")) as net:
        net.fault("crt.sh", status=502)
        outage = run(net, state_dir)
        assert outage.candidates == ()
        assert len(outage.failures) == len(
            patterns_for(PROFILE)
        )  # reported, never "zero new certs"
        assert "502" in outage.failures[0].reason and "补查" in outage.failures[0].reason
        assert state_file.read_text("utf-8") == saved  # the cursor did not move

    w3 = load_world(world_dir(tmp_path_factory.mktemp("w3"), A, B, OFFICIAL, OTHER, C, D))
    with SimulatedInternet(w3, workdir=tmp_path_factory.mktemp("n3")) as net:
        backfill = run(net, state_dir)
        assert backfill.failures == ()
        assert urls(backfill) == {
            "https://mem-gov.vip/",
            "https://tzzy-cx.com/",
        }  # C logged during the outage


def test_timeout_and_non_json_are_failures(tmp_path_factory: pytest.TempPathFactory) -> None:
    state_dir = tmp_path_factory.mktemp("ct-state2")
    w = load_world(world_dir(tmp_path_factory.mktemp("w"), A))
    with SimulatedInternet(w, workdir=tmp_path_factory.mktemp("n")) as net:
        net.fault("crt.sh", status=200)  # an HTML page where JSON was expected
        bad = run(net, state_dir, patterns=["%cxmem%"])
        assert [f.reason for f in bad.failures] == [
            "证书透明日志（crt.sh）查询「%cxmem%」失败：返回内容不是有效的 JSON；下次运行将补查本次遗漏的记录"
        ]
        net.clear_faults()
        net.fault("crt.sh", hang=True)
        slow = run(net, state_dir, patterns=["%mem%gov%"], timeout=1.0)
        assert "超时" in slow.failures[0].reason and slow.candidates == ()
        net.clear_faults()
        ok = run(net, state_dir, patterns=["%mem%gov%"])
        assert urls(ok) == {"https://cx-mem-gov.cn/"}


def test_patterns_and_names() -> None:
    pats = patterns_for(PROFILE)
    assert pats[:2] == ["%mem%gov%", "%gov%mem%"]
    assert "%cxmem%" in pats and "%tzzy%" in pats and "%mem%" not in pats
    row = {
        "name_value": "*.cx-mem-gov.cn\ncx-mem-gov.cn\nWWW.CX-MEM-GOV.CN.",
        "common_name": "cx-mem-gov.cn",
    }
    assert names_of(row) == ["cx-mem-gov.cn", "www.cx-mem-gov.cn"]
    c = Cursor().advance(
        [("2026-03-01T00:00:00.1", 5), ("2026-03-01T00:00:00.1", 7), ("2026-02-01", 9)]
    )
    assert not c.is_new("2026-03-01T00:00:00.1", 7) and c.is_new("2026-03-01T00:00:00.1", 8)
    assert Cursor.from_json(c.to_json()) == c


def test_homoglyph_patterns_and_no_pattern_an_earlier_one_covers() -> None:
    pats = patterns_for(PROFILE, limit=10_000)
    # m→rn in the brand: the letter run alone is telling (cx.rnem-zw.cc, mern-gov.top)
    assert {"%rnem%", "%mern%", "%rnern%"} <= set(pats)
    assert brand_homoglyphs(["mem"]) == ["rnem", "mern", "rnern"]
    # '%cxmem%' already returns every name '%zs%cxmem%' would: that query is not sent
    assert "%cxmem%" in pats and "%zs%cxmem%" not in pats
    assert subsumes("%cxmem%", "%zs%cxmem%") and subsumes("%mem%", "%cx%mem%gov%")
    assert not subsumes("%zs%cxmem%", "%cxmem%") and not subsumes("%mem%gov%", "%gov%mem%")
    # each short token gets the brand on either side and a gov token next to it, in turn
    assert pats.index("%cx%gov%") < pats.index("%gw%mem%")
    # the official host under another zone stays a query of its own
    assert "cx.mem.gov.cn.%" in pats
