"""The TLS check judges certificates with Python's ssl through the proxy, against SSL_CERT_FILE."""

from __future__ import annotations

import socket
import ssl
from datetime import UTC, datetime, timedelta

import pytest
import trustme
from netpath_servers import Zone, dns_server, origin, proxy, write_ca

from core.config import ProxySettings, Settings
from core.netpath.egress import parse_networks
from core.netpath.tls import check_tls

#: these tests talk to loopback servers of their own: the egress policy's test opt-in
LOOPBACK_NETS = parse_networks("127.0.0.0/8")


@pytest.fixture(scope="module")
def ca():
    return trustme.CA(organization_name="Zhenwei Test CA")


@pytest.fixture(scope="module")
def ca_file(ca, tmp_path_factory):
    return write_ca(ca, tmp_path_factory.mktemp("ca"))


def server_context(ca, *names, **kwargs) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert(*names, **kwargs).configure_cert(context)
    return context


@pytest.fixture
def tls_origin(ca):
    with origin(server_context(ca, "site.test", "www.site.test")) as server:
        yield server


def via(proxy_server, ca_file=None, no_proxy=()) -> Settings:
    return Settings(
        proxy=ProxySettings(https=proxy_server.url, no_proxy=tuple(no_proxy)), ssl_cert_file=ca_file
    )


def test_trusted_certificate_through_the_connect_proxy(tls_origin, ca_file):
    with proxy({"site.test": tls_origin.port}) as p:
        facts = check_tls("site.test", 443, via(p, ca_file))
    assert p.log == [("connect", "site.test:443")]
    assert facts.verified is True and facts.error is None
    assert set(facts.sans) == {"site.test", "www.site.test"}
    assert "Zhenwei Test CA" in facts.issuer
    assert facts.not_after is not None and facts.not_after.tzinfo is not None
    assert facts.not_before is not None and facts.not_before < datetime.now(UTC)
    assert facts.pem.startswith("-----BEGIN CERTIFICATE-----")


def test_untrusted_certificate_is_recorded_and_still_read(tls_origin):
    with proxy({"site.test": tls_origin.port}) as p:
        facts = check_tls("site.test", settings=via(p, ca_file=None))
    assert facts.verified is False
    assert facts.error is not None
    assert "不受信任" in facts.error and "unable to get local issuer certificate" in facts.error
    assert "Zhenwei Test CA" in facts.issuer and facts.pem and "site.test" in facts.sans
    assert p.log == [("connect", "site.test:443")] * 2  # judged, then read unverified


def test_hostname_mismatch(tls_origin, ca_file):
    with proxy({"other.test": tls_origin.port}) as p:
        facts = check_tls("other.test", 443, via(p, ca_file))
    assert facts.verified is False
    assert facts.error is not None and "域名" in facts.error and "other.test" in facts.error
    assert "site.test" in facts.sans


def test_expired_certificate(ca, ca_file):
    past = datetime.now(UTC) - timedelta(days=30)
    context = server_context(ca, "old.test", not_before=past - timedelta(days=90), not_after=past)
    with origin(context) as server, proxy({"old.test": server.port}) as p:
        facts = check_tls("old.test", 443, via(p, ca_file))
    assert facts.verified is False and facts.error is not None and "过期" in facts.error
    assert facts.not_after is not None and facts.not_after < datetime.now(UTC)


def test_proxy_refusing_the_tunnel_is_an_error_fact(ca_file):
    with proxy({}) as p:
        facts = check_tls("unknown.test", 443, via(p, ca_file))
    assert p.log == [("connect", "unknown.test:443")]
    assert facts.verified is False and facts.pem == ""
    assert facts.error is not None and "代理拒绝" in facts.error and "502" in facts.error


def test_direct_connection_resolves_through_our_dns(tls_origin, ca_file, monkeypatch):
    asked = []
    real = socket.getaddrinfo
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda h, *a, **k: asked.append(h) or real(h, *a, **k)
    )
    zone = Zone({"www.site.test": {"A": ["127.0.0.1"]}})
    with dns_server(zone) as dns_port, proxy({"site.test": tls_origin.port}) as p:
        settings = Settings(
            proxy=ProxySettings(https=p.url, no_proxy=("site.test",)),  # NO_PROXY: direct
            dns_servers=(("127.0.0.1", dns_port),),
            ssl_cert_file=ca_file,
            allow_networks=LOOPBACK_NETS,
        )
        facts = check_tls("www.site.test", tls_origin.port, settings)
    assert facts.verified is True
    assert p.log == []
    assert ("www.site.test", "A") in zone.queries
    assert "www.site.test" not in asked and "site.test" not in asked


def test_unresolvable_host_direct(ca_file):
    zone = Zone({})
    with dns_server(zone) as dns_port:
        settings = Settings(dns_servers=(("127.0.0.1", dns_port),), ssl_cert_file=ca_file)
        facts = check_tls("missing.test", 443, settings)
    assert ("missing.test", "A") in zone.queries
    assert facts.verified is False and facts.error is not None and "NXDOMAIN" in facts.error


def test_settings_are_required():
    with pytest.raises(TypeError):
        check_tls("site.test", 443)
