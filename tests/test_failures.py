"""Failure kinds come from exception types and Chromium's error codes, never from wording."""

from __future__ import annotations

import pytest
from OpenSSL import SSL
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
)
from twisted.python.failure import Failure as TwistedFailure
from twisted.web._newclient import ResponseFailed

from core.failures import Failure, FailureKind
from core.types import DnsFacts
from crawler.failures import from_exception, gateway_failure, kind_of


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (CannotResolveHostError("x"), FailureKind.DNS),
        (DownloadConnectionRefusedError("x"), FailureKind.CONNECT),
        (DownloadTimeoutError("x"), FailureKind.TIMEOUT),
        (DownloadCancelledError("x"), FailureKind.TOO_LARGE),
        (PlaywrightTimeout("Timeout 3000ms exceeded."), FailureKind.TIMEOUT),
        (PlaywrightError("net::ERR_NAME_NOT_RESOLVED at http://a.cn/"), FailureKind.DNS),
        (PlaywrightError("net::ERR_CONNECTION_REFUSED at http://a.cn/"), FailureKind.CONNECT),
        (PlaywrightError("net::ERR_CERT_AUTHORITY_INVALID at https://a.cn/"), FailureKind.TLS),
        (PlaywrightError("net::ERR_TIMED_OUT at http://a.cn/"), FailureKind.TIMEOUT),
        (PlaywrightError("Target page, context or browser has been closed"), FailureKind.RENDER),
    ],
)
def test_kind_of(exc: BaseException, kind: FailureKind) -> None:
    assert kind_of(exc) is kind


def test_words_in_a_message_do_not_decide_the_kind() -> None:
    # Before, any message containing "cert" or "timeout" was taken for TLS or a time-out.
    assert kind_of(RuntimeError("certificate timeout connection refused")) is FailureKind.RENDER


def test_tls_inside_a_wrapped_failure_is_tls() -> None:
    inner = ResponseFailed([TwistedFailure(SSL.Error([("SSL routines", "", "bad cert")]))])
    try:
        raise DownloadFailedError("failed") from inner
    except DownloadFailedError as exc:
        assert kind_of(exc) is FailureKind.TLS


def test_failure_sentence_and_down() -> None:
    f = from_exception(CannotResolveHostError("no such host\nmore"))
    assert f.kind is FailureKind.DNS and f.site_down
    assert (
        f.message == "域名无法解析，网站可能已下线（no such host）" and f.detail == "no such host"
    )
    assert not Failure.of(FailureKind.SCREENSHOT).site_down
    assert Failure.from_json(f.to_json()) == f


def test_gateway_status_is_down_and_dns_decides_the_kind() -> None:
    assert gateway_failure(200, None) is None
    gone = gateway_failure(502, DnsFacts("a.cn", error="NXDOMAIN"))
    assert gone is not None and gone.kind is FailureKind.DNS
    served = gateway_failure(503, DnsFacts("a.cn", a=("127.0.0.9",)))
    assert served is not None and served.kind is FailureKind.GATEWAY and served.site_down
