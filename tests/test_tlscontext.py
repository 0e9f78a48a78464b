"""crawler.tlscontext: every plain fetch's TLS connection on one OpenSSL context, each with its
own server name, configured as Scrapy's own connections are."""

from __future__ import annotations

from typing import Any

import trustme
from OpenSSL import SSL
from scrapy.core.downloader.contextfactory import _load_context_factory_from_settings
from scrapy.utils.test import get_crawler

from crawler.tlscontext import SharedContextPolicy


class _Proto:
    """The little of a TLSMemoryBIOProtocol that creating a connection reads."""

    class factory:  # noqa: N801 - an attribute, as Twisted's protocol has it
        wrappedFactory = object()


def _server(ca: trustme.CA, names: list[bytes]) -> SSL.Connection:
    ctx = SSL.Context(SSL.TLS_METHOD)
    ca.issue_cert("a.test", "b.test").configure_cert(ctx)
    ctx.set_tlsext_servername_callback(lambda conn: names.append(conn.get_servername() or b""))
    conn = SSL.Connection(ctx, None)
    conn.set_accept_state()
    return conn


def _handshake(client: SSL.Connection, server: SSL.Connection) -> None:
    client.set_connect_state()
    for _ in range(20):
        for side in (client, server):
            try:
                side.do_handshake()
            except SSL.WantReadError:
                pass
        for src, dst in ((client, server), (server, client)):
            try:
                dst.bio_write(src.bio_read(65536))
            except SSL.WantReadError:
                pass
        if client.get_finished() and server.get_finished():
            return
    raise AssertionError("no handshake")


def _connection(policy: Any, host: bytes) -> SSL.Connection:
    conn: SSL.Connection = policy.creatorForNetloc(host, 443).clientConnectionForTLS(_Proto())
    return conn


def _settings(conn: SSL.Connection) -> tuple[Any, ...]:
    ctx = conn.get_context()  # read only: pyOpenSSL refuses to change a context in use
    return (
        conn.get_cipher_list(),
        conn.get_verify_mode(),
        ctx.get_verify_mode(),
        ctx.get_session_cache_mode(),
        ctx.get_timeout(),
    )


def test_connections_share_one_context_with_their_own_server_names() -> None:
    crawler = get_crawler()
    scrapy_factory = _load_context_factory_from_settings(crawler)
    policy = SharedContextPolicy(_load_context_factory_from_settings(crawler))
    assert policy.options is not None
    ca, names = trustme.CA(), []  # type: ignore[var-annotated]
    first, second = _connection(policy, b"a.test"), _connection(policy, b"b.test")
    assert first.get_context() is second.get_context()
    # nothing carried from one connection to the next: no session cache in the context
    assert first.get_context().get_session_cache_mode() == SSL.SESS_CACHE_OFF
    for conn in (first, second):
        _handshake(conn, _server(ca, names))
    assert names == [b"a.test", b"b.test"]
    # configured exactly as Scrapy configures a connection on a context of its own
    own = _connection(scrapy_factory, b"a.test")
    assert own.get_context() is not first.get_context()
    assert _settings(own) == _settings(first) == _settings(second)


def test_certificate_verification_keeps_scrapys_own_contexts() -> None:
    crawler = get_crawler(settings_dict={"DOWNLOAD_VERIFY_CERTIFICATES": True})
    policy = SharedContextPolicy(_load_context_factory_from_settings(crawler))
    assert policy.options is None
    first, second = _connection(policy, b"a.test"), _connection(policy, b"b.test")
    assert first.get_context() is not second.get_context()
