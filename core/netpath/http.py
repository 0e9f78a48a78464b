"""HTTP clients for APIs (crt.sh, search engines, RDAP, webhooks) and the proxy choice for Scrapy.

Every request picks its route with `settings.proxy.for_url(url)`, the same rule the TLS check,
Scrapy (`proxy_for`) and Playwright use, so NO_PROXY means the same thing everywhere. The
environment is never read here (trust_env=False): config.Settings did it once.
"""

from __future__ import annotations

import logging
import ssl
from typing import Any

import httpcore
import httpx

from core.config import Settings
from core.netpath.dns import Resolver
from core.netpath.egress import EgressRefused
from core.netpath.tls import verify_context

logger = logging.getLogger(__name__)


class EgressBlocked(httpx.ConnectError):
    """The egress policy refused the request's address (or a redirect's); nothing was sent."""

    def __init__(self, refused: EgressRefused, request: httpx.Request) -> None:
        super().__init__(str(refused), request=request)
        self.refused = refused


def proxy_for(url: str, settings: Settings) -> str | None:
    """The proxy for `url` (honouring NO_PROXY), or None: what Scrapy's meta['proxy'] gets."""
    return settings.proxy.for_url(url)


def scrapy_proxy_settings(settings: Settings) -> dict[str, Any]:
    """Scrapy settings for the proxy path.

    Scrapy's HttpProxyMiddleware reads the environment itself; the spider instead sets
    `request.meta["proxy"] = proxy_for(url, settings)` on every request (None means direct,
    which the middleware respects), so the environment's values never win.
    """
    return {"HTTPPROXY_ENABLED": True}


class _DnsBackend(httpcore.SyncBackend):
    """Direct connections resolve names through our DNS servers, not getaddrinfo."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver

    def connect_tcp(
        self, host: str, port: int, *args: Any, **kwargs: Any
    ) -> httpcore.NetworkStream:
        try:
            address = self._resolver.address(host)
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        return super().connect_tcp(address, port, *args, **kwargs)


class _AsyncDnsBackend(httpcore.AnyIOBackend):
    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver

    async def connect_tcp(
        self, host: str, port: int, *args: Any, **kwargs: Any
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolver.aresolve(host)
        if not addresses:
            raise httpcore.ConnectError(f"{host}: no address from the configured DNS servers")
        return await super().connect_tcp(addresses[0], port, *args, **kwargs)


def _direct(settings: Settings, context: ssl.SSLContext) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(verify=context, trust_env=False)
    if settings.dns_servers:
        # httpx has no public hook for name resolution; swap in a pool with our backend.
        transport._pool = httpcore.ConnectionPool(
            ssl_context=context, network_backend=_DnsBackend(Resolver(settings))
        )
    return transport


def _adirect(settings: Settings, context: ssl.SSLContext) -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport(verify=context, trust_env=False)
    if settings.dns_servers:
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=context, network_backend=_AsyncDnsBackend(Resolver(settings))
        )
    return transport


class _RoutingTransport(httpx.BaseTransport):
    """Sends each request direct or through its proxy, chosen per URL, once the egress policy
    let its address pass (httpx follows redirects through here, so every hop is checked)."""

    def __init__(self, settings: Settings, context: ssl.SSLContext, policed: bool = True) -> None:
        self._settings = settings
        self._resolver = Resolver(settings) if policed else None
        self._policed = policed
        self._direct = _direct(settings, context)
        self._proxied = {
            url: httpx.HTTPTransport(verify=context, proxy=url, trust_env=False)
            for url in {settings.proxy.http, settings.proxy.https}
            if url
        }

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._policed:
            try:
                self._settings.egress.check_url(str(request.url), self._resolver)
            except EgressRefused as exc:
                raise EgressBlocked(exc, request) from exc
        proxy = self._settings.proxy.for_url(str(request.url))
        transport = self._proxied[proxy] if proxy else self._direct
        return transport.handle_request(request)

    def close(self) -> None:
        self._direct.close()
        for transport in self._proxied.values():
            transport.close()


class _AsyncRoutingTransport(httpx.AsyncBaseTransport):
    def __init__(self, settings: Settings, context: ssl.SSLContext, policed: bool = True) -> None:
        self._settings = settings
        self._resolver = Resolver(settings) if policed else None
        self._policed = policed
        self._direct = _adirect(settings, context)
        self._proxied = {
            url: httpx.AsyncHTTPTransport(verify=context, proxy=url, trust_env=False)
            for url in {settings.proxy.http, settings.proxy.https}
            if url
        }

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._policed:
            try:
                await self._settings.egress.acheck_url(str(request.url), self._resolver)
            except EgressRefused as exc:
                raise EgressBlocked(exc, request) from exc
        proxy = self._settings.proxy.for_url(str(request.url))
        transport = self._proxied[proxy] if proxy else self._direct
        return await transport.handle_async_request(request)

    async def aclose(self) -> None:
        await self._direct.aclose()
        for transport in self._proxied.values():
            await transport.aclose()


def _headers(settings: Settings, user_agent: str | None) -> dict[str, str]:
    return {
        "User-Agent": user_agent or settings.desktop_user_agent,
        "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.6",
    }


def http_client(
    settings: Settings,
    *,
    timeout: float = 20.0,
    user_agent: str | None = None,
    policed: bool = True,
) -> httpx.Client:
    """A client for API calls: proxy per URL, SSL_CERT_FILE honoured, redirects followed.

    Every request (and redirect) passes the egress policy first; `policed=False` is only for
    destinations the operator configured (the unit's own webhook), never for a site's URL.
    """
    return httpx.Client(
        transport=_RoutingTransport(settings, verify_context(settings), policed),
        timeout=timeout,
        follow_redirects=True,
        headers=_headers(settings, user_agent),
        trust_env=False,
    )


def document_client(settings: Settings, *, timeout: float) -> httpx.AsyncClient:
    """The browser's own fetch of a main document, done here so its size stays bounded.

    Like Chromium in our contexts (ignore_https_errors), a bad certificate does not stop it
    (the TLS check judges certificates); redirects are not followed (the browser follows each
    hop); the egress policy checks every request.
    """
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return httpx.AsyncClient(
        transport=_AsyncRoutingTransport(settings, context),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )


def async_http_client(
    settings: Settings,
    *,
    timeout: float = 20.0,
    user_agent: str | None = None,
    policed: bool = True,
) -> httpx.AsyncClient:
    """The asyncio twin of `http_client`."""
    return httpx.AsyncClient(
        transport=_AsyncRoutingTransport(settings, verify_context(settings), policed),
        timeout=timeout,
        follow_redirects=True,
        headers=_headers(settings, user_agent),
        trust_env=False,
    )
