"""Small self-contained loopback servers for the netpath tests: DNS (dnslib), WHOIS, a TLS/HTTP
origin, and an HTTP forward proxy with CONNECT. Each records what it received."""

from __future__ import annotations

import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from dnslib import AAAA, CNAME, MX, NS, QTYPE, RCODE, RR, A, DNSRecord
from dnslib.server import DNSLogger, DNSServer

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


# -- DNS --------------------------------------------------------------------------------
@dataclass
class Zone:
    """name → {"A": [...], "AAAA": [...], "CNAME": [...], "NS": [...], "MX": [...]};
    unknown names: NXDOMAIN."""

    records: dict[str, dict[str, list[str]]]
    servfail: bool = False
    queries: list[tuple[str, str]] = field(default_factory=list)

    def resolve(self, request: DNSRecord, handler: object) -> DNSRecord:
        reply = request.reply()
        qname = str(request.q.qname).rstrip(".").lower()
        qtype = QTYPE[request.q.qtype]
        self.queries.append((qname, qtype))
        if self.servfail:
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        name = qname
        while True:
            rec = self.records.get(name)
            if rec is None:
                if name == qname:
                    reply.header.rcode = RCODE.NXDOMAIN
                return reply
            if rec.get("CNAME") and qtype != "CNAME":
                target = rec["CNAME"][0]
                reply.add_answer(RR(name, QTYPE.CNAME, rdata=CNAME(target), ttl=60))
                name = target
                continue
            for value in rec.get(qtype, []):
                rdata = {
                    "A": lambda v: A(v),
                    "AAAA": lambda v: AAAA(v),
                    "NS": lambda v: NS(v),
                    "CNAME": lambda v: CNAME(v),
                    "MX": lambda v: MX(v, 10),
                }[qtype](value)
                reply.add_answer(RR(name, getattr(QTYPE, qtype), rdata=rdata, ttl=60))
            return reply


@contextmanager
def dns_server(zone: Zone) -> Iterator[int]:
    server = DNSServer(zone, address=LOOPBACK, port=0, logger=DNSLogger(logf=lambda _: None))
    server.start_thread()
    try:
        yield int(server.server.server_address[1])
    finally:
        server.stop()


@contextmanager
def silent_udp() -> Iterator[int]:
    """A UDP port that receives and never answers (a DNS server that hangs)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((LOOPBACK, 0))
    try:
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


# -- WHOIS ------------------------------------------------------------------------------
class WhoisServer(socketserver.ThreadingTCPServer):
    """Answers `domain\\r\\n` with records[domain]; 'hang' never answers; `drop_first` closes
    the first N connections without a word."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, records: dict[str, str], *, hang: bool = False, drop_first: int = 0):
        self.records = records
        self.hang = hang
        self.drop_first = drop_first
        self.connections = 0
        self.queries: list[str] = []
        self._stop = threading.Event()
        super().__init__((LOOPBACK, 0), _WhoisHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _WhoisHandler(socketserver.StreamRequestHandler):
    server: WhoisServer

    def handle(self) -> None:
        self.server.connections += 1
        n = self.server.connections
        line = self.rfile.readline(1024).decode("utf-8", "replace").strip()
        self.server.queries.append(line)
        if self.server.hang:
            self.server._stop.wait(30)
            return
        if n <= self.server.drop_first:
            return
        text = self.server.records.get(line.lower(), "No matching record.\r\n")
        self.wfile.write(text.encode("utf-8"))


@contextmanager
def whois_server(records: dict[str, str], **kwargs: object) -> Iterator[WhoisServer]:
    server = WhoisServer(records, **kwargs)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server._stop.set()
        server.shutdown()
        server.server_close()


# -- HTTP(S) origin -----------------------------------------------------------------------
class _OriginHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.server.requests.append((self.headers.get("Host", ""), self.path))  # type: ignore[attr-defined]
        body = f"origin {self.headers.get('Host', '')}{self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Origin(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        super().__init__((LOOPBACK, 0), _OriginHandler)
        self.requests: list[tuple[str, str]] = []
        if context is not None:
            self.socket = context.wrap_socket(self.socket, server_side=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that abort the handshake (unverified certificates) are expected


@contextmanager
def origin(context: ssl.SSLContext | None = None) -> Iterator[Origin]:
    server = Origin(context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


# -- forward proxy ------------------------------------------------------------------------
class Proxy(socketserver.ThreadingTCPServer):
    """HTTP forward proxy: CONNECT host:port is tunnelled to routes[host] (else 502);
    plain absolute-URI requests are answered by the proxy itself ("proxied <url>")."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, routes: dict[str, int]) -> None:
        self.routes = routes
        self.log: list[tuple[str, str]] = []  # (kind, target)
        super().__init__((LOOPBACK, 0), _ProxyHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"


class _ProxyHandler(socketserver.StreamRequestHandler):
    server: Proxy

    def handle(self) -> None:
        while True:
            request_line = self.rfile.readline(8192).decode("latin-1").strip()
            if not request_line:
                return
            length = 0
            while header := self.rfile.readline(8192).strip():
                name, _, value = header.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            self.rfile.read(length)  # request body, unused
            method, target, _ = request_line.split(" ", 2)
            if method == "CONNECT":
                self._connect(target)
                return
            self.server.log.append(("http", target))
            body = f"proxied {target}".encode()
            self.wfile.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\n\r\n"
                + body
            )

    def _connect(self, target: str) -> None:
        self.server.log.append(("connect", target))
        host = target.rsplit(":", 1)[0]
        port = self.server.routes.get(host)
        if port is None:
            self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nX-Simnet-Error: unresolvable\r\n\r\n")
            return
        upstream = socket.create_connection((LOOPBACK, port))
        self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.wfile.flush()
        client = self.request

        def pump(src: socket.socket, dst: socket.socket) -> None:
            try:
                while data := src.recv(65536):
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        t = threading.Thread(target=pump, args=(upstream, client), daemon=True)
        t.start()
        pump(client, upstream)
        t.join(5)
        upstream.close()


@contextmanager
def proxy(routes: dict[str, int] | None = None) -> Iterator[Proxy]:
    server = Proxy(routes or {})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def write_ca(ca: object, directory: Path) -> Path:
    path = directory / "ca.pem"
    ca.cert_pem.write_to_path(str(path))  # type: ignore[attr-defined]
    return path


def wait_until(predicate: object, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False
