"""Host names: A-label normalisation and the registrable domain (public suffix list, offline)."""

from __future__ import annotations

import ipaddress
import logging
from functools import cache, lru_cache

import idna
import tldextract

logger = logging.getLogger(__name__)


@cache
def _extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=(): the PSL snapshot bundled with tldextract, never a download;
    # cache_dir=None: no disk cache (and no TLDEXTRACT_CACHE from the environment).
    # ICANN suffixes only: the registrable domain is what WHOIS and registrars know.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=65536)
def to_ascii(host: str) -> str:
    """Lower-case A-label form of `host` (`例子.中国` → `xn--fsqu00a.xn--fiqs8s`); IPs unchanged.

    Labels that IDNA refuses (underscores, hostile junk) are kept lower-cased as given, so a
    strange host is still recorded rather than dropped.
    """
    host = host.strip().rstrip(".").lower()
    if is_ip(host):
        return host.strip("[]")
    if host.isascii():
        return host
    labels = []
    for label in host.split("."):
        if label.isascii():
            labels.append(label)
            continue
        try:
            labels.append(idna.encode(label, uts46=True).decode("ascii"))
        except idna.IDNAError:
            logger.debug("label %r is not valid IDNA, kept as is", label)
            labels.append(label)
    return ".".join(labels)


def to_unicode(host: str) -> str:
    """U-label form for display and for parsers keyed on Unicode suffixes (`.中国`)."""
    labels = []
    for label in to_ascii(host).split("."):
        if label.startswith("xn--"):
            try:
                labels.append(idna.decode(label))
                continue
            except idna.IDNAError:
                pass
        labels.append(label)
    return ".".join(labels)


def split_host(host: str) -> tuple[str, str, str]:
    """(subdomain, domain label, public suffix) in A-label form; an IP is ("", ip, "")."""
    ascii_host = to_ascii(host)
    if is_ip(ascii_host):
        return "", ascii_host, ""
    parts = _extractor()(ascii_host)
    return parts.subdomain, parts.domain, parts.suffix


def registrable_domain(host: str) -> str:
    """The registrable domain of `host` (`cx.mem.gov.cn` → `mem.gov.cn`), lower-case A-labels.

    An IP address is returned as itself; a name without a known suffix (`localhost`,
    `intranet`) is returned whole.
    """
    ascii_host = to_ascii(host)
    if is_ip(ascii_host):
        return ascii_host
    _, domain, suffix = split_host(ascii_host)
    if domain and suffix:
        return f"{domain}.{suffix}"
    return ascii_host
