"""Authoritative-looking DNS for the simulated world (dnslib wire format, UDP and TCP)."""

from __future__ import annotations

import asyncio
import logging
import struct
from collections.abc import Callable
from dataclasses import replace
from typing import cast

from dnslib import AAAA, CNAME, MX, NS, QTYPE, RCODE, RR, SOA, TXT, A, DNSError, DNSRecord
from dnslib.buffer import BufferError as DnsBufferError

from simworld.requestlog import RequestLog
from simworld.world import DnsRecords, World, normalize_host, registrable_domain

log = logging.getLogger(__name__)
TTL = 600


def _soa(domain: str, ns: tuple[str, ...]) -> RR:
    mname = ns[0] if ns else f"ns1.{domain}"
    return RR(
        domain,
        QTYPE.SOA,
        ttl=TTL,
        rdata=SOA(mname, f"hostmaster.{domain}", (2026010101, 7200, 3600, 1209600, 600)),
    )


def _mx(value: str) -> MX:
    pref, _, host = value.strip().partition(" ")
    if host and pref.isdigit():
        return MX(host.strip(), int(pref))
    return MX(value.strip(), 10)


def _records(name: str, rec: DnsRecords, qtype: str, world: World) -> list[RR]:
    out: list[RR] = []
    if rec.cname and qtype != "CNAME":
        out.append(RR(name, QTYPE.CNAME, ttl=TTL, rdata=CNAME(rec.cname[0])))
        target = world.dns_records(rec.cname[0])
        if target is not None and not target[0].cname:
            out += _records(normalize_host(rec.cname[0]), target[0], qtype, world)
        return out
    want = {qtype} if qtype != "ANY" else {"A", "AAAA", "CNAME", "NS", "MX", "TXT"}
    rr = [
        ("A", rec.a, A),
        ("AAAA", rec.aaaa, AAAA),
        ("CNAME", rec.cname, CNAME),
        ("NS", rec.ns, NS),
        ("TXT", rec.txt, TXT),
    ]
    for t, values, cls in rr:
        if t in want:
            out += [RR(name, getattr(QTYPE, t), ttl=TTL, rdata=cls(v)) for v in values]
    if "MX" in want:
        out += [RR(name, QTYPE.MX, ttl=TTL, rdata=_mx(v)) for v in rec.mx]
    return out


def answer(world: World, data: bytes) -> tuple[bytes, str, str, int]:
    """(reply wire bytes, qname, qtype, rcode) for one query."""
    request = DNSRecord.parse(data)
    reply = request.reply()
    qname = normalize_host(str(request.q.qname))
    qtype = QTYPE.get(request.q.qtype, str(request.q.qtype))
    reg = registrable_domain(qname)
    domain = world.domains().get(reg)
    ns: tuple[str, ...] = ()
    if domain is not None:
        ns = (domain.whois.name_servers if domain.whois else ()) or (
            domain.dns.ns if domain.dns else ()
        )
    found = world.dns_records(qname)
    if found is None and domain is not None and qname == reg:
        found = (DnsRecords(ns=ns), True)  # a registered domain exists even without records
    if found is None:
        reply.header.rcode = RCODE.NXDOMAIN
        if domain is not None:
            reply.add_auth(_soa(reg, ns))
        return reply.pack(), qname, qtype, RCODE.NXDOMAIN
    rec = found[0]
    if qname == reg and not rec.ns and ns:
        rec = replace(rec, ns=ns)  # the zone apex carries the delegation's NS
    if qtype == "SOA":
        reply.add_answer(_soa(reg, rec.ns or ns))
    else:
        for rr in _records(qname, rec, qtype, world):
            reply.add_answer(rr)
    if not reply.rr:
        reply.add_auth(_soa(reg, rec.ns or ns))
    return reply.pack(), qname, qtype, RCODE.NOERROR


def _serve(world: World, data: bytes, requestlog: RequestLog) -> bytes | None:
    try:
        out, qname, qtype, rcode = answer(world, data)
    except (DNSError, DnsBufferError, struct.error, IndexError, ValueError) as exc:
        log.info("Bad DNS query: %s", exc)
        return None
    requestlog.add("dns", qname, qtype, "", "", rcode)
    return out


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, serve: Callable[[bytes], bytes | None]) -> None:
        self.serve = serve
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, int]) -> None:
        out = self.serve(data)
        if out is not None and self.transport is not None:
            self.transport.sendto(out, addr)


class DnsServer:
    """UDP and TCP on the same 127.0.0.1 port (dnspython retries truncated answers over TCP)."""

    def __init__(self, world: World, requestlog: RequestLog) -> None:
        self.world = world
        self.log = requestlog
        self.udp: asyncio.DatagramTransport | None = None
        self.tcp: asyncio.Server | None = None
        self.port = 0

    def _serve(self, data: bytes) -> bytes | None:
        return _serve(self.world, data, self.log)

    async def start(self, host: str = "127.0.0.1") -> None:
        loop = asyncio.get_running_loop()
        for _ in range(20):  # the UDP port may be taken for TCP; try another
            udp, _proto = await loop.create_datagram_endpoint(
                lambda: _Udp(self._serve), local_addr=(host, 0)
            )
            port = udp.get_extra_info("sockname")[1]
            try:
                self.tcp = await asyncio.start_server(self._tcp, host, port)
            except OSError:
                udp.close()
                continue
            self.udp, self.port = udp, port
            return
        raise OSError("no free port for DNS on both UDP and TCP")

    async def _tcp(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                size = struct.unpack("!H", await reader.readexactly(2))[0]
                out = self._serve(await reader.readexactly(size))
                if out is None:
                    break
                writer.write(struct.pack("!H", len(out)) + out)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # client closed the connection: normal end of a TCP DNS session
        finally:
            writer.close()

    async def stop(self) -> None:
        if self.udp is not None:
            self.udp.close()
        if self.tcp is not None:
            self.tcp.close()
