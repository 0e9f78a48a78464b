"""`repo.campaigns` against real SQLite and PostgreSQL: leads grouped by shared infrastructure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from storage_pages import T0, open_repo, png, scored

from core.failures import Failure, FailureKind
from storage.repository import Repository


@pytest.fixture
def repo(database_url: str, tmp_path: Path) -> Iterator[Repository]:
    yield from open_repo(database_url, tmp_path)


def test_campaigns_group_shared_infrastructure(repo: Repository) -> None:
    record = repo.leads.record
    a = record(scored("a-zscx.com", ips=("47.242.10.21",)), run_id=None).id
    b = record(
        scored("b-zscx.com", ips=("47.242.10.21", "8.210.3.4"), favicon=png(3)), run_id=None
    ).id
    c = record(scored("c-zscx.top", ips=("103.1.1.1",), favicon=png(3)), run_id=None).id
    lone = record(scored("lone.xyz", ips=("45.9.9.9",), registrant="张三"), run_id=None).id
    # benign sites sharing a host with a counterfeit do not join its campaign
    record(scored("school.cn", ips=("47.242.10.21",), verdict="benign", score=5), run_id=None)
    t1 = record(scored("tpl-one.com", ips=("1.0.0.9",), screenshot=png(5)), run_id=None).id
    t2 = record(scored("tpl-two.net", ips=("1.0.0.8",), screenshot=png(5)), run_id=None).id
    groups = repo.campaigns.link()
    assert sorted(g.lead_ids for g in groups) == [(a, b, c), (t1, t2)]
    abc = next(g for g in groups if a in g.lead_ids)
    kinds = {link["kind"] for link in abc.links}
    assert kinds == {"ip", "favicon"}
    assert [x.id for x in repo.leads.find(campaign=abc.id)] == [a, b, c]
    assert repo.leads.get(lone).campaign is None
    assert repo.leads.get(a).campaign == abc
    # idempotent: linking again keeps the same campaign rows
    again = repo.campaigns.link()
    assert sorted((g.id, g.lead_ids) for g in again) == sorted((g.id, g.lead_ids) for g in groups)
    assert repo.campaigns.list() == again


def test_down_captures_do_not_link_leads(repo: Repository) -> None:
    """A parking or sinkhole address answered for a dead name is no shared infrastructure."""
    gone = Failure.of(FailureKind.DNS, "SERVFAIL")
    for host, ip in (("x-zscx.com", "1.2.3.4"), ("y-zscx.com", "5.6.7.8")):
        repo.leads.record(scored(host, ips=(ip,)), run_id=None)
        repo.leads.record(
            scored(host, at=T0 + timedelta(days=1), ips=("9.9.9.9",), failure=gone), run_id=None
        )
    assert repo.campaigns.link() == []
