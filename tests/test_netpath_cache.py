"""WHOIS is asked once per registrable domain per TTL; failures are not cached."""

from __future__ import annotations

import json
from pathlib import Path

from netpath_servers import LOOPBACK, Zone, dns_server, whois_server
from test_netpath_whois import CNNIC

from core.config import Settings
from core.netpath.cache import CachedResolver, CachedWhois
from core.netpath.dns import Resolver
from core.netpath.whois import WhoisClient


def _settings(whois_port: int) -> Settings:
    return Settings.from_env({"ZHENWEI_WHOIS_SERVER": f"{LOOPBACK}:{whois_port}"})


def test_whois_once_per_registrable_domain_and_across_processes(tmp_path: Path) -> None:
    with whois_server({"cx-mem-gov.cn": CNNIC}) as server:
        client = WhoisClient(_settings(server.port))
        cached = CachedWhois(client, tmp_path)
        first = cached.lookup("www.cx-mem-gov.cn")
        second = cached.lookup("cx.cx-mem-gov.cn")
        # a new cache object on the same directory (the next night's run) reads the file
        third = CachedWhois(client, tmp_path).lookup("cx-mem-gov.cn")
    assert server.queries == ["cx-mem-gov.cn"]
    assert first == second == third
    assert third.created is not None and third.created.utcoffset() is not None
    assert third.name_servers == ("dns1.hichina.com", "dns2.hichina.com")


def test_expired_entries_and_failures_are_asked_again(tmp_path: Path) -> None:
    with whois_server({"cx-mem-gov.cn": CNNIC}) as server:
        client = WhoisClient(_settings(server.port), retries=0)
        CachedWhois(client, tmp_path, ttl=0.0).lookup("cx-mem-gov.cn")
        CachedWhois(client, tmp_path, ttl=0.0).lookup("cx-mem-gov.cn")
        missing = CachedWhois(client, tmp_path).lookup("nowhere.cn")
        CachedWhois(client, tmp_path).lookup("nowhere.cn")
    assert server.queries.count("cx-mem-gov.cn") == 2
    assert missing.error
    assert server.queries.count("nowhere.cn") == 2
    assert not list((tmp_path / "whois").rglob("*.json"))[1:], "only the good record is stored"


def test_dns_lookup_cached_per_host(tmp_path: Path) -> None:
    zone = Zone({"cx-mem-gov.cn": {"A": ["47.242.10.21"]}})
    with dns_server(zone) as port:
        settings = Settings.from_env({"ZHENWEI_DNS_SERVERS": f"{LOOPBACK}:{port}"})
        cached = CachedResolver(Resolver(settings), tmp_path)
        a = cached.lookup("cx-mem-gov.cn")
        asked = len(zone.queries)
        b = cached.lookup("CX-MEM-GOV.CN.")
        assert len(zone.queries) == asked
    assert a == b and a.a == ("47.242.10.21",)
    files = list((tmp_path / "dns").rglob("*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text())["key"] == "cx-mem-gov.cn"
