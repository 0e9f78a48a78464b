"""crt.sh look-alike: `/?q=<pattern>&output=json` over every certificate of the world.

Field names and formats are crt.sh's own; `q` and `identity` use SQL LIKE ('%' any run,
'_' one character, case-insensitive), as crt.sh does for identities.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from simworld.world import SimRequest, SimResponse, Site, World

LETS_ENCRYPT = {"R3", "R10", "R11", "R12", "R13", "R14", "E5", "E6", "E7", "E8", "E9"}
DEFAULT_LOGGED = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
LIFETIME = timedelta(days=90)


@dataclass(frozen=True)
class CtEntry:
    """One logged certificate."""

    site: str
    names: tuple[str, ...]
    issuer: str
    logged: datetime
    not_before: datetime
    not_after: datetime

    @property
    def digest(self) -> bytes:
        return hashlib.sha256(f"{self.site}|{'|'.join(self.names)}|{self.logged}".encode()).digest()

    @property
    def id(self) -> int:
        return 10_000_000_000 + int.from_bytes(self.digest[:4], "big")

    @property
    def serial_number(self) -> str:
        return self.digest[4:22].hex()


# issuer CN prefix -> (country, organisation) as crt.sh shows them
KNOWN_ISSUERS = {
    "Sectigo": ("GB", "Sectigo Limited"),
    "GeoTrust": ("US", "DigiCert Inc"),
    "DigiCert": ("US", "DigiCert Inc"),
    "Encryption Everywhere": ("US", "DigiCert Inc"),
    "TrustAsia": ("CN", "TrustAsia Technologies, Inc."),
    "GlobalSign": ("BE", "GlobalSign nv-sa"),
    "WoTrus": ("CN", "WoTrus CA Limited"),
    "ZeroSSL": ("AT", "ZeroSSL"),
    "cPanel": ("US", "cPanel, Inc."),
}


def issuer_org(issuer: str) -> tuple[str, str]:
    """(country, organisation) of an issuing CA named by its CN."""
    if issuer in LETS_ENCRYPT:
        return "US", "Let's Encrypt"
    for prefix, known in KNOWN_ISSUERS.items():
        if issuer.startswith(prefix):
            return known
    return "US", issuer


def issuer_name(issuer: str) -> str:
    country, org = issuer_org(issuer)
    return f"C={country}, O={org}, CN={issuer}"


def issuer_ca_id(issuer: str) -> int:
    return 100_000 + int.from_bytes(hashlib.sha256(issuer.encode()).digest()[:2], "big")


def validity(logged: datetime, expired: bool, now: datetime) -> tuple[datetime, datetime]:
    """(not_before, not_after) of a site's certificate; shared with the TLS leaf certs."""
    not_before = logged - timedelta(hours=1)
    if expired and not_before + LIFETIME > now:
        not_before = now - LIFETIME - timedelta(days=30)
    return not_before, not_before + LIFETIME


def entries(world: World, now: datetime | None = None) -> list[CtEntry]:
    """Every certificate the world has logged: https sites, and any site with ct.extra_names."""
    now = now or datetime.now(UTC)
    out = []
    for site in world.sites.values():
        names = site.ct_names()
        if not names:
            continue
        out.append(_entry(site, names, now))
    out.sort(key=lambda e: (e.not_before, e.id), reverse=True)
    return out


def _entry(site: Site, names: tuple[str, ...], now: datetime) -> CtEntry:
    logged = site.ct.logged
    if logged is None:
        logged = site.whois.created + timedelta(days=1) if site.whois else DEFAULT_LOGGED
    expired = bool(site.tls and site.tls.expired)
    issuer = site.tls.issuer if site.tls else "R11"
    nb, na = validity(logged, expired, now)
    return CtEntry(site.host, names, issuer, max(logged, nb), nb, na)


def like(pattern: str) -> re.Pattern[str]:
    """SQL LIKE as a regex: '%' any run, '_' one character, case-insensitive, anchored."""
    parts = ("." if ch == "_" else ".*" if ch == "%" else re.escape(ch) for ch in pattern)
    return re.compile("".join(parts) + r"\Z", re.IGNORECASE | re.DOTALL)


def _ts(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def search(
    world: World, pattern: str, exclude_expired: bool = False, now: datetime | None = None
) -> list[dict[str, object]]:
    """crt.sh JSON rows for certificates with at least one name LIKE `pattern`."""
    now = now or datetime.now(UTC)
    rx = like(pattern.strip())
    rows: list[dict[str, object]] = []
    for e in entries(world, now):
        matched = [n for n in e.names if rx.match(n)]
        if not matched or (exclude_expired and e.not_after < now):
            continue
        rows.append(
            {
                "issuer_ca_id": issuer_ca_id(e.issuer),
                "issuer_name": issuer_name(e.issuer),
                "common_name": e.names[0],
                "name_value": "\n".join(e.names),
                "id": e.id,
                "entry_timestamp": f"{_ts(e.logged)}.{e.id % 1000:03d}",
                "not_before": _ts(e.not_before),
                "not_after": _ts(e.not_after),
                "serial_number": e.serial_number,
                "result_count": len(matched),
            }
        )
    return rows


def query(request: SimRequest, world: World) -> SimResponse:
    """GET /?q=...&output=json (also ?identity=..., &exclude=expired)."""
    q = (request.query.get("q") or request.query.get("identity") or [""])[0]
    exclude = "expired" in request.query.get("exclude", [])
    as_json = request.query.get("output", [""])[0].lower() == "json"
    if not q:
        body = (
            "<html><head><title>crt.sh | Certificate Search</title></head><body>"
            "<form><input name=q></form></body></html>"
        )
        return SimResponse(200, (("Content-Type", "text/html; charset=UTF-8"),), body.encode())
    rows = search(world, q, exclude)
    if as_json:
        return SimResponse(
            200,
            (("Content-Type", "application/json"),),
            json.dumps(rows, ensure_ascii=False).encode(),
        )
    cells = "".join(
        f"<tr><td><a href='?id={r['id']}'>{r['id']}</a></td><td>{r['entry_timestamp']}</td>"
        f"<td>{r['not_before']}</td><td>{r['not_after']}</td>"
        f"<td>{html.escape(str(r['common_name']))}</td>"
        f"<td>{html.escape(str(r['name_value'])).replace(chr(10), '<br>')}</td>"
        f"<td>{html.escape(str(r['issuer_name']))}</td></tr>"
        for r in rows
    )
    body = f"<html><head><title>crt.sh | {html.escape(q)}</title></head><body><table>{cells}</table></body></html>"
    return SimResponse(200, (("Content-Type", "text/html; charset=UTF-8"),), body.encode())
