"""Parse a captured page once into the structure the page detectors reason about.

The parse is bounded: hostile pages can be many megabytes, so HTML and text are capped
before anything quadratic (fuzzy matching, regexes) sees them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

log = logging.getLogger(__name__)

#: HTML beyond this is ignored (a real query page is < 200 kB)
MAX_HTML_CHARS = 1_000_000
#: visible text beyond this is ignored by every text check
MAX_TEXT_CHARS = 20_000
_MAX_ELEMENTS = 20_000

_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "svg"}
_HEADING_TAGS = {"h1", "h2", "h3", "header"}
_HEADER_HINT = re.compile(
    r"header|logo|banner|title|brand|masthead|navbar|(?:^|[-_ ])(?:head|top|nav|hd)(?:[-_ ]|$)|^top|top$",
    re.I,
)
_FIELD_TAGS = {"input", "select", "textarea"}
_LABEL_TAGS = {"th", "td", "dt", "dd", "label", "span", "div", "p", "li", "b", "strong"}
_WS = re.compile(r"\s+")
#: tables kept with their rows (a roster's header row and its people), bounded
_MAX_TABLES = 20
_MAX_ROWS = 60
_MAX_CELLS = 16
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)


@dataclass(frozen=True)
class FormField:
    """One input/select/textarea: everything that describes it, joined as text."""

    describe: str
    form_action: str | None  # resolved absolute URL; None: not inside a <form>
    input_type: str


@dataclass(frozen=True)
class Link:
    href: str  # absolute
    text: str
    host: str = ""  # of href, lower-case: read once here, compared by every target's checks


@dataclass(frozen=True)
class Dom:
    """What one page shows, structurally."""

    title: str
    #: h1-h3 and short texts of header/logo/banner elements: where a site names itself
    headings: tuple[str, ...]
    #: alt/title of images (logos say who the site claims to be)
    image_alts: tuple[str, ...]
    fields: tuple[FormField, ...]
    links: tuple[Link, ...]
    script_srcs: tuple[str, ...]
    #: (tag, attribute, value) of script attributes worth keeping (the 找错 widget's sitecode)
    script_attrs: tuple[tuple[str, str], ...]
    #: short texts of table cells, labels and leaf elements: the labels of a result table
    labels: tuple[str, ...]
    text: str
    parsed: bool
    error: str | None = None
    #: each <table>'s rows as the texts of their cells (th/td), bounded: a roster's header
    #: row names its columns, a record's rows pair a label with its value
    tables: tuple[tuple[tuple[str, ...], ...], ...] = ()
    #: <meta name="SiteName"> (government sites' page metadata): the site's own name
    site_name: str = ""


def clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


def squash(text: str) -> str:
    """Text without any whitespace: Chinese copies differ mainly in spacing."""
    if len(text) <= _SHORT:
        return _squash_short(text)
    if len(text) <= MAX_TEXT_CHARS + 200:
        return _squash_long(text)
    return _squash(text)


def _squash(text: str) -> str:
    return _WS.sub("", text)


#: every target's checks squash the same page's headings, labels and text in turn, and the
#: same reference captures for every page: remember them (the long ones few, they are large)
_SHORT = 200
_squash_short = lru_cache(maxsize=8192)(_squash)
_squash_long = lru_cache(maxsize=64)(_squash)


def _attr(el: Any, name: str) -> str:
    value = el.get(name)
    return str(value) if value is not None else ""


def _own_text(el: Any) -> str:
    return clean(" ".join(str(t) for t in el.itertext()))[:200]


def parse(html: str, base_url: str, fallback_text: str = "", fallback_title: str = "") -> Dom:
    """Parse rendered (or raw) HTML; never raises, records why when it cannot parse."""
    return _parse_cached(html[:MAX_HTML_CHARS], base_url, fallback_text, fallback_title)


@lru_cache(maxsize=32)
def _parse_cached(html: str, base_url: str, fallback_text: str, fallback_title: str) -> Dom:
    empty = Dom(
        title=clean(fallback_title),
        headings=(),
        image_alts=(),
        fields=(),
        links=(),
        script_srcs=(),
        script_attrs=(),
        labels=(),
        text=clean(fallback_text)[:MAX_TEXT_CHARS],
        parsed=False,
    )
    if not html.strip():
        return Dom(**{**empty.__dict__, "error": "empty HTML"})
    try:
        root = lxml.html.document_fromstring(_XML_DECL.sub("", html))
    except (lxml.etree.ParserError, ValueError) as exc:
        log.debug("unparseable HTML at %s: %s", base_url, exc)
        return Dom(**{**empty.__dict__, "error": f"unparseable HTML: {exc}"})
    return _walk(root, base_url, fallback_text, fallback_title)


def _walk(root: Any, base_url: str, fallback_text: str, fallback_title: str) -> Dom:
    title_el = root.find(".//title")
    title = clean(title_el.text_content()) if title_el is not None else ""
    headings: list[str] = []
    alts: list[str] = []
    fields: list[FormField] = []
    links: list[Link] = []
    script_srcs: list[str] = []
    script_attrs: list[tuple[str, str]] = []
    labels: list[str] = []
    texts: list[str] = []
    text_len = 0

    # whether each element is (inside) a script, style, head ...: the walk is in document
    # order, so an element's parent is always known before it
    skipped: dict[Any, bool] = {}
    for count, el in enumerate(root.iter()):
        if count > _MAX_ELEMENTS:
            break
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        parent = el.getparent()
        in_skipped = parent is not None and skipped.get(parent, False)
        skipped[el] = in_skipped or tag in _SKIP_TAGS
        if text_len < MAX_TEXT_CHARS and el.tail and el.tail.strip():
            if not in_skipped:
                texts.append(el.tail.strip())
                text_len += len(el.tail)
        if tag == "script":
            src = _attr(el, "src")
            if src:
                script_srcs.append(urljoin(base_url, src))
            sitecode = _attr(el, "sitecode")
            if sitecode:
                script_attrs.append(("sitecode", sitecode))
            continue
        if not tag or skipped[el]:
            continue
        if tag in _HEADING_TAGS or _HEADER_HINT.search(_attr(el, "class") + " " + _attr(el, "id")):
            text = _own_text(el)
            if text and len(text) <= 80:
                headings.append(text)
        if tag == "img":
            for name in ("alt", "title"):
                if _attr(el, name).strip():
                    alts.append(clean(_attr(el, name)))
        elif tag == "a":
            href = _attr(el, "href").strip()
            if href and not href.lower().startswith(("javascript:", "#", "mailto:")):
                try:
                    absolute = urljoin(base_url, href)
                    links.append(Link(absolute, _own_text(el)[:80], host_of(absolute)))
                except ValueError:  # "http://[::1": a broken href is no link, not a failure
                    pass
        elif tag in _FIELD_TAGS:
            fields.append(_field(el, base_url))
        if tag in _LABEL_TAGS and len(el) == 0:
            text = clean(el.text_content())
            if 0 < len(text) <= 40:
                labels.append(text.rstrip("：: "))
        if text_len < MAX_TEXT_CHARS and el.text and el.text.strip():
            texts.append(el.text.strip())
            text_len += len(el.text)
    text = clean(" ".join(texts)) or clean(fallback_text)
    return Dom(
        tables=_tables(root),
        site_name=_site_name(root),
        title=title or clean(fallback_title),
        headings=tuple(dict.fromkeys(headings)),
        image_alts=tuple(dict.fromkeys(alts)),
        fields=tuple(fields),
        links=tuple(links),
        script_srcs=tuple(script_srcs),
        script_attrs=tuple(script_attrs),
        labels=tuple(labels),
        text=text[:MAX_TEXT_CHARS],
        parsed=True,
    )


def _site_name(root: Any) -> str:
    for meta in root.iter("meta"):
        if _attr(meta, "name").strip().lower() == "sitename":
            return clean(_attr(meta, "content"))[:80]
    return ""


def _tables(root: Any) -> tuple[tuple[tuple[str, ...], ...], ...]:
    out: list[tuple[tuple[str, ...], ...]] = []
    visited = 0
    for table in root.iter("table"):
        if len(out) >= _MAX_TABLES:
            break
        rows: list[tuple[str, ...]] = []
        for tr in table.iter("tr"):
            visited += 1
            if len(rows) >= _MAX_ROWS or visited > _MAX_ELEMENTS:
                break
            # the rows of this table, not of a table nested in one of its cells
            parent = tr.getparent()
            while parent is not None and parent.tag != "table":
                parent = parent.getparent()
            if parent is not table:
                continue
            cells = tuple(
                clean(cell.text_content())[:40]
                for cell in tr
                if isinstance(cell.tag, str) and cell.tag.lower() in ("th", "td")
            )[:_MAX_CELLS]
            if cells:
                rows.append(cells)
        if rows:
            out.append(tuple(rows))
    return tuple(out)


def _field(el: Any, base_url: str) -> FormField:
    parts = [
        _attr(el, name)
        for name in ("placeholder", "name", "id", "aria-label", "title", "class", "value")
    ]
    parent = el.getparent()
    if parent is not None:
        # The label of a field is usually its parent's or previous sibling's text.
        parent_text = _own_text(parent)
        if len(parent_text) <= 24:
            parts.append(parent_text)
        prev = el.getprevious()
        if prev is not None:
            parts.append(_own_text(prev)[:40])
    form = el
    while form is not None and (not isinstance(form.tag, str) or form.tag.lower() != "form"):
        form = form.getparent()
    action: str | None = None
    if form is not None:
        action = urljoin(base_url, _attr(form, "action").strip())
    if el.tag == "select":
        parts.extend(_own_text(opt) for opt in el.findall(".//option")[:5])
    return FormField(
        describe=clean(" ".join(p for p in parts if p)),
        form_action=action,
        input_type=_attr(el, "type").lower() or str(el.tag).lower(),
    )


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")
