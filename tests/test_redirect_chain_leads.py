"""Every registrable domain of a redirect chain becomes a lead of the same site (issue 12,
item 4): an old gang domain whose only page is a 302 to the current one is the same fake."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from storage_pages import T0, open_repo, scored

from core.types import Candidate, RedirectHop
from pipelines.storage import RepositoryStore, chain_urls
from storage.repository import Repository


@pytest.fixture
def repo(database_url: str, tmp_path: Path) -> Iterator[Repository]:
    yield from open_repo(database_url, tmp_path)


def _redirected(verdict: str = "counterfeit"):  # type: ignore[no-untyped-def]
    base = scored("old-cxmem-gov.top", verdict=verdict)
    page = replace(
        base.page,
        url="http://old-cxmem-gov.top/",
        final_url="https://x7k2q.icu/cx",
        redirects=(
            RedirectHop("http://old-cxmem-gov.top/", 302, "http://www.older-mem.cc/"),
            RedirectHop("http://www.older-mem.cc/", 301, "https://x7k2q.icu/cx"),
            RedirectHop("https://x7k2q.icu/", 302, "https://x7k2q.icu/cx"),
        ),
    )
    return replace(base, page=page)


def test_chain_urls_one_per_other_registrable_domain() -> None:
    assert chain_urls(_redirected().page) == ["http://www.older-mem.cc/", "https://x7k2q.icu/"]


def test_flagged_page_records_a_lead_for_every_chain_domain(repo: Repository) -> None:
    hit = Candidate(
        url="http://old-cxmem-gov.top/", source="permutations", found_at=T0, target="mem"
    )
    RepositoryStore(repo, None).store(_redirected(), [hit])
    for host in ("old-cxmem-gov.top", "www.older-mem.cc", "x7k2q.icu"):
        lead = repo.leads.by_host(host)
        assert lead is not None and lead.verdict == "counterfeit", host
    # a benign page that redirects elsewhere makes no lead of its target
    RepositoryStore(repo, None).store(
        replace(
            _redirected("benign"),
            page=replace(
                _redirected().page,
                url="http://shop.example.com/",
                final_url="https://mall.example.net/",
                redirects=(
                    RedirectHop("http://shop.example.com/", 302, "https://mall.example.net/"),
                ),
            ),
        ),
        [],
    )
    assert repo.leads.by_host("mall.example.net") is None
