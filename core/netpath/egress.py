"""The one egress policy: which addresses a fetch may reach (issue 9, finding 1).

A counterfeit page can link to, redirect to, or be named after an address inside the unit's
own network (`http://169.254.169.254/`, `http://[::ffff:127.0.0.1]/`, a name whose A record is
10.x). Every fetch path asks `EgressPolicy` before it connects (and again after each redirect):
only globally routable unicast addresses pass. The one opt-in is `ZHENWEI_ALLOW_NETWORKS`
(comma-separated CIDRs, read once in `core.config`), set by the demo and the tests so the
simulated internet on 127.0.0.1 stays reachable.

Names are checked as what our resolver (core/netpath/dns.py) says they resolve to. A name our
resolver cannot resolve is not refused here: the fetch then fails as the DNS failure it is.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from core.failures import Failure, FailureKind

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class NameResolver(Protocol):
    """What the policy needs of core.netpath.dns.Resolver."""

    def addresses(self, host: str) -> tuple[str, ...]: ...

    async def aaddresses(self, host: str) -> tuple[str, ...]: ...


class EgressRefused(OSError):
    """The policy refused a destination; `address` is what it would have reached."""

    def __init__(self, host: str, address: str, why: str) -> None:
        super().__init__(f"egress policy refused {host} ({address}): {why}")
        self.host = host
        self.address = address
        self.why = why
        target = address if address == host else f"{host} → {address}"
        #: the analyst's sentence (what tls/whois report as the reason)
        self.reason = f"出站策略拒绝访问 {target}（{why}）"

    def failure(self) -> Failure:
        target = self.address if self.address == self.host else f"{self.host} → {self.address}"
        return Failure.of(FailureKind.BLOCKED, f"{target}: {self.why}")


def parse_networks(value: str) -> tuple[IPNetwork, ...]:
    """`ZHENWEI_ALLOW_NETWORKS`: comma-separated CIDRs; ValueError names the bad one."""
    out: list[IPNetwork] = []
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(f"ZHENWEI_ALLOW_NETWORKS: {part!r} is not a network (CIDR)") from None
    return tuple(out)


def _number(part: str) -> int | None:
    try:
        if part[:2].lower() == "0x":
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def _whatwg_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """A host a browser reads as IPv4 (`0x7f.1`, `2130706433`, `0177.0.0.1`), per the WHATWG
    URL standard; None when it is a name."""
    parts = host.split(".")
    if parts and parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if not parts or len(parts) > 4 or _number(parts[-1]) is None:
        return None
    numbers = [_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    total = values[-1]
    for i, n in enumerate(values[:-1]):
        total += n << (8 * (3 - i))
    return ipaddress.IPv4Address(total)


def parse_address(host: str) -> IPAddress | None:
    """The address a URL host names literally (`[::1]`, `10.0.0.1`, `0x7f.1`), or None."""
    bare = host.strip().strip("[]").split("%")[0]
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        return _whatwg_ipv4(bare.lower())


def _embedded(ip: ipaddress.IPv6Address) -> IPAddress | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, Teredo, NAT64)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _IPV4_COMPATIBLE or ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def classify(ip: IPAddress) -> str | None:
    """Why `ip` is no place for a fetch (an English phrase), or None for a global unicast."""
    if ip.is_unspecified:
        return "unspecified address"
    if ip.is_loopback:
        return "loopback address"
    if ip.is_link_local:
        return "link-local address"
    if ip.is_multicast:
        return "multicast address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "carrier-grade NAT address (100.64.0.0/10)"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return "IPv4-mapped IPv6 address"
        if ip in _IPV4_COMPATIBLE:
            return "IPv4-compatible IPv6 address"
        inner = _embedded(ip)
        if inner is not None:
            why = classify(inner)
            if why is not None:
                return f"IPv6 address embedding a non-public IPv4 address ({why})"
    if ip.is_private:
        return "private or special-purpose address"
    if ip.is_reserved:
        return "reserved address"
    if not ip.is_global:
        return "address not globally routable"
    return None


@dataclass(frozen=True)
class EgressPolicy:
    """Refuses every non-public destination except the networks explicitly allowed."""

    allowed: tuple[IPNetwork, ...] = ()

    def refusal(self, address: str) -> str | None:
        """Why a connection to `address` is refused, or None when it may go ahead."""
        ip = parse_address(address)
        if ip is None:
            return "not an IP address"
        if any(ip.version == net.version and ip in net for net in self.allowed):
            return None
        return classify(ip)

    def _check(self, host: str, addresses: Iterable[str]) -> None:
        for address in addresses:
            reason = self.refusal(address)
            if reason is not None:
                raise EgressRefused(host, address, reason)

    def check_host(self, host: str, resolver: NameResolver | None) -> None:
        """Raise EgressRefused when `host` (a literal, or a name through `resolver`) is refused.

        Every address of the name must pass: a fetch may connect to any of them.
        """
        host = host.strip().rstrip(".").lower()
        literal = parse_address(host)
        if literal is not None:
            self._check(host, [str(literal)])
        elif _is_localhost(host):
            self._check(host, ["127.0.0.1"])
        elif resolver is not None:
            self._check(host, resolver.addresses(host))

    async def acheck_host(self, host: str, resolver: NameResolver | None) -> tuple[str, ...]:
        """The asyncio twin of `check_host`; returns the addresses it passed (a literal's own,
        or every address of the name; empty when the name does not resolve)."""
        host = host.strip().rstrip(".").lower()
        literal = parse_address(host)
        if literal is not None or resolver is None or _is_localhost(host):
            self.check_host(host, None)
            if literal is not None:
                return (str(literal),)
            return ("127.0.0.1",) if _is_localhost(host) else ()
        addresses = await resolver.aaddresses(host)
        self._check(host, addresses)
        return tuple(addresses)

    def check_url(self, url: str, resolver: NameResolver | None) -> None:
        """`check_host` on the URL's host (URLs without a host are not ours to judge)."""
        host = _host_of(url)
        if host:
            self.check_host(host, resolver)

    async def acheck_url(self, url: str, resolver: NameResolver | None) -> None:
        host = _host_of(url)
        if host:
            await self.acheck_host(host, resolver)


def _is_localhost(host: str) -> bool:
    return host in ("localhost", "localhost.localdomain") or host.endswith(".localhost")


def _host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""
