"""Each network path, configured from the simulated internet's environment, reaches its server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.config import Settings
from core.netpath.dns import Resolver
from core.netpath.http import http_client
from core.netpath.tls import check_tls
from core.netpath.whois import WhoisClient


@pytest.fixture
def net(simnet):
    simnet.log.clear()
    return simnet


@pytest.fixture
def settings(net) -> Settings:
    return Settings.from_env(net.env)


def kinds(net, host):
    return {e.kind for e in net.log.entries() if e.host.rstrip(".").lower() == host}


def test_dns_reaches_the_simulated_server(net, settings):
    facts = Resolver(settings).lookup("www.cx-mem-gov.cn")
    assert facts.a == ("47.242.10.21",)
    assert "ns1.dnsowl.com" in facts.ns
    assert kinds(net, "www.cx-mem-gov.cn") == {"dns"}
    assert {e.kind for e in net.log.entries()} == {"dns"}


def test_whois_reaches_the_simulated_server_and_cnnic_time_is_utc(net, settings):
    facts = WhoisClient(settings).lookup("www.cx-mem-gov.cn")
    assert facts.error is None, facts.raw
    assert facts.created == datetime(2026, 9, 14, 3, 12, tzinfo=UTC)
    assert facts.registrar == "阿里云计算有限公司（万网）"
    assert {e.kind for e in net.log.entries()} == {"whois"}


def test_tls_check_goes_through_the_proxy(net, settings):
    genuine = check_tls("cx.mem.gov.cn", 443, settings)
    assert genuine.verified is True, genuine.error
    bad = check_tls("aqsc-chaxun.cn", 443, settings)
    assert bad.verified is False and bad.error and bad.pem
    assert "connect" in kinds(net, "cx.mem.gov.cn") and "connect" in kinds(net, "aqsc-chaxun.cn")
    # DNS too: the egress policy checks what each name resolves to before the tunnel opens.
    assert {e.kind for e in net.log.entries()} <= {"connect", "https", "dns"}


def test_http_client_goes_through_the_proxy(net, settings):
    with http_client(settings) as client:
        response = client.get("http://cx-mem-gov.cn/")
    assert response.status_code == 200
    assert "http" in kinds(net, "cx-mem-gov.cn")
