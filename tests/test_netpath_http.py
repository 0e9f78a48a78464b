"""API clients go through the proxy, honour NO_PROXY and SSL_CERT_FILE, and resolve through our DNS."""

from __future__ import annotations

import asyncio
import socket
import ssl

import httpx
import pytest
import trustme
from netpath_servers import Zone, dns_server, origin, proxy, write_ca

from core.config import ProxySettings, Settings
from core.netpath.egress import parse_networks
from core.netpath.http import async_http_client, http_client, proxy_for

#: these tests talk to loopback servers of their own: the egress policy's test opt-in
LOOPBACK_NETS = parse_networks("127.0.0.0/8")


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca, tmp_path_factory):
    return write_ca(ca, tmp_path_factory.mktemp("ca"))


@pytest.fixture
def tls_origin(ca):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("api.test").configure_cert(context)
    with origin(context) as server:
        yield server


@pytest.fixture
def system_resolver_calls(monkeypatch):
    asked: list[object] = []
    real = socket.getaddrinfo

    def recording(host, *args, **kwargs):
        asked.append(host)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording)
    return asked


def test_plain_http_goes_through_the_proxy_and_no_proxy_goes_direct():
    with proxy() as p, origin() as direct:
        settings = Settings(
            proxy=ProxySettings(http=p.url, https=p.url, no_proxy=("localhost",)),
            allow_networks=LOOPBACK_NETS,
        )
        with http_client(settings) as client:
            proxied = client.get("http://crt.test/?q=%25.mem.gov.cn")
            local = client.get(f"http://localhost:{direct.port}/direct")
            assert client.headers["User-Agent"] == settings.desktop_user_agent
    assert proxied.text == "proxied http://crt.test/?q=%25.mem.gov.cn"
    assert p.log == [("http", "http://crt.test/?q=%25.mem.gov.cn")]
    assert local.text == f"origin localhost:{direct.port}/direct"
    assert direct.requests == [(f"localhost:{direct.port}", "/direct")]


def test_https_through_connect_trusts_ssl_cert_file(tls_origin, ca_file):
    with proxy({"api.test": tls_origin.port}) as p:
        trusted = Settings(proxy=ProxySettings(https=p.url), ssl_cert_file=ca_file)
        with http_client(trusted) as client:
            response = client.get("https://api.test/v1/search?q=1")
        assert response.status_code == 200
        assert response.text == "origin api.test/v1/search?q=1"
        assert p.log == [("connect", "api.test:443")]

        untrusted = Settings(proxy=ProxySettings(https=p.url))
        with (
            http_client(untrusted) as client,
            pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
        ):
            client.get("https://api.test/")


def test_async_client_through_the_proxy(tls_origin, ca_file):
    async def run(settings):
        async with async_http_client(settings, user_agent="probe/1") as client:
            assert client.headers["User-Agent"] == "probe/1"
            return await asyncio.gather(
                client.get("https://api.test/a"), client.get("http://plain.test/b")
            )

    with proxy({"api.test": tls_origin.port}) as p:
        settings = Settings(proxy=ProxySettings(http=p.url, https=p.url), ssl_cert_file=ca_file)
        secure, plain = asyncio.run(run(settings))
    assert secure.text == "origin api.test/a"
    assert plain.text == "proxied http://plain.test/b"
    assert ("connect", "api.test:443") in p.log and ("http", "http://plain.test/b") in p.log


def test_direct_connections_resolve_through_the_configured_dns(system_resolver_calls):
    zone = Zone({"api.test": {"A": ["127.0.0.1"]}})
    with dns_server(zone) as dns_port, origin() as server:
        settings = Settings(dns_servers=(("127.0.0.1", dns_port),), allow_networks=LOOPBACK_NETS)
        with http_client(settings) as client:
            sync = client.get(f"http://api.test:{server.port}/sync")

        async def run():
            async with async_http_client(settings) as client:
                return await client.get(f"http://api.test:{server.port}/async")

        asynchronous = asyncio.run(run())
    assert sync.text == f"origin api.test:{server.port}/sync"
    assert asynchronous.text == f"origin api.test:{server.port}/async"
    assert ("api.test", "A") in zone.queries
    assert "api.test" not in system_resolver_calls


def test_unresolvable_direct_host_is_a_connect_error():
    zone = Zone({})
    with dns_server(zone) as dns_port:
        settings = Settings(dns_servers=(("127.0.0.1", dns_port),))
        with http_client(settings, timeout=5) as client, pytest.raises(httpx.ConnectError):
            client.get("http://gone.test/")
    assert ("gone.test", "A") in zone.queries


def test_proxy_for_follows_no_proxy():
    settings = Settings.from_env(
        {"HTTP_PROXY": "http://p:1", "HTTPS_PROXY": "http://p:2", "NO_PROXY": "mem.gov.cn"}
    )
    assert proxy_for("https://cx-mem-gov.cn/", settings) == "http://p:2"
    assert proxy_for("http://cx-mem-gov.cn/", settings) == "http://p:1"
    assert proxy_for("https://cx.mem.gov.cn/", settings) is None
    assert proxy_for("http://x.test/", Settings()) is None
