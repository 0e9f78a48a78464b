"""crawler.backpressure: downloads wait while the pipelines are behind (real Scrapy, loopback).

A slow item pipeline stands for scoring or storage that cannot keep up: without back-pressure
every fetched response waits in the scraper (a night: thousands, hundreds of MB); with it the
scraper holds at most the limit plus the downloads already under way, and every item still
arrives.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = 40
CONCURRENCY = 4

# Twisted's reactor runs once per process: each crawl is a child process.
_CRAWL = """
import asyncio, json, sys
import scrapy
from scrapy.crawler import CrawlerProcess

base, limit, pages, concurrency = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
seen = {"max": 0, "items": 0}

class Slow:
    def __init__(self, crawler):
        self.crawler = crawler
        self.lock = asyncio.Lock()  # one item at a time, as storage writes
    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)
    async def process_item(self, item):
        active = len(self.crawler.engine.scraper.slot.active)
        seen["max"] = max(seen["max"], active)
        async with self.lock:
            await asyncio.sleep(0.02)
        seen["items"] += 1
        return item

class Pages(scrapy.Spider):
    name = "pages"
    async def start(self):
        for i in range(pages):
            yield scrapy.Request(f"{base}/{i}", dont_filter=True)
    def parse(self, response):
        yield {"url": response.url}

process = CrawlerProcess({
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    "DOWNLOADER_MIDDLEWARES": {"crawler.backpressure.ScraperBacklogMiddleware": 40},
    "ZHENWEI_SCRAPER_BACKLOG": limit,
    "ITEM_PIPELINES": {"__main__.Slow": 100},
    "CONCURRENT_REQUESTS": concurrency,
    "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
})
crawler = process.create_crawler(Pages)
process.crawl(crawler)
process.start()
waits = crawler.stats.get_value("zhenwei/backpressure/waits", 0)
print(json.dumps({**seen, "waits": waits}))
"""


class _Quick(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        body = b"<html><title>t</title><body>page</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Quick)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _crawl(base: str, limit: int) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", _CRAWL, base, str(limit), str(PAGES), str(CONCURRENCY)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_without_back_pressure_responses_pile_up_in_the_scraper(server: str) -> None:
    result = _crawl(server, 0)
    assert result["items"] == PAGES
    assert result["waits"] == 0
    assert result["max"] > 2 * (3 + CONCURRENCY)  # the pile-up the middleware bounds


def test_downloads_wait_while_the_scraper_holds_the_limit(server: str) -> None:
    result = _crawl(server, 3)
    assert result["items"] == PAGES  # nothing lost, nothing stuck
    assert result["waits"] > 0
    # the limit, plus downloads that were already under way when it was reached
    assert result["max"] <= 3 + CONCURRENCY


def test_the_crawl_enables_it_by_default() -> None:
    from scrapy.settings import Settings as ScrapySettings

    s = ScrapySettings()
    s.setmodule("crawler.settings")
    middlewares = s.getdict("DOWNLOADER_MIDDLEWARES")
    assert (
        middlewares["crawler.backpressure.ScraperBacklogMiddleware"]
        < middlewares["crawler.egress.EgressMiddleware"]
    )
    assert s.getint("ZHENWEI_SCRAPER_BACKLOG") == 32
