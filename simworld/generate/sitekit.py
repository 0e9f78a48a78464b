"""Small helpers every family uses to turn a spec into a `Site`: routes with lazy bodies,
the HTML skeleton, and `Piece` (a site plus the extra pages its class contributes)."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simworld.world import CtSpec, DnsRecords, Route, Site, TlsSpec, WhoisRecord

HTML = "text/html; charset=utf-8"
JS = "application/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"
PNG = "image/png"
JSON = "application/json;charset=UTF-8"
#: generated sites have no files on disk; every body comes from a route
NO_FILES = Path(__file__).parent / "no-files"


@dataclass(frozen=True)
class Piece:
    """A generated site, the extra paths labelled beside its entry, and how a user opens it."""

    site: Site
    extra: tuple[str, ...] = ()
    open_as: str = "link"  # link | qr (a phone scanning a certificate's QR code)


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _encoded(fn: Callable[..., str | bytes], args: tuple[Any, ...]) -> bytes:
    out = fn(*args)
    return out.encode("utf-8") if isinstance(out, str) else out


def lazy(fn: Callable[..., str | bytes], *args: Any) -> Callable[[], bytes]:
    """A body built when requested: `fn(*args)` must be a pure function of its arguments."""
    return functools.partial(_encoded, fn, args)


def const(body: str | bytes) -> Callable[[], bytes]:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return functools.partial(bytes, data)


def route(
    path: str,
    render: Callable[[], bytes],
    *,
    ctype: str = HTML,
    status: int = 200,
    encoding: str = "utf-8",
    ua_contains: str = "",
    ua_not_contains: str = "",
    headers: tuple[tuple[str, str], ...] = (),
    delay: float = 0.0,
) -> Route:
    if encoding != "utf-8" and ctype == HTML:
        ctype = f"text/html; charset={encoding}"
    return Route(
        path=path,
        render=render,
        content_type=ctype,
        status=status,
        encoding=encoding,
        ua_contains=ua_contains,
        ua_not_contains=ua_not_contains,
        headers=headers,
        delay=delay,
    )


def redirect(path: str, location: str, status: int = 302) -> Route:
    return Route(path=path, redirect=location, status=status)


def page(
    title: str,
    body: str,
    *,
    head: str = "",
    lang: str = "zh-CN",
    charset: str = "utf-8",
    body_attrs: str = "",
    viewport: bool = True,
) -> str:
    """An HTML document; `title` is escaped here, `body` and `head` are markup."""
    vp = (
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n' if viewport else ""
    )
    attrs = f" {body_attrs}" if body_attrs else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="{charset}">\n{vp}'
        f"<title>{esc(title)}</title>\n{head}</head>\n<body{attrs}>\n{body}\n</body>\n</html>\n"
    )


def make_site(
    host: str,
    *,
    label: str,
    klass: str,
    routes: tuple[Route, ...] | list[Route],
    dns: DnsRecords,
    whois: WhoisRecord | None,
    note: str,
    gang: str = "",
    variants: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    template: str = "",
    target: str = "",
    entry: str = "/",
    schemes: tuple[str, ...] = ("http",),
    tls: TlsSpec | None = None,
    ct: CtSpec | None = None,
    aliases: tuple[str, ...] = (),
    discoverable_by: tuple[str, ...] = (),
    search_terms: tuple[str, ...] = (),
    keywords: tuple[str, ...] = (),
) -> Site:
    if "https" in schemes and tls is None:
        raise ValueError(f"{host}: https without a TLS spec")
    return Site(
        host=host,
        aliases=aliases,
        label=label,
        categories=categories,
        variants=variants,
        template=template,
        target=target,
        entry=entry,
        schemes=schemes,
        note=note,
        discoverable_by=discoverable_by,
        search_terms=search_terms,
        dns=dns,
        whois=whois,
        tls=tls if "https" in schemes else None,
        ct=ct or CtSpec(),
        routes=tuple(routes),
        root=NO_FILES,
        klass=klass,
        gang=gang,
        keywords=keywords,
    )
