"""crawler.plain.title_and_text reads lxml directly; its output must be parsel's, byte for byte."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, JsonResponse, TextResponse, XmlResponse
from scrapy.selector import Selector

from crawler.plain import read_text, title_and_text
from simworld.generate import generate
from simworld.world import SimRequest

SITES = Path(__file__).resolve().parents[1] / "simworld" / "world" / "sites"
_XPATH = (
    "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
)


def parsel_title_and_text(selector: Selector | TextResponse) -> tuple[str, str]:
    """The implementation before: one parsel Selector per text node."""
    title = (selector.xpath("//title/text()").get() or "").strip()
    nodes = selector.xpath(_XPATH).getall()
    return title, "\n".join(n.strip() for n in nodes if n.strip())


def _hostile() -> Iterator[tuple[str, bytes, str]]:
    """(name, body, content type) of awkward inputs."""
    rng = random.Random(7)
    yield "empty", b"", "text/html"
    yield "blank", b" \n\t \r\n", "text/html"
    yield "nul only", b"\x00\x00", "text/html"
    yield "nul inside", b"<title>a\x00b</title><body>x\x00y</body>", "text/html"
    yield "binary", bytes(rng.randrange(256) for _ in range(4096)), "text/html"
    yield "binary latin-1", bytes(rng.randrange(1, 256) for _ in range(4096)), "text/html"
    yield "bad utf-8", b"<title>\xff\xfe\xe4\xb8</title><body>\xc3\x28 ok \xa0</body>", "text/html"
    yield (
        "gbk",
        "<title>查询</title><body>验证码 证书</body>".encode("gbk"),
        "text/html; charset=gbk",
    )
    yield "bom", b"\xef\xbb\xbf<title>t</title><body>b</body>", "text/html"
    yield "utf-16", "<title>t</title><body>中</body>".encode("utf-16"), "text/html; charset=utf-16"
    yield (
        "nested hidden",
        b"<html><head><title> T </title><script>var a='<p>x</p>'</script></head><body>"
        b"<p>shown<script>hidden()<style>.h{}</style></script>"
        b"<noscript><div>no<span>script</span></div></noscript><style>p{}</style>"
        b"<svg><style>x{}</style><text>svg text</text></svg>tail</p></body></html>",
        "text/html",
    )
    yield (
        "comments and cdata",
        b"<title><!-- c -->T<![CDATA[d]]></title><body><!-- hidden --><![CDATA[cdata]]>"
        b"<p>a<!-- b -->c</p><?pi x?></body>",
        "text/html",
    )
    yield "many titles", b"<title></title><title> second </title><body><title>in body</title>", ""
    yield "no body", b"<html><head><title>t</title></head></html>text after", "text/html"
    yield "frameset", b"<frameset><frame src=a></frameset><noframes>nf</noframes>", "text/html"
    yield "unicode spaces", "<body>\u3000全角\u3000<p>\xa0</p>\u2028x\u200b</body>".encode(), ""
    yield "entities", b"<title>&lt;&amp;&#20013;&nbsp;</title><body>&copy; &bogus; &#0;</body>", ""
    deep = b"<div>" * 5000 + b"deep" + b"</div>" * 5000
    yield "deep", b"<body>" + deep + b"</body>", "text/html"
    huge = b"".join(b"<p>line %d \xe4\xb8\xad</p>" % i for i in range(20_000))
    yield "many nodes", b"<title>h</title><body>" + huge + b"</body>", "text/html"
    yield "long text node", b"<body>" + b"x" * 12_000_000 + b"</body>", "text/html"
    yield "json object", b'{"title": "<title>x</title>", "a": [1, 2]}', "application/json"
    yield "json scalar", b'"<b>quoted</b>"', "text/plain"
    yield "xml", b'<?xml version="1.0"?><rss><title>r</title><body>b</body></rss>', "text/xml"
    yield (
        "xhtml",
        b'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
        b"<head><title>x</title></head><body><p>b</p></body></html>",
        "application/xhtml+xml",
    )
    yield "broken xml", b"<?xml version='1.0'?><a><b>unclosed<c>&x;</a>", "application/xml"
    yield "plain text", b"just words, no markup\nsecond line", "text/plain"
    yield "javascript", b"document.write('<title>js</title><body>w</body>')", "text/javascript"


def _bundled() -> Iterator[tuple[str, bytes, str]]:
    for path in sorted(SITES.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".htm", ".js", ".css", ".json", ".txt"):
            yield str(path.relative_to(SITES)), path.read_bytes(), ""


def _generated() -> Iterator[tuple[str, bytes, str]]:
    world = generate(2026, "heldout", 300).world
    for site in world.sites.values():
        resp = world.respond(SimRequest("GET", "https", site.hosts[0], "/", {}, {}))
        if resp != "HANG" and resp.stream is None:
            yield site.hosts[0], resp.body, resp.header("content-type") or ""


def _responses(body: bytes, ctype: str) -> Iterator[TextResponse]:
    headers = {"Content-Type": ctype} if ctype else {}
    for cls in (HtmlResponse, TextResponse, XmlResponse, JsonResponse):
        yield cls(url="https://example.com/a/", body=body, headers=headers)


def _outcome(read: object, arg: Selector | TextResponse) -> object:
    try:
        return read(arg)  # type: ignore[operator]
    except ValueError as exc:  # parsel refuses XPath on a JSON selector: so must we
        return ("raised", type(exc), str(exc))


def _check(body: bytes, ctype: str) -> int:
    checked = 0
    for response in _responses(body, ctype):
        old = _outcome(parsel_title_and_text, response.replace())
        assert _outcome(title_and_text, response.replace()) == old
        checked += 1
    text = body.decode("utf-8", "replace")
    for kind in (None, "html", "xml", "text"):
        old = _outcome(parsel_title_and_text, Selector(text=text, type=kind))
        assert _outcome(title_and_text, Selector(text=text, type=kind)) == old
        checked += 1
    return checked


@pytest.mark.parametrize("name, body, ctype", list(_hostile()), ids=lambda v: str(v)[:20])
def test_hostile_inputs_read_as_parsel_reads_them(name: str, body: bytes, ctype: str) -> None:
    assert _check(body, ctype)


def test_bundled_world_pages_read_as_parsel_reads_them() -> None:
    pages = list(_bundled())
    assert len(pages) > 90
    assert sum(_check(body, ctype) for _, body, ctype in pages) > 700


def test_generated_world_pages_read_as_parsel_reads_them() -> None:
    pages = list(_generated())
    assert len(pages) > 250
    for _, body, ctype in pages:
        _check(body, ctype)
    # and the texts are real ones, not two empty strings agreeing
    texts = [title_and_text(HtmlResponse("https://x.cn/", body=b)) for _, b, _ in pages[:50]]
    assert sum(bool(title) and len(text) > 50 for title, text in texts) > 25


def test_read_text_keeps_its_gates() -> None:
    assert read_text(HtmlResponse("https://x.cn/", body=b"<body>a\x00b</body>")) == ("", "", "")
    raw, title, text = read_text(HtmlResponse("https://x.cn/", body=b"<title>t</title>b"))
    assert (raw, title, text) == ("<title>t</title>b", "t", "b")


def test_a_page_served_as_json_is_read_as_html_not_lost() -> None:
    """A copy that lies in its Content-Type (application/json) or whose body parses as JSON
    is still read: title and text as a browser shows them, never an exception."""
    from crawler.plain import read_text

    html = (
        b"<html><head><title>\xe6\x9f\xa5\xe8\xaf\xa2</title></head><body><p>ok</p></body></html>"
    )
    for body, ctype in ((html, "application/json"), (b'{"a": "<p>x</p>"}', "text/plain")):
        response = TextResponse(
            url="https://example.com/", body=body, headers={"Content-Type": ctype}
        )
        raw, title, text = read_text(response)
        assert raw == body.decode()
        if body is html:
            assert (title, text) == ("查询", "ok")
    assert read_text(JsonResponse(url="https://example.com/", body=html))[1] == "查询"
