"""Plain Scrapy fetches (no browser): the cloaking variants and the cheap triage stage.

Both read a response the same way (`read_text`), so a page's text does not depend on which
stage fetched it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from lxml import etree
from parsel import Selector
from scrapy.http import Response, TextResponse

from core.failures import Failure
from core.types import PageVariant
from crawler.warc import Exchange, cap_body

#: how Baidu's crawler announces itself: what a cloaking site shows search engines
CRAWLER_UA = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
#: content types worth reading; anything else stops at its headers (downloads)
TEXT_TYPES = ("text/", "html", "xml", "json", "javascript")
#: visible text: what a person reads, never scripts, styles or the no-script fallback
_TEXT_XPATH = (
    "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
)
# Compiled as parsel compiles them (no smart strings; parsel's one namespace a query without
# prefixes still carries), so that the strings are the ones Selector.xpath().getall() gives.
_NS = {"re": "http://exslt.org/regular-expressions"}
_TITLE = etree.XPath("//title/text()", namespaces=_NS, smart_strings=False)
_TEXT = etree.XPath(_TEXT_XPATH, namespaces=_NS, smart_strings=False)


def is_text_type(content_type: str) -> bool:
    return not content_type or any(t in content_type.lower() for t in TEXT_TYPES)


def title_and_text(selector: Selector | TextResponse) -> tuple[str, str]:
    """(title, visible text) of parsed HTML.

    The same strings as `selector.xpath(...).getall()`, read from the lxml tree directly:
    parsel wraps every text node in a Selector of its own (about 20 a page), which cost as
    much CPU as parsing the page. The tree is the response's own selector's, so its parser
    (HTML, or XML for an XmlResponse) and its type checks are parsel's.
    """
    sel = selector if isinstance(selector, Selector) else selector.selector
    root = sel.root
    if sel.type not in ("html", "xml") or not isinstance(root, etree._Element):
        # json (parsel raises), text (parsed anew as HTML) or no tree: parsel's own way
        return _title_and_text_parsel(sel)
    titles = _TITLE(root)
    title = str(titles[0]).strip() if titles else ""
    stripped = (str(n).strip() for n in _TEXT(root))
    return title, "\n".join(n for n in stripped if n)


def _title_and_text_parsel(sel: Selector) -> tuple[str, str]:
    title = (sel.xpath("//title/text()").get() or "").strip()
    nodes = sel.xpath(_TEXT_XPATH).getall()
    return title, "\n".join(n.strip() for n in nodes if n.strip())


def read_text(response: Response) -> tuple[str, str, str]:
    """(raw HTML, title, visible text) of a plain response; empty for binary bodies."""
    if not isinstance(response, TextResponse) or "\x00" in response.text:
        return "", "", ""
    selector: Selector = response.selector
    if selector.type == "json":
        # parsel reads an application/json body (or any text that parses as JSON) as JSON,
        # where XPath raises: read it as HTML, as a browser shows it (a fake may lie in its
        # Content-Type, and a page that cannot be read would be lost)
        selector = Selector(text=response.text, type="html")
    return (response.text, *title_and_text(selector))


def header_pairs(headers: Any) -> tuple[tuple[str, str], ...]:
    return tuple(
        (k.decode("latin-1"), v.decode("latin-1")) for k, values in headers.items() for v in values
    )


def variant_of(response: Response, label: str, user_agent: str) -> PageVariant:
    raw, title, text = read_text(response)
    return PageVariant(
        user_agent=user_agent,
        label=label,
        status=response.status,
        final_url=response.url,
        title=title,
        visible_text=text,
        raw_html=raw,
    )


def failed_variant(url: str, label: str, user_agent: str, failure: Failure) -> PageVariant:
    return PageVariant(
        user_agent=user_agent,
        label=label,
        status=None,
        final_url=url,
        title="",
        visible_text="",
        raw_html="",
        failure=failure,
    )


def exchange_of(response: Response, max_body: int, resource_type: str) -> Exchange:
    """The request/response pair of a plain fetch, for the WARC."""
    request = response.request
    assert request is not None
    body, truncated = cap_body(response.body, max_body)
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    return Exchange(
        url=response.url,
        method=request.method,
        request_headers=header_pairs(request.headers),
        request_body=request.body,
        started_at=datetime.now(UTC),
        status=response.status,
        reason=reason,
        response_headers=header_pairs(response.headers),
        body=body,
        truncated=truncated,
        resource_type=resource_type,
    )
