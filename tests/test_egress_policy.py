"""The egress policy as a pure function (issue 9, finding 1): every non-public address form is
refused, as a literal and as what a name resolves to. No packet is sent by these tests: names
resolve through a stub resolver, addresses are only classified."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from core.config import ConfigError, Settings
from core.failures import FailureKind
from core.netpath.egress import EgressPolicy, EgressRefused, parse_address, parse_networks
from core.netpath.http import EgressBlocked, http_client
from core.netpath.tls import check_tls
from core.netpath.whois import WhoisClient
from crawler.failures import from_exception

REFUSED = [
    "127.0.0.1", "127.0.0.2", "::1", "0.0.0.0", "::", "10.255.255.1", "172.16.0.1",
    "192.168.255.254", "169.254.169.254", "fe80::1", "100.64.0.1", "100.127.255.254",
    "224.0.0.1", "239.255.255.250", "ff02::1", "240.0.0.1", "255.255.255.255", "192.0.2.1",
    "198.51.100.7", "203.0.113.9", "198.18.0.1", "fc00::1", "fd12:3456::1", "2001:db8::1",
    "::ffff:127.0.0.1", "::ffff:8.8.8.8", "::127.0.0.1", "2002:7f00:1::1", "2002:a00:1::1",
    "2001:0:4136:e378:8000:63bf:80ff:fffe", "64:ff9b::a00:1",
]  # fmt: skip
ALLOWED = ["8.8.8.8", "47.242.10.21", "2606:4700:4700::1111", "2002:808:808::1"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert EgressPolicy().refusal(address) is not None


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_pass(address: str) -> None:
    assert EgressPolicy().refusal(address) is None


@pytest.mark.parametrize(
    ("host", "address"),
    [("0x7f.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"),
     ("10.1", "10.0.0.1"), ("[::ffff:7f00:1]", "::ffff:7f00:1"), ("127.1", "127.0.0.1")],
)  # fmt: skip
def test_hosts_a_browser_reads_as_addresses(host: str, address: str) -> None:
    parsed = parse_address(host)
    assert parsed is not None and str(parsed) == address
    with pytest.raises(EgressRefused):
        EgressPolicy().check_host(host, None)


@pytest.mark.parametrize("url", [
    "http://[::1]/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/", "http://10.255.255.1/",
    "http://169.254.169.254/latest/meta-data/", "http://192.168.255.254/", "http://127.0.0.2/",
    "http://localhost:8080/", "http://LOCALHOST./", "http://a.localhost/", "https://0x7f000001/",
])  # fmt: skip
def test_issue_urls_are_refused(url: str) -> None:
    with pytest.raises(EgressRefused) as err:
        EgressPolicy().check_url(url, None)
    failure = from_exception(err.value)
    assert failure.kind is FailureKind.BLOCKED and err.value.address in failure.message


class StubResolver:
    """Answers from a table: nothing leaves the process."""

    def __init__(self, table: dict[str, tuple[str, ...]]) -> None:
        self.table = table
        self.asked: list[str] = []

    def addresses(self, host: str) -> tuple[str, ...]:
        self.asked.append(host)
        return self.table.get(host, ())

    async def aaddresses(self, host: str) -> tuple[str, ...]:
        return self.addresses(host)


def test_a_name_is_judged_by_every_address_it_resolves_to() -> None:
    resolver = StubResolver({
        "intranet.example": ("10.0.0.5",), "mixed.example": ("47.242.10.21", "127.0.0.1"),
        "public.example": ("47.242.10.21",),
    })  # fmt: skip
    policy = EgressPolicy()
    with pytest.raises(EgressRefused) as err:
        policy.check_url("http://intranet.example/x", resolver)
    assert (err.value.host, err.value.address) == ("intranet.example", "10.0.0.5")
    assert "intranet.example → 10.0.0.5" in err.value.failure().message
    with pytest.raises(EgressRefused):
        asyncio.run(policy.acheck_url("https://mixed.example/", resolver))
    policy.check_url("http://public.example/", resolver)
    policy.check_url("http://unresolvable.example/", resolver)  # fails later, as DNS
    assert resolver.asked.count("public.example") == 1


def test_allow_networks_is_the_only_opt_in() -> None:
    settings = Settings.from_env({"ZHENWEI_ALLOW_NETWORKS": "127.0.0.1/32, ::1/128"})
    assert settings.egress.refusal("127.0.0.1") is None
    assert settings.egress.refusal("::1") is None
    assert settings.egress.refusal("127.0.0.2") is not None
    assert settings.egress.refusal("::ffff:127.0.0.1") is not None  # mapped forms stay refused
    assert Settings.from_env({}).egress.refusal("127.0.0.1") is not None
    assert parse_networks("") == ()
    with pytest.raises(ConfigError, match="not-a-net"):
        Settings.from_env({"ZHENWEI_ALLOW_NETWORKS": "127.0.0.0/8,not-a-net"})


def test_http_client_refuses_before_connecting() -> None:
    """No listener exists on these addresses; the refusal must come before any connect."""
    settings = Settings.from_env({})
    with http_client(settings, timeout=2.0) as client:
        for url in ("http://127.0.0.2:9/", "http://[::1]:9/", "http://169.254.169.254/"):
            with pytest.raises(EgressBlocked) as err:
                client.get(url)
            assert isinstance(err.value, httpx.ConnectError)
            assert from_exception(err.value.refused).kind is FailureKind.BLOCKED


def test_tls_check_and_whois_refuse_internal_targets() -> None:
    settings = Settings.from_env({})
    facts = check_tls("127.0.0.2", 443, settings, timeout=2.0)
    assert facts.error is not None and "出站策略" in facts.error
    whois = WhoisClient(settings, servers={"test": "127.0.0.2:43"}, retries=0, timeout=2.0)
    looked = whois.lookup("example.test")
    assert looked.error is not None and "出站策略" in looked.error
