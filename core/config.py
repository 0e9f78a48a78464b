"""The one place that reads the environment (ARCHITECTURE §4).

Everything else receives a frozen `Settings` (or the values it needs from it), so a
test can build its own without touching `os.environ`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from core.netpath.egress import EgressPolicy, IPNetwork, parse_networks
from core.s3config import S3Location, s3_from_env

DESKTOP_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
)
# What a phone shows when a QR code on a certificate is scanned inside WeChat.
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 13; V2203A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 "
    "XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F35) "
    "WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
#: Farsight DNSDB API v2 (the passive-DNS source); ZHENWEI_DNSDB_URL points elsewhere
DNSDB_URL = "https://api.dnsdb.info"


class ConfigError(ValueError):
    """An environment variable has a value we cannot use."""


def parse_hostport(value: str, default_port: int, name: str) -> tuple[str, int]:
    """Parse `host:port`, `host` or `[v6]:port`."""
    value = value.strip()
    if not value:
        raise ConfigError(f"{name}: empty address")
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port_s = rest.lstrip(":") or str(default_port)
    elif value.count(":") == 1:
        host, port_s = value.split(":")
    else:
        host, port_s = value, str(default_port)
    try:
        port = int(port_s)
    except ValueError:
        raise ConfigError(f"{name}: port {port_s!r} is not a number") from None
    if not host or not 0 < port < 65536:
        raise ConfigError(f"{name}: bad address {value!r}")
    return host, port


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name}: {raw!r} is not a positive whole number")
    return int(raw)


def _get(env: Mapping[str, str], name: str) -> str | None:
    """Proxy variables come in either case; the lower-case one wins, as in curl."""
    for key in (name.lower(), name.upper()):
        val = env.get(key)
        if val:
            return val
    return None


@dataclass(frozen=True)
class ProxySettings:
    """HTTP(S)_PROXY / NO_PROXY, resolved once."""

    http: str | None = None
    https: str | None = None
    no_proxy: tuple[str, ...] = ()

    def bypass(self, host: str) -> bool:
        """True when NO_PROXY says `host` is reached directly."""
        host = host.lower().rstrip(".")
        for entry in self.no_proxy:
            entry = entry.lower().lstrip(".")
            if entry == "*":
                return True
            if host == entry or host.endswith("." + entry):
                return True
        return False

    def for_url(self, url: str) -> str | None:
        """The proxy URL to use for `url`, or None for a direct connection."""
        parts = urlsplit(url)
        if parts.hostname and self.bypass(parts.hostname):
            return None
        return self.https if parts.scheme == "https" else self.http

    @property
    def any(self) -> str | None:
        return self.https or self.http


def _dnsdb_url(raw: str) -> str:
    url = raw.strip().rstrip("/") or DNSDB_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"ZHENWEI_DNSDB_URL: {raw!r} is not an http(s) URL")
    return url


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class NotifyConfig:
    """Where after-run digests go (webhook and/or SMTP)."""

    webhook_url: str | None = None
    webhook_format: str = "json"  # json | wecom | dingtalk
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "zhenwei@localhost"
    mail_to: tuple[str, ...] = ()
    #: only leads at or above this score go into the digest
    min_score: int = 70

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> NotifyConfig:
        fmt = env.get("ZHENWEI_WEBHOOK_FORMAT", "json")
        if fmt not in ("json", "wecom", "dingtalk"):
            raise ConfigError(f"ZHENWEI_WEBHOOK_FORMAT: {fmt!r} is not json, wecom or dingtalk")
        try:
            port = int(env.get("ZHENWEI_SMTP_PORT", "25"))
            min_score = int(env.get("ZHENWEI_DIGEST_MIN_SCORE", "70"))
        except ValueError as exc:
            raise ConfigError(f"notification settings: {exc}") from None
        return cls(
            webhook_url=env.get("ZHENWEI_WEBHOOK_URL") or None,
            webhook_format=fmt,
            smtp_host=env.get("ZHENWEI_SMTP_HOST") or None,
            smtp_port=port,
            smtp_starttls=_flag(env.get("ZHENWEI_SMTP_STARTTLS")),
            smtp_user=env.get("ZHENWEI_SMTP_USER") or None,
            smtp_password=env.get("ZHENWEI_SMTP_PASSWORD") or None,
            mail_from=env.get("ZHENWEI_MAIL_FROM", "zhenwei@localhost"),
            mail_to=tuple(
                a.strip() for a in env.get("ZHENWEI_MAIL_TO", "").split(",") if a.strip()
            ),
            min_score=min_score,
        )


@dataclass(frozen=True)
class Settings:
    """Every environment-derived setting of zhenwei."""

    proxy: ProxySettings = field(default_factory=ProxySettings)
    dns_servers: tuple[tuple[str, int], ...] = ()
    whois_server: tuple[str, int] | None = None
    data_dir: Path = Path("var")
    database_url: str = ""
    ssl_cert_file: Path | None = None
    desktop_user_agent: str = DESKTOP_UA
    wechat_user_agent: str = WECHAT_UA
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    #: the evidence store; workers sharing one database must share it too (a network mount)
    artifacts_dir: Path | None = None
    #: ZHENWEI_EVIDENCE_URL=s3://…: the evidence store is an S3-compatible bucket instead
    evidence_s3: S3Location | None = None
    #: Redis of `zhenwei crawl --distributed` workers
    redis_url: str = "redis://127.0.0.1:6379/0"
    #: signs review-UI cookies (ZHENWEI_SECRET_KEY, ≥ 32 bytes); None: `serve` makes one in data_dir
    secret_key: str | None = None
    #: Ed25519 private key (PEM file) that signs evidence manifests (ZHENWEI_SIGNING_KEY)
    signing_key_file: Path | None = None
    #: ZHENWEI_ALLOW_NETWORKS: the only non-public networks a fetch may reach (demo, tests)
    allow_networks: tuple[IPNetwork, ...] = ()

    @property
    def egress(self) -> EgressPolicy:
        """The egress policy every fetch path asks before it connects."""
        return EgressPolicy(self.allow_networks)

    #: review-UI sessions end after this long without a request, and this long after login
    session_idle_minutes: int = 30
    session_hours: int = 8
    #: mark session cookies `Secure` (ZHENWEI_SECURE_COOKIES=1, when served behind HTTPS)
    secure_cookies: bool = False
    #: HMAC key of the review audit chain (ZHENWEI_AUDIT_KEY_FILE; default data_dir/audit.key)
    audit_key_file: Path | None = None
    #: accepted evidence-signing public keys: PEM files or SHA-256 fingerprints (ZHENWEI_TRUSTED_KEYS)
    trusted_keys: tuple[str, ...] = ()
    #: where `serve` writes its log, auth events included (ZHENWEI_LOG_FILE; default stderr)
    log_file: Path | None = None
    #: Farsight DNSDB API key of the passive-DNS source (ZHENWEI_DNSDB_KEY; None: source off)
    dnsdb_key: str | None = field(default=None, repr=False)
    #: DNSDB API v2 server (ZHENWEI_DNSDB_URL)
    dnsdb_url: str = DNSDB_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        no_proxy = tuple(p.strip() for p in (_get(env, "NO_PROXY") or "").split(",") if p.strip())
        proxy = ProxySettings(
            http=_get(env, "HTTP_PROXY"), https=_get(env, "HTTPS_PROXY"), no_proxy=no_proxy
        )
        dns = tuple(
            parse_hostport(part, 53, "ZHENWEI_DNS_SERVERS")
            for part in env.get("ZHENWEI_DNS_SERVERS", "").split(",")
            if part.strip()
        )
        whois_raw = env.get("ZHENWEI_WHOIS_SERVER", "").strip()
        whois = parse_hostport(whois_raw, 43, "ZHENWEI_WHOIS_SERVER") if whois_raw else None
        data_dir = Path(env.get("ZHENWEI_DATA_DIR") or "var").expanduser()
        db_url = (
            env.get("ZHENWEI_DATABASE_URL") or f"sqlite:///{(data_dir / 'zhenwei.db').resolve()}"
        )
        cert = env.get("SSL_CERT_FILE")
        try:
            allow = parse_networks(env.get("ZHENWEI_ALLOW_NETWORKS", ""))
            evidence_s3 = s3_from_env(env)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        return cls(
            allow_networks=allow,
            evidence_s3=evidence_s3,
            proxy=proxy,
            dns_servers=dns,
            whois_server=whois,
            data_dir=data_dir,
            database_url=db_url,
            ssl_cert_file=Path(cert) if cert else None,
            notify=NotifyConfig.from_env(env),
            artifacts_dir=Path(env["ZHENWEI_ARTIFACTS_DIR"])
            if env.get("ZHENWEI_ARTIFACTS_DIR")
            else None,
            redis_url=env.get("ZHENWEI_REDIS_URL") or "redis://127.0.0.1:6379/0",
            secret_key=env.get("ZHENWEI_SECRET_KEY") or None,
            signing_key_file=Path(env["ZHENWEI_SIGNING_KEY"])
            if env.get("ZHENWEI_SIGNING_KEY")
            else None,
            session_idle_minutes=_positive(env, "ZHENWEI_SESSION_IDLE_MINUTES", 30),
            session_hours=_positive(env, "ZHENWEI_SESSION_HOURS", 8),
            secure_cookies=env.get("ZHENWEI_SECURE_COOKIES", "").strip().lower()
            in ("1", "true", "yes"),
            audit_key_file=Path(env["ZHENWEI_AUDIT_KEY_FILE"])
            if env.get("ZHENWEI_AUDIT_KEY_FILE")
            else None,
            trusted_keys=tuple(
                part.strip()
                for part in env.get("ZHENWEI_TRUSTED_KEYS", "").split(os.pathsep)
                if part.strip()
            ),
            log_file=Path(env["ZHENWEI_LOG_FILE"]) if env.get("ZHENWEI_LOG_FILE") else None,
            dnsdb_key=env.get("ZHENWEI_DNSDB_KEY", "").strip() or None,
            dnsdb_url=_dnsdb_url(env.get("ZHENWEI_DNSDB_URL", "")),
        )

    @property
    def audit_key_path(self) -> Path:
        return self.audit_key_file or self.data_dir / "audit.key"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"
