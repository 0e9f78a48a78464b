"""The one URL normaliser, and finding URLs and host names in free text (tips, seeds, pages).

Every input becomes `scheme://a-label-host[:port]/path?query` here, whoever reads it: the
spider, `check`, the sources.

Tips are typed on phones by the public: full-width punctuation (ｗｗｗ．ｘｘ．ｃｏｍ),
"点com" spelled out, 。 as a dot, brackets around dots to defang links. We normalise those
and keep only names with a real public suffix.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from core.netpath.domains import is_ip, split_host, to_ascii

_SEP = r"(?:\s*[点點。．]\s*|\s+dot\s+|\s*[\[(（【{]\s*(?:\.|点|dot)\s*[\])）】}]\s*)"
_SPELLED = re.compile(rf"(?i)([a-z0-9-]*[a-z][a-z0-9-]*){_SEP}(?=[a-z0-9])")
_DEFANGED = re.compile(r"(?i)h(?:xx|\*\*)p(s?)://")
_STOP = "\\s<>\"'，。；、）)」】《》"
# Paths are ASCII only: a Chinese sentence usually follows a link without a space.
_PATH = r"[!#-&(-;=?-~]*"
URL_RE = re.compile(rf"(?i)(?<![A-Za-z0-9])https?://[^{_STOP}/?#,]+(?:[/?]{_PATH})?")
HOST_RE = re.compile(
    rf"(?i)(?<![A-Za-z0-9_.@/-])((?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+[a-z][a-z0-9-]{{1,62}})"
    rf"(:\d{{1,5}})?(/{_PATH})?"
)
_ASCII_URL = re.compile(r"(?i)https?://[a-z0-9.-]+(?::\d{1,5})?")
_TRAILING = ".,;:!?'\")]}"
_HOST_OK = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")


class BadUrl(ValueError):
    """A string that is not a usable http(s) URL or host; the message is Chinese."""


def normalise_text(text: str) -> str:
    """Full-width to ASCII and spelled-out dots to '.', so the regexes can see the names."""
    text = unicodedata.normalize("NFKC", text)
    text = _DEFANGED.sub(r"http\1://", text)
    for _ in range(8):  # www点cxmem点top needs one pass per dot
        new = _SPELLED.sub(r"\1.", text)
        if new == text:
            break
        text = new
    return text


@dataclass(frozen=True)
class FoundUrl:
    url: str  # normalised: scheme://a-label-host[:port]/path?query
    raw: str  # as it appeared (after text normalisation)
    host: str


def normalise_url(raw: str) -> FoundUrl:
    """`raw` (a URL or a bare host[/path]) → FoundUrl, or BadUrl with a Chinese reason."""
    if any(c.isspace() for c in raw.strip()):
        raise BadUrl("网址中含有空白字符")
    text = unicodedata.normalize("NFKC", raw.strip()).rstrip(_TRAILING)
    if not text:
        raise BadUrl("空白网址")
    if "://" not in text:
        if re.match(r"(?i)^[a-z][a-z0-9+.-]*:", text) and not re.match(r"^[^:/]+:\d", text):
            scheme = text.split(":", 1)[0]
            raise BadUrl(f"不支持的网址类型「{scheme}」（只接受 http/https）")
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise BadUrl(f"网址格式错误（{exc}）") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BadUrl(f"不支持的网址类型「{scheme}」（只接受 http/https）")
    raw_host = parts.hostname or ""
    if not raw_host:
        raise BadUrl("网址中缺少主机名")
    host = to_ascii(raw_host)
    if not is_ip(host):
        labels = host.split(".")
        if len(host) > 253 or not all(_HOST_OK.match(lb) for lb in labels):
            raise BadUrl(f"主机名「{raw_host}」含有非法字符")
        _, domain, suffix = split_host(host)
        if not domain or not suffix:
            raise BadUrl(f"主机名「{raw_host}」没有有效的顶级域名")
    netloc = host if port is None else f"{host}:{port}"
    if ":" in host:
        netloc = f"[{host}]" if port is None else f"[{host}]:{port}"
    url = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    return FoundUrl(url, raw.strip(), host)


def find_urls(text: str) -> list[FoundUrl]:
    """Every http(s) URL and bare host name in free text, in order, without duplicates."""
    text = normalise_text(text)
    found: dict[str, FoundUrl] = {}
    spans: list[tuple[int, int]] = []
    for m in URL_RE.finditer(text):
        f: FoundUrl | None
        try:
            f = normalise_url(m.group(0))
        except BadUrl:
            # "http://cx-mem-gov.cn查询": keep the ASCII host a sentence ran into
            prefix = _ASCII_URL.match(m.group(0))
            try:
                f = normalise_url(prefix.group(0)) if prefix else None
            except BadUrl:
                f = None
            if f is None:
                continue
        spans.append(m.span())
        found.setdefault(f.url, f)
    for m in HOST_RE.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        try:
            f = normalise_url(m.group(0))
        except BadUrl:
            continue
        found.setdefault(f.url, f)
    return list(found.values())
