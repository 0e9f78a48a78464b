"""The TLS check that judges a site's certificate: Python's ssl, through the same proxy as every
fetch, against the system store plus SSL_CERT_FILE. The browser's own verdict is never used.

An invalid certificate is a fact, not a failure: it is recorded with a Chinese reason and the
OpenSSL message, and the certificate is still read (unverified) for the evidence.
"""

from __future__ import annotations

import base64
import logging
import socket
import ssl
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from core.config import Settings
from core.netpath.dns import Resolver
from core.netpath.domains import is_ip, to_ascii
from core.types import TlsFacts

logger = logging.getLogger(__name__)

#: OpenSSL verify codes an analyst meets, in words they read
VERIFY_REASONS = {
    10: "证书已过期",
    9: "证书尚未生效",
    18: "自签名证书",
    19: "证书链中含有自签名的根证书，不受信任",
    20: "证书签发机构不受信任",
    21: "无法验证证书签发机构",
    62: "证书域名与网站不符",
    23: "证书已被吊销",
}


class ProxyTunnelError(OSError):
    """The proxy refused or broke the CONNECT tunnel; `reason` is the Chinese sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def verify_context(settings: Settings) -> ssl.SSLContext:
    """A verifying client context: the system store plus settings.ssl_cert_file.

    OpenSSL's defaults are replaced, not extended, when SSL_CERT_FILE is set in the process
    environment, so the system bundle is loaded explicitly too.
    """
    context = ssl.create_default_context()
    paths = ssl.get_default_verify_paths()
    # `cafile`/`capath` are what OpenSSL actually used; they differ from the openssl_* defaults
    # only when the process environment overrode them.
    system_file = Path(paths.openssl_cafile).resolve()
    system_dir = Path(paths.openssl_capath).resolve()
    if system_file.is_file() and paths.cafile != str(system_file):
        context.load_verify_locations(cafile=str(system_file))
    if system_dir.is_dir() and paths.capath != str(system_dir):
        context.load_verify_locations(capath=str(system_dir))
    if settings.ssl_cert_file is not None:
        context.load_verify_locations(cafile=str(settings.ssl_cert_file))
    return context


def _reading_context() -> ssl.SSLContext:
    """Accepts anything, old protocols included: only used to read a certificate already judged."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    try:
        context.set_ciphers("ALL:@SECLEVEL=0")
    except ssl.SSLError:
        logger.debug("OpenSSL refused SECLEVEL=0; reading with default ciphers")
    return context


def _proxy_address(proxy: str) -> tuple[str, int, str | None]:
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if not parts.hostname:
        raise ProxyTunnelError(f"代理地址无效：{proxy}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    auth = None
    if parts.username is not None:
        creds = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        auth = base64.b64encode(creds.encode()).decode()
    return parts.hostname, port, auth


def open_tunnel(proxy: str, host: str, port: int, timeout: float) -> socket.socket:
    """A TCP socket to host:port through an HTTP proxy's CONNECT method."""
    proxy_host, proxy_port, auth = _proxy_address(proxy)
    sock = socket.create_connection((proxy_host, proxy_port), timeout=timeout)
    try:
        target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        head = f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n"
        if auth:
            head += f"Proxy-Authorization: Basic {auth}\r\n"
        sock.sendall((head + "\r\n").encode("ascii"))
        # Read byte by byte up to the blank line so no TLS byte is swallowed.
        data = b""
        while not data.endswith(b"\r\n\r\n"):
            byte = sock.recv(1)
            if not byte:
                raise ProxyTunnelError("代理在建立隧道前关闭了连接")
            data += byte
            if len(data) > 65536:
                raise ProxyTunnelError("代理的应答头过长")
        status_line = data.split(b"\r\n", 1)[0].decode("latin-1")
        fields = status_line.split(" ", 2)
        if len(fields) < 2 or fields[1] != "200":
            raise ProxyTunnelError(f"代理拒绝建立到 {target} 的隧道（{status_line}）")
    except BaseException:
        sock.close()
        raise
    return sock


def _connect(
    host: str, port: int, settings: Settings, resolver: Resolver, timeout: float
) -> socket.socket:
    # Before any packet: the egress policy on the name (through our resolver) or literal.
    settings.egress.check_host(host, resolver)
    proxy = settings.proxy.for_url(f"https://{host}:{port}/")
    if proxy:
        return open_tunnel(proxy, host, port, timeout)
    return socket.create_connection((resolver.address(host), port), timeout=timeout)


def _name(value: x509.Name) -> str:
    return value.rfc4514_string()


def read_certificate(der: bytes, verified: bool, error: str | None) -> TlsFacts:
    """TlsFacts from a DER certificate (issuer, subject, SANs, validity in UTC, PEM)."""
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError as exc:
        return _failed(f"{error or ''}证书无法解析（{exc}）".lstrip())
    sans: list[str] = []
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        sans += [str(n) for n in ext.get_values_for_type(x509.DNSName)]
        sans += [str(ip) for ip in ext.get_values_for_type(x509.IPAddress)]
    except (x509.ExtensionNotFound, ValueError):
        pass  # no SANs, or a malformed extension: the rest of the certificate still counts
    return TlsFacts(
        verified=verified,
        error=error,
        issuer=_name(cert.issuer),
        subject=_name(cert.subject),
        sans=tuple(sans),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        pem=cert.public_bytes(Encoding.PEM).decode("ascii"),
    )


def _failed(error: str) -> TlsFacts:
    return TlsFacts(
        verified=False, error=error, issuer="", subject="", sans=(), not_before=None, not_after=None
    )


def _verify_reason(exc: ssl.SSLCertVerificationError) -> str:
    words = VERIFY_REASONS.get(exc.verify_code, "证书未通过验证")
    return f"{words}（{exc.verify_message or exc.reason}）"


def _connect_reason(exc: OSError) -> str:
    reason = getattr(exc, "reason", None)
    if isinstance(reason, str) and not isinstance(exc, ssl.SSLError):
        return reason  # our own DnsLookupError / ProxyTunnelError sentences
    if isinstance(exc, TimeoutError):
        return "连接超时"
    if isinstance(exc, ConnectionRefusedError):
        return "连接被拒绝"
    return f"无法连接（{exc.strerror or exc}）"


def check_tls(
    host: str, port: int = 443, settings: Settings | None = None, *, timeout: float = 10.0
) -> TlsFacts:
    """Judge the certificate `host:port` presents. Never raises on network or TLS failures.

    `settings` is required (it carries the proxy and SSL_CERT_FILE); it follows `port` only
    so that `check_tls(host, 443, settings)` and `check_tls(host, settings=settings)` both work.
    """
    if settings is None:
        raise TypeError("check_tls() needs the Settings (proxy, SSL_CERT_FILE)")
    host = to_ascii(host)
    resolver = Resolver(settings)
    server_name = host.strip("[]")
    try:
        raw = _connect(host, port, settings, resolver, timeout)
    except OSError as exc:
        return _failed(f"无法建立 TLS 连接：{_connect_reason(exc)}")
    error: str | None = None
    try:
        with verify_context(settings).wrap_socket(raw, server_hostname=server_name) as tls:
            der = tls.getpeercert(binary_form=True)
        if der:
            return read_certificate(der, True, None)
        error = "服务器没有出示证书"
    except ssl.SSLCertVerificationError as exc:
        error = _verify_reason(exc)
    except ssl.SSLError as exc:
        # Handshake failures (old protocols, no shared cipher): try to read the cert anyway.
        error = f"TLS 握手失败（{exc.reason or exc}）"
    except OSError as exc:
        return _failed(f"TLS 握手中断：{_connect_reason(exc)}")
    finally:
        raw.close()
    logger.info("TLS check %s:%d not verified: %s", host, port, error)
    # Second connection, unverified, to keep the certificate as evidence.
    try:
        raw = _connect(host, port, settings, resolver, timeout)
        sni = None if is_ip(server_name) else server_name
        with _reading_context().wrap_socket(raw, server_hostname=sni) as tls:
            der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError) as exc:
        logger.info("could not read the certificate of %s:%d: %s", host, port, exc)
        return _failed(error)
    if not der:
        return _failed(error)
    return read_certificate(der, False, error)
