# Longer than 400 lines: the world's record types and World, which answers a request from them.
"""The simulated world: sites and domains loaded from files (format: WORLD.md), and how a
site answers one request. Pure data and pure functions: the servers live elsewhere.

Longer than 400 lines: the world format of WORLD.md and its request planner read together."""

from __future__ import annotations

import functools
import logging
import mimetypes
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import tldextract

log = logging.getLogger(__name__)

DEFAULT_ROOT = Path(__file__).parent / "world"
LABELS = ("official", "counterfeit", "seller", "parked", "benign", "infrastructure")
ENCODINGS = ("utf-8", "gbk", "gb2312", "gb18030")
TEXT_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "application/xml",
)
HANG: Literal["HANG"] = "HANG"


class WorldError(ValueError):
    """A site.toml or domains.toml does not follow WORLD.md."""


@dataclass(frozen=True)
class SimRequest:
    """One HTTP request as a site sees it."""

    method: str
    scheme: str
    host: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]  # keys lower-case
    body: bytes = b""
    raw_query: str = ""

    @property
    def user_agent(self) -> str:
        return self.headers.get("user-agent", "")


@dataclass(frozen=True)
class SimResponse:
    """A site's answer. `stream`, when set, yields the body instead of `body` (huge bodies)."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    stream: Callable[[], Iterator[bytes]] | None = None

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass(frozen=True)
class Route:
    path: str
    file: str | None = None
    body: bytes | None = None
    handler: str | None = None
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    encoding: str = "utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    redirect: str | None = None
    delay: float = 0.0
    hang: bool = False
    ua_contains: str = ""
    ua_not_contains: str = ""
    #: builds the body on demand (generated worlds: 10,000 sites never hold every page at once)
    render: Callable[[], bytes] | None = None

    def matches(self, req: SimRequest) -> bool:
        if not _path_matches(self.path, req.path, req.raw_query):
            return False
        ua = req.user_agent.lower()
        if self.ua_contains and not _any_in(self.ua_contains, ua):
            return False
        return not (self.ua_not_contains and _any_in(self.ua_not_contains, ua))


@dataclass(frozen=True)
class DnsRecords:
    a: tuple[str, ...] = ()
    aaaa: tuple[str, ...] = ()
    cname: tuple[str, ...] = ()
    ns: tuple[str, ...] = ()
    mx: tuple[str, ...] = ()
    txt: tuple[str, ...] = ()
    wildcard: bool = False


@dataclass(frozen=True)
class WhoisRecord:
    domain: str
    registrar: str = "Alibaba Cloud Computing (Beijing) Co., Ltd."
    created: datetime = datetime(2020, 1, 1, tzinfo=UTC)
    updated: datetime = datetime(2020, 1, 1, tzinfo=UTC)
    expires: datetime = datetime(2030, 1, 1, tzinfo=UTC)
    registrant: str = "REDACTED FOR PRIVACY"
    registrant_country: str = ""
    registrant_org: str = ""
    registrant_email: str = ""
    privacy: bool = False
    status: tuple[str, ...] = ("ok",)
    name_servers: tuple[str, ...] = ()
    registrar_whois_server: str = ""
    registrar_url: str = ""
    dnssec: str = "unsigned"


@dataclass(frozen=True)
class TlsSpec:
    valid: bool = True
    expired: bool = False
    names: tuple[str, ...] = ()
    issuer: str = "R11"


@dataclass(frozen=True)
class CtSpec:
    logged: datetime | None = None
    extra_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class SitePost:
    """A user's post on a platform site (a forum thread, a microblog post, a listing): it is
    labelled and indexed by search engines on its own; the platform itself is infrastructure."""

    path: str  # path + query of the post on its site
    label: str  # seller | benign
    klass: str
    search_terms: tuple[str, ...]
    note: str = ""
    gang: str = ""


@dataclass(frozen=True)
class Site:
    host: str
    aliases: tuple[str, ...]
    label: str
    categories: tuple[str, ...]
    variants: tuple[str, ...]
    template: str
    target: str
    entry: str
    schemes: tuple[str, ...]
    note: str
    discoverable_by: tuple[str, ...]
    search_terms: tuple[str, ...]
    dns: DnsRecords
    whois: WhoisRecord | None
    tls: TlsSpec | None
    ct: CtSpec
    routes: tuple[Route, ...]
    root: Path
    #: ground truth beside the label: the negative class or the positive kit (generated worlds)
    klass: str = ""
    #: the gang behind a counterfeit or seller (generated worlds; campaign ground truth)
    gang: str = ""
    #: what a search engine indexes the site under besides its title and text
    keywords: tuple[str, ...] = ()
    #: users' posts on a platform site, each labelled on its own
    posts: tuple[SitePost, ...] = ()

    @property
    def hosts(self) -> tuple[str, ...]:
        return (self.host, *self.aliases)

    def url(self) -> str:
        """The entry URL, with the FIRST scheme listed in `schemes` (authors choose)."""
        return f"{self.schemes[0]}://{self.host}{self.entry}"

    def post_url(self, post: SitePost) -> str:
        return f"{self.schemes[0]}://{self.host}{post.path}"

    def tls_names(self) -> tuple[str, ...]:
        if self.tls is None:
            return ()
        if self.tls.names:
            return self.tls.names
        names = list(self.hosts)
        if self.dns.wildcard:
            names.append("*." + registrable_domain(self.host))
        return tuple(names)

    def ct_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.tls_names(), *self.ct.extra_names)))


@dataclass(frozen=True)
class Domain:
    """A registered domain: from a site's [whois] or from domains.toml."""

    name: str
    label: str
    dns: DnsRecords | None
    whois: WhoisRecord | None
    sites: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    note: str = ""


# ---------------------------------------------------------------- names


@functools.cache
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def normalize_host(host: str) -> str:
    """Lower-case A-label form, without trailing dot or port."""
    host = host.strip().rstrip(".").lower()
    if host.startswith("["):
        return host
    if ":" in host:
        host = host.rsplit(":", 1)[0]
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def registrable_domain(host: str) -> str:
    """`a.b.example.com.cn` -> `example.com.cn` (public suffix list snapshot, offline)."""
    ext = _extractor()(normalize_host(host))
    return ext.top_domain_under_public_suffix or normalize_host(host)


def _any_in(alternatives: str, haystack: str) -> bool:
    """`a|b` means either; matching is case-insensitive."""
    return any(alt.strip().lower() in haystack for alt in alternatives.split("|") if alt.strip())


def _path_matches(pattern: str, path: str, raw_query: str) -> bool:
    if pattern == "*":
        return True
    if "?" in pattern:
        p_path, _, p_query = pattern.partition("?")
        return path == p_path and raw_query == p_query
    if pattern.endswith("*"):
        return path.startswith(pattern[:-1])
    return path == pattern


# ---------------------------------------------------------------- the world


class World:
    """Every site and registered domain of the simulated internet."""

    def __init__(
        self,
        sites: Iterable[Site],
        domains: Iterable[Domain] = (),
        root: Path | None = None,
        *,
        today: date | None = None,
    ):
        self.root = root
        #: the day a generated world was built for (its ages count from it); None: the real date
        self.today = today
        self.sites: dict[str, Site] = {}
        self._by_host: dict[str, Site] = {}
        for site in sites:
            self.sites[site.host] = site
            for h in site.hosts:
                self._by_host[h] = site
        self._domains: dict[str, Domain] = {}
        for site in self.sites.values():
            for h in site.hosts:
                reg = registrable_domain(h)
                old = self._domains.get(reg)
                whois = site.whois if site.whois and site.whois.domain == reg else None
                if old is None:
                    self._domains[reg] = Domain(reg, site.label, None, whois, (site.host,))
                else:
                    self._domains[reg] = Domain(
                        reg,
                        old.label,
                        old.dns,
                        old.whois or whois,
                        tuple(dict.fromkeys((*old.sites, site.host))),
                    )
        for dom in domains:
            old = self._domains.get(dom.name)
            if old is None:
                self._domains[dom.name] = dom
            else:
                self._domains[dom.name] = Domain(
                    dom.name,
                    old.label,
                    dom.dns,
                    dom.whois or old.whois,
                    old.sites,
                    dom.aliases,
                    dom.note,
                )
        # DNS names: site hosts first, then domains.toml names that no site claims.
        self._dns: dict[str, DnsRecords] = {h: s.dns for h, s in self._by_host.items()}
        for dom in self._domains.values():
            if dom.dns is not None:
                for name in (dom.name, *dom.aliases):
                    self._dns.setdefault(name, dom.dns)

    def site_for(self, host: str) -> Site | None:
        """The site answering for `host`: exact host or alias, else a wildcard parent."""
        host = normalize_host(host)
        site = self._by_host.get(host)
        if site is not None:
            return site
        parts = host.split(".")
        for i in range(1, len(parts) - 1):
            parent = ".".join(parts[i:])
            cand = self._by_host.get(parent)
            if cand is not None and cand.dns.wildcard:
                return cand
        return None

    def domains(self) -> Mapping[str, Domain]:
        """Registered domains: every site's registrable domain plus domains.toml entries."""
        return self._domains

    def dns_records(self, name: str) -> tuple[DnsRecords, bool] | None:
        """(records, exact) for a DNS name, following wildcards; None for NXDOMAIN."""
        name = normalize_host(name)
        if name in self._dns:
            return self._dns[name], True
        parts = name.split(".")
        for i in range(1, len(parts) - 1):
            rec = self._dns.get(".".join(parts[i:]))
            if rec is not None and rec.wildcard:
                return rec, False
        return None

    def whois_record(self, domain: str) -> WhoisRecord | None:
        dom = self._domains.get(normalize_host(domain))
        return dom.whois if dom else None

    def labels(self) -> dict[str, str]:
        """host -> label for every site host and alias, and labelled domains.toml names."""
        out = {d.name: d.label for d in self._domains.values() if d.label and not d.sites}
        for site in self.sites.values():
            for h in site.hosts:
                out[h] = site.label
        return out

    def post_labels(self) -> dict[str, SitePost]:
        """URL -> post for every user's post on a platform site."""
        return {s.post_url(p): p for s in self.sites.values() for p in s.posts}

    # ------------------------------------------------------------ answering

    def plan(self, req: SimRequest) -> tuple[float, SimResponse | Literal["HANG"]]:
        """(delay seconds, response or HANG) for a request to a known host."""
        site = self.site_for(req.host)
        if site is None:
            return 0.0, SimResponse(502, (("X-Simnet-Error", "unresolvable"),), b"")
        for route in site.routes:
            if route.matches(req):
                if route.hang:
                    return route.delay, HANG
                return route.delay, self._route_response(site, route, req)
        return 0.0, self._static(site, req.path)

    def respond(self, req: SimRequest) -> SimResponse | Literal["HANG"]:
        return self.plan(req)[1]

    def _route_response(self, site: Site, route: Route, req: SimRequest) -> SimResponse:
        extra = route.headers
        if route.handler:
            from simworld.handlers import resolve

            resp = resolve(route.handler)(req, self)
            return SimResponse(resp.status, resp.headers + extra, resp.body, resp.stream)
        if route.redirect:
            status = route.status if 300 <= route.status < 400 else 302
            return SimResponse(status, (("Location", route.redirect), *extra), b"")
        if route.render is not None:
            raw = route.render()
        elif route.file:
            resp = self._static(site, route.file.lstrip("/"), route.encoding)
            if resp.status == 404:
                return resp
            raw = resp.body
        else:
            raw = route.body or b""
        body = _reencode(raw, route.encoding)
        return SimResponse(route.status, (("Content-Type", route.content_type), *extra), body)

    def _static(self, site: Site, path: str, encoding: str = "utf-8") -> SimResponse:
        files = (site.root / "files").resolve()
        target = (files / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(files) or not target.is_file():
            return not_found()
        ctype = content_type(target.name, encoding)
        return SimResponse(200, (("Content-Type", ctype),), target.read_bytes())


def not_found() -> SimResponse:
    body = b"<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>"
    return SimResponse(404, (("Content-Type", "text/html"),), body)


def content_type(name: str, encoding: str = "utf-8") -> str:
    ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if ctype.startswith(TEXT_TYPES):
        return f"{ctype}; charset={encoding}"
    return ctype


def _reencode(raw: bytes, encoding: str) -> bytes:
    if encoding == "utf-8":
        return raw
    return raw.decode("utf-8").encode(encoding, errors="xmlcharrefreplace")
