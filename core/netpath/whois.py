"""WHOIS over RFC 3912 (TCP port 43) with timeouts and retries, parsed by python-whois's parsers.

With ZHENWEI_WHOIS_SERVER set, every query goes to that server and nowhere else (no referral is
followed). Otherwise the registry is picked by TLD from a built-in table (never whois.iana.org
at run time) and, for thin registries, the registrar's server named in the answer is asked too.
Times are stored in UTC; CNNIC prints Beijing time without a zone, which we convert.
"""

from __future__ import annotations

import logging
import re
import socket
import time
from collections.abc import Collection, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from whois.exceptions import WhoisDomainNotFoundError, WhoisUnknownDateFormatError
from whois.exceptions import WhoisError as _ParserError
from whois.parser import WhoisEntry

from core.config import ConfigError, Settings, parse_hostport
from core.netpath.dns import Resolver
from core.netpath.domains import is_ip, registrable_domain, to_ascii, to_unicode
from core.netpath.egress import EgressRefused
from core.types import WhoisFacts

logger = logging.getLogger(__name__)

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
MAX_RESPONSE = 512 * 1024

#: registry WHOIS servers by TLD (A-label), from IANA's root zone database
SERVERS: dict[str, str] = {
    "cn": "whois.cnnic.cn",
    "xn--fiqs8s": "cwhois.cnnic.cn",  # .中国
    "xn--fiqz9s": "cwhois.cnnic.cn",  # .中國
    "xn--55qx5d": "whois.ngtld.cn",  # .公司
    "xn--io0a7i": "whois.ngtld.cn",  # .网络
    "com": "whois.verisign-grs.com",
    "net": "whois.verisign-grs.com",
    "cc": "ccwhois.verisign-grs.com",
    "tv": "tvwhois.verisign-grs.com",
    "org": "whois.publicinterestregistry.org",
    "info": "whois.nic.info",
    "biz": "whois.nic.biz",
    "top": "whois.nic.top",
    "xyz": "whois.nic.xyz",
    "vip": "whois.nic.vip",
    "shop": "whois.nic.shop",
    "site": "whois.nic.site",
    "online": "whois.nic.online",
    "icu": "whois.nic.icu",
    "club": "whois.nic.club",
    "cyou": "whois.nic.cyou",
    "ltd": "whois.nic.ltd",
    "wang": "whois.nic.wang",
    "work": "whois.nic.work",
    "fun": "whois.nic.fun",
    "store": "whois.nic.store",
    "tech": "whois.nic.tech",
    "xin": "whois.nic.xin",
    "ink": "whois.nic.ink",
    "asia": "whois.nic.asia",
    "me": "whois.nic.me",
    "io": "whois.nic.io",
    "co": "whois.nic.co",
    "hk": "whois.hkirc.hk",
    "tw": "whois.twnic.net.tw",
    "mo": "whois.monic.mo",
}
#: registries that only point at the registrar's own server ("thin" WHOIS)
THIN = {"whois.verisign-grs.com", "ccwhois.verisign-grs.com", "tvwhois.verisign-grs.com"}
#: TLDs whose registry prints local (Beijing) time without a zone
BEIJING_TLDS = {"cn", "xn--fiqs8s", "xn--fiqz9s"}

NOT_FOUND = (
    "no matching record",
    "no match for",
    "not found",
    "no data found",
    "no entries found",
    "domain not found",
    "is available for registration",
    "status: free",
)
PRIVACY = re.compile(
    r"redacted for privacy|privacy|whoisguard|domains by proxy|withheld|data protected|"
    r"redacted|not disclosed|gdpr|proxy|隐私|保密|私人注册|perfect privacy|identity protect",
    re.IGNORECASE,
)
_REFERRAL = re.compile(r"^\s*(?:Registrar WHOIS Server|Whois Server|refer):\s*(\S+)", re.I | re.M)
_REGISTRANT_LINES = re.compile(
    r"^\s*Registrant(?: Name| Organi[sz]ation| Email| Contact Email)?\s*:\s*(.+)$", re.I | re.M
)


class WhoisError(Exception):
    """A WHOIS query failed; `reason` is the analyst-facing (Chinese) sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _decode(data: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


class WhoisClient:
    """RFC 3912 client: one TCP connection per query, bounded in time and size."""

    def __init__(
        self,
        settings: Settings,
        *,
        timeout: float = 8.0,
        retries: int = 2,
        servers: Mapping[str, str] | None = None,
        thin: Collection[str] = THIN,
    ) -> None:
        """`servers` (TLD → "host[:port]") and `thin` replace the built-in tables."""
        self._server = settings.whois_server
        self._servers = {
            tld: parse_hostport(server, 43, "WHOIS server")
            for tld, server in (SERVERS if servers is None else servers).items()
        }
        self._thin = frozenset(thin)
        self._timeout = timeout
        self._retries = retries
        self._resolver = Resolver(settings, timeout=min(timeout, 3.0))
        self._egress = settings.egress

    # -- transport ---------------------------------------------------------------------
    def _ask_once(self, host: str, port: int, query: str) -> str:
        if (host, port) != self._server:
            # The configured server is the operator's choice; registries and referrals (named
            # by an answer we do not control) must pass the egress policy.
            self._egress.check_host(host, self._resolver)
        address = self._resolver.address(host)  # our DNS servers, never getaddrinfo
        # A server trickling bytes must not hold us forever: one deadline for the whole answer.
        deadline = time.monotonic() + 2 * self._timeout
        with socket.create_connection((address, port), timeout=self._timeout) as sock:
            sock.sendall(query.encode("utf-8") + b"\r\n")
            chunks: list[bytes] = []
            size = 0
            while size < MAX_RESPONSE:
                if time.monotonic() > deadline:
                    raise TimeoutError("answer too slow")
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        return _decode(b"".join(chunks))

    def _ask(self, host: str, port: int, query: str) -> str:
        """Ask one server, retrying on timeouts, refusals and empty answers."""
        last = ""
        for attempt in range(self._retries + 1):
            try:
                text = self._ask_once(host, port, query)
            except EgressRefused as exc:
                raise WhoisError(exc.reason) from exc
            except TimeoutError:
                last = "连接超时"
            except ConnectionRefusedError:
                last = "连接被拒绝"
            except OSError as exc:
                last = getattr(exc, "reason", None) or f"网络错误（{exc.strerror or exc}）"
            else:
                if text.strip():
                    return text
                last = "服务器返回空内容"
            logger.info("WHOIS %s:%d attempt %d for %s: %s", host, port, attempt + 1, query, last)
        raise WhoisError(
            f"WHOIS 服务器 {host}:{port} 查询失败：{last}（共尝试 {self._retries + 1} 次）"
        )

    def _registry(self, domain: str) -> tuple[str, int]:
        if self._server is not None:
            return self._server
        tld = domain.rsplit(".", 1)[-1]
        # Unknown TLDs: the whois.nic.<tld> convention most new gTLD registries follow.
        return self._servers.get(tld, (f"whois.nic.{tld}", 43))

    def _chain(self, domain: str) -> list[tuple[str, str]]:
        """[(server "host:port", text)]: the registry, then the registrar when referred."""
        domain = to_ascii(domain)
        host, port = self._registry(domain)
        text = self._ask(host, port, domain)
        answers = [(f"{host}:{port}", text)]
        if self._server is None and (host in self._thin or f"{host}:{port}" in self._thin):
            match = _REFERRAL.search(text)
            if match:
                try:
                    ref_host, ref_port = parse_hostport(
                        re.sub(r"^\w+://", "", match.group(1)).rstrip("/"), 43, "referral"
                    )
                except ConfigError:
                    return answers
                if (ref_host.lower(), ref_port) != (host, port):
                    try:
                        answers.append(
                            (f"{ref_host}:{ref_port}", self._ask(ref_host, ref_port, domain))
                        )
                    except WhoisError as exc:
                        logger.info("registrar WHOIS for %s failed: %s", domain, exc.reason)
        return answers

    # -- public API --------------------------------------------------------------------
    def query_text(self, domain: str) -> tuple[str, str]:
        """(server "host:port", raw text) for `domain`; raises WhoisError with a reason.

        When the registrar was asked too, the server is the registrar's and the text holds
        both answers, registry first.
        """
        answers = self._chain(domain)
        server = answers[-1][0]
        text = "\n".join(
            f"% zhenwei: answer of {srv}\n{body}" if len(answers) > 1 else body
            for srv, body in answers
        )
        return server, text

    def lookup(self, domain: str) -> WhoisFacts:
        """Parsed WHOIS of the registrable domain of `domain`; never raises."""
        domain = registrable_domain(domain)
        if is_ip(domain) or "." not in domain:
            return WhoisFacts(domain=domain, server="", error="不是可注册的域名，没有 WHOIS 记录")
        try:
            answers = self._chain(domain)
        except WhoisError as exc:
            host, port = self._registry(domain)
            server = f"{host}:{port}"
            return WhoisFacts(domain=domain, server=server, error=exc.reason)
        server, text = answers[-1]
        raw = (
            "\n".join(f"% zhenwei: answer of {s}\n{b}" for s, b in answers)
            if len(answers) > 1
            else text
        )
        return parse(domain, server, text, raw=raw)


# -- parsing ---------------------------------------------------------------------------
def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _date(value: Any, local: timezone | None, pick: str) -> datetime | None:
    """python-whois gives a datetime, a list of them, or an unparsed string."""
    dates = [v for v in _as_list(value) if isinstance(v, datetime)]
    if not dates:
        return None
    fixed = []
    for dt in dates:
        # python-whois stamps zone-less times with timezone.utc itself (dateutil's own UTC is a
        # different object), so this identity test finds the times printed without a zone.
        if local is not None and dt.tzinfo is UTC:
            dt = dt.replace(tzinfo=local)
        elif dt.tzinfo is None:
            dt = dt.replace(tzinfo=local or UTC)
        fixed.append(dt.astimezone(UTC))
    return min(fixed) if pick == "min" else max(fixed)


def _text(value: Any) -> str | None:
    for item in _as_list(value):
        if isinstance(item, str) and item.strip():
            return item.strip()
    return None


def _not_found(text: str) -> bool:
    head = text.strip().lower()[:400]
    return any(marker in head for marker in NOT_FOUND)


def _load(domain: str, text: str) -> WhoisEntry:
    """WhoisEntry.load, minus its all-or-nothing dates: one unreadable date line would make it
    raise for the whole record, so that line is dropped (it stays in the raw text) and we retry."""
    for _ in range(20):
        try:
            # Parsers are chosen by suffix, some of them Unicode (.中国).
            return WhoisEntry.load(to_unicode(domain), text)
        except WhoisUnknownDateFormatError as exc:
            bad = str(exc).removeprefix("Unknown date format:").strip()
            kept = "\n".join(line for line in text.splitlines() if not bad or bad not in line)
            if kept == text:
                raise
            logger.debug("WHOIS of %s: unreadable date %r ignored", domain, bad)
            text = kept
    return WhoisEntry.load(to_unicode(domain), text)


def parse(domain: str, server: str, text: str, *, raw: str | None = None) -> WhoisFacts:
    """WhoisFacts from one WHOIS answer (`raw`, the text kept as evidence, defaults to it)."""
    raw = text if raw is None else raw
    if _not_found(text):
        return WhoisFacts(domain=domain, server=server, raw=raw, error="域名未注册或无 WHOIS 记录")
    try:
        entry = _load(domain, text)
    except WhoisDomainNotFoundError:
        return WhoisFacts(domain=domain, server=server, raw=raw, error="域名未注册或无 WHOIS 记录")
    except _ParserError as exc:
        return WhoisFacts(
            domain=domain,
            server=server,
            raw=raw,
            error=f"WHOIS 记录无法解析（{type(exc).__name__}）",
        )
    local = BEIJING if domain.rsplit(".", 1)[-1] in BEIJING_TLDS else None
    registrant = _text(entry.get("name")) or _text(entry.get("org"))
    privacy_fields = [registrant or "", _text(entry.get("org")) or ""]
    privacy_fields += _REGISTRANT_LINES.findall(text)
    status = tuple(
        dict.fromkeys(str(s).split()[0] for s in _as_list(entry.get("status")) if str(s).strip())
    )
    name_servers = tuple(
        dict.fromkeys(
            str(ns).strip().rstrip(".").lower()
            for ns in _as_list(entry.get("name_servers"))
            if str(ns).strip()
        )
    )
    return WhoisFacts(
        domain=domain,
        server=server,
        registrar=_text(entry.get("registrar")),
        created=_date(entry.get("creation_date"), local, "min"),
        updated=_date(entry.get("updated_date"), local, "max"),
        expires=_date(entry.get("expiration_date"), local, "max"),
        registrant=registrant,
        registrant_country=_text(entry.get("country")),
        name_servers=name_servers,
        privacy=any(PRIVACY.search(f) for f in privacy_fields if f),
        status=status,
        raw=raw,
    )
