"""Loading a world from files (format: WORLD.md): site.toml per site, domains.toml."""

from __future__ import annotations

import functools
import logging
import tomllib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from simworld.world import (
    DEFAULT_ROOT,
    ENCODINGS,
    LABELS,
    CtSpec,
    DnsRecords,
    Domain,
    Route,
    Site,
    SitePost,
    TlsSpec,
    WhoisRecord,
    World,
    WorldError,
    content_type,
    normalize_host,
    registrable_domain,
)

log = logging.getLogger(__name__)

SITE_KEYS = {
    "host",
    "aliases",
    "label",
    "categories",
    "variants",
    "template",
    "target",
    "entry",
    "schemes",
    "note",
    "discoverable_by",
    "search_terms",
    "dns",
    "whois",
    "tls",
    "ct",
    "routes",
    "posts",
}
POST_KEYS = {"path", "label", "class", "search_terms", "note", "gang"}
POST_LABELS = ("seller", "benign")
ROUTE_KEYS = {f for f in Route.__dataclass_fields__}
DNS_KEYS = set(DnsRecords.__dataclass_fields__)
WHOIS_KEYS = set(WhoisRecord.__dataclass_fields__) - {"domain"}
TLS_KEYS = set(TlsSpec.__dataclass_fields__)
CT_KEYS = set(CtSpec.__dataclass_fields__)
DOMAIN_KEYS = {"name", "aliases", "label", "note", "dns", "whois"}


def _when(value: Any, where: str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        try:
            return _when(datetime.fromisoformat(value.replace("Z", "+00:00")), where)
        except ValueError:
            pass
    raise WorldError(f"{where}: {value!r} is not an ISO 8601 date")


def _strs(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    val = table.get(key, [])
    if isinstance(val, str) or not all(isinstance(v, str) for v in val):
        raise WorldError(f"{where}: {key} must be a list of strings")
    return tuple(val)


def _check_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(table) - allowed
    if unknown:
        raise WorldError(f"{where}: unknown keys {sorted(unknown)}")


def _dns(table: Mapping[str, Any], where: str) -> DnsRecords:
    _check_keys(table, DNS_KEYS, where)
    return DnsRecords(
        **{k: _strs(table, k, where) for k in ("a", "aaaa", "cname", "ns", "mx", "txt")},
        wildcard=bool(table.get("wildcard", False)),
    )


def _whois(table: Mapping[str, Any], domain: str, where: str) -> WhoisRecord:
    _check_keys(table, WHOIS_KEYS, where)
    kw: dict[str, Any] = {}
    for k, v in table.items():
        if k in ("created", "updated", "expires"):
            kw[k] = _when(v, f"{where}.{k}")
        elif k in ("status", "name_servers"):
            kw[k] = _strs(table, k, where)
        elif k == "privacy":
            kw[k] = bool(v)
        else:
            kw[k] = str(v)
    if "updated" not in kw and "created" in kw:
        kw["updated"] = kw["created"]
    return WhoisRecord(domain=domain, **kw)


def _route(table: Mapping[str, Any], root: Path, where: str) -> Route:
    _check_keys(table, ROUTE_KEYS, where)
    if "path" not in table:
        raise WorldError(f"{where}: route without path")
    encoding = str(table.get("encoding", "utf-8")).lower()
    if encoding not in ENCODINGS:
        raise WorldError(f"{where}: encoding {encoding!r} not in {ENCODINGS}")
    file = table.get("file") or None
    if file and not (root / "files" / file).is_file():
        raise WorldError(f"{where}: file {file!r} missing under files/")
    handler = table.get("handler") or None
    if handler and (":" not in handler or handler.count(":") != 1):
        raise WorldError(f"{where}: handler {handler!r} is not 'module:function'")
    default_ct = content_type(file, encoding) if file else f"text/html; charset={encoding}"
    body = table.get("body")
    return Route(
        path=str(table["path"]),
        file=file,
        body=body.encode("utf-8") if isinstance(body, str) else None,
        handler=handler,
        status=int(table.get("status", 200)),
        content_type=str(table.get("content_type") or default_ct),
        encoding=encoding,
        headers=tuple((str(k), str(v)) for k, v in dict(table.get("headers", {})).items()),
        redirect=table.get("redirect") or None,
        delay=float(table.get("delay", 0.0)),
        hang=bool(table.get("hang", False)),
        ua_contains=str(table.get("ua_contains", "")),
        ua_not_contains=str(table.get("ua_not_contains", "")),
    )


def load_site(root: Path) -> Site:
    """Parse and check one `sites/<host>/` directory."""
    where = str(root / "site.toml")
    try:
        data = tomllib.loads((root / "site.toml").read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorldError(f"{where}: {exc}") from exc
    _check_keys(data, SITE_KEYS, where)
    host = str(data.get("host", ""))
    if host != root.name or host != normalize_host(host):
        raise WorldError(
            f"{where}: host {host!r} must equal the directory name, lower-case A-labels"
        )
    label = data.get("label", "")
    if label not in LABELS:
        raise WorldError(f"{where}: label {label!r} not in {LABELS}")
    schemes = _strs(data, "schemes", where) or ("http",)
    if not set(schemes) <= {"http", "https"}:
        raise WorldError(f"{where}: schemes must be http/https")
    aliases = tuple(normalize_host(a) for a in _strs(data, "aliases", where))
    tls = None
    if "https" in schemes:
        t = data.get("tls", {})
        _check_keys(t, TLS_KEYS, where + " [tls]")
        tls = TlsSpec(
            valid=bool(t.get("valid", True)),
            expired=bool(t.get("expired", False)),
            names=_strs(t, "names", where),
            issuer=str(t.get("issuer", "R11")),
        )
    elif "tls" in data:
        raise WorldError(f"{where}: [tls] without https in schemes")
    c = data.get("ct", {})
    _check_keys(c, CT_KEYS, where + " [ct]")
    ct = CtSpec(
        logged=_when(c["logged"], where) if "logged" in c else None,
        extra_names=_strs(c, "extra_names", where),
    )
    whois = None
    if "whois" in data:
        whois = _whois(data["whois"], registrable_domain(host), where + " [whois]")
    entry = str(data.get("entry", "/"))
    if not entry.startswith("/"):
        raise WorldError(f"{where}: entry must start with /")
    routes = tuple(
        _route(r, root, f"{where} routes[{i}]") for i, r in enumerate(data.get("routes", []))
    )
    posts = tuple(_post(p, f"{where} posts[{i}]") for i, p in enumerate(data.get("posts", [])))
    return Site(
        host=host,
        aliases=aliases,
        label=label,
        categories=_strs(data, "categories", where),
        variants=_strs(data, "variants", where),
        template=str(data.get("template", "")),
        target=str(data.get("target", "")),
        entry=entry,
        schemes=schemes,
        note=str(data.get("note", "")),
        discoverable_by=_strs(data, "discoverable_by", where),
        search_terms=_strs(data, "search_terms", where),
        dns=_dns(data.get("dns", {}), where + " [dns]"),
        whois=whois,
        tls=tls,
        ct=ct,
        routes=routes,
        root=root,
        posts=posts,
    )


def _post(table: Mapping[str, Any], where: str) -> SitePost:
    """One `[[posts]]` table: a user's post on a platform site (served by the site's routes)."""
    _check_keys(table, POST_KEYS, where)
    path = str(table.get("path", ""))
    if not path.startswith("/"):
        raise WorldError(f"{where}: path must start with /")
    label = str(table.get("label", ""))
    if label not in POST_LABELS:
        raise WorldError(f"{where}: label {label!r} not in {POST_LABELS}")
    return SitePost(
        path=path,
        label=label,
        klass=str(table.get("class", "")),
        search_terms=_strs(table, "search_terms", where),
        note=str(table.get("note", "")),
        gang=str(table.get("gang", "")),
    )


def load_domains(path: Path) -> list[Domain]:
    """domains.toml: `[[domains]]` tables with name, aliases, label, note, [domains.dns] and
    [domains.whois] (same keys as in site.toml); `["example.com"]` tables work too."""
    if not path.exists():
        return []
    where = str(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorldError(f"{where}: {exc}") from exc
    tables: list[tuple[str, dict[str, Any]]] = []
    for key, value in data.items():
        if key in ("domains", "domain") and isinstance(value, list):
            tables += [(str(d.get("name", "")), d) for d in value]
        elif isinstance(value, dict) and "." in key:  # also accepted: ["example.com"] tables
            tables.append((key, value))
        else:
            raise WorldError(
                f"{where}: unexpected {key!r}; expected [[domains]] tables with a name"
            )
    out = []
    for i, (raw_name, d) in enumerate(tables):
        w = f"{where} domains[{i}]"
        _check_keys(d, DOMAIN_KEYS, w)
        name = normalize_host(raw_name)
        if not name:
            raise WorldError(f"{w}: no name")
        label = str(d.get("label", ""))
        if label and label not in LABELS:
            raise WorldError(f"{w}: label {label!r} not in {LABELS}")
        out.append(
            Domain(
                name=name,
                label=label,
                dns=_dns(d["dns"], w + " [dns]") if "dns" in d else None,
                whois=_whois(d["whois"], name, w + " [whois]") if "whois" in d else None,
                aliases=tuple(normalize_host(a) for a in _strs(d, "aliases", w)),
                note=str(d.get("note", "")),
            )
        )
    return out


def load_world(root: Path | None = None) -> World:
    """Load `root/sites/*/site.toml` and `root/domains.toml`; raise WorldError on any problem."""
    root = DEFAULT_ROOT if root is None else root
    sites = []
    sites_dir = root / "sites"
    for d in sorted(sites_dir.iterdir()) if sites_dir.is_dir() else []:
        if not d.is_dir():
            continue
        if not (d / "site.toml").exists():
            log.warning("Skipping %s: no site.toml", d)
            continue
        sites.append(load_site(d))
    seen: dict[str, str] = {}
    for s in sites:
        for h in s.hosts:
            if h in seen:
                raise WorldError(f"host {h} claimed by both {seen[h]} and {s.host}")
            seen[h] = s.host
    return World(sites, load_domains(root / "domains.toml"), root)


@functools.cache
def default_world() -> World:
    return load_world()
