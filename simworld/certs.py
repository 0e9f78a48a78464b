"""Certificates for the simulated sites: trusted roots (written to SSL_CERT_FILE), untrusted
roots for `tls.valid = false`, and expired leaves for `tls.expired = true`."""

from __future__ import annotations

import ssl
import threading
from datetime import UTC, datetime, timedelta

import trustme

from simworld.handlers.ctlog import issuer_org
from simworld.world import Site, World


class CertStore:
    """One root CA per issuer name (so a certificate's issuer shows the world's issuer)."""

    def __init__(self, world: World) -> None:
        self._lock = threading.Lock()
        self._trusted: dict[str, trustme.CA] = {}
        self._untrusted: dict[str, trustme.CA] = {}
        self._contexts: dict[tuple[str, str], ssl.SSLContext] = {}
        issuers = {s.tls.issuer for s in world.sites.values() if s.tls and s.tls.valid}
        for issuer in sorted(issuers | {"R11"}):
            self._ca(issuer, trusted=True)

    def _ca(self, issuer: str, trusted: bool) -> trustme.CA:
        pool = self._trusted if trusted else self._untrusted
        ca = pool.get(issuer)
        if ca is None:
            org = issuer_org(issuer)[1]
            ca = trustme.CA(
                organization_name=org if trusted else f"{org} (self-signed)",
                organization_unit_name=issuer,
            )
            pool[issuer] = ca
        return ca

    def ca_bundle_pem(self) -> bytes:
        """Every trusted root, PEM: what SSL_CERT_FILE points to."""
        return b"".join(ca.cert_pem.bytes() for _, ca in sorted(self._trusted.items()))

    def context_for(self, site: Site) -> ssl.SSLContext:
        """Server-side TLS context presenting the site's certificate."""
        tls = site.tls
        if tls is None:
            raise ValueError(f"{site.host} does not serve https")
        key = (site.host, repr(tls))
        with self._lock:
            ctx = self._contexts.get(key)
            if ctx is not None:
                return ctx
            ca = self._ca(tls.issuer, trusted=tls.valid)
            now = datetime.now(UTC).replace(microsecond=0)
            if tls.expired:
                not_before, not_after = now - timedelta(days=120), now - timedelta(days=30)
            else:
                not_before, not_after = now - timedelta(days=30), now + timedelta(days=60)
            names = site.tls_names()
            leaf = ca.issue_cert(
                *names, common_name=names[0], not_before=not_before, not_after=not_after
            )
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.set_alpn_protocols(["http/1.1"])
            leaf.configure_cert(ctx)
            self._contexts[key] = ctx
            return ctx
