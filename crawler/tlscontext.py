"""One OpenSSL context for every TLS connection of the plain fetches.

Scrapy's context factory builds a new `SSL.Context` per connection (OpenSSL's SSL_CTX_new and
cipher list: 0.27 ms of CPU each, 0.1 s per 400 https pages of the cheap stage). The context
holds only what the factory was configured with (method, options, ciphers, no session cache);
since Twisted 26.4 everything per host (SNI, the certificate check) is set on each connection,
so one context serves them all. The handshakes are byte for byte the same. Any other factory,
Twisted or configuration (certificate verification on) keeps Scrapy's own behaviour.
"""

from __future__ import annotations

from typing import Any

from scrapy.core.downloader.contextfactory import _ScrapyClientContextFactory
from scrapy.core.downloader.tls import _ScrapyClientTLSOptions26
from scrapy.utils._deps_compat import TWISTED_TLS_NEW_IMPL
from twisted.web.iweb import IPolicyForHTTPS
from zope.interface import implementer


@implementer(IPolicyForHTTPS)
class SharedContextPolicy:
    """Scrapy's `creatorForNetloc`, on one set of certificate options (and so one context)."""

    def __init__(self, factory: Any) -> None:
        self.factory = factory
        self.options: Any = None
        if (
            TWISTED_TLS_NEW_IMPL
            and type(factory) is _ScrapyClientContextFactory
            and not factory._verify_certificates
        ):
            self.options = factory._get_cert_options()

    def creatorForNetloc(self, hostname: bytes, port: int) -> Any:  # noqa: N802 (Twisted's)
        if self.options is None:
            return self.factory.creatorForNetloc(hostname, port)
        # what the factory returns, with its certificate options made once
        return _ScrapyClientTLSOptions26(self.options._makeTLSConnection, hostname.decode("ascii"))
