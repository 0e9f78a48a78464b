"""DNS goes to the configured servers and nowhere else; failures come back as data."""

from __future__ import annotations

import asyncio
import socket

import pytest
from netpath_servers import LOOPBACK, Zone, dns_server, silent_udp

from core.config import Settings
from core.netpath.dns import DnsLookupError, Resolver

RECORDS = {
    "cx-mem-gov.cn": {
        "A": ["47.242.10.21"],
        "NS": ["ns1.dnsowl.com", "ns2.dnsowl.com"],
        "MX": ["mx.cx-mem-gov.cn"],
    },
    "www.cx-mem-gov.cn": {"CNAME": ["cx-mem-gov.cn"]},
    "cx.mem.gov.cn": {"A": ["1.2.3.4"]},
    "mem.gov.cn": {"NS": ["ns.mem.gov.cn"]},
    "noa.example.com": {"MX": ["mail.example.com"]},
    "xn--fsqu00a.xn--fiqs8s": {"A": ["5.6.7.8"]},
}


@pytest.fixture
def zone():
    return Zone({k: dict(v) for k, v in RECORDS.items()})


@pytest.fixture
def no_system_resolver(monkeypatch):
    """Records every name handed to the system resolver (there must be none)."""
    asked: list[object] = []
    real = socket.getaddrinfo

    def recording(host, *args, **kwargs):
        asked.append(host)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording)
    return asked


def settings_for(*ports: int) -> Settings:
    env = {"ZHENWEI_DNS_SERVERS": ",".join(f"{LOOPBACK}:{p}" for p in ports)}
    return Settings.from_env(env)


def test_lookup_goes_to_the_configured_server_only(zone, no_system_resolver):
    decoy = Zone(dict(RECORDS))
    with dns_server(zone) as port, dns_server(decoy):
        facts = Resolver(settings_for(port)).lookup("www.cx-mem-gov.cn")
    assert facts.a == ("47.242.10.21",)
    assert facts.cname == ("cx-mem-gov.cn",)
    assert facts.ns == ("ns1.dnsowl.com", "ns2.dnsowl.com")
    assert facts.mx == ("mx.cx-mem-gov.cn",)
    assert facts.error is None
    assert "47.242.10.21" in facts.raw and "CNAME" in facts.raw
    asked = {(name, qtype) for name, qtype in zone.queries}
    assert {
        ("www.cx-mem-gov.cn", "A"),
        ("www.cx-mem-gov.cn", "AAAA"),
        ("cx-mem-gov.cn", "NS"),
        ("cx-mem-gov.cn", "MX"),
    } <= asked
    assert decoy.queries == []
    assert no_system_resolver == []


def test_ns_and_mx_come_from_the_registrable_domain(zone):
    with dns_server(zone) as port:
        facts = Resolver(settings_for(port)).lookup("CX.mem.gov.cn.")
    assert facts.host == "cx.mem.gov.cn"
    assert facts.a == ("1.2.3.4",)
    assert facts.ns == ("ns.mem.gov.cn",)
    assert ("mem.gov.cn", "NS") in zone.queries


def test_idn_hosts_are_asked_as_a_labels(zone):
    with dns_server(zone) as port:
        resolver = Resolver(settings_for(port))
        assert resolver.resolve("例子.中国") == ("5.6.7.8",)
    assert ("xn--fsqu00a.xn--fiqs8s", "A") in zone.queries


def test_nxdomain_is_a_fact_not_an_exception(zone):
    with dns_server(zone) as port:
        resolver = Resolver(settings_for(port))
        facts = resolver.lookup("nothing-here.example.org")
        assert resolver.resolve("nothing-here.example.org") == ()
        assert resolver.exists("nothing-here.example.org") is False
        assert resolver.exists("noa.example.com") is True  # exists, no A record
        assert resolver.resolve("noa.example.com") == ()
        with pytest.raises(DnsLookupError) as info:
            resolver.address("nothing-here.example.org")
    assert facts.a == () and facts.error is not None
    assert "域名不存在" in facts.error and "NXDOMAIN" in facts.error
    assert "NXDOMAIN" in info.value.reason


def test_servfail_means_unknown_not_absent(zone):
    zone.servfail = True
    with dns_server(zone) as port:
        resolver = Resolver(settings_for(port), timeout=0.5, tries=1)
        assert resolver.exists("cx-mem-gov.cn") is None
        facts = resolver.lookup("cx-mem-gov.cn")
    assert facts.error is not None and "SERVFAIL" in facts.error
    assert zone.queries


def test_hanging_server_times_out_into_none():
    with silent_udp() as port:
        resolver = Resolver(settings_for(port), timeout=0.3, tries=1)
        assert resolver.exists("cx-mem-gov.cn") is None
        assert resolver.resolve("cx-mem-gov.cn") == ()
        facts = resolver.lookup("cx-mem-gov.cn")
    assert facts.error is not None and "超时" in facts.error


def test_second_server_answers_when_the_first_is_silent(zone):
    with silent_udp() as dead, dns_server(zone) as port:
        resolver = Resolver(settings_for(dead, port), timeout=0.3, tries=2)
        assert resolver.resolve("cx-mem-gov.cn") == ("47.242.10.21",)
    assert ("cx-mem-gov.cn", "A") in zone.queries


def test_async_variants_use_the_same_server(zone, no_system_resolver):
    async def run(resolver: Resolver):
        return await asyncio.gather(
            resolver.alookup("www.cx-mem-gov.cn"),
            resolver.aresolve("cx.mem.gov.cn"),
            resolver.aresolve("nothing-here.example.org"),
            resolver.aexists("nothing-here.example.org"),
        )

    with dns_server(zone) as port:
        facts, a, missing, exists = asyncio.run(run(Resolver(settings_for(port))))
    assert facts.a == ("47.242.10.21",) and facts.ns == ("ns1.dnsowl.com", "ns2.dnsowl.com")
    assert a == ("1.2.3.4",) and missing == () and exists is False
    assert ("cx.mem.gov.cn", "A") in zone.queries
    assert no_system_resolver == []


def test_ip_addresses_need_no_lookup(zone):
    with dns_server(zone) as port:
        resolver = Resolver(settings_for(port))
        facts = resolver.lookup("47.242.10.21")
        assert resolver.address("localhost") == "127.0.0.1"
    assert facts.a == ("47.242.10.21",)
    assert zone.queries == []


V6 = {
    "v6only.example": {"AAAA": ["::1"]},
    "dual.example": {"A": ["47.242.10.21"], "AAAA": ["fd00::5"]},
    "v6public.example": {"AAAA": ["2001:4860:4860::8888"]},
    "mapped.example": {"AAAA": ["::ffff:7f00:1"]},  # ::ffff:127.0.0.1
}


def test_the_egress_policy_judges_ipv6_answers_too():
    """A name with only AAAA records (or a public A beside a private AAAA) still leads to an
    address a browser may connect to: the policy asks for both and refuses either."""
    from core.netpath.egress import EgressPolicy, EgressRefused

    zone = Zone({k: dict(v) for k, v in V6.items()})
    with dns_server(zone) as port:
        resolver = Resolver(settings_for(port))
        policy = EgressPolicy()
        assert resolver.addresses("dual.example") == ("47.242.10.21", "fd00::5")
        for host, address in (
            ("v6only.example", "::1"),
            ("dual.example", "fd00::5"),
            ("mapped.example", "::ffff:127.0.0.1"),
        ):
            with pytest.raises(EgressRefused) as err:
                policy.check_url(f"http://{host}/", resolver)
            assert err.value.address == address
            with pytest.raises(EgressRefused):
                asyncio.run(policy.acheck_url(f"https://{host}/x", resolver))
        policy.check_url("http://v6public.example/", resolver)  # public: passes
        assert asyncio.run(resolver.aaddresses("v6public.example")) == ("2001:4860:4860::8888",)
    assert ("v6only.example", "AAAA") in zone.queries


# -- the asyncio address queries (c-ares) ---------------------------------------------------
def test_async_queries_tell_absent_from_unknown(zone):
    """NXDOMAIN is a "no", a name without A records exists, a failing or silent server is
    "unknown": the permutation source and the egress check depend on the difference."""

    async def ask(resolver: Resolver):
        return await asyncio.gather(
            resolver.aexists("nothing-here.example.org"),
            resolver.aexists("noa.example.com"),
            resolver.aresolve("noa.example.com"),
            resolver.aexists("www.cx-mem-gov.cn"),
            resolver.aresolve("www.cx-mem-gov.cn"),  # through its CNAME
        )

    with dns_server(zone) as port:
        assert asyncio.run(ask(Resolver(settings_for(port)))) == [
            False,
            True,
            (),
            True,
            ("47.242.10.21",),
        ]
    zone.servfail = True
    with dns_server(zone) as port:
        resolver = Resolver(settings_for(port), timeout=0.5, tries=1)
        assert asyncio.run(resolver.aexists("cx-mem-gov.cn")) is None
        assert asyncio.run(resolver.aaddresses("cx-mem-gov.cn")) == ()
    with silent_udp() as port:
        resolver = Resolver(settings_for(port), timeout=0.3, tries=1)
        assert asyncio.run(resolver.aexists("cx-mem-gov.cn")) is None


def test_async_queries_fail_over_and_survive_a_new_event_loop(zone):
    with silent_udp() as dead, dns_server(zone) as port:
        resolver = Resolver(settings_for(dead, port), timeout=0.3, tries=2)
        # one resolver, two event loops one after the other (each gets its own channel)
        assert asyncio.run(resolver.aresolve("cx-mem-gov.cn")) == ("47.242.10.21",)
        assert asyncio.run(resolver.aresolve("cx.mem.gov.cn")) == ("1.2.3.4",)
    assert ("cx.mem.gov.cn", "A") in zone.queries


def test_c_ares_gets_explicit_servers_and_the_test_guard_checks_them():
    """c-ares sends from C, below the Python socket guard: the guard checks the servers a
    channel is given, and refuses a channel left to read /etc/resolv.conf."""
    import pycares
    from sitecustomize import NetworkGuardError

    from core.netpath.cares import CaresResolver, server_spec

    assert server_spec("2001:db8::1", 53) == "[2001:db8::1]:53"
    assert server_spec("192.0.2.1", 5353) == "192.0.2.1:5353"
    with pytest.raises(ValueError):
        CaresResolver([], timeout=1, tries=1)
    with pytest.raises(NetworkGuardError):
        pycares.Channel(servers=["192.0.2.1:53"])
    with pytest.raises(NetworkGuardError):
        pycares.Channel()
    channel = pycares.Channel(servers=["127.0.0.1:53"])
    with pytest.raises(NetworkGuardError):
        channel.servers = ["[2001:db8::1]:53"]
