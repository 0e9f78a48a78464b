"""Turns what Scrapy, Twisted and Chromium raise into a typed `Failure`.

Scrapy's download exceptions are typed; Chromium reports a network error as a stable code
(`net::ERR_NAME_NOT_RESOLVED`), which we read as the code it is. Nothing here decides a kind
from the wording of a message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from OpenSSL import SSL
from playwright.async_api import TimeoutError as PlaywrightTimeout
from scrapy.core.downloader.handlers.http11 import TunnelError
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from twisted.internet import error as tx_error
from twisted.web._newclient import ResponseFailed

from core.failures import Failure, FailureKind
from core.netpath.egress import EgressRefused
from core.types import DnsFacts

_NET_ERROR = re.compile(r"\bnet::(ERR_[A-Z_]+)")

#: Chromium's network error codes (net/base/net_error_list.h) → kind
_CHROMIUM: dict[str, FailureKind] = {
    "ERR_NAME_NOT_RESOLVED": FailureKind.DNS,
    "ERR_NAME_RESOLUTION_FAILED": FailureKind.DNS,
    "ERR_CONNECTION_REFUSED": FailureKind.CONNECT,
    "ERR_CONNECTION_RESET": FailureKind.CONNECT,
    "ERR_CONNECTION_CLOSED": FailureKind.CONNECT,
    "ERR_CONNECTION_FAILED": FailureKind.CONNECT,
    "ERR_ADDRESS_UNREACHABLE": FailureKind.CONNECT,
    "ERR_EMPTY_RESPONSE": FailureKind.CONNECT,
    "ERR_TUNNEL_CONNECTION_FAILED": FailureKind.CONNECT,
    "ERR_PROXY_CONNECTION_FAILED": FailureKind.CONNECT,
    "ERR_INTERNET_DISCONNECTED": FailureKind.CONNECT,
    "ERR_TIMED_OUT": FailureKind.TIMEOUT,
    "ERR_CONNECTION_TIMED_OUT": FailureKind.TIMEOUT,
    "ERR_SSL_PROTOCOL_ERROR": FailureKind.TLS,
    "ERR_SSL_VERSION_OR_CIPHER_MISMATCH": FailureKind.TLS,
    "ERR_BAD_SSL_CLIENT_AUTH_CERT": FailureKind.TLS,
    "ERR_ABORTED": FailureKind.DOWNLOAD,
    "ERR_BLOCKED_BY_CLIENT": FailureKind.BLOCKED,
    "ERR_ACCESS_DENIED": FailureKind.BLOCKED,
    "ERR_FILE_TOO_BIG": FailureKind.TOO_LARGE,
    "ERR_RESPONSE_HEADERS_TOO_BIG": FailureKind.TOO_LARGE,
}

#: exception classes → kind, most specific first
_TYPED: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], FailureKind], ...] = (
    ((CannotResolveHostError, tx_error.DNSLookupError), FailureKind.DNS),
    ((DownloadTimeoutError, tx_error.TimeoutError, PlaywrightTimeout, TimeoutError),
     FailureKind.TIMEOUT),
    (SSL.Error, FailureKind.TLS),
    ((DownloadConnectionRefusedError, tx_error.ConnectError, TunnelError, ConnectionError),
     FailureKind.CONNECT),
    (DownloadCancelledError, FailureKind.TOO_LARGE),
    ((DownloadFailedError, ResponseFailed, ResponseDataLossError), FailureKind.CONNECT),
)  # fmt: skip


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes, and the reasons a Twisted ResponseFailed carries."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, ResponseFailed):
            todo.extend(r.value for r in current.reasons if r.value is not None)
        for nxt in (current.__cause__, current.__context__):
            if nxt is not None:
                todo.append(nxt)


def kind_of(exc: BaseException) -> FailureKind:
    """The failure kind of a download or browser exception (RENDER when nothing else fits)."""
    chain = list(_chain(exc))
    # A TLS problem anywhere in the chain wins over the generic wrapper around it.
    if any(isinstance(e, SSL.Error) for e in chain):
        return FailureKind.TLS
    for e in chain:
        code = _NET_ERROR.search(str(e))
        if code and code.group(1) in _CHROMIUM:
            return _CHROMIUM[code.group(1)]
        if code and code.group(1).startswith(("ERR_CERT_", "ERR_SSL_")):
            return FailureKind.TLS
    for e in chain:
        for types, kind in _TYPED:
            if isinstance(e, types):
                return kind
    return FailureKind.RENDER


def from_exception(exc: BaseException) -> Failure:
    """A typed failure with the standard sentence and the exception's first line as detail."""
    refused = next((e for e in _chain(exc) if isinstance(e, EgressRefused)), None)
    if refused is not None:
        return refused.failure()
    text = str(exc).strip()
    detail = text.splitlines()[0] if text else type(exc).__name__
    return Failure.of(kind_of(exc), detail)


def gateway_failure(status: int | None, dns: DnsFacts | None) -> Failure | None:
    """A gateway status is the site not being served, whoever answered it.

    Over plain HTTP a forward proxy answers a name that no longer resolves, or a server that
    refuses, with its own 502/503/504 page; a site's own front proxy does the same when the
    site behind it is gone. Either way nobody serves the site (the page is still captured).
    """
    if status not in (502, 503, 504):
        return None
    if dns is not None and not (dns.a or dns.aaaa or dns.cname):
        why = f"；DNS：{dns.error}" if dns.error else ""
        return Failure.of(FailureKind.DNS, f"代理返回 HTTP {status}{why}")
    return Failure.of(FailureKind.GATEWAY, f"HTTP {status}")
