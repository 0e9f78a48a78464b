"""`repo.campaigns` against real SQLite and PostgreSQL: leads linked by strong evidence into
campaigns with stable ids, what benign sites show proves nothing, and the pivot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from storage_pages import T0, open_repo, png, scored

from core.failures import Failure, FailureKind
from storage.repository import Repository

TONGJI = '<script src="https://hm.baidu.com/hm.js?0123456789abcdef0123456789abcdef"></script>'


@pytest.fixture
def repo(database_url: str, tmp_path: Path) -> Iterator[Repository]:
    yield from open_repo(database_url, tmp_path)


def test_strong_evidence_links_and_hosting_alone_does_not(repo: Repository) -> None:
    record = repo.leads.record
    a = record(scored("a-zscx.com", ips=("47.242.10.21",), body=TONGJI), run_id=None).id
    b = record(
        scored("b-zscx.com", ips=("8.210.3.4",), body=TONGJI + " 微信：zscx_kefu88"), run_id=None
    ).id
    c = record(scored("c-zscx.top", ips=("103.1.1.1",), body=" 加微信 zscx_kefu88"), run_id=None).id
    # same IP as a, nothing else: shared hosting is no campaign
    lone = record(scored("lone.xyz", ips=("47.242.10.21",)), run_id=None).id
    # a benign site with the same tracking id: the id then proves nothing for anyone
    record(
        scored("school.cn", ips=("47.242.10.21",), verdict="benign", score=5, body=" QQ：12345678"),
        run_id=None,
    )
    d = record(scored("d-zscx.top", ips=("5.5.5.5",), body=" QQ：12345678"), run_id=None).id
    e = record(scored("e-zscx.top", ips=("6.6.6.6",), body=" QQ：12345678"), run_id=None).id
    groups = repo.campaigns.link()
    assert [g.lead_ids for g in groups] == [(a, b, c)]
    (abc,) = groups
    kinds = {ev["kind"] for link in abc.links for ev in link["evidence"]}
    assert {"baidu_tongji", "wechat"} <= kinds and "ip" not in kinds
    assert abc.members == 3 and abc.online == 3
    assert abc.first_seen == T0 and abc.last_seen == T0
    assert all(link["weight"] >= 0.8 for link in abc.links)
    reasons = [ev["reason"] for link in abc.links for ev in link["evidence"]]
    assert any("百度统计" in r for r in reasons) and any("微信号 zscx_kefu88" in r for r in reasons)
    assert [x.id for x in repo.leads.find(campaign=abc.id)] == [a, b, c]
    for other in (lone, d, e):
        assert repo.leads.get(other).campaign is None
    assert repo.leads.get(a).campaign == abc
    # idempotent: linking again keeps the same rows
    assert repo.campaigns.link() == groups
    assert repo.campaigns.list() == groups


def test_campaign_ids_are_stable_as_members_come_and_go(repo: Repository) -> None:
    record = repo.leads.record
    x = record(scored("x1-zscx.com", body=" QQ：99887766"), run_id=None).id
    y = record(scored("x2-zscx.com", body=" QQ：99887766"), run_id=None).id
    (first,) = repo.campaigns.link()
    # a later crawl finds a third site of the gang: same campaign, one more member
    z = record(scored("x3-zscx.com", at=T0 + timedelta(days=3), body=" QQ：99887766"), run_id=None)
    (grown,) = repo.campaigns.link()
    assert grown.id == first.id and grown.lead_ids == (x, y, z.id)
    assert grown.last_seen == T0 + timedelta(days=3)
    assert set(repo.campaigns.joined_since(T0 + timedelta(days=1))) == {z.id}
    # the analyst dismisses two of them: the campaign dissolves but its id is never reused
    repo.reviews.set_status(x, "dismissed", user="analyst")
    repo.reviews.set_status(y, "dismissed", user="analyst")
    assert repo.campaigns.link() == []
    u = record(scored("u1-other.com", body=" 微信：other_gang1"), run_id=None).id
    v = record(scored("u2-other.com", body=" 微信：other_gang1"), run_id=None).id
    (new,) = repo.campaigns.link()
    assert new.lead_ids == (u, v) and new.id != first.id
    assert [c.id for c in repo.campaigns.list(include_empty=True)] == [new.id, first.id]


def test_down_captures_do_not_link_leads(repo: Repository) -> None:
    """A parking or sinkhole page answered for a dead name is no shared evidence."""
    gone = Failure.of(FailureKind.DNS, "SERVFAIL")
    for host in ("x-zscx.com", "y-zscx.com"):
        repo.leads.record(scored(host, ips=("1.2.3.4",)), run_id=None)
        repo.leads.record(
            scored(host, at=T0 + timedelta(days=1), body=TONGJI, failure=gone, loaded=True),
            run_id=None,
        )
    assert repo.campaigns.link() == []


def test_pivot_finds_every_capture_dismissed_and_old_included(repo: Repository) -> None:
    old = repo.leads.record(scored("old-zscx.com", body=TONGJI, favicon=png(2)), run_id=None)
    repo.reviews.set_status(old.id, "dismissed", user="analyst")
    new = repo.leads.record(
        scored("new-zscx.com", at=T0 + timedelta(days=40), body=TONGJI), run_id=None
    )
    repo.leads.record(scored("other.com", body=" QQ：55555555"), run_id=None)
    hits = repo.campaigns.pivot("0123456789ABCDEF0123456789ABCDEF")
    assert [(h.lead_id, h.kind, h.status) for h in hits] == [
        (new.id, "baidu_tongji", "new"),
        (old.id, "baidu_tongji", "dismissed"),
    ]
    assert repo.campaigns.pivot("55555555", kind="phone") == []
    assert [h.host for h in repo.campaigns.pivot("55555555", kind="qq")] == ["other.com"]
    assert ("baidu_tongji", "0123456789abcdef0123456789abcdef") in repo.campaigns.features_of(
        old.id
    )


def test_posts_link_by_what_their_authors_left_never_by_their_platform(repo: Repository) -> None:
    record = repo.leads.record
    forum = ("110.242.68.130",)  # every post is served from the forum's address with its analytics

    def post(n: int, body: str, **kw: object) -> int:
        page = scored("tieba.baidu.com", path=f"/p/{n}", ips=forum, body=TONGJI + body, **kw)  # type: ignore[arg-type]
        return record(page, run_id=None).id

    p1 = post(1, " 电工证免考 加微信：gang_a_001")
    p2 = post(2, " 焊工证包过 加微信：gang_b_002")
    site = record(scored("gang-a.top", ips=("5.5.5.5",), body=" 微信：gang_a_001"), run_id=None).id
    named = record(scored("www.zs-cx.top", ips=("6.6.6.6",)), run_id=None).id
    p3 = post(3, " 证书官网可查 zs-cx点top")
    # a warning on the same forum naming the fake site: not a member, and it does not make the
    # site's name common
    post(4, " 警惕：zs-cx点top 是假冒的查询网站", verdict="benign", score=3)
    assert len({repo.leads.get(i).lead.host for i in (p1, p2, p3)}) == 3  # one lead per post
    groups = repo.campaigns.link()
    assert sorted(g.lead_ids for g in groups) == [(p1, site), (named, p3)]
    reasons = [ev["reason"] for g in groups for link in g.links for ev in link["evidence"]]
    assert any("指向同一网站 zs-cx.top" in r for r in reasons)
    assert repo.leads.get(p2).campaign is None
