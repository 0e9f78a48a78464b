"""DNS lookups through the configured servers (ZHENWEI_DNS_SERVERS), never the system resolver.

Failures are data: `lookup` returns `DnsFacts` with a Chinese reason and the rcode instead of
raising, `resolve` returns (), and `exists` says None when the server could not answer (which
is not a "no").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

import dns.asyncresolver
import dns.exception
import dns.nameserver
import dns.rcode
import dns.rdatatype
import dns.resolver

from core.config import Settings
from core.netpath.cares import FAILED, NODATA, NXDOMAIN, Answer, CaresResolver
from core.netpath.domains import is_ip, registrable_domain, to_ascii
from core.types import DnsFacts

logger = logging.getLogger(__name__)

#: names answered without asking anyone (as every resolver does)
LOCAL_NAMES = {"localhost": "127.0.0.1", "localhost.localdomain": "127.0.0.1"}


class DnsLookupError(OSError):
    """A name could not be turned into an address; `reason` is the analyst-facing sentence."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host}: {reason}")
        self.host = host
        self.reason = reason


def _nameservers(settings: Settings) -> list[dns.nameserver.Nameserver]:
    servers: list[dns.nameserver.Nameserver] = []
    for host, port in settings.dns_servers:
        address = LOCAL_NAMES.get(host.lower(), host)
        if not is_ip(address):
            # dnspython needs addresses; a server given by name would need a resolver to find it.
            raise ValueError(f"ZHENWEI_DNS_SERVERS: {host!r} must be an IP address")
        servers.append(dns.nameserver.Do53Nameserver(address.strip("[]"), port))
    return servers


def _configure(
    resolver: dns.resolver.BaseResolver, settings: Settings, timeout: float, tries: int
) -> None:
    if settings.dns_servers:
        resolver.nameservers = _nameservers(settings)
    count = max(1, len(resolver.nameservers))
    resolver.timeout = timeout
    resolver.lifetime = timeout * max(1, tries) * count
    resolver.cache = dns.resolver.LRUCache(20000)


def _failure(exc: dns.exception.DNSException) -> str:
    """A Chinese sentence with the rcode (or the kind of failure) in brackets."""
    if isinstance(exc, dns.resolver.NXDOMAIN):
        return "域名不存在（NXDOMAIN）"
    if isinstance(exc, dns.resolver.NoNameservers):
        rcodes = sorted(
            {str(err[3]) for err in exc.kwargs.get("errors", []) if isinstance(err[3], str)}
        )
        if rcodes:
            return f"DNS 服务器未能给出答案（{'/'.join(rcodes)}）"
        return "无法联系 DNS 服务器（连接被拒绝或出错）"
    if isinstance(exc, dns.exception.Timeout):
        return "DNS 查询超时（timeout）"
    if isinstance(exc, dns.resolver.YXDOMAIN):
        return "DNS 查询失败（YXDOMAIN）"
    return f"DNS 查询失败（{type(exc).__name__}）"


_Outcome = tuple[tuple[str, ...], str, str | None]  # (values, raw text, failure)


def _outcome(
    qname: str, rdtype: str, answer: dns.resolver.Answer | None, exc: Exception | None
) -> _Outcome:
    if exc is not None:
        assert isinstance(exc, dns.exception.DNSException)
        reason = _failure(exc)
        return (), f"; {qname} {rdtype}: {reason}\n", reason
    assert answer is not None
    raw = ""
    values: list[str] = []
    for rrset in answer.response.answer:
        raw += rrset.to_text() + "\n"
        if rdtype != "CNAME" and rrset.rdtype == dns.rdatatype.CNAME:
            continue
        if rrset.rdtype != dns.rdatatype.from_text(rdtype):
            continue
        for rdata in rrset:
            if rdtype == "MX":
                values.append(rdata.exchange.to_text().rstrip(".").lower())
            elif rdtype in ("NS", "CNAME"):
                values.append(rdata.target.to_text().rstrip(".").lower())
            else:
                values.append(rdata.to_text())
    if not answer.response.answer:
        raw = f"; {qname} {rdtype}: no records\n"
    return tuple(dict.fromkeys(values)), raw, None


def _cnames(answer: dns.resolver.Answer | None) -> tuple[str, ...]:
    if answer is None:
        return ()
    return tuple(
        rdata.target.to_text().rstrip(".").lower()
        for rrset in answer.response.answer
        if rrset.rdtype == dns.rdatatype.CNAME
        for rdata in rrset
    )


_QUERIES = (("host", "A"), ("host", "AAAA"), ("domain", "NS"), ("domain", "MX"))
_Result = tuple[dns.resolver.Answer | None, Exception | None]


def _facts(host: str, domain: str, results: Iterable[_Result]) -> DnsFacts:
    values: dict[str, tuple[str, ...]] = {}
    raw = ""
    error: str | None = None
    cname: tuple[str, ...] = ()
    for (which, rdtype), (answer, exc) in zip(_QUERIES, results, strict=True):
        qname = host if which == "host" else domain
        got, text, failure = _outcome(qname, rdtype, answer, exc)
        values[rdtype] = got
        raw += text
        if rdtype == "A":
            cname = _cnames(answer)
            error = failure
    return DnsFacts(
        host=host,
        a=values["A"],
        aaaa=values["AAAA"],
        cname=cname,
        ns=values["NS"],
        mx=values["MX"],
        error=error,
        raw=raw,
    )


def _ip_facts(host: str) -> DnsFacts:
    bare = host.strip("[]")
    return DnsFacts(
        host=bare, a=(bare,) if ":" not in bare else (), aaaa=(bare,) if ":" in bare else ()
    )


def _cares_twin(
    resolver: dns.resolver.BaseResolver, timeout: float, tries: int
) -> CaresResolver | None:
    """c-ares pointed at the very servers of `resolver` (given, or read from /etc/resolv.conf);
    None when one of them is not plain DNS (DoH, DoT): dnspython alone speaks those."""
    servers: list[tuple[str, int]] = []
    for ns in resolver.nameservers:
        if isinstance(ns, str):
            servers.append((ns, resolver.port))
        elif isinstance(ns, dns.nameserver.Do53Nameserver):
            servers.append((ns.address, ns.port))
        else:
            return None
    return CaresResolver(servers, timeout=timeout, tries=tries) if servers else None


class Resolver:
    """dnspython resolvers (sync and async) pointed at settings.dns_servers.

    With no servers configured, dnspython reads /etc/resolv.conf (still dnspython, so every
    lookup goes through this one class).
    """

    def __init__(self, settings: Settings, *, timeout: float = 3.0, tries: int = 2) -> None:
        configure = not settings.dns_servers
        self._sync = dns.resolver.Resolver(configure=configure)
        _configure(self._sync, settings, timeout, tries)
        self._async = dns.asyncresolver.Resolver(configure=configure)
        _configure(self._async, settings, timeout, tries)
        # the asyncio address queries (egress checks, discovery) go through c-ares, to the
        # very servers dnspython was given or read from /etc/resolv.conf
        self._cares = _cares_twin(self._async, timeout, tries)

    # -- synchronous -------------------------------------------------------------------
    def _query(self, qname: str, rdtype: str) -> _Result:
        try:
            return self._sync.resolve(qname, rdtype, raise_on_no_answer=False, search=False), None
        except dns.exception.DNSException as exc:
            logger.debug("DNS %s %s failed: %s", qname, rdtype, exc)
            return None, exc

    def lookup(self, host: str) -> DnsFacts:
        """A, AAAA, CNAME of `host`; NS and MX of its registrable domain. Never raises."""
        host = to_ascii(host)
        if is_ip(host):
            return _ip_facts(host)
        domain = registrable_domain(host)
        results = [self._query(host if w == "host" else domain, t) for w, t in _QUERIES]
        return _facts(host, domain, results)

    def resolve(self, host: str) -> tuple[str, ...]:
        """IPv4 addresses of `host`, or () when it has none or the lookup failed."""
        host = to_ascii(host)
        if is_ip(host):
            return (host,) if ":" not in host else ()
        answer, exc = self._query(host, "A")
        if answer is None:
            return ()
        return _outcome(host, "A", answer, exc)[0]

    def addresses(self, host: str) -> tuple[str, ...]:
        """Every address of `host`, IPv4 and IPv6: what a connection may go to (the egress
        policy judges them all; a name with only AAAA records still leads somewhere)."""
        host = to_ascii(host)
        if is_ip(host):
            return (host,)
        found: list[str] = []
        for rdtype in ("A", "AAAA"):
            answer, exc = self._query(host, rdtype)
            if answer is not None:
                found.extend(_outcome(host, rdtype, answer, exc)[0])
        return tuple(dict.fromkeys(found))

    def exists(self, host: str) -> bool | None:
        """True when the name exists (even with no A record), False on NXDOMAIN, None when
        the servers failed or timed out."""
        host = to_ascii(host)
        if is_ip(host):
            return True
        answer, exc = self._query(host, "A")
        if answer is not None:
            return True
        return False if isinstance(exc, dns.resolver.NXDOMAIN) else None

    def address(self, host: str) -> str:
        """One address to connect to `host`: IPs and localhost as is, else the first A record.

        Raises DnsLookupError (an OSError) with the Chinese reason.
        """
        ascii_host = to_ascii(host)
        if ascii_host in LOCAL_NAMES:
            return LOCAL_NAMES[ascii_host]
        if is_ip(ascii_host):
            return ascii_host.strip("[]")
        answer, exc = self._query(ascii_host, "A")
        addresses, _, failure = _outcome(ascii_host, "A", answer, exc)
        if not addresses:
            raise DnsLookupError(ascii_host, failure or "域名没有 IPv4 地址（A 记录为空）")
        return addresses[0]

    # -- asynchronous (for the concurrent permutation source) ---------------------------
    async def _aquery(self, qname: str, rdtype: str) -> _Result:
        try:
            answer = await self._async.resolve(
                qname, rdtype, raise_on_no_answer=False, search=False
            )
            return answer, None
        except dns.exception.DNSException as exc:
            logger.debug("DNS %s %s failed: %s", qname, rdtype, exc)
            return None, exc

    async def alookup(self, host: str) -> DnsFacts:
        host = to_ascii(host)
        if is_ip(host):
            return _ip_facts(host)
        domain = registrable_domain(host)
        results = await asyncio.gather(
            *(self._aquery(host if w == "host" else domain, t) for w, t in _QUERIES)
        )
        return _facts(host, domain, results)

    async def _aaddress_query(self, host: str, rdtype: str) -> Answer:
        if self._cares is not None:
            answer = await self._cares.query(host, rdtype)
            if answer.outcome is not None:
                logger.debug("DNS %s %s: %s %s", host, rdtype, answer.outcome, answer.error)
            return answer
        found, exc = await self._aquery(host, rdtype)
        if found is not None:
            return Answer(_outcome(host, rdtype, found, None)[0], None)
        return Answer((), NXDOMAIN if isinstance(exc, dns.resolver.NXDOMAIN) else FAILED)

    async def aresolve(self, host: str) -> tuple[str, ...]:
        host = to_ascii(host)
        if is_ip(host):
            return (host,) if ":" not in host else ()
        return (await self._aaddress_query(host, "A")).addresses

    async def aaddresses(self, host: str) -> tuple[str, ...]:
        """The asyncio twin of `addresses`."""
        host = to_ascii(host)
        if is_ip(host):
            return (host,)
        answers = await asyncio.gather(
            self._aaddress_query(host, "A"), self._aaddress_query(host, "AAAA")
        )
        return tuple(dict.fromkeys(a for answer in answers for a in answer.addresses))

    async def aexists(self, host: str) -> bool | None:
        host = to_ascii(host)
        if is_ip(host):
            return True
        outcome = (await self._aaddress_query(host, "A")).outcome
        if outcome is None or outcome == NODATA:
            return True
        return False if outcome == NXDOMAIN else None
