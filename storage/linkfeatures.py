"""What may tie one site to others run by the same people, extracted from one Page.

Pure: a Page in, `LinkFeatures` out (the IP → network-owner lookup is injected). Linking the
features of many leads is `storage/linking.py`; the storage pipeline records them per capture
(`capture.infra` and the `capture_feature` pivot index).

Kinds, and why each one is or is not evidence:
- infrastructure: public IP, its /24, its network owner (ASN name), the name-server set,
  registrant e-mail / name / organisation (never a privacy placeholder), registrar + the day
  the domain was registered (bulk registrations come in bursts), TLS certificate serial and
  SAN set (one certificate served by two sites);
- kit identity: DOM-structure hash, text simhash, hashes of the page's own resources (never
  a third-party host's: the CONAC badge, analytics scripts and CDN libraries are shared by
  everyone), favicon hash, screenshot perceptual hash;
- tracking and contact IDs found inside the page: Baidu Tongji `hm.js?<id>`, CNZZ site ids,
  Google Analytics ids, WeChat, QQ and phone numbers, and what QR codes on the page say;
- the site itself (`site`: its host without www.), which a post naming it shares.

A post on a social or marketplace platform (core/platforms.py) gives only its contact IDs and
the sites it names: everything else it shows belongs to the platform.
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.platforms import named_sites, post_key, site_name
from core.types import Page

log = logging.getLogger(__name__)

#: IP → (country, network owner) — `core.netpath.geoip.ip_info` in production
AsnLookup = Callable[[str], tuple[str | None, str | None]]

# Registrant values that say nothing about who registered the domain.
_REDACTED = (
    "redacted",
    "privacy",
    "private",
    "withheld",
    "not disclosed",
    "data protected",
    "whoisguard",
    "contact privacy",
    "隐私",
    "保密",
)
_TRACKERS = (
    ("baidu_tongji", re.compile(r"hm\.baidu\.com/hm\.js\?([0-9a-f]{32})", re.I)),
    (
        "cnzz",
        re.compile(
            r"(?:cnzz\.com|umeng\.com)/[^\"'\s>]*?(?:[?&](?:id|web_id|siteid)=)(\d{4,12})", re.I
        ),
    ),
    ("cnzz", re.compile(r"CNZZDATA(\d{4,12})")),
    ("cnzz", re.compile(r"cnzz_stat_icon_(\d{4,12})")),
    ("google_analytics", re.compile(r"\b(UA-\d{4,10}-\d{1,4})\b")),
    (
        "google_analytics",
        re.compile(r"(?:gtag/js\?id=|gtag\(\s*['\"]config['\"]\s*,\s*['\"])(G-[A-Z0-9]{6,12})"),
    ),
)
_WECHAT = re.compile(
    r"(?:微信号?|威信|薇信|vx|VX|wx|WX|wechat|WeChat)\s*(?:号|ID|id)?\s*[:：]?\s*([A-Za-z][-_A-Za-z0-9]{5,19})"
)
_QQ = (
    re.compile(r"(?:QQ|qq|扣扣)\s*(?:号|群)?\s*[:：]?\s*([1-9]\d{4,11})(?!\d)"),
    re.compile(r"(?:uin=|tencent://message/\?[^\"'\s]*uin=)([1-9]\d{4,11})"),
)
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d{9})(?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<![0-9A-Za-z-])(0\d{2,3})[-\s]?(\d{7,8})(?![0-9A-Za-z-])")
_TAG = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_CLASS = re.compile(r"""\bclass\s*=\s*["']([^"']*)["']""", re.I)
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
#: what a post's author leaves in it (its own contact IDs and the sites it advertises)
POST_KINDS = frozenset({"wechat", "qq", "phone"})
_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"'>]+)["']""", re.I)
#: fewer tags than this is a parked page, an error page or a redirect stub: no kit
MIN_TAGS = 25
#: fewer characters of visible text than this gives no meaningful simhash
MIN_TEXT = 40


@dataclass(frozen=True)
class LinkFeatures:
    """Exact-match features as (kind, value) pairs, and the two near-match hashes."""

    features: tuple[tuple[str, str], ...]
    simhash: str | None = None
    phash: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "features": [list(f) for f in self.features],
            "simhash": self.simhash,
            "phash": self.phash,
        }

    @classmethod
    def from_json(cls, data: object) -> LinkFeatures:
        """Reads what `to_json` wrote (other keys of older rows are ignored)."""
        if not isinstance(data, dict):
            return cls(())
        pairs = tuple(
            (str(f[0]), str(f[1]))
            for f in data.get("features") or ()
            if isinstance(f, list | tuple) and len(f) == 2
        )
        simhash, phash = data.get("simhash"), data.get("phash")
        return cls(
            pairs,
            simhash if isinstance(simhash, str) else None,
            phash if isinstance(phash, str) else None,
        )


def extract(
    page: Page,
    *,
    asn_of: AsnLookup | None = None,
    read_qr: Callable[[bytes], list[str]] | None = None,
) -> LinkFeatures:
    """Every linking feature of one page; a failed fetch gives its infrastructure only."""
    if post_key(page.url) is not None:
        return _post(page)
    found: list[tuple[str, str]] = []
    if page.host:
        found.append(("site", site_name(page.host)))  # what posts naming this site match
    found += _network(page, asn_of)
    found += _registration(page)
    found += _tls(page)
    html = page.rendered_html or page.raw_html
    simhash = None
    if html or page.visible_text:
        found += _kit(page, html)
        found += _ids(
            html + "\n" + (page.raw_html if page.rendered_html else ""), page.visible_text
        )
        simhash = text_simhash(page.visible_text)
    if read_qr is not None and (page.viewport_png or page.screenshot_png):
        found += [("qr", text) for text in _qr_texts(page, read_qr)]
    return LinkFeatures(
        tuple(sorted(set(found))), simhash, _phash(page.viewport_png or page.screenshot_png)
    )


def _post(page: Page) -> LinkFeatures:
    """A post on a platform: only what its author left in it. The platform's address,
    certificate, template and analytics are the same for every post, so they tie nobody."""
    html = page.rendered_html or page.raw_html
    found = [f for f in _ids(html, page.visible_text) if f[0] in POST_KINDS]
    hrefs = [m.group(1) for m in _HREF.finditer(html)]
    found += [("site", name) for name in named_sites(page.visible_text, hrefs)]
    return LinkFeatures(tuple(sorted(set(found))))


# ------------------------------------------------------------------ infrastructure


def public_ip(value: str) -> bool:
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return False
    return ip.is_global


def _network(page: Page, asn_of: AsnLookup | None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    ns: set[str] = set()
    if page.dns is not None:
        for ip in {*page.dns.a, *page.dns.aaaa}:
            if not public_ip(ip):
                continue
            out.append(("ip", ip))
            if ":" not in ip:
                out.append(("net24", str(ipaddress.ip_network(f"{ip}/24", strict=False))))
            if asn_of is not None:
                owner = asn_of(ip)[1]
                if owner:
                    out.append(("asn", owner))
        ns = {n.lower().rstrip(".") for n in page.dns.ns if n}
    if not ns and page.whois is not None:
        ns = {n.lower().rstrip(".") for n in page.whois.name_servers if n}
    if ns:
        # the whole set: one shared name server of a big DNS host proves little
        out.append(("ns", ",".join(sorted(ns))))
    return out


def _meaningful(value: str | None) -> str | None:
    text = (value or "").strip()
    if len(text) < 2 or any(w in text.lower() for w in _REDACTED):
        return None
    return text


def _whois_field(raw: str, *names: str) -> str | None:
    for name in names:
        m = re.search(rf"^\s*{name}\s*:\s*(.+?)\s*$", raw, re.I | re.M)
        if m:
            return m.group(1)
    return None


def _registration(page: Page) -> list[tuple[str, str]]:
    w = page.whois
    if w is None or w.error:
        return []
    out: list[tuple[str, str]] = []
    if not w.privacy:
        raw = w.raw or ""
        email = _meaningful(_whois_field(raw, "Registrant Contact Email", "Registrant Email"))
        if email and "@" in email:
            out.append(("registrant_email", email.lower()))
        name = _meaningful(w.registrant or _whois_field(raw, "Registrant Name", "Registrant"))
        if name:
            out.append(("registrant", name))
        org = _meaningful(_whois_field(raw, "Registrant Organization", "Registrant Organisation"))
        if org:
            out.append(("registrant_org", org))
    if w.registrar and w.created is not None:
        out.append(("registrar_day", f"{w.registrar.strip()} {w.created:%Y-%m-%d}"))
    return out


def _tls(page: Page) -> list[tuple[str, str]]:
    t = page.tls
    if t is None:
        return []
    out: list[tuple[str, str]] = []
    if t.pem:
        serial = _serial(t.pem)
        if serial:
            out.append(("tls_serial", f"{t.issuer} {serial}"))
    sans = sorted({s.lower() for s in t.sans if s})
    if len(sans) > 1:
        out.append(("tls_sans", ",".join(sans)))
    return out


def _serial(pem: str) -> str | None:
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(pem.encode("ascii", "replace"))
    except ValueError as exc:
        log.info("unreadable certificate: %s", exc)
        return None
    return format(cert.serial_number, "x")


# ------------------------------------------------------------------ kit identity


def dom_hash(html: str) -> str | None:
    """sha256 of the tag-and-class sequence: a kit keeps it whatever text it shows."""
    body = _SCRIPT_OR_STYLE.sub("", html)
    parts = []
    for m in _TAG.finditer(body):
        cls = _CLASS.search(m.group(2))
        classes = ".".join(sorted(cls.group(1).split())) if cls else ""
        parts.append(f"{m.group(1).lower()}.{classes}")
    if len(parts) < MIN_TAGS:
        return None
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def text_simhash(text: str) -> str | None:
    """64-bit simhash of character trigrams (Chinese has no spaces to split on)."""
    chars = "".join(text.split())
    if len(chars) < MIN_TEXT:
        return None
    weights = [0] * 64
    for i in range(len(chars) - 2):
        h = int.from_bytes(hashlib.blake2b(chars[i : i + 3].encode(), digest_size=8).digest())
        for bit in range(64):
            weights[bit] += 1 if h >> bit & 1 else -1
    value = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return f"{value:016x}"


def _own_host(resource_url: str, page_host: str) -> bool:
    host = (urlsplit(resource_url).hostname or "").lower()
    if not host or not page_host:
        return False
    return host == page_host or host.endswith("." + page_host) or page_host.endswith("." + host)


def _kit(page: Page, html: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    digest = dom_hash(html) if html else None
    if digest:
        out.append(("dom", digest))
    host = page.host
    for res in page.resources:
        if res.sha256 and res.resource_type in ("script", "stylesheet", "image", "font"):
            if _own_host(res.url, host) and res.size >= 200:
                out.append(("resource", res.sha256))
    if page.favicon:
        out.append(("favicon", hashlib.sha256(page.favicon).hexdigest()))
    return out


# ------------------------------------------------------------------ tracking and contact IDs


def _ids(html: str, text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for kind, pattern in _TRACKERS:
        out += [(kind, m.group(1)) for m in pattern.finditer(html)]
    both = text + "\n" + html
    out += [("wechat", m.group(1).lower()) for m in _WECHAT.finditer(text)]
    for pattern in _QQ:
        out += [("qq", m.group(1)) for m in pattern.finditer(both)]
    out += [("phone", m.group(1)) for m in _MOBILE.finditer(text)]
    out += [("phone", f"{m.group(1)}-{m.group(2)}") for m in _LANDLINE.finditer(text)]
    return out


def _qr_texts(page: Page, read_qr: Callable[[bytes], list[str]]) -> Iterable[str]:
    for png in (page.viewport_png, page.screenshot_png):
        if not png:
            continue
        try:
            texts = read_qr(png)
        except ValueError as exc:  # core.qr.QrError: not an image
            log.info("no QR codes read from the screenshot: %s", exc)
            continue
        if texts:
            return [t.strip()[:500] for t in texts if t.strip()]
    return []


def _phash(png: bytes) -> str | None:
    """Perceptual hash of the rendered page: weak alone, a faithful clone looks the same."""
    if not png:
        return None
    import imagehash
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(png)) as img:
            digest = str(imagehash.phash(img.convert("L")))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        log.info("no perceptual hash for screenshot: %s", exc)
        return None
    # A blank or single-colour page hashes to all zeros and would link unrelated sites.
    return None if set(digest) == {"0"} else digest
