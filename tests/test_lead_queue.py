"""The lead queue at any size, on SQLite and PostgreSQL: keyset pages that skip and repeat
nothing through ties, every filter, bounded counts, one query for all sources of a page,
index-ordered plans, and the same order in the review UI and `zhenwei leads --json`."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import event, insert, text
from starlette.testclient import TestClient
from storage_pages import T0, open_repo

from core.config import Settings
from storage import leadquery
from storage.leadquery import Cursor, LeadFilter, LeadPage, best_first, conditions
from storage.models import Lead, LeadSource
from storage.repository import Repository
from zhenwei.cli import main
from zhenwei.web.app import create_app

N = 420
STATUSES = ("new", "new", "new", "reviewing", "confirmed", "dismissed")
WORDS = ("cx-mem-gov", "zlaq", "shop", "memory", "banzheng", "peixun", "news")
SUFFIXES = ("cn", "com", "top", "com.cn")


def _seed(repo: Repository, n: int = N, seed: int = 7) -> list[dict[str, object]]:
    """`n` leads with heavy ties: 3 scores x 2 times, so most keys share score and last_seen."""
    rnd = random.Random(seed)
    rows: list[dict[str, object]] = []
    for i in range(1, n + 1):
        host = f"{rnd.choice(WORDS)}{i}.{rnd.choice(SUFFIXES)}"
        score = rnd.choice((10, 55, 90))
        verdict = "benign" if score == 10 else "suspicious" if score == 55 else "counterfeit"
        at = T0 + timedelta(hours=rnd.choice((0, 6)))
        rows.append(
            {
                "id": i,
                "host": host,
                "url": f"https://{host}/",
                "registered_domain": host.split(".", 1)[0] + ".cn",
                "title": "",
                "score": score,
                "verdict": verdict,
                "categories": [],
                "status": rnd.choice(STATUSES),
                "first_seen": at,
                "last_seen": at,
                "is_down": False,
                "review_head": "",
                "created_at": at,
                "updated_at": at,
            }
        )
    with repo.db.session(write=True) as s:
        s.execute(insert(Lead), rows)
        s.execute(
            insert(LeadSource),
            [
                {
                    "lead_id": r["id"],
                    "source": src,
                    "first_found": r["first_seen"],
                    "last_found": r["last_seen"],
                    "context": {},
                }
                for r in rows
                for src in rnd.sample(("ct", "search", "seeds"), rnd.randint(1, 3))
            ],
        )
        if repo.db.dialect == "postgresql":
            s.execute(text("SELECT setval('lead_id_seq', :n)"), {"n": n})
    return rows


def _expected(rows: list[dict[str, object]], where: LeadFilter) -> list[int]:
    def keep(r: dict[str, object]) -> bool:
        return (
            (not where.status or r["status"] in where.status)
            and (not where.verdict or r["verdict"] in where.verdict)
            and (where.min_score is None or int(r["score"]) >= where.min_score)  # type: ignore[call-overload]
            and (not where.host or where.host.lower() in str(r["host"]))
        )

    kept = [r for r in rows if keep(r)]
    kept.sort(key=lambda r: (-r["score"], -r["last_seen"].timestamp(), r["id"]))  # type: ignore[arg-type,return-value,operator,union-attr]
    return [int(r["id"]) for r in kept]  # type: ignore[call-overload]


def _walk(repo: Repository, where: LeadFilter, size: int) -> tuple[list[int], list[LeadPage]]:
    pages = [repo.leads.page(where, size=size)]
    while pages[-1].next is not None:
        pages.append(repo.leads.page(where, after=pages[-1].next, size=size))
    return [lead.id for p in pages for lead in p.leads], pages


@pytest.fixture
def repo(database_url: str, tmp_path: Path) -> Iterator[Repository]:
    yield from open_repo(database_url, tmp_path)


FILTERS = [
    LeadFilter(),
    LeadFilter(status=("new",)),
    LeadFilter(verdict=("suspicious",)),
    LeadFilter(status=("new",), verdict=("counterfeit",)),
    LeadFilter(min_score=50),
    LeadFilter(status=("reviewing", "confirmed"), min_score=50),
    LeadFilter(host="ZLAQ"),  # few: the trigram index's id list
    LeadFilter(host=".com"),  # many (about half): the order index, filtered
    LeadFilter(host="cx-mem-gov", verdict=("counterfeit",)),
]


@pytest.mark.parametrize("where", FILTERS, ids=lambda w: repr(w)[10:60])
def test_keyset_pages_skip_and_repeat_nothing_through_ties(
    repo: Repository, where: LeadFilter
) -> None:
    rows = _seed(repo)
    expected = _expected(rows, where)
    assert len(expected) > 10
    walked, pages = _walk(repo, where, size=17)
    assert walked == expected  # every lead once, in the one order
    assert [x.id for x in repo.leads.find(**_find_args(where))] == expected
    assert pages[0].prev is None and pages[-1].next is None
    # and back again from the last page, page by page
    back = [pages[-1]]
    while back[-1].prev is not None:
        back.append(repo.leads.page(where, before=back[-1].prev, size=17))
    assert [[x.id for x in p.leads] for p in reversed(back)] == [
        [x.id for x in p.leads] for p in pages
    ]


def _find_args(where: LeadFilter) -> dict[str, object]:
    return {
        "status": where.status or None,
        "verdict": where.verdict or None,
        "min_score": where.min_score,
        "host": where.host,
    }


def test_common_and_rare_host_searches_agree_whichever_index_serves_them(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _seed(repo)
    for term in ("zlaq", "memory", ".top", "gov1"):
        where = LeadFilter(host=term)
        few, _ = _walk(repo, where, size=23)
        monkeypatch.setattr(leadquery, "FEW_HOSTS", 0)  # force the order-index walk
        many, _ = _walk(repo, where, size=23)
        monkeypatch.undo()
        assert few == many == _expected(rows, where), term
    assert repo.leads.find(host="zz") == repo.leads.find()  # too short: no filter


def test_counts_are_exact_below_the_cap_and_bounded_above(repo: Repository) -> None:
    rows = _seed(repo)
    where = LeadFilter(verdict=("counterfeit",))
    exact = len(_expected(rows, where))
    assert repo.leads.count(where) == (exact, False)
    assert repo.leads.count(where, cap=10) == (10, True)
    page = repo.leads.page(where, size=5, count=True)
    assert (page.total, page.capped) == (exact, False)


def test_a_page_reads_every_source_in_one_query(repo: Repository) -> None:
    _seed(repo)
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(repo.db.engine, "before_cursor_execute", seen)
    try:
        small = repo.leads.page(LeadFilter(), size=5, count=True)
        n_small = len(statements)
        statements.clear()
        big = repo.leads.page(LeadFilter(), size=200, count=True)
    finally:
        event.remove(repo.db.engine, "before_cursor_execute", seen)
    assert len(statements) == n_small <= 4  # page, sources, count: not one per lead
    assert all(lead.sources for lead in small.leads + big.leads)


# the queue's filters (one status, one verdict, both, a minimum score); several statuses at
# once (the CLI's repeated --status) are read from one index range each, then sorted
@pytest.mark.parametrize("where", FILTERS[:5], ids=lambda w: repr(w)[10:60])
def test_sqlite_plans_follow_an_index_without_sorting(tmp_path: Path, where: LeadFilter) -> None:
    repo = next(open_repo(f"sqlite:///{tmp_path / 'q.db'}", tmp_path))
    _seed(repo)
    with repo.db.session() as s:
        after = Cursor.of(55, T0, 200)
        stmt = best_first(conditions(s, where), after=after).limit(101)
        sql = str(stmt.compile(repo.db.engine, compile_kwargs={"literal_binds": True}))
        plan = " | ".join(r[3] for r in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    # ties on (score, last_seen) may be put in id order group by group, never the whole list
    assert "USING INDEX ix_lead_" in plan and "TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_cursor_tokens_round_trip_and_junk_means_the_first_page() -> None:
    c = Cursor.of(87, T0 + timedelta(microseconds=123456), 4242)
    assert Cursor.parse(c.token()) == c
    for junk in ("", "x", "!!!", "a" * 500, Cursor.of(1, T0, 2).token()[:-3]):
        assert Cursor.parse(junk) is None


PASSWORD = "queue-pass-1"


def test_review_ui_pages_and_leads_json_agree_on_order(
    repo: Repository, database_url: str, tmp_path: Path
) -> None:
    rows = _seed(repo)
    repo.users.add("li", "analyst", PASSWORD)
    env = {"ZHENWEI_DATABASE_URL": database_url, "ZHENWEI_DATA_DIR": str(tmp_path / "data")}
    host_link = re.compile(r'<a href="/leads/(\d+)">')
    with TestClient(create_app(Settings.from_env(env), secret_key="k" * 32)) as c:
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text)
        assert token is not None
        c.post("/login", data={"name": "li", "password": PASSWORD, "csrf": token.group(1)})
        open_statuses = [
            x
            for st in ("new", "reviewing", "confirmed", "referred", "taken_down")
            for x in ("--status", st)
        ]
        for params, cli in (
            ({"status": "all"}, []),
            ({}, open_statuses),  # the default queue leaves dismissed and official leads out
            ({"status": "new", "min_score": "50"}, ["--status", "new", "--min-score", "50"]),
            ({"q": "memory", "status": "all"}, ["--host", "memory"]),
        ):
            ui: list[int] = []
            url: str | None = "/leads?" + "&".join(f"{k}={v}" for k, v in params.items())
            pages = 0
            while url:
                html = c.get(url).text
                ui += [int(x) for x in host_link.findall(html)]
                nxt = re.search(r'<a href="([^"]+)" rel="next">', html)
                url = nxt.group(1).replace("&amp;", "&") if nxt else None
                pages += 1
            result = CliRunner().invoke(main, ["leads", "--json", *cli], env=env)
            assert result.exit_code == 0, result.output
            listed = [json.loads(line)["id"] for line in result.stdout.splitlines()]
            assert ui == listed and len(set(ui)) == len(ui), params
            assert pages == -(-len(ui) // 100) and len(ui) > 20
        every = c.get("/leads", params={"status": "all"}).text
        assert "超过" not in every and f"共 {len(rows)} 条" in every
        still_open = sum(1 for r in rows if r["status"] not in ("dismissed", "official"))
        assert f"共 {still_open} 条" in c.get("/leads").text
        junk = c.get("/leads", params={"after": "garbage", "before": "%%"}).text
        assert host_link.findall(junk) == host_link.findall(c.get("/leads").text)
        short = c.get("/leads", params={"q": "ab"}).text
        assert "至少需要 3 个字符" in short
