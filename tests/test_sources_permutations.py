"""Look-alike permutations resolved through the simulated DNS: registered names found,
wildcard zones reported once, a dead DNS server reported as a failure."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.config import Settings
from core.profiles import TargetProfile, default_profile
from crawler.sources.adaptive import rounds
from crawler.sources.base import SourceContext, SourceLimits, SourceResult
from crawler.sources.permutations import PermutationsSource
from crawler.sources.state import SourceState
from simworld import SimulatedInternet
from simworld.loader import load_world

NOW = datetime(2026, 5, 1, tzinfo=UTC)
LIMIT = 8000  # the most telling ~quarter of the generated names: keeps the test quick


def run(settings: Settings, profile: TargetProfile, tmp_path: Path, **opts: object) -> SourceResult:
    ctx = SourceContext(
        settings=settings,
        profiles=(profile,),
        state=SourceState.under(tmp_path),
        now=NOW,
        limits=SourceLimits(dns_rate_per_second=0, dns_concurrency=40),
        options={"permutations": opts},
    )
    return asyncio.run(PermutationsSource().collect(ctx))


def hosts(result: SourceResult) -> list[str]:
    return [c.url.split("/")[2] for c in result.candidates]


def test_finds_the_registered_lookalikes_of_the_world(
    simnet: SimulatedInternet, tmp_path: Path
) -> None:
    profile = default_profile()
    simnet.log.clear()
    result = run(simnet.settings(), profile, tmp_path, limit=LIMIT)
    assert result.failures == ()
    found = hosts(result)
    world = simnet.world
    # every asked name the world's DNS knows (records, or a registered apex) is found, and
    # nothing else; the wildcard probes are random labels
    queried = [e.host for e in simnet.log.entries() if e.kind == "dns"]
    asked = {q for q in queried if not q.split(".")[0].startswith("zw") or q in world.domains()}
    registered = world.domains()
    assert set(found) == {d for d in asked if world.dns_records(d) is not None or d in registered}
    # most of the look-alikes the world's authors expect permutations to find are found
    expected = [s.host for s in world.sites.values() if "permutations" in s.discoverable_by]
    assert expected, "the default world has no site discoverable by permutations"
    hit = [h for h in expected if h in found]
    assert len(hit) >= 0.7 * len(expected), (hit, expected)
    # no counterfeit/benign confusion: nothing official comes back
    assert not any(h.endswith("mem.gov.cn") for h in found)
    # the permutation source never asks about names under gov.cn (the DNS log shows it)
    assert len(set(queried)) >= LIMIT
    assert not [q for q in queried if q == "gov.cn" or q.endswith(".gov.cn")]
    first = result.candidates[0]
    assert first.source == "permutations" and first.context["technique"] and first.context["reason"]
    assert first.url.startswith("http://") and first.context["wildcard"] is False
    assert result.stats["generated"] == LIMIT and result.stats["resolved"] == len(found)


WILDCARD_SITES = {
    # every name under cn.top answers: cx.mem.gov.cn.top and its random-label probe alike
    "cn.top": 'label = "parked"\n[dns]\na = ["47.91.1.1"]\nwildcard = true\n',
    "memgov.net": 'label = "counterfeit"\n[dns]\na = ["47.242.10.21"]\n',
    # a wildcard zone on a registrable look-alike itself: the name still counts once
    "mem-gov.top": 'label = "counterfeit"\n[dns]\na = ["47.242.10.22"]\nwildcard = true\n',
}
SMALL = TargetProfile(
    key="mem",
    name="平台",
    owner="应急管理部",
    official_hosts=("cx.mem.gov.cn",),
    registrable_domains=("mem.gov.cn",),
    names_zh=(),
    pinyin=(),
    abbreviations=(),
    service_words=("cx",),
    reference_urls=(),
    brand_labels=("mem",),
)


@pytest.fixture(scope="module")
def wildcard_net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatedInternet]:
    root = tmp_path_factory.mktemp("wild-world")
    for host, toml in WILDCARD_SITES.items():
        (root / "sites" / host / "files").mkdir(parents=True)
        (root / "sites" / host / "site.toml").write_text(f'host = "{host}"\n{toml}', "utf-8")
    with SimulatedInternet(load_world(root), workdir=tmp_path_factory.mktemp("wild-net")) as net:
        yield net


def test_wildcard_zone_reported_once(wildcard_net: SimulatedInternet, tmp_path: Path) -> None:
    result = run(wildcard_net.settings(), SMALL, tmp_path, tlds=["top", "net"])
    by_host = {c.url.split("/")[2]: c.context for c in result.candidates}
    wild = [ctx for ctx in by_host.values() if ctx["wildcard"]]
    assert len(wild) == 1, by_host  # all names under mem.gov.cn.top → one flagged candidate
    assert wild[0]["wildcard_zone"] == "cn.top" and wild[0]["wildcard_names"] >= 2
    assert by_host["memgov.net"]["wildcard"] is False
    assert by_host["mem-gov.top"]["wildcard"] is False
    assert result.stats["wildcard_zones"] >= 1
    assert not any(h.endswith(".cn.top") and not by_host[h]["wildcard"] for h in by_host)


def test_dead_dns_server_is_a_failure(tmp_path: Path) -> None:
    dead = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dead.bind(("127.0.0.1", 0))  # bound, never answers: every query times out
    try:
        settings = Settings(dns_servers=(dead.getsockname(),))
        result = run(
            settings, SMALL, tmp_path, tlds=["top"], limit=25, dns_timeout=0.3, dns_tries=1
        )
    finally:
        dead.close()
    assert result.candidates == ()
    assert len(result.failures) == 1 and "DNS 服务器无响应" in result.failures[0].reason
    # every asked name failed, and a dead resolver ends the rounds: the rest of the budget
    # is not burnt on timeouts
    assert result.stats["errors"] == result.stats["generated"] == rounds(25)[0] < 25
