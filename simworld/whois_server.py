"""WHOIS (RFC 3912) for the simulated world: CNNIC-style records for .cn and .中国, ICANN-style
(registrar "thick" records) for every other TLD."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import UTC, datetime, timedelta, timezone

from simworld.requestlog import RequestLog
from simworld.world import WhoisRecord, World, normalize_host

log = logging.getLogger(__name__)
BEIJING = timezone(timedelta(hours=8))
CN_SUFFIXES = (".cn", ".xn--fiqs8s", ".xn--fiqz9s")  # .cn, .中国, .中國
KNOWN_WHOIS = {
    "namesilo": "whois.namesilo.com",
    "godaddy": "whois.godaddy.com",
    "alibaba": "grs-whois.hichina.com",
    "hichina": "grs-whois.hichina.com",
    "namecheap": "whois.namecheap.com",
    "gname": "whois.gname.com",
    "dynadot": "whois.dynadot.com",
    "west263": "whois.west.cn",
    "xinnet": "whois.paycenter.com.cn",
}


def is_cnnic(domain: str) -> bool:
    return domain.endswith(CN_SUFFIXES) or domain in {"cn", "xn--fiqs8s"}


def _digest(domain: str) -> int:
    return int.from_bytes(hashlib.sha256(domain.encode()).digest()[:6], "big")


def _cn_time(when: datetime) -> str:
    return when.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cnnic_record(rec: WhoisRecord) -> str:
    roid = f"{rec.created.astimezone(BEIJING):%Y%m%d}s10001s{_digest(rec.domain) % 10**8:08d}-cn"
    lines = [f"Domain Name: {rec.domain}", f"ROID: {roid}"]
    lines += [f"Domain Status: {s}" for s in rec.status]
    lines += [
        f"Registrant: {rec.registrant_org or rec.registrant}",
        f"Registrant Contact Email: {rec.registrant_email or _email(rec)}",
        f"Sponsoring Registrar: {rec.registrar}",
    ]
    lines += [f"Name Server: {ns}" for ns in rec.name_servers]
    lines += [
        f"Registration Time: {_cn_time(rec.created)}",
        f"Expiration Time: {_cn_time(rec.expires)}",
        f"DNSSEC: {rec.dnssec}",
    ]
    return "\r\n".join(lines) + "\r\n"


def _email(rec: WhoisRecord) -> str:
    return (
        f"{_digest(rec.domain) % 10**9}@qq.com" if is_cnnic(rec.domain) else f"admin@{rec.domain}"
    )


def _whois_server(rec: WhoisRecord) -> str:
    if rec.registrar_whois_server:
        return rec.registrar_whois_server
    low = rec.registrar.lower()
    for key, server in KNOWN_WHOIS.items():
        if key in low:
            return server
    word = "".join(ch for ch in low.split(" ")[0] if ch.isalnum()) or "registrar"
    return f"whois.{word}.com"


def icann_record(rec: WhoisRecord, now: datetime) -> str:
    tld = rec.domain.rsplit(".", 1)[-1].upper()
    server = _whois_server(rec)
    redacted = "REDACTED FOR PRIVACY"
    lines = [
        f"Domain Name: {rec.domain.upper()}",
        f"Registry Domain ID: {_digest(rec.domain)}_DOMAIN_{tld}-VRSN",
        f"Registrar WHOIS Server: {server}",
        f"Registrar URL: {rec.registrar_url or 'http://' + server.removeprefix('whois.')}",
        f"Updated Date: {_iso(rec.updated)}",
        f"Creation Date: {_iso(rec.created)}",
        f"Registry Expiry Date: {_iso(rec.expires)}",
        f"Registrar: {rec.registrar}",
        f"Registrar IANA ID: {_digest(rec.registrar) % 3000 + 1}",
    ]
    lines += [f"Domain Status: {s} https://icann.org/epp#{s}" for s in rec.status]
    lines += [
        f"Registrant Name: {redacted if rec.privacy else rec.registrant}",
        f"Registrant Organization: {redacted if rec.privacy and not rec.registrant_org else rec.registrant_org}",
        f"Registrant Country: {rec.registrant_country}",
        "Registrant Email: "
        + (
            "Please query the RDDS service of the Registrar of Record identified in this output "
            "for information on how to contact the Registrant of the queried domain name."
            if rec.privacy
            else (rec.registrant_email or _email(rec))
        ),
    ]
    lines += [f"Name Server: {ns.upper()}" for ns in rec.name_servers]
    lines += [
        f"DNSSEC: {rec.dnssec}",
        "URL of the ICANN Whois Inaccuracy Complaint Form: https://www.icann.org/wicf/",
        f">>> Last update of WHOIS database: {_iso(now)} <<<",
    ]
    return "\r\n".join(lines) + "\r\n"


def response_for(world: World, query: str, now: datetime | None = None) -> tuple[str, bool]:
    """(text, found) for one WHOIS query line."""
    now = now or datetime.now(UTC)
    q = query.strip()
    for prefix in ("domain ", "="):
        if q.lower().startswith(prefix):
            q = q[len(prefix) :].strip()
    domain = normalize_host(q)
    rec = world.whois_record(domain)
    if is_cnnic(domain):
        return (cnnic_record(rec), True) if rec else ("No matching record.\r\n", False)
    if rec is None:
        return (
            f'No match for "{domain.upper()}".\r\n'
            f">>> Last update of WHOIS database: {_iso(now)} <<<\r\n"
        ), False
    return icann_record(rec, now), True


class WhoisServer:
    """One query line in, one record out, connection closed (RFC 3912)."""

    def __init__(self, world: World, requestlog: RequestLog) -> None:
        self.world = world
        self.log = requestlog
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self, host: str = "127.0.0.1") -> None:
        self.server = await asyncio.start_server(self._handle, host, 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await asyncio.wait_for(reader.readline(), timeout=30)
            query = line.decode("utf-8", "replace").strip()
            text, found = response_for(self.world, query)
            self.log.add(
                "whois",
                normalize_host(query) if query else "",
                "QUERY",
                "",
                "",
                200 if found else 404,
            )
            writer.write(text.encode("utf-8"))
            await writer.drain()
        except (TimeoutError, ConnectionError) as exc:
            log.info("WHOIS connection ended early: %s", exc)
        finally:
            writer.close()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
